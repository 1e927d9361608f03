/* config.c: scenario file (libconfig) and --set overrides to a resolved
 * ad_config. Walks the libconfig tree and the --set keys, checks every value
 * against its parameter's type and range as it is read (nothing is clamped)
 * and records where each came from (cfg_ctx) for later messages. Owns the
 * public entry points cfg_load, cfg_load_string and cfg_apply_set.
 *
 * Invariant: a config this file returns with AD_OK has passed the value
 * checks and the cross-checks of cfg__cross_check (config_check.c, which also
 * reads the events and interventions lists). A top-level `sweep` group is
 * skipped here: sweep.c reads it (sweep_load) once the scenario is loaded.
 * The libconfig tree is owned by
 * the loader and destroyed on its single exit path; the loader never prints
 * or exits, it fills an ad_error instead. Writing a config back out (and the
 * parameter reference) is config_format.c.
 *
 * brand_given[b][k] is indexed by k = the parameter's position among the
 * brand (B) parameters of ad_param_table, which is its table index minus the
 * index of the first B parameter because the B parameters come last.
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* realpath */
#include "config_priv.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int cfg__fail(ad_error *err, const cfg_where *w, const char *fmt, ...)
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

int cfg__brand_slot(int idx)
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

/* "A, B, C" */
void cfg__brand_list(const ad_config *cfg, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int b = 0; b < cfg->n_brands && used < n; b++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", b ? ", " : "", cfg->brands[b].name);
    if (!cfg->n_brands) snprintf(buf, n, "(none)");
}


static void enum_list(const ad_param *p, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; p->names[k] && used < n; k++)
        used += (size_t)snprintf(buf + used, n - used, "%s\"%s\"", k ? ", " : "", p->names[k]);
}

int cfg__is_auto_target(const ad_param *p)
{
    return p->scope == AD_SCOPE_B && p->type == AD_PT_REAL && p->offset == offsetof(ad_brand_cfg, auto_target);
}

/* ", e.g. 0.8 for 80 %" for a share that looks written as a percentage (2
 * to 100), else ""; buf holds the text. */
static const char *percent_hint(double v, char *buf)
{
    buf[0] = '\0';
    if (v >= 2 && v <= 100) snprintf(buf, 48, ", e.g. %.10g for %.10g %%", v / 100, v);
    return buf;
}

/* Checks v against p's type and range; the checked value goes to out
 * (REAL: num; INT, BOOL, ENUM: i; STRING: str). */
