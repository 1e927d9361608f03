/* test_design.c: the sampling designs of sim/design.h.
 *
 * Each design must have its defining structure exactly (grid: every
 * combination once; lhs: one point per stratum; saltelli: AB_i = A but for
 * column i; morris: one factor moved by +-Delta per step), be a pure function
 * of its spec, and map the unit cube linearly onto the ranges. Sobol points
 * are GSL's and are checked against its known first values. design_run_seed
 * is checked against fixed values: if one of these changes, every recorded
 * sweep stops being reproducible, so the change must be deliberate.
 * All tests are deterministic and fast.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>

#include "design.h"

static design_spec spec(design_kind kind, int k)
{
    design_spec s;
    memset(&s, 0, sizeof s);
    s.kind = kind;
    s.k = k;
    for (int j = 0; j < k && j < DESIGN_MAX_K; j++) { /* k may be invalid on purpose */
        s.min[j] = -1.0 + 0.5 * j;
        s.max[j] = 2.0 + 3.0 * j;
        s.levels[j] = 3;
    }
    s.n = 64;
    s.trajectories = 10;
    s.morris_levels = 4;
    s.seed = 20240611;
    return s;
}

static design make_ok(const design_spec *s)
{
    design d;
    ad_error err;
    ad_error_clear(&err);
    int rc = design_make(s, &d, &err);
    cr_assert_eq(rc, AD_OK, "design_make %s: %s", design_kind_name(s->kind), err.msg);
    cr_assert_eq(d.n, design_size(s));
    cr_assert_eq(d.k, s->k);
    return d;
}

/* every x is the linear image of its u and lies in [min, max] */
static void check_mapping(const design_spec *s, const design *d)
{
    for (int64_t i = 0; i < d->n; i++)
        for (int j = 0; j < d->k; j++) {
            double u = d->u[i * d->k + j], x = d->x[i * d->k + j];
            cr_assert(u >= 0.0 && u <= 1.0, "u[%lld][%d] = %g", (long long)i, j, u);
            cr_assert(x >= s->min[j] && x <= s->max[j], "x[%lld][%d] = %g", (long long)i, j, x);
            double want = s->min[j] + u * (s->max[j] - s->min[j]);
            cr_assert(fabs(x - want) <= 1e-12 * (s->max[j] - s->min[j]), "x %.17g want %.17g", x, want);
        }
}

/* ---- grid -------------------------------------------------------------- */

Test(design, grid_is_the_full_factorial_with_exact_endpoints)
{
    design_spec s = spec(DESIGN_GRID, 3);
    s.levels[0] = 2;
    s.levels[1] = 3;
    s.levels[2] = 5;
    s.min[2] = 0.1;
    s.max[2] = 0.7;
    design d = make_ok(&s);
    cr_assert_eq(d.n, 30);
    check_mapping(&s, &d);
    int seen[2][3][5] = {{{0}}};
    for (int64_t i = 0; i < d.n; i++) {
        int l[3];
        for (int j = 0; j < 3; j++) {
            double x = d.x[i * 3 + j], step = (s.max[j] - s.min[j]) / (s.levels[j] - 1);
            l[j] = (int)lround((x - s.min[j]) / step);
            cr_assert(l[j] >= 0 && l[j] < s.levels[j]);
            if (l[j] == 0) cr_assert(x == s.min[j], "min not exact: %.17g", x);
            else if (l[j] == s.levels[j] - 1) cr_assert(x == s.max[j], "max not exact: %.17g", x);
            else cr_assert(fabs(x - (s.min[j] + l[j] * step)) < 1e-14, "%.17g", x);
        }
        seen[l[0]][l[1]][l[2]]++;
    }
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 3; b++)
            for (int c = 0; c < 5; c++) cr_assert_eq(seen[a][b][c], 1, "combination %d %d %d", a, b, c);
    /* order: the last parameter varies fastest */
    cr_assert(d.u[0 * 3 + 2] == 0.0 && d.u[1 * 3 + 2] == 0.25 && d.u[1 * 3 + 0] == 0.0);
    cr_assert(d.u[5 * 3 + 1] == 0.5 && d.u[5 * 3 + 2] == 0.0);
    cr_assert(d.block == NULL && d.traj == NULL);
    design_free(&d);
}

