/* test_config.c: the scenario loader (sim/config.c) and its writers
 * (sim/config_format.c): defaults, every class of bad input with its line,
 * key and message, --set overrides, the resolved-config round trip, the
 * automation ramp, and the documented example of docs/scenario-files.md. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "support.h"

#define MINIMAL "scenario = { name = \"t\"; };\nbrands = ( { name = \"A\"; }, { name = \"B\"; } );\n"

static int slot(const char *key)
{
    int i = ad_param_find(key, AD_SCOPE_B), k = 0;
    for (int j = 0; j < i; j++) k += ad_param_table[j].scope == AD_SCOPE_B;
    return k;
}

static ad_config *load_ok(const char *text, const char *const *sets, int n)
{
    static ad_config cfg;
    ad_error err;
    int rc = cfg_load_string(&cfg, text, "t.cfg", sets, n, &err);
    cr_assert_eq(rc, AD_OK, "load failed: %s:%d: [%s] %s", err.file, err.line, err.key, err.msg);
    cr_assert_eq(err.code, AD_OK);
    return &cfg;
}

/* Loading fails with AD_ERR_CONFIG at line (-1: any) and key (NULL: any),
 * and the message holds both substrings (NULL: skip). */
static void expect_err(const char *text, const char *const *sets, int n, int line, const char *key,
                       const char *sub1, const char *sub2)
{
    ad_config cfg;
    ad_error err;
    int rc = cfg_load_string(&cfg, text, "t.cfg", sets, n, &err);
    cr_assert_eq(rc, AD_ERR_CONFIG, "expected a config error, got %d (%s)", rc, err.msg);
    cr_assert_eq(err.code, AD_ERR_CONFIG);
    cr_assert_eq(ad_exit_status(err.code), 2);
    if (line >= 0) cr_assert_eq(err.line, line, "line %d, want %d: %s", err.line, line, err.msg);
    if (key) cr_assert_str_eq(err.key, key, "key '%s', want '%s': %s", err.key, key, err.msg);
    if (sub1) cr_assert(strstr(err.msg, sub1), "message '%s' lacks '%s'", err.msg, sub1);
    if (sub2) cr_assert(strstr(err.msg, sub2), "message '%s' lacks '%s'", err.msg, sub2);
    cr_assert_eq(strchr(err.msg, '\n'), NULL, "message spans lines: %s", err.msg);
}

Test(config, minimal_scenario_gets_defaults)
{
    ad_config *c = load_ok(MINIMAL, NULL, 0);
    cr_assert_str_eq(c->name, "t");
    cr_assert_str_eq(c->source, "t.cfg");
    cr_assert_eq(c->weeks, 520);
    cr_assert_eq(c->customers, 100000);
    cr_assert_eq(c->degree, 8);
    cr_assert_float_eq(c->nu, 0.04, 1e-15);
    cr_assert_eq(c->tip_on, 0);
    cr_assert_float_eq(c->tip_prob[3], 0.6, 1e-15);
    cr_assert_eq(c->n_brands, 2);
    cr_assert_float_eq(c->brands[0].share, 0.5, 1e-15);
    cr_assert_float_eq(c->brands[1].share, 0.5, 1e-15);
    cr_assert_float_eq(c->brands[1].quality, 0.6, 1e-15);
    cr_assert_eq(c->brands[0].auto_target, -1);
    cr_assert_eq(c->brands[0].staffing, AD_STAFF_FOLLOW_DEMAND);
    cr_assert_eq(c->brands[0].escalation, 1);
    cr_assert_eq(c->n_events, 0);
    cr_assert_eq(c->n_interventions, 0);
    cr_assert_eq(c->given[ad_param_find("scenario.name", AD_SCOPE_G)], 1);
    cr_assert_eq(c->given[ad_param_find("scenario.weeks", AD_SCOPE_G)], 0);
    cr_assert_eq(c->brand_given[0][slot("name")], 1);
    cr_assert_eq(c->brand_given[0][slot("share")], 0);
}

Test(config, given_values_are_given)
{
    ad_config *c = load_ok(
        "scenario = { name = \"base-line_1.0\"; seed = 12345678901L; weeks = 100; description = \"a \\\"b\\\"\"; };\n"
        "population = { customers = 500; };\n"
        "customer = { switch_rate = 0.05; };\n"
        "tipping = { enabled = true; smile = { prob = 0.7; effect = 2; }; };\n"
        "brands = ( { name = \"A\"; share = 0.25; routing = \"by_need\"; escalation = false;\n"
        "             automation = { start = 0.1; target = 0.6; ramp_start = 10; ramp_weeks = 20; }; },\n"
        "           { name = \"B\"; share = 0.75; staffing = \"fixed\"; } );\n",
        NULL, 0);
    cr_assert_str_eq(c->name, "base-line_1.0");
    cr_assert_str_eq(c->description, "a \"b\"");
    cr_assert_eq(c->seed, 12345678901LL);
    cr_assert_eq(c->weeks, 100);
    cr_assert_eq(c->customers, 500);
    cr_assert_float_eq(c->nu, 0.05, 1e-15);
    cr_assert_eq(c->given[ad_param_find("scenario.seed", AD_SCOPE_G)], 1);
}