int cfg__check_value(const ad_param *p, const cfg_val *v, const cfg_where *w, ad_error *err, cfg_val *out)
{
    char lo[48], hi[48], names[256], share[48];
    const char *unit = p->unit && p->unit[0] && strcmp(p->unit, "1") != 0 ? p->unit : NULL;
    *out = *v;
    num_text(p->min, lo, sizeof lo);
    num_text(p->max, hi, sizeof hi);
    switch (p->type) {
    case AD_PT_REAL:
        if (v->kind != V_NUM) return cfg__fail(err, w, "%s expects a number, not %s", w->label, v->what);
        if (!isfinite(v->num)) return cfg__fail(err, w, "%s = %g is not a finite number: allowed %s to %s",
                                                w->label, v->num, lo, hi);
        if (cfg__is_auto_target(p)) {
            /* its minimum, -1, is not a share but "same as automation.start" */
            if (v->num == -1 || (v->num >= 0 && v->num <= 1)) return AD_OK;
            return cfg__fail(err, w, "%s = %.10g is out of range: allowed 0 to 1%s (%s)", w->label, v->num,
                             percent_hint(v->num, share), v->num < 0
                             ? "or -1, or leave it out, to keep the starting share automation.start"
                             : "or leave it out to keep the starting share automation.start");
        }
        if (v->num < p->min || v->num > p->max)
            return cfg__fail(err, w, "%s = %.10g is out of range: allowed %s to %s%s%s%s%s", w->label, v->num,
                             lo, hi, unit ? " (" : "", unit ? unit : "", unit ? ")" : "",
                             p->min == 0 && p->max == 1 ? percent_hint(v->num, share) : "");
        return AD_OK;
    case AD_PT_INT:
        if (v->kind != V_NUM || !v->is_int)
            return cfg__fail(err, w, "%s expects a whole number (%s to %s), not %s", w->label, lo, hi, v->what);
        if (v->i < (int64_t)p->min || v->i > (int64_t)p->max)
            return cfg__fail(err, w, "%s = %lld is out of range: allowed %s to %s%s%s%s", w->label,
                             (long long)v->i, lo, hi, unit ? " (" : "", unit ? unit : "", unit ? ")" : "");
        return AD_OK;
    case AD_PT_BOOL:
        if (v->kind != V_BOOL) return cfg__fail(err, w, "%s expects true or false, not %s", w->label, v->what);
        return AD_OK;
    case AD_PT_ENUM:
        enum_list(p, names, sizeof names);
        if (v->kind != V_STR) return cfg__fail(err, w, "%s expects one of %s, not %s", w->label, names, v->what);
        for (int k = 0; p->names[k]; k++)
            if (strcmp(p->names[k], v->str) == 0) { out->i = k; return AD_OK; }
        return cfg__fail(err, w, "%s = \"%s\" is not allowed: use one of %s", w->label, v->str, names);
    case AD_PT_STRING:
        if (v->kind != V_STR)
            return cfg__fail(err, w, "%s expects a string in double quotes, not %s", w->label, v->what);
        if (strlen(v->str) >= (size_t)p->max)
            return cfg__fail(err, w, "%s is too long: %zu bytes, at most %d", w->label, strlen(v->str),
                             (int)p->max - 1);
        if (p->min >= 1 && !v->str[0]) return cfg__fail(err, w, "%s must not be empty", w->label);
        return AD_OK;
    }
    return AD_OK;
}

void cfg__store(void *at, const ad_param *p, const cfg_val *v)
{
    switch (p->type) {
    case AD_PT_REAL: *(double *)at = v->num; break;
    case AD_PT_INT: *(int64_t *)at = v->i; break;
    case AD_PT_BOOL:
    case AD_PT_ENUM: *(int *)at = (int)v->i; break;
    case AD_PT_STRING: snprintf(at, (size_t)p->max, "%s", v->str); break;
    }
}

void cfg__setting_val(const config_setting_t *s, cfg_val *v)
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

/* The scenario-wide key that is rel, or else the only one whose last part
 * is rel ("seed": scenario.seed); NULL when there is none. */
static const char *global_key_like(const char *rel)
{
    const char *found = NULL;
    int n = 0;
    for (int i = 0; i < ad_param_count; i++) {
        const char *k = ad_param_table[i].key, *leaf = strrchr(k, '.');
        if (ad_param_table[i].scope != AD_SCOPE_G) continue;
        if (!strcmp(k, rel)) return k;
        if (leaf && !strcmp(leaf + 1, rel)) { found = k; n++; }
    }
    return n == 1 ? found : NULL;
}

