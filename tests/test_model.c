/* test_model.c: the model's mechanisms, each shown to act and shown to
 * vanish when its switch is off; reproducibility across thread counts.
 *
 * Worlds are small (8,000 customers) so that each test takes a second or
 * two; effects are tested with margins well outside the noise seen across
 * seeds at this size.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_support.h"

#define SETS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define RAMP_ALL                                                         \
    "brands.[0].automation.target=0.8", "brands.[1].automation.target=0.8", \
    "brands.[2].automation.target=0.8", "brands.[3].automation.target=0.8", \
    "brands.[0].automation.ramp_weeks=52", "brands.[1].automation.ramp_weeks=52", \
    "brands.[2].automation.ramp_weeks=52", "brands.[3].automation.ramp_weeks=52"

Test(determinism, same_bytes_for_1_2_4_8_threads, .timeout = 120)
{
    /* 40,000 customers: 157 blocks, 10 chunks of them for the threads to share */
    const char *const *sets = SETS("scenario.weeks=30", "scenario.warmup=60", RAMP_ALL, "tipping.enabled=true",
                                   "population.customers=40000");
    int64_t n;
    ad_obs *ref = ms_run(MS_MARKET, sets, 1, &n);
    int threads[] = {2, 4, 8};
    for (int k = 0; k < 3; k++) {
        int64_t m;
        ad_obs *o = ms_run(MS_MARKET, sets, threads[k], &m);
        cr_assert_eq(m, n);
        for (int64_t t = 0; t < n; t++)
            cr_assert(memcmp(&ref[t], &o[t], sizeof *o) == 0, "week %lld differs with %d threads",
                      (long long)t, threads[k]);
        free(o);
    }
    free(ref);
}

Test(determinism, different_seeds_differ)
{
    int64_t n;
    ad_obs *a = ms_run(MS_MARKET, SETS("scenario.weeks=10", "scenario.seed=1"), 0, &n);
    ad_obs *b = ms_run(MS_MARKET, SETS("scenario.weeks=10", "scenario.seed=2"), 0, &n);
    cr_assert(memcmp(a, b, (size_t)n * sizeof *a) != 0);
    cr_assert_neq(a[n - 1].brand[AD_B_visits][0], b[n - 1].brand[AD_B_visits][0]);
    free(a);
    free(b);
}

Test(scarcity, automation_raises_scarcity_and_theta_zero_leaves_attention_value_flat)
{
    int64_t n;
    ad_obs *on = ms_run(MS_MARKET, SETS(RAMP_ALL), 0, &n);
    double s0 = ms_mean_m(on, AD_M_attention_scarcity, 0, 4), s1 = ms_mean_m(on, AD_M_attention_scarcity, n - 10, n);
    double v0 = ms_mean_m(on, AD_M_attention_value, 0, 4), v1 = ms_mean_m(on, AD_M_attention_value, n - 10, n);
    cr_assert_gt(s1 - s0, 0.05, "automation to 80%% must make attention scarcer: %.3f -> %.3f", s0, s1);
    cr_assert_gt(v1 - v0, 0.05, "attention value must rise with scarcity: %.3f -> %.3f", v0, v1);
    ad_obs *off = ms_run(MS_MARKET, SETS(RAMP_ALL, "satisfaction.theta=0"), 0, &n);
    for (int64_t t = 0; t < n; t++) cr_assert_eq(off[t].market[AD_M_attention_value], 1.0);
    free(on);
    free(off);
}

Test(escalation, without_it_failed_automated_contacts_frustrate)
{
    int64_t n;
    ad_obs *on = ms_run(MS_MARKET, SETS("scenario.weeks=20"), 0, &n);
    ad_obs *off = ms_run(MS_MARKET, SETS("scenario.weeks=20", "brands.[3].escalation=false"), 0, &n);
    /* per visit: without escalation the brand also shrinks during warm-up */
    double f_on = ms_mean_b(on, AD_B_frustrated_contacts, 3, 0, n) / ms_mean_b(on, AD_B_visits, 3, 0, n);
    double f_off = ms_mean_b(off, AD_B_frustrated_contacts, 3, 0, n) / ms_mean_b(off, AD_B_visits, 3, 0, n);
    double esc_on = ms_mean_b(on, AD_B_escalations, 3, 0, n) / ms_mean_b(on, AD_B_visits, 3, 0, n);
    cr_assert_eq(f_on, 0.0);
    cr_assert_gt(esc_on, 0.05);
    cr_assert_gt(f_off, 0.7 * esc_on, "failed contacts must frustrate without escalation: %.3f frustrated, "
                 "%.3f escalated with it (per visit)", f_off, esc_on);
    cr_assert_eq(ms_mean_b(off, AD_B_escalations, 3, 0, n), 0.0);
    cr_assert_lt(ms_mean_b(off, AD_B_mean_satisfaction, 3, 0, n), ms_mean_b(on, AD_B_mean_satisfaction, 3, 0, n));
    free(on);
    free(off);
}