/* ---- list -------------------------------------------------------------- */

Test(design, list_passes_points_through)
{
    design_spec s = spec(DESIGN_LIST, 2); /* ranges [-1, 2] and [-0.5, 5] */
    const double pts[3 * 2] = {-1.0, 5.0, 0.3, 0.1, 2.0, -0.5};
    s.list = pts;
    s.list_n = 3;
    design d = make_ok(&s);
    cr_assert_eq(d.n, 3);
    cr_assert(memcmp(d.x, pts, sizeof pts) == 0);
    cr_assert(d.u[0] == 0.0 && d.u[1] == 1.0 && d.u[4] == 1.0 && d.u[5] == 0.0);
    cr_assert(fabs(d.u[2] - 1.3 / 3.0) < 1e-15);
    check_mapping(&s, &d);
    design_free(&d);
}

Test(design, list_rejects_a_point_outside_its_range)
{
    design_spec s = spec(DESIGN_LIST, 2);
    s.name[1] = "tipping.success_bonus";
    const double pts[2 * 2] = {0.0, 1.0, 0.0, 5.5};
    s.list = pts;
    s.list_n = 2;
    design d;
    ad_error err;
    ad_error_clear(&err);
    cr_assert_eq(design_make(&s, &d, &err), AD_ERR_CONFIG);
    cr_assert_str_eq(err.key, "tipping.success_bonus");
    cr_assert(strstr(err.msg, "list point 2") && strstr(err.msg, "5.5") && strstr(err.msg, "outside"),
              "%s", err.msg);
    cr_assert(d.x == NULL && d.n == 0);
    cr_assert_eq(design_size(&s), -1);
}

/* ---- lhs --------------------------------------------------------------- */

Test(design, lhs_puts_one_point_in_each_stratum_of_each_dimension)
{
    design_spec s = spec(DESIGN_LHS, 4);
    s.n = 257;
    design d = make_ok(&s);
    check_mapping(&s, &d);
    int *count = calloc((size_t)s.n, sizeof *count);
    for (int j = 0; j < 4; j++) {
        memset(count, 0, (size_t)s.n * sizeof *count);
        for (int64_t i = 0; i < d.n; i++) {
            double u = d.u[i * 4 + j];
            cr_assert(u >= 0.0 && u < 1.0);
            count[(int)floor(u * s.n)]++;
        }
        for (int c = 0; c < s.n; c++) cr_assert_eq(count[c], 1, "dimension %d stratum %d: %d", j, c, count[c]);
    }
    free(count);
    design_free(&d);
}

Test(design, lhs_is_reproducible_for_a_seed_and_differs_for_another)
{
    design_spec s = spec(DESIGN_LHS, 3);
    design a = make_ok(&s), b = make_ok(&s);
    cr_assert(memcmp(a.u, b.u, (size_t)a.n * 3 * sizeof *a.u) == 0);
    cr_assert(memcmp(a.x, b.x, (size_t)a.n * 3 * sizeof *a.x) == 0);
    s.seed++;
    design c = make_ok(&s);
    int same = 0;
    for (int64_t i = 0; i < a.n * 3; i++) same += a.u[i] == c.u[i];
    cr_assert_eq(same, 0, "%d coordinates equal under another seed", same);
    /* the columns are not all permuted alike */
    int same_order = 0;
    for (int64_t i = 0; i < a.n; i++) same_order += (int)floor(a.u[i * 3] * s.n) == (int)floor(a.u[i * 3 + 1] * s.n);
    cr_assert_lt(same_order, 10);
    design_free(&a);
    design_free(&b);
    design_free(&c);
}

/* ---- sobol ------------------------------------------------------------- */

