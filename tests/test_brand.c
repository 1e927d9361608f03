/* test_brand.c: the brand phases of models/brand.h and the automation
 * schedule of sim/config.h.
 *
 * The phases are called directly on a small world whose state the tests set
 * by hand (trans_share, headcounts, this week's accumulators), so each
 * formula is checked exactly: the automation ramp, routing by need that
 * keeps the automated share at a, dilution min(1, H C / D), shocks that halve
 * with their half-lives, and the staffing policies. One run through the
 * public API checks follow_automation in the recorded observables.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "brand.h"
#include "config.h"
#include "employee.h"
#include "model_support.h"
#include "world.h"

#define SETS(...) ((const char *const[]){__VA_ARGS__, NULL})

#define TWO_BRANDS                                                                  \
    "scenario = { name = \"brand\"; seed = 11; weeks = 80; warmup = 0; };\n"       \
    "population = { customers = 4000; };\n"                                         \
    "brands = (\n"                                                                  \
    "  { name = \"A\"; share = 0.5; staff_per_1000 = 20.0; },\n"                    \
    "  { name = \"B\"; share = 0.5; staff_per_1000 = 20.0; }\n"                     \
    ");\n"

static ad_world *make_world(const char *text, const char *const *sets)
{
    static ad_config cfg;
    ad_error err;
    int n = 0;
    while (sets && sets[n]) n++;
    if (cfg_load_string(&cfg, text, "brand", sets, n, &err))
        cr_assert_fail("config: %s:%d: %s: %s", err.file, err.line, err.key, err.msg);
    ad_world *w;
    if (ad_world_create(&w, &cfg, &err)) cr_assert_fail("create: %s", err.msg);
    return w;
}

/* ---- automation schedule ------------------------------------------------ */

static ad_brand_cfg ramp(double a0, double a1, int64_t start, int64_t weeks)
{
    ad_brand_cfg b;
    memset(&b, 0, sizeof b);
    b.auto_start = a0;
    b.auto_target = a1;
    b.ramp_start = start;
    b.ramp_weeks = weeks;
    return b;
}

Test(schedule, before_during_and_after_the_ramp)
{
    ad_brand_cfg b = ramp(0.2, 0.8, 10, 30);
    /* warm-up (t < 0) and before the ramp: the start */
    const int64_t before[] = {-500, -1, 0, 5, 9, 10};
    for (size_t k = 0; k < sizeof before / sizeof *before; k++)
        cr_assert_eq(cfg_automation_at(&b, before[k]), 0.2, "week %lld", (long long)before[k]);
    /* during: linear from the start at ramp_start to the target at the end */
    for (int64_t t = 10; t <= 40; t++) {
        double want = 0.2 + 0.6 * (double)(t - 10) / 30.0;
        cr_assert_float_eq(cfg_automation_at(&b, t), want, 1e-12, "week %lld", (long long)t);
    }
    cr_assert_float_eq(cfg_automation_at(&b, 25), 0.5, 1e-12, "halfway");
    /* after: the target, for ever */
    const int64_t after[] = {40, 41, 100, 10400};
    for (size_t k = 0; k < sizeof after / sizeof *after; k++)
        cr_assert_float_eq(cfg_automation_at(&b, after[k]), 0.8, 1e-12, "week %lld", (long long)after[k]);
    /* monotone for a falling ramp too */
    ad_brand_cfg d = ramp(0.7, 0.1, 0, 12);
    for (int64_t t = 0; t < 12; t++) cr_assert_gt(cfg_automation_at(&d, t), cfg_automation_at(&d, t + 1));
    cr_assert_float_eq(cfg_automation_at(&d, 12), 0.1, 1e-12);
    cr_assert_eq(cfg_automation_at(&d, -1), 0.7, "warm-up stays at the start even when the ramp starts at 0");
}

Test(schedule, ramp_weeks_0_is_a_step_at_ramp_start)
{
    ad_brand_cfg b = ramp(0.3, 0.9, 52, 0);
    cr_assert_eq(cfg_automation_at(&b, -10), 0.3);
    cr_assert_eq(cfg_automation_at(&b, 51), 0.3);
    cr_assert_eq(cfg_automation_at(&b, 52), 0.9);
    cr_assert_eq(cfg_automation_at(&b, 53), 0.9);
    ad_brand_cfg z = ramp(0.3, 0.9, 0, 0);
    cr_assert_eq(cfg_automation_at(&z, -1), 0.3);
    cr_assert_eq(cfg_automation_at(&z, 0), 0.9);
}

