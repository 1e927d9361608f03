/* test_warmup.c: the warm-up brings the market to its own steady state.
 *
 * The warm-up holds the brands' parameters still (commoditisation and
 * cost-following prices start at week 0), anneals a faster reconsidering
 * (the burn-in) back to the true rate, and measures how far the shares still
 * moved in its last year. With the trends off, the baseline's shares then
 * stay put over ten recorded years: no brand moves more than 2 points at
 * 200,000 customers (one seed here; four seeds with AANDACHT_LONG=1, make
 * test-long).
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "model_support.h"

#define SETS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* the baseline scenario with overrides, run through the public API: the
 * first and last recorded year's mean share of each brand, and the warm-up
 * drift */
static void baseline_years(const char *const *sets, double *first, double *last, double *drift)
{
    static ad_config cfg;
    ad_error err;
    int n = 0;
    while (sets[n]) n++;
    if (cfg_load(&cfg, AD_SOURCE_DIR "/scenarios/baseline.cfg", sets, n, &err))
        cr_assert_fail("config: %s:%d: %s: %s", err.file, err.line, err.key, err.msg);
    ad_world *w;
    cr_assert_eq(ad_world_create(&w, &cfg, &err), AD_OK);
    cr_assert(isnan(ad_world_warmup_drift(w)), "no drift before the warm-up has run");
    cr_assert_eq(ad_world_warmup(w, &err), AD_OK);
    *drift = ad_world_warmup_drift(w);
    for (int b = 0; b < cfg.n_brands; b++) first[b] = last[b] = 0;
    for (int64_t t = 0; t < cfg.weeks; t++) {
        cr_assert_eq(ad_world_step(w, &err), AD_OK);
        const ad_obs *o = ad_world_obs(w);
        for (int b = 0; b < cfg.n_brands; b++) {
            if (t < 52) first[b] += o->brand[AD_B_market_share][b] / 52;
            if (t >= cfg.weeks - 52) last[b] += o->brand[AD_B_market_share][b] / 52;
        }
    }
    ad_world_free(w);
}

static void steady_without_trends(const char *seed)
{
    double first[AD_MAX_BRANDS], last[AD_MAX_BRANDS], drift;
    baseline_years(SETS("market.commoditisation=0", "market.price_adjust=0", seed), first, last, &drift);
    cr_log_info("%s: warm-up drift %.2f points", seed, 100 * drift);
    cr_assert(drift >= 0 && drift < AD_WARMUP_DRIFT_TOLERANCE, "%s: the warm-up settled (moved %.2f points)", seed,
              100 * drift);
    for (int b = 0; b < 4; b++) {
        cr_log_info("%s: brand %d: %.1f %% -> %.1f %%", seed, b, 100 * first[b], 100 * last[b]);
        cr_assert_lt(fabs(last[b] - first[b]), 0.02, "%s: brand %d moved from %.1f %% to %.1f %% in ten years", seed,
                     b, 100 * first[b], 100 * last[b]);
    }
}

Test(warmup, baseline_without_trends_keeps_its_shares_for_ten_years, .timeout = 600)
{
    steady_without_trends("scenario.seed=1");
    if (getenv("AANDACHT_LONG")) {
        steady_without_trends("scenario.seed=2");
        steady_without_trends("scenario.seed=3");
        steady_without_trends("scenario.seed=4");
    }
}

/* the trends start at week 0: strong commoditisation and price following
 * leave week 0 at the configured prices and functional values, and move
 * them after; without them nothing moves */