Test(design, sobol_gives_gsl_points_without_the_origin)
{
    design_spec s = spec(DESIGN_SOBOL, 2);
    s.n = 3;
    design d = make_ok(&s);
    const double want2[3][2] = {{0.5, 0.5}, {0.75, 0.25}, {0.25, 0.75}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++) cr_assert(d.u[i * 2 + j] == want2[i][j], "point %d: %g", i, d.u[i * 2 + j]);
    design_free(&d);
    s = spec(DESIGN_SOBOL, 3);
    s.n = 5;
    d = make_ok(&s);
    const double want3[5][3] = {{0.5, 0.5, 0.5}, {0.75, 0.25, 0.75}, {0.25, 0.75, 0.25},
                                {0.375, 0.375, 0.625}, {0.875, 0.875, 0.125}};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 3; j++) cr_assert(d.u[i * 3 + j] == want3[i][j], "point %d: %g", i, d.u[i * 3 + j]);
    check_mapping(&s, &d);
    design_free(&d);
}

Test(design, sobol_has_low_discrepancy_means)
{
    design_spec s = spec(DESIGN_SOBOL, 8);
    s.n = 1024;
    design d = make_ok(&s);
    for (int j = 0; j < 8; j++) {
        double m = 0;
        for (int64_t i = 0; i < d.n; i++) m += d.u[i * 8 + j];
        m /= (double)d.n;
        cr_assert(fabs(m - 0.5) < 1e-3, "dimension %d mean %.6f", j, m);
    }
    design_free(&d);
}

/* ---- saltelli ---------------------------------------------------------- */

Test(design, saltelli_has_blocks_a_b_and_ab_i)
{
    const int k = 3, nb = 16;
    design_spec s = spec(DESIGN_SALTELLI, k);
    s.n = nb;
    design d = make_ok(&s);
    cr_assert_eq(d.n, nb * (k + 2));
    check_mapping(&s, &d);
    /* A and B are the two halves of the 2k-dimensional Sobol sequence */
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, 2 * k);
    double v[6];
    for (int r = 0; r < nb; r++) {
        gsl_qrng_get(q, v);
        for (int j = 0; j < k; j++) {
            cr_assert(d.u[(0 * nb + r) * k + j] == v[j]);
            cr_assert(d.u[(1 * nb + r) * k + j] == v[k + j]);
        }
    }
    gsl_qrng_free(q);
    for (int b = 0; b < k + 2; b++)
        for (int r = 0; r < nb; r++) {
            int64_t p = (int64_t)b * nb + r;
            cr_assert_eq(d.block[p], b);
            cr_assert_eq(d.row[p], r);
            if (b < 2) continue;
            for (int j = 0; j < k; j++) {
                int from = j == b - 2 ? 1 : 0; /* AB_i: column i from B, the rest from A */
                cr_assert(d.u[p * k + j] == d.u[((int64_t)from * nb + r) * k + j], "AB_%d row %d col %d", b - 2, r, j);
                cr_assert(d.x[p * k + j] == d.x[((int64_t)from * nb + r) * k + j]);
            }
        }
    cr_assert(d.traj == NULL);
    design_free(&d);
}

/* ---- morris ------------------------------------------------------------ */

