/* test_sweep.c: the sweep group of scenario files (sim/sweep.c): each design
 * kind parsed, each class of bad input with its line, key and message, run
 * numbering, and applying a run (exactly the swept parameters change, and
 * the seed is design_run_seed's low 53 bits); plus the shipped example. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "support.h"
#include "sweep.h"

#define BASE "scenario = { name = \"t\"; seed = 11; };\n" \
             "brands = ( { name = \"A\"; }, { name = \"B\"; } );\n"
#define THETA "{ key = \"satisfaction.theta\"; min = 0.0; max = 2.0; }"
#define TGT "{ key = \"brands.[1].automation.target\"; min = 0.2; max = 0.8; }"

static ad_config cfg;
static sweep sw;

/* Loads BASE + text as scenario and sweep; fails the test on an error. */
static sweep *load_ok(const char *text)
{
    ad_error err;
    char *all = malloc(strlen(BASE) + strlen(text) + 1);
    sprintf(all, "%s%s", BASE, text);
    cr_assert_eq(cfg_load_string(&cfg, all, "s.cfg", NULL, 0, &err), AD_OK, "scenario: %s", err.msg);
    int rc = sweep_load_string(&sw, all, "s.cfg", &cfg, &err);
    cr_assert_eq(rc, AD_OK, "sweep: %s:%d: [%s] %s", err.file, err.line, err.key, err.msg);
    free(all);
    return &sw;
}

/* The sweep (line counted from the sweep's first line = 3) fails at line
 * (-1: any) with key (NULL: any) and sub in the message. */
static void expect_err(const char *text, int line, const char *key, const char *sub)
{
    ad_error err;
    char *all = malloc(strlen(BASE) + strlen(text) + 1);
    sprintf(all, "%s%s", BASE, text);
    cr_assert_eq(cfg_load_string(&cfg, all, "s.cfg", NULL, 0, &err), AD_OK, "scenario: %s", err.msg);
    int rc = sweep_load_string(&sw, all, "s.cfg", &cfg, &err);
    free(all);
    cr_assert_eq(rc, AD_ERR_CONFIG, "expected a config error, got %d (%s)", rc, err.msg);
    cr_assert_eq(ad_exit_status(err.code), 2);
    cr_assert_str_eq(err.file, "s.cfg");
    if (line >= 0) cr_assert_eq(err.line, line, "line %d, want %d: %s", err.line, line, err.msg);
    if (key) cr_assert_str_eq(err.key, key, "key '%s', want '%s': %s", err.key, key, err.msg);
    if (sub) cr_assert(strstr(err.msg, sub), "message '%s' lacks '%s'", err.msg, sub);
    cr_assert_eq(sw.present, 0);
    cr_assert_null(sw.d.x);
}

static void teardown(void) { sweep_free(&sw); }

TestSuite(sweep, .fini = teardown);

Test(sweep, no_sweep_group_is_not_an_error)
{
    sweep *s = load_ok("");
    cr_assert_eq(s->present, 0);
    cr_assert_eq(s->runs, 0);
}

Test(sweep, lhs_with_defaults)
{
    sweep *s = load_ok("sweep = { design = \"lhs\"; n = 5; parameters = ( " TGT ", " THETA " ); };\n");
    cr_assert_eq(s->present, 1);
    cr_assert_eq(s->spec.kind, DESIGN_LHS);
    cr_assert_eq(s->spec.k, 2);
    cr_assert_eq(s->d.n, 5);
    cr_assert_eq(s->replications, 1);
    cr_assert_eq(s->seed, 11, "sweep seed defaults to scenario.seed");
    cr_assert_eq(s->runs, 5);
    cr_assert_eq(s->brand[0], 1);
    cr_assert_eq(s->brand[1], -1);
    for (int i = 0; i < 5; i++) {
        cr_assert(sweep_value(s, i, 0) >= 0.2 && sweep_value(s, i, 0) <= 0.8);
        cr_assert(sweep_value(s, i, 1) >= 0.0 && sweep_value(s, i, 1) <= 2.0);
    }
}