static int unknown_key(const char *rel, ad_scope scope, const char *shown_prefix, const cfg_where *w, ad_error *err)
{
    static const char *const lists[] = {"brands", "events", "interventions", "sweep", NULL};
    const char *near = ad_param_nearest(rel, scope), *list, *global;
    int d;
    if (scope == AD_SCOPE_G && !strchr(rel, '.') && (list = ad_nearest_name(rel, lists, &d), d <= 2)) near = list;
    if (scope == AD_SCOPE_G && ad_param_find(rel, AD_SCOPE_B) >= 0)
        return cfg__fail(err, w, "unknown key '%s': %s is a brand parameter; set it inside brands = ( { ... } )",
                         w->label, rel);
    if (scope == AD_SCOPE_G && near) {
        /* a misspelt brand parameter written outside the brands */
        const char *bnear = ad_param_nearest(rel, AD_SCOPE_B);
        int db = ad_edit_distance(rel, bnear);
        if (db <= 2 && db < ad_edit_distance(rel, near)) {
            if (!strcmp(w->file, "--set"))
                return cfg__fail(err, w, "unknown key '%s' (did you mean 'brands.NAME.%s'? %s is a brand parameter)",
                                 w->label, bnear, bnear);
            return cfg__fail(err, w, "unknown key '%s' (did you mean '%s'? it is a brand parameter: set it inside "
                             "brands = ( { ... } ))", w->label, bnear);
        }
    }
    if (scope == AD_SCOPE_B && (global = global_key_like(rel)) != NULL
        && ad_edit_distance(rel, ad_param_nearest(rel, AD_SCOPE_B)) > 1) {
        char fix[KEYLEN + 32];
        if (!strcmp(w->file, "--set")) snprintf(fix, sizeof fix, "--set %s=VALUE", global);
        else snprintf(fix, sizeof fix, "set it outside the brands");
        if (!strcmp(global, rel))
            return cfg__fail(err, w, "unknown key '%s': %s is a scenario-wide parameter, not a brand one (%s)",
                             w->label, rel, fix);
        return cfg__fail(err, w, "unknown key '%s': %s is not a brand parameter (did you mean the scenario-wide "
                         "%s? %s)", w->label, rel, global, fix);
    }
    return cfg__fail(err, w, "unknown key '%s' (did you mean '%s%s'?)", w->label, shown_prefix, near ? near : "?");
}

