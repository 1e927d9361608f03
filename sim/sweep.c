/* sweep.c: the sweep group of a scenario file (sweep.h) read, checked and
 * applied to single runs.
 *
 * The scenario loader (config.c) lets the top-level `sweep` group through
 * untouched; this file reads the same file again with libconfig, after the
 * scenario is loaded, because brand keys (brands.NAME.key) and the default
 * sweep seed need the loaded scenario. Every key of the group is known here
 * (unknown ones get a nearest-name suggestion) and every value is checked as
 * it is read, with file, line and key, before design_make sees the spec; so
 * design_make's own checks only back these up.
 *
 * Invariants: a sweep this file returns with AD_OK has present = 1 and a
 * made design whose every value lies in its parameter's range, or present =
 * 0 and no memory. Runs are applied only through cfg_apply_set, so a swept
 * value passes exactly the checks of --set. The libconfig tree is destroyed
 * on the single exit path of load().
 */
#include "sweep.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_priv.h"
#include "state.h"

#define SEED_MAX 9007199254740991.0     /* scenario.seed's maximum, 2^53 - 1 */

static const char *const top_keys[] = {"design", "seed", "replications", "n", "trajectories", "levels",
                                       "parameters", "points", "branch_from_warmup", NULL};
static const char *const par_keys[] = {"key", "min", "max", "values", "levels", NULL};

typedef struct rd {
    sweep *sw;
    const ad_config *cfg;
    ad_error *err;
} rd;

static int fail(const rd *r, const config_setting_t *s, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(const rd *r, const config_setting_t *s, const char *key, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *f = s && config_setting_source_file(s) ? config_setting_source_file(s) : r->sw->file;
    return ad_error_set(r->err, AD_ERR_CONFIG, f, s ? (int)config_setting_source_line(s) : r->sw->line, key,
                        "%s", msg);
}

/* Every member of group g must be one of names. */
static int known_members(const rd *r, const config_setting_t *g, const char *prefix, const char *const *names)
{
    char key[SWEEP_KEYLEN];
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
        const char *nm = config_setting_name(m);
        int ok = 0;
        for (int k = 0; names[k] && !ok; k++) ok = !strcmp(nm, names[k]);
        if (ok) continue;
        snprintf(key, sizeof key, "%s.%s", prefix, nm);
        return fail(r, m, key, "unknown key '%s' (did you mean '%s.%s'?)", key, prefix,
                    ad_nearest_name(nm, names, NULL));
    }
    return AD_OK;
}

static int is_num(const config_setting_t *s)
{
    int t = config_setting_type(s);
    return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 || t == CONFIG_TYPE_FLOAT;
}

static int get_num(const rd *r, const config_setting_t *s, const char *key, double *out)
{
    if (!is_num(s)) return fail(r, s, key, "%s expects a number", key);
    *out = config_setting_type(s) == CONFIG_TYPE_FLOAT ? config_setting_get_float(s)
                                                       : (double)config_setting_get_int64(s);
    if (!isfinite(*out)) return fail(r, s, key, "%s = %g is not a finite number", key, *out);
    return AD_OK;
}

/* A whole number in [lo, hi]. */
static int get_int(const rd *r, const config_setting_t *s, const char *key, double lo, double hi, int64_t *out)
{
    int t = config_setting_type(s);
    if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
        return fail(r, s, key, "%s expects a whole number (%.0f to %.0f)", key, lo, hi);
    *out = config_setting_get_int64(s);
    if ((double)*out < lo || (double)*out > hi)
        return fail(r, s, key, "%s = %lld is out of range: allowed %.0f to %.0f", key, (long long)*out, lo, hi);
    return AD_OK;
}