Test(routing, by_need_keeps_relational_contacts_human_at_equal_automation)
{
    int64_t n;
    const char *const *base = SETS("scenario.weeks=30", "brands.[1].automation.start=0.5");
    ad_obs *uni = ms_run(MS_MARKET, base, 0, &n);
    ad_obs *need = ms_run(MS_MARKET, SETS("scenario.weeks=30", "brands.[1].automation.start=0.5",
                                          "brands.[1].routing=by_need"), 0, &n);
    double au = ms_mean_b(uni, AD_B_automated_contacts, 1, 0, n) / ms_mean_b(uni, AD_B_visits, 1, 0, n);
    double an = ms_mean_b(need, AD_B_automated_contacts, 1, 0, n) / ms_mean_b(need, AD_B_visits, 1, 0, n);
    cr_assert_lt(fabs(au - an), 0.03, "same automation share: uniform %.3f, by need %.3f", au, an);
    double hu = ms_mean_b(uni, AD_B_relational_human_share, 1, 0, n);
    double hn = ms_mean_b(need, AD_B_relational_human_share, 1, 0, n);
    cr_assert_gt(hn, 0.95, "by need: relational contacts go to people (%.3f)", hn);
    cr_assert_lt(hu, 0.8, "uniform: relational contacts go to robots too (%.3f)", hu);
    cr_assert_gt(ms_mean_b(need, AD_B_mean_loyalty, 1, 10, n), ms_mean_b(uni, AD_B_mean_loyalty, 1, 10, n) + 0.01);
    free(uni);
    free(need);
}

Test(reciprocity, rho_zero_makes_engagement_blind_to_customer_openness)
{
    int64_t n;
    /* mean engagement, not the engaged share: the share counts a few dozen
     * employees of the test market over a threshold, a noisy measure */
    ad_obs *lo = ms_run(MS_MARKET, SETS("scenario.weeks=30", "population.openness_median=0.2"), 0, &n);
    ad_obs *hi = ms_run(MS_MARKET, SETS("scenario.weeks=30", "population.openness_median=0.8"), 0, &n);
    double elo = 0, ehi = 0;
    for (int b = 0; b < 4; b++) {
        elo += ms_mean_b(lo, AD_B_engagement, b, 0, n) / 4;
        ehi += ms_mean_b(hi, AD_B_engagement, b, 0, n) / 4;
    }
    cr_assert_gt(ehi, elo + 0.02, "open customers return warmth that engages staff (%.3f against %.3f)", ehi, elo);
    free(lo);
    free(hi);
    lo = ms_run(MS_MARKET, SETS("scenario.weeks=30", "population.openness_median=0.2", "employee.reciprocity=0"), 0, &n);
    hi = ms_run(MS_MARKET, SETS("scenario.weeks=30", "population.openness_median=0.8", "employee.reciprocity=0"), 0, &n);
    for (int64_t t = 0; t < n; t++)
        for (int b = 0; b < 4; b++)
            cr_assert_eq(lo[t].brand[AD_B_engagement][b], hi[t].brand[AD_B_engagement][b]);
    free(lo);
    free(hi);
}

Test(commoditisation, pulls_quality_promotion_and_place_together)
{
    int64_t n;
    ad_obs *off = ms_run(MS_MARKET, SETS("market.commoditisation=0"), 0, &n);
    for (int b = 0; b < 4; b++)
        cr_assert_eq(off[0].brand[AD_B_functional_value][b], off[n - 1].brand[AD_B_functional_value][b]);
    ad_obs *on = ms_run(MS_MARKET, SETS("market.commoditisation=0.5"), 0, &n);
    double spread0 = fabs(on[0].brand[AD_B_functional_value][0] - on[0].brand[AD_B_functional_value][2]);
    double spread1 = fabs(on[n - 1].brand[AD_B_functional_value][0] - on[n - 1].brand[AD_B_functional_value][2]);
    cr_assert_lt(spread1, 0.7 * spread0, "functional values converge: %.3f -> %.3f", spread0, spread1);
    free(off);
    free(on);
}

