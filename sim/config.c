/* config.c: scenario file (libconfig) and --set overrides to a resolved
 * ad_config. Invariant: every value that reaches the config has passed its
 * parameter's type and range check (nothing is clamped), and a config this
 * file returns with AD_OK has also passed the cross-checks of cross_check().
 * The libconfig tree is owned by the loader and destroyed on its single exit
 * path; the loader never prints or exits, it fills an ad_error instead.
 * Writing a config back out (and the parameter reference) is config_format.c.
 *
 * brand_given[b][k] is indexed by k = the parameter's position among the
 * brand (B) parameters of ad_param_table, which is its table index minus the
 * index of the first B parameter because the B parameters come last.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KEYLEN 160

/* The keys of one element of the events list (offsets into ad_event); the
 * brand is written by name and has no field of its own. Shared with
 * config_format.c for the parameter reference. */
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

/* Where each value came from, for the messages of the cross-checks. */
typedef struct cfg_ctx {
    const char *file;                   /* scenario file (messages) */
    int g_line[256];                    /* by table index: >0 file line, 0 default, -1 --set */
    int b_line[AD_MAX_BRANDS][64];      /* by brand and B position, same coding */
    int brands_line;                    /* line of the brands list */
    int brand_line[AD_MAX_BRANDS];      /* line of each brand's group */
} cfg_ctx;

/* A value as written, before it is checked against a parameter. */
enum { V_NUM, V_BOOL, V_STR, V_OTHER };
typedef struct cfg_val {
    int kind;                           /* V_* */
    int is_int;                         /* V_NUM written as a whole number */
    int64_t i;                          /* V_NUM whole, V_BOOL, and the checked ENUM index */
    double num;                         /* V_NUM */
    const char *str;                    /* V_STR (borrowed) */
    char what[96];                      /* how to name it in a type error */
} cfg_val;

/* The subject of a message. */
typedef struct cfg_where {
    const char *file;
    int line;
    const char *key;                    /* goes to err->key */
    const char *label;                  /* names the value in the message */
    const char *brand;                  /* brand name or NULL */
} cfg_where;

static int fail(ad_error *err, const cfg_where *w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(ad_error *err, const cfg_where *w, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (w->brand && w->brand[0])
        return ad_error_set(err, AD_ERR_CONFIG, w->file, w->line, w->key, "%s (brand '%s')", msg, w->brand);
    return ad_error_set(err, AD_ERR_CONFIG, w->file, w->line, w->key, "%s", msg);
}

static int brand_slot(int idx)
{
    int k = 0;
    for (int i = 0; i < idx; i++) k += ad_param_table[i].scope == AD_SCOPE_B;
    return k;
}

/* Bounds and values in messages: whole numbers without exponent. */
static void num_text(double v, char *buf, size_t n)
{
    if (v == floor(v) && fabs(v) < 1e16) snprintf(buf, n, "%.0f", v);
    else snprintf(buf, n, "%.10g", v);
}

static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return 1000;
    int d[64][64];
    for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

static const char *nearest_of(const char *key, const char *const *names, int *dist)
{
    const char *best = names[0];
    int bestd = 1 << 30;
    for (int i = 0; names[i]; i++) {
        int d = edit_distance(key, names[i]);
        if (d < bestd) { bestd = d; best = names[i]; }
    }
    if (dist) *dist = bestd;
    return best;
}

/* "A, B, C" */
static void brand_list(const ad_config *cfg, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int b = 0; b < cfg->n_brands && used < n; b++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", b ? ", " : "", cfg->brands[b].name);
    if (!cfg->n_brands) snprintf(buf, n, "(none)");
}

static int find_brand(const ad_config *cfg, const char *name)
{
    for (int b = 0; b < cfg->n_brands; b++)
        if (strcmp(cfg->brands[b].name, name) == 0) return b;
    return -1;
}

static void enum_list(const ad_param *p, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; p->names[k] && used < n; k++)
        used += (size_t)snprintf(buf + used, n - used, "%s\"%s\"", k ? ", " : "", p->names[k]);
}

/* Checks v against p's type and range; the checked value goes to out
 * (REAL: num; INT, BOOL, ENUM: i; STRING: str). */
