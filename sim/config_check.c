/* config_check.c: the parts of a scenario that relate values to each other.
 * It reads the events and interventions lists (each element names an
 * existing brand; an intervention changes one brand parameter other than name
 * and share) and runs the cross-checks that follow the file and every --set:
 * unique, named brands whose shares sum to 1 (all 0: equal shares), a valid
 * scenario.name, an even network.degree below the population, market weights
 * that sum to 1, ordered thresholds, and events and interventions inside
 * scenario.weeks. Owns the event key table cfg__event_params (config_format.c
 * lists it in the parameter reference).
 *
 * Invariant: like config.c, it never prints or exits; every failure is a
 * cfg__fail that names file (or "--set"), line and key. Each element value
 * is checked by cfg__check_value before it is stored.
 */
#include "config_priv.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The keys of one element of the events list (offsets into ad_event); the
 * brand is written by name and has no field of its own. Listed by
 * config_format.c in the parameter reference. */
static const char *const EVENT_TYPES[] = {"reputation_shock", NULL};
const ad_param cfg__event_params[] = {
    {"type", AD_SCOPE_B, AD_PT_ENUM, offsetof(ad_event, type), 0, 0, 0, "", EVENT_TYPES,
     "kind of event (reputation_shock is the only one)"},
    {"brand", AD_SCOPE_B, AD_PT_STRING, 0, 0, 1, 32, "", NULL,
     "name of the brand the shock hits"},
    {"week", AD_SCOPE_B, AD_PT_INT, offsetof(ad_event, week), 0, 0, 10399, "week", NULL,
     "recorded week the shock starts (0 to scenario.weeks - 1)"},
    {"stated", AD_SCOPE_B, AD_PT_REAL, offsetof(ad_event, stated), 0.13, 0, 1, "1", NULL,
     "peak share of the brand's customers who say they avoid it"},
    {"visits", AD_SCOPE_B, AD_PT_REAL, offsetof(ad_event, visits), 0.07, 0, 1, "1", NULL,
     "peak fall of the brand's visit rate (share)"},
    {"half_life", AD_SCOPE_B, AD_PT_REAL, offsetof(ad_event, half_life), 8, 0.1, 10400, "week", NULL,
     "half-life of the fall in visits"},
    {"stated_half_life", AD_SCOPE_B, AD_PT_REAL, offsetof(ad_event, stated_half_life), 60, 0.1, 10400,
     "week", NULL, "half-life of stated avoidance"},
};
enum { EVENT_WEEK = 2 }; /* the week entry, also used for interventions */
const int cfg__event_param_count = (int)(sizeof cfg__event_params / sizeof cfg__event_params[0]);
static const char *const INTERVENTION_KEYS[] = {"week", "brand", "key", "value", NULL};

static int find_brand(const ad_config *cfg, const char *name)
{
    for (int b = 0; b < cfg->n_brands; b++)
        if (strcmp(cfg->brands[b].name, name) == 0) return b;
    return -1;
}

static const char EVENT_EXAMPLE[] = "{ brand = \"A\"; week = 100; }";
static const char INTERVENTION_EXAMPLE[] = "{ week = 52; brand = \"A\"; key = \"hr_investment\"; value = 0.5; }";

/* Member `name` of list element e (named elem) as a value in v; when it is
 * absent v->kind is -1, and an error if required. Points w at it. */
static int member(const config_setting_t *e, const char *elem, const char *name, int required, const char *example,
                  cfg_where *w, char *key, cfg_val *v, ad_error *err)
{
    const config_setting_t *s = config_setting_get_member(e, name);
    snprintf(key, KEYLEN, "%s.%s", elem, name);
    w->key = w->label = key;
    w->line = (int)config_setting_source_line(s ? s : e);
    v->kind = -1;
    if (!s && required) return cfg__fail(err, w, "%s has no %s: write %s", elem, name, example);
    if (s) cfg__setting_val(s, v);
    return AD_OK;
}

typedef int (*elem_reader)(ad_config *cfg, const config_setting_t *e, const char *elem, int i, int brand,
                           cfg_where *w, ad_error *err);

