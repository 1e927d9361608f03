/* state.c: what a saved state allows a later run to change (state.h). */
#include "state.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t ad_state_type_size(ad_state_type t)
{
    switch (t) {
    case AD_ST_U8: case AD_ST_I8: return 1;
    case AD_ST_U16: return 2;
    case AD_ST_I32: case AD_ST_U32: case AD_ST_F32: return 4;
    case AD_ST_I64: case AD_ST_U64: case AD_ST_F64: return 8;
    }
    return 0;
}

void cfg_apply_intervention(ad_config *cfg, const ad_intervention *iv)
{
    const ad_param *p = &ad_param_table[iv->param];
    void *at = ad_param_ptr(cfg, p, iv->brand);
    if (p->type == AD_PT_REAL) *(double *)at = iv->value;
    else if (p->type == AD_PT_INT) *(int64_t *)at = (int64_t)iv->value;
    else *(int *)at = (int)iv->value;
}

/* The scenario-wide keys a state depends on whole: the seed and the warm-up
 * (which weeks are which), and every population and network key (the
 * customers' traits and who hears whom are in the state). */
static int structural(const char *key)
{
    return !strcmp(key, "scenario.seed") || !strcmp(key, "scenario.warmup") ||
           !strcmp(key, "scenario.warmup_speedup") || !strncmp(key, "population.", 11) ||
           !strncmp(key, "network.", 8);
}

static int same_value(const ad_config *a, const ad_config *b, const ad_param *p, int brand)
{
    if (p->type == AD_PT_STRING) return !strcmp(ad_param_cptr(a, p, brand), ad_param_cptr(b, p, brand));
    const double x = ad_param_get(a, p, brand), y = ad_param_get(b, p, brand);
    return x == y || (isnan(x) && isnan(y));
}

static void value_text(const ad_config *c, const ad_param *p, char *buf, size_t n)
{
    if (p->type == AD_PT_STRING) snprintf(buf, n, "\"%s\"", (const char *)ad_param_cptr(c, p, 0));
    else snprintf(buf, n, "%.17g", ad_param_get(c, p, 0));
}

static int same_event(const ad_event *a, const ad_event *b)
{
    return a->week == b->week && a->brand == b->brand && a->type == b->type && a->stated == b->stated &&
           a->visits == b->visits && a->half_life == b->half_life && a->stated_half_life == b->stated_half_life;
}

static int same_intervention(const ad_intervention *a, const ad_intervention *b)
{
    return a->week == b->week && a->brand == b->brand && a->param == b->param && a->value == b->value;
}

