/* state.c: a world's whole state as named arrays (aandacht.h, sim/state.h),
 * and a world made from a saved one.
 *
 * What carries from one week to the next: every customer array but the
 * week's contact codes, the employee pool (its used slots), the network,
 * each brand's state, and the market's figures. What is not listed is made
 * anew each week (contact codes, warmth and load, the active staff lists,
 * the accumulators, the reconsidering factor of the burn-in), follows from
 * what is listed (the neighbours' counts on each brand, soc_count.c; the
 * network's block offsets), or from the configuration (the reconsidering
 * table). A new field of ad_world or ad_brand_state must be listed here or
 * said to be one of those: the size checks below fail until it is.
 */
#include <stddef.h>
#include <string.h>

#include "brand.h"
#include "employee.h"
#include "network.h"
#include "soc_count.h"
#include "state.h"
#include "world.h"

/* Sizes when this list was last checked against the structures (x86-64 and
 * the other LP64 targets); see the comment at the top. */
_Static_assert(sizeof(ad_brand_state) == 720, "a field of ad_brand_state is new: list it in brand_fields (state.c)");
_Static_assert(sizeof(struct ad_world) == 55688, "a field of ad_world is new (or a size in it changed): list it in ad_world_state (state.c)");

typedef struct brand_field {
    const char *name, *doc;
    ad_state_type type;
    size_t offset, size;
} brand_field;

#define BF(field, type, doc) {#field, doc, type, offsetof(ad_brand_state, field), sizeof(((ad_brand_state *)0)->field)}
static const brand_field brand_fields[] = {
    BF(q, AD_ST_F64, "quality now"),
    BF(m, AD_ST_F64, "promotion now"),
    BF(v, AD_ST_F64, "place now"),
    BF(price, AD_ST_F64, "price now"),
    BF(ref_price, AD_ST_F64, "reference price customers remember"),
    BF(surprise, AD_ST_F64, "price surprise (p - p_ref) / p_ref this week"),
    BF(F, AD_ST_F64, "functional value"),
    BF(a, AD_ST_F64, "automation share this week"),
    BF(abar, AD_ST_F64, "automation share, mean of the past year"),
    BF(a_hist, AD_ST_F64, "automation share of the last 52 weeks (a ring)"),
    BF(a_n, AD_ST_I32, "weeks in the ring a_hist"),
    BF(rep, AD_ST_F64, "word-of-mouth reputation in [-1, 1]"),
    BF(att_rel, AD_ST_F64, "the market's knowledge of attention per relational contact"),
    BF(R, AD_ST_F64, "relational value"),
    BF(dil, AD_ST_F64, "dilution this week"),
    BF(employees, AD_ST_I64, "active headcount"),
    BF(H0, AD_ST_I64, "reference headcount of follow_automation staffing"),
    BF(demand, AD_ST_I64, "human demand this week (contacts)"),
    BF(demand_last, AD_ST_I64, "human demand last week (contacts)"),
    BF(demand_plan, AD_ST_F64, "smoothed human demand that follow_demand staffs for"),
    BF(trans_share, AD_ST_F64, "transactional share of contacts last week"),
    BF(p_auto_trans, AD_ST_F64, "routing probability of a transactional contact to automation"),
    BF(p_auto_rel, AD_ST_F64, "routing probability of a relational contact to automation"),
    BF(f, AD_ST_F64, "visit-rate factor after shocks"),
    BF(stated, AD_ST_F64, "stated avoidance after shocks"),
    BF(shock_event, AD_ST_I32, "event behind stated (-1: none)"),
    BF(q_h, AD_ST_F64, "human success rate with empowerment"),
    BF(q_machine_rel, AD_ST_F64, "a machine's success on a relational contact"),
    BF(att_person, AD_ST_F64, "attention a person of the brand gives this week, on average"),
    BF(att_machine, AD_ST_F64, "attention of an automated transactional contact"),
    BF(att_machine_rel, AD_ST_F64, "attention of an automated relational contact"),
    BF(U_base, AD_ST_F64, "brand part of the choice utility"),
    BF(att_factor, AD_ST_F64, "attention factor of dilution and HR marketing"),
    BF(customers, AD_ST_I64, "customers at the start of the week"),
    BF(share, AD_ST_F64, "market share at the start of the week"),
    BF(unit_cost, AD_ST_F64, "cost per contact last week"),
    BF(price_fixed, AD_ST_I32, "1: an intervention set the price (it no longer follows costs)"),
    BF(small_weeks, AD_ST_I64, "recorded weeks in a row below market.exit_share"),
    BF(exit_week, AD_ST_I64, "recorded week the brand left the market (-1: in it)"),
};
#undef BF
#define N_BRAND_FIELDS ((int)(sizeof brand_fields / sizeof brand_fields[0]))

static void add(ad_state *st, const char *group, const char *name, const char *doc, ad_state_type type, int64_t count,
                int width, size_t stride, void *data)
{
    if (st->n >= AD_STATE_MAX_VARS) return; /* cannot happen: the lists below are fixed */
    st->var[st->n++] = (ad_state_var){group, name, doc, type, count, width, stride, data};
}