#define SHOCK "events = ( { brand = \"A\"; week = 30; stated = 0.13; visits = 0.07; half_life = 6.0; stated_half_life = 60.0; } );\n"

Test(shock, intentions_fall_further_than_visits_and_visits_recover)
{
    int64_t n;
    ad_obs *o = ms_run(MS_MARKET SHOCK, NULL, 0, &n);
    double pre = ms_mean_b(o, AD_B_visits, 0, 10, 30) / ms_mean_b(o, AD_B_customers, 0, 10, 30);
    double at = ms_mean_b(o, AD_B_visits, 0, 30, 34) / ms_mean_b(o, AD_B_customers, 0, 30, 34);
    double later = ms_mean_b(o, AD_B_visits, 0, 80, 104) / ms_mean_b(o, AD_B_customers, 0, 80, 104);
    double stated = ms_mean_b(o, AD_B_stated_avoidance, 0, 30, 34);
    double drop = 1 - at / pre;
    cr_assert(drop > 0.03 && drop < 0.10, "visits per customer fall a few percent at the shock: %.3f", drop);
    cr_assert(stated > 0.10 && stated < 0.16, "about 13%% say they avoid the brand: %.3f", stated);
    cr_assert_gt(stated, drop, "intentions fall further than visits");
    cr_assert_lt(fabs(1 - later / pre), 0.03, "visits recover within months: %.3f", 1 - later / pre);
    cr_assert_gt(ms_mean_b(o, AD_B_stated_avoidance, 0, 50, 54), 0.08, "stated avoidance lingers");
    free(o);
    /* switched off: the same bytes as a run without the event */
    ad_obs *none = ms_run(MS_MARKET, NULL, 0, &n);
    ad_obs *zero = ms_run(MS_MARKET "events = ( { brand = \"A\"; week = 30; stated = 0.0; visits = 0.0; } );\n",
                          NULL, 0, &n);
    cr_assert(memcmp(none, zero, (size_t)n * sizeof *none) == 0);
    free(none);
    free(zero);
}

Test(tipping, tips_follow_attention_and_vanish_without_attention_behaviours)
{
    int64_t n;
    ad_obs *off = ms_run(MS_MARKET, SETS("scenario.weeks=20"), 0, &n);
    cr_assert_eq(ms_mean_m(off, AD_M_tips_total, 0, n), 0.0);
    ad_obs *on = ms_run(MS_MARKET, SETS("scenario.weeks=20", "tipping.enabled=true"), 0, &n);
    double rate = ms_mean_m(on, AD_M_tip_rate, 0, n);
    cr_assert(rate > 0.13 && rate < 0.22, "tip rate %.3f of the bill", rate);
    cr_assert_gt(ms_mean_m(on, AD_M_tip_attention_slope, 0, n), 0.05);
    ad_obs *blind = ms_run(MS_MARKET, SETS("scenario.weeks=20", "tipping.enabled=true", "tipping.introduce.prob=0",
                                           "tipping.squat.prob=0", "tipping.touch.prob=0", "tipping.smile.prob=0",
                                           "tipping.repeat_order.prob=0", "tipping.customer_name.prob=0"),
                           0, &n);
    cr_assert_lt(fabs(ms_mean_m(blind, AD_M_tip_attention_slope, 0, n)), 0.02);
    free(off);
    free(on);
    free(blind);
}

Test(staffing, following_automation_overloads_staff_following_demand_does_not)
{
    int64_t n;
    const char *ramp = "brands.[0].automation.target=0.8";
    ad_obs *fa = ms_run(MS_MARKET, SETS(ramp, "brands.[0].automation.ramp_weeks=26", "brands.[0].staffing=follow_automation"), 0, &n);
    ad_obs *fd = ms_run(MS_MARKET, SETS(ramp, "brands.[0].automation.ramp_weeks=26", "brands.[0].staffing=follow_demand"), 0, &n);
    cr_assert_lt(ms_mean_b(fa, AD_B_employees, 0, 60, n), ms_mean_b(fd, AD_B_employees, 0, 60, n),
                 "escalations need more people than automation alone suggests");
    /* while the ramp's escalations meet the cut staff (the first 60 weeks;
     * later the brand has lost customers and the overload eases) */
    const double e_fa = ms_mean_b(fa, AD_B_engagement, 0, 0, 60), e_fd = ms_mean_b(fd, AD_B_engagement, 0, 0, 60);
    cr_assert_lt(e_fa, e_fd - 0.02, "overload lowers engagement (%.3f against %.3f)", e_fa, e_fd);
    free(fa);
    free(fd);
    /* fixed staff while automation falls from 0.45: people with little to do */
    ad_obs *fx = ms_run(MS_MARKET, SETS("brands.[3].staffing=fixed"), 0, &n);
    cr_assert_eq(fx[0].brand[AD_B_employees][3], fx[n - 1].brand[AD_B_employees][3]);
    free(fx);
}