Test(config, given_values_are_given_2)
{
    ad_config *c = load_ok(
        "scenario = { name = \"x\"; weeks = 100; };\n"
        "population = { customers = 500; need_median = 0.5; contact_rate = 1; };\n"
        "tipping = { enabled = true; smile = { prob = 0.7; effect = 2; }; };\n"
        "brands = ( { name = \"A\"; share = 0.25; routing = \"by_need\"; escalation = false;\n"
        "             automation = { start = 0.1; target = 0.6; ramp_start = 10; ramp_weeks = 20; }; },\n"
        "           { name = \"B\"; share = 0.75; staffing = \"fixed\"; } );\n",
        NULL, 0);
    cr_assert_float_eq(c->contact_rate, 1.0, 1e-15);
    cr_assert_eq(c->tip_on, 1);
    cr_assert_float_eq(c->tip_prob[3], 0.7, 1e-15);
    cr_assert_float_eq(c->tip_effect[3], 2.0, 1e-15);
    cr_assert_eq(c->given[ad_param_find("tipping.smile.prob", AD_SCOPE_G)], 1);
    cr_assert_eq(c->given[ad_param_find("tipping.joke.prob", AD_SCOPE_G)], 0);
    cr_assert_float_eq(c->brands[0].share, 0.25, 1e-15);
    cr_assert_eq(c->brands[0].routing, AD_ROUTE_BY_NEED);
    cr_assert_eq(c->brands[0].escalation, 0);
    cr_assert_float_eq(c->brands[0].auto_target, 0.6, 1e-15);
    cr_assert_eq(c->brands[0].ramp_start, 10);
    cr_assert_eq(c->brands[1].staffing, AD_STAFF_FIXED);
    cr_assert_eq(c->brand_given[0][slot("automation.target")], 1);
    cr_assert_eq(c->brand_given[1][slot("automation.target")], 0);
    cr_assert_eq(c->brand_given[1][slot("staffing")], 1);
}

Test(config, need_median_out_of_range)
{
    expect_err("scenario = { name = \"t\"; };\npopulation = { need_median = 1; };\n"
               "brands = ( { name = \"A\"; } );\n",
               NULL, 0, 2, "population.need_median", "out of range", "0.01 to 0.99");
}

Test(config, unknown_global_key_suggests)
{
    expect_err(MINIMAL "customer = {\n  swich_rate = 0.1;\n};\n", NULL, 0, 4, "customer.swich_rate",
               "unknown key 'customer.swich_rate'", "did you mean 'customer.switch_rate'");
    expect_err(MINIMAL "custmer = { switch_rate = 0.1; };\n", NULL, 0, 3, "custmer.switch_rate",
               "did you mean 'customer.switch_rate'", NULL);
    expect_err(MINIMAL "brand = ( );\n", NULL, 0, 3, "brand", "did you mean 'brands'", NULL);
    expect_err(MINIMAL "quality = 0.5;\n", NULL, 0, 3, "quality", "brand parameter", NULL);
    expect_err(MINIMAL "nothing = { };\n", NULL, 0, 3, "nothing", "unknown key", NULL);
    expect_err(MINIMAL "tipping = ( 1 );\n", NULL, 0, 3, "tipping", "must be a group", NULL);
}

Test(config, unknown_brand_key_suggests)
{
    expect_err("scenario = { name = \"t\"; };\nbrands = (\n { name = \"A\"; },\n { name = \"B\";\n qualty = 0.5; } );\n",
               NULL, 0, 5, "brands.[1].qualty", "did you mean 'brands.[1].quality'", "brand 'B'");
    expect_err("scenario = { name = \"t\"; };\nbrands = ( { name = \"A\";\n automaton = { target = 0.5; }; } );\n",
               NULL, 0, 3, "brands.[0].automaton.target", "did you mean 'brands.[0].automation.target'", NULL);
}

Test(config, brand_and_scenario_wide_keys_in_the_wrong_place)
{
    /* a misspelt brand key written outside the brands suggests the brand key */
    expect_err(MINIMAL "qualty = 0.5;\n", NULL, 0, 3, "qualty", "did you mean 'quality'? it is a brand parameter",
               "inside brands");
    const char *set[] = {"qualty=0.5"};
    expect_err(MINIMAL, set, 1, 0, "qualty", "did you mean 'brands.NAME.quality'?", NULL);
    /* a scenario-wide key written inside a brand names it */
    expect_err("scenario = { name = \"t\"; };\nbrands = ( { name = \"A\";\n seed = 3; } );\n", NULL, 0, 3,
               "brands.[0].seed", "the scenario-wide scenario.seed", "outside the brands");
    expect_err("scenario = { name = \"t\"; };\nbrands = ( { name = \"A\"; population = { customers = 5; }; } );\n",
               NULL, 0, 2, "brands.[0].population.customers", "population.customers is a scenario-wide parameter",
               NULL);
    const char *bset[] = {"brands.A.weeks=3"};
    expect_err(MINIMAL, bset, 1, 0, "brands.A.weeks", "scenario.weeks", "--set scenario.weeks=VALUE");
    /* a misspelt brand key inside a brand still suggests the brand's own keys */
    expect_err("scenario = { name = \"t\"; };\nbrands = ( { name = \"A\"; qualty = 0.5; } );\n", NULL, 0, 2,
               "brands.[0].qualty", "did you mean 'brands.[0].quality'", NULL);
}