Test(design, morris_moves_one_factor_by_delta_per_step)
{
    const int k = 5, r = 20, p = 4;
    design_spec s = spec(DESIGN_MORRIS, k);
    s.trajectories = r;
    s.morris_levels = p;
    design d = make_ok(&s);
    cr_assert_eq(d.n, r * (k + 1));
    check_mapping(&s, &d);
    const double delta = p / (2.0 * (p - 1));
    int ups = 0, downs = 0;
    for (int t = 0; t < r; t++) {
        int moved[DESIGN_MAX_K] = {0};
        for (int st = 0; st <= k; st++) {
            int64_t i = (int64_t)t * (k + 1) + st;
            cr_assert_eq(d.traj[i], t);
            cr_assert_eq(d.step[i], st);
            for (int j = 0; j < k; j++) { /* on the p-level grid */
                double l = d.u[i * k + j] * (p - 1);
                cr_assert(fabs(l - round(l)) < 1e-12);
            }
            if (st == 0) {
                cr_assert(d.factor[i] == -1 && d.delta[i] == 0.0);
                continue;
            }
            int f = d.factor[i], changed = 0;
            cr_assert(f >= 0 && f < k);
            moved[f]++;
            for (int j = 0; j < k; j++) {
                double du = d.u[i * k + j] - d.u[(i - 1) * k + j];
                if (j != f) {
                    cr_assert(du == 0.0);
                    continue;
                }
                changed++;
                cr_assert(fabs(fabs(du) - delta) < 1e-12, "step %d moves by %g", st, du);
                cr_assert(fabs(du - d.delta[i]) < 1e-12, "recorded delta %g, moved %g", d.delta[i], du);
                if (du > 0) ups++;
                else downs++;
            }
            cr_assert_eq(changed, 1);
        }
        for (int j = 0; j < k; j++) cr_assert_eq(moved[j], 1, "trajectory %d factor %d moved %d times", t, j, moved[j]);
    }
    cr_assert(ups > 10 && downs > 10, "ups %d downs %d", ups, downs);
    /* reproducible, and the seed matters */
    design e = make_ok(&s);
    cr_assert(memcmp(d.u, e.u, (size_t)d.n * k * sizeof *d.u) == 0);
    cr_assert(memcmp(d.factor, e.factor, (size_t)d.n * sizeof *d.factor) == 0);
    design_free(&e);
    s.seed ^= 1;
    e = make_ok(&s);
    cr_assert(memcmp(d.u, e.u, (size_t)d.n * k * sizeof *d.u) != 0);
    design_free(&e);
    design_free(&d);
}

Test(design, morris_with_two_levels_spans_the_whole_range)
{
    design_spec s = spec(DESIGN_MORRIS, 3);
    s.morris_levels = 2;
    design d = make_ok(&s);
    for (int64_t i = 0; i < d.n; i++) {
        for (int j = 0; j < 3; j++) cr_assert(d.u[i * 3 + j] == 0.0 || d.u[i * 3 + j] == 1.0);
        if (d.step[i] > 0) cr_assert(fabs(d.delta[i]) == 1.0);
    }
    design_free(&d);
}

/* ---- invalid specs ----------------------------------------------------- */

static void expect_config(const design_spec *s, const char *needle)
{
    design d;
    ad_error err;
    ad_error_clear(&err);
    int rc = design_make(s, &d, &err);
    cr_assert_eq(rc, AD_ERR_CONFIG, "%s: got %d", needle, rc);
    cr_assert_eq(err.code, AD_ERR_CONFIG);
    cr_assert(strstr(err.msg, needle), "wanted '%s' in: %s", needle, err.msg);
    cr_assert(d.x == NULL && d.u == NULL && d.n == 0);
    cr_assert_eq(design_size(s), -1);
    design_free(&d);
}

Test(design, invalid_specs_are_config_errors_that_say_what_to_do)
{
    design_spec s = spec(DESIGN_LHS, 0);
    expect_config(&s, "1 to 32");
    s = spec(DESIGN_LHS, DESIGN_MAX_K + 1);
    expect_config(&s, "1 to 32");
    s = spec(DESIGN_GRID, 2);
    s.kind = (design_kind)99;
    expect_config(&s, "unknown design kind");
    s = spec(DESIGN_GRID, 2);
    s.min[1] = s.max[1];
    s.name[1] = "customer.loyalty_decay";
    expect_config(&s, "min must be less than max");
    expect_config(&s, "customer.loyalty_decay");
    s.max[1] = NAN;
    expect_config(&s, "finite");
    s = spec(DESIGN_GRID, 2);
    s.levels[0] = 1;
    expect_config(&s, "at least 2");
    s = spec(DESIGN_LIST, 2);
    expect_config(&s, "no points");
    s = spec(DESIGN_LHS, 2);
    s.n = 0;
    expect_config(&s, "at least 1");
    s = spec(DESIGN_SOBOL, 2);
    s.n = -5;
    expect_config(&s, "at least 1");
    s = spec(DESIGN_SALTELLI, 21);
    expect_config(&s, "at most 20");
    s = spec(DESIGN_MORRIS, 2);
    s.morris_levels = 5;
    expect_config(&s, "even");
    s.morris_levels = 0;
    expect_config(&s, "even");
    s.morris_levels = 4;
    s.trajectories = 0;
    expect_config(&s, "trajectories");
}