Test(ambassadors, engaged_ambassadors_lift_reputation_and_the_switch_removes_it)
{
    int64_t n;
    ad_obs *none = ms_run(MS_MARKET, SETS("scenario.weeks=40"), 0, &n);
    ad_obs *amb = ms_run(MS_MARKET, SETS("scenario.weeks=40", "brands.[1].ambassadors=0.5"), 0, &n);
    cr_assert_gt(ms_mean_b(amb, AD_B_reputation, 1, 20, n), ms_mean_b(none, AD_B_reputation, 1, 20, n) + 0.05,
                 "reputation %.3f with ambassadors, %.3f without", ms_mean_b(amb, AD_B_reputation, 1, 20, n),
                 ms_mean_b(none, AD_B_reputation, 1, 20, n));
    ad_obs *amb0 = ms_run(MS_MARKET, SETS("scenario.weeks=40", "brands.[1].ambassadors=0.5", "employee.ambassador_effect=0"), 0, &n);
    cr_assert(memcmp(none, amb0, (size_t)n * sizeof *none) == 0);
    free(none);
    free(amb);
    free(amb0);
}

Test(engagement, hr_investment_raises_it_and_dh_zero_removes_the_effect)
{
    int64_t n;
    ad_obs *none = ms_run(MS_MARKET, SETS("scenario.weeks=40"), 0, &n);
    ad_obs *hr = ms_run(MS_MARKET, SETS("scenario.weeks=40", "brands.[2].hr_investment=0.8"), 0, &n);
    cr_assert_gt(ms_mean_b(hr, AD_B_engagement, 2, 0, n), ms_mean_b(none, AD_B_engagement, 2, 0, n) + 0.1);
    /* with no effect on engagement and no cost, HR investment changes nothing */
    ad_obs *hr0 = ms_run(MS_MARKET, SETS("scenario.weeks=40", "brands.[2].hr_investment=0.8", "brands.[2].hr_cost=0",
                                         "employee.hr_effect=0"), 0, &n);
    ad_obs *none0 = ms_run(MS_MARKET, SETS("scenario.weeks=40", "employee.hr_effect=0"), 0, &n);
    for (int64_t t = 0; t < n; t++) cr_assert_eq(hr0[t].brand[AD_B_engagement][2], none0[t].brand[AD_B_engagement][2]);
    free(none);
    free(hr);
    free(hr0);
    free(none0);
}

Test(engagement, stays_bounded_in_the_steady_state_over_five_years, .timeout = 120)
{
    int64_t n;
    /* 40,000 customers: about 280 employees, so that the share is not a
     * handful of people over a threshold */
    ad_obs *o = ms_run(MS_MARKET, SETS("scenario.weeks=260", "population.customers=40000"), 0, &n);
    for (int64_t y = 0; y < 5; y++) {
        double e = ms_mean_m(o, AD_M_engaged_share, 52 * y, 52 * y + 52);
        cr_assert(e > 0.08 && e < 0.30, "year %lld: engaged share %.3f", (long long)y, e);
    }
    free(o);
}

Test(social, without_social_weights_the_network_does_not_matter)
{
    int64_t n;
    ad_obs *a = ms_run(MS_MARKET, SETS("scenario.weeks=20", "customer.k_social=0", "choice.beta_social=0", "network.rewire=0.1"), 0, &n);
    ad_obs *b = ms_run(MS_MARKET, SETS("scenario.weeks=20", "customer.k_social=0", "choice.beta_social=0", "network.rewire=0.9"), 0, &n);
    cr_assert(memcmp(a, b, (size_t)n * sizeof *a) == 0);
    ad_obs *c = ms_run(MS_MARKET, SETS("scenario.weeks=20", "network.rewire=0.9"), 0, &n);
    ad_obs *d = ms_run(MS_MARKET, SETS("scenario.weeks=20", "network.rewire=0.1"), 0, &n);
    cr_assert(memcmp(c, d, (size_t)n * sizeof *c) != 0);
    free(a);
    free(b);
    free(c);
    free(d);
}