Test(config, automation_target_range_is_0_to_1_in_words)
{
    ad_config cfg;
    ad_error err;
    int rc = cfg_load_string(&cfg, "scenario = { name = \"t\"; };\nbrands = ( { name = \"A\";\n"
                             " automation = { target = 80; }; } );\n", "t.cfg", NULL, 0, &err);
    cr_assert_eq(rc, AD_ERR_CONFIG);
    cr_assert_eq(err.line, 3);
    cr_assert(strstr(err.msg, "allowed 0 to 1, e.g. 0.8 for 80 %"), "%s", err.msg);
    cr_assert(strstr(err.msg, "leave it out to keep the starting share"), "%s", err.msg);
    cr_assert_null(strstr(err.msg, "-1"), "%s", err.msg);
    const char *set[] = {"brands.[0].automation.target=1.5"};
    expect_err(MINIMAL, set, 1, 0, "brands.[0].automation.target", "allowed 0 to 1", "starting share");
    const char *ok[] = {"brands.[0].automation.target=-1"};
    cr_assert_eq(load_ok(MINIMAL, ok, 1)->brands[0].auto_target, -1);
    /* an intervention cannot leave it out: -1 is said in words */
    expect_err("scenario = { name = \"t\"; };\nbrands = ( { name = \"A\"; } );\ninterventions = (\n"
               " { week = 3; brand = \"A\"; key = \"automation.target\"; value = 80.0; } );\n", NULL, 0, 4,
               NULL, "allowed 0 to 1 (or -1 for the starting share", NULL);
    /* other shares written as percentages get the same hint */
    expect_err("scenario = { name = \"t\"; };\nbrands = ( { name = \"A\"; quality = 75; } );\n", NULL, 0, 2,
               "brands.[0].quality", "allowed 0 to 1, e.g. 0.75 for 75 %", NULL);
}

Test(config, wrong_types)
{
    expect_err(MINIMAL "population = { customers = 3.0; };\n", NULL, 0, 3, "population.customers",
               "expects a whole number", NULL);
    expect_err(MINIMAL "customer = { switch_rate = \"fast\"; };\n", NULL, 0, 3, "customer.switch_rate",
               "expects a number", NULL);
    expect_err(MINIMAL "tipping = { enabled = 1; };\n", NULL, 0, 3, "tipping.enabled", "true or false", NULL);
    expect_err("scenario = { name = \"t\"; };\nbrands = ( { name = \"A\"; routing = \"random\"; } );\n", NULL, 0,
               2, "brands.[0].routing", "\"uniform\", \"by_need\"", NULL);
    expect_err("scenario = { name = \"t\"; };\nbrands = ( { name = \"A\"; routing = 1; } );\n", NULL, 0, 2,
               "brands.[0].routing", "expects one of", NULL);
    expect_err("scenario = { name = 5; };\nbrands = ( { name = \"A\"; } );\n", NULL, 0, 1, "scenario.name",
               "string", NULL);
    expect_err("scenario = { name = { x = 1; }; };\nbrands = ( { name = \"A\"; } );\n", NULL, 0, 1,
               "scenario.name", "a group", NULL);
    expect_err("scenario = { name = \"t\"; };\nbrands = ( { name = \"abcdefghijabcdefghijabcdefghijabc\"; } );\n",
               NULL, 0, 2, "brands.[0].name", "too long", "at most 31");
}

Test(config, out_of_range_is_not_clamped)
{
    expect_err(MINIMAL "customer = { switch_rate = 1.5; };\n", NULL, 0, 3, "customer.switch_rate",
               "customer.switch_rate = 1.5 is out of range: allowed 0 to 1 (1/week)", NULL);
    expect_err(MINIMAL "population = { customers = 0; };\n", NULL, 0, 3, "population.customers",
               "out of range", "1 to 100000000");
    expect_err("scenario = { name = \"t\";\n weeks = 0; };\nbrands = ( { name = \"A\"; } );\n", NULL, 0, 2,
               "scenario.weeks", "out of range", "1 to 10400 (week)");
    expect_err("scenario = { name = \"t\"; };\nbrands = ( { name = \"A\"; quality = -0.1; } );\n", NULL, 0, 2,
               "brands.[0].quality", "out of range", "0 to 1");
    expect_err("scenario = { name = \"t\"; };\nbrands = ( { name = \"A\"; automation = { target = -0.5; }; } );\n",
               NULL, 0, 2, "brands.[0].automation.target", "-1", NULL);
    expect_err(MINIMAL "customer = { switch_rate = 1e999; };\n", NULL, 0, 3, "customer.switch_rate",
               "finite", NULL);
}

Test(config, set_rejects_nan_and_bad_numbers)
{
    const char *nan[] = {"customer.switch_rate=nan"};
    expect_err(MINIMAL, nan, 1, 0, "customer.switch_rate", "not a finite number", NULL);
    const char *inf[] = {"customer.switch_rate=inf"};
    expect_err(MINIMAL, inf, 1, 0, "customer.switch_rate", "not a finite number", NULL);
    const char *junk[] = {"customer.switch_rate=0.1x"};
    expect_err(MINIMAL, junk, 1, 0, "customer.switch_rate", "expects a number", "'0.1x'");
    const char *frac[] = {"population.customers=10.5"};
    expect_err(MINIMAL, frac, 1, 0, "population.customers", "whole number", NULL);
    const char *noeq[] = {"customer.switch_rate"};
    expect_err(MINIMAL, noeq, 1, 0, NULL, "no '='", NULL);
    const char *unk[] = {"customer.swich_rate=0.1"};
    expect_err(MINIMAL, unk, 1, 0, "customer.swich_rate", "did you mean 'customer.switch_rate'", NULL);
    const char *ev[] = {"events=1"};
    expect_err(MINIMAL, ev, 1, 0, "events", "scenario file", NULL);
    ad_config cfg;
    ad_error err;
    cr_assert_eq(cfg_load_string(&cfg, MINIMAL, "t.cfg", nan, 1, &err), AD_ERR_CONFIG);
    cr_assert_str_eq(err.file, "--set");
}