/* Records that parameter idx (of brand, for B) was given, at line (-1: --set). */
static void mark_given(ad_config *cfg, cfg_ctx *ctx, int idx, int brand, int line)
{
    if (ad_param_table[idx].scope == AD_SCOPE_G) {
        cfg->given[idx] = 1;
        ctx->g_line[idx] = line;
    } else {
        cfg->brand_given[brand][cfg__brand_slot(idx)] = 1;
        ctx->b_line[brand][cfg__brand_slot(idx)] = line;
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
        return cfg__fail(err, &w, "%s must be a group: %s = { ... };", key, name ? name : "?");
    if (idx < 0) return unknown_key(rel, scope, prefix, &w, err);
    const ad_param *p = &ad_param_table[idx];
    cfg_val v, out;
    cfg__setting_val(s, &v);
    int rc = cfg__check_value(p, &v, &w, err, &out);
    if (rc) return rc;
    cfg__store(ad_param_ptr(cfg, p, brand), p, &out);
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
        return cfg__fail(err, &w, "brands must be a list of groups: "
                         "brands = ( { name = \"A\"; }, { name = \"B\"; } );");
    if (n > AD_MAX_BRANDS) return cfg__fail(err, &w, "too many brands: %d, at most %d", n, AD_MAX_BRANDS);
    cfg->n_brands = n;
    for (int b = 0; b < n; b++) {
        const config_setting_t *e = config_setting_get_elem(list, (unsigned)b);
        const config_setting_t *nm = config_setting_get_member(e, "name");
        const char *bname = nm && config_setting_type(nm) == CONFIG_TYPE_STRING ? config_setting_get_string(nm) : NULL;
        snprintf(key, sizeof key, "brands.[%d]", b);
        cfg_where we = {ctx->file, (int)config_setting_source_line(e), key, key, NULL};
        ctx->brand_line[b] = we.line;
        if (!config_setting_is_group(e))
            return cfg__fail(err, &we, "%s must be a group: { name = \"A\"; share = 0.5; }", key);
        for (int i = 0; i < config_setting_length(e); i++) {
            int rc = walk(cfg, ctx, AD_SCOPE_B, b, config_setting_get_elem(e, (unsigned)i), "", bname, err);
            if (rc) return rc;
        }
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
    cfg__brand_list(cfg, names, sizeof names);
    *brand = -1;
    if (r[0] == '[') {
        char *end;
        long bi = strtol(r + 1, &end, 10);
        if (end == r + 1 || end[0] != ']' || end[1] != '.')
            return cfg__fail(err, w, "--set %s: write brands.[I].KEY (I from 0) or brands.NAME.KEY", key);
        if (bi < 0 || bi >= cfg->n_brands)
            return cfg__fail(err, w, "brand index %ld is out of range: there are %d brands, brands.[0] to "
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
        return cfg__fail(err, w, "no brand named '%.*s'; brands are: %s (or use brands.[I].KEY)",
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
    if (!eq)
        return cfg__fail(err, &w, "--set '%s' has no '=': write KEY=VALUE, e.g. customer.switch_rate=0.05",
                         assignment);
    if (!trimmed(assignment, (size_t)(eq - assignment), 0, key, sizeof key))
        return cfg__fail(err, &w, "--set key is too long: at most %d bytes", KEYLEN - 1);
    if (!trimmed(eq + 1, strlen(eq + 1), 1, val, sizeof val))
        return cfg__fail(err, &w, "--set value is too long: at most %d bytes", (int)sizeof val - 1);
    w.key = w.label = rel = key;
    if (!strncmp(key, "brands.", 7)) {
        scope = AD_SCOPE_B;
        if ((rc = set_brand(cfg, key, &rel, &w, &brand, err))) return rc;
        snprintf(prefix, sizeof prefix, "%.*s", (int)(rel - key), key);
        w.brand = cfg->brands[brand].name;
    } else if (!strcmp(key, "brands") || !strncmp(key, "events", 6) || !strncmp(key, "interventions", 13)) {
        return cfg__fail(err, &w, "%s cannot be set with --set: edit the scenario file", key);
    }
    int idx = ad_param_find(rel, scope);
    if (idx < 0) return unknown_key(rel, scope, prefix, &w, err);
    const ad_param *p = &ad_param_table[idx];
    cfg_val v, out;
    text_val(p, val, &v);
    if ((rc = cfg__check_value(p, &v, &w, err, &out))) return rc;
    cfg__store(ad_param_ptr(cfg, p, brand), p, &out);
    mark_given(cfg, ctx, idx, brand, -1);
    return AD_OK;
}

/* Everything after parsing: the file's settings, the overrides, the checks. */
static int resolve(ad_config *cfg, const config_t *c, const char *file, const char *const *sets, int n_sets,
                   ad_error *err)
{
    cfg_ctx *ctx = calloc(1, sizeof *ctx);
    const config_setting_t *root = config_root_setting(c), *brands = NULL, *events = NULL, *ivs = NULL;
    int rc = AD_OK;
    if (!ctx) return ad_error_set(err, AD_ERR_NOMEM, file, 0, NULL, "out of memory reading the scenario");
    ctx->file = file;
    for (int i = 0; i < config_setting_length(root); i++) {
        const config_setting_t *m = config_setting_get_elem(root, (unsigned)i);
        const char *name = config_setting_name(m);
        if (!strcmp(name, "brands")) brands = m;
        else if (!strcmp(name, "events")) events = m;
        else if (!strcmp(name, "interventions")) ivs = m;
        else if (!strcmp(name, "sweep")) continue; /* read and checked by sweep.c (sweep_load) */
        else if ((rc = walk(cfg, ctx, AD_SCOPE_G, 0, m, "", NULL, err))) goto done;
    }
    if (brands && (rc = read_brands(cfg, ctx, brands, err))) goto done;
    if (events && (rc = cfg__read_events(cfg, ctx, events, err))) goto done;
    if (ivs && (rc = cfg__read_interventions(cfg, ctx, ivs, err))) goto done;
    for (int i = 0; i < n_sets; i++)
        if ((rc = apply_set(cfg, ctx, sets[i], err))) goto done;
    rc = cfg__cross_check(cfg, ctx, err);
done:
    free(ctx);
    return rc;
}

/* The whole file at path (its length to *n), malloc'd; NULL when it cannot
 * be read or is over 64 MB. */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long len;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && len <= (64L << 20) && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)len + 1)) != NULL) {
        *n = fread(buf, 1, (size_t)len, f);
        buf[*n] = '\0';
    }
    fclose(f);
    return buf;
}

/* libconfig refused the file (or text): its message, turned into one that
 * says what is wrong and what would fix it (config_text.c reads the text
 * again to find out) at the line libconfig names. */