Test(warmup, trends_start_at_week_zero, .timeout = 120)
{
    const char *text = MS_MARKET;
    int64_t n;
    ad_obs *on = ms_run(text, SETS("market.commoditisation=0.8", "market.price_adjust=8", "scenario.weeks=60"), 0, &n);
    ad_obs *off = ms_run(text, SETS("market.commoditisation=0", "market.price_adjust=0", "scenario.weeks=60"), 0, &n);
    const double price[4] = {52.0, 50.0, 46.0, 48.0}, quality[4] = {0.7, 0.6, 0.5, 0.6};
    for (int b = 0; b < 4; b++) {
        const double F = 0.5 * quality[b] + 0.25 * 0.5 + 0.25 * 0.5; /* promotion and place at their defaults */
        cr_assert_float_eq(on[0].brand[AD_B_price][b], price[b], 1e-9, "brand %d's price at week 0", b);
        cr_assert_float_eq(on[0].brand[AD_B_functional_value][b], F, 1e-9, "brand %d's F at week 0", b);
        cr_assert_float_eq(off[n - 1].brand[AD_B_price][b], price[b], 1e-9, "no trend, no price change");
        cr_assert_float_eq(off[n - 1].brand[AD_B_functional_value][b], F, 1e-9, "no trend, no change of F");
    }
    /* after a year the strongest and weakest brands' F have closed in, and prices moved */
    const double gap0 = on[0].brand[AD_B_functional_value][0] - on[0].brand[AD_B_functional_value][2];
    const double gap1 = on[n - 1].brand[AD_B_functional_value][0] - on[n - 1].brand[AD_B_functional_value][2];
    cr_assert_lt(gap1, 0.7 * gap0, "commoditisation closes the gap of F (%.3f -> %.3f)", gap0, gap1);
    int moved = 0;
    for (int b = 0; b < 4; b++) moved += fabs(on[n - 1].brand[AD_B_price][b] - price[b]) > 0.1;
    cr_assert_gt(moved, 0, "prices follow costs from week 0");
    free(on);
    free(off);
}

/* the drift is measured over the warm-up's last year, or all of a short one,
 * and is not a number without a warm-up */
Test(warmup, drift_is_measured_when_there_is_a_warm_up)
{
    static ad_config cfg;
    ad_error err;
    const char *sets[] = {"scenario.warmup=0", NULL};
    cr_assert_eq(cfg_load_string(&cfg, MS_MARKET, "t", sets, 1, &err), AD_OK);
    ad_world *w;
    cr_assert_eq(ad_world_create(&w, &cfg, &err), AD_OK);
    cr_assert_eq(ad_world_step(w, &err), AD_OK);
    cr_assert(isnan(ad_world_warmup_drift(w)), "no warm-up, no drift");
    ad_world_free(w);
    const char *sets2[] = {"scenario.warmup=30", NULL};
    cr_assert_eq(cfg_load_string(&cfg, MS_MARKET, "t", sets2, 1, &err), AD_OK);
    cr_assert_eq(ad_world_create(&w, &cfg, &err), AD_OK);
    cr_assert_eq(ad_world_warmup(w, &err), AD_OK);
    const double d = ad_world_warmup_drift(w);
    cr_assert(d >= 0 && d < 1, "a short warm-up's drift is a fraction (%g)", d);
    ad_world_free(w);
}

/* a price intervention sets the brand's price for good: it no longer
 * follows costs, while the other brands' prices do */
Test(warmup, a_price_intervention_holds_its_price, .timeout = 120)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", MS_MARKET,
             "interventions = ( { week = 10; brand = \"A\"; key = \"price\"; value = 61.5; } );\n");
    int64_t n;
    ad_obs *o = ms_run(text, SETS("market.price_adjust=4", "scenario.weeks=80"), 0, &n);
    for (int64_t t = 10; t < n; t++) cr_assert_eq(o[t].brand[AD_B_price][0], 61.5, "week %lld", (long long)t);
    cr_assert_neq(o[n - 1].brand[AD_B_price][1], 50.0, "the others follow their costs");
    cr_assert_neq(o[9].brand[AD_B_price][0], 61.5, "before the intervention A's price follows costs too");
    free(o);
}

/* a brand without staff has no engagement: not a number, not 0 */
Test(warmup, a_brand_without_staff_has_no_engagement)
{
    int64_t n;
    ad_obs *o = ms_run(MS_MARKET, SETS("brands.[2].staff_per_1000=0", "brands.[2].staffing=fixed", "scenario.weeks=10"),
                       0, &n);
    for (int64_t t = 0; t < n; t++) {
        cr_assert_eq(o[t].brand[AD_B_employees][2], 0);
        cr_assert(isnan(o[t].brand[AD_B_engaged_share][2]) && isnan(o[t].brand[AD_B_engagement][2]));
        cr_assert(isfinite(o[t].brand[AD_B_engaged_share][0]) && isfinite(o[t].market[AD_M_engaged_share]));
    }
    free(o);
}