Test(config, set_overrides_in_order)
{
    const char *sets[] = {"customer.switch_rate=0.2", " customer.switch_rate = 0.3 ", "tipping.enabled=true",
                          "brands.[1].routing=by_need", "brands.A.quality=0.9", "brands.A.staffing=\"fixed\"",
                          "scenario.name='renamed'", "scenario.seed=99", "tipping.smile.prob=0", "output.raw_agents=1"};
    ad_config *c = load_ok(MINIMAL, sets, 10);
    cr_assert_float_eq(c->nu, 0.3, 1e-15);
    cr_assert_eq(c->tip_on, 1);
    cr_assert_eq(c->brands[1].routing, AD_ROUTE_BY_NEED);
    cr_assert_float_eq(c->brands[0].quality, 0.9, 1e-15);
    cr_assert_eq(c->brands[0].staffing, AD_STAFF_FIXED);
    cr_assert_str_eq(c->name, "renamed");
    cr_assert_eq(c->seed, 99);
    cr_assert_eq(c->tip_prob[3], 0);
    cr_assert_eq(c->raw_agents, 1);
    cr_assert_eq(c->given[ad_param_find("customer.switch_rate", AD_SCOPE_G)], 1);
    cr_assert_eq(c->brand_given[1][slot("routing")], 1);
    cr_assert_eq(c->brand_given[0][slot("routing")], 0);
}

Test(config, set_brand_errors)
{
    const char *unk[] = {"brands.C.quality=0.5"};
    expect_err(MINIMAL, unk, 1, 0, "brands.C.quality", "no brand named 'C'", "brands are: A, B");
    const char *idx[] = {"brands.[2].quality=0.5"};
    expect_err(MINIMAL, idx, 1, 0, "brands.[2].quality", "out of range", "A, B");
    const char *key[] = {"brands.[0].qualty=0.5"};
    expect_err(MINIMAL, key, 1, 0, "brands.[0].qualty", "did you mean 'brands.[0].quality'", NULL);
    const char *key2[] = {"brands.B.qualty=0.5"};
    expect_err(MINIMAL, key2, 1, 0, "brands.B.qualty", "did you mean 'brands.B.quality'", NULL);
    const char *range[] = {"brands.B.quality=2"};
    expect_err(MINIMAL, range, 1, 0, "brands.B.quality", "out of range", "brand 'B'");
    const char *en[] = {"brands.B.routing=random"};
    expect_err(MINIMAL, en, 1, 0, "brands.B.routing", "\"uniform\", \"by_need\"", NULL);
    const char *share[] = {"brands.[0].share=0.7"};
    expect_err(MINIMAL, share, 1, -1, "brands", "sum to 1", NULL);
}

Test(config, apply_set_after_load)
{
    ad_config *c = load_ok(MINIMAL, NULL, 0), before;
    ad_error err;
    cr_assert_eq(cfg_apply_set(c, "brands.B.hr_investment=0.5", &err), AD_OK, "%s", err.msg);
    cr_assert_float_eq(c->brands[1].hr_investment, 0.5, 1e-15);
    before = *c;
    cr_assert_eq(cfg_apply_set(c, "network.degree=7", &err), AD_ERR_CONFIG);
    cr_assert(strstr(err.msg, "even"), "%s", err.msg);
    cr_assert_str_eq(err.file, "--set");
    cr_assert_eq(memcmp(&before, c, sizeof before), 0, "failed --set changed the config");
}

Test(config, shares_must_sum_to_one)
{
    expect_err("scenario = { name = \"t\"; };\n\nbrands = (\n { name = \"A\"; share = 0.5; },\n"
               " { name = \"B\"; share = 0.4; } );\n",
               NULL, 0, 3, "brands", "sum to 0.9", "must sum to 1");
    ad_config *c = load_ok("scenario = { name = \"t\"; };\nbrands = ( { name = \"A\"; }, { name = \"B\"; },"
                           " { name = \"C\"; } );\n", NULL, 0);
    cr_assert_float_eq(c->brands[2].share, 1.0 / 3, 1e-15);
    c = load_ok("scenario = { name = \"t\"; };\nbrands = ( { name = \"A\"; share = 0.3; }, { name = \"B\"; share = 0.7; },"
                " { name = \"C\"; share = 0; } );\n", NULL, 0);
    cr_assert_eq(c->brands[2].share, 0);
}

Test(config, brand_names)
{
    expect_err("scenario = { name = \"t\"; };\nbrands = (\n { name = \"A\"; },\n { name = \"A\"; } );\n", NULL, 0,
               4, "brands.[1].name", "used twice", "line 3");
    expect_err("scenario = { name = \"t\"; };\nbrands = ( { name = \"A\"; },\n { name = \"\"; } );\n", NULL, 0, 3,
               "brands.[1].name", "must not be empty", NULL);
    expect_err("scenario = { name = \"t\"; };\nbrands = ( { name = \"A\"; },\n { share = 0.5; } );\n", NULL, 0, 3,
               "brands.[1].name", "no name", NULL);
}