/* Resolves a parameter key (scenario-wide, brands.[I].key or brands.NAME.key). */
static int resolve_key(const rd *r, const config_setting_t *s, const char *where, const char *text, int j)
{
    sweep *sw = r->sw;
    const char *rel = text;
    ad_scope scope = AD_SCOPE_G;
    char prefix[SWEEP_KEYLEN] = "";
    sw->brand[j] = -1;
    if (!strncmp(text, "brands.", 7)) {
        const char *b = text + 7;
        scope = AD_SCOPE_B;
        if (b[0] == '[') {
            char *end;
            errno = 0;
            long bi = strtol(b + 1, &end, 10);
            if (end == b + 1 || end[0] != ']' || end[1] != '.')
                return fail(r, s, where, "key \"%s\": write brands.[I].KEY (I from 0) or brands.NAME.KEY", text);
            if (bi < 0 || bi >= r->cfg->n_brands)
                return fail(r, s, where, "key \"%s\": brand index %ld is out of range: there are %d brands, "
                            "brands.[0] to brands.[%d]", text, bi, r->cfg->n_brands, r->cfg->n_brands - 1);
            sw->brand[j] = (int)bi;
            rel = end + 2;
        } else {
            size_t best = 0; /* the longest matching name, as names may hold dots */
            for (int i = 0; i < r->cfg->n_brands; i++) {
                size_t n = strlen(r->cfg->brands[i].name);
                if (n > best && !strncmp(b, r->cfg->brands[i].name, n) && b[n] == '.') {
                    best = n;
                    sw->brand[j] = i;
                }
            }
            if (sw->brand[j] < 0)
                return fail(r, s, where, "key \"%s\": no brand named '%.*s' (or use brands.[I].KEY)", text,
                            (int)strcspn(b, "."), b);
            rel = b + best + 1;
        }
        snprintf(prefix, sizeof prefix, "%.*s", (int)(rel - text), text);
    }
    int idx = ad_param_find(rel, scope);
    if (idx < 0) {
        const char *near = ad_param_nearest(rel, scope);
        if (scope == AD_SCOPE_G && ad_param_find(rel, AD_SCOPE_B) >= 0)
            return fail(r, s, where, "unknown key \"%s\": %s is a brand parameter; write brands.[I].%s or "
                        "brands.NAME.%s", text, rel, rel, rel);
        return fail(r, s, where, "unknown key \"%s\" (did you mean '%s%s'?)", text, prefix, near ? near : "?");
    }
    const ad_param *p = &ad_param_table[idx];
    if (p->type != AD_PT_REAL && p->type != AD_PT_INT)
        return fail(r, s, where, "%s cannot be swept: it is a %s parameter, and only numbers (REAL, INT) can "
                    "be swept", text, p->type == AD_PT_BOOL ? "BOOL" : p->type == AD_PT_ENUM ? "ENUM" : "STRING");
    sw->param[j] = idx;
    for (int i = 0; i < j; i++)
        if (sw->param[i] == idx && sw->brand[i] == sw->brand[j])
            return fail(r, s, where, "%s is swept twice: also as sweep.parameters.[%d]", text, i);
    return AD_OK;
}

/* v within parameter j's table range. */
static int in_range(const rd *r, const config_setting_t *s, const char *key, int j, double v, const char *what)
{
    const ad_param *p = &ad_param_table[r->sw->param[j]];
    /* automation.target's -1 ("the starting share") is not a share: a swept
     * target lies between 0 and 1 */
    const int target = !strcmp(p->key, "automation.target");
    const double lo = target ? 0.0 : p->min;
    if (v < lo || v > p->max)
        return fail(r, s, key, "%s = %.10g is outside the range of %s: allowed %.10g to %.10g%s", what, v,
                    r->sw->key[j], lo, p->max, target ? " (a share of contacts: 0.8 for 80 %)" : "");
    return AD_OK;
}

