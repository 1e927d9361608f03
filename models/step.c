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
 * chooses again from the settled market; until the last warm-up year they
 * reconsider warmup_speedup times as often (a burn-in), so that recorded
 * weeks start at the steady state.
 */
#include <string.h>

#include "brand.h"
#include "customer.h"
#include "employee.h"
#include "world.h"

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
    w->psw_mult = w->steps >= 52 && t < -52 ? c->warmup_speedup : 1.0;
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
