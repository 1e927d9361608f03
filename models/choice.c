/* choice.c: brand choice by random utility (MODEL.md step 8).
 *
 * A customer's utility for brand b is functional and relational value,
 * reputation, word of mouth of its neighbours (last week's brands and
 * experiences), inertia towards its current brand, a fixed Gumbel taste per
 * (customer, brand) and Gumbel noise drawn anew at each occasion; it takes
 * the argmax (multinomial logit). Reads only; the caller stores the choice.
 */
#include "customer.h"

#include <math.h>
#include <string.h>

#include "cust_priv.h"
#include "network.h"
#include "soc_count.h"

/* Brand choice by random utility (multinomial logit through fixed Gumbel
 * tastes plus occasion noise): the argmax of U_b + eps.
 *
 * First without a logarithm: each Gumbel lies within the bounds gb gives
 * for its word's top bits, so each utility within an interval (the other
 * terms are the same numbers added in the same order; `doubt` covers the
 * roundings). When one brand's interval lies above all others, it is the
 * exact argmax. Otherwise (a few in a hundred, or anything not finite) the
 * Gumbels are computed: every choice is the one the exact utilities give. */
int cust_choose(const ad_world *w, const rng_gumbel_bounds *gb, int level, int64_t i, int cur, const net_row *row,
                uint32_t step, uint32_t purpose, const double *asc)
{
    const ad_config *c = &w->cfg;
    uint32_t taste[AD_MAX_BRANDS], occ[AD_MAX_BRANDS];
    for (int g = 0; g < (w->nb + 3) / 4; g++) {
        rng4 t = rng_draw(c->seed, (uint64_t)i, 0, rng_purpose(RNG_TASTE, (uint32_t)g));
        rng4 o = rng_draw(c->seed, (uint64_t)i, step, rng_purpose(purpose, (uint32_t)g));
        memcpy(taste + 4 * g, t.v, sizeof t.v);
        memcpy(occ + 4 * g, o.v, sizeof o.v);
    }
    return cust_choose_words(w, gb, level, i, cur, row, taste, occ, asc);
}

#if RNG_X86
#include <immintrin.h>

/* the largest of 4 lanes, in every lane */
AD_AVX2_INLINE __m256d ch_max4(__m256d x)
{
    x = _mm256_max_pd(x, _mm256_permute_pd(x, 5));
    return _mm256_max_pd(x, _mm256_permute2f128_pd(x, x, 1));
}

/* The first look of cust_choose_words for at most 4 brands, one brand a
 * lane: the same IEEE operations in the same order (no contraction), so
 * the same bounds, the same first brand with the highest lower bound, the
 * same doubt. Returns that brand where it is clear, -1 otherwise (the
 * caller then computes the Gumbels). */
static __attribute__((target("avx2"))) int choose_clear_avx2(const ad_world *w, const rng_gumbel_bounds *gb,
                                                             int cur, double rel, double soc, const int *score,
                                                             const uint32_t *taste, const uint32_t *occ,
                                                             const double *asc)
{
    const ad_config *c = &w->cfg;
    const int nb = w->nb;
    const double st = c->sigma_taste, so = c->sigma_occ;
    /* lanes past nb read brands that are not in the market (zeros) and
     * words drawn with them; they are left out of every test below */
    const ad_brand_state *br = w->br;
    const __m256d U = _mm256_setr_pd(br[0].U_base, br[1].U_base, br[2].U_base, br[3].U_base);
    const __m256d R = _mm256_setr_pd(br[0].R, br[1].R, br[2].R, br[3].R);
    const __m256d sc = _mm256_cvtepi32_pd(_mm_loadu_si128((const __m128i *)score));
    const __m128i kt = _mm_srli_epi32(_mm_loadu_si128((const __m128i *)taste), 24);
    const __m128i ko = _mm_srli_epi32(_mm_loadu_si128((const __m128i *)occ), 24);
    const __m256i ours = _mm256_cmpgt_epi64(_mm256_set1_epi64x(nb), _mm256_setr_epi64x(0, 1, 2, 3)); /* lanes b < nb */
    const __m256d av = asc ? _mm256_maskload_pd(asc, ours) : _mm256_setzero_pd();
    const __m256d lane = _mm256_setr_pd(0, 1, 2, 3), valid = _mm256_castsi256_pd(ours);
    const __m256d stay = _mm256_and_pd(_mm256_cmp_pd(lane, _mm256_set1_pd(cur), _CMP_EQ_OQ), _mm256_set1_pd(c->beta_stay));
    __m256d V = _mm256_add_pd(U, _mm256_mul_pd(_mm256_set1_pd(rel), R));
    V = _mm256_add_pd(_mm256_add_pd(V, _mm256_mul_pd(_mm256_set1_pd(soc), sc)), stay);
    const __m256d stv = _mm256_set1_pd(st), sov = _mm256_set1_pd(so);
    const __m256d lo = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(V, _mm256_mul_pd(stv, _mm256_i32gather_pd(gb->lo, kt, 8))),
                                                   _mm256_mul_pd(sov, _mm256_i32gather_pd(gb->lo, ko, 8))), av);
    const __m256d hi = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(V, _mm256_mul_pd(stv, _mm256_i32gather_pd(gb->hi, kt, 8))),
                                                   _mm256_mul_pd(sov, _mm256_i32gather_pd(gb->hi, ko, 8))), av);
    const __m256d sign = _mm256_set1_pd(-0.0), inf = _mm256_set1_pd(HUGE_VAL);
    const __m256d alo = _mm256_andnot_pd(sign, lo), ahi = _mm256_andnot_pd(sign, hi);
    const __m256d fin = _mm256_and_pd(_mm256_cmp_pd(alo, inf, _CMP_LT_OQ), _mm256_cmp_pd(ahi, inf, _CMP_LT_OQ));
    if (!(st >= 0 && so >= 0) || (_mm256_movemask_pd(_mm256_andnot_pd(fin, valid)) & 15)) return -1;
    /* all finite: the largest bound is exact in any order, and the first
     * brand reaching it is the one the scalar loop keeps */
    const __m256d size = ch_max4(_mm256_max_pd(_mm256_blendv_pd(_mm256_set1_pd(1.0), _mm256_max_pd(alo, ahi), valid),
                                               _mm256_set1_pd(1.0)));
    const __m256d lov = _mm256_blendv_pd(_mm256_set1_pd(-HUGE_VAL), lo, valid);
    const __m256d top = ch_max4(lov);
    const int best = __builtin_ctz((unsigned)_mm256_movemask_pd(_mm256_cmp_pd(lov, top, _CMP_EQ_OQ)));
    const double doubt = 1e-12 * (_mm256_cvtsd_f64(size) + 23.0 * (fabs(st) + fabs(so)) + 21.0);
    const __m256d near = _mm256_cmp_pd(_mm256_add_pd(hi, _mm256_set1_pd(2 * doubt)), top, _CMP_LT_OQ);
    const int others = _mm256_movemask_pd(valid) & ~(1 << best);
    return (_mm256_movemask_pd(near) & others) == others ? best : -1;
}
#endif

