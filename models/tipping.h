/* tipping.h: the tip of one human contact (MODEL.md step 5).
 *
 * The server performs each behaviour of the tipping table (tip_behaviours.def)
 * with probability prob (times attention A for the attention behaviours).
 * The tip, as a share of the bill, is base_rate * propensity * M^damping,
 * M the product of (1 + effect) over the behaviours performed (computed as
 * the product of the damped factors), plus a small
 * bonus after a successful service: attention drives the tip, satisfaction
 * only weakly. Pure function of its inputs and rng(seed, i, step, RNG_TIP).
 */
#ifndef AD_TIPPING_H
#define AD_TIPPING_H

#include <math.h>
#include "params.h"
#include "rng.h"

_Static_assert(AD_TIP_N % 4 == 0, "tip words come four to a draw");

/* (1 + effect_k)^damping of each behaviour: the damped product of the
 * behaviours performed is the product of these factors (no pow per tip) */
static inline void tip_factors(const ad_config *c, double *factor)
{
    for (int k = 0; k < AD_TIP_N; k++) factor[k] = pow(1.0 + c->tip_effect[k], c->tip_damp);
}

/* Tip as a share of the bill from the behaviours' words: word k is word
 * k % 4 of rng(seed, i, step, RNG_TIP sub k / 4). factor from tip_factors. */
static inline double tip_rate_words(const ad_config *c, const double *factor, const uint32_t *word,
                                    double att, int success, double propensity)
{
    double m = 1.0;
    for (int idx = 0; idx < AD_TIP_N; idx++) {
        double p = c->tip_prob[idx] * (ad_tip_attention[idx] ? att : 1.0);
        if (rng_u01(word[idx]) < p) m *= factor[idx];
    }
    return c->tip_base * propensity * m + (success ? c->tip_success : 0.0);
}

/* The same, drawing the words. */
static inline double tip_rate_draw(const ad_config *c, const double *factor, uint64_t seed, int64_t i,
                                   uint32_t step, double att, int success, double propensity)
{
    uint32_t word[AD_TIP_N];
    for (int g = 0; g < AD_TIP_N / 4; g++) {
        rng4 r = rng_draw(seed, (uint64_t)i, step, rng_purpose(RNG_TIP, (uint32_t)g));
        for (int k = 0; k < 4; k++) word[4 * g + k] = r.v[k];
    }
    return tip_rate_words(c, factor, word, att, success, propensity);
}

#endif