static int read_event(ad_config *cfg, const config_setting_t *e, const char *elem, int i, int brand, cfg_where *w,
                      ad_error *err)
{
    char key[KEYLEN];
    ad_event *ev = &cfg->events[i];
    ev->line = w->line;
    ev->brand = brand;
    for (int k = 0; k < cfg__event_param_count; k++) {
        const ad_param *p = &cfg__event_params[k];
        cfg_val v, out = {.num = p->def, .i = (int64_t)p->def};
        int rc;
        if (!strcmp(p->key, "brand")) continue;
        if ((rc = member(e, elem, p->key, !strcmp(p->key, "week"), EVENT_EXAMPLE, w, key, &v, err))) return rc;
        if (v.kind >= 0 && (rc = cfg__check_value(p, &v, w, err, &out))) return rc;
        cfg__store((char *)ev + p->offset, p, &out);
    }
    return AD_OK;
}

static int read_intervention(ad_config *cfg, const config_setting_t *e, const char *elem, int i, int brand,
                             cfg_where *w, ad_error *err)
{
    char key[KEYLEN], label[KEYLEN + 48];
    ad_intervention *iv = &cfg->interventions[i];
    cfg_val v, out;
    int rc;
    iv->line = w->line;
    iv->brand = brand;
    if ((rc = member(e, elem, "week", 1, INTERVENTION_EXAMPLE, w, key, &v, err))
        || (rc = cfg__check_value(&cfg__event_params[EVENT_WEEK], &v, w, err, &out))) return rc;
    iv->week = out.i;
    if ((rc = member(e, elem, "key", 1, INTERVENTION_EXAMPLE, w, key, &v, err))) return rc;
    if (v.kind != V_STR)
        return cfg__fail(err, w, "%s expects a brand parameter name in double quotes, e.g. \"hr_investment\"", key);
    const char *pk = v.str;
    iv->param = ad_param_find(pk, AD_SCOPE_B);
    if (iv->param < 0)
        return cfg__fail(err, w, "intervention key '%s' is not a brand parameter (did you mean '%s'?)", pk,
                         ad_param_nearest(pk, AD_SCOPE_B));
    if (!strcmp(pk, "name") || !strcmp(pk, "share"))
        return cfg__fail(err, w, "intervention key '%s' cannot change during a run: use any brand parameter "
                         "except name and share", pk);
    const ad_param *p = &ad_param_table[iv->param];
    if ((rc = member(e, elem, "value", 1, INTERVENTION_EXAMPLE, w, key, &v, err))) return rc;
    snprintf(label, sizeof label, "%s (%s)", key, pk);
    w->label = label;
    /* an intervention cannot leave automation.target out: -1 goes back to the starting share */
    if (cfg__is_auto_target(p) && v.kind == V_NUM && isfinite(v.num) && v.num != -1 && (v.num < 0 || v.num > 1))
        return cfg__fail(err, w, "%s = %.10g is out of range: allowed 0 to 1 (or -1 for the starting share, "
                         "automation.start)", label, v.num);
    if ((rc = cfg__check_value(p, &v, w, err, &out))) return rc;
    iv->value = p->type == AD_PT_REAL ? out.num : (double)out.i;
    return AD_OK;
}

/* The events or interventions list: groups with known keys (keys[]) that
 * name an existing brand; read() reads the rest of each. */
static int read_list(ad_config *cfg, cfg_ctx *ctx, const config_setting_t *list, int max, const char *noun,
                     const char *example, const char *const *keys, elem_reader read, int *count, ad_error *err)
{
    char elem[40], key[KEYLEN], names[600];
    const char *what = config_setting_name(list);
    int n = config_setting_length(list), rc, brand;
    cfg_where w = {ctx->file, (int)config_setting_source_line(list), what, what, NULL};
    if (!config_setting_is_list(list) && !(config_setting_is_array(list) && n == 0))
        return cfg__fail(err, &w, "%s must be a list of groups: %s = ( %s );", what, what, example);
    if (n > max) return cfg__fail(err, &w, "too many %s: %d, at most %d", what, n, max);
    cfg__brand_list(cfg, names, sizeof names);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(list, (unsigned)i), *s;
        snprintf(elem, sizeof elem, "%s.[%d]", what, i);
        w.key = w.label = elem;
        w.line = (int)config_setting_source_line(e);
        if (!config_setting_is_group(e)) return cfg__fail(err, &w, "%s must be a group: %s", elem, example);
        for (int m = 0; m < config_setting_length(e); m++) {
            const char *nm = config_setting_name(s = config_setting_get_elem(e, (unsigned)m));
            int known = 0;
            for (int k = 0; keys[k]; k++) known |= !strcmp(keys[k], nm);
            if (known) continue;
            snprintf(key, sizeof key, "%s.%s", elem, nm);
            w.key = w.label = key;
            w.line = (int)config_setting_source_line(s);
            return cfg__fail(err, &w, "unknown key '%s' (did you mean '%s'?)", key, ad_nearest_name(nm, keys, NULL));
        }
        if (!(s = config_setting_get_member(e, "brand")))
            return cfg__fail(err, &w, "%s has no brand: write %s; brands are: %s", elem, example, names);
        w.line = (int)config_setting_source_line(s);
        if (config_setting_type(s) != CONFIG_TYPE_STRING)
            return cfg__fail(err, &w, "%s brand expects a brand name in double quotes; brands are: %s", noun, names);
        if ((brand = find_brand(cfg, config_setting_get_string(s))) < 0)
            return cfg__fail(err, &w, "%s names brand '%s', which does not exist; brands are: %s", noun,
                             config_setting_get_string(s), names);
        w.line = (int)config_setting_source_line(e);
        if ((rc = read(cfg, e, elem, i, brand, &w, err))) return rc;
    }
    *count = n;
    return AD_OK;
}