static int check_value(const ad_param *p, const cfg_val *v, const cfg_where *w, ad_error *err, cfg_val *out)
{
    char lo[48], hi[48], names[256];
    const char *unit = p->unit && p->unit[0] && strcmp(p->unit, "1") != 0 ? p->unit : NULL;
    *out = *v;
    num_text(p->min, lo, sizeof lo);
    num_text(p->max, hi, sizeof hi);
    switch (p->type) {
    case AD_PT_REAL:
        if (v->kind != V_NUM) return fail(err, w, "%s expects a number, not %s", w->label, v->what);
        if (!isfinite(v->num)) return fail(err, w, "%s = %g is not a finite number: allowed %s to %s",
                                           w->label, v->num, lo, hi);
        if (v->num < p->min || v->num > p->max)
            return fail(err, w, "%s = %.10g is out of range: allowed %s to %s%s%s%s", w->label, v->num,
                        lo, hi, unit ? " (" : "", unit ? unit : "", unit ? ")" : "");
        return AD_OK;
    case AD_PT_INT:
        if (v->kind != V_NUM || !v->is_int)
            return fail(err, w, "%s expects a whole number (%s to %s), not %s", w->label, lo, hi, v->what);
        if (v->i < (int64_t)p->min || v->i > (int64_t)p->max)
            return fail(err, w, "%s = %lld is out of range: allowed %s to %s%s%s%s", w->label,
                        (long long)v->i, lo, hi, unit ? " (" : "", unit ? unit : "", unit ? ")" : "");
        return AD_OK;
    case AD_PT_BOOL:
        if (v->kind != V_BOOL) return fail(err, w, "%s expects true or false, not %s", w->label, v->what);
        return AD_OK;
    case AD_PT_ENUM:
        enum_list(p, names, sizeof names);
        if (v->kind != V_STR) return fail(err, w, "%s expects one of %s, not %s", w->label, names, v->what);
        for (int k = 0; p->names[k]; k++)
            if (strcmp(p->names[k], v->str) == 0) { out->i = k; return AD_OK; }
        return fail(err, w, "%s = \"%s\" is not allowed: use one of %s", w->label, v->str, names);
    case AD_PT_STRING:
        if (v->kind != V_STR) return fail(err, w, "%s expects a string in double quotes, not %s", w->label, v->what);
        if (strlen(v->str) >= (size_t)p->max)
            return fail(err, w, "%s is too long: %zu bytes, at most %d", w->label, strlen(v->str), (int)p->max - 1);
        if (p->min >= 1 && !v->str[0]) return fail(err, w, "%s must not be empty", w->label);
        return AD_OK;
    }
    return AD_OK;
}

static void store(void *at, const ad_param *p, const cfg_val *v)
{
    switch (p->type) {
    case AD_PT_REAL: *(double *)at = v->num; break;
    case AD_PT_INT: *(int64_t *)at = v->i; break;
    case AD_PT_BOOL:
    case AD_PT_ENUM: *(int *)at = (int)v->i; break;
    case AD_PT_STRING: snprintf(at, (size_t)p->max, "%s", v->str); break;
    }
}

static void setting_val(const config_setting_t *s, cfg_val *v)
{
    memset(v, 0, sizeof *v);
    v->kind = V_NUM;
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        v->is_int = 1;
        v->i = config_setting_get_int64(s);
        v->num = (double)v->i;
        snprintf(v->what, sizeof v->what, "%lld", (long long)v->i);
        break;
    case CONFIG_TYPE_FLOAT:
        v->num = config_setting_get_float(s);
        snprintf(v->what, sizeof v->what, "%.10g%s", v->num, fmod(v->num, 1) == 0 ? ".0" : "");
        break;
    case CONFIG_TYPE_BOOL:
        v->kind = V_BOOL;
        v->i = config_setting_get_bool(s);
        snprintf(v->what, sizeof v->what, "%s", v->i ? "true" : "false");
        break;
    case CONFIG_TYPE_STRING:
        v->kind = V_STR;
        v->str = config_setting_get_string(s);
        snprintf(v->what, sizeof v->what, "\"%.60s\"", v->str);
        break;
    default:
        v->kind = V_OTHER;
        snprintf(v->what, sizeof v->what, "%s", config_setting_is_group(s) ? "a group { }"
                 : config_setting_is_array(s) ? "an array [ ]" : "a list ( )");
        break;
    }
}

