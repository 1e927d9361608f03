/* test_simd.c: the vector paths decide as the plain ones.
 *
 * On a processor with AVX-512 the contact decisions run in 16 lanes
 * (models/contacts.c, decide_avx512); AANDACHT_NO_AVX512 makes them take
 * the plain path. Both are the same C, IEEE arithmetic without contraction,
 * so every observable of every week must be the same bytes. (On a processor
 * without AVX-512 both runs take the plain path; the test says so.)
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "model_support.h"

#define SETS(...) ((const char *const[]){__VA_ARGS__, NULL})

Test(simd, avx512_decisions_give_the_same_bytes_as_the_plain_path, .timeout = 120)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (!__builtin_cpu_supports("avx512f"))
        cr_log_warn("no AVX-512 here: both runs take the plain path");
#endif
    /* a ramp moves routing, a shock moves visit rates: the tables the
     * vector pass reads change from week to week */
    const char *const *sets = SETS("scenario.weeks=40", "scenario.warmup=30", "brands.[0].automation.target=0.9",
                                   "brands.[0].automation.ramp_weeks=20", "brands.[2].escalation=false");
    int64_t n, m;
    unsetenv("AANDACHT_NO_AVX512");
    ad_obs *vec = ms_run(MS_MARKET, sets, 2, &n);
    setenv("AANDACHT_NO_AVX512", "1", 1);
    ad_obs *plain = ms_run(MS_MARKET, sets, 2, &m);
    unsetenv("AANDACHT_NO_AVX512");
    cr_assert_eq(n, m);
    for (int64_t t = 0; t < n; t++)
        cr_assert(memcmp(&vec[t], &plain[t], sizeof *vec) == 0, "week %lld differs between the paths", (long long)t);
    free(vec);
    free(plain);
}
