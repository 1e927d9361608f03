/* test_simd.c: the vector paths decide as the plain ones.
 *
 * The block loops of contacts.c and serve.c (and the Philox draws feeding
 * them) run in 8 lanes with AVX2 or 16 with AVX-512, whichever the
 * processor has, chosen once per world; AANDACHT_SIMD=plain|avx2 caps the
 * choice. Every path calls the same equations (equations.h), IEEE
 * arithmetic without contraction, so every observable of every week must be
 * the same bytes on each. (A path this processor lacks is not tried; the
 * test says so.) The markets below draw every parameter of the model at
 * random within its range, so a mechanism that one path leaves out shows up
 * as a difference.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "model_support.h"
#include "params.h"
#include "rng.h"

#define SETS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* every vector path this processor has against the plain one: text with
 * the overrides, every observable of every week the same bytes */
static void same_on_every_path(const char *text, const char *const *sets)
{
    unsetenv("AANDACHT_SIMD");
    const int best = rng_simd();
    if (best < RNG_SIMD_AVX512) cr_log_info("no %s here: that path is not tried", rng_simd_name(best + 1));
    int64_t n;
    setenv("AANDACHT_SIMD", "plain", 1);
    cr_assert_eq(rng_simd(), RNG_SIMD_PLAIN);
    ad_obs *plain = ms_run(text, sets, 2, &n);
    cr_assert_gt(n, 0);
    for (int level = RNG_SIMD_AVX2; level <= best; level++) {
        int64_t m;
        setenv("AANDACHT_SIMD", rng_simd_name(level), 1);
        cr_assert_eq(rng_simd(), level);
        ad_obs *vec = ms_run(text, sets, 2, &m);
        cr_assert_eq(n, m);
        for (int64_t t = 0; t < n; t++)
            cr_assert(memcmp(&vec[t], &plain[t], sizeof *vec) == 0, "week %lld differs between %s and plain",
                      (long long)t, rng_simd_name(level));
        free(vec);
    }
    unsetenv("AANDACHT_SIMD");
    free(plain);
}

Test(simd, every_vector_path_gives_the_same_bytes_as_the_plain_path, .timeout = 240)
{
    /* a ramp moves routing, a shock moves visit rates, tips draw words of
     * their own: the tables the vector passes read change from week to week */
    same_on_every_path(MS_MARKET, SETS("scenario.weeks=40", "scenario.warmup=30", "brands.[0].automation.target=0.9",
                                       "brands.[0].automation.ramp_weeks=20", "brands.[2].escalation=false",
                                       "tipping.enabled=true"));
}

/* a market of nb brands, each with its own automation and escalation; a
 * number of customers that leaves every loop of the last block a tail */
static char *market_of(int nb)
{
    static char text[8192];
    int at = snprintf(text, sizeof text,
                      "scenario = { name = \"t\"; seed = 11; weeks = 30; warmup = 30; };\n"
                      "population = { customers = 6003; };\nbrands = (\n");
    for (int b = 0; b < nb; b++)
        at += snprintf(text + at, sizeof text - (size_t)at,
                       "  { name = \"B%d\"; share = %.17g; quality = %.2f; price = %.1f; escalation = %s;"
                       " automation = { start = %.2f; }; }%s\n",
                       b, 1.0 / nb, 0.5 + 0.03 * b, 45.0 + b, b % 3 == 1 ? "false" : "true", 0.05 + 0.05 * b,
                       b + 1 < nb ? "," : "");
    snprintf(text + at, sizeof text - (size_t)at, ");\n");
    return text;
}

/* with AVX2 the contact decisions pick a brand's numbers from tables in
 * registers up to 8 brands and look them up beyond: markets on both sides
 * of that bound, each against the plain path */