/* A --set value as text, read the way p's type needs. */
static void text_val(const ad_param *p, const char *text, cfg_val *v)
{
    char *end;
    memset(v, 0, sizeof *v);
    snprintf(v->what, sizeof v->what, "'%.80s'", text);
    v->kind = V_STR;
    v->str = text;
    if (p->type == AD_PT_REAL || p->type == AD_PT_INT) {
        errno = 0;
        long long ll = strtoll(text, &end, 10);
        if (p->type == AD_PT_INT && *text && !*end && errno == 0) {
            v->kind = V_NUM; v->is_int = 1; v->i = ll; v->num = (double)ll;
            return;
        }
        double d = strtod(text, &end);
        if (*text && !*end) { v->kind = V_NUM; v->num = d; }
    } else if (p->type == AD_PT_BOOL) {
        if (!strcasecmp(text, "true") || !strcmp(text, "1")) { v->kind = V_BOOL; v->i = 1; }
        else if (!strcasecmp(text, "false") || !strcmp(text, "0")) { v->kind = V_BOOL; v->i = 0; }
    }
}

static int has_prefix(const char *rel, ad_scope scope)
{
    size_t n = strlen(rel);
    for (int i = 0; i < ad_param_count; i++)
        if (ad_param_table[i].scope == scope && !strncmp(ad_param_table[i].key, rel, n)
            && ad_param_table[i].key[n] == '.') return 1;
    return 0;
}

static int unknown_key(const char *rel, ad_scope scope, const char *shown_prefix, const cfg_where *w, ad_error *err)
{
    static const char *const lists[] = {"brands", "events", "interventions", NULL};
    const char *near = ad_param_nearest(rel, scope), *list;
    int d;
    if (scope == AD_SCOPE_G && !strchr(rel, '.') && (list = nearest_of(rel, lists, &d), d <= 2)) near = list;
    if (scope == AD_SCOPE_G && ad_param_find(rel, AD_SCOPE_B) >= 0)
        return fail(err, w, "unknown key '%s': %s is a brand parameter; set it inside brands = ( { ... } )",
                    w->label, rel);
    return fail(err, w, "unknown key '%s' (did you mean '%s%s'?)", w->label, shown_prefix, near ? near : "?");
}

/* Records that parameter idx (of brand, for B) was given, at line (-1: --set). */
static void mark_given(ad_config *cfg, cfg_ctx *ctx, int idx, int brand, int line)
{
    if (ad_param_table[idx].scope == AD_SCOPE_G) {
        cfg->given[idx] = 1;
        ctx->g_line[idx] = line;
    } else {
        cfg->brand_given[brand][brand_slot(idx)] = 1;
        ctx->b_line[brand][brand_slot(idx)] = line;
    }
}

/* Reads setting s (and, for a group, everything in it) as the parameter
 * parent.name of the given scope. */
static int walk(ad_config *cfg, cfg_ctx *ctx, ad_scope scope, int brand, const config_setting_t *s,
                const char *parent, const char *bname, ad_error *err)
{
    char rel[KEYLEN], key[KEYLEN + 24], prefix[24] = "";
    const char *name = config_setting_name(s);
    snprintf(rel, sizeof rel, "%s%s%s", parent, parent[0] ? "." : "", name ? name : "?");
    if (scope == AD_SCOPE_B) snprintf(prefix, sizeof prefix, "brands.[%d].", brand);
    snprintf(key, sizeof key, "%s%s", prefix, rel);
    int idx = ad_param_find(rel, scope);
    cfg_where w = {config_setting_source_file(s) ? config_setting_source_file(s) : ctx->file,
                   (int)config_setting_source_line(s), key, key, bname};
    if (config_setting_is_group(s) && idx < 0) {
        int n = config_setting_length(s);
        if (n == 0 && !has_prefix(rel, scope)) return unknown_key(rel, scope, prefix, &w, err);
        for (int i = 0; i < n; i++) {
            int rc = walk(cfg, ctx, scope, brand, config_setting_get_elem(s, (unsigned)i), rel, bname, err);
            if (rc) return rc;
        }
        return AD_OK;
    }
    if (idx < 0 && has_prefix(rel, scope))
        return fail(err, &w, "%s must be a group: %s = { ... };", key, name ? name : "?");
    if (idx < 0) return unknown_key(rel, scope, prefix, &w, err);
    const ad_param *p = &ad_param_table[idx];
    cfg_val v, out;
    setting_val(s, &v);
    int rc = check_value(p, &v, &w, err, &out);
    if (rc) return rc;
    store(ad_param_ptr(cfg, p, brand), p, &out);
    mark_given(cfg, ctx, idx, brand, w.line);
    return AD_OK;
}