int cfg__read_events(ad_config *cfg, cfg_ctx *ctx, const config_setting_t *list, ad_error *err)
{
    const char *event_keys[16] = {NULL};
    for (int k = 0; k < cfg__event_param_count; k++) event_keys[k] = cfg__event_params[k].key;
    return read_list(cfg, ctx, list, AD_MAX_EVENTS, "event", EVENT_EXAMPLE, event_keys, read_event, &cfg->n_events,
                     err);
}

int cfg__read_interventions(ad_config *cfg, cfg_ctx *ctx, const config_setting_t *list, ad_error *err)
{
    return read_list(cfg, ctx, list, AD_MAX_INTERVENTIONS, "intervention", INTERVENTION_EXAMPLE, INTERVENTION_KEYS,
                     read_intervention, &cfg->n_interventions, err);
}

/* File and line a value came from (or "--set"). */
static void origin(const cfg_ctx *ctx, int line, cfg_where *w)
{
    w->file = line < 0 ? "--set" : ctx->file;
    w->line = line > 0 ? line : 0;
}

static int line_of(const cfg_ctx *ctx, const char *key)
{
    int i = ad_param_find(key, AD_SCOPE_G);
    return i >= 0 ? ctx->g_line[i] : 0;
}

static const char *line_text(int line, char *buf)
{
    if (line > 0) snprintf(buf, 24, "line %d", line);
    else snprintf(buf, 24, "%s", line < 0 ? "--set" : "default");
    return buf;
}

