/* brand.c: see brand.h. Runs serially (but for the count of customers per
 * brand in brand_staff_from_customers: a parallel loop of integer counts);
 * reads w->total (this step's sums in thread order) and never the
 * per-thread accumulators. */
#include "brand.h"

#include <math.h>
#include <string.h>

#include "config.h"
#include "state.h"
#include "customer.h"
#include "employee.h"
#include "equations.h"

void brand_init(ad_world *w)
{
    for (int b = 0; b < w->nb; b++) {
        const ad_brand_cfg *bc = &w->cfg.brands[b];
        ad_brand_state *s = &w->br[b];
        memset(s, 0, sizeof *s);
        s->q = bc->quality;
        s->m = bc->promotion;
        s->v = bc->place;
        s->price = bc->price;
        s->ref_price = bc->price;
        s->att_rel = w->cfg.e0 * 0.6; /* a first guess; the warm-up settles it */
        s->trans_share = 1.0 - w->cfg.need_median;
        s->shock_event = -1;
        s->exit_week = -1;
        s->dil = 1.0;
        s->share = 1.0 / w->nb;
    }
    w->sigma = 0.5;
    w->mean_price = 0;
    for (int b = 0; b < w->nb; b++) w->mean_price += w->br[b].price / w->nb;
}

/* interventions of recorded week t write the brand's configuration; the four
 * P's also live in the state, which commoditisation and pricing move */
static int apply_interventions(ad_world *w, int64_t t)
{
    for (int k = 0; k < w->cfg.n_interventions; k++) {
        const ad_intervention *iv = &w->cfg.interventions[k];
        if (iv->week != t) continue;
        const ad_param *p = &ad_param_table[iv->param];
        cfg_apply_intervention(&w->cfg, iv);
        ad_brand_state *s = &w->br[iv->brand];
        if (strcmp(p->key, "quality") == 0) s->q = iv->value;
        else if (strcmp(p->key, "promotion") == 0) s->m = iv->value;
        else if (strcmp(p->key, "place") == 0) s->v = iv->value;
        else if (strcmp(p->key, "price") == 0) {
            s->price = iv->value;
            s->price_fixed = 1; /* set by the user: no longer follows costs */
        }
        else if (strcmp(p->key, "staff_per_1000") == 0) {
            /* a staffing decision: headcount to the new ratio now */
            int64_t H = (int64_t)llround(iv->value * (double)s->customers / 1000.0);
            if (emp_set_headcount(w, iv->brand, H, 1)) return AD_ERR_NOMEM;
            /* the follow_automation reference that gives H at today's a */
            const ad_brand_cfg *bc = &w->cfg.brands[iv->brand];
            double a = cfg_automation_at(bc, t);
            s->H0 = a < 1 && bc->auto_start < 1 ? (int64_t)llround((double)H * (1 - bc->auto_start) / (1 - a)) : H;
        }
    }
    return AD_OK;
}

int brand_begin(ad_world *w, int64_t t)
{
    const ad_config *c = &w->cfg;
    if (t >= 0 && apply_interventions(w, t)) return AD_ERR_NOMEM;
    double pw = 0;
    for (int b = 0; b < w->nb; b++) {
        const ad_brand_cfg *bc = &c->brands[b];
        ad_brand_state *s = &w->br[b];
        s->a = cfg_automation_at(bc, t);
        s->a_hist[s->a_n % 52] = s->a;
        s->a_n++;
        int n = s->a_n < 52 ? s->a_n : 52;
        double sum = 0;
        for (int k = 0; k < n; k++) sum += s->a_hist[k];
        s->abar = sum / n;
        s->F = c->wq * s->q + c->wm * s->m + c->wv * s->v;
        /* shocks: visits and stated intention decay with their half-lives */
        s->f = 1.0;
        s->stated = 0;
        s->shock_event = -1;
        for (int e = 0; e < c->n_events; e++) {
            const ad_event *ev = &c->events[e];
            if (ev->brand != b || t < ev->week) continue;
            double age = (double)(t - ev->week);
            s->f *= 1.0 - ev->visits * pow(0.5, age / ev->half_life);
            double st = ev->stated * pow(0.5, age / ev->stated_half_life);
            if (st > s->stated) { s->stated = st; s->shock_event = e; }
        }
        s->q_h = eq_human_success(c->q_h, c->q_emp, bc->empowerment);
        s->q_machine_rel = eq_machine_gap(c->q_ar, c->q_at, c->rel_gap);
        eq_routing(bc->routing == AD_ROUTE_BY_NEED, s->a, s->trans_share, &s->p_auto_trans, &s->p_auto_rel);
        s->surprise = eq_price_surprise(s->price, s->ref_price);
        s->U_base = eq_utility_brand(c->beta_F, s->F, c->beta_p, s->price, c->beta_ref, s->surprise, c->beta_rep, s->rep,
                                     c->beta_shock, c->stated_effect * s->stated);
        if (s->exit_week >= 0) s->U_base = -HUGE_VAL; /* left the market: nobody chooses it */
        s->R = eq_relational_value(s->att_rel, c->theta, w->sigma);
        pw += s->share * s->price;
    }
    w->mean_price = pw > 0 ? pw : w->br[0].price;
    if (t == 0) w->mean_price0 = w->mean_price; /* the centre of the price band (brand_end) */
    return AD_OK;
}