Test(config, no_brands)
{
    expect_err("scenario = { name = \"t\"; };\n", NULL, 0, 0, "brands", "no brands", NULL);
    expect_err("scenario = { name = \"t\"; };\nbrands = ( );\n", NULL, 0, 2, "brands", "no brands", NULL);
    expect_err("scenario = { name = \"t\"; };\nbrands = { name = \"A\"; };\n", NULL, 0, 2, "brands", "list", NULL);
    char text[4096] = "scenario = { name = \"t\"; };\nbrands = ( { name = \"b0\"; }";
    for (int b = 1; b <= AD_MAX_BRANDS; b++) sprintf(text + strlen(text), ", { name = \"b%d\"; }", b);
    strcat(text, " );\n");
    expect_err(text, NULL, 0, 2, "brands", "too many brands", NULL);
}

Test(config, scenario_name_required_and_safe)
{
    expect_err("brands = ( { name = \"A\"; } );\n", NULL, 0, 0, "scenario.name", "required", NULL);
    expect_err("scenario = { name = \"a/b\"; };\nbrands = ( { name = \"A\"; } );\n", NULL, 0, 1, "scenario.name",
               "letters, digits", NULL);
    const char *sets[] = {"scenario.name=a b"};
    expect_err(MINIMAL, sets, 1, 0, "scenario.name", "letters, digits", NULL);
}

Test(config, cross_checks)
{
    expect_err(MINIMAL "network = {\n degree = 7; };\n", NULL, 0, 4, "network.degree", "must be even", NULL);
    const char *deg[] = {"network.degree=5"};
    expect_err(MINIMAL, deg, 1, 0, "network.degree", "must be even", NULL);
    expect_err(MINIMAL "market = { weight_quality = 0.6; };\n", NULL, 0, 3, "market.weight_quality",
               "must sum to 1", "1.1");
    load_ok(MINIMAL "market = { weight_quality = 0.6; weight_place = 0.15; };\n", NULL, 0);
    expect_err(MINIMAL "customer = { detractor_max = 0.8; };\n", NULL, 0, 3, "customer.detractor_max",
               "must be below customer.promoter_min", NULL);
    expect_err(MINIMAL "employee = { engaged_min = 0.3; };\n", NULL, 0, 3, "employee.disengaged_max",
               "must be below employee.engaged_min", NULL);
}

#define EVENTS MINIMAL "scenario = { weeks = 200; };\n"

Test(config, events)
{
    ad_config *c = load_ok("scenario = { name = \"t\"; weeks = 200; };\n"
                           "brands = ( { name = \"A\"; }, { name = \"B\"; } );\n"
                           "events = ( { brand = \"B\"; week = 100; },\n"
                           "  { type = \"reputation_shock\"; brand = \"A\"; week = 5; stated = 0.2; visits = 0;"
                           " half_life = 4; stated_half_life = 30.5; } );\n", NULL, 0);
    cr_assert_eq(c->n_events, 2);
    cr_assert_eq(c->events[0].brand, 1);
    cr_assert_eq(c->events[0].week, 100);
    cr_assert_eq(c->events[0].type, AD_EVENT_REPUTATION_SHOCK);
    cr_assert_float_eq(c->events[0].stated, 0.13, 1e-15);
    cr_assert_float_eq(c->events[0].visits, 0.07, 1e-15);
    cr_assert_float_eq(c->events[0].half_life, 8, 1e-15);
    cr_assert_float_eq(c->events[0].stated_half_life, 60, 1e-15);
    cr_assert_eq(c->events[0].line, 3);
    cr_assert_eq(c->events[1].line, 4);
    cr_assert_float_eq(c->events[1].stated_half_life, 30.5, 1e-15);
}

Test(config, bad_events)
{
    const char *head = "scenario = { name = \"t\"; weeks = 200; };\nbrands = ( { name = \"A\"; }, { name = \"B\"; } );\n";
    char t[1024];
    snprintf(t, sizeof t, "%sevents = (\n { brand = \"C\"; week = 10; } );\n", head);
    expect_err(t, NULL, 0, 4, NULL, "event names brand 'C', which does not exist; brands are: A, B", NULL);
    snprintf(t, sizeof t, "%sevents = (\n { week = 10; } );\n", head);
    expect_err(t, NULL, 0, 4, NULL, "no brand", NULL);
    snprintf(t, sizeof t, "%sevents = (\n { brand = \"A\"; } );\n", head);
    expect_err(t, NULL, 0, 4, "events.[0].week", "no week", NULL);
    snprintf(t, sizeof t, "%sevents = (\n { brand = \"A\";\n week = 200; } );\n", head);
    expect_err(t, NULL, 0, 4, "events.[0].week", "allowed 0 to 199", NULL);
    snprintf(t, sizeof t, "%sevents = ( { brand = \"A\"; week = 100; halflife = 3; } );\n", head);
    expect_err(t, NULL, 0, 3, "events.[0].halflife", "did you mean 'half_life'", NULL);
    snprintf(t, sizeof t, "%sevents = ( { brand = \"A\"; week = 100; type = \"boom\"; } );\n", head);
    expect_err(t, NULL, 0, 3, "events.[0].type", "reputation_shock", NULL);
    snprintf(t, sizeof t, "%sevents = ( { brand = \"A\"; week = 100; half_life = 0; } );\n", head);
    expect_err(t, NULL, 0, 3, "events.[0].half_life", "out of range", NULL);
    snprintf(t, sizeof t, "%sevents = ( { brand = \"A\"; week = 100; stated = 1.5; } );\n", head);
    expect_err(t, NULL, 0, 3, "events.[0].stated", "0 to 1", NULL);
    /* an override of the weeks re-checks the events */
    snprintf(t, sizeof t, "%sevents = (\n { brand = \"A\"; week = 100; } );\n", head);
    const char *sets[] = {"scenario.weeks=50"};
    expect_err(t, sets, 1, 4, "events.[0].week", "allowed 0 to 49", NULL);
}

