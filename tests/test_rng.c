/* test_rng.c: the counter-based generator of sim/rng.h.
 *
 * rng_draw must be Philox4x32-10 itself (Random123's known answers), a pure
 * function of (seed, agent, step, purpose) in which every bit of every key
 * matters; the helpers must stay in their ranges and have the moments they
 * promise. Statistical tests use fixed keys, so they are deterministic; the
 * thresholds are stated so that a fresh key would pass them with the stated
 * probability, and a broken mapping fails them by far.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "rng.h"

#define N_DRAWS 200000
/* chi-square, 63 degrees of freedom: upper 0.1 % point */
#define CHI2_63_P001 103.4

static int same4(rng4 a, rng4 b) { return memcmp(a.v, b.v, sizeof a.v) == 0; }
static int any_equal_word(rng4 a, rng4 b)
{
    for (int k = 0; k < 4; k++)
        if (a.v[k] == b.v[k]) return 1;
    return 0;
}

/* ---- the generator itself ------------------------------------------- */

Test(rng, is_philox4x32_10_by_random123_known_answers)
{
    /* Random123 kat_vectors: ctr (4 words), key (2 words) -> 4 words; the
     * counter is (agent lo, agent hi, step, purpose), the key (seed lo, hi) */
    rng4 r = rng_draw(0, 0, 0, 0);
    const uint32_t zero[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
    cr_assert(memcmp(r.v, zero, sizeof zero) == 0, "zeros: %08x %08x %08x %08x", r.v[0], r.v[1], r.v[2], r.v[3]);
    r = rng_draw(UINT64_MAX, UINT64_MAX, UINT32_MAX, UINT32_MAX);
    const uint32_t ones[4] = {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd};
    cr_assert(memcmp(r.v, ones, sizeof ones) == 0, "ones: %08x %08x %08x %08x", r.v[0], r.v[1], r.v[2], r.v[3]);
    r = rng_draw(0x299f31d0a4093822ull, 0x85a308d3243f6a88ull, 0x13198a2e, 0x03707344);
    const uint32_t pi[4] = {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};
    cr_assert(memcmp(r.v, pi, sizeof pi) == 0, "pi: %08x %08x %08x %08x", r.v[0], r.v[1], r.v[2], r.v[3]);
}

Test(rng, same_key_gives_same_words)
{
    for (uint64_t a = 0; a < 1000; a++) {
        rng4 x = rng_draw(42, a * 7919, (uint32_t)a, RNG_CONTACT);
        rng4 y = rng_draw(42, a * 7919, (uint32_t)a, RNG_CONTACT);
        cr_assert(same4(x, y), "agent %llu", (unsigned long long)a);
    }
}

Test(rng, changing_any_one_of_the_four_changes_every_word)
{
    const uint64_t seed = 0x0123456789abcdefull, agent = 0x00000001fedcba98ull;
    const uint32_t step = 1234, purpose = rng_purpose(RNG_SERVICE, 3);
    rng4 base = rng_draw(seed, agent, step, purpose);
    /* one bit at a time, high halves of seed and agent included; a change
     * must reach all four words (a word left equal would be a 1 in 2^32
     * coincidence, far from this many trials) */
    for (int bit = 0; bit < 64; bit++) {
        cr_assert_not(any_equal_word(base, rng_draw(seed ^ (1ull << bit), agent, step, purpose)), "seed bit %d", bit);
        cr_assert_not(any_equal_word(base, rng_draw(seed, agent ^ (1ull << bit), step, purpose)), "agent bit %d", bit);
    }
    for (int bit = 0; bit < 32; bit++) {
        cr_assert_not(any_equal_word(base, rng_draw(seed, agent, step ^ (1u << bit), purpose)), "step bit %d", bit);
        cr_assert_not(any_equal_word(base, rng_draw(seed, agent, step, purpose ^ (1u << bit))), "purpose bit %d", bit);
    }
    /* and small moves of each, as the model makes them */
    cr_assert_not(same4(base, rng_draw(seed + 1, agent, step, purpose)));
    cr_assert_not(same4(base, rng_draw(seed, agent + 1, step, purpose)));
    cr_assert_not(same4(base, rng_draw(seed, agent, step + 1, purpose)));
    cr_assert_not(same4(base, rng_draw(seed, agent, step, rng_purpose(RNG_SERVICE, 4))));
}

Test(rng, agents_beyond_32_bits_are_distinct_streams)
{
    /* agent i and agent i + 2^32 must not share a stream (customers x brands
     * or ids above 4e9 use the high half) */
    for (uint64_t a = 0; a < 100; a++)
        cr_assert_not(same4(rng_draw(5, a, 0, RNG_TASTE), rng_draw(5, a + (1ull << 32), 0, RNG_TASTE)));
}

#ifdef RNG_BLOCK
Test(rng, draw_list_gives_the_same_bits_as_draw_on_every_vector_path)
{
    const int best = rng_simd();
    if (best < RNG_SIMD_AVX512) cr_log_info("this processor has no %s: that path is not tried", rng_simd_name(best + 1));
    /* bases straddling 2^32 exercise the carry into the agent's high word */
    const uint64_t bases[] = {0, 1000, 0xffffff80ull, (1ull << 33) - 5, 0xfffffffffffff000ull};
    const uint64_t seeds[] = {0, 20261123, 0xdeadbeefcafef00dull};
    uint16_t idx[RNG_BLOCK];
    static rng_block out;
    for (int j = 0; j < RNG_BLOCK; j++) idx[j] = (uint16_t)(j * 3 + (j % 5)); /* sparse, increasing */
    for (size_t s = 0; s < sizeof seeds / sizeof *seeds; s++)
        for (size_t b = 0; b < sizeof bases / sizeof *bases; b++)
            for (int level = RNG_SIMD_PLAIN; level <= best; level++) {
                /* short lists and partial blocks too: every remainder of 8 and 16 */
                for (int m = 1; m <= RNG_BLOCK; m += m < 40 ? 1 : 37 - (int)b) {
                    memset(&out, 0, sizeof out);
                    rng_draw_list(level, seeds[s], bases[b], idx, m, 77, RNG_CONTACT, &out);
                    for (int j = 0; j < m; j++) {
                        rng4 r = rng_draw(seeds[s], bases[b] + idx[j], 77, RNG_CONTACT);
                        for (int k = 0; k < 4; k++)
                            cr_assert_eq(out.v[k][j], r.v[k], "%s: seed %zu base %zu m %d idx %d word %d",
                                         rng_simd_name(level), s, b, m, j, k);
                    }
                }
            }
}
#endif

/* ---- helpers: ranges ------------------------------------------------- */

Test(rng, u01_in_zero_one_and_open01_strictly_inside)
{
    cr_assert_eq(rng_u01(0), 0.0);
    cr_assert_lt(rng_u01(UINT32_MAX), 1.0);
    cr_assert_gt(rng_open01(0), 0.0);
    cr_assert_lt(rng_open01(UINT32_MAX), 1.0);
    cr_assert_gt(1.0 - rng_open01(UINT32_MAX), 0.0);
    /* monotone: more bits, larger value */
    cr_assert_lt(rng_u01(UINT32_MAX - 1), rng_u01(UINT32_MAX));
    cr_assert_lt(rng_open01(UINT32_MAX - 1), rng_open01(UINT32_MAX));
    for (uint64_t a = 0; a < N_DRAWS / 4; a++) {
        rng4 r = rng_draw(9, a, 3, RNG_TRAITS);
        for (int k = 0; k < 4; k++) {
            double u = rng_u01(r.v[k]), o = rng_open01(r.v[k]);
            cr_assert(u >= 0.0 && u < 1.0);
            cr_assert(o > 0.0 && o < 1.0);
        }
    }
    /* the extremes give finite normals and Gumbels */
    cr_assert(isfinite(rng_normal(0, 0)) && isfinite(rng_normal(UINT32_MAX, UINT32_MAX)));
    cr_assert(isfinite(rng_gumbel(0)) && isfinite(rng_gumbel(UINT32_MAX)));
}

/* ---- helpers: distributions ----------------------------------------- */

/* chi-square of 64 equal bins of N_DRAWS uniforms; word k of key varying
 * along one axis: 0 agent, 1 step, 2 seed, 3 purpose sub-index */
static double chi2_64(int axis, int word)
{
    int64_t bin[64] = {0};
    for (uint32_t i = 0; i < N_DRAWS; i++) {
        rng4 r = axis == 0 ? rng_draw(11, i, 5, RNG_CONTACT)
               : axis == 1 ? rng_draw(11, 5, i, RNG_CONTACT)
               : axis == 2 ? rng_draw(i, 5, 5, RNG_CONTACT)
                           : rng_draw(11, 5, 5, rng_purpose(RNG_CONTACT, i));
        bin[(int)(rng_u01(r.v[word]) * 64)]++;
    }
    double e = N_DRAWS / 64.0, x = 0;
    for (int k = 0; k < 64; k++) x += (bin[k] - e) * (bin[k] - e) / e;
    return x;
}

Test(rng, u01_uniform_by_chi_square_along_every_key)
{
    static const char *axis_name[] = {"agent", "step", "seed", "purpose sub-index"};
    for (int axis = 0; axis < 4; axis++) {
        double x = chi2_64(axis, axis); /* a different word per axis */
        cr_assert_lt(x, CHI2_63_P001, "chi-square %.1f over 64 bins along %s (p < 0.001)", x, axis_name[axis]);
        /* and not suspiciously perfect either (lower 0.1 %% point is 34.6) */
        cr_assert_gt(x, 34.6, "chi-square %.1f along %s is too good to be random", x, axis_name[axis]);
    }
}

Test(rng, normal_has_mean_0_and_sd_1)
{
    /* n = 200k: sd of the mean 0.0022, of the sd 0.0016; tolerances 0.01 */
    double s = 0, ss = 0, tail = 0;
    for (uint32_t i = 0; i < N_DRAWS; i++) {
        rng4 r = rng_draw(3, i, 0, RNG_EMP_TRAIT);
        double z = rng_normal(r.v[0], r.v[1]);
        s += z;
        ss += z * z;
        tail += fabs(z) > 1.959963985;
    }
    double m = s / N_DRAWS, sd = sqrt(ss / N_DRAWS - m * m), p = tail / N_DRAWS;
    cr_assert_lt(fabs(m), 0.01, "mean %.4f", m);
    cr_assert_lt(fabs(sd - 1.0), 0.01, "sd %.4f", sd);
    /* two-sided 5 %% tail: sd of the share 0.0005 */
    cr_assert_lt(fabs(p - 0.05), 0.003, "share beyond 1.96: %.4f", p);
}

Test(rng, gumbel_has_mean_euler_gamma_and_variance_pi2_over_6)
{
    /* n = 200k: sd of the mean 0.0029, of the variance 0.0077 (excess
     * kurtosis 2.4); tolerances 0.015 and 0.04 */
    const double gamma = 0.5772156649015329, var = 3.141592653589793 * 3.141592653589793 / 6.0;
    double s = 0, ss = 0;
    for (uint32_t i = 0; i < N_DRAWS; i++) {
        rng4 r = rng_draw(4, i, 0, RNG_TASTE);
        double g = rng_gumbel(r.v[2]);
        s += g;
        ss += g * g;
    }
    double m = s / N_DRAWS, v = ss / N_DRAWS - m * m;
    cr_assert_lt(fabs(m - gamma), 0.015, "mean %.4f, want %.4f", m, gamma);
    cr_assert_lt(fabs(v - var), 0.04, "variance %.4f, want %.4f", v, var);
}

/* ---- purposes ---------------------------------------------------------- */

Test(rng, purpose_sub_index_zero_is_the_plain_purpose_and_codes_never_collide)
{
    cr_assert_eq(rng_purpose(RNG_NETWORK, 0), (uint32_t)RNG_NETWORK);
    /* every purpose of the list with sub-indices 0..999 is a distinct code,
     * including sub-indices near the top of their 24 bits */
    for (uint32_t p = RNG_TRAITS; p <= RNG_EMP_NOISE; p++)
        for (uint32_t q = RNG_TRAITS; q <= RNG_EMP_NOISE; q++)
            for (uint32_t s = 0; s < 1000; s += 37) {
                uint32_t t = (s * 7 + 1) % 1000;
                if (p == q && s == t) continue;
                cr_assert_neq(rng_purpose(p, s), rng_purpose(q, t));
                cr_assert_neq(rng_purpose(p, 0xffffff - s), rng_purpose(q, 0xffffff - t));
            }
}

Test(rng, purpose_sub_indices_give_distinct_uncorrelated_streams)
{
    /* streams of sub-indices 0..15 for one agent-step: never the same words,
     * and over 50k agents the correlation of any two is near zero
     * (sd 1/sqrt(50k) = 0.0045; tolerance 0.025) */
    enum { SUBS = 16, AGENTS = 50000 };
    double s[SUBS] = {0}, ss[SUBS] = {0}, sx[SUBS][SUBS] = {{0}};
    for (uint32_t i = 0; i < AGENTS; i++) {
        double u[SUBS];
        rng4 r[SUBS];
        for (uint32_t k = 0; k < SUBS; k++) {
            r[k] = rng_draw(8, i, 2, rng_purpose(RNG_NETWORK, k));
            u[k] = rng_u01(r[k].v[0]);
            s[k] += u[k];
            ss[k] += u[k] * u[k];
            for (uint32_t j = 0; j < k; j++) {
                sx[k][j] += u[k] * u[j];
                if (i < 2000) cr_assert_not(same4(r[k], r[j]), "agent %u subs %u %u", i, k, j);
            }
        }
    }
    double worst = 0;
    for (int k = 0; k < SUBS; k++)
        for (int j = 0; j < k; j++) {
            double mk = s[k] / AGENTS, mj = s[j] / AGENTS;
            double cov = sx[k][j] / AGENTS - mk * mj;
            double corr = cov / sqrt((ss[k] / AGENTS - mk * mk) * (ss[j] / AGENTS - mj * mj));
            if (fabs(corr) > worst) worst = fabs(corr);
        }
    cr_assert_lt(worst, 0.025, "largest correlation between sub-index streams %.4f", worst);
}

Test(rng, gumbel_bounds_enclose_every_word_of_their_range)
{
    static rng_gumbel_bounds g;
    rng_gumbel_bounds_fill(&g);
    for (uint32_t k = 0; k < RNG_GUMBEL_RANGES; k++) {
        uint32_t ends[2] = {k << 24, (k << 24) | 0xffffffu};
        for (int e = 0; e < 2; e++)
            cr_assert(g.lo[k] < rng_gumbel(ends[e]) && rng_gumbel(ends[e]) < g.hi[k], "range %u end %d", k, e);
        if (k + 1 < RNG_GUMBEL_RANGES) cr_assert_leq(g.hi[k], g.lo[k + 1] + 2.1e-9, "ranges rise with the word");
    }
    for (uint32_t i = 0; i < 200000; i++) {
        uint32_t x = rng_draw(99, i, 1, 2).v[0];
        cr_assert(g.lo[x >> 24] < rng_gumbel(x) && rng_gumbel(x) < g.hi[x >> 24], "word %08x", x);
    }
}
