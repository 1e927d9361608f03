/* test_simd.c: the vector paths decide as the plain ones.
 *
 * The block loops of contacts.c and serve.c (and the Philox draws feeding
 * them) run in 8 lanes with AVX2 or 16 with AVX-512, whichever the
 * processor has; AANDACHT_SIMD=plain|avx2 caps the choice. Every path is the
 * same C, IEEE arithmetic without contraction, so every observable of every
 * week must be the same bytes on each. (A path this processor lacks is not
 * tried; the test says so.)
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_support.h"
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

/* the hand-written AVX2 lanes hold a brand table in one register up to 4
 * brands, in two up to 8, and leave more to the compiler's lanes; the
 * brand choice's first look holds up to 4 brands, one a lane: each case
 * against the plain path */
Test(simd, markets_of_1_to_16_brands_give_the_same_bytes, .timeout = 240)
{
    const int counts[] = {1, 2, 4, 5, 6, 8, 9, 16};
    for (size_t k = 0; k < sizeof counts / sizeof *counts; k++)
        same_on_every_path(market_of(counts[k]), SETS("scenario.weeks=30"));
}
