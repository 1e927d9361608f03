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
#include <stdlib.h>
#include <string.h>

#include "model_support.h"
#include "rng.h"

#define SETS(...) ((const char *const[]){__VA_ARGS__, NULL})

Test(simd, every_vector_path_gives_the_same_bytes_as_the_plain_path, .timeout = 240)
{
    unsetenv("AANDACHT_SIMD");
    const int best = rng_simd();
    if (best < RNG_SIMD_AVX512) cr_log_info("no %s here: that path is not tried", rng_simd_name(best + 1));
    /* a ramp moves routing, a shock moves visit rates, tips draw words of
     * their own: the tables the vector passes read change from week to week */
    const char *const *sets = SETS("scenario.weeks=40", "scenario.warmup=30", "brands.[0].automation.target=0.9",
                                   "brands.[0].automation.ramp_weeks=20", "brands.[2].escalation=false",
                                   "tipping.enabled=true");
    int64_t n;
    setenv("AANDACHT_SIMD", "plain", 1);
    cr_assert_eq(rng_simd(), RNG_SIMD_PLAIN);
    ad_obs *plain = ms_run(MS_MARKET, sets, 2, &n);
    for (int level = RNG_SIMD_AVX2; level <= best; level++) {
        int64_t m;
        setenv("AANDACHT_SIMD", rng_simd_name(level), 1);
        cr_assert_eq(rng_simd(), level);
        ad_obs *vec = ms_run(MS_MARKET, sets, 2, &m);
        cr_assert_eq(n, m);
        for (int64_t t = 0; t < n; t++)
            cr_assert(memcmp(&vec[t], &plain[t], sizeof *vec) == 0, "week %lld differs between %s and plain",
                      (long long)t, rng_simd_name(level));
        free(vec);
    }
    unsetenv("AANDACHT_SIMD");
    free(plain);
}
