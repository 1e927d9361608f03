/* contacts.c: contacts and their routes (MODEL.md step 2, cust_contacts).
 *
 * Each customer, from rng(seed, i, step, RNG_CONTACT), makes a contact or
 * not, and a contact is relational or transactional, routed to a person or
 * to the automated channel, which solves it or not (escalating or
 * frustrating). A customer without a contact may reconsider its brand this
 * week (its loyalty drifts first). Writes code[i] and loyalty[i]; counts
 * contacts per brand and code in the thread's accumulators.
 *
 * Speed: blocks of CUST_BLOCK customers. Each block draws its random words
 * in one flat loop (vectorised Philox), then decides in one flat loop
 * without branches or calls, which the compiler runs in vector lanes
 * (16 with AVX-512; with AVX2 and at most 8 brands the hand-written
 * decide_avx2 and count_avx2 instead; chosen at run time: rng_simd; every
 * path gives the same bytes). The few customers whose answer that loop
 * cannot give exactly are redone one by one. Counts go to a stack array of
 * the thread. Threads take the blocks in chunks as they come free.
 */
#include "customer.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "cust_priv.h"

/* brand-level inputs of cust_contacts, copied once per step */
typedef struct contacts_in {
    uint64_t seed;
    uint32_t step;
    float f[AD_MAX_BRANDS];             /* visit-rate factor */
    float p_auto[AD_MAX_BRANDS * 2];    /* routing to the robot: [2 b + relational] */
    float q_auto[2];                    /* automated success: [relational] */
    uint32_t kind[AD_MAX_BRANDS * 4];   /* contact kind: [4 b + 2 automated + solved] */
    int32_t kesc[AD_MAX_BRANDS];        /* kind of an automated contact not solved */
    int simd;                           /* rng_simd(): which contacts_block_* */
    int nb;                             /* brands */
    uint32_t sw_th;                     /* a word below it may reconsider (rng_u01 below psw_max), */
    int sw_all;                         /* or every word may */
    float kv;
    double forget;
    const double *psw;                  /* w->psw */
    double psw_mult, psw_max;           /* psw_max: see psw_bound */
} contacts_in;

/* 1 - exp(-x) within about 2e-6 (x >= 0), with no call: a first look at
 * the contact probability 1 - expf(-x). A draw within CONTACT_DOUBT of it
 * (one customer in a few thousand) is decided with expf itself, so every
 * decision is the one expf gives. exp(-x) = 2^t = 2^e 2^(t - e), the last
 * factor by its Taylor series to degree 7 (error below 1.3e-6). */
#define CONTACT_DOUBT (1.0f / 4096)
static inline float contact_p_near(float x)
{
    float t = x * -1.44269504f;
    t = select_f(t < 0.0f, t, 0.0f);       /* x <= 0 or NaN: p = 0, as the exact form */
    t = select_f(t > -126.0f, t, -126.0f); /* p = 1 to float precision */
    const int e = (int)t;           /* toward zero: t - e in (-1, 0] */
    const float y = (t - (float)e) * 0.693147181f;
    const float q = 1.0f + y * (1.0f + y * (0.5f + y * (1.0f / 6 + y * (1.0f / 24 + y * (1.0f / 120 +
                                                     y * (1.0f / 720 + y * (1.0f / 5040)))))));
    const uint32_t bits = (uint32_t)(e + 127) << 23; /* 2^e as a float */
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return 1.0f - q * scale;
}

/* The decisions of customers k0 .. m (arrays start at the block's first),
 * all but the rare ones: contact by the approximate probability, class,
 * route, success; the code, and loyalty (drifting without a contact).
 * check[k] is set where the answer may differ from the exact rule: a draw
 * within CONTACT_DOUBT of the probability, or one that may reconsider
 * (below psw_max without a contact); decide_exact redoes those. No branch
 * and no call: the compiler runs the loop across vector lanes. lold keeps
 * the loyalty before the week for decide_exact. */