Test(sweep, grid_values_and_levels)
{
    sweep *s = load_ok("sweep = { design = \"grid\"; replications = 2; parameters = (\n"
                       " { key = \"satisfaction.theta\"; values = [0.0, 0.5, 2.0]; },\n"
                       " { key = \"brands.B.quality\"; min = 0.2; max = 0.6; levels = 3; } ); };\n");
    cr_assert_eq(s->d.n, 9);
    cr_assert_eq(s->runs, 18);
    cr_assert_float_eq(s->spec.min[0], 0.0, 0);
    cr_assert_float_eq(s->spec.max[0], 2.0, 0);
    const double th[3] = {0.0, 0.5, 2.0}, q[3] = {0.2, 0.4, 0.6};
    for (int i = 0; i < 9; i++) { /* the last parameter varies fastest */
        cr_assert_float_eq(sweep_value(s, i, 0), th[i / 3], 1e-15);
        cr_assert_float_eq(sweep_value(s, i, 1), q[i % 3], 1e-15);
    }
    /* a top-level levels is the default for every parameter */
    s = load_ok("sweep = { design = \"grid\"; levels = 4; parameters = ( " THETA ", " TGT " ); };\n");
    cr_assert_eq(s->d.n, 16);
}

Test(sweep, list_points)
{
    sweep *s = load_ok("sweep = { design = \"list\"; parameters = ( " TGT ", { key = \"satisfaction.theta\"; } );\n"
                       " points = ( [0.3, 1.0], [0.6, 0.5], [0.7, 5.0] ); };\n");
    cr_assert_eq(s->d.n, 3);
    cr_assert_float_eq(sweep_value(s, 1, 0), 0.6, 0);
    cr_assert_float_eq(sweep_value(s, 2, 1), 5.0, 0, "list ranges default to the parameter's");
}

Test(sweep, sobol_saltelli_morris)
{
    sweep *s = load_ok("sweep = { design = \"sobol\"; n = 8; parameters = ( " TGT ", " THETA " ); };\n");
    cr_assert_eq(s->d.n, 8);
    cr_assert_float_eq(sweep_value(s, 0, 1), 1.0, 1e-15, "sobol's first point is the centre");
    s = load_ok("sweep = { design = \"saltelli\"; n = 4; replications = 3; parameters = ( " TGT ", " THETA " ); };\n");
    cr_assert_eq(s->d.n, 16);
    cr_assert_eq(s->runs, 48);
    s = load_ok("sweep = { design = \"morris\"; trajectories = 3; parameters = ( " TGT ", " THETA " ); };\n");
    cr_assert_eq(s->d.n, 9);
    cr_assert_eq(s->spec.morris_levels, 4, "morris levels default to 4");
}

Test(sweep, int_parameters_are_rounded)
{
    sweep *s = load_ok("sweep = { design = \"lhs\"; n = 7; parameters = (\n"
                       " { key = \"brands.[0].automation.ramp_weeks\"; min = 10; max = 20.5; } ); };\n");
    for (int i = 0; i < 7; i++) {
        double v = sweep_value(s, i, 0);
        cr_assert_eq(v, floor(v));
        cr_assert_eq(v, (double)llround(s->d.x[i]));
    }
}