/* One element of sweep.parameters. top_levels: the group's `levels` (grid default), 0 if none. */
static int read_param(const rd *r, const config_setting_t *g, int j, int64_t top_levels)
{
    sweep *sw = r->sw;
    design_spec *sp = &sw->spec;
    char pre[64], key[SWEEP_KEYLEN];
    int rc;
    snprintf(pre, sizeof pre, "sweep.parameters.[%d]", j);
    sw->pline[j] = (int)config_setting_source_line(g);
    if (!config_setting_is_group(g))
        return fail(r, g, pre, "%s must be a group: { key = \"satisfaction.theta\"; min = 0.0; max = 2.0; }", pre);
    if ((rc = known_members(r, g, pre, par_keys))) return rc;
    const config_setting_t *k = config_setting_get_member(g, "key"), *mn = config_setting_get_member(g, "min"),
                           *mx = config_setting_get_member(g, "max"), *vs = config_setting_get_member(g, "values"),
                           *lv = config_setting_get_member(g, "levels");
    snprintf(key, sizeof key, "%s.key", pre);
    if (!k) return fail(r, g, key, "%s is required: the parameter's key, e.g. key = \"satisfaction.theta\";", key);
    if (config_setting_type(k) != CONFIG_TYPE_STRING)
        return fail(r, k, key, "%s expects a key in double quotes, e.g. \"brands.[0].quality\"", key);
    snprintf(sw->key[j], SWEEP_KEYLEN, "%s", config_setting_get_string(k));
    sp->name[j] = sw->key[j];
    if ((rc = resolve_key(r, k, key, sw->key[j], j))) return rc;
    const ad_param *p = &ad_param_table[sw->param[j]];
    int grid = sp->kind == DESIGN_GRID, list = sp->kind == DESIGN_LIST;
    snprintf(key, sizeof key, "%s.values", pre);
    if (vs && !grid) return fail(r, vs, key, "%s is only for the grid design", key);
    snprintf(key, sizeof key, "%s.levels", pre);
    if (lv && !grid) return fail(r, lv, key, "%s is only for the grid design (morris: sweep.levels)", key);
    if (vs && lv) return fail(r, lv, key, "give %s.values or %s.levels, not both", pre, pre);
    double lo = p->min, hi = p->max;
    int has_min = mn != NULL, has_max = mx != NULL;
    snprintf(key, sizeof key, "%s.min", pre);
    if (mn && ((rc = get_num(r, mn, key, &lo)) || (rc = in_range(r, mn, key, j, lo, key)))) return rc;
    snprintf(key, sizeof key, "%s.max", pre);
    if (mx && ((rc = get_num(r, mx, key, &hi)) || (rc = in_range(r, mx, key, j, hi, key)))) return rc;
    if (grid && vs) {
        snprintf(key, sizeof key, "%s.values", pre);
        int n = config_setting_length(vs);
        if (!config_setting_is_aggregate(vs) || config_setting_is_group(vs))
            return fail(r, vs, key, "%s expects an array of numbers: values = [0.0, 1.0, 2.0];", key);
        if (n < 2) return fail(r, vs, key, "%s gives %d value%s: a grid needs at least 2 per parameter", key, n,
                               n == 1 ? "" : "s");
        if (!(sw->values[j] = malloc((size_t)n * sizeof(double))))
            return ad_error_set(r->err, AD_ERR_NOMEM, sw->file, 0, NULL, "out of memory reading the sweep");
        sw->n_values[j] = n;
        double vmin = INFINITY, vmax = -INFINITY;
        for (int i = 0; i < n; i++) {
            const config_setting_t *e = config_setting_get_elem(vs, (unsigned)i);
            char ek[SWEEP_KEYLEN + 16];
            double v = 0;
            snprintf(ek, sizeof ek, "%s.[%d]", key, i);
            if ((rc = get_num(r, e, ek, &v)) || (rc = in_range(r, e, ek, j, v, ek))) return rc;
            if ((has_min && v < lo) || (has_max && v > hi))
                return fail(r, e, ek, "%s = %.10g is outside [min, max] = [%.10g, %.10g]", ek, v, lo, hi);
            sw->values[j][i] = v;
            vmin = fmin(vmin, v);
            vmax = fmax(vmax, v);
        }
        if (!has_min) lo = vmin;
        if (!has_max) hi = vmax;
        if (!(vmin < vmax)) return fail(r, vs, key, "%s are all %.10g: a grid needs two different values", key, vmin);
        sp->levels[j] = n;
    } else if (!list && (!has_min || !has_max)) {
        snprintf(key, sizeof key, "%s.%s", pre, has_min ? "max" : "min");
        return fail(r, g, key, "%s is required: the %s design samples the range [min, max]%s", key,
                    design_kind_name(sp->kind), grid ? " (or give the grid's values)" : "");
    }
    snprintf(key, sizeof key, "%s.max", pre);
    if (!(lo < hi)) return fail(r, mx ? mx : g, key, "%s: min = %.10g is not below max = %.10g", pre, lo, hi);
    if (grid && !vs) {
        int64_t levels = top_levels;
        snprintf(key, sizeof key, "%s.levels", pre);
        if (lv && (rc = get_int(r, lv, key, 2, DESIGN_MAX_POINTS, &levels))) return rc;
        if (levels < 2)
            return fail(r, g, key, "%s: a grid needs values = [...] or levels = N (N >= 2, equally spaced over "
                        "[min, max])", pre);
        sp->levels[j] = (int)levels;
    }
    sp->min[j] = lo;
    sp->max[j] = hi;
    return AD_OK;
}