Test(schedule, target_minus_1_means_the_start)
{
    ad_brand_cfg b = ramp(0.35, -1, 10, 20);
    const int64_t ts[] = {-5, 0, 10, 15, 30, 1000};
    for (size_t k = 0; k < sizeof ts / sizeof *ts; k++)
        cr_assert_eq(cfg_automation_at(&b, ts[k]), 0.35, "week %lld", (long long)ts[k]);
    ad_brand_cfg s = ramp(0.35, -1, 10, 0);
    cr_assert_eq(cfg_automation_at(&s, 10), 0.35, "a step to -1 is no step");
}

Test(schedule, brand_begin_uses_the_schedule_and_a_one_year_mean)
{
    ad_world *w = make_world(TWO_BRANDS, SETS("brands.[0].automation.start=0.1", "brands.[0].automation.target=0.6",
                                              "brands.[0].automation.ramp_start=4",
                                              "brands.[0].automation.ramp_weeks=10"));
    double sum = 0;
    for (int64_t t = 0; t < 70; t++) {
        cr_assert_eq(brand_begin(w, t), AD_OK);
        double a = cfg_automation_at(&w->cfg.brands[0], t);
        cr_assert_eq(w->br[0].a, a, "week %lld", (long long)t);
        sum += a;
        if (t >= 52) sum -= cfg_automation_at(&w->cfg.brands[0], t - 52);
        double abar = sum / (double)(t < 52 ? t + 1 : 52);
        cr_assert_float_eq(w->br[0].abar, abar, 1e-12, "week %lld: mean of the last year", (long long)t);
    }
    ad_world_free(w);
}

/* ---- routing ------------------------------------------------------------ */

static void route(ad_world *w, int b, double ts, double a)
{
    w->cfg.brands[b].auto_start = a;
    w->cfg.brands[b].auto_target = -1;
    w->br[b].trans_share = ts;
    cr_assert_eq(brand_begin(w, 0), AD_OK);
}

Test(routing, by_need_keeps_the_automated_share_at_a)
{
    ad_world *w = make_world(TWO_BRANDS, SETS("brands.[1].routing=by_need"));
    for (int i = 0; i <= 20; i++)
        for (int j = 0; j <= 20; j++) {
            double ts = i / 20.0, a = j / 20.0;
            route(w, 1, ts, a);
            const ad_brand_state *s = &w->br[1];
            cr_assert(s->p_auto_trans >= 0 && s->p_auto_trans <= 1, "ts %.2f a %.2f: p_trans %g", ts, a, s->p_auto_trans);
            cr_assert(s->p_auto_rel >= 0 && s->p_auto_rel <= 1, "ts %.2f a %.2f: p_rel %g", ts, a, s->p_auto_rel);
            double share = s->p_auto_trans * ts + s->p_auto_rel * (1 - ts);
            cr_assert_float_eq(share, a, 1e-12, "ts %.2f a %.2f: automated share %.6f", ts, a, share);
            if (a <= ts) cr_assert_eq(s->p_auto_rel, 0.0, "ts %.2f a %.2f: relational contacts stay human", ts, a);
            else cr_assert_eq(s->p_auto_trans, 1.0, "ts %.2f a %.2f: every transactional contact is automated", ts, a);
        }
    /* the cases spelled out: below and above the transactional share */
    route(w, 1, 0.6, 0.3);
    cr_assert_float_eq(w->br[1].p_auto_trans, 0.5, 1e-15);
    cr_assert_eq(w->br[1].p_auto_rel, 0.0);
    route(w, 1, 0.6, 0.8);
    cr_assert_eq(w->br[1].p_auto_trans, 1.0);
    cr_assert_float_eq(w->br[1].p_auto_rel, 0.5, 1e-15);
    ad_world_free(w);
}

Test(routing, uniform_sends_both_classes_with_probability_a)
{
    ad_world *w = make_world(TWO_BRANDS, NULL);
    cr_assert_eq(w->cfg.brands[0].routing, AD_ROUTE_UNIFORM);
    for (int j = 0; j <= 10; j++) {
        double a = j / 10.0;
        route(w, 0, 0.37, a);
        cr_assert_eq(w->br[0].p_auto_trans, a);
        cr_assert_eq(w->br[0].p_auto_rel, a);
    }
    ad_world_free(w);
}

