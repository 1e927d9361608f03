/* test_config_text.c: scenario files as text (sim/config_text.c): what a
 * syntax error is called and the line libconfig names for it, through
 * cfg_load_string as a user meets it; the rule for scenario names; and the
 * text of a new scenario made from another (aandacht new). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "config.h"
#include "config_text.h"

#define HEAD "scenario = { name = \"t\"; };\n"

/* Loading text fails at line, and the message holds both substrings (NULL:
 * skip) and no generic fallback. */
static void expect_syntax(const char *text, int line, const char *sub1, const char *sub2)
{
    static ad_config cfg;
    ad_error err;
    int rc = cfg_load_string(&cfg, text, "t.cfg", NULL, 0, &err);
    cr_assert_eq(rc, AD_ERR_CONFIG, "expected an error for:\n%s", text);
    cr_assert_str_eq(err.file, "t.cfg");
    cr_assert_eq(err.line, line, "line %d, want %d: %s", err.line, line, err.msg);
    cr_assert_null(strstr(err.msg, "libconfig cannot read"), "no explanation found: %s", err.msg);
    if (sub1) cr_assert(strstr(err.msg, sub1), "message '%s' lacks '%s'", err.msg, sub1);
    if (sub2) cr_assert(strstr(err.msg, sub2), "message '%s' lacks '%s'", err.msg, sub2);
    cr_assert_null(strchr(err.msg, '\n'), "message spans lines: %s", err.msg);
}

Test(syntax, missing_comma_between_brands_names_the_line_before)
{
    expect_syntax(HEAD "brands = (\n  { name = \"A\"; }\n  { name = \"B\"; }\n);\n", 4,
                  "separated by ','", "is one missing at the end of line 3?");
    expect_syntax(HEAD "brands = ( { name = \"A\"; } { name = \"B\"; } );\n", 2, "separated by ','", "before '{'");
}

Test(syntax, semicolon_between_list_elements)
{
    expect_syntax(HEAD "brands = ( { name = \"A\"; }; { name = \"B\"; } );\n", 2, "separated by ',', not ';'", NULL);
}

Test(syntax, unquoted_text)
{
    expect_syntax(HEAD "brands = ( { name = \"A\"; routing = by_need; } );\n", 2,
                  "text must be written in double quotes: routing = \"by_need\";", NULL);
    expect_syntax("scenario = { name = 'x'; };\n", 1, "double quotes, not single quotes", NULL);
}

Test(syntax, unclosed_group_list_and_string)
{
    expect_syntax("scenario = { name = \"t\";\n\nbrands = ( { name = \"A\"; } );\n", 4,
                  "ends inside the group '{' opened on line 1", "'}' is missing");
    expect_syntax(HEAD "brands = ( { name = \"A\"; }\n", 3, "list '(' opened on line 2", "')' is missing");
    expect_syntax("scenario = { name = \"t; };\nbrands = ( { name = \"A\"; } );\n", 3,
                  "a '\"' is missing: the text in double quotes that starts on line 1 runs on to line 2", NULL);
    expect_syntax(HEAD "brands = ( { name = \"A; } );\n", 3, "starts on line 2 is never closed", NULL);
    /* a description over two lines is not taken for the fault */
    expect_syntax("scenario = { name = \"t\"; description = \"two\nlines\"; };\nbrands = ( { name = \"A; } );\n", 4,
                  "starts on line 3 is never closed", NULL);
}

Test(syntax, wrong_or_extra_closer)
{
    expect_syntax(HEAD "brands = ( { name = \"A\"; share = 0.5; ), { name = \"B\"; } );\n", 2,
                  "')' inside the group '{' opened on line 2", "is a '}' missing?");
    expect_syntax(HEAD "};\n", 2, "'}' closes nothing", NULL);
    expect_syntax(HEAD "brands = ( { name = \"A\"; } ]\n", 2, "']' closes nothing here", "list '(' opened on line 2");
}

Test(syntax, dotted_key_and_spaces_in_names)
{
    expect_syntax(HEAD "population.customers = 3;\n", 2, "'population.customers'", "nested groups");
    expect_syntax(HEAD "switch rate = 0.1;\n", 2, "no spaces", "switch_rate");
    expect_syntax("scenario { name = \"t\"; };\n", 1, "'=' is missing after 'scenario'", NULL);
}

Test(syntax, numbers)
{
    expect_syntax(HEAD "population = { customers = 1,000; };\n", 2, "without ','", "1000, not 1,000");
    expect_syntax(HEAD "brands = ( { name = \"A\"; automation = { target = 80%; }; } );\n", 2,
                  "'%' cannot follow a number", "0.8 for 80 %");
    expect_syntax("scenario = { name = \"t\"; seed = 1e; };\n", 1, "'1e' is not a number", NULL);
    expect_syntax(HEAD "brands = ( { name = \"A\"; price = 50 60; } );\n", 2, "a second value '60'", NULL);
}