Test(staffing, an_intervention_on_staff_per_1000_changes_headcount_and_counts_the_displaced)
{
    int64_t n;
    ad_obs *o = ms_run(MS_MARKET "interventions = ( { week = 10; brand = \"B\"; key = \"staff_per_1000\"; value = 3.0; } );\n",
                       SETS("scenario.weeks=20", "brands.[0].staffing=fixed", "brands.[1].staffing=fixed",
                            "brands.[2].staffing=fixed", "brands.[3].staffing=fixed"), 0, &n);
    double before = o[9].brand[AD_B_employees][1], after = o[10].brand[AD_B_employees][1];
    double cust = o[9].brand[AD_B_customers][1];
    cr_assert_gt(before, after + 3);
    cr_assert_lt(fabs(after - 3.0 * cust / 1000.0), 2.0, "3 per 1,000 of %.0f customers: %.0f", cust, after);
    cr_assert_eq(o[11].market[AD_M_jobs_displaced] - o[9].market[AD_M_jobs_displaced], before - after);
    cr_assert_eq(o[19].brand[AD_B_employees][1], after, "fixed staffing keeps the new headcount");
    free(o);
}

/* The automated channel's attention (docs/model.md 2.4, 7.6): "none" is the
 * market without the channel (every brand at automation 0: no contact
 * reaches a robot), "zero" the same market with its robots (15-45 % of
 * contacts) at the default channel.attention. Robots that give no attention
 * make attention scarcer than no robots at all; without robot contacts the
 * channel's settings change nothing; a brand whose every contact ends with
 * its robot shows exactly the channel's attention, 0 by default and 0.5
 * when set; attentive robots lower scarcity. */
#define NO_ROBOTS                                                               \
    "brands.[0].automation.start=0", "brands.[1].automation.start=0",           \
    "brands.[2].automation.start=0", "brands.[3].automation.start=0"
#define ALL_ROBOT_D "brands.[3].automation.start=1", "brands.[3].escalation=false"

Test(channel, attentive_robots_lower_scarcity_and_zero_attention_is_the_default)
{
    int64_t n;
    ad_obs *none = ms_run(MS_MARKET, SETS("scenario.weeks=20", NO_ROBOTS), 0, &n);
    ad_obs *none_set = ms_run(MS_MARKET, SETS("scenario.weeks=20", NO_ROBOTS, "channel.attention=1",
                                              "channel.success_transactional=0", "channel.success_relational=0"),
                              0, &n);
    ad_obs *zero = ms_run(MS_MARKET, SETS("scenario.weeks=20"), 0, &n);
    ad_obs *half = ms_run(MS_MARKET, SETS("scenario.weeks=20", "channel.attention=0.5"), 0, &n);
    for (int b = 0; b < 4; b++) {
        cr_assert_eq(ms_mean_b(none, AD_B_automated_contacts, b, 0, n), 0.0, "brand %d has robot contacts", b);
        cr_assert_gt(ms_mean_b(zero, AD_B_automated_contacts, b, 0, n), 0.0, "brand %d has no robot contacts", b);
    }
    cr_assert(memcmp(none, none_set, (size_t)n * sizeof *none) == 0,
              "without robot contacts, the channel's attention and success rates must change nothing");
    double s_none = ms_mean_m(none, AD_M_attention_scarcity, 0, n), s_zero = ms_mean_m(zero, AD_M_attention_scarcity, 0, n);
    double d_none = ms_mean_m(none, AD_M_mean_attention_deficit, 0, n);
    double d_zero = ms_mean_m(zero, AD_M_mean_attention_deficit, 0, n);
    cr_assert_gt(s_zero, s_none + 0.03, "robots that give no attention make it scarcer: %.3f with, %.3f without",
                 s_zero, s_none);
    cr_assert_gt(d_zero, d_none + 0.01, "and deepen customers' deficit: %.3f with, %.3f without", d_zero, d_none);
    cr_assert_lt(ms_mean_m(half, AD_M_attention_scarcity, 0, n), s_zero - 0.05, "attentive robots lower scarcity");
    free(none);
    free(none_set);
    free(zero);
    free(half);

    ad_obs *all0 = ms_run(MS_MARKET, SETS("scenario.weeks=20", ALL_ROBOT_D), 0, &n);
    ad_obs *all5 = ms_run(MS_MARKET, SETS("scenario.weeks=20", ALL_ROBOT_D, "channel.attention=0.5"), 0, &n);
    for (int64_t t = 0; t < n; t++) {
        cr_assert_gt(all0[t].brand[AD_B_visits][3], 0.0);
        cr_assert_eq(all0[t].brand[AD_B_human_contacts][3], 0.0, "week %lld: D's contacts all end with its robot",
                     (long long)t);
        cr_assert_eq(all0[t].brand[AD_B_mean_attention][3], 0.0, "week %lld: default robot attention %g, not 0",
                     (long long)t, all0[t].brand[AD_B_mean_attention][3]);
        cr_assert_gt(all5[t].brand[AD_B_visits][3], 0.0);
        cr_assert_lt(fabs(all5[t].brand[AD_B_mean_attention][3] - 0.5), 1e-12,
                     "week %lld: robot attention %g with channel.attention = 0.5", (long long)t,
                     all5[t].brand[AD_B_mean_attention][3]);
    }
    free(all0);
    free(all5);
}