/* sweep.points: the list design's points, k values each. */
static int read_points(const rd *r, const config_setting_t *pts)
{
    sweep *sw = r->sw;
    const int k = sw->spec.k;
    int n = config_setting_length(pts);
    if (!config_setting_is_list(pts) && !config_setting_is_array(pts))
        return fail(r, pts, "sweep.points", "sweep.points expects a list of points: points = ( [0.3, 1.0], [0.6, 0.5] );");
    if (n < 1) return fail(r, pts, "sweep.points", "sweep.points is empty: the list design needs at least 1 point");
    if (!(sw->list = malloc((size_t)n * k * sizeof(double))))
        return ad_error_set(r->err, AD_ERR_NOMEM, sw->file, 0, NULL, "out of memory reading the sweep");
    for (int i = 0; i < n; i++) {
        const config_setting_t *pt = config_setting_get_elem(pts, (unsigned)i);
        char key[64];
        snprintf(key, sizeof key, "sweep.points.[%d]", i);
        if (!config_setting_is_array(pt) && !config_setting_is_list(pt))
            return fail(r, pt, key, "%s expects an array of %d numbers, one per parameter", key, k);
        if (config_setting_length(pt) != k)
            return fail(r, pt, key, "%s gives %d value%s, but the sweep has %d parameters: one value each", key,
                        config_setting_length(pt), config_setting_length(pt) == 1 ? "" : "s", k);
        for (int j = 0; j < k; j++) {
            char ek[SWEEP_KEYLEN + 96];
            double v = 0;
            int rc;
            snprintf(ek, sizeof ek, "%s.[%d] (%s)", key, j, sw->key[j]);
            if ((rc = get_num(r, config_setting_get_elem(pt, (unsigned)j), key, &v))) return rc;
            if (v < sw->spec.min[j] || v > sw->spec.max[j])
                return fail(r, pt, key, "%s = %.10g is outside [%.10g, %.10g]", ek, v, sw->spec.min[j], sw->spec.max[j]);
            sw->list[(size_t)i * k + j] = v;
        }
    }
    sw->spec.list = sw->list;
    sw->spec.list_n = n;
    return AD_OK;
}

/* A member of the group that only some designs use. */
static int design_int(const rd *r, const config_setting_t *g, const char *name, int wanted, double lo,
                      double hi, int64_t *out)
{
    char key[64];
    const config_setting_t *s = config_setting_get_member(g, name);
    snprintf(key, sizeof key, "sweep.%s", name);
    if (!s) return AD_OK;
    if (!wanted)
        return fail(r, s, key, "%s is not used by the %s design", key, design_kind_name(r->sw->spec.kind));
    return get_int(r, s, key, lo, hi, out);
}

