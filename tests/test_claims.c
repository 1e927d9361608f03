/* test_claims.c: the claims' mechanisms, each with its switch: the effect
 * with the mechanism on, its absence with it off, and that it grows with
 * the mechanism's strength (docs/model.md section 8).
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "model_support.h"

/* mean of a market observable over the recorded weeks, skipping weeks where
 * it is not a number */
static double nanmean_m(const ad_obs *o, int id, int64_t n)
{
    double s = 0;
    int64_t k = 0;
    for (int64_t t = 0; t < n; t++)
        if (!isnan(o[t].market[id])) {
            s += o[t].market[id];
            k++;
        }
    return k ? s / (double)k : NAN;
}

/* the human premium in a market where every brand automates a share a of
 * its contacts, at theta */
static double premium(double a, double theta, int seed)
{
    char sets[8][64];
    const char *p[9];
    snprintf(sets[0], sizeof sets[0], "satisfaction.theta=%g", theta);
    snprintf(sets[1], sizeof sets[1], "scenario.seed=%d", seed);
    snprintf(sets[2], sizeof sets[2], "population.customers=40000");
    snprintf(sets[3], sizeof sets[3], "scenario.weeks=78");
    for (int b = 0; b < 4; b++) snprintf(sets[4 + b], sizeof sets[4 + b], "brands.[%d].automation.start=%g", b, a);
    for (int k = 0; k < 8; k++) p[k] = sets[k];
    p[8] = NULL;
    int64_t n;
    ad_obs *o = ms_run(MS_MARKET, p, 0, &n);
    const double v = nanmean_m(o, AD_M_human_premium, n);
    free(o);
    return v;
}

/* C2, what is scarce gains value: the satisfaction a person adds to a
 * relational contact over a machine rises as attention gets scarcer (all
 * brands from 10 % to 90 % automation) when theta > 0, more for a larger
 * theta, and stays flat without theta */
Test(claims, c2_human_premium_rises_with_scarcity_only_through_theta, .timeout = 300)
{
    double rise[3];
    const double thetas[3] = {0, 2, 4};
    for (int k = 0; k < 3; k++) {
        /* two seeds, the same ones at every theta */
        const double lo = (premium(0.1, thetas[k], 5) + premium(0.1, thetas[k], 6)) / 2;
        const double hi = (premium(0.9, thetas[k], 5) + premium(0.9, thetas[k], 6)) / 2;
        rise[k] = hi - lo;
        cr_log_info("theta %g: human premium %.4f at 10 %% automation, %.4f at 90 %%", thetas[k], lo, hi);
    }
    cr_assert_lt(fabs(rise[0]), 0.006, "without theta the premium stays flat (moved %.4f)", rise[0]);
    cr_assert_gt(rise[1], 0.008, "with theta 2 it rises with scarcity (%.4f)", rise[1]);
    /* more with theta 4, though less than twice: satisfaction is cut at 1 */
    cr_assert_gt(rise[2], rise[1], "and more with theta 4 (%.4f against %.4f)", rise[2], rise[1]);
}