Test(config, interventions)
{
    ad_config *c = load_ok("scenario = { name = \"t\"; weeks = 200; };\n"
                           "brands = ( { name = \"A\"; }, { name = \"B\"; } );\n"
                           "interventions = ( { week = 52; brand = \"B\"; key = \"hr_investment\"; value = 0.5; },\n"
                           " { week = 60; brand = \"A\"; key = \"routing\"; value = \"by_need\"; },\n"
                           " { week = 61; brand = \"A\"; key = \"escalation\"; value = false; },\n"
                           " { week = 62; brand = \"A\"; key = \"automation.ramp_weeks\"; value = 10; } );\n",
                           NULL, 0);
    cr_assert_eq(c->n_interventions, 4);
    cr_assert_eq(c->interventions[0].brand, 1);
    cr_assert_eq(c->interventions[0].week, 52);
    cr_assert_eq(c->interventions[0].param, ad_param_find("hr_investment", AD_SCOPE_B));
    cr_assert_float_eq(c->interventions[0].value, 0.5, 1e-15);
    cr_assert_eq(c->interventions[1].value, AD_ROUTE_BY_NEED);
    cr_assert_eq(c->interventions[2].value, 0);
    cr_assert_eq(c->interventions[3].value, 10);
    cr_assert_eq(c->interventions[1].line, 4);
}

Test(config, bad_interventions)
{
    const char *head = "scenario = { name = \"t\"; weeks = 200; };\nbrands = ( { name = \"A\"; }, { name = \"B\"; } );\n";
    char t[1024];
    snprintf(t, sizeof t, "%sinterventions = (\n { week = 52; brand = \"A\"; key = \"hr_invest\"; value = 0.5; } );\n", head);
    expect_err(t, NULL, 0, 4, "interventions.[0].key", "did you mean 'hr_investment'", NULL);
    snprintf(t, sizeof t, "%sinterventions = (\n { week = 52; brand = \"A\"; key = \"share\"; value = 0.5; } );\n", head);
    expect_err(t, NULL, 0, 4, "interventions.[0].key", "except name and share", NULL);
    snprintf(t, sizeof t, "%sinterventions = (\n { week = 52; brand = \"A\"; key = \"quality\"; value = 1.5; } );\n", head);
    expect_err(t, NULL, 0, 4, "interventions.[0].value", "out of range", "quality");
    snprintf(t, sizeof t, "%sinterventions = (\n { week = 52; brand = \"A\"; key = \"automation.target\"; value = -0.5; } );\n", head);
    expect_err(t, NULL, 0, 4, "interventions.[0].value", "or -1 for the starting share", NULL);
    snprintf(t, sizeof t, "%sinterventions = (\n { week = 52; brand = \"A\"; key = \"routing\"; value = 1; } );\n", head);
    expect_err(t, NULL, 0, 4, "interventions.[0].value", "\"uniform\", \"by_need\"", NULL);
    snprintf(t, sizeof t, "%sinterventions = (\n { week = 200; brand = \"A\"; key = \"quality\"; value = 0.5; } );\n", head);
    expect_err(t, NULL, 0, 4, "interventions.[0].week", "allowed 0 to 199", NULL);
    snprintf(t, sizeof t, "%sinterventions = (\n { week = 52; brand = \"Z\"; key = \"quality\"; value = 0.5; } );\n", head);
    expect_err(t, NULL, 0, 4, NULL, "brand 'Z', which does not exist", "A, B");
    snprintf(t, sizeof t, "%sinterventions = (\n { week = 52; brand = \"A\"; key = \"quality\"; } );\n", head);
    expect_err(t, NULL, 0, 4, "interventions.[0].value", "no value", NULL);
    snprintf(t, sizeof t, "%sinterventions = (\n { week = 52; brand = \"A\"; key = \"quality\"; valeu = 1; } );\n", head);
    expect_err(t, NULL, 0, 4, "interventions.[0].valeu", "did you mean 'value'", NULL);
}

Test(config, syntax_error_has_line)
{
    expect_err("scenario = { name = \"t\"; };\n\n\nbrands = ( { name = = \"A\"; } );\n", NULL, 0, 4, "",
               "syntax error", NULL);
    expect_err(MINIMAL "customer = { switch_rate = 0.1; switch_rate = 0.2; };\n", NULL, 0, 3, "",
               "duplicate", NULL);
    expect_err(MINIMAL "scenario = { weeks = 10; };\n", NULL, 0, 3, "", "duplicate", NULL);
}

