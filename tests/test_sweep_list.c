/* test_sweep_list.c: the run table `aandacht check` prints for a sweep
 * (sweep_format_run_line, sim/sweep.c): its lines in order, every run of a
 * sweep of up to 25 runs and the first 20 and last 5 of a larger one, the
 * values as applied (INT rounded halves away from zero, REAL read back as
 * the same double), seeds from sweep_run_seed, and lines that stay one
 * comment line (cut to the buffer, a path with a line break not printed). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "sweep.h"

#define BASE "scenario = { name = \"t\"; seed = 11; };\n" \
             "brands = ( { name = \"A\"; }, { name = \"B\"; } );\n"

static ad_config cfg;
static sweep sw;
static char line[SWEEP_LINE_MAX];

static void load(const char *text)
{
    ad_error err;
    char all[4096];
    snprintf(all, sizeof all, "%s%s", BASE, text);
    cr_assert_eq(cfg_load_string(&cfg, all, "s.cfg", NULL, 0, &err), AD_OK, "scenario: %s", err.msg);
    cr_assert_eq(sweep_load_string(&sw, all, "s.cfg", &cfg, &err), AD_OK, "sweep: %s", err.msg);
}

/* The run K of each line of the table (-1 for the title, the header and the
 * "..." line), and how many lines. */
static int64_t runs_listed(int all, int64_t *runs, int64_t cap)
{
    int64_t n = 0;
    for (int64_t i = 0; sweep_format_run_line(&sw, all, "s.cfg", i, line, sizeof line); i++) {
        cr_assert(n < cap);
        size_t len = strlen(line);
        cr_assert(len > 1 && line[0] == '#' && line[len - 1] == '\n' && !strchr(line, '\n')[1], "%s", line);
        long long k = -1;
        runs[n++] = i >= 2 && sscanf(line, "# %lld", &k) == 1 ? k : -1;
    }
    cr_assert_eq(line[0], '\0');
    return n;
}

static void teardown(void) { sweep_free(&sw); }

TestSuite(sweep_list, .fini = teardown);

Test(sweep_list, a_sweep_of_25_runs_is_listed_whole)
{
    load("sweep = { design = \"lhs\"; n = 5; replications = 5; parameters = ( "
         "{ key = \"satisfaction.theta\"; min = 0.0; max = 2.0; } ); };\n");
    int64_t k[64];
    cr_assert_eq(runs_listed(0, k, 64), 27);
    cr_assert_eq(k[0], -1);
    cr_assert_eq(k[1], -1);
    for (int i = 0; i < 25; i++) cr_assert_eq(k[2 + i], i);
    sweep_format_run_line(&sw, 0, "s.cfg", 1, line, sizeof line);
    cr_assert_str_eq(line, "#   run  point  rep  seed              satisfaction.theta\n");
}

Test(sweep_list, a_larger_sweep_shows_its_ends_and_all_lists_every_run)
{
    load("sweep = { design = \"lhs\"; n = 13; replications = 2; parameters = ( "
         "{ key = \"satisfaction.theta\"; min = 0.0; max = 2.0; } ); };\n");
    int64_t k[64];
    cr_assert_eq(runs_listed(0, k, 64), 2 + 20 + 1 + 5);
    for (int i = 0; i < 20; i++) cr_assert_eq(k[2 + i], i);
    cr_assert_eq(k[22], -1);
    for (int i = 0; i < 5; i++) cr_assert_eq(k[23 + i], 21 + i);
    sweep_format_run_line(&sw, 0, "s.cfg", 22, line, sizeof line);
    cr_assert_str_eq(line, "# ... (26 runs in all; aandacht check s.cfg --runs lists them all)\n");
    sweep_format_run_line(&sw, 0, "a\nb.cfg", 22, line, sizeof line);
    cr_assert_str_eq(line, "# ... (26 runs in all; aandacht check FILE --runs lists them all)\n");
    cr_assert_eq(runs_listed(1, k, 64), 2 + 26);
    for (int i = 0; i < 26; i++) cr_assert_eq(k[2 + i], i);
}

Test(sweep_list, values_as_applied_and_seeds)
{
    load("sweep = { design = \"list\"; replications = 2; seed = 5;\n"
         "  points = ( [1500.5, 0.1], [1499.5, 0.30000000000000004], [2.5, 2.0] );\n"
         "  parameters = ( { key = \"population.customers\"; },\n"
         "                 { key = \"satisfaction.theta\"; } ); };\n");
    const char *customers[] = {"1501", "1500", "3"};       /* INT: halves away from zero */
    const char *theta[] = {"0.1", "0.30000000000000004", "2"}; /* the fewest digits that read back */
    for (int64_t run = 0; run < 6; run++) {
        cr_assert_eq(sweep_format_run_line(&sw, 0, "s.cfg", 2 + run, line, sizeof line), 1);
        long long k, point;
        int rep;
        unsigned long long seed;
        char c[64], t[64];
        cr_assert_eq(sscanf(line, "# %lld %lld %d %llu %63s %63s", &k, &point, &rep, &seed, c, t), 6, "%s", line);
        cr_assert_eq(k, run);
        cr_assert_eq(point, run / 2);
        cr_assert_eq(rep, run % 2);
        cr_assert_eq(seed, sweep_run_seed(&sw, point, rep), "%s", line);
        cr_assert_str_eq(c, customers[point]);
        cr_assert_str_eq(t, theta[point]);
        cr_assert_eq(strtod(t, NULL), sweep_value(&sw, point, 1));
    }
    cr_assert_eq(sweep_format_run_line(&sw, 0, "s.cfg", 8, line, sizeof line), 0);
    /* the seed is sweep_run_seed's: under branch_from_warmup, the market's */
    sweep_free(&sw);
    load("sweep = { design = \"grid\"; replications = 2; branch_from_warmup = true; parameters = (\n"
         "  { key = \"brands.[0].automation.target\"; min = 0.2; max = 0.8; levels = 2; } ); };\n");
    unsigned long long seeds[4];
    for (int64_t run = 0; run < 4; run++) {
        sweep_format_run_line(&sw, 0, "s.cfg", 2 + run, line, sizeof line);
        cr_assert_eq(sscanf(line, "# %*d %*d %*d %llu", &seeds[run]), 1, "%s", line);
        cr_assert_eq(seeds[run], sweep_run_seed(&sw, run / 2, (int)(run % 2)));
    }
    cr_assert_eq(seeds[0], seeds[2]); /* both points are one market: one seed per replication */
    cr_assert_eq(seeds[1], seeds[3]);
    cr_assert_neq(seeds[0], seeds[1]);
}

Test(sweep_list, a_short_buffer_gets_a_line_cut_to_fit)
{
    load("sweep = { design = \"lhs\"; n = 2; parameters = ( "
         "{ key = \"satisfaction.theta\"; min = 0.0; max = 2.0; } ); };\n");
    char small[20];
    cr_assert_eq(sweep_format_run_line(&sw, 0, "s.cfg", 1, small, sizeof small), 1);
    cr_assert_eq(strlen(small), sizeof small - 1);
    cr_assert_str_eq(small, "#   run  point  re\n");
    cr_assert_eq(sweep_format_run_line(&sw, 0, "s.cfg", -1, small, sizeof small), 0);
    cr_assert_eq(small[0], '\0');
}