Test(simd, markets_of_1_to_16_brands_give_the_same_bytes, .timeout = 240)
{
    const int counts[] = {1, 2, 4, 5, 6, 8, 9, 16};
    for (size_t k = 0; k < sizeof counts / sizeof *counts; k++)
        same_on_every_path(market_of(counts[k]), SETS("scenario.weeks=30"));
}

/* A market of nb brands in which every parameter of the table that the
 * model reads is drawn at random within its range (with a generator of the
 * test's own, from draw); the few that must keep an order or a sum are
 * drawn and then ordered or scaled; tips as given; one reputation shock.
 * The overrides go to sets (NULL-terminated, strings in buf). */
typedef struct draw_rng { uint64_t s; } draw_rng;
static double draw_u(draw_rng *r) /* splitmix64 to [0, 1) */
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

/* a value in [lo, hi]: uniform, or spread over the orders of magnitude of
 * a wide range (half of the draws), so that small values are tried too */
static double draw_in(draw_rng *r, double lo, double hi)
{
    if (hi - lo > 100 && draw_u(r) < 0.5) {
        const double a = lo > 0 ? lo : hi * 1e-6;
        return fmax(lo, fmin(hi, a * pow(hi / a, draw_u(r))));
    }
    return lo + (hi - lo) * draw_u(r);
}

static int skipped(const char *key)
{
    static const char *const keys[] = {"scenario.name", "scenario.description", "scenario.weeks", "scenario.warmup",
                                       "population.customers", "output.raw_agents", "output.snapshot_every",
                                       "network.degree", "tipping.enabled", "name", "share",
                                       "automation.ramp_start", "automation.ramp_weeks", NULL};
    for (int k = 0; keys[k]; k++)
        if (strcmp(key, keys[k]) == 0) return 1;
    return 0;
}