Test(config, files)
{
    const char *dir = ts_tmpdir();
    const char *path = ts_write(dir, "s.cfg", MINIMAL "customer = {\n switch_rate = 2; };\n");
    ad_config cfg;
    ad_error err;
    cr_assert_eq(cfg_load(&cfg, path, NULL, 0, &err), AD_ERR_CONFIG);
    cr_assert_str_eq(err.file, path);
    cr_assert_eq(err.line, 4);
    char line[2048];
    ad_error_format(&err, line, sizeof line);
    cr_assert(strstr(line, ":4: key 'customer.switch_rate': "), "%s", line);
    path = ts_write(dir, "ok.cfg", MINIMAL);
    const char *sets[] = {"brands.B.quality=0.1"};
    cr_assert_eq(cfg_load(&cfg, path, sets, 1, &err), AD_OK, "%s", err.msg);
    cr_assert_str_eq(cfg.source, path);
    cr_assert_float_eq(cfg.brands[1].quality, 0.1, 1e-15);
    char missing[600];
    snprintf(missing, sizeof missing, "%s/nope.cfg", dir);
    cr_assert_eq(cfg_load(&cfg, missing, NULL, 0, &err), AD_ERR_CONFIG);
    cr_assert(strstr(err.msg, "cannot read"), "%s", err.msg);
    cr_assert_str_eq(err.file, missing);
    char rm[1200];
    snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
    cr_assert_eq(system(rm), 0);
}

static void assert_same(const ad_config *a, const ad_config *b)
{
    for (int i = 0; i < ad_param_count; i++) {
        const ad_param *p = &ad_param_table[i];
        int nb = p->scope == AD_SCOPE_G ? 1 : a->n_brands;
        for (int k = 0; k < nb; k++) {
            if (p->type == AD_PT_STRING)
                cr_assert_str_eq((const char *)ad_param_cptr(a, p, k), (const char *)ad_param_cptr(b, p, k),
                                 "%s differs", p->key);
            else
                cr_assert(ad_param_get(a, p, k) == ad_param_get(b, p, k), "%s (brand %d): %.17g != %.17g",
                          p->key, k, ad_param_get(a, p, k), ad_param_get(b, p, k));
        }
    }
    cr_assert_eq(a->n_brands, b->n_brands);
    cr_assert_eq(a->n_events, b->n_events);
    for (int e = 0; e < a->n_events; e++) {
        const ad_event *x = &a->events[e], *y = &b->events[e];
        cr_assert(x->week == y->week && x->brand == y->brand && x->type == y->type && x->stated == y->stated
                  && x->visits == y->visits && x->half_life == y->half_life
                  && x->stated_half_life == y->stated_half_life, "event %d differs", e);
    }
    cr_assert_eq(a->n_interventions, b->n_interventions);
    for (int e = 0; e < a->n_interventions; e++) {
        const ad_intervention *x = &a->interventions[e], *y = &b->interventions[e];
        cr_assert(x->week == y->week && x->brand == y->brand && x->param == y->param && x->value == y->value,
                  "intervention %d differs", e);
    }
}

Test(config, resolved_round_trip)
{
    static ad_config a, b;
    ad_error err;
    const char *sets[] = {"customer.switch_rate=0.123456789012345", "brands.[2].price=19.99"};
    int rc = cfg_load_string(&a,
        "scenario = { name = \"rt\"; seed = 9007199254740991L; weeks = 300; description = \"line \\\"one\\\"\\nline two\"; };\n"
        "population = { customers = 1234; need_spread = 0.1; };\n"
        "tipping = { enabled = true; joke = { prob = 0.3; }; };\n"
        "output = { raw_agents = true; };\n"
        "brands = ( { name = \"A\"; routing = \"by_need\"; automation = { target = 0.7; ramp_weeks = 52; cost_per_contact = 0.1; }; },\n"
        "           { name = \"B \\\"quoted\\\"\"; staffing = \"follow_automation\"; escalation = false; },\n"
        "           { name = \"C\"; quality = 0.3333333333333333; } );\n"
        "events = ( { brand = \"C\"; week = 10; half_life = 0.1; } );\n"
        "interventions = ( { week = 52; brand = \"B \\\"quoted\\\"\"; key = \"staffing\"; value = \"fixed\"; },\n"
        "                  { week = 53; brand = \"A\"; key = \"escalation\"; value = false; },\n"
        "                  { week = 54; brand = \"A\"; key = \"automation.ramp_start\"; value = 60; },\n"
        "                  { week = 55; brand = \"A\"; key = \"wage\"; value = 812.5; } );\n",
        "rt.cfg", sets, 2, &err);
    cr_assert_eq(rc, AD_OK, "%s", err.msg);
    for (int mark = 0; mark <= 1; mark++) {
        char *text = cfg_format_resolved(&a, mark);
        cr_assert_not_null(text);
        cr_assert_eq(strncmp(text, "# aandacht resolved configuration\n", 34), 0);
        cr_assert_eq(strstr(text, "# default") != NULL, mark);
        rc = cfg_load_string(&b, text, "resolved", NULL, 0, &err);
        cr_assert_eq(rc, AD_OK, "reading back: line %d: %s\n%s", err.line, err.msg, text);
        assert_same(&a, &b);
        /* and once more: the writer is a fixed point */
        char *again = cfg_format_resolved(&b, mark);
        cr_assert_not_null(again);
        /* the same apart from the "# from:" line (everything is given now) */
        if (!mark) cr_assert_str_eq(strchr(strchr(text, '\n') + 1, '\n'), strchr(strchr(again, '\n') + 1, '\n'));
        free(again);
        free(text);
    }
}

