/* rng.h: all randomness of aandacht, from one counter-based generator.
 *
 * Every draw is Philox4x32-10 (Random123) of the counter (agent, step,
 * purpose) under the key seed: no state, so a draw depends only on who asks,
 * when and what for, never on thread scheduling or on the order of other
 * draws. One call gives four independent 32-bit words. Purposes are listed
 * once here so two uses can never share a stream by accident; a purpose may
 * carry a small sub-index (rng_purpose) when one agent needs several draws
 * for the same purpose in one step.
 */
#ifndef AD_RNG_H
#define AD_RNG_H

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <Random123/philox.h>
#if defined(__x86_64__) && defined(__GNUC__) && !defined(RNG_X86)
#define RNG_X86 1
#include <immintrin.h>
#endif

/* The vector instructions the block loops (rng_draw_list, and the lanes of
 * contacts.c and serve.c) may use, chosen at run time; every level gives the
 * same bits. rng_simd() says the best this processor has, capped by
 * AANDACHT_SIMD=plain|avx2|avx512 in the environment (for comparing the
 * paths; test_simd). */
enum rng_simd_level { RNG_SIMD_PLAIN = 0, RNG_SIMD_AVX2 = 1, RNG_SIMD_AVX512 = 2 };
int rng_simd(void);
/* the name of a level, for messages */
const char *rng_simd_name(int level);

enum rng_purpose {
    RNG_TRAITS = 1,     /* customer traits at creation */
    RNG_NETWORK,        /* small-world links */
    RNG_FIRST_BRAND,    /* occasion noise of the first brand choices */
    RNG_CONTACT,        /* contact, class, routing, automated success */
    RNG_SERVICE,        /* employee, human success, satisfaction noise */
    RNG_TIP,            /* server behaviours performed */
    RNG_TASTE,          /* fixed taste per (customer, brand); step 0 always */
    RNG_OCCASION,       /* noise of one reconsideration */
    RNG_AVOID,          /* who states avoidance after a shock (per event) */
    RNG_EMP_TRAIT,      /* employee traits at hiring */
    RNG_EMP_NOISE,      /* weekly engagement noise */
    RNG_EXIT            /* occasion noise of the choice of a left brand's customers */
};

typedef struct rng4 { uint32_t v[4]; } rng4;

/* purpose with a sub-index (0..2^24-1) */
static inline uint32_t rng_purpose(uint32_t purpose, uint32_t sub)
{
    return purpose | (sub << 8);
}

static inline __attribute__((always_inline)) rng4 rng_draw(uint64_t seed, uint64_t agent, uint32_t step, uint32_t purpose)
{
    philox4x32_ctr_t c = {{(uint32_t)agent, (uint32_t)(agent >> 32), step, purpose}};
    philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    philox4x32_ctr_t r = philox4x32(c, k);
    rng4 out = {{r.v[0], r.v[1], r.v[2], r.v[3]}};
    return out;
}

/* Draws of many agents with one step and purpose, for the block loops of
 * contacts.c and serve.c: word k of agent base + idx[j] lands in v[k][j].
 * The same bits as rng_draw (test_rng checks every level against it): one
 * flat loop over agents, and on x86-64 the same rounds by hand in 4 lanes
 * of 64 bits (AVX2) or 16 of 32 (AVX-512), as the level says; the
 * compiler's own vectors run only 2 or 4 of Philox's 32 x 32 -> 64 bit
 * multiplies at once, and the multiplies are what Philox waits on. */
#define RNG_BLOCK 256
typedef struct rng_block { uint32_t v[4][RNG_BLOCK]; } rng_block;

/* the rounds of rng_draw_list for agents j0 <= j < m */
static inline void rng_list_words(uint32_t k0, uint32_t k1, uint32_t blo, uint32_t bhi,
                                  const uint16_t *restrict idx, int j0, int m, uint32_t step,
                                  uint32_t purpose, rng_block *restrict out)
{
    for (int j = j0; j < m; j++) {
        uint32_t lo = blo + idx[j];
        uint32_t c0 = lo, c1 = bhi + (lo < blo), c2 = step, c3 = purpose, ka = k0, kb = k1;
        for (int r = 0; r < 10; r++) { /* Philox4x32 round, then the key's Weyl bump */
            uint64_t p0 = (uint64_t)PHILOX_M4x32_0 * c0, p1 = (uint64_t)PHILOX_M4x32_1 * c2;
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ ka, n2 = (uint32_t)(p0 >> 32) ^ c3 ^ kb;
            c1 = (uint32_t)p1;
            c3 = (uint32_t)p0;
            c0 = n0;
            c2 = n2;
            ka += PHILOX_W32_0;
            kb += PHILOX_W32_1;
        }
        out->v[0][j] = c0;
        out->v[1][j] = c1;
        out->v[2][j] = c2;
        out->v[3][j] = c3;
    }
}

#if RNG_X86
/* 16 agents per register; returns how many agents it did (a multiple of
 * 16): the rest go the plain way. Integers only, so the same words. */