void brand_mid(ad_world *w)
{
    const ad_config *c = &w->cfg;
    for (int b = 0; b < w->nb; b++) {
        int64_t D = 0;
        for (int k = 0; k < w->acc_n; k++) D += w->acc[k].v[b][AC_HUMAN];
        ad_brand_state *s = &w->br[b];
        s->demand = D;
        s->dil = eq_dilution(s->employees, c->capacity, D);
        s->att_factor = eq_attention_factor(s->dil, c->att_floor, c->brands[b].hr_marketing);
        /* the attention the brand's people give on average (their mean
         * engagement now), which a machine gives where a switch closes its gap */
        double e_sum = 0;
        const int64_t h0 = w->active_off[b], h1 = w->active_off[b + 1];
        for (int64_t h = h0; h < h1; h++) e_sum += w->e_eng[w->active[h]];
        const double e_mean = h1 > h0 ? e_sum / (double)(h1 - h0) : c->e0;
        s->att_person = eq_person_attention(e_mean, s->att_factor, c->e0, c->att_eng);
        s->att_machine = eq_machine_gap(c->a_bot, s->att_person, c->att_gap);
        s->att_machine_rel = eq_machine_gap(c->a_bot, s->att_person, c->att_gap * c->rel_gap);
    }
}

static double sd(const double *x, int n)
{
    if (n < 2) return 0;
    double m = 0, v = 0;
    for (int k = 0; k < n; k++) m += x[k];
    m /= n;
    for (int k = 0; k < n; k++) v += (x[k] - m) * (x[k] - m);
    return sqrt(v / n);
}

static double ratio(double a, double b) { return b != 0 ? a / b : 0.0; }