static int read_sweep(const rd *r, const config_setting_t *g)
{
    sweep *sw = r->sw;
    design_spec *sp = &sw->spec;
    int rc;
    if (!config_setting_is_group(g))
        return fail(r, g, "sweep", "sweep must be a group: sweep = { design = \"lhs\"; n = 20; parameters = ( ... ); };");
    if ((rc = known_members(r, g, "sweep", top_keys))) return rc;
    const config_setting_t *d = config_setting_get_member(g, "design"), *ps = config_setting_get_member(g, "parameters"),
                           *pts = config_setting_get_member(g, "points");
    if (!d || config_setting_type(d) != CONFIG_TYPE_STRING)
        return fail(r, d ? d : g, "sweep.design", "sweep.design is required, in double quotes: \"grid\", \"list\", "
                    "\"lhs\", \"sobol\", \"saltelli\" or \"morris\"");
    int kind = -1;
    for (int i = 0; i <= DESIGN_MORRIS; i++)
        if (!strcmp(config_setting_get_string(d), design_kind_name((design_kind)i))) kind = i;
    if (kind < 0)
        return fail(r, d, "sweep.design", "sweep.design = \"%s\" is not a design: use \"grid\", \"list\", \"lhs\", "
                    "\"sobol\", \"saltelli\" or \"morris\"", config_setting_get_string(d));
    sp->kind = (design_kind)kind;
    int64_t seed = r->cfg->seed, reps = 1, n = 0, traj = 0, levels = kind == DESIGN_MORRIS ? 4 : 0;
    if ((rc = design_int(r, g, "seed", 1, 0, SEED_MAX, &seed))) return rc;
    if ((rc = design_int(r, g, "replications", 1, 1, SWEEP_MAX_REPLICATIONS, &reps))) return rc;
    int sampled = kind == DESIGN_LHS || kind == DESIGN_SOBOL || kind == DESIGN_SALTELLI;
    if ((rc = design_int(r, g, "n", sampled, 1, DESIGN_MAX_POINTS, &n))) return rc;
    if ((rc = design_int(r, g, "trajectories", kind == DESIGN_MORRIS, 1, DESIGN_MAX_POINTS, &traj))) return rc;
    if ((rc = design_int(r, g, "levels", kind == DESIGN_MORRIS || kind == DESIGN_GRID, 2, DESIGN_MAX_POINTS, &levels)))
        return rc;
    if (sampled && !n)
        return fail(r, g, "sweep.n", "sweep.n is required: the %s design's %s, e.g. n = 20;", design_kind_name(sp->kind),
                    kind == DESIGN_SALTELLI ? "base rows (it makes n * (parameters + 2) points)" : "number of points");
    if (kind == DESIGN_MORRIS && !traj)
        return fail(r, g, "sweep.trajectories", "sweep.trajectories is required for morris, e.g. trajectories = 10;");
    if (kind == DESIGN_MORRIS && levels % 2)
        return fail(r, config_setting_get_member(g, "levels"), "sweep.levels",
                    "sweep.levels = %lld: morris needs an even number of levels (4 is usual)", (long long)levels);
    if (!ps || !config_setting_is_list(ps) || config_setting_length(ps) < 1)
        return fail(r, ps ? ps : g, "sweep.parameters", "sweep.parameters is required: a list of groups, "
                    "parameters = ( { key = \"satisfaction.theta\"; min = 0.0; max = 2.0; } );");
    if (config_setting_length(ps) > DESIGN_MAX_K)
        return fail(r, ps, "sweep.parameters", "sweep.parameters has %d entries: at most %d parameters",
                    config_setting_length(ps), DESIGN_MAX_K);
    sp->k = config_setting_length(ps);
    sp->n = (int)n;
    sp->trajectories = (int)traj;
    sp->morris_levels = (int)levels;
    sp->seed = (uint64_t)seed;
    sw->seed = (uint64_t)seed;
    sw->replications = (int)reps;
    const config_setting_t *br = config_setting_get_member(g, "branch_from_warmup");
    if (br && config_setting_type(br) != CONFIG_TYPE_BOOL)
        return fail(r, br, "sweep.branch_from_warmup", "sweep.branch_from_warmup is true or false");
    sw->branch = br ? config_setting_get_bool(br) : 0;
    for (int j = 0; j < sp->k; j++)
        if ((rc = read_param(r, config_setting_get_elem(ps, (unsigned)j), j, kind == DESIGN_GRID ? levels : 0)))
            return rc;
    if (kind == DESIGN_LIST && !pts)
        return fail(r, g, "sweep.points", "sweep.points is required for the list design: points = ( [...], [...] );");
    if (kind != DESIGN_LIST && pts)
        return fail(r, pts, "sweep.points", "sweep.points is only for the list design (this one is %s)",
                    design_kind_name(sp->kind));
    if (pts && (rc = read_points(r, pts))) return rc;
    if ((rc = design_make(sp, &sw->d, r->err))) {
        if (!r->err->file[0]) snprintf(r->err->file, sizeof r->err->file, "%s", sw->file);
        if (!r->err->line) r->err->line = sw->line;
        return rc;
    }
    for (int j = 0; j < sp->k; j++) /* grid values given: level index -> value */
        if (sw->values[j])
            for (int64_t i = 0; i < sw->d.n; i++)
                sw->d.x[i * sp->k + j] = sw->values[j][lround(sw->d.u[i * sp->k + j] * (sw->n_values[j] - 1))];
    if (sw->d.n * reps >= SWEEP_MAX_RUNS)
        return fail(r, g, "sweep.replications",
                    "the sweep has %lld points x %lld replications = %lld runs: a sweep has fewer than %lld",
                    (long long)sw->d.n, (long long)reps, (long long)(sw->d.n * reps), (long long)SWEEP_MAX_RUNS);
    sw->runs = sw->d.n * reps;
    return AD_OK;
}