static inline __attribute__((always_inline)) void decide_body(const contacts_in *restrict in,
                                                              const uint8_t *restrict brand,
                                                              const float *restrict rate,
                                                              const float *restrict need, float *restrict loyalty,
                                                              uint8_t *restrict code, uint8_t *restrict check,
                                                              float *restrict lold, const rng_block *restrict r,
                                                              int k0, int m)
{
    const float inv32 = 1.0f / 4294967296.0f;
    for (int k = k0; k < m; k++) {
        const int b = brand[k];
        const float l = loyalty[k];
        const float lam = rate[k] * in->f[b] * (1.0f + in->kv * (l - 0.5f));
        const float p = contact_p_near(lam);
        const float u = (float)r->v[0][k] * inv32;
        const uint32_t contact = u < p, doubt = fabsf(u - p) < CONTACT_DOUBT;
        const float drift = (float)((double)l + in->forget * (0.5 - (double)l));
        const uint32_t may_switch = rng_u01(r->v[1][k]) < in->psw_max;
        const uint32_t rel = (float)r->v[1][k] * inv32 < need[k];
        const uint32_t autom = (float)r->v[2][k] * inv32 < in->p_auto[2 * b + rel];
        const uint32_t ok = (float)r->v[3][k] * inv32 < select_f((int)rel, in->q_auto[1], in->q_auto[0]);
        const uint32_t used = in->kind[4 * b + 2 * autom + ok] | rel << 3;
        code[k] = (uint8_t)(used & (0u - contact));
        lold[k] = l;
        loyalty[k] = select_f((int)contact, l, drift);
        check[k] = (uint8_t)(doubt | (may_switch & (contact ^ 1u)));
    }
}

/* Whether a customer without a contact whose word is x and whose loyalty
 * has drifted to drift reconsiders its brand this week */
static inline uint32_t reconsiders(const contacts_in *restrict in, uint32_t x, float drift)
{
    const double u1 = rng_u01(x);
    return u1 < in->psw_max && u1 < ad_psw_tab(in->psw, in->psw_mult, drift);
}

/* Customer k's decisions by the exact rule (l its loyalty before the
 * week): where decide_body flagged it. Writes code and loyalty. */
static void decide_exact(const contacts_in *restrict in, int b, float l, float need, float rate,
                         const rng_block *restrict r, int k, uint8_t *code, float *loyalty)
{
    const float inv32 = 1.0f / 4294967296.0f;
    const float lam = rate * in->f[b] * (1.0f + in->kv * (l - 0.5f));
    const float p = contact_p_near(lam);
    const float u = (float)r->v[0][k] * inv32;
    uint32_t contact = u < p;
    if (fabsf(u - p) < CONTACT_DOUBT) /* too close to call: the exact probability */
        contact = u < (lam > 0.0f ? 1.0f - expf(-lam) : 0.0f);
    /* without a contact loyalty drifts towards 0.5 and the customer may
     * reconsider, decided with the spare word */
    const float drift = (float)((double)l + in->forget * (0.5 - (double)l));
    const uint32_t sw = reconsiders(in, r->v[1][k], drift);
    const uint32_t rel = (float)r->v[1][k] * inv32 < need;
    const uint32_t autom = (float)r->v[2][k] * inv32 < in->p_auto[2 * b + rel];
    const uint32_t ok = (float)r->v[3][k] * inv32 < in->q_auto[rel];
    const uint32_t used = in->kind[4 * b + 2 * autom + ok] | rel << 3, idle = sw << 4;
    *code = (uint8_t)(contact ? used : idle);
    *loyalty = contact ? l : drift;
}

#if RNG_X86
#include <immintrin.h>

/* With AVX2 and at most 8 brands the decisions run in hand-written lanes:
 * the compiler's own loop looks up the brand tables one lane at a time
 * (AVX2's gathers are slow on many processors, so it avoids them), here a
 * brand's entry comes from a table in a register by one permute. The same
 * IEEE operations in the same order as decide_body (no contraction), so the
 * same bytes (test_simd). */

/* (float)x of 8 unsigned words, rounded once as the scalar conversion:
 * both halves convert exactly, their sum rounds */