static int read_brands(ad_config *cfg, cfg_ctx *ctx, const config_setting_t *list, ad_error *err)
{
    char key[32];
    int n = config_setting_length(list);
    cfg_where w = {ctx->file, (int)config_setting_source_line(list), "brands", "brands", NULL};
    ctx->brands_line = w.line;
    if (!config_setting_is_list(list) && !(config_setting_is_array(list) && n == 0))
        return fail(err, &w, "brands must be a list of groups: brands = ( { name = \"A\"; }, { name = \"B\"; } );");
    if (n > AD_MAX_BRANDS) return fail(err, &w, "too many brands: %d, at most %d", n, AD_MAX_BRANDS);
    cfg->n_brands = n;
    for (int b = 0; b < n; b++) {
        const config_setting_t *e = config_setting_get_elem(list, (unsigned)b);
        const config_setting_t *nm = config_setting_get_member(e, "name");
        const char *bname = nm && config_setting_type(nm) == CONFIG_TYPE_STRING ? config_setting_get_string(nm) : NULL;
        snprintf(key, sizeof key, "brands.[%d]", b);
        cfg_where we = {ctx->file, (int)config_setting_source_line(e), key, key, NULL};
        ctx->brand_line[b] = we.line;
        if (!config_setting_is_group(e)) return fail(err, &we, "%s must be a group: { name = \"A\"; share = 0.5; }", key);
        for (int i = 0; i < config_setting_length(e); i++) {
            int rc = walk(cfg, ctx, AD_SCOPE_B, b, config_setting_get_elem(e, (unsigned)i), "", bname, err);
            if (rc) return rc;
        }
    }
    return AD_OK;
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
    if (!s && required) return fail(err, w, "%s has no %s: write %s", elem, name, example);
    if (s) setting_val(s, v);
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
        if (v.kind >= 0 && (rc = check_value(p, &v, w, err, &out))) return rc;
        store((char *)ev + p->offset, p, &out);
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
        || (rc = check_value(&cfg__event_params[EVENT_WEEK], &v, w, err, &out))) return rc;
    iv->week = out.i;
    if ((rc = member(e, elem, "key", 1, INTERVENTION_EXAMPLE, w, key, &v, err))) return rc;
    if (v.kind != V_STR)
        return fail(err, w, "%s expects a brand parameter name in double quotes, e.g. \"hr_investment\"", key);
    const char *pk = v.str;
    iv->param = ad_param_find(pk, AD_SCOPE_B);
    if (iv->param < 0)
        return fail(err, w, "intervention key '%s' is not a brand parameter (did you mean '%s'?)", pk,
                    ad_param_nearest(pk, AD_SCOPE_B));
    if (!strcmp(pk, "name") || !strcmp(pk, "share"))
        return fail(err, w, "intervention key '%s' cannot change during a run: use any brand parameter "
                    "except name and share", pk);
    const ad_param *p = &ad_param_table[iv->param];
    if ((rc = member(e, elem, "value", 1, INTERVENTION_EXAMPLE, w, key, &v, err))) return rc;
    snprintf(label, sizeof label, "%s (%s)", key, pk);
    w->label = label;
    if ((rc = check_value(p, &v, w, err, &out))) return rc;
    if (p->offset == offsetof(ad_brand_cfg, auto_target) && out.num < 0 && out.num != -1)
        return fail(err, w, "%s = %g is not allowed: use -1 (same as automation.start) or 0 to 1", label, out.num);
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
        return fail(err, &w, "%s must be a list of groups: %s = ( %s );", what, what, example);
    if (n > max) return fail(err, &w, "too many %s: %d, at most %d", what, n, max);
    brand_list(cfg, names, sizeof names);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(list, (unsigned)i), *s;
        snprintf(elem, sizeof elem, "%s.[%d]", what, i);
        w.key = w.label = elem;
        w.line = (int)config_setting_source_line(e);
        if (!config_setting_is_group(e)) return fail(err, &w, "%s must be a group: %s", elem, example);
        for (int m = 0; m < config_setting_length(e); m++) {
            const char *nm = config_setting_name(s = config_setting_get_elem(e, (unsigned)m));
            int known = 0;
            for (int k = 0; keys[k]; k++) known |= !strcmp(keys[k], nm);
            if (known) continue;
            snprintf(key, sizeof key, "%s.%s", elem, nm);
            w.key = w.label = key;
            w.line = (int)config_setting_source_line(s);
            return fail(err, &w, "unknown key '%s' (did you mean '%s'?)", key, nearest_of(nm, keys, NULL));
        }
        if (!(s = config_setting_get_member(e, "brand")))
            return fail(err, &w, "%s has no brand: write %s; brands are: %s", elem, example, names);
        w.line = (int)config_setting_source_line(s);
        if (config_setting_type(s) != CONFIG_TYPE_STRING)
            return fail(err, &w, "%s brand expects a brand name in double quotes; brands are: %s", noun, names);
        if ((brand = find_brand(cfg, config_setting_get_string(s))) < 0)
            return fail(err, &w, "%s names brand '%s', which does not exist; brands are: %s", noun,
                        config_setting_get_string(s), names);
        w.line = (int)config_setting_source_line(e);
        if ((rc = read(cfg, e, elem, i, brand, &w, err))) return rc;
    }
    *count = n;
    return AD_OK;
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