static int load(sweep *sw, const char *path, const char *text, const ad_config *cfg, ad_error *err)
{
    config_t c;
    int rc;
    rd r = {sw, cfg, err};
    ad_error_clear(err);
    memset(sw, 0, sizeof *sw);
    snprintf(sw->file, sizeof sw->file, "%s", path);
    config_init(&c);
    if ((rc = cfg__read(&c, path, text, err))) goto done;
    const config_setting_t *g = config_setting_get_member(config_root_setting(&c), "sweep");
    if (!g) goto done;
    sw->present = 1;
    sw->line = (int)config_setting_source_line(g);
    rc = read_sweep(&r, g);
done:
    config_destroy(&c);
    if (rc) sweep_free(sw);
    return rc;
}

int sweep_load(sweep *sw, const char *path, const ad_config *cfg, ad_error *err)
{
    return load(sw, path, NULL, cfg, err);
}

int sweep_load_string(sweep *sw, const char *text, const char *name, const ad_config *cfg, ad_error *err)
{
    return load(sw, name ? name : "<string>", text ? text : "", cfg, err);
}

void sweep_free(sweep *sw)
{
    if (!sw) return;
    design_free(&sw->d);
    for (int j = 0; j < DESIGN_MAX_K; j++) free(sw->values[j]);
    free(sw->list);
    memset(sw, 0, sizeof *sw);
}

int sweep_run_index(const sweep *sw, int64_t run, int64_t *point, int *replication, ad_error *err)
{
    if (!sw->present)
        return ad_error_set(err, AD_ERR_USAGE, sw->file, 0, NULL, "--sweep-point: the scenario has no sweep group");
    if (run < 0 || run >= sw->runs)
        return ad_error_set(err, AD_ERR_USAGE, sw->file, sw->line, NULL, "--sweep-point %lld is out of range: the "
                            "sweep has %lld runs (%lld points x %d replications), 0 to %lld", (long long)run,
                            (long long)sw->runs, (long long)sw->d.n, sw->replications, (long long)sw->runs - 1);
    *point = run / sw->replications;
    *replication = (int)(run % sw->replications);
    return AD_OK;
}

int sweep_warmup_values(const sweep *sw, int64_t point, double *vals)
{
    int n = 0;
    for (int j = 0; j < sw->spec.k; j++)
        if (!cfg_after_warmup(&ad_param_table[sw->param[j]])) vals[n++] = sweep_value(sw, point, j);
    return n;
}

/* The 64-bit FNV-1a hash of a point's warm-up values (as stored, little
 * endian): the same for every point of one market. */
static uint64_t market_hash(const sweep *sw, int64_t point)
{
    double v[DESIGN_MAX_K];
    const int n = sweep_warmup_values(sw, point, v);
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int j = 0; j < n; j++) {
        uint64_t bits;
        memcpy(&bits, &v[j], sizeof bits);
        for (int b = 0; b < 8; b++) {
            h ^= (bits >> (8 * b)) & 0xff;
            h *= 0x100000001b3ULL;
        }
    }
    return h;
}

uint64_t sweep_run_seed(const sweep *sw, int64_t point, int replication)
{
    const uint64_t who = sw->branch ? market_hash(sw, point) : (uint64_t)point;
    return design_run_seed(sw->seed, who, (uint32_t)replication) & ((UINT64_C(1) << 53) - 1);
}

double sweep_value(const sweep *sw, int64_t point, int j)
{
    double x = sw->d.x[point * sw->spec.k + j];
    return ad_param_table[sw->param[j]].type == AD_PT_INT ? (double)llround(x) : x;
}