AD_AVX2_INLINE __m256 v_u32_ps(__m256i x)
{
    const __m256 hi = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(x, 16)), _mm256_set1_ps(65536.0f));
    return _mm256_add_ps(hi, _mm256_cvtepi32_ps(_mm256_and_si256(x, _mm256_set1_epi32(0xffff))));
}

/* contact_p_near in 8 lanes */
AD_AVX2_INLINE __m256 v_contact_p_near(__m256 x)
{
    const __m256 zero = _mm256_setzero_ps(), m126 = _mm256_set1_ps(-126.0f), one = _mm256_set1_ps(1.0f);
    __m256 t = _mm256_mul_ps(x, _mm256_set1_ps(-1.44269504f));
    t = _mm256_blendv_ps(zero, t, _mm256_cmp_ps(t, zero, _CMP_LT_OQ));
    t = _mm256_blendv_ps(m126, t, _mm256_cmp_ps(t, m126, _CMP_GT_OQ));
    const __m256i e = _mm256_cvttps_epi32(t);
    const __m256 y = _mm256_mul_ps(_mm256_sub_ps(t, _mm256_cvtepi32_ps(e)), _mm256_set1_ps(0.693147181f));
    __m256 a = _mm256_add_ps(_mm256_set1_ps(1.0f / 720), _mm256_mul_ps(y, _mm256_set1_ps(1.0f / 5040)));
    a = _mm256_add_ps(_mm256_set1_ps(1.0f / 120), _mm256_mul_ps(y, a));
    a = _mm256_add_ps(_mm256_set1_ps(1.0f / 24), _mm256_mul_ps(y, a));
    a = _mm256_add_ps(_mm256_set1_ps(1.0f / 6), _mm256_mul_ps(y, a));
    a = _mm256_add_ps(_mm256_set1_ps(0.5f), _mm256_mul_ps(y, a));
    a = _mm256_add_ps(one, _mm256_mul_ps(y, a));
    const __m256 q = _mm256_add_ps(one, _mm256_mul_ps(y, a));
    const __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(e, _mm256_set1_epi32(127)), 23));
    return _mm256_sub_ps(one, _mm256_mul_ps(q, scale));
}