/* fills w->obs from this step's sums and the brand state */
static void observe(ad_world *w, const double *revenue, const double *cost, const double *tips)
{
    const ad_config *c = &w->cfg;
    ad_obs *o = &w->obs;
    memset(o, 0, sizeof *o);
    double tot[AC_N] = {0};
    double fun[AD_MAX_BRANDS], pri[AD_MAX_BRANDS], rel[AD_MAX_BRANDS], sum[AD_MAX_BRANDS];
    double prem_w = 0, prem_sum = 0; /* the human premium, weighted by relational contacts */
    double bills = 0, tips_all = 0, hhi = 0;
    for (int b = 0; b < w->nb; b++) {
        const int64_t *v = w->total.v[b];
        const ad_brand_state *s = &w->br[b];
        for (int k = 0; k < AC_N; k++) tot[k] += (double)v[k];
        double visits = (double)v[AC_VISITS], cust = (double)v[AC_CUST], act = (double)v[AC_ACTIVE];
        double share = cust / (double)w->n;
        hhi += share * share;
        double *B[AD_N_BRAND];
        for (int k = 0; k < AD_N_BRAND; k++) B[k] = &o->brand[k][b];
        *B[AD_B_customers] = cust;
        *B[AD_B_market_share] = share;
        *B[AD_B_visits] = visits;
        *B[AD_B_human_contacts] = (double)(v[AC_HUMAN] - v[AC_NOSTAFF]);
        *B[AD_B_automated_contacts] = (double)v[AC_AUTO];
        *B[AD_B_escalations] = (double)v[AC_ESC];
        *B[AD_B_relational_human_share] = ratio((double)v[AC_REL_HUMAN], (double)v[AC_REL]);
        *B[AD_B_frustrated_contacts] = (double)v[AC_FRUST];
        *B[AD_B_mean_attention] = ratio(v[AC_ATT] / AD_FX, visits);
        *B[AD_B_mean_satisfaction] = ratio(v[AC_SAT] / AD_FX, visits);
        *B[AD_B_mean_loyalty] = ratio(v[AC_LOY] / AD_FX, cust);
        *B[AD_B_churn_rate] = ratio((double)v[AC_OUT], (double)s->customers);
        *B[AD_B_nps] = 100.0 * ratio((double)(v[AC_PROM] - v[AC_DET]), visits);
        /* a brand without staff has no engagement: not a number, not 0 */
        *B[AD_B_engagement] = act > 0 ? v[AC_ENG] / AD_FX / act : NAN;
        *B[AD_B_engaged_share] = act > 0 ? (double)v[AC_ENGAGED] / act : NAN;
        *B[AD_B_employees] = (double)s->employees;
        *B[AD_B_reputation] = s->rep;
        *B[AD_B_functional_value] = s->F;
        *B[AD_B_relational_value] = s->R;
        *B[AD_B_price] = s->price;
        *B[AD_B_automation] = s->a;
        *B[AD_B_revenue] = revenue[b];
        *B[AD_B_cost] = cost[b];
        *B[AD_B_profit] = revenue[b] - cost[b];
        *B[AD_B_tips] = tips[b];
        double bill = s->price * (double)v[AC_TIPPED];
        *B[AD_B_tip_rate] = ratio(tips[b], bill);
        *B[AD_B_stated_avoidance] = ratio((double)v[AC_AVOID], cust);
        bills += bill;
        tips_all += tips[b];
        fun[b] = c->beta_F * s->F;
        pri[b] = -(c->beta_p * s->price);
        rel[b] = c->beta_R * w->need_mean * s->R + c->beta_rep * s->rep;
        sum[b] = fun[b] + pri[b] + rel[b];
        /* the human premium (C2): relational contacts served by a person
         * against those a machine solved, within the brand */
        const double nh = (double)v[AC_REL_DIRECT], nr = (double)v[AC_REL_BOT];
        double prem = NAN;
        if (nh > 0 && nr > 0) {
            prem = (double)v[AC_SAT_REL_DIRECT] / AD_FX / nh - (double)v[AC_SAT_REL_BOT] / AD_FX / nr;
            prem_sum += (nh + nr) * prem;
            prem_w += nh + nr;
        }
        *B[AD_B_human_premium] = prem;
        *B[AD_B_in_market] = s->exit_week < 0 ? 1.0 : 0.0;
        if (s->exit_week >= 0) { /* left the market: what describes its offer and customers is no number */
            static const int gone[] = {AD_B_relational_human_share, AD_B_mean_attention, AD_B_mean_satisfaction,
                                       AD_B_mean_loyalty, AD_B_churn_rate, AD_B_nps, AD_B_engagement,
                                       AD_B_engaged_share, AD_B_reputation, AD_B_functional_value,
                                       AD_B_relational_value, AD_B_price, AD_B_tip_rate, AD_B_stated_avoidance,
                                       AD_B_human_premium};
            for (size_t k = 0; k < sizeof gone / sizeof *gone; k++) *B[gone[k]] = NAN;
        }
    }
    double *M = o->market;
    double visits = tot[AC_VISITS];
    M[AD_M_automation_share] = ratio(tot[AC_AUTO], visits);
    M[AD_M_human_contact_share] = ratio(tot[AC_HUMAN] - tot[AC_NOSTAFF], visits);
    M[AD_M_attention_scarcity] = visits > 0 ? 1.0 - tot[AC_ATT] / AD_FX / visits : 1.0;
    M[AD_M_mean_attention_deficit] = tot[AC_DEFICIT] / AD_FX / (double)w->n;
    M[AD_M_attention_value] = 1.0 + c->theta * M[AD_M_attention_scarcity];
    M[AD_M_customer_nps] = 100.0 * ratio(tot[AC_PROM] - tot[AC_DET], visits);
    M[AD_M_promoter_share] = ratio(tot[AC_PROM], visits);
    M[AD_M_detractor_share] = ratio(tot[AC_DET], visits);
    M[AD_M_employee_nps] = tot[AC_ACTIVE] > 0 ? 100.0 * (tot[AC_ENGAGED] - tot[AC_DISENGAGED]) / tot[AC_ACTIVE] : NAN;
    M[AD_M_engaged_share] = tot[AC_ACTIVE] > 0 ? tot[AC_ENGAGED] / tot[AC_ACTIVE] : NAN;
    M[AD_M_tips_total] = tips_all;
    M[AD_M_tip_rate] = ratio(tips_all, bills);
    M[AD_M_differentiation_functional] = sd(fun, w->nb);
    M[AD_M_differentiation_price] = sd(pri, w->nb);
    M[AD_M_human_premium] = prem_w > 0 ? prem_sum / prem_w : NAN;
    M[AD_M_differentiation_relational] = sd(rel, w->nb);
    M[AD_M_differentiation_index] = sd(sum, w->nb);
    M[AD_M_hhi] = hhi;
    double jobs = 0;
    for (int b = 0; b < w->nb; b++) jobs += (double)w->br[b].employees;
    M[AD_M_jobs] = jobs;
    M[AD_M_jobs_displaced] = (double)w->displaced; /* up to the start of this week */
    M[AD_M_loyalty_human_served] = ratio(tot[AC_HUMAN_ONLY_LOY] / AD_FX, tot[AC_HUMAN_ONLY]);
    M[AD_M_loyalty_robot_served] = ratio(tot[AC_ROBOT_ONLY_LOY] / AD_FX, tot[AC_ROBOT_ONLY]);
    double n = tot[AC_TIPPED], sx = tot[AC_TIP_X] / AD_FX, sy = tot[AC_TIPRATE] / AD_FX;
    double sxx = tot[AC_TIP_XX] / AD_FX, sxy = tot[AC_TIP_XY] / AD_FX;
    double den = n * sxx - sx * sx;
    M[AD_M_tip_attention_slope] = den > 1e-12 * n * n ? (n * sxy - sx * sy) / den : 0.0;
    /* Pearson's r of tip and satisfaction (Lynn and McCall: about .11) */
    double ss = tot[AC_TIP_S] / AD_FX, sss = tot[AC_TIP_SS] / AD_FX, ssy = tot[AC_TIP_SY] / AD_FX;
    double syy = tot[AC_TIP_YY] / AD_FX;
    double vs = n * sss - ss * ss, vy = n * syy - sy * sy;
    M[AD_M_tip_satisfaction_r] = vs > 1e-12 * n * n && vy > 1e-12 * n * n ? (n * ssy - ss * sy) / sqrt(vs * vy) : 0.0;
}