static inline __attribute__((target("avx512f"))) void rng_mul16(__m512i x, __m512i m, __m512i *hi,
                                                                __m512i *lo)
{
    const __m512i even = _mm512_mul_epu32(x, m), odd = _mm512_mul_epu32(_mm512_srli_epi64(x, 32), m);
    *lo = _mm512_mask_blend_epi32(0xaaaa, even, _mm512_slli_epi64(odd, 32));
    *hi = _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64(even, 32), odd);
}

static inline __attribute__((target("avx512f"))) int rng_list_words16(
    uint32_t k0, uint32_t k1, uint32_t blo, uint32_t bhi, const uint16_t *restrict idx, int m,
    uint32_t step, uint32_t purpose, rng_block *restrict out)
{
    const __m512i m0 = _mm512_set1_epi32((int)PHILOX_M4x32_0), m1 = _mm512_set1_epi32((int)PHILOX_M4x32_1);
    const __m512i vlo = _mm512_set1_epi32((int)blo), vhi = _mm512_set1_epi32((int)bhi);
    int j = 0;
    for (; j + 16 <= m; j += 16) {
        __m512i c0 = _mm512_add_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(idx + j))), vlo);
        const __mmask16 carry = _mm512_cmplt_epu32_mask(c0, vlo);
        __m512i c1 = _mm512_mask_add_epi32(vhi, carry, vhi, _mm512_set1_epi32(1));
        __m512i c2 = _mm512_set1_epi32((int)step), c3 = _mm512_set1_epi32((int)purpose);
        uint32_t ka = k0, kb = k1;
        for (int r = 0; r < 10; r++) {
            __m512i h0, l0, h1, l1;
            rng_mul16(c0, m0, &h0, &l0);
            rng_mul16(c2, m1, &h1, &l1);
            c0 = _mm512_xor_si512(_mm512_xor_si512(h1, c1), _mm512_set1_epi32((int)ka));
            c2 = _mm512_xor_si512(_mm512_xor_si512(h0, c3), _mm512_set1_epi32((int)kb));
            c1 = l1;
            c3 = l0;
            ka += PHILOX_W32_0;
            kb += PHILOX_W32_1;
        }
        _mm512_storeu_si512(&out->v[0][j], c0);
        _mm512_storeu_si512(&out->v[1][j], c1);
        _mm512_storeu_si512(&out->v[2][j], c2);
        _mm512_storeu_si512(&out->v[3][j], c3);
    }
    return j;
}

/* AVX2: 4 agents per register, each word in the low half of a 64-bit lane,
 * so one multiply gives the whole 64-bit product (hi, lo) with no shuffle;
 * what piles up in the high halves is never read (the multiply reads low
 * halves only, and the words are taken from the low halves at the end).
 * Two groups of 4 agents at a time: their 8 words of state, the two
 * multipliers and the products fit the 16 registers (a third group would
 * spill). The same words as rng_draw. */
typedef struct rng_keys8 { __m256i ka[10], kb[10]; } rng_keys8;

static inline __attribute__((target("avx2"))) void rng_start4(const uint16_t *restrict idx, __m256i vlo,
                                                              __m256i vhi, __m256i step, __m256i purpose,
                                                              __m256i *c)
{
    uint64_t four;
    memcpy(&four, idx, sizeof four);
    /* base + idx in 64 bits: its bit 32 is the carry into the agent's high word */
    c[0] = _mm256_add_epi64(_mm256_cvtepu16_epi64(_mm_cvtsi64_si128((long long)four)), vlo);
    c[1] = _mm256_add_epi64(vhi, _mm256_srli_epi64(c[0], 32));
    c[2] = step;
    c[3] = purpose;
}

static inline __attribute__((target("avx2"))) void rng_round4(__m256i *c, __m256i m0, __m256i m1, __m256i ka,
                                                              __m256i kb)
{
    const __m256i p0 = _mm256_mul_epu32(c[0], m0), p1 = _mm256_mul_epu32(c[2], m1);
    c[0] = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c[1]), ka);
    c[2] = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c[3]), kb);
    c[1] = p1;
    c[3] = p0;
}

/* the words of agents idx[0 .. 8): word k to out[k][0 .. 8) */
static inline __attribute__((target("avx2"))) void rng_words8(const rng_keys8 *restrict key,
                                                              const uint16_t *restrict idx, __m256i vlo,
                                                              __m256i vhi, __m256i step, __m256i purpose,
                                                              uint32_t *const out[4])
{
    const __m256i m0 = _mm256_set1_epi64x(PHILOX_M4x32_0), m1 = _mm256_set1_epi64x(PHILOX_M4x32_1);
    __m256i a[4], b[4];
    rng_start4(idx, vlo, vhi, step, purpose, a);
    rng_start4(idx + 4, vlo, vhi, step, purpose, b);
    for (int r = 0; r < 10; r++) {
        rng_round4(a, m0, m1, key->ka[r], key->kb[r]);
        rng_round4(b, m0, m1, key->ka[r], key->kb[r]);
    }
    const __m256i even = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6); /* the low halves, in order */
    for (int k = 0; k < 4; k++)
        _mm256_storeu_si256((__m256i *)out[k], _mm256_blend_epi32(_mm256_permutevar8x32_epi32(a[k], even),
                                                                  _mm256_permutevar8x32_epi32(b[k], even), 0xf0));
}