Test(routing, transactional_share_comes_from_last_weeks_contacts)
{
    ad_world *w = make_world(TWO_BRANDS, SETS("brands.[1].routing=by_need", "brands.[1].staffing=fixed",
                                              "brands.[1].automation.start=0.35"));
    memset(&w->total, 0, sizeof w->total);
    w->total.v[1][AC_VISITS] = 1000;
    w->total.v[1][AC_REL] = 300;
    cr_assert_eq(brand_end(w, 0), AD_OK);
    cr_assert_float_eq(w->br[1].trans_share, 0.7, 1e-15);
    cr_assert_eq(brand_begin(w, 1), AD_OK);
    cr_assert_float_eq(w->br[1].p_auto_trans, 0.5, 1e-12);
    cr_assert_eq(w->br[1].p_auto_rel, 0.0);
    /* a week without contacts keeps last week's share */
    memset(&w->total, 0, sizeof w->total);
    cr_assert_eq(brand_end(w, 1), AD_OK);
    cr_assert_float_eq(w->br[1].trans_share, 0.7, 1e-15);
    ad_world_free(w);
}

/* ---- dilution ------------------------------------------------------------ */

/* this week's human demand D of brand b, spread over the thread slots */
static void set_demand(ad_world *w, int b, int64_t D)
{
    for (int k = 0; k < w->acc_n; k++) w->acc[k].v[b][AC_HUMAN] = 0;
    for (int64_t d = 0; d < D; d++) w->acc[d % w->acc_n].v[b][AC_HUMAN]++;
}

Test(dilution, is_min_of_1_and_capacity_over_demand)
{
    ad_world *w = make_world(TWO_BRANDS, SETS("employee.capacity=50", "brands.[0].hr_marketing=0.5"));
    cr_assert_eq(ad_world_set_threads(w, 2, NULL), AD_OK); /* demand in two slots, summed */
    const int64_t H[] = {0, 1, 10, 40};
    const int64_t D[] = {0, 1, 49, 50, 51, 499, 500, 501, 1000, 2000, 100000};
    for (size_t h = 0; h < sizeof H / sizeof *H; h++) {
        cr_assert_eq(emp_set_headcount(w, 0, H[h], 0), AD_OK);
        for (size_t d = 0; d < sizeof D / sizeof *D; d++) {
            set_demand(w, 0, D[d]);
            set_demand(w, 1, 0);
            brand_mid(w);
            double cap = 50.0 * (double)H[h];
            double want = D[d] == 0 ? 1.0 : fmin(1.0, cap / (double)D[d]);
            const ad_brand_state *s = &w->br[0];
            cr_assert_eq(s->demand, D[d]);
            cr_assert_float_eq(s->dil, want, 1e-15, "H %lld D %lld: dilution %.6f, want %.6f", (long long)H[h],
                               (long long)D[d], s->dil, want);
            /* attention factor dil (floor + (1 - floor) g) */
            double fl = w->cfg.att_floor;
            cr_assert_float_eq(s->att_factor, want * (fl + (1 - fl) * 0.5), 1e-15);
            cr_assert_eq(w->br[1].dil, 1.0, "no demand, no dilution");
        }
    }
    ad_world_free(w);
}

/* ---- shocks -------------------------------------------------------------- */

#define SHOCK(week, visits, hl, stated, shl)                                                   \
    "events = ( { type = \"reputation_shock\"; brand = \"A\"; week = " #week "; stated = " #stated \
    "; visits = " #visits "; half_life = " #hl "; stated_half_life = " #shl "; } );\n"

