/* test_market.c: the market's rules that keep brands plausible: prices
 * that follow costs stay within a band around the market's mean price at
 * week 0, so that a brand whose fixed wages fall on few contacts does not
 * price itself to thousands per contact.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "model_support.h"

#define SETS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* every brand automates everything and keeps its staff: the setting that
 * drove prices to tens of thousands; the widest band allowed */
Test(market, no_setting_prices_a_brand_above_three_times_the_market, .timeout = 300)
{
    int64_t n;
    ad_obs *o = ms_run(MS_MARKET,
                       SETS("population.customers=20000", "scenario.weeks=260", "market.price_adjust=1",
                            "market.price_band=3", "brands.[0].automation.target=1", "brands.[1].automation.target=1",
                            "brands.[2].automation.target=1", "brands.[3].automation.target=1",
                            "brands.[0].automation.ramp_weeks=52", "brands.[1].automation.ramp_weeks=52",
                            "brands.[2].automation.ramp_weeks=52", "brands.[3].automation.ramp_weeks=52",
                            "brands.[0].staffing=fixed", "brands.[1].staffing=fixed", "brands.[2].staffing=fixed",
                            "brands.[3].staffing=fixed"),
                       0, &n);
    double mean0 = 0, top = 0;
    for (int b = 0; b < 4; b++) mean0 += o[0].brand[AD_B_price][b] * o[0].brand[AD_B_market_share][b];
    for (int64_t t = 0; t < n; t++)
        for (int b = 0; b < 4; b++) top = fmax(top, o[t].brand[AD_B_price][b]);
    cr_log_info("highest price %.1f, the market's mean at week 0 %.1f", top, mean0);
    cr_assert_leq(top, 3 * mean0 * 1.02, "highest price %.1f against a mean of %.1f at week 0", top, mean0);
    free(o);
}

/* the band's edge binds: with band 1.2 no price leaves [mean / 1.2, mean * 1.2] */
Test(market, the_price_band_bounds_cost_following, .timeout = 120)
{
    int64_t n;
    ad_obs *o = ms_run(MS_MARKET, SETS("scenario.weeks=104", "market.price_adjust=8", "market.price_band=1.05",
                                       "brands.[2].cogs=60"),
                       0, &n);
    const double p0 = o[0].brand[AD_B_price][2];
    double top = 0;
    for (int64_t t = 0; t < n; t++) top = fmax(top, o[t].brand[AD_B_price][2]);
    cr_assert_gt(top, p0, "brand C's costs rose: its price follows (%.2f -> %.2f)", p0, top);
    cr_assert_lt(top, 53.0, "but stays within 5 %% of the market's mean price (%.2f)", top);
    free(o);
}

/* brands can leave: in the same setting, with brand C's product at nothing
 * (quality, promotion and place 0), a brand below market.exit_share (2 %
 * here) for a year leaves; afterwards it has no customers, no staff and no costs,
 * its descriptive figures are NaN and in_market says 0; with exit_share 0
 * nobody leaves */
Test(market, a_brand_without_customers_leaves_the_market, .timeout = 300)
{
    const char *const spiral[] = {"population.customers=20000", "scenario.weeks=260", "market.price_adjust=1",
                                  "brands.[0].automation.target=1", "brands.[1].automation.target=1",
                                  "brands.[2].automation.target=1", "brands.[3].automation.target=1",
                                  "brands.[0].automation.ramp_weeks=52", "brands.[1].automation.ramp_weeks=52",
                                  "brands.[2].automation.ramp_weeks=52", "brands.[3].automation.ramp_weeks=52",
                                  "brands.[0].staffing=fixed", "brands.[1].staffing=fixed",
                                  "brands.[2].staffing=fixed", "brands.[3].staffing=fixed", "brands.[2].quality=0",
                                  "brands.[2].promotion=0", "brands.[2].place=0", "market.exit_share=0.02", NULL, NULL};
    int64_t n;
    ad_obs *o = ms_run(MS_MARKET, spiral, 0, &n);
    int left = 0;
    for (int b = 0; b < 4; b++) {
        int64_t out = -1;
        for (int64_t t = 0; t < n && out < 0; t++)
            if (o[t].brand[AD_B_in_market][b] == 0) out = t;
        if (out < 0) continue;
        left++;
        cr_log_info("brand %d left in week %lld", b, (long long)out - 1);
        int64_t below = 0; /* the first recorded week below the threshold */
        while (below < n && o[below].brand[AD_B_market_share][b] >= 0.02) below++;
        cr_assert_geq(out - below, 52, "a year below the threshold first (below from week %lld, out in %lld)",
                      (long long)below, (long long)out);
        for (int64_t t = out; t < n; t++) {
            cr_assert_eq(o[t].brand[AD_B_in_market][b], 0, "it does not come back");
            cr_assert_eq(o[t].brand[AD_B_customers][b], 0);
            cr_assert_eq(o[t].brand[AD_B_employees][b], 0);
            cr_assert_eq(o[t].brand[AD_B_cost][b], 0);
            cr_assert(isnan(o[t].brand[AD_B_price][b]) && isnan(o[t].brand[AD_B_mean_loyalty][b]));
        }
        double share = 0;
        for (int c = 0; c < 4; c++) share += o[n - 1].brand[AD_B_market_share][c];
        cr_assert_float_eq(share, 1.0, 1e-9, "its customers went elsewhere");
    }
    cr_assert_gt(left, 0, "in this setting brands leave");
    free(o);
    const char *never[32];
    int k = 0;
    for (; spiral[k]; k++) never[k] = spiral[k];
    never[k++] = "market.exit_share=0";
    never[k] = NULL;
    o = ms_run(MS_MARKET, never, 0, &n);
    for (int64_t t = 0; t < n; t++)
        for (int b = 0; b < 4; b++) cr_assert_eq(o[t].brand[AD_B_in_market][b], 1, "exit_share 0: nobody leaves");
    free(o);
}
