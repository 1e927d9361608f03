/* step.c: one week, in the order of MODEL.md.
 *
 *   brand_begin    1  policies, schedules, events, routing
 *   cust_contacts  2  contacts and routes (parallel over customers)
 *   brand_mid      3  human capacity and dilution
 *   cust_serve     4-8 service, tips, satisfaction, updates, switching
 *   emp_update     10 engagement (parallel over employees)
 *   brand_end      9, 11, 12 reputation, economics, staffing, observables
 * then the double buffers swap: what customers chose this week is what their
 * neighbours see next week. After the first warm-up year every customer
 * chooses again from the settled market; from then on to week 0 they
 * reconsider faster (ad_burn_in), so that recorded weeks start at the steady
 * state. The warm-up holds the brands' parameters still (no trends before
 * week 0: brand_end) and measures how far the shares still moved in its
 * last year (warm_drift).
 */
#include <math.h>
#include <string.h>

#include "brand.h"
#include "customer.h"
#include "employee.h"
#include "world.h"

/* The burn-in: from the redraw after the first warm-up year to the start
 * of the last, customers reconsider m times as often, m falling in a
 * straight line from warmup_speedup to 1 (annealed: the state a faster
 * reconsidering settles to moves back to the true one as m falls); the
 * last warm-up year runs at the ordinary rate, so that staff and
 * engagement settle after the burn-in's churn and that year's movement
 * of shares says whether the market settled. 1 in recorded weeks and
 * before the redraw. t: the recorded week (negative in the warm-up). */
double ad_burn_in(int64_t warmup, double speedup, int64_t t)
{
    const int64_t span = warmup - 104; /* weeks from the redraw to the last warm-up year */
    if (t >= -52 || span <= 0 || -t - 52 > span) return 1.0;
    return 1.0 + (speedup - 1.0) * (double)(-t - 52) / (double)span;
}

int step_run(ad_world *w)
{
    const ad_config *c = &w->cfg;
    int64_t t = w->steps - c->warmup;
    if (w->steps == 52 && c->warmup > 52) {
        cust_choose_all(w, 0);
        if (brand_staff_from_customers(w)) return AD_ERR_NOMEM;
    }
    /* burn-in: between the redraw and the last warm-up year customers
     * reconsider faster, so shares settle before week 0 */
    w->psw_mult = ad_burn_in(c->warmup, c->warmup_speedup, t);
    w->recording = t >= 0 && c->snapshot_every > 0 && t % c->snapshot_every == 0;
    for (int k = 0; k < w->acc_n; k++) {
        memset(w->acc[k].v, 0, sizeof w->acc[k].v);
        if (w->recording) memset(w->acc[k].hist, 0, sizeof w->acc[k].hist);
    }
    if (brand_begin(w, t)) return AD_ERR_NOMEM;
    emp_rebuild_active(w);
    cust_contacts(w);
    brand_mid(w);
    cust_serve(w);
    emp_update(w);
    world_sum_acc(w);
    int rc = brand_end(w, t);
    /* did the warm-up settle? each brand's share a year before its end (or
     * at its start), against its share at the end */
    if (t == -53)
        for (int b = 0; b < w->nb; b++) w->warm_share[b] = w->br[b].share;
    if (t == -1) {
        w->warm_drift = 0;
        for (int b = 0; b < w->nb; b++) {
            const double d = fabs(w->br[b].share - w->warm_share[b]);
            if (d > w->warm_drift) w->warm_drift = d;
        }
    }

    uint8_t *pb = w->brand;
    w->brand = w->brand_next;
    w->brand_next = pb;
    int8_t *pe = w->exper;
    w->exper = w->exper_next;
    w->exper_next = pe;
    w->steps++;
    if (t >= 0) w->week = t;
    return rc;
}