/* byte 0 of each of 8 lanes, in order, to p[0 .. 8) */
AD_AVX2_INLINE void v_store_bytes(uint8_t *p, __m256i x)
{
    const __m256i pick = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                          0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m256i y = _mm256_shuffle_epi8(x, pick);
    const __m128i z = _mm_unpacklo_epi32(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
    _mm_storel_epi64((__m128i *)p, z);
}

/* decide_body for customers 0 .. m8 (a multiple of 8) of the block; of
 * customers 8 g .. 8 g + 8, those whose contact draw is too close to call
 * as the bits of chk[g], those without a contact who may reconsider as the
 * bits of chs[g] */
static __attribute__((target("avx2"))) void decide_avx2(const contacts_in *restrict in,
                                                        const uint8_t *restrict brand,
                                                        const float *restrict rate, const float *restrict need,
                                                        float *restrict loyalty, uint8_t *restrict code,
                                                        uint8_t *restrict chk, uint8_t *restrict chs,
                                                        float *restrict lold,
                                                        const rng_block *restrict r, int m8)
{
    const __m256 inv32 = _mm256_set1_ps(1.0f / 4294967296.0f), one = _mm256_set1_ps(1.0f);
    const __m256 half = _mm256_set1_ps(0.5f), kv = _mm256_set1_ps(in->kv);
    const __m256 doubt = _mm256_set1_ps(CONTACT_DOUBT), abs = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    const __m256 q0 = _mm256_set1_ps(in->q_auto[0]), q1 = _mm256_set1_ps(in->q_auto[1]);
    const __m256d forget = _mm256_set1_pd(in->forget), halfd = _mm256_set1_pd(0.5);
    const __m256 ftab = _mm256_loadu_ps(in->f), pa0 = _mm256_loadu_ps(in->p_auto),
                 pa1 = _mm256_loadu_ps(in->p_auto + 8);
    const __m256i kesc = _mm256_loadu_si256((const __m256i *)in->kesc);
    const __m256i sign = _mm256_set1_epi32((int32_t)0x80000000u);
    const __m256i swth = _mm256_set1_epi32((int32_t)(in->sw_th ^ 0x80000000u));
    const __m256i swall = _mm256_set1_epi32(in->sw_all ? -1 : 0);
    const __m256i kok = _mm256_set1_epi32(AD_C_AUTO_OK), khum = _mm256_set1_epi32(AD_C_HUMAN);
    const __m256i relbit = _mm256_set1_epi32(AD_C_REL);
    const int two_tables = in->nb > 4;
    for (int k = 0; k < m8; k += 8) {
        const __m256i b = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(brand + k)));
        const __m256 l = _mm256_loadu_ps(loyalty + k);
        const __m256 lam = _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(rate + k), _mm256_permutevar8x32_ps(ftab, b)),
                                         _mm256_add_ps(one, _mm256_mul_ps(kv, _mm256_sub_ps(l, half))));
        const __m256 p = v_contact_p_near(lam);
        const __m256i x1 = _mm256_loadu_si256((const __m256i *)(r->v[1] + k));
        const __m256 u = _mm256_mul_ps(v_u32_ps(_mm256_loadu_si256((const __m256i *)(r->v[0] + k))), inv32);
        const __m256 contact = _mm256_cmp_ps(u, p, _CMP_LT_OQ);
        const __m256 dbt = _mm256_cmp_ps(_mm256_and_ps(_mm256_sub_ps(u, p), abs), doubt, _CMP_LT_OQ);
        const __m256d llo = _mm256_cvtps_pd(_mm256_castps256_ps128(l)), lhi = _mm256_cvtps_pd(_mm256_extractf128_ps(l, 1));
        const __m128 dlo = _mm256_cvtpd_ps(_mm256_add_pd(llo, _mm256_mul_pd(forget, _mm256_sub_pd(halfd, llo))));
        const __m128 dhi = _mm256_cvtpd_ps(_mm256_add_pd(lhi, _mm256_mul_pd(forget, _mm256_sub_pd(halfd, lhi))));
        const __m256 drift = _mm256_insertf128_ps(_mm256_castps128_ps256(dlo), dhi, 1);
        /* rng_u01(word) < psw_max, as word < sw_th (unsigned: by the sign flipped) */
        const __m256i may_sw = _mm256_or_si256(swall, _mm256_cmpgt_epi32(swth, _mm256_xor_si256(x1, sign)));
        const __m256 rel = _mm256_cmp_ps(_mm256_mul_ps(v_u32_ps(x1), inv32), _mm256_loadu_ps(need + k), _CMP_LT_OQ);
        const __m256i reli = _mm256_castps_si256(rel);
        const __m256i idx = _mm256_sub_epi32(_mm256_add_epi32(b, b), reli); /* 2 b + rel */
        __m256 pa = _mm256_permutevar8x32_ps(pa0, idx);
        if (two_tables) pa = _mm256_blendv_ps(pa, _mm256_permutevar8x32_ps(pa1, idx), _mm256_castsi256_ps(_mm256_slli_epi32(idx, 28)));
        const __m256 autom = _mm256_cmp_ps(_mm256_mul_ps(v_u32_ps(_mm256_loadu_si256((const __m256i *)(r->v[2] + k))), inv32),
                                           pa, _CMP_LT_OQ);
        const __m256 ok = _mm256_cmp_ps(_mm256_mul_ps(v_u32_ps(_mm256_loadu_si256((const __m256i *)(r->v[3] + k))), inv32),
                                        _mm256_blendv_ps(q0, q1, rel), _CMP_LT_OQ);
        const __m256i kauto = _mm256_blendv_epi8(_mm256_permutevar8x32_epi32(kesc, b), kok, _mm256_castps_si256(ok));
        const __m256i kind = _mm256_blendv_epi8(khum, kauto, _mm256_castps_si256(autom));
        const __m256i used = _mm256_or_si256(kind, _mm256_and_si256(reli, relbit));
        v_store_bytes(code + k, _mm256_and_si256(used, _mm256_castps_si256(contact)));
        _mm256_storeu_ps(lold + k, l);
        _mm256_storeu_ps(loyalty + k, _mm256_blendv_ps(drift, l, contact));
        chk[k / 8] = (uint8_t)_mm256_movemask_ps(dbt);
        chs[k / 8] = (uint8_t)_mm256_movemask_ps(_mm256_andnot_ps(contact, _mm256_castsi256_ps(may_sw)));
    }
}