Test(escalation, a_failed_robot_attempt_costs_satisfaction_only_when_contacts_escalate)
{
    int64_t n;
    ad_obs *a = ms_run(MS_MARKET, SETS("scenario.weeks=20", "satisfaction.w_escalation=0"), 0, &n);
    ad_obs *b = ms_run(MS_MARKET, SETS("scenario.weeks=20", "satisfaction.w_escalation=0.4"), 0, &n);
    cr_assert_lt(ms_mean_b(b, AD_B_mean_satisfaction, 3, 0, n), ms_mean_b(a, AD_B_mean_satisfaction, 3, 0, n) - 0.01);
    free(a);
    free(b);
    const char *const *off0 = SETS("scenario.weeks=20", "satisfaction.w_escalation=0", "brands.[0].escalation=false",
                                   "brands.[1].escalation=false", "brands.[2].escalation=false",
                                   "brands.[3].escalation=false");
    const char *const *off4 = SETS("scenario.weeks=20", "satisfaction.w_escalation=0.4", "brands.[0].escalation=false",
                                   "brands.[1].escalation=false", "brands.[2].escalation=false",
                                   "brands.[3].escalation=false");
    a = ms_run(MS_MARKET, off0, 0, &n);
    b = ms_run(MS_MARKET, off4, 0, &n);
    cr_assert(memcmp(a, b, (size_t)n * sizeof *a) == 0);
    free(a);
    free(b);
}

Test(worlds, two_worlds_side_by_side_with_their_own_thread_counts_match_solo_runs)
{
    static ad_config a, b;
    ad_error err;
    cr_assert_eq(cfg_load_string(&a, MS_MARKET, "a", SETS("scenario.weeks=15", "scenario.seed=1"), 2, &err), AD_OK);
    cr_assert_eq(cfg_load_string(&b, MS_MARKET, "b", SETS("scenario.weeks=15", "scenario.seed=2"), 2, &err), AD_OK);
    int64_t n;
    ad_obs *solo_a = ms_run(MS_MARKET, SETS("scenario.weeks=15", "scenario.seed=1"), 1, &n);
    ad_obs *solo_b = ms_run(MS_MARKET, SETS("scenario.weeks=15", "scenario.seed=2"), 3, &n);
    ad_world *wa, *wb;
    cr_assert_eq(ad_world_create(&wa, &a, &err), AD_OK);
    cr_assert_eq(ad_world_create(&wb, &b, &err), AD_OK);
    cr_assert_eq(ad_world_set_threads(wa, 2, &err), AD_OK);
    cr_assert_eq(ad_world_set_threads(wb, 1, &err), AD_OK);
    for (int64_t t = 0; t < n; t++) {
        cr_assert_eq(ad_world_step(wa, &err), AD_OK);
        cr_assert_eq(ad_world_step(wb, &err), AD_OK);
        cr_assert(memcmp(ad_world_obs(wa), &solo_a[t], sizeof *solo_a) == 0, "world a, week %lld", (long long)t);
        cr_assert(memcmp(ad_world_obs(wb), &solo_b[t], sizeof *solo_b) == 0, "world b, week %lld", (long long)t);
    }
    ad_world_free(wa);
    ad_world_free(wb);
    free(solo_a);
    free(solo_b);
}