static const char *const *random_market(uint64_t draw, int nb, int tips, char *text, size_t text_size,
                                        char (*buf)[160], const char **sets, int max_sets, int *nsets)
{
    draw_rng r = {draw * 0x2545f4914f6cdd1dull + 1};
    int ns = 0;
#define SET(...)                                                                  \
    do {                                                                          \
        cr_assert_lt(ns, max_sets - 1);                                           \
        snprintf(buf[ns], sizeof buf[ns], __VA_ARGS__);                           \
        sets[ns] = buf[ns];                                                       \
        ns++;                                                                     \
    } while (0)
    const int weeks = 12 + (int)(draw_u(&r) * 12);
    int at = snprintf(text, text_size,
                      "scenario = { name = \"t\"; seed = %llu; weeks = %d; warmup = %d; };\n"
                      "population = { customers = %d; };\nbrands = (\n",
                      (unsigned long long)(draw_u(&r) * 2e9), weeks, 10 + (int)(draw_u(&r) * 60),
                      2000 + (int)(draw_u(&r) * 3000));
    for (int b = 0; b < nb; b++)
        at += snprintf(text + at, text_size - (size_t)at, "  { name = \"B%d\"; }%s\n", b, b + 1 < nb ? "," : "");
    at += snprintf(text + at, text_size - (size_t)at,
                   ");\nevents = ( { brand = \"B%d\"; week = %d; stated = %.3f; visits = %.3f; half_life = %.2f;"
                   " stated_half_life = %.2f; } );\n",
                   (int)(draw_u(&r) * nb), (int)(draw_u(&r) * weeks), draw_u(&r), draw_u(&r), 0.1 + 20 * draw_u(&r),
                   0.1 + 40 * draw_u(&r));
    cr_assert_lt((size_t)at, text_size);
    SET("tipping.enabled=%s", tips ? "true" : "false");
    SET("network.degree=%d", 2 * (int)(draw_u(&r) * 9));
    SET("output.snapshot_every=%d", 1 + (int)(draw_u(&r) * 6));
    double order[2][2];
    for (int k = 0; k < ad_param_count; k++) {
        const ad_param *p = &ad_param_table[k];
        if (skipped(p->key) || p->type == AD_PT_STRING) continue;
        for (int b = 0; b < (p->scope == AD_SCOPE_B ? nb : 1); b++) {
            char key[80];
            if (p->scope == AD_SCOPE_B) snprintf(key, sizeof key, "brands.[%d].%s", b, p->key);
            else snprintf(key, sizeof key, "%s", p->key);
            double x = draw_in(&r, p->min, p->max);
            if (p->type == AD_PT_REAL) {
                if (strcmp(p->key, "customer.detractor_max") == 0) order[0][0] = x;
                else if (strcmp(p->key, "customer.promoter_min") == 0) order[0][1] = x;
                else if (strcmp(p->key, "employee.disengaged_max") == 0) order[1][0] = x;
                else if (strcmp(p->key, "employee.engaged_min") == 0) order[1][1] = x;
                else if (strncmp(p->key, "market.weight_", 14) == 0) continue; /* below: they sum to 1 */
                else if (strcmp(p->key, "automation.target") == 0) /* -1 (none) or 0 to 1 */
                    SET("%s=%.17g", key, draw_u(&r) < 0.2 ? -1.0 : draw_u(&r));
                else SET("%s=%.17g", key, x);
            } else if (p->type == AD_PT_INT) {
                SET("%s=%lld", key, (long long)floor(x));
            } else if (p->type == AD_PT_BOOL) {
                SET("%s=%s", key, draw_u(&r) < 0.5 ? "false" : "true");
            } else if (p->type == AD_PT_ENUM) {
                int n = 0;
                while (p->names[n]) n++;
                SET("%s=%s", key, p->names[(int)(draw_u(&r) * n)]);
            }
        }
    }
    /* the ramps within the recorded weeks, so that routing moves */
    for (int b = 0; b < nb; b++) {
        SET("brands.[%d].automation.ramp_start=%d", b, (int)(draw_u(&r) * weeks));
        SET("brands.[%d].automation.ramp_weeks=%d", b, (int)(draw_u(&r) * weeks));
    }
    const char *pairs[2][2] = {{"customer.detractor_max", "customer.promoter_min"},
                               {"employee.disengaged_max", "employee.engaged_min"}};
    for (int k = 0; k < 2; k++) {
        double lo = fmin(order[k][0], order[k][1]), hi = fmax(order[k][0], order[k][1]);
        if (!(lo < hi)) hi = lo + 0.01;
        SET("%s=%.17g", pairs[k][0], lo);
        SET("%s=%.17g", pairs[k][1], hi);
    }
    const double wq = draw_u(&r) + 0.01, wm = draw_u(&r) + 0.01, wv = draw_u(&r) + 0.01;
    SET("market.weight_quality=%.17g", wq / (wq + wm + wv));
    SET("market.weight_promotion=%.17g", wm / (wq + wm + wv));
    SET("market.weight_place=%.17g", 1.0 - wq / (wq + wm + wv) - wm / (wq + wm + wv));
#undef SET
    sets[ns] = NULL;
    *nsets = ns;
    return sets;
}

/* every parameter of the model at random within its range, 1 to 16
 * brands, tips on and off: every path the processor has gives the plain
 * path's bytes, week by week */
Test(simd, random_parameters_give_the_same_bytes_on_every_path, .timeout = 600)
{
    static const int brands[] = {1, 2, 3, 4, 5, 7, 8, 9, 12, 16};
    const int draws = 20; /* each brand count twice: tips on once, off once */
    static char text[16384], buf[512][160];
    static const char *sets[512];
    for (int d = 0; d < draws; d++) {
        int ns;
        const int nb = brands[d % 10], tips = (d + d / 10) % 2;
        random_market(1000 + (uint64_t)d, nb, tips, text, sizeof text, buf, sets, 512, &ns);
        cr_log_info("draw %d: %d brands, tips %s, %d parameters drawn", d, nb, tips ? "on" : "off", ns);
        same_on_every_path(text, sets);
    }
}
