/* choice.c: brand choice by random utility (docs/model.md 7.10; the
 * utility's equations in equations.h).
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
#include "equations.h"
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
int cust_choose_words(const ad_world *w, const rng_gumbel_bounds *gb, int64_t i, int cur,
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
    double V[AD_MAX_BRANDS];
    for (int b = 0; b < nb; b++) /* everything but the Gumbels */
        V[b] = eq_utility_systematic(w->br[b].U_base, rel, w->br[b].R, soc, score[b], b == cur, c->beta_stay);
    int best = 0, finite = st >= 0 && so >= 0;
    double lo[AD_MAX_BRANDS], hi[AD_MAX_BRANDS], bestlo = -HUGE_VAL, size = 1.0;
    for (int b = 0; b < nb; b++) {
        if (V[b] == -HUGE_VAL) { /* left the market: below every other brand, no Gumbel needed */
            lo[b] = hi[b] = -HUGE_VAL;
            continue;
        }
        const int kt = (int)(taste[b] >> 24), ko = (int)(occ[b] >> 24);
        const double a = asc ? asc[b] : 0.0;
        lo[b] = eq_utility(V[b], st, gb->lo[kt], so, gb->lo[ko], a);
        hi[b] = eq_utility(V[b], st, gb->hi[kt], so, gb->hi[ko], a);
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
        double U = eq_utility(V[b], st, rng_gumbel(taste[b]), so, rng_gumbel(occ[b]), asc ? asc[b] : 0.0);
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
    const uint32_t step = (uint32_t)w->steps;
    const uint64_t seed = (uint64_t)w->cfg.seed;
    const int64_t n = w->n, nblocks = (n + CUST_BLOCK - 1) / CUST_BLOCK;
    const int ng = (w->nb + 3) / 4;
    soc_count_stale(w); /* every brand is drawn anew */
    #pragma omp parallel num_threads(w->threads)
    {
        uint16_t seq[CUST_BLOCK];
        for (int k = 0; k < CUST_BLOCK; k++) seq[k] = (uint16_t)k;
        /* a block's tastes and occasions, drawn for all of it at once
         * (vector lanes), as cust_choose would one by one */
        rng_block taste[(AD_MAX_BRANDS + 3) / 4], occ[(AD_MAX_BRANDS + 3) / 4];
        #pragma omp for schedule(static)
        for (int64_t blk = 0; blk < nblocks; blk++) {
            const int64_t i0 = blk * CUST_BLOCK;
            const int m = (int)(n - i0 < CUST_BLOCK ? n - i0 : CUST_BLOCK);
            for (int g = 0; g < ng; g++) {
                rng_draw_list(w->simd, seed, (uint64_t)i0, seq, m, 0, rng_purpose(RNG_TASTE, (uint32_t)g), &taste[g]);
                rng_draw_list(w->simd, seed, (uint64_t)i0, seq, m, step, rng_purpose(RNG_FIRST_BRAND, (uint32_t)g),
                              &occ[g]);
            }
            for (int k = 0; k < m; k++) {
                uint32_t taste_k[AD_MAX_BRANDS], occ_k[AD_MAX_BRANDS];
                for (int g = 0; g < ng; g++)
                    for (int u = 0; u < 4; u++) {
                        taste_k[4 * g + u] = taste[g].v[u][k];
                        occ_k[4 * g + u] = occ[g].v[u][k];
                    }
                const int64_t i = i0 + k;
                const int b = cust_choose_words(w, &gb, i, -1, NULL, taste_k, occ_k, with_shares ? asc : NULL);
                w->brand[i] = w->brand_next[i] = (uint8_t)b;
                w->loyalty[i] = 0.5f;
            }
        }
    }
}

void cust_choose_away(ad_world *w, int gone)
{
    rng_gumbel_bounds gb;
    rng_gumbel_bounds_fill(&gb);
    const uint32_t step = (uint32_t)w->steps;
    const uint64_t seed = (uint64_t)w->cfg.seed;
    const int ng = (w->nb + 3) / 4;
    soc_count_stale(w); /* brands change outside the week's list of switchers */
    #pragma omp parallel for schedule(static) num_threads(w->threads)
    for (int64_t i = 0; i < w->n; i++) {
        if (w->brand_next[i] != gone) continue;
        uint32_t taste[AD_MAX_BRANDS], occ[AD_MAX_BRANDS];
        for (int g = 0; g < ng; g++) {
            const rng4 t = rng_draw(seed, (uint64_t)i, 0, rng_purpose(RNG_TASTE, (uint32_t)g));
            const rng4 o = rng_draw(seed, (uint64_t)i, step, rng_purpose(RNG_EXIT, (uint32_t)g));
            memcpy(taste + 4 * g, t.v, sizeof t.v);
            memcpy(occ + 4 * g, o.v, sizeof o.v);
        }
        w->brand_next[i] = (uint8_t)cust_choose_words(w, &gb, i, -1, NULL, taste, occ, NULL);
        w->loyalty[i] = 0.5f;
        w->exper_next[i] = 0;
    }
}