Test(syntax, duplicate_setting_names_both_lines)
{
    expect_syntax("scenario = { name = \"t\";\n weeks = 3;\n weeks = 4; };\n", 3,
                  "duplicate setting: 'weeks' is set twice", "also on line 2");
}

Test(syntax, trailing_comma_in_list)
{
#if LIBCONFIG_VER_MAJOR == 1 && LIBCONFIG_VER_MINOR < 7
    expect_syntax(HEAD "brands = (\n  { name = \"A\"; },\n);\n", 4, "remove the ',' at the end of line 3",
                  "before ')'");
#else
    static ad_config cfg;
    ad_error err;
    cr_assert_eq(cfg_load_string(&cfg, HEAD "brands = (\n  { name = \"A\"; },\n);\n", "t.cfg", NULL, 0, &err), AD_OK);
#endif
}

Test(syntax, a_directory_is_not_a_scenario_file)
{
    static ad_config cfg;
    ad_error err;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/scenarios", AD_SOURCE_DIR);
    cr_assert_eq(cfg_load(&cfg, dir, NULL, 0, &err), AD_ERR_CONFIG);
    cr_assert(strstr(err.msg, "is a directory, not a scenario file"), "%s", err.msg);
    cr_assert(strstr(err.msg, "scenarios/baseline.cfg"), "%s", err.msg);
}

Test(names, scenario_name_rule)
{
    char why[128];
    cr_assert_eq(cfg_name_check("robot_rush-2.b", why, sizeof why), 0);
    cr_assert_eq(cfg_name_check("", why, sizeof why), -1);
    cr_assert_eq(cfg_name_check("two words", why, sizeof why), -1);
    cr_assert(strstr(why, "letters, digits"), "%s", why);
    char long_name[80];
    memset(long_name, 'a', 64);
    long_name[64] = '\0';
    cr_assert_eq(cfg_name_check(long_name, why, sizeof why), -1);
    cr_assert(strstr(why, "at most 63"), "%s", why);
    long_name[63] = '\0';
    cr_assert_eq(cfg_name_check(long_name, why, sizeof why), 0);
}

static const char ORIGINAL[] =
    "# old: what it asked.\n"
    "#\n"
    "# Question: something.\n"
    "\n"
    "# a comment that stays\n"
    "scenario = {\n"
    "  name = \"old\";   # keep this comment\n"
    "  seed = 7;\n"
    "};\n"
    "brands = ( { name = \"old\"; } );\n";

Test(new_scenario, replaces_the_opening_comment_and_the_name_only)
{
    ad_error err;
    char *text = cfg_new_scenario_text(ORIGINAL, "fresh", "scenarios/old.cfg", &err);
    cr_assert_not_null(text, "%s", err.msg);
    const char *want =
        "# fresh: <one line: what this scenario asks>\n"
        "#\n"
        "# Question:\n"
        "#\n"
        "# Look at:\n"
        "#\n"
        "# Made from scenarios/old.cfg.\n"
        "\n"
        "# a comment that stays\n"
        "scenario = {\n"
        "  name = \"fresh\";   # keep this comment\n"
        "  seed = 7;\n"
        "};\n"
        "brands = ( { name = \"old\"; } );\n";
    cr_assert_str_eq(text, want);
    static ad_config cfg;
    cr_assert_eq(cfg_load_string(&cfg, text, "fresh.cfg", NULL, 0, &err), AD_OK, "%s", err.msg);
    cr_assert_str_eq(cfg.name, "fresh");
    cr_assert_str_eq(cfg.brands[0].name, "old");
    free(text);
}

Test(new_scenario, without_an_opening_comment_one_is_added)
{
    ad_error err;
    char *text = cfg_new_scenario_text("scenario = { name = \"a\" \"b\"; };\n", "c", "x.cfg", &err);
    cr_assert_not_null(text, "%s", err.msg);
    cr_assert(!strncmp(text, "# c: <one line", 14), "%s", text);
    cr_assert(strstr(text, "# Made from x.cfg.\n\nscenario = { name = \"c\"; };\n"), "%s", text);
    free(text);
}

Test(new_scenario, needs_scenario_name_in_the_file_itself)
{
    ad_error err;
    cr_assert_null(cfg_new_scenario_text("# x\nbrands = ( { name = \"A\"; } );\n", "c", "x.cfg", &err));
    cr_assert_eq(err.code, AD_ERR_CONFIG);
    cr_assert(strstr(err.msg, "does not set scenario.name itself"), "%s", err.msg);
    cr_assert_null(cfg_new_scenario_text("scenario = { name = \"x\" ;\n", "c", "x.cfg", &err));
    cr_assert(strstr(err.msg, "syntax error"), "%s", err.msg);
}