/* The block's contacts counted per brand (at most 8 brands) for customers
 * 0 .. m32 (a multiple of 32), 32 at a time in byte lanes: visits,
 * relational, automated, escalated, served by a person; added to vc. */
static __attribute__((target("avx2"))) void count_avx2(const uint8_t *restrict brand, const uint8_t *restrict code,
                                                       int m32, int nb, int64_t (*restrict vc)[5])
{
    __m256i mk[CUST_BLOCK / 32][5], br[CUST_BLOCK / 32];
    const __m256i zero = _mm256_setzero_si256(), ones = _mm256_set1_epi8(-1);
    const int nc = m32 / 32;
    for (int c = 0; c < nc; c++) {
        const __m256i cd = _mm256_loadu_si256((const __m256i *)(code + 32 * c));
        const __m256i kind = _mm256_and_si256(cd, _mm256_set1_epi8(7));
        const __m256i vis = _mm256_xor_si256(_mm256_cmpeq_epi8(kind, zero), ones);
        const __m256i hum = _mm256_cmpeq_epi8(kind, _mm256_set1_epi8(AD_C_HUMAN));
        const __m256i esc = _mm256_cmpeq_epi8(kind, _mm256_set1_epi8(AD_C_AUTO_ESC));
        const __m256i relb = _mm256_set1_epi8(AD_C_REL);
        mk[c][0] = vis;
        mk[c][1] = _mm256_and_si256(vis, _mm256_cmpeq_epi8(_mm256_and_si256(cd, relb), relb));
        mk[c][2] = _mm256_andnot_si256(hum, vis);
        mk[c][3] = esc;
        mk[c][4] = _mm256_or_si256(hum, esc);
        br[c] = _mm256_loadu_si256((const __m256i *)(brand + 32 * c));
    }
    for (int b = 0; b < nb; b++) {
        const __m256i bv = _mm256_set1_epi8((char)b);
        __m256i a[5] = {zero, zero, zero, zero, zero}; /* at most CUST_BLOCK / 32 = 8 a lane */
        for (int c = 0; c < nc; c++) {
            const __m256i eq = _mm256_cmpeq_epi8(br[c], bv);
            for (int j = 0; j < 5; j++) a[j] = _mm256_sub_epi8(a[j], _mm256_and_si256(eq, mk[c][j]));
        }
        for (int j = 0; j < 5; j++) {
            const __m256i s = _mm256_sad_epu8(a[j], zero);
            const __m128i t = _mm_add_epi64(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
            vc[b][j] += _mm_cvtsi128_si64(t) + _mm_extract_epi64(t, 1);
        }
    }
}
#endif

/* One block of customers: the block's draws (one flat loop), the decisions
 * in vector lanes (decide_body), then one pass that redoes the few flagged
 * ones exactly and counts codes per brand. Contact, class, route and
 * success are coin flips no branch predictor can learn; only the rare
 * flags branch. */
static inline __attribute__((always_inline)) void contacts_block_body(const contacts_in *restrict in, ad_world *w,
                                                                      int64_t i0, int m, const uint16_t *seq,
                                                                      int64_t (*count)[32], int level)
{
    const uint8_t *restrict brand = w->brand + i0;
    float *restrict loyalty = w->loyalty + i0;
    uint8_t *restrict code = w->code + i0;
    rng_block r;
    uint8_t check[CUST_BLOCK];
    float lold[CUST_BLOCK];
    rng_draw_list(level, in->seed, (uint64_t)i0, seq, m, in->step, RNG_CONTACT, &r);
    decide_body(in, brand, w->rate + i0, w->need + i0, loyalty, code, check, lold, &r, 0, m);
    for (int k = 0; k < m; k++) {
        const int b = brand[k];
        if (check[k]) decide_exact(in, b, lold[k], w->need[i0 + k], w->rate[i0 + k], &r, k, code + k, loyalty + k);
        count[b][code[k]]++;
    }
}

/* contacts_block_body compiled for each vector level (rng_simd): the
 * compiler runs decide_body and the Philox rounds in as many lanes as the
 * level has; the same IEEE operations on every level, so the same bytes */
#if RNG_X86
static __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq"))) void contacts_block_avx512(
    const contacts_in *restrict in, ad_world *w, int64_t i0, int m, const uint16_t *seq, int64_t (*count)[32])
{
    contacts_block_body(in, w, i0, m, seq, count, RNG_SIMD_AVX512);
}