Test(sweep, bad_input)
{
    expect_err("sweep = 3;\n", 3, "sweep", "must be a group");
    expect_err("sweep = { design = \"lhs\"; n = 4; parameter = ( " THETA " ); };\n", 3, "sweep.parameter",
               "did you mean 'sweep.parameters'");
    expect_err("sweep = { design = \"random\"; };\n", 3, "sweep.design", "is not a design");
    /* exactly 1e9 runs is one too many: fewer than 1e9 */
    expect_err("sweep = { design = \"grid\"; replications = 1000000;\n parameters = ( { key = \"satisfaction.theta\"; "
               "min = 0.0; max = 1.0; levels = 1000; } ); };\n",
               3, "sweep.replications", "= 1000000000 runs: a sweep has fewer than 1000000000");
    /* a swept automation target is a share: 0 to 1, not the table's -1 ("the starting share") */
    expect_err("sweep = { design = \"lhs\"; n = 4;\n parameters = ( { key = \"brands.[0].automation.target\"; "
               "min = -1.0; max = 0.8; } ); };\n",
               4, "sweep.parameters.[0].min", "allowed 0 to 1 (a share of contacts: 0.8 for 80 %)");
    expect_err("sweep = { n = 4; parameters = ( " THETA " ); };\n", 3, "sweep.design", "required");
    expect_err("sweep = { design = \"lhs\"; n = 4;\n parameters = ( { key = \"satisfaction.thetta\"; min = 0.0; max = 1.0; } ); };\n",
               4, "sweep.parameters.[0].key", "did you mean 'satisfaction.theta'");
    expect_err("sweep = { design = \"lhs\"; n = 4;\n parameters = ( { key = \"brands.C.quality\"; min = 0.0; max = 1.0; } ); };\n",
               4, "sweep.parameters.[0].key", "no brand named 'C'");
    expect_err("sweep = { design = \"lhs\"; n = 4;\n parameters = ( { key = \"brands.[2].quality\"; min = 0.0; max = 1.0; } ); };\n",
               4, "sweep.parameters.[0].key", "there are 2 brands");
    expect_err("sweep = { design = \"lhs\"; n = 4;\n parameters = ( { key = \"quality\"; min = 0.0; max = 1.0; } ); };\n",
               4, "sweep.parameters.[0].key", "brand parameter");
    expect_err("sweep = { design = \"lhs\"; n = 4;\n parameters = ( { key = \"tipping.enabled\"; min = 0.0; max = 1.0; } ); };\n",
               4, "sweep.parameters.[0].key", "BOOL");
    expect_err("sweep = { design = \"lhs\"; n = 4;\n parameters = ( { key = \"brands.[0].routing\"; min = 0.0; max = 1.0; } ); };\n",
               4, NULL, "ENUM");
    expect_err("sweep = { design = \"lhs\"; n = 4; parameters = (\n " THETA ",\n { key = \"satisfaction.theta\"; min = 0.0; max = 1.0; } ); };\n",
               5, "sweep.parameters.[1].key", "swept twice");
    expect_err("sweep = { design = \"lhs\"; n = 4; parameters = (\n " THETA ",\n { key = \"brands.[1].quality\";\n min = 0.8; max = 0.2; } ); };\n",
               6, "sweep.parameters.[1].max", "min = 0.8 is not below max = 0.2");
    expect_err("sweep = { design = \"lhs\"; n = 4; parameters = (\n { key = \"satisfaction.theta\"; min = 0.0;\n max = 9.0; } ); };\n",
               5, "sweep.parameters.[0].max", "allowed 0 to 5");
    expect_err("sweep = { design = \"lhs\"; n = 4; parameters = (\n { key = \"satisfaction.theta\"; min = 0.0; } ); };\n",
               4, "sweep.parameters.[0].max", "required");
    expect_err("sweep = { design = \"lhs\"; n = 4; parameters = (\n { key = \"satisfaction.theta\"; min = 0.0; max = 1.0; mx = 2; } ); };\n",
               4, "sweep.parameters.[0].mx", "did you mean 'sweep.parameters.[0].max'");
    expect_err("sweep = { design = \"grid\"; parameters = (\n { key = \"satisfaction.theta\";\n values = [0.0, 7.0]; } ); };\n",
               5, "sweep.parameters.[0].values.[1]", "outside the range");
    expect_err("sweep = { design = \"grid\"; parameters = (\n { key = \"satisfaction.theta\"; values = [1.0]; } ); };\n",
               4, "sweep.parameters.[0].values", "at least 2");
    expect_err("sweep = { design = \"grid\"; parameters = (\n " THETA " ); };\n", 4, NULL, "levels = N");
    expect_err("sweep = { design = \"list\"; parameters = ( " TGT ", " THETA " );\n points = ( [0.3, 1.0],\n [0.6] ); };\n",
               5, "sweep.points.[1]", "gives 1 value, but the sweep has 2 parameters");
    expect_err("sweep = { design = \"list\"; parameters = ( " TGT ", " THETA " );\n points = ( [0.9, 1.0] ); };\n",
               4, "sweep.points.[0]", "outside [0.2, 0.8]");
    expect_err("sweep = { design = \"list\"; parameters = ( " TGT " ); };\n", 3, "sweep.points", "required");
    expect_err("sweep = { design = \"lhs\"; parameters = ( " THETA " ); };\n", 3, "sweep.n", "required");
    expect_err("sweep = { design = \"lhs\";\n n = 0; parameters = ( " THETA " ); };\n", 4, "sweep.n", "out of range");
    expect_err("sweep = { design = \"lhs\"; n = 4;\n replications = 0; parameters = ( " THETA " ); };\n", 4,
               "sweep.replications", "out of range");
    expect_err("sweep = { design = \"morris\"; trajectories = 2;\n levels = 3; parameters = ( " THETA " ); };\n", 4,
               "sweep.levels", "even");
    expect_err("sweep = { design = \"morris\"; parameters = ( " THETA " ); };\n", 3, "sweep.trajectories", "required");
    expect_err("sweep = { design = \"grid\";\n n = 4; parameters = ( " THETA " ); };\n", 4, "sweep.n", "not used by the grid");
    expect_err("sweep = { design = \"lhs\"; n = 4; parameters = ( ); };\n", 3, "sweep.parameters", "required");
}