Test(shock, visits_and_stated_avoidance_halve_with_their_half_lives)
{
    const double v = 0.07, h = 8, st = 0.13, sh = 60;
    ad_world *w = make_world(TWO_BRANDS SHOCK(10, 0.07, 8.0, 0.13, 60.0), NULL);
    for (int64_t t = 0; t < 10; t++) {
        cr_assert_eq(brand_begin(w, t), AD_OK);
        cr_assert_eq(w->br[0].f, 1.0, "week %lld: no shock yet", (long long)t);
        cr_assert_eq(w->br[0].stated, 0.0);
        cr_assert_eq(w->br[0].shock_event, -1);
    }
    for (int64_t t = 10; t < 80; t++) {
        cr_assert_eq(brand_begin(w, t), AD_OK);
        double age = (double)(t - 10);
        cr_assert_float_eq(w->br[0].f, 1 - v * pow(0.5, age / h), 1e-12, "week %lld", (long long)t);
        cr_assert_float_eq(w->br[0].stated, st * pow(0.5, age / sh), 1e-12, "week %lld", (long long)t);
        cr_assert_eq(w->br[0].shock_event, 0);
        cr_assert_eq(w->br[1].f, 1.0, "the other brand is not shocked");
        cr_assert_eq(w->br[1].stated, 0.0);
        if (t == 10) {
            cr_assert_float_eq(w->br[0].f, 1 - v, 1e-12, "at the shock: the full fall");
            cr_assert_float_eq(w->br[0].stated, st, 1e-12);
        }
        if (t == 18) cr_assert_float_eq(w->br[0].f, 1 - v / 2, 1e-12, "one half-life later: half the fall");
        if (t == 26) cr_assert_float_eq(w->br[0].f, 1 - v / 4, 1e-12, "two half-lives later: a quarter");
        if (t == 70) cr_assert_float_eq(w->br[0].stated, st / 2, 1e-12, "one stated half-life later");
    }
    ad_world_free(w);
}

Test(shock, two_shocks_multiply_visits_and_the_larger_stated_counts)
{
    ad_world *w = make_world(TWO_BRANDS
        "events = (\n"
        "  { type = \"reputation_shock\"; brand = \"A\"; week = 5; stated = 0.10; visits = 0.2; half_life = 4.0; stated_half_life = 10.0; },\n"
        "  { type = \"reputation_shock\"; brand = \"A\"; week = 9; stated = 0.30; visits = 0.1; half_life = 2.0; stated_half_life = 1.0; }\n"
        ");\n", NULL);
    cr_assert_eq(brand_begin(w, 9), AD_OK);
    cr_assert_float_eq(w->br[0].f, (1 - 0.2 * 0.5) * (1 - 0.1), 1e-12);
    cr_assert_float_eq(w->br[0].stated, 0.30, 1e-12);
    cr_assert_eq(w->br[0].shock_event, 1);
    /* week 11: first 0.10 * 2^-0.6 = 0.066, second 0.30 / 4 = 0.075 */
    cr_assert_eq(brand_begin(w, 11), AD_OK);
    cr_assert_float_eq(w->br[0].stated, 0.075, 1e-12);
    cr_assert_eq(w->br[0].shock_event, 1);
    /* week 12: first 0.10 * 2^-0.7 = 0.0616, second 0.0375 */
    cr_assert_eq(brand_begin(w, 12), AD_OK);
    cr_assert_float_eq(w->br[0].stated, 0.10 * pow(0.5, 0.7), 1e-12);
    cr_assert_eq(w->br[0].shock_event, 0);
    cr_assert_float_eq(w->br[0].f, (1 - 0.2 * pow(0.5, 7 / 4.0)) * (1 - 0.1 * pow(0.5, 1.5)), 1e-12);
    ad_world_free(w);
}

Test(shock, warm_up_never_sees_a_shock)
{
    ad_world *w = make_world(TWO_BRANDS SHOCK(0, 0.5, 8.0, 0.5, 8.0), NULL);
    for (int64_t t = -60; t < 0; t++) {
        cr_assert_eq(brand_begin(w, t), AD_OK);
        cr_assert_eq(w->br[0].f, 1.0);
        cr_assert_eq(w->br[0].stated, 0.0);
    }
    cr_assert_eq(brand_begin(w, 0), AD_OK);
    cr_assert_float_eq(w->br[0].f, 0.5, 1e-12);
    ad_world_free(w);
}

/* ---- staffing ------------------------------------------------------------ */

static int64_t count_active(const ad_world *w, int b)
{
    int64_t c = 0;
    for (int64_t j = 0; j < w->ne; j++) c += w->e_active[j] && w->e_brand[j] == b;
    return c;
}