int cfg__cross_check(ad_config *cfg, const cfg_ctx *ctx, ad_error *err)
{
    char key[KEYLEN], names[600], la[24], lb[24];
    cfg_where w = {ctx->file, ctx->brands_line, "brands", "brands", NULL};
    int nb = cfg->n_brands, is = ad_param_find("name", AD_SCOPE_B), ks = cfg__brand_slot(is);
    int it = ad_param_find("automation.target", AD_SCOPE_B);
    if (nb < 1) return cfg__fail(err, &w, "no brands: add brands = ( { name = \"A\"; }, { name = \"B\"; } ); "
                                 "with 1 to %d brands", AD_MAX_BRANDS);
    double sum = 0;
    int all_zero = 1;
    for (int b = 0; b < nb; b++) {
        const ad_brand_cfg *br = &cfg->brands[b];
        snprintf(key, sizeof key, "brands.[%d].name", b);
        w.key = w.label = key;
        origin(ctx, ctx->b_line[b][ks] ? ctx->b_line[b][ks] : ctx->brand_line[b], &w);
        if (!br->name[0]) return cfg__fail(err, &w, "brand %d has no name: add name = \"A\"; (non-empty, unique)", b);
        for (int a = 0; a < b; a++)
            if (!strcmp(cfg->brands[a].name, br->name))
                return cfg__fail(err, &w, "brand name '%s' is used twice (brands.[%d] at %s and brands.[%d] at "
                                 "%s); brand names must be unique", br->name, a, line_text(ctx->b_line[a][ks], la),
                                 b, line_text(ctx->b_line[b][ks], lb));
        if (br->auto_target < 0 && br->auto_target != -1) {
            snprintf(key, sizeof key, "brands.[%d].automation.target", b);
            origin(ctx, ctx->b_line[b][cfg__brand_slot(it)], &w);
            return cfg__fail(err, &w, "%s = %g is out of range: allowed 0 to 1 (or -1, or leave it out, to keep "
                             "the starting share automation.start)", key, br->auto_target);
        }
        sum += br->share;
        all_zero &= br->share == 0;
    }
    w.key = w.label = "brands";
    w.line = ctx->brands_line;
    w.file = ctx->file;
    if (all_zero)
        for (int b = 0; b < nb; b++) cfg->brands[b].share = 1.0 / nb;
    else if (fabs(sum - 1) > 1e-6)
        return cfg__fail(err, &w, "brand shares sum to %.10g; they must sum to 1 (or all be 0 for equal shares)", sum);

    w.key = w.label = "scenario.name";
    origin(ctx, line_of(ctx, "scenario.name"), &w);
    if (!cfg->name[0])
        return cfg__fail(err, &w, "scenario.name is required: add scenario = { name = \"my_scenario\"; }; "
                         "(letters, digits, '_', '.', '-')");
    for (const char *c = cfg->name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.' && *c != '-')
            return cfg__fail(err, &w, "scenario.name = \"%s\" may only contain letters, digits, '_', '.' and '-' "
                             "(it names the output file)", cfg->name);

    w.key = w.label = "network.degree";
    origin(ctx, line_of(ctx, "network.degree"), &w);
    if (cfg->degree % 2)
        return cfg__fail(err, &w, "network.degree = %lld must be even: allowed 0, 2, 4, ... 16",
                         (long long)cfg->degree);
    if (cfg->degree >= cfg->customers)
        return cfg__fail(err, &w, "network.degree = %lld must be below population.customers = %lld: a customer "
                         "cannot have more neighbours than there are other customers", (long long)cfg->degree,
                         (long long)cfg->customers);

    w.key = w.label = "market.weight_quality";
    int lw = line_of(ctx, "market.weight_quality");
    lw = lw ? lw : line_of(ctx, "market.weight_promotion");
    origin(ctx, lw ? lw : line_of(ctx, "market.weight_place"), &w);
    if (fabs(cfg->wq + cfg->wm + cfg->wv - 1) > 1e-6)
        return cfg__fail(err, &w, "market.weight_quality + weight_promotion + weight_place = %.10g; these shares "
                         "must sum to 1", cfg->wq + cfg->wm + cfg->wv);

    static const char *const pairs[][2] = {{"customer.detractor_max", "customer.promoter_min"},
                                           {"employee.disengaged_max", "employee.engaged_min"}};
    for (int k = 0; k < 2; k++) {
        int lo = ad_param_find(pairs[k][0], AD_SCOPE_G), hi = ad_param_find(pairs[k][1], AD_SCOPE_G);
        double vl = ad_param_get(cfg, &ad_param_table[lo], 0), vh = ad_param_get(cfg, &ad_param_table[hi], 0);
        w.key = w.label = pairs[k][0];
        origin(ctx, ctx->g_line[lo] ? ctx->g_line[lo] : ctx->g_line[hi], &w);
        if (!(vl < vh))
            return cfg__fail(err, &w, "%s = %g must be below %s = %g", pairs[k][0], vl, pairs[k][1], vh);
    }

    cfg__brand_list(cfg, names, sizeof names);
    w.file = cfg->source[0] ? cfg->source : ctx->file;
    for (int i = 0; i < cfg->n_events + cfg->n_interventions; i++) {
        int is_ev = i < cfg->n_events, k = is_ev ? i : i - cfg->n_events;
        int64_t week = is_ev ? cfg->events[k].week : cfg->interventions[k].week;
        int brand = is_ev ? cfg->events[k].brand : cfg->interventions[k].brand;
        snprintf(key, sizeof key, "%s.[%d].week", is_ev ? "events" : "interventions", k);
        w.key = w.label = key;
        w.line = is_ev ? cfg->events[k].line : cfg->interventions[k].line;
        if (week < 0 || week >= cfg->weeks)
            return cfg__fail(err, &w, "%s = %lld is out of range: allowed 0 to %lld (scenario.weeks = %lld)", key,
                             (long long)week, (long long)cfg->weeks - 1, (long long)cfg->weeks);
        if (brand < 0 || brand >= nb)
            return cfg__fail(err, &w, "%s names brand %d, which does not exist; brands are: %s",
                             is_ev ? "event" : "intervention", brand, names);
    }
    return AD_OK;
}