Test(design, too_many_points_is_a_config_error)
{
    design_spec s = spec(DESIGN_GRID, 8);
    for (int j = 0; j < 8; j++) s.levels[j] = 10;
    expect_config(&s, "more than 10000000");
    for (int j = 0; j < 8; j++) s.levels[j] = 1000000000; /* no overflow on the way */
    expect_config(&s, "more than 10000000");
    s = spec(DESIGN_SALTELLI, 20);
    s.n = 1000000;
    expect_config(&s, "22000000 points");
    s = spec(DESIGN_LHS, 2);
    s.n = DESIGN_MAX_POINTS; /* the limit itself is allowed */
    cr_assert_eq(design_size(&s), DESIGN_MAX_POINTS);
}

Test(design, free_is_harmless_on_null_and_twice)
{
    design_free(NULL);
    design_spec s = spec(DESIGN_GRID, 2);
    design d = make_ok(&s);
    design_free(&d);
    design_free(&d);
    cr_assert(d.x == NULL && d.n == 0);
    cr_assert_str_eq(design_kind_name(DESIGN_SALTELLI), "saltelli");
    cr_assert_str_eq(design_kind_name((design_kind)42), "?");
}

/* ---- run seeds --------------------------------------------------------- */

Test(design, run_seed_has_fixed_known_values)
{
    /* Changing any of these breaks the reproducibility of recorded sweeps.
     * Cross-checked with an independent Python Philox4x32-10. */
    const struct { uint64_t sweep, point; uint32_t rep; uint64_t want; } kat[] = {
        {0, 0, 0, 0x2aa91d3f73c45cc2ull},
        {1, 0, 0, 0xff56d0ed41b1916dull},
        {1, 1, 0, 0x926c66be71df9138ull},
        {1, 0, 1, 0x6b180bb3be236449ull},
        {20240611, 12345, 7, 0x38843aa0e06b6ec2ull},
        {UINT64_MAX, UINT64_MAX, UINT32_MAX, 0x754b1e2c4facd9daull},
    };
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
        uint64_t got = design_run_seed(kat[i].sweep, kat[i].point, kat[i].rep);
        cr_expect_eq(got, kat[i].want, "{%llu, %llu, %u, 0x%016llxull}", (unsigned long long)kat[i].sweep,
                     (unsigned long long)kat[i].point, kat[i].rep, (unsigned long long)got);
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

Test(design, run_seeds_do_not_collide)
{
    /* 1000 points x 100 replications, under two sweep seeds: 2e5 seeds */
    const int np = 1000, nr = 100;
    uint64_t *s = malloc(sizeof *s * 2 * np * nr);
    int m = 0;
    for (uint64_t sweep = 42; sweep <= 43; sweep++)
        for (int p = 0; p < np; p++)
            for (int r = 0; r < nr; r++) s[m++] = design_run_seed(sweep, (uint64_t)p, (uint32_t)r);
    qsort(s, (size_t)m, sizeof *s, cmp_u64);
    for (int i = 1; i < m; i++) cr_assert_neq(s[i], s[i - 1], "collision at %d", i);
    free(s);
    /* point and replication are not interchangeable */
    cr_assert_neq(design_run_seed(1, 2, 3), design_run_seed(1, 3, 2));
}