Test(sweep, run_numbering)
{
    sweep *s = load_ok("sweep = { design = \"lhs\"; n = 4; replications = 3; parameters = ( " THETA " ); };\n");
    ad_error err;
    int64_t p;
    int r;
    cr_assert_eq(s->runs, 12);
    for (int64_t k = 0; k < 12; k++) {
        cr_assert_eq(sweep_run_index(s, k, &p, &r, &err), AD_OK);
        cr_assert_eq(p, k / 3);
        cr_assert_eq(r, k % 3);
    }
    cr_assert_eq(sweep_run_index(s, 12, &p, &r, &err), AD_ERR_USAGE);
    cr_assert_eq(ad_exit_status(err.code), 2);
    cr_assert(strstr(err.msg, "12 runs"), "%s", err.msg);
    cr_assert_eq(sweep_run_index(s, -1, &p, &r, &err), AD_ERR_USAGE);
}

Test(sweep, applying_a_run_changes_exactly_the_swept_parameters_and_the_seed)
{
    sweep *s = load_ok("sweep = { design = \"lhs\"; n = 4; seed = 99; replications = 2;\n"
                       " parameters = ( " TGT ", " THETA ", { key = \"brands.A.automation.ramp_weeks\"; min = 1; max = 50; } ); };\n");
    static ad_config base, c;
    ad_error err;
    base = cfg;
    for (int64_t k = 0; k < s->runs; k++) {
        c = base;
        cr_assert_eq(sweep_apply(s, k, &c, &err), AD_OK, "%s", err.msg);
        int64_t p = k / 2;
        uint64_t seed = design_run_seed(99, (uint64_t)p, (uint32_t)(k % 2)) & ((UINT64_C(1) << 53) - 1);
        cr_assert_eq((uint64_t)c.seed, seed);
        cr_assert_eq(sweep_run_seed(s, p, (int)(k % 2)), seed);
        cr_assert_eq(c.brands[1].auto_target, s->d.x[p * 3 + 0], "the value itself, to the last bit");
        cr_assert_eq(c.theta, s->d.x[p * 3 + 1]);
        cr_assert_eq(c.brands[0].ramp_weeks, llround(s->d.x[p * 3 + 2]));
        /* nothing else moved: put the swept values back and compare whole */
        c.seed = base.seed;
        c.brands[1].auto_target = base.brands[1].auto_target;
        c.theta = base.theta;
        c.brands[0].ramp_weeks = base.brands[0].ramp_weeks;
        for (int i = 0; i < ad_param_count; i++) {
            const ad_param *q = &ad_param_table[i];
            for (int b = 0; b < (q->scope == AD_SCOPE_B ? c.n_brands : 1); b++) {
                char x[256], y[256];
                ad_param_format(&c, q, b, x, sizeof x);
                ad_param_format(&base, q, b, y, sizeof y);
                cr_assert_str_eq(x, y, "%s (brand %d) changed", q->key, b);
            }
        }
    }
    cr_assert_neq(sweep_run_seed(s, 0, 0), sweep_run_seed(s, 0, 1));
    cr_assert_neq(sweep_run_seed(s, 0, 0), sweep_run_seed(s, 1, 0));
    c = base;
    cr_assert_eq(sweep_apply(s, 8, &c, &err), AD_ERR_USAGE);
}

Test(sweep, check_finds_points_the_cross_checks_reject)
{
    /* network.degree must be even: the grid value 3 is odd */
    sweep *s = load_ok("sweep = { design = \"grid\"; parameters = (\n"
                       " { key = \"network.degree\"; values = [2, 3]; } ); };\n");
    ad_error err;
    cr_assert_eq(sweep_check(s, &cfg, &err), AD_ERR_CONFIG);
    cr_assert(strstr(err.msg, "sweep run 1 (point 1, replication 0)"), "%s", err.msg);
    cr_assert_eq(err.line, 4);
}

Test(sweep, summary_and_the_shipped_example)
{
    ad_error err;
    const char *path = AD_SOURCE_DIR "/scenarios/sweep_workstation.cfg";
    cr_assert_eq(cfg_load(&cfg, path, NULL, 0, &err), AD_OK, "%s", err.msg);
    cr_assert_eq(sweep_load(&sw, path, &cfg, &err), AD_OK, "%s", err.msg);
    cr_assert_eq(sweep_check(&sw, &cfg, &err), AD_OK, "%s", err.msg);
    cr_assert_eq(sw.runs, 16);
    char *t = sweep_format_summary(&sw);
    cr_assert(strstr(t, "# sweep: lhs design over 3 parameters, sweep seed 7"), "%s", t);
    cr_assert(strstr(t, "# runs: 16"), "%s", t);
    cr_assert(strstr(t, "satisfaction.theta"), "%s", t);
    free(t);
}