static int read_error(const config_t *c, const char *path, const char *text, ad_error *err)
{
    const char *file = config_error_file(c) ? config_error_file(c) : path;
    char included[1024];
    if (strcmp(file, path) && file[0] != '/' && strrchr(path, '/')) {
        /* an @include, relative to the scenario file's folder */
        snprintf(included, sizeof included, "%.*s/%s", (int)(strrchr(path, '/') - path), path, file);
        file = included;
    }
    const char *what = config_error_text(c) ? config_error_text(c) : "syntax error";
    int line = config_error_line(c), hline = 0, syntax = !strcmp(what, "syntax error");
    char hint[700];
    size_t n = 0;
    char *owned = NULL;
    if (!text || config_error_file(c)) text = owned = slurp(file, &n);
    else n = strlen(text);
    int explained = text && cfg__syntax_hint(text, n, hint, sizeof hint, &hline) && (hline == line || !syntax);
    free(owned);
    if (explained)
        return ad_error_set(err, AD_ERR_CONFIG, file, hline, NULL, "%s%s", syntax ? "syntax error: " : "", hint);
    if (syntax)
        return ad_error_set(err, AD_ERR_CONFIG, file, line, NULL, "syntax error: libconfig cannot read this line "
                            "(is a ',', '=', '}', ')' or '\"' missing or one too many, here or at the end of the "
                            "line before?)");
    if (!strcmp(what, "mismatched element type in array"))
        return ad_error_set(err, AD_ERR_CONFIG, file, line, NULL, "the values of an array [ ] must all be of one "
                            "type: write 0.0 rather than 0 among decimal numbers");
    return ad_error_set(err, AD_ERR_CONFIG, file, line, NULL, "%s", what);
}

/* A directory given as the scenario file: say so, with one of its .cfg
 * files as an example when it has any. */
static int directory_error(const char *path, ad_error *err)
{
    char example[300] = "";
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 4 && !strcmp(e->d_name + len - 4, ".cfg") && (!example[0] || strcmp(e->d_name, example) < 0))
            snprintf(example, sizeof example, "%s", e->d_name);
    }
    if (d) closedir(d);
    size_t plen = strlen(path);
    const char *sep = plen && path[plen - 1] == '/' ? "" : "/";
    if (example[0])
        return ad_error_set(err, AD_ERR_CONFIG, NULL, 0, NULL, "%s is a directory, not a scenario file: give one of "
                            "its .cfg files, e.g. %s%s%s", path, path, sep, example);
    return ad_error_set(err, AD_ERR_CONFIG, NULL, 0, NULL, "%s is a directory, not a scenario file: give a .cfg "
                        "file", path);
}

/* What a scenario file may be before libconfig reads it: text (no NUL
 * byte), at most AD_SCENARIO_MAX_BYTES, with at most AD_SCENARIO_MAX_SETTINGS
 * settings ('=' signs): libconfig's parser takes time quadratic in the
 * settings of a group and in a run of NUL bytes, so a file far beyond any
 * scenario is refused at once instead of parsed for minutes. */
static int plausible_text(const char *path, const char *text, size_t n, ad_error *err)
{
    if (n > AD_SCENARIO_MAX_BYTES)
        return ad_error_set(err, AD_ERR_CONFIG, path, 0, NULL,
                            "is %zu bytes; a scenario file is at most %d bytes (%d MiB)", n, AD_SCENARIO_MAX_BYTES,
                            AD_SCENARIO_MAX_BYTES >> 20);
    const char *nul = memchr(text, '\0', n);
    if (nul) {
        int line = 1;
        for (const char *q = text; q < nul; q++) line += *q == '\n';
        return ad_error_set(err, AD_ERR_CONFIG, path, line, NULL,
                            "contains a NUL byte (at byte %zu): a scenario file is text; is this the right file?",
                            (size_t)(nul - text));
    }
    size_t settings = 0;
    for (size_t k = 0; k < n; k++) settings += text[k] == '=';
    if (settings > AD_SCENARIO_MAX_SETTINGS)
        return ad_error_set(err, AD_ERR_CONFIG, path, 0, NULL,
                            "has %zu settings ('='); a scenario file has at most %d", settings,
                            AD_SCENARIO_MAX_SETTINGS);
    return AD_OK;
}