/* With AVX2: decide_avx2 and count_avx2 where there are at most 8 brands
 * (a brand table fits a register), the compiler's lanes otherwise */
static __attribute__((target("avx2"))) void contacts_block_avx2(const contacts_in *restrict in, ad_world *w,
                                                                int64_t i0, int m, const uint16_t *seq,
                                                                int64_t (*count)[32], int64_t (*vc)[5])
{
    if (in->nb > 8) {
        contacts_block_body(in, w, i0, m, seq, count, RNG_SIMD_AVX2);
        return;
    }
    const uint8_t *restrict brand = w->brand + i0;
    const float *restrict rate = w->rate + i0, *restrict need = w->need + i0;
    float *restrict loyalty = w->loyalty + i0;
    uint8_t *restrict code = w->code + i0;
    rng_block r;
    uint8_t check[CUST_BLOCK], chk[CUST_BLOCK / 8], chs[CUST_BLOCK / 8];
    float lold[CUST_BLOCK];
    rng_draw_list(RNG_SIMD_AVX2, in->seed, (uint64_t)i0, seq, m, in->step, RNG_CONTACT, &r);
    const int m8 = m & ~7, m32 = m & ~31;
    decide_avx2(in, brand, rate, need, loyalty, code, chk, chs, lold, &r, m8);
    decide_body(in, brand, rate, need, loyalty, code, check, lold, &r, m8, m);
    /* the flagged ones (a few in a block) by the exact rule: a draw close
     * to the contact probability all over again; one that may reconsider
     * without a contact (its loyalty has drifted already) only that */
    for (int g = 0; g < m8 / 8; g++) {
        for (unsigned bits = chk[g]; bits; bits &= bits - 1) {
            const int k = 8 * g + __builtin_ctz(bits);
            decide_exact(in, brand[k], lold[k], need[k], rate[k], &r, k, code + k, loyalty + k);
        }
        for (unsigned bits = chs[g] & ~(unsigned)chk[g]; bits; bits &= bits - 1) {
            const int k = 8 * g + __builtin_ctz(bits);
            code[k] = reconsiders(in, r.v[1][k], loyalty[k]) ? AD_C_SWITCH : AD_C_NONE;
        }
    }
    for (int k = m8; k < m; k++)
        if (check[k]) decide_exact(in, brand[k], lold[k], need[k], rate[k], &r, k, code + k, loyalty + k);
    count_avx2(brand, code, m32, in->nb, vc);
    for (int k = m32; k < m; k++) count[brand[k]][code[k]]++;
}
#endif

static void contacts_block_plain(const contacts_in *restrict in, ad_world *w, int64_t i0, int m, const uint16_t *seq,
                                 int64_t (*count)[32])
{
    contacts_block_body(in, w, i0, m, seq, count, RNG_SIMD_PLAIN);
}

static void contacts_block(const contacts_in *restrict in, ad_world *w, int64_t i0, int m, const uint16_t *seq,
                           int64_t (*count)[32], int64_t (*vc)[5])
{
#if RNG_X86
    if (in->simd == RNG_SIMD_AVX512) contacts_block_avx512(in, w, i0, m, seq, count);
    else if (in->simd == RNG_SIMD_AVX2) contacts_block_avx2(in, w, i0, m, seq, count, vc);
    else
#else
    (void)vc;
#endif
        contacts_block_plain(in, w, i0, m, seq, count);
}