Test(staffing, follow_automation_scales_the_reference_headcount)
{
    ad_world *w = make_world(TWO_BRANDS, SETS("brands.[0].staffing=follow_automation", "brands.[0].automation.start=0.2",
                                              "brands.[0].automation.target=0.6", "brands.[0].automation.ramp_start=5",
                                              "brands.[0].automation.ramp_weeks=20", "brands.[1].staffing=fixed"));
    const ad_brand_cfg *bc = &w->cfg.brands[0];
    int64_t H0 = w->br[0].H0, H1 = w->br[1].employees;
    cr_assert_gt(H0, 30, "enough staff to see rounding: %lld", (long long)H0);
    cr_assert_eq(w->br[0].employees, H0);
    int64_t displaced = 0;
    for (int64_t t = -3; t < 40; t++) {
        int64_t before = w->br[0].employees;
        memset(&w->total, 0, sizeof w->total);
        cr_assert_eq(brand_end(w, t), AD_OK);
        double a_next = cfg_automation_at(bc, t + 1);
        int64_t want = (int64_t)llround((double)H0 * (1 - a_next) / (1 - 0.2));
        cr_assert_eq(w->br[0].employees, want, "after week %lld: %lld employees, want H0 (1 - a(t+1)) / (1 - a0) = %lld",
                     (long long)t, (long long)w->br[0].employees, (long long)want);
        cr_assert_eq(count_active(w, 0), want);
        if (t >= 0 && want < before) displaced += before - want;
        cr_assert_eq(w->displaced, displaced, "after week %lld: those fired in recorded weeks are displaced",
                     (long long)t);
        cr_assert_eq(w->br[1].employees, H1, "fixed staffing keeps its people");
        cr_assert_eq(w->br[0].H0, H0, "the reference does not move");
    }
    /* after the ramp: half the staff (0.4 / 0.8) */
    cr_assert_eq(w->br[0].employees, (int64_t)llround(H0 * 0.5));
    ad_world_free(w);
}

Test(staffing, follow_demand_closes_a_fraction_of_the_gap)
{
    ad_world *w = make_world(TWO_BRANDS, SETS("employee.capacity=50", "staffing.target_utilisation=0.8",
                                              "staffing.adjust_rate=0.1", "brands.[1].staffing=fixed"));
    /* target headcount D / (C u) = D / 40 */
    struct { int64_t H, D, want; } cs[] = {
        {100, 40 * 200, 110},  /* gap +100: +10 */
        {100, 40 * 50, 95},    /* gap -50: -5 */
        {100, 40 * 105, 101},  /* gap +5: round(0.5) ... */
        {100, 40 * 103, 101},  /* gap +3: round(0.3) = 0, but a whole person: +1 */
        {100, 40 * 97, 99},    /* gap -3: -1 */
        {100, 40 * 100 + 20, 100}, /* gap +0.5: below one person, no move */
        {0, 40 * 30, 3},       /* from nobody */
        {5, 0, 4},             /* no demand: -0.5 rounds away from zero? llround(-0.5) = -1 */
    };
    for (size_t k = 0; k < sizeof cs / sizeof *cs; k++) {
        cr_assert_eq(emp_set_headcount(w, 0, cs[k].H, 0), AD_OK);
        memset(&w->total, 0, sizeof w->total);
        w->br[0].demand = cs[k].D;
        w->br[0].demand_plan = 0; /* no forecast yet: staff for this week's demand */
        cr_assert_eq(brand_end(w, 0), AD_OK);
        double gap = (double)cs[k].D / 40.0 - (double)cs[k].H;
        int64_t move = (int64_t)llround(0.1 * gap);
        if (move == 0 && fabs(gap) >= 1.0) move = gap > 0 ? 1 : -1;
        cr_assert_eq(cs[k].H + move, cs[k].want, "case %zu: the formula itself", k);
        cr_assert_eq(w->br[0].employees, cs[k].want, "case %zu: H %lld, D %lld: %lld employees, want %lld", k,
                     (long long)cs[k].H, (long long)cs[k].D, (long long)w->br[0].employees, (long long)cs[k].want);
    }
    ad_world_free(w);
}