Test(config, defaults_round_trip)
{
    static ad_config a, b;
    ad_config *c = load_ok(MINIMAL, NULL, 0);
    a = *c;
    char *text = cfg_format_resolved(&a, 1);
    cr_assert_not_null(text);
    cr_assert(strstr(text, "weeks = 520;  # default"), "%s", text);
    cr_assert(strstr(text, "    smile = {\n"), "%s", text);
    ad_error err;
    cr_assert_eq(cfg_load_string(&b, text, "resolved", NULL, 0, &err), AD_OK, "%s", err.msg);
    assert_same(&a, &b);
    free(text);
}

Test(config, automation_ramp)
{
    ad_brand_cfg b = {.auto_start = 0.2, .auto_target = 0.6, .ramp_start = 100, .ramp_weeks = 40};
    cr_assert_float_eq(cfg_automation_at(&b, -50), 0.2, 1e-15);
    cr_assert_float_eq(cfg_automation_at(&b, 0), 0.2, 1e-15);
    cr_assert_float_eq(cfg_automation_at(&b, 99), 0.2, 1e-15);
    cr_assert_float_eq(cfg_automation_at(&b, 100), 0.2, 1e-15);
    cr_assert_float_eq(cfg_automation_at(&b, 110), 0.3, 1e-12);
    cr_assert_float_eq(cfg_automation_at(&b, 120), 0.4, 1e-12);
    cr_assert_float_eq(cfg_automation_at(&b, 140), 0.6, 1e-15);
    cr_assert_float_eq(cfg_automation_at(&b, 1000), 0.6, 1e-15);
    b.ramp_weeks = 0; /* a step */
    cr_assert_float_eq(cfg_automation_at(&b, 99), 0.2, 1e-15);
    cr_assert_float_eq(cfg_automation_at(&b, 100), 0.6, 1e-15);
    b.auto_target = -1; /* same as start */
    cr_assert_float_eq(cfg_automation_at(&b, 500), 0.2, 1e-15);
    b = (ad_brand_cfg){.auto_start = 0.5, .auto_target = 0.1, .ramp_start = 0, .ramp_weeks = 10};
    cr_assert_float_eq(cfg_automation_at(&b, 5), 0.3, 1e-12);
    cr_assert_float_eq(cfg_automation_at(&b, -1), 0.5, 1e-15);
}

Test(config, parameter_reference)
{
    char *text = cfg_format_params("text"), *md = cfg_format_params("markdown");
    cr_assert_not_null(text);
    cr_assert_not_null(md);
    cr_assert_null(cfg_format_params("html"));
    for (int i = 0; i < ad_param_count; i++) {
        char key[200];
        const ad_param *p = &ad_param_table[i];
        snprintf(key, sizeof key, "%s%s", p->scope == AD_SCOPE_B ? "brands.[I]." : "", p->key);
        cr_assert(strstr(text, key), "text lacks %s", key);
        snprintf(key, sizeof key, "`%s%s`", p->scope == AD_SCOPE_B ? "brands.[I]." : "", p->key);
        cr_assert(strstr(md, key), "markdown lacks %s", key);
    }
    cr_assert(strstr(md, "\n## customer\n"));
    cr_assert(strstr(md, "\n## brands\n"));
    cr_assert(strstr(md, "\n## events\n"));
    cr_assert(strstr(md, "`events.[I].stated_half_life`"));
    cr_assert(strstr(md, "\n## interventions\n"));
    cr_assert(strstr(md, "uniform, by_need"));
    cr_assert(strstr(text, "follow_demand"));
    free(text);
    free(md);
}

/* The complete example of docs/scenario-files.md loads. */
Test(config, documented_example_loads)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/scenario-files.md", AD_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    static char doc[200000];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    char *start = strstr(doc, "```libconfig\n");
    cr_assert_not_null(start, "no ```libconfig block in %s", path);
    start += strlen("```libconfig\n");
    char *end = strstr(start, "\n```");
    cr_assert_not_null(end);
    end[1] = '\0';
    static ad_config cfg;
    ad_error err;
    int rc = cfg_load_string(&cfg, start, "scenario-files.md", NULL, 0, &err);
    cr_assert_eq(rc, AD_OK, "documented example: line %d: [%s] %s", err.line, err.key, err.msg);
    cr_assert_geq(cfg.n_brands, 2);
    cr_assert_geq(cfg.n_events, 1);
    cr_assert_geq(cfg.n_interventions, 1);
}

/* A scenario path longer than the loader keeps (ad_config.source, which
 * also gives @include its folder) is refused whole, never cut. */
Test(config, an_over_long_path_is_refused_not_cut)
{
    static ad_config cfg;
    ad_error err;
    char path[700];
    memset(path, 'd', sizeof path - 1);
    path[0] = '/';
    path[sizeof path - 1] = '\0';
    cr_assert_eq(cfg_load(&cfg, path, NULL, 0, &err), AD_ERR_USAGE);
    cr_assert(strstr(err.msg, "699 bytes long; at most 511"), "%s", err.msg);
    path[511] = '\0'; /* 511 bytes: kept whole (and then simply not found) */
    cr_assert_eq(cfg_load(&cfg, path, NULL, 0, &err), AD_ERR_CONFIG, "%s", err.msg);
}