void cust_contacts(ad_world *w)
{
    const ad_config *c = &w->cfg;
    contacts_in in = {
        .seed = (uint64_t)c->seed, .step = (uint32_t)w->steps,
        .kv = (float)c->k_visits, .q_auto = {(float)c->q_at, (float)c->q_ar},
        .forget = c->loyalty_forget, .psw = w->psw, .psw_mult = w->psw_mult, .psw_max = psw_bound(w),
    };
    in.simd = rng_simd(); /* the same decisions on every path; AANDACHT_SIMD lets a test compare */
    in.nb = w->nb;
    /* rng_u01(x) < psw_max for a word x exactly when x < psw_max 2^32 (the
     * scaling is exact), that is when x < ceil(psw_max 2^32) */
    const double swt = in.psw_max * 4294967296.0;
    if (swt > 0 && ceil(swt) >= 4294967296.0) in.sw_all = 1;
    else if (swt > 0) in.sw_th = (uint32_t)ceil(swt);
    for (int b = 0; b < w->nb; b++) {
        in.f[b] = (float)w->br[b].f;
        in.p_auto[2 * b] = (float)w->br[b].p_auto_trans;
        in.p_auto[2 * b + 1] = (float)w->br[b].p_auto_rel;
        in.kind[4 * b] = in.kind[4 * b + 1] = AD_C_HUMAN;
        in.kind[4 * b + 2] = c->brands[b].escalation ? AD_C_AUTO_ESC : AD_C_AUTO_FRUST;
        in.kesc[b] = (int32_t)in.kind[4 * b + 2];
        in.kind[4 * b + 3] = AD_C_AUTO_OK;
    }
    const int64_t n = w->n, nblocks = (n + CUST_BLOCK - 1) / CUST_BLOCK;

    #pragma omp parallel num_threads(w->threads)
    {
        int64_t count[AD_MAX_BRANDS][32], vc[AD_MAX_BRANDS][5];
        memset(count, 0, sizeof count);
        memset(vc, 0, sizeof vc);
        uint16_t seq[CUST_BLOCK];
        for (int k = 0; k < CUST_BLOCK; k++) seq[k] = (uint16_t)k;
        #pragma omp for schedule(dynamic, 16) /* as in cust_serve: a held-up thread's blocks go to the other */
        for (int64_t blk = 0; blk < nblocks; blk++) {
            int64_t i0 = blk * CUST_BLOCK;
            contacts_block(&in, w, i0, (int)(n - i0 < CUST_BLOCK ? n - i0 : CUST_BLOCK), seq, count, vc);
        }
        /* codes to counts: integers, so the sum over threads is exact */
        int64_t(*acc)[AC_N] = w->acc[omp_get_thread_num()].v;
        for (int b = 0; b < w->nb; b++) { /* count_avx2's */
            acc[b][AC_VISITS] += vc[b][0];
            acc[b][AC_REL] += vc[b][1];
            acc[b][AC_AUTO] += vc[b][2];
            acc[b][AC_ESC] += vc[b][3];
            acc[b][AC_HUMAN] += vc[b][4];
        }
        for (int b = 0; b < w->nb; b++)
            for (int cd = 0; cd < 32; cd++) {
                int64_t x = count[b][cd];
                int kind = cd & 7;
                if (kind == AD_C_NONE || x == 0) continue;
                acc[b][AC_VISITS] += x;
                acc[b][AC_REL] += cd & AD_C_REL ? x : 0;
                acc[b][AC_AUTO] += kind != AD_C_HUMAN ? x : 0;
                acc[b][AC_ESC] += kind == AD_C_AUTO_ESC ? x : 0;
                acc[b][AC_HUMAN] += kind == AD_C_HUMAN || kind == AD_C_AUTO_ESC ? x : 0;
            }
    }
}