Test(staffing, follow_automation_in_a_run_through_the_public_api)
{
    /* employees[t] = round(employees[0] (1 - a(t)) / (1 - a0)) in the
     * recorded observables: the headcount of week t was set at the end of
     * week t - 1 for a(t) */
    int64_t n;
    const char *text =
        "scenario = { name = \"fa\"; seed = 5; weeks = 30; warmup = 54; };\n"
        "population = { customers = 1500; };\n"
        "market = { price_adjust = 0.0; };\n" /* else A's wage bill prices it out */
        "brands = (\n"
        "  { name = \"A\"; share = 0.5; staff_per_1000 = 30.0; staffing = \"follow_automation\";\n"
        "    automation = { start = 0.1; target = 0.7; ramp_start = 3; ramp_weeks = 20; }; },\n"
        "  { name = \"B\"; share = 0.5; staff_per_1000 = 30.0; staffing = \"fixed\";\n"
        "    automation = { start = 0.1; }; }\n"
        ");\n";
    ad_obs *o = ms_run(text, NULL, 1, &n);
    double H0 = o[0].brand[AD_B_employees][0];
    cr_assert_gt(H0, 15, "H0 %g customers %g %g", H0, o[0].brand[AD_B_customers][0], o[0].brand[AD_B_customers][1]);
    double displaced = 0;
    for (int64_t t = 0; t < n; t++) {
        double a = o[t].brand[AD_B_automation][0];
        cr_assert_float_eq(a, t < 3 ? 0.1 : fmin(0.7, 0.1 + 0.6 * (t - 3) / 20.0), 1e-12);
        double want = (double)llround(H0 * (1 - a) / (1 - 0.1));
        cr_assert_eq(o[t].brand[AD_B_employees][0], want, "week %lld", (long long)t);
        cr_assert_eq(o[t].brand[AD_B_employees][1], o[0].brand[AD_B_employees][1], "fixed: week %lld", (long long)t);
        if (t > 0) displaced += o[t - 1].brand[AD_B_employees][0] - o[t].brand[AD_B_employees][0];
        cr_assert_eq(o[t].market[AD_M_jobs_displaced], displaced, "week %lld", (long long)t);
    }
    free(o);
}

/* Disabled: shows a bug to fix (brand.c apply_interventions, the
 * staff_per_1000 branch). A staff_per_1000 intervention sets the headcount
 * to the new ratio and makes it H0, but follow_automation then scales H0 by
 * (1 - a(t+1)) / (1 - a_start) at the end of the same week, so once
 * automation has moved the brand hires for one week and fires them the next
 * (counted as displaced). docs/model.md section 6 says the intervention has
 * no effect at all. Either behaviour passes this test; the current one does
 * not. Enable it once fixed. */
Test(staffing, staff_per_1000_intervention_under_follow_automation_does_not_spike)
{
    int64_t n;
    const char *text =
        "scenario = { name = \"iv\"; seed = 5; weeks = 30; warmup = 54; };\n"
        "population = { customers = 1500; };\n"
        "market = { price_adjust = 0.0; };\n"
        "brands = (\n"
        "  { name = \"A\"; share = 0.5; staff_per_1000 = 30.0; staffing = \"follow_automation\";\n"
        "    automation = { start = 0.1; target = 0.7; ramp_start = 0; ramp_weeks = 10; }; },\n"
        "  { name = \"B\"; share = 0.5; staff_per_1000 = 30.0; staffing = \"fixed\";\n"
        "    automation = { start = 0.1; }; }\n"
        ");\n"
        "interventions = ( { week = 20; brand = \"A\"; key = \"staff_per_1000\"; value = 30.0; } );\n";
    ad_obs *o = ms_run(text, NULL, 1, &n);
    /* automation is flat at 0.7 from week 10 on: so must be the headcount
     * from week 20 on, whatever the intervention does, and nobody is
     * displaced after week 11 */
    for (int64_t t = 21; t < n; t++) {
        cr_assert_eq(o[t].brand[AD_B_employees][0], o[20].brand[AD_B_employees][0],
                     "week %lld: %g employees, week 20: %g", (long long)t, o[t].brand[AD_B_employees][0],
                     o[20].brand[AD_B_employees][0]);
        cr_assert_eq(o[t].market[AD_M_jobs_displaced], o[12].market[AD_M_jobs_displaced],
                     "week %lld: %g displaced, %g at week 12", (long long)t, o[t].market[AD_M_jobs_displaced],
                     o[12].market[AD_M_jobs_displaced]);
    }
    free(o);
}