static int cross_check(ad_config *cfg, const cfg_ctx *ctx, ad_error *err)
{
    char key[KEYLEN], names[600], la[24], lb[24];
    cfg_where w = {ctx->file, ctx->brands_line, "brands", "brands", NULL};
    int nb = cfg->n_brands, is = ad_param_find("name", AD_SCOPE_B), ks = brand_slot(is);
    int it = ad_param_find("automation.target", AD_SCOPE_B);
    if (nb < 1) return fail(err, &w, "no brands: add brands = ( { name = \"A\"; }, { name = \"B\"; } ); "
                            "with 1 to %d brands", AD_MAX_BRANDS);
    double sum = 0;
    int all_zero = 1;
    for (int b = 0; b < nb; b++) {
        const ad_brand_cfg *br = &cfg->brands[b];
        snprintf(key, sizeof key, "brands.[%d].name", b);
        w.key = w.label = key;
        origin(ctx, ctx->b_line[b][ks] ? ctx->b_line[b][ks] : ctx->brand_line[b], &w);
        if (!br->name[0]) return fail(err, &w, "brand %d has no name: add name = \"A\"; (non-empty, unique)", b);
        for (int a = 0; a < b; a++)
            if (!strcmp(cfg->brands[a].name, br->name))
                return fail(err, &w, "brand name '%s' is used twice (brands.[%d] at %s and brands.[%d] at "
                            "%s); brand names must be unique", br->name, a, line_text(ctx->b_line[a][ks], la),
                            b, line_text(ctx->b_line[b][ks], lb));
        if (br->auto_target < 0 && br->auto_target != -1) {
            snprintf(key, sizeof key, "brands.[%d].automation.target", b);
            origin(ctx, ctx->b_line[b][brand_slot(it)], &w);
            return fail(err, &w, "%s = %g is not allowed: use -1 (same as automation.start) or 0 to 1", key,
                        br->auto_target);
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
        return fail(err, &w, "brand shares sum to %.10g; they must sum to 1 (or all be 0 for equal shares)", sum);

    w.key = w.label = "scenario.name";
    origin(ctx, line_of(ctx, "scenario.name"), &w);
    if (!cfg->name[0])
        return fail(err, &w, "scenario.name is required: add scenario = { name = \"my_scenario\"; }; "
                    "(letters, digits, '_', '.', '-')");
    for (const char *c = cfg->name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.' && *c != '-')
            return fail(err, &w, "scenario.name = \"%s\" may only contain letters, digits, '_', '.' and '-' "
                        "(it names the output file)", cfg->name);

    w.key = w.label = "network.degree";
    origin(ctx, line_of(ctx, "network.degree"), &w);
    if (cfg->degree % 2)
        return fail(err, &w, "network.degree = %lld must be even: allowed 0, 2, 4, ... 16", (long long)cfg->degree);
    if (cfg->degree >= cfg->customers)
        return fail(err, &w, "network.degree = %lld must be below population.customers = %lld: a customer "
                    "cannot have more neighbours than there are other customers", (long long)cfg->degree,
                    (long long)cfg->customers);

    w.key = w.label = "market.weight_quality";
    int lw = line_of(ctx, "market.weight_quality");
    lw = lw ? lw : line_of(ctx, "market.weight_promotion");
    origin(ctx, lw ? lw : line_of(ctx, "market.weight_place"), &w);
    if (fabs(cfg->wq + cfg->wm + cfg->wv - 1) > 1e-6)
        return fail(err, &w, "market.weight_quality + weight_promotion + weight_place = %.10g; these shares "
                    "must sum to 1", cfg->wq + cfg->wm + cfg->wv);

    static const char *const pairs[][2] = {{"customer.detractor_max", "customer.promoter_min"},
                                           {"employee.disengaged_max", "employee.engaged_min"}};
    for (int k = 0; k < 2; k++) {
        int lo = ad_param_find(pairs[k][0], AD_SCOPE_G), hi = ad_param_find(pairs[k][1], AD_SCOPE_G);
        double vl = ad_param_get(cfg, &ad_param_table[lo], 0), vh = ad_param_get(cfg, &ad_param_table[hi], 0);
        w.key = w.label = pairs[k][0];
        origin(ctx, ctx->g_line[lo] ? ctx->g_line[lo] : ctx->g_line[hi], &w);
        if (!(vl < vh))
            return fail(err, &w, "%s = %g must be below %s = %g", pairs[k][0], vl, pairs[k][1], vh);
    }

    brand_list(cfg, names, sizeof names);
    w.file = cfg->source[0] ? cfg->source : ctx->file;
    for (int i = 0; i < cfg->n_events + cfg->n_interventions; i++) {
        int is_ev = i < cfg->n_events, k = is_ev ? i : i - cfg->n_events;
        int64_t week = is_ev ? cfg->events[k].week : cfg->interventions[k].week;
        int brand = is_ev ? cfg->events[k].brand : cfg->interventions[k].brand;
        snprintf(key, sizeof key, "%s.[%d].week", is_ev ? "events" : "interventions", k);
        w.key = w.label = key;
        w.line = is_ev ? cfg->events[k].line : cfg->interventions[k].line;
        if (week < 0 || week >= cfg->weeks)
            return fail(err, &w, "%s = %lld is out of range: allowed 0 to %lld (scenario.weeks = %lld)", key,
                        (long long)week, (long long)cfg->weeks - 1, (long long)cfg->weeks);
        if (brand < 0 || brand >= nb)
            return fail(err, &w, "%s names brand %d, which does not exist; brands are: %s",
                        is_ev ? "event" : "intervention", brand, names);
    }
    return AD_OK;
}

/* Copies s[0, n) without surrounding white space (and, with unquote, one
 * pair of matching quotes) to out; 0 when it does not fit. */
static int trimmed(const char *s, size_t n, int unquote, char *out, size_t cap)
{
    while (n && isspace((unsigned char)*s)) { s++; n--; }
    while (n && isspace((unsigned char)s[n - 1])) n--;
    if (unquote && n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) { s++; n -= 2; }
    if (n >= cap) return 0;
    memcpy(out, s, n);
    out[n] = '\0';
    return 1;
}

/* The brand of a --set key "brands.[I].rest" or "brands.NAME.rest"; *rel
 * points at rest. */
static int set_brand(const ad_config *cfg, const char *key, const char **rel, cfg_where *w, int *brand,
                     ad_error *err)
{
    char names[600];
    const char *r = key + strlen("brands.");
    brand_list(cfg, names, sizeof names);
    *brand = -1;
    if (r[0] == '[') {
        char *end;
        long bi = strtol(r + 1, &end, 10);
        if (end == r + 1 || end[0] != ']' || end[1] != '.')
            return fail(err, w, "--set %s: write brands.[I].KEY (I from 0) or brands.NAME.KEY", key);
        if (bi < 0 || bi >= cfg->n_brands)
            return fail(err, w, "brand index %ld is out of range: there are %d brands, brands.[0] to "
                        "brands.[%d]: %s", bi, cfg->n_brands, cfg->n_brands - 1, names);
        *brand = (int)bi;
        *rel = end + 2;
        return AD_OK;
    }
    size_t best = 0; /* the longest name that matches, as names may hold dots */
    for (int b = 0; b < cfg->n_brands; b++) {
        size_t n = strlen(cfg->brands[b].name);
        if (n > best && !strncmp(r, cfg->brands[b].name, n) && r[n] == '.') { best = n; *brand = b; }
    }
    if (*brand < 0)
        return fail(err, w, "no brand named '%.*s'; brands are: %s (or use brands.[I].KEY)",
                    (int)strcspn(r, "."), r, names);
    *rel = r + best + 1;
    return AD_OK;
}

/* One "KEY=VALUE" override, without the cross-checks. */
static int apply_set(ad_config *cfg, cfg_ctx *ctx, const char *assignment, ad_error *err)
{
    char key[KEYLEN], val[2048], prefix[KEYLEN] = "";
    const char *eq = strchr(assignment, '='), *rel;
    cfg_where w = {"--set", 0, assignment, assignment, NULL};
    ad_scope scope = AD_SCOPE_G;
    int brand = 0, rc;
    if (!eq) return fail(err, &w, "--set '%s' has no '=': write KEY=VALUE, e.g. customer.switch_rate=0.05", assignment);
    if (!trimmed(assignment, (size_t)(eq - assignment), 0, key, sizeof key))
        return fail(err, &w, "--set key is too long: at most %d bytes", KEYLEN - 1);
    if (!trimmed(eq + 1, strlen(eq + 1), 1, val, sizeof val))
        return fail(err, &w, "--set value is too long: at most %d bytes", (int)sizeof val - 1);
    w.key = w.label = rel = key;
    if (!strncmp(key, "brands.", 7)) {
        scope = AD_SCOPE_B;
        if ((rc = set_brand(cfg, key, &rel, &w, &brand, err))) return rc;
        snprintf(prefix, sizeof prefix, "%.*s", (int)(rel - key), key);
        w.brand = cfg->brands[brand].name;
    } else if (!strcmp(key, "brands") || !strncmp(key, "events", 6) || !strncmp(key, "interventions", 13)) {
        return fail(err, &w, "%s cannot be set with --set: edit the scenario file", key);
    }
    int idx = ad_param_find(rel, scope);
    if (idx < 0) return unknown_key(rel, scope, prefix, &w, err);
    const ad_param *p = &ad_param_table[idx];
    cfg_val v, out;
    text_val(p, val, &v);
    if ((rc = check_value(p, &v, &w, err, &out))) return rc;
    store(ad_param_ptr(cfg, p, brand), p, &out);
    mark_given(cfg, ctx, idx, brand, -1);
    return AD_OK;
}

/* Everything after parsing: the file's settings, the overrides, the checks. */
static int resolve(ad_config *cfg, const config_t *c, const char *file, const char *const *sets, int n_sets,
                   ad_error *err)
{
    cfg_ctx *ctx = calloc(1, sizeof *ctx);
    const config_setting_t *root = config_root_setting(c), *brands = NULL, *events = NULL, *ivs = NULL;
    const char *event_keys[16] = {NULL};
    int rc = AD_OK;
    for (int k = 0; k < cfg__event_param_count; k++) event_keys[k] = cfg__event_params[k].key;
    if (!ctx) return ad_error_set(err, AD_ERR_NOMEM, file, 0, NULL, "out of memory reading the scenario");
    ctx->file = file;
    for (int i = 0; i < config_setting_length(root); i++) {
        const config_setting_t *m = config_setting_get_elem(root, (unsigned)i);
        const char *name = config_setting_name(m);
        if (!strcmp(name, "brands")) brands = m;
        else if (!strcmp(name, "events")) events = m;
        else if (!strcmp(name, "interventions")) ivs = m;
        else if ((rc = walk(cfg, ctx, AD_SCOPE_G, 0, m, "", NULL, err))) goto done;
    }
    if (brands && (rc = read_brands(cfg, ctx, brands, err))) goto done;
    if (events && (rc = read_list(cfg, ctx, events, AD_MAX_EVENTS, "event", EVENT_EXAMPLE, event_keys, read_event,
                                  &cfg->n_events, err))) goto done;
    if (ivs && (rc = read_list(cfg, ctx, ivs, AD_MAX_INTERVENTIONS, "intervention", INTERVENTION_EXAMPLE,
                               INTERVENTION_KEYS, read_intervention, &cfg->n_interventions, err))) goto done;
    for (int i = 0; i < n_sets; i++)
        if ((rc = apply_set(cfg, ctx, sets[i], err))) goto done;
    rc = cross_check(cfg, ctx, err);
done:
    free(ctx);
    return rc;
}

/* Reads the file at path, or text when it is not NULL (path names it). */
static int load(ad_config *cfg, const char *path, const char *text, const char *const *sets, int n_sets,
                ad_error *err)
{
    config_t c;
    char dir[512];
    int rc = AD_OK, ok;
    FILE *f = NULL;
    ad_error_clear(err);
    config_init(&c);
    ad_config_defaults(cfg);
    snprintf(cfg->source, sizeof cfg->source, "%s", path);
    if (text) {
        ok = config_read_string(&c, text);
    } else {
        if (!(f = fopen(path, "r"))) {
            rc = ad_error_set(err, AD_ERR_CONFIG, path, 0, NULL, "cannot read the scenario file: %s", strerror(errno));
            goto done;
        }
        snprintf(dir, sizeof dir, "%s", path);
        if (strrchr(dir, '/')) { /* @include is relative to the scenario file */
            *strrchr(dir, '/') = '\0';
            config_set_include_dir(&c, dir[0] ? dir : "/");
        }
        ok = config_read(&c, f);
    }
    if (!ok) {
        rc = ad_error_set(err, AD_ERR_CONFIG, config_error_file(&c) ? config_error_file(&c) : path,
                          config_error_line(&c), NULL, "syntax error: %s", config_error_text(&c));
        goto done;
    }
    rc = resolve(cfg, &c, path, sets, n_sets, err);
done:
    if (f) fclose(f);
    config_destroy(&c);
    return rc;
}

int cfg_load(ad_config *cfg, const char *path, const char *const *sets, int n_sets, ad_error *err)
{
    return load(cfg, path, NULL, sets, n_sets, err);
}

int cfg_load_string(ad_config *cfg, const char *text, const char *name, const char *const *sets, int n_sets,
                    ad_error *err)
{
    return load(cfg, name ? name : "<string>", text ? text : "", sets, n_sets, err);
}

int cfg_apply_set(ad_config *cfg, const char *assignment, ad_error *err)
{
    /* work on a copy so that a failed override leaves cfg as it was */
    ad_config *tmp = malloc(sizeof *tmp);
    cfg_ctx *ctx = calloc(1, sizeof *ctx);
    int rc = AD_OK;
    ad_error_clear(err);
    if (!tmp || !ctx) {
        rc = ad_error_set(err, AD_ERR_NOMEM, "--set", 0, NULL, "out of memory applying --set");
        goto done;
    }
    *tmp = *cfg;
    ctx->file = cfg->source;
    if ((rc = apply_set(tmp, ctx, assignment, err))) goto done;
    if ((rc = cross_check(tmp, ctx, err))) goto done;
    *cfg = *tmp;
done:
    free(tmp);
    free(ctx);
    return rc;
}

double cfg_automation_at(const ad_brand_cfg *b, int64_t t)
{
    double a0 = b->auto_start, a1 = b->auto_target < 0 ? a0 : b->auto_target;
    if (t < 0 || t < b->ramp_start) return a0;
    if (b->ramp_weeks <= 0) return a1;
    double f = (double)(t - b->ramp_start) / (double)b->ramp_weeks;
    return a0 + (a1 - a0) * (f < 1 ? f : 1);
}