int cust_choose_words(const ad_world *w, const rng_gumbel_bounds *gb, int level, int64_t i, int cur,
                      const net_row *row, const uint32_t *taste, const uint32_t *occ, const double *asc)
{
    const ad_config *c = &w->cfg;
    const int nb = w->nb;
    int score[AD_MAX_BRANDS] = {0};
    double soc = 0;
    if (row && w->deg > 0 && c->beta_soc != 0) {
        net_scores(&w->net, *row, w->brand, w->exper, nb, score);
        soc = c->beta_soc / w->deg;
    }
    const double rel = c->beta_R * w->need[i], st = c->sigma_taste, so = c->sigma_occ;
#if RNG_X86
    if (level >= RNG_SIMD_AVX2 && nb <= 4) {
        const int best = choose_clear_avx2(w, gb, cur, rel, soc, score, taste, occ, asc);
        if (best >= 0) return best;
    }
#else
    (void)level;
#endif
    double V[AD_MAX_BRANDS];
    for (int b = 0; b < nb; b++) /* everything but the Gumbels */
        V[b] = w->br[b].U_base + rel * w->br[b].R + soc * score[b] + (b == cur ? c->beta_stay : 0.0);
    int best = 0, finite = st >= 0 && so >= 0;
    double lo[AD_MAX_BRANDS], hi[AD_MAX_BRANDS], bestlo = -HUGE_VAL, size = 1.0;
    for (int b = 0; b < nb; b++) {
        const int kt = (int)(taste[b] >> 24), ko = (int)(occ[b] >> 24);
        const double a = asc ? asc[b] : 0.0;
        lo[b] = V[b] + st * gb->lo[kt] + so * gb->lo[ko] + a;
        hi[b] = V[b] + st * gb->hi[kt] + so * gb->hi[ko] + a;
        finite &= isfinite(lo[b]) && isfinite(hi[b]);
        size = fabs(lo[b]) > size ? fabs(lo[b]) : size;
        size = fabs(hi[b]) > size ? fabs(hi[b]) : size;
        if (lo[b] > bestlo) { bestlo = lo[b]; best = b; }
    }
    /* roundings: a few, each by 2^-53 of partial sums below size plus the
     * Gumbel terms (|g| < 23) and asc (|asc| < 21) */
    const double doubt = 1e-12 * (size + 23.0 * (fabs(st) + fabs(so)) + 21.0);
    int clear = finite;
    for (int b = 0; b < nb; b++) clear &= b == best || hi[b] + 2 * doubt < bestlo;
    if (clear) return best;
    /* too close to call (or not finite): the Gumbels themselves */
    best = 0;
    double bestU = -HUGE_VAL;
    for (int b = 0; b < nb; b++) {
        double U = V[b] + st * rng_gumbel(taste[b]) + so * rng_gumbel(occ[b]) + (asc ? asc[b] : 0.0);
        if (U > bestU) { bestU = U; best = b; }
    }
    return best;
}

void cust_choose_all(ad_world *w, int with_shares)
{
    double asc[AD_MAX_BRANDS];
    rng_gumbel_bounds gb;
    rng_gumbel_bounds_fill(&gb);
    for (int b = 0; b < w->nb; b++) {
        double s = w->cfg.brands[b].share;
        asc[b] = log(s > 1e-9 ? s : 1e-9);
    }
    uint32_t step = (uint32_t)w->steps;
    const int level = rng_simd();
    soc_count_stale(w); /* every brand is drawn anew */
    #pragma omp parallel for schedule(static) num_threads(w->threads)
    for (int64_t i = 0; i < w->n; i++) {
        int b = cust_choose(w, &gb, level, i, -1, NULL, step, RNG_FIRST_BRAND, with_shares ? asc : NULL);
        w->brand[i] = w->brand_next[i] = (uint8_t)b;
        w->loyalty[i] = 0.5f;
    }
}