/* libconfig (1.5) puts the include directory in front of every @include
 * path, an absolute one too. The scenario's own lines `@include "/abs"`
 * become the same file named from that directory ("../" up to the root),
 * in a new buffer; NULL when there is none, or when the directory cannot
 * be resolved (the path is then left as it was). */
static char *absolute_includes(const char *text, const char *dir)
{
    if (!strstr(text, "@include \"/")) return NULL;
    char real[4096];
    if (!realpath(dir, real)) return NULL;
    int depth = 0;
    for (const char *p = real; *p; p++) depth += *p == '/' && p[1];
    if (!strcmp(real, "/")) depth = 0;
    size_t n = strlen(text), extra = 0;
    for (const char *p = text; (p = strstr(p, "@include \"/")); p++) extra += 3 * (size_t)depth;
    char *out = malloc(n + extra + 1), *o = out;
    if (!out) return NULL;
    for (const char *p = text; *p;) {
        const char *at = strstr(p, "@include \"/");
        if (!at) {
            strcpy(o, p);
            o += strlen(p);
            break;
        }
        const size_t head = (size_t)(at - p) + strlen("@include \"");
        memcpy(o, p, head);
        o += head;
        for (int k = 0; k < depth; k++) o = memcpy(o, "../", 3), o += 3;
        p = at + strlen("@include \"/"); /* the path without its leading '/' */
    }
    *o = '\0';
    return out;
}

int cfg__read(config_t *c, const char *path, const char *text, ad_error *err)
{
    int rc;
    if (text) {
        if ((rc = plausible_text(path, text, strlen(text), err))) return rc;
        if (config_read_string(c, text)) return AD_OK;
        return read_error(c, path, text, err);
    }
    struct stat st;
    /* libconfig's scanner would end the program on a directory */
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return directory_error(path, err);
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > AD_SCENARIO_MAX_BYTES)
        return plausible_text(path, "", (size_t)st.st_size, err);
    /* read once, checked, then parsed from memory */
    size_t n = 0;
    char *buf = slurp(path, &n);
    if (!buf) return ad_error_set(err, AD_ERR_CONFIG, path, 0, NULL, "cannot read the scenario file: %s", strerror(errno));
    if ((rc = plausible_text(path, buf, n, err))) {
        free(buf);
        return rc;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s", path);
    if (strrchr(dir, '/')) { /* @include is relative to the scenario file */
        *strrchr(dir, '/') = '\0';
        config_set_include_dir(c, dir[0] ? dir : "/");
        char *abs = absolute_includes(buf, dir);
        if (abs) {
            free(buf);
            buf = abs;
        }
    }
    int ok = config_read_string(c, buf);
    if (ok) {
        free(buf);
        return AD_OK;
    }
    rc = read_error(c, path, config_error_file(c) ? NULL : buf, err);
    free(buf);
    return rc;
}

/* Reads the file at path, or text when it is not NULL (path names it). */
static int load(ad_config *cfg, const char *path, const char *text, const char *const *sets, int n_sets,
                ad_error *err)
{
    config_t c;
    int rc;
    ad_error_clear(err);
    if (strlen(path) >= sizeof cfg->source) /* kept whole, or refused: never cut */
        return ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL,
                            "the scenario file's path is %zu bytes long; at most %zu are allowed", strlen(path),
                            sizeof cfg->source - 1);
    config_init(&c);
    ad_config_defaults(cfg);
    snprintf(cfg->source, sizeof cfg->source, "%s", path);
    if ((rc = cfg__read(&c, path, text, err)) == AD_OK) rc = resolve(cfg, &c, path, sets, n_sets, err);
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
    if ((rc = cfg__cross_check(tmp, ctx, err))) goto done;
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