static inline __attribute__((target("avx2"))) int rng_list_words8(
    uint32_t k0, uint32_t k1, uint32_t blo, uint32_t bhi, const uint16_t *restrict idx, int m,
    uint32_t step, uint32_t purpose, rng_block *restrict out)
{
    rng_keys8 key;
    for (int r = 0; r < 10; r++) { /* the round keys, Weyl-bumped */
        key.ka[r] = _mm256_set1_epi64x(k0);
        key.kb[r] = _mm256_set1_epi64x(k1);
        k0 += PHILOX_W32_0;
        k1 += PHILOX_W32_1;
    }
    const __m256i vlo = _mm256_set1_epi64x(blo), vhi = _mm256_set1_epi64x(bhi);
    const __m256i vstep = _mm256_set1_epi64x(step), vpurpose = _mm256_set1_epi64x(purpose);
    int j = 0;
    for (; j + 8 <= m; j += 8) {
        uint32_t *const o[4] = {&out->v[0][j], &out->v[1][j], &out->v[2][j], &out->v[3][j]};
        rng_words8(&key, idx + j, vlo, vhi, vstep, vpurpose, o);
    }
    if (j < m) { /* the last 1 to 7: indices padded to 8, the words of those asked kept */
        uint16_t pad[8] = {0};
        uint32_t w[4][8];
        uint32_t *const o[4] = {w[0], w[1], w[2], w[3]};
        memcpy(pad, idx + j, (size_t)(m - j) * sizeof *pad);
        rng_words8(&key, pad, vlo, vhi, vstep, vpurpose, o);
        for (int k = 0; k < 4; k++) memcpy(&out->v[k][j], w[k], (size_t)(m - j) * sizeof w[k][0]);
        j = m;
    }
    return j;
}
#endif

/* level: an rng_simd_level the processor has (rng_simd()) */
static inline void rng_draw_list(int level, uint64_t seed, uint64_t base, const uint16_t *restrict idx, int m,
                                 uint32_t step, uint32_t purpose, rng_block *restrict out)
{
    const uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    const uint32_t blo = (uint32_t)base, bhi = (uint32_t)(base >> 32);
    int j = 0;
#if RNG_X86
    if (level >= RNG_SIMD_AVX512) j = rng_list_words16(k0, k1, blo, bhi, idx, m, step, purpose, out);
    else if (level == RNG_SIMD_AVX2) j = rng_list_words8(k0, k1, blo, bhi, idx, m, step, purpose, out);
#else
    (void)level;
#endif
    rng_list_words(k0, k1, blo, bhi, idx, j, m, step, purpose, out);
}

/* uniform in [0, 1) with 32 bits */
static inline double rng_u01(uint32_t x) { return (double)x * (1.0 / 4294967296.0); }
/* rng_u01 by way of a signed conversion, which AVX2 has in vector lanes (it
 * has none from unsigned): the same double, as both conversions and the
 * sum are exact */
static inline double rng_u01_lanes(uint32_t x)
{
    return ((double)(int32_t)(x ^ 0x80000000u) + 2147483648.0) * (1.0 / 4294967296.0);
}
/* uniform in (0, 1): never 0, for logarithms */
static inline double rng_open01(uint32_t x) { return ((double)x + 0.5) * (1.0 / 4294967296.0); }
/* standard normal from two words (Box-Muller, one of the pair) */
static inline double rng_normal(uint32_t a, uint32_t b)
{
    return sqrt(-2.0 * log(rng_open01(a))) * cos(6.283185307179586 * rng_u01(b));
}
/* standard Gumbel */
static inline double rng_gumbel(uint32_t x) { return -log(-log(rng_open01(x))); }

/* Bounds of rng_gumbel over each of the 256 ranges of words with the same
 * top 8 bits: for every x, lo[x >> 24] < rng_gumbel(x) < hi[x >> 24].
 * rng_gumbel rises with x, so its ends bound a range; the slack covers a
 * log that is off by an ulp in the wrong direction. */
#define RNG_GUMBEL_RANGES 256
typedef struct rng_gumbel_bounds { double lo[RNG_GUMBEL_RANGES], hi[RNG_GUMBEL_RANGES]; } rng_gumbel_bounds;

static inline void rng_gumbel_bounds_fill(rng_gumbel_bounds *g)
{
    for (uint32_t k = 0; k < RNG_GUMBEL_RANGES; k++) {
        g->lo[k] = rng_gumbel(k << 24) - 1e-9;
        g->hi[k] = rng_gumbel((k << 24) | 0xffffffu) + 1e-9;
    }
}

#endif