/* Applies design point `point` (and the seed of replication rep) to cfg. */
static int apply_point(const sweep *sw, int64_t run, int64_t point, int rep, ad_config *cfg, ad_error *err)
{
    char set[SWEEP_KEYLEN + 64];
    int rc = AD_OK;
    for (int j = 0; j <= sw->spec.k && !rc; j++) {
        if (j == sw->spec.k)
            snprintf(set, sizeof set, "scenario.seed=%llu", (unsigned long long)sweep_run_seed(sw, point, rep));
        else if (ad_param_table[sw->param[j]].type == AD_PT_INT)
            snprintf(set, sizeof set, "%s=%lld", sw->key[j], (long long)sweep_value(sw, point, j));
        else
            snprintf(set, sizeof set, "%s=%.17g", sw->key[j], sweep_value(sw, point, j));
        if ((rc = cfg_apply_set(cfg, set, err))) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            ad_error_set(err, rc, sw->file, j < sw->spec.k ? sw->pline[j] : sw->line, err->key,
                         "sweep run %lld (point %lld, replication %d): %s", (long long)run, (long long)point, rep,
                         msg);
        }
    }
    return rc;
}

int sweep_apply(const sweep *sw, int64_t run, ad_config *cfg, ad_error *err)
{
    int64_t point = 0;
    int rep = 0, rc;
    ad_error_clear(err);
    if ((rc = sweep_run_index(sw, run, &point, &rep, err))) return rc;
    return apply_point(sw, run, point, rep, cfg, err);
}

int sweep_check(const sweep *sw, const ad_config *cfg, ad_error *err)
{
    int rc = AD_OK;
    ad_error_clear(err);
    if (!sw->present) return AD_OK;
    ad_config *tmp = malloc(sizeof *tmp);
    if (!tmp) return ad_error_set(err, AD_ERR_NOMEM, sw->file, 0, NULL, "out of memory checking the sweep");
    for (int64_t i = 0; i < sw->d.n && i < SWEEP_CHECK_POINTS && !rc; i++) {
        *tmp = *cfg;
        rc = apply_point(sw, i * sw->replications, i, 0, tmp, err);
    }
    free(tmp);
    return rc;
}

char *sweep_format_summary(const sweep *sw)
{
    size_t cap = 4096 + (size_t)sw->spec.k * 512, used = 0;
    char *s = malloc(cap);
    if (!s) return NULL;
#define OUT(...) (used += (size_t)snprintf(s + used, used < cap ? cap - used : 0, __VA_ARGS__))
    const design_spec *sp = &sw->spec;
    OUT("\n# sweep: %s design over %d parameter%s, sweep seed %llu\n", design_kind_name(sp->kind), sp->k,
        sp->k == 1 ? "" : "s", (unsigned long long)sw->seed);
    for (int j = 0; j < sp->k; j++) {
        const ad_param *p = &ad_param_table[sw->param[j]];
        OUT("#   %-36s %.10g to %.10g%s", sw->key[j], sp->min[j], sp->max[j], p->type == AD_PT_INT ? " (INT: rounded)" : "");
        if (sp->kind == DESIGN_GRID && sw->values[j]) {
            OUT(", values");
            for (int i = 0; i < sw->n_values[j] && used < cap - 64; i++) OUT("%s %.10g", i ? "," : "", sw->values[j][i]);
        } else if (sp->kind == DESIGN_GRID) {
            OUT(", %d levels", sp->levels[j]);
        }
        OUT("\n");
    }
    if (sp->kind == DESIGN_LHS || sp->kind == DESIGN_SOBOL) OUT("#   n = %d\n", sp->n);
    if (sp->kind == DESIGN_SALTELLI) OUT("#   n = %d base rows: n x (%d + 2) points\n", sp->n, sp->k);
    if (sp->kind == DESIGN_MORRIS)
        OUT("#   %d trajectories of %d points, %d levels\n", sp->trajectories, sp->k + 1, sp->morris_levels);
    OUT("# points: %lld\n# replications: %d\n# runs: %lld (run K = point K / %d, replication K %% %d; "
        "aandacht run FILE --sweep-point K, K = 0 to %lld)\n", (long long)sw->d.n, sw->replications,
        (long long)sw->runs, sw->replications, sw->replications, (long long)sw->runs - 1);
    if (sw->branch) {
        int policy = 0;
        for (int j = 0; j < sp->k; j++) policy += cfg_after_warmup(&ad_param_table[sw->param[j]]);
        OUT("# branch_from_warmup: the runs of one replication that differ only in %s share one warm-up and one "
            "seed%s\n", policy ? "the parameters acting from week 0 (automation ramps, market.exit_share, weeks)"
                                : "nothing (no swept parameter acts from week 0 only)",
            policy == sp->k ? ": every point of a replication starts from the same market" : "");
    }
#undef OUT
    return s;
}