int cfg_state_check(const ad_config *saved, const ad_config *now, int64_t week, const char *what, ad_error *err)
{
    char was[64], is[64];
    for (int k = 0; k < ad_param_count; k++) {
        const ad_param *p = &ad_param_table[k];
        if (p->scope != AD_SCOPE_G || !structural(p->key) || same_value(saved, now, p, 0)) continue;
        value_text(saved, p, was, sizeof was);
        value_text(now, p, is, sizeof is);
        return ad_error_set(err, AD_ERR_CONFIG, now->source, 0, p->key,
                            "is %s here but %s in the state %s was saved with: a run from a saved state keeps its "
                            "seed, warm-up, population and network (run without --from to change it)",
                            is, was, what);
    }
    if (now->n_brands != saved->n_brands)
        return ad_error_set(err, AD_ERR_CONFIG, now->source, 0, "brands",
                            "has %d brands here but %d in the state %s: a run from a saved state keeps its brands",
                            now->n_brands, saved->n_brands, what);
    for (int b = 0; b < now->n_brands; b++)
        if (strcmp(now->brands[b].name, saved->brands[b].name))
            return ad_error_set(err, AD_ERR_CONFIG, now->source, 0, "brands",
                                "brand %d is \"%s\" here but \"%s\" in the state %s: a run from a saved state keeps "
                                "its brands, in their order", b, now->brands[b].name, saved->brands[b].name, what);
    /* what has already happened: events and interventions up to the saved week */
    for (int pass = 0; pass < 2; pass++) {
        const ad_config *x = pass ? saved : now, *y = pass ? now : saved;
        for (int e = 0; e < x->n_events; e++) {
            if (x->events[e].week > week) continue;
            int found = 0;
            for (int f = 0; f < y->n_events && !found; f++) found = same_event(&x->events[e], &y->events[f]);
            if (!found)
                return ad_error_set(err, AD_ERR_CONFIG, now->source, pass ? 0 : x->events[e].line, "events",
                                    "the event of week %lld (brand \"%s\") differs from the state %s, saved after "
                                    "week %lld: what happened up to then is in the state; a run from it may "
                                    "change only later events", (long long)x->events[e].week,
                                    x->brands[x->events[e].brand].name, what, (long long)week);
        }
        for (int i = 0; i < x->n_interventions; i++) {
            const ad_intervention *iv = &x->interventions[i];
            if (iv->week > week) continue;
            int found = 0;
            for (int f = 0; f < y->n_interventions && !found; f++) found = same_intervention(iv, &y->interventions[f]);
            if (!found)
                return ad_error_set(err, AD_ERR_CONFIG, now->source, pass ? 0 : iv->line, "interventions",
                                    "the intervention of week %lld (brand \"%s\", %s) differs from the state %s, "
                                    "saved after week %lld: what happened up to then is in the state; a run from "
                                    "it may change only later interventions", (long long)iv->week,
                                    x->brands[iv->brand].name, ad_param_table[iv->param].key, what, (long long)week);
        }
    }
    if (now->weeks <= week + 1)
        return ad_error_set(err, AD_ERR_CONFIG, now->source, 0, "scenario.weeks",
                            "is %lld, but the state %s is at the end of week %lld: give scenario.weeks of at least "
                            "%lld", (long long)now->weeks, what, (long long)week, (long long)week + 2);
    return AD_OK;
}

int cfg_after_warmup(const ad_param *p)
{
    static const char *const global[] = {"scenario.weeks", "market.exit_share", "output.snapshot_every",
                                         "output.raw_agents", NULL};
    static const char *const brand[] = {"automation.target", "automation.ramp_start", "automation.ramp_weeks", NULL};
    for (const char *const *k = p->scope == AD_SCOPE_B ? brand : global; *k; k++)
        if (!strcmp(*k, p->key)) return 1;
    return 0;
}

static size_t var_bytes(const ad_state_var *v)
{
    return (size_t)v->count * (size_t)v->width * ad_state_type_size(v->type);
}

int ad_state_keep(const ad_state *st, ad_state_copy *c)
{
    memset(c, 0, sizeof *c);
    for (int k = 0; k < st->n; k++) {
        const ad_state_var *v = &st->var[k];
        const size_t el = ad_state_type_size(v->type) * (size_t)v->width, n = var_bytes(v);
        char *d = malloc(n ? n : 1);
        if (!d) {
            ad_state_copy_free(c);
            return AD_ERR_NOMEM;
        }
        for (int64_t i = 0; i < v->count; i++)
            memcpy(d + (size_t)i * el, (const char *)v->data + (size_t)i * (v->stride ? v->stride : el), el);
        c->data[c->n] = d;
        c->bytes[c->n++] = n;
        c->total += n;
    }
    return AD_OK;
}

int ad_state_put(const ad_state_copy *c, const ad_state *st)
{
    if (c->n != st->n) return AD_ERR_USAGE;
    for (int k = 0; k < st->n; k++)
        if (c->bytes[k] != var_bytes(&st->var[k])) return AD_ERR_USAGE;
    for (int k = 0; k < st->n; k++) {
        const ad_state_var *v = &st->var[k];
        const size_t el = ad_state_type_size(v->type) * (size_t)v->width;
        for (int64_t i = 0; i < v->count; i++)
            memcpy((char *)v->data + (size_t)i * (v->stride ? v->stride : el), (const char *)c->data[k] + (size_t)i * el,
                   el);
    }
    return AD_OK;
}

void ad_state_copy_free(ad_state_copy *c)
{
    for (int k = 0; k < c->n; k++) free(c->data[k]);
    memset(c, 0, sizeof *c);
}