int brand_end(ad_world *w, int64_t t)
{
    const ad_config *c = &w->cfg;
    double revenue[AD_MAX_BRANDS], cost[AD_MAX_BRANDS], tips[AD_MAX_BRANDS];
    double att = 0, visits_all = 0, F_mean[3] = {0, 0, 0};
    for (int b = 0; b < w->nb; b++) {
        const int64_t *v = w->total.v[b];
        const ad_brand_cfg *bc = &c->brands[b];
        ad_brand_state *s = &w->br[b];
        double visits = (double)v[AC_VISITS], act = (double)v[AC_ACTIVE];
        /* step 11: economics of this week */
        revenue[b] = s->price * visits;
        cost[b] = s->exit_week >= 0 ? 0.0 /* left the market: no costs */
                                    : bc->cogs * visits + bc->wage * act + bc->auto_cost * (double)v[AC_AUTO] +
                                          bc->auto_fixed * s->a + (bc->empowerment + bc->hr_cost * bc->hr_investment) * act;
        tips[b] = s->price * (double)v[AC_TIPRATE] / AD_FX;
        if (visits > 0) s->unit_cost = cost[b] / visits;
        /* step 9: word of mouth (detractors weigh more) and ambassadors */
        if (visits > 0)
            s->rep = eq_reputation_wom(s->rep, c->rep_rate, (double)v[AC_PROM], c->det_weight, (double)v[AC_DET], visits);
        s->rep = eq_reputation_ambassadors(s->rep, c->amb_effect, ratio((double)v[AC_AMB_ENGAGED], act));
        if (v[AC_REL] > 0)
            s->att_rel = eq_attention_known(s->att_rel, c->rel_memory, (double)v[AC_ATT_REL] / AD_FX / (double)v[AC_REL]);
        if (visits > 0) s->trans_share = 1.0 - (double)v[AC_REL] / visits;
        att += (double)v[AC_ATT] / AD_FX;
        visits_all += visits;
        F_mean[0] += s->q / w->nb;
        F_mean[1] += s->m / w->nb;
        F_mean[2] += s->v / w->nb;
    }
    w->sigma = visits_all > 0 ? 1.0 - att / visits_all : 1.0;
    for (int b = 0; b < w->nb; b++) w->br[b].R = eq_relational_value(w->br[b].att_rel, c->theta, w->sigma);
    /* step 12: observe this week (its prices, headcounts and values) before
     * the updates below set next week's */
    if (t >= 0) observe(w, revenue, cost, tips);
    int64_t next = t + 1;
    for (int b = 0; b < w->nb; b++) {
        const ad_brand_cfg *bc = &c->brands[b];
        ad_brand_state *s = &w->br[b];
        const int64_t *v = w->total.v[b];
        /* the trends, commoditisation and cost-following prices, per week:
         * from week 0 on; the warm-up holds the brands' parameters still, so
         * that it settles to the market of the configuration */
        if (t >= 0) {
            double k = c->commod / 52.0;
            s->q += k * (F_mean[0] - s->q);
            s->m += k * (F_mean[1] - s->m);
            s->v += k * (F_mean[2] - s->v);
            if (v[AC_VISITS] > 0 && !s->price_fixed) {
                s->price += c->price_adjust / 52.0 * (s->unit_cost + bc->markup - s->price);
                /* within the band around the market's mean price at week 0:
                 * a brand whose fixed wages are spread over few contacts
                 * does not follow them to a price nobody pays */
                s->price = eq_clamp(s->price, w->mean_price0 / c->price_band, w->mean_price0 * c->price_band);
            }
            if (s->price < 0.01) s->price = 0.01;
        }
        /* customers remember this week's price (interventions and the
         * price following costs move it; the warm-up holds it still) */
        s->ref_price = eq_reference_price(s->ref_price, s->price, c->price_memory);
        s->customers = v[AC_CUST];
        s->share = (double)v[AC_CUST] / (double)w->n;
        s->demand_last = s->demand;
        /* a brand below market.exit_share for a year of recorded weeks
         * leaves the market: nobody chooses it from now on, its customers
         * choose again, its staff go (counted as displaced), its costs stop */
        if (t >= 0 && s->exit_week < 0 && c->exit_share > 0) {
            s->small_weeks = s->share < c->exit_share ? s->small_weeks + 1 : 0;
            if (s->small_weeks >= 52) {
                s->exit_week = t;
                s->U_base = -HUGE_VAL;
                cust_choose_away(w, b);
            }
        }
        /* staffing for next week */
        int64_t H = s->employees;
        if (s->exit_week >= 0) {
            H = 0;
        } else if (bc->staffing == AD_STAFF_FOLLOW_DEMAND) {
            /* close a fraction of the gap, at least one person when the gap
             * is a whole person or more (else small brands never adjust) */
            s->demand_plan = s->demand_plan > 0 ? s->demand_plan + c->demand_memory * ((double)s->demand - s->demand_plan)
                                                : (double)s->demand;
            double gap = s->demand_plan / ((double)c->capacity * c->utilisation) - (double)H;
            int64_t move = (int64_t)llround(c->adjust_rate * gap);
            if (move == 0 && c->adjust_rate > 0 && fabs(gap) >= 1.0) move = gap > 0 ? 1 : -1;
            H += move;
        } else if (bc->staffing == AD_STAFF_FOLLOW_AUTOMATION && bc->auto_start < 1) {
            H = (int64_t)llround((double)s->H0 * (1.0 - cfg_automation_at(bc, next)) / (1.0 - bc->auto_start));
        }
        if (H != s->employees && emp_set_headcount(w, b, H, t >= 0)) return AD_ERR_NOMEM;
    }
    return AD_OK;
}

int brand_staff_from_customers(ad_world *w)
{
    int64_t count[AD_MAX_BRANDS] = {0};
    const uint8_t *brand = w->brand;
    #pragma omp parallel for schedule(static) reduction(+ : count[:AD_MAX_BRANDS]) num_threads(w->threads)
    for (int64_t i = 0; i < w->n; i++) count[brand[i]]++;
    for (int b = 0; b < w->nb; b++) {
        ad_brand_state *s = &w->br[b];
        s->customers = count[b];
        s->share = (double)count[b] / (double)w->n;
        int64_t H = (int64_t)llround(w->cfg.brands[b].staff_per_1000 * (double)count[b] / 1000.0);
        if (emp_set_headcount(w, b, H, 0)) return AD_ERR_NOMEM;
        s->H0 = H;
    }
    emp_rebuild_active(w);
    return AD_OK;
}