void ad_world_state(ad_world *w, ad_state *st)
{
    memset(st, 0, sizeof *st);
    st->steps = w->steps;
    st->week = w->steps - w->cfg.warmup - 1;
    st->sizes = (ad_state_sizes){w->n, w->ne, (int64_t)net_far_links(&w->net), w->nb};
    const int64_t n = w->n;
    add(st, "customers", "brand", "brand of each customer (index into brand)", AD_ST_U8, n, 1, 0, w->brand);
    add(st, "customers", "experience", "last experience: -1 detractor, 0 passive, 1 promoter", AD_ST_I8, n, 1, 0,
        w->exper);
    add(st, "customers", "loyalty", "loyalty l", AD_ST_F32, n, 1, 0, w->loyalty);
    add(st, "customers", "expectation", "expectation x", AD_ST_F32, n, 1, 0, w->expect);
    add(st, "customers", "deficit", "attention deficit d", AD_ST_F32, n, 1, 0, w->deficit);
    add(st, "customers", "need", "relational need r (fixed trait)", AD_ST_F32, n, 1, 0, w->need);
    add(st, "customers", "openness", "openness o (fixed trait)", AD_ST_F32, n, 1, 0, w->open);
    add(st, "customers", "contact_rate", "contact rate lambda (fixed trait)", AD_ST_F32, n, 1, 0, w->rate);
    add(st, "customers", "tip_propensity", "tip propensity (fixed trait)", AD_ST_F32, n, 1, 0, w->tipprop);
    if (w->deg > 0) {
        add(st, "network", "mask", "bit k set when link k of the customer is rewired", AD_ST_U16, n, 1, 0,
            w->net.mask);
        add(st, "network", "far", "targets of the rewired links, customer by customer", AD_ST_U32,
            st->sizes.far_links, 1, 0, w->net.far);
    }
    const int64_t ne = w->ne;
    add(st, "employees", "brand", "employer of each slot (index into brand)", AD_ST_U8, ne, 1, 0, w->e_brand);
    add(st, "employees", "active", "1: employed, 0: a free slot", AD_ST_U8, ne, 1, 0, w->e_active);
    add(st, "employees", "ambassador", "1: posts on social media for the brand", AD_ST_U8, ne, 1, 0, w->e_amb);
    add(st, "employees", "engagement", "engagement e", AD_ST_F32, ne, 1, 0, w->e_eng);
    add(st, "employees", "trait", "engagement trait (fixed at hiring)", AD_ST_F32, ne, 1, 0, w->e_trait);
    for (int k = 0; k < N_BRAND_FIELDS; k++) {
        const brand_field *f = &brand_fields[k];
        const int width = (int)(f->size / ad_state_type_size(f->type));
        add(st, "brands", f->name, f->doc, f->type, w->nb, width, sizeof(ad_brand_state), (char *)w->br + f->offset);
    }
    add(st, "market", "sigma", "attention scarcity of the last week", AD_ST_F64, 1, 1, 0, &w->sigma);
    add(st, "market", "mean_price", "customer-weighted mean price", AD_ST_F64, 1, 1, 0, &w->mean_price);
    add(st, "market", "mean_price0", "the same at week 0: the centre of the price band", AD_ST_F64, 1, 1, 0,
        &w->mean_price0);
    add(st, "market", "need_mean", "mean relational need of customers", AD_ST_F64, 1, 1, 0, &w->need_mean);
    add(st, "market", "displaced", "employees displaced since week 0", AD_ST_I64, 1, 1, 0, &w->displaced);
    add(st, "market", "warm_share", "brand shares a year before the warm-up's end", AD_ST_F64, w->nb, 1, 0,
        w->warm_share);
    add(st, "market", "warm_drift", "largest change of a share in the warm-up's last year (NaN before its end)",
        AD_ST_F64, 1, 1, 0, &w->warm_drift);
}

int ad_world_create_for_state(ad_world **out, const ad_config *cfg, int threads, const ad_state_sizes *sz,
                              ad_error *err)
{
    *out = NULL;
    if (sz->customers != cfg->customers || sz->brands != cfg->n_brands || sz->employees < 0 || sz->far_links < 0)
        return ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL,
                            "a state of %lld customers and %d brands does not fit a market of %lld and %d",
                            (long long)sz->customers, sz->brands, (long long)cfg->customers, cfg->n_brands);
    ad_world *w = world_alloc(cfg, threads);
    if (!w) return world_nomem(cfg, err);
    if (net_alloc_links(&w->net, w->n, w->deg, (uint64_t)sz->far_links) || emp_reserve(w, sz->employees)) {
        ad_world_free(w);
        return world_nomem(cfg, err);
    }
    w->ne = sz->employees;
    *out = w;
    return AD_OK;
}

int ad_world_state_loaded(ad_world *w, const ad_state *st, ad_error *err)
{
    if (net_restored(&w->net, (uint64_t)st->sizes.far_links, w->threads))
        return ad_error_set(err, AD_ERR_DAMAGED, NULL, 0, NULL,
                            "the saved network does not hold the %lld rewired links it says it has",
                            (long long)st->sizes.far_links);
    w->steps = st->steps;
    w->week = st->week >= 0 ? st->week : -1;
    /* the configuration as the saved run had it: the interventions of the
     * weeks already run have written their values (brand_begin) */
    for (int k = 0; k < w->cfg.n_interventions; k++)
        if (w->cfg.interventions[k].week <= st->week) cfg_apply_intervention(&w->cfg, &w->cfg.interventions[k]);
    soc_count_free(w); /* counted anew from the brands at the next step */
    return AD_OK;
}