/* Digits of n >= 0, at least min. */
static int width_of(int64_t n, int min)
{
    int w = 1;
    for (; n >= 10; n /= 10) w++;
    return w > min ? w : min;
}

/* A swept value as it is applied: an INT whole, a REAL in the fewest
 * significant digits that read back as the same double. */
static void format_value(const sweep *sw, int64_t point, int j, char *out, size_t size)
{
    const double v = sweep_value(sw, point, j);
    if (ad_param_table[sw->param[j]].type == AD_PT_INT) {
        snprintf(out, size, "%lld", (long long)v);
        return;
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(out, size, "%.*g", digits, v);
        if (strtod(out, NULL) == v) return;
    }
}

/* A line of `used` bytes written into buf (size bytes): cut to fit, it
 * still ends in its newline. Returns 1. */
static int one_line(char *buf, size_t size, size_t used)
{
    if (used >= size && size > 1) buf[size - 2] = '\n';
    return 1;
}

int sweep_format_run_line(const sweep *sw, int all, const char *file, int64_t i, char *buf, size_t size)
{
    if (!buf || !size) return 0;
    buf[0] = '\0';
    if (!sw->present || i < 0) return 0;
    const int64_t n = sw->runs, head = SWEEP_LIST_HEAD, tail = SWEEP_LIST_TAIL;
    const int whole = all || n <= head + tail;
    size_t used = 0;
#define OUT(...) (used += (size_t)snprintf(buf + used, used < size ? size - used : 0, __VA_ARGS__))
    if (i == 0) {
        if (whole)
            OUT("# the runs (seed: the run's scenario.seed; the swept values as applied, INT parameters rounded):\n");
        else
            OUT("# the first %lld and the last %lld runs (seed: the run's scenario.seed; the swept values as "
                "applied, INT parameters rounded):\n", (long long)head, (long long)tail);
        return one_line(buf, size, used);
    }
    const int wr = width_of(n - 1, 3), wp = width_of(sw->d.n - 1, 5), wq = width_of(sw->replications - 1, 3);
    int64_t run = -1;
    if (i == 1) {
        OUT("#   %*s  %*s  %*s  %-16s", wr, "run", wp, "point", wq, "rep", "seed");
        for (int j = 0; j < sw->spec.k; j++) OUT("  %s", sw->key[j]);
        OUT("\n");
        return one_line(buf, size, used);
    }
    const int64_t row = i - 2;
    if (whole) {
        if (row >= n) return 0;
        run = row;
    } else if (row < head) {
        run = row;
    } else if (row == head) {
        /* a path with a line break would end the comment line: FILE instead */
        const char *f = file && *file && !strpbrk(file, "\r\n") ? file : "FILE";
        OUT("# ... (%lld runs in all; aandacht check %s --runs lists them all)\n", (long long)n, f);
        return one_line(buf, size, used);
    } else if (row <= head + tail) {
        run = n - tail + (row - head - 1);
    } else {
        return 0;
    }
    const int64_t point = run / sw->replications;
    const int rep = (int)(run % sw->replications);
    char seed[32], value[40];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)sweep_run_seed(sw, point, rep));
    OUT("#   %*lld  %*lld  %*d  %-16s", wr, (long long)run, wp, (long long)point, wq, rep, seed);
    for (int j = 0; j < sw->spec.k; j++) {
        format_value(sw, point, j, value, sizeof value);
        /* each value under its key; the last column without trailing blanks */
        OUT("  %-*s", j + 1 < sw->spec.k ? (int)strlen(sw->key[j]) : 0, value);
    }
    OUT("\n");
#undef OUT
    return one_line(buf, size, used);
}
