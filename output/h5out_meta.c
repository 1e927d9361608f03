/* h5out_meta.c: what a run was: the root attributes and the /parameters
 * group, written once when the file is opened.
 *
 * /parameters holds every entry of ad_param_table as an attribute named by
 * its scenario key (brand parameters as brands.<name>.<key>), typed by the
 * table (REAL float64, INT int64, BOOL int8, ENUM and STRING text), so the
 * group cannot drift from the table; events and interventions as parallel
 * 1-D attributes (events.week, events.brand, ...; none when there are none),
 * and the resolved configuration text as the scalar string variable
 * resolved_config. Reads the config only; keeps nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include "h5out_priv.h"

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static const char *const EVENT_TYPES[] = {[AD_EVENT_REPUTATION_SHOCK] = "reputation_shock"};
#define N_EVENT_TYPES ((int)(sizeof EVENT_TYPES / sizeof EVENT_TYPES[0]))

int h5out__root_attrs(h5out *o, const ad_config *cfg)
{
    char created[32], title[128];
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &utc);
    snprintf(title, sizeof title, "aandacht run of scenario %s", cfg->name);
    hid_t f = o->file;
    if (h5out__attr_str(f, "Conventions", "CF-1.8") < 0 ||
        h5out__attr_str(f, "title", title) < 0 ||
        h5out__attr_str(f, "engine_version", AANDACHT_VERSION) < 0 ||
        h5out__attr_str(f, "git_commit", AANDACHT_GIT) < 0 ||
        h5out__attr_str(f, "scenario", cfg->name) < 0 ||
        h5out__attr_str(f, "description", cfg->description) < 0 ||
        h5out__attr_str(f, "scenario_file", cfg->source) < 0 ||
        h5out__attr_i64(f, "seed", cfg->seed) < 0 ||
        h5out__attr_i64(f, "weeks_planned", cfg->weeks) < 0 ||
        h5out__attr_i64(f, "warmup", cfg->warmup) < 0 ||
        h5out__attr_i64(f, "customers", cfg->customers) < 0 ||
        h5out__attr_i64(f, "n_brands", cfg->n_brands) < 0 ||
        h5out__attr_str(f, "created", created) < 0 ||
        h5out__attr_i8(f, "complete", 0) < 0 ||
        h5out__attr_i64(f, "weeks_written", 0) < 0 ||
        h5out__attr_i64(f, "first_week", 0) < 0 ||
        h5out__attr_f64(f, "warmup_share_drift", NAN) < 0 ||
        h5out__attr_f64(f, "seed_noise", NAN) < 0)
        return -1;
    return 0;
}

/* Name of value v of an ENUM parameter ("?" when out of range). */
static const char *enum_name(const ad_param *p, int v)
{
    if (!p->names || v < 0) return "?";
    for (int k = 0; p->names[k]; k++)
        if (k == v) return p->names[k];
    return "?";
}

/* One parameter of one brand (brand ignored for scenario-wide ones). */
static int param_attr(hid_t g, const ad_config *cfg, const ad_param *p, int brand)
{
    char name[256];
    if (p->scope == AD_SCOPE_G)
        snprintf(name, sizeof name, "%s", p->key);
    else
        snprintf(name, sizeof name, "brands.%s.%s", cfg->brands[brand].name, p->key);
    switch (p->type) {
    case AD_PT_REAL: return h5out__attr_f64(g, name, ad_param_get(cfg, p, brand));
    case AD_PT_INT:
        return h5out__attr_i64(g, name, *(const int64_t *)ad_param_cptr(cfg, p, brand));
    case AD_PT_BOOL: return h5out__attr_i8(g, name, ad_param_get(cfg, p, brand) != 0);
    case AD_PT_ENUM: return h5out__attr_str(g, name, enum_name(p, (int)ad_param_get(cfg, p, brand)));
    case AD_PT_STRING: return h5out__attr_str(g, name, (const char *)ad_param_cptr(cfg, p, brand));
    }
    return -1;
}

static const char *brand_name(const ad_config *cfg, int b)
{
    return b >= 0 && b < cfg->n_brands ? cfg->brands[b].name : "?";
}

static int events(hid_t g, const ad_config *cfg)
{
    int n = cfg->n_events, rc = -1;
    if (h5out__attr_i64(g, "events.count", n) < 0) return -1;
    if (n <= 0) return 0;
    int64_t *week = malloc((size_t)n * sizeof *week);
    double *val = malloc(4 * (size_t)n * sizeof *val);
    const char **brand = malloc((size_t)n * sizeof *brand), **type = malloc((size_t)n * sizeof *type);
    if (!week || !val || !brand || !type) goto done;
    for (int i = 0; i < n; i++) {
        const ad_event *e = &cfg->events[i];
        week[i] = e->week;
        brand[i] = brand_name(cfg, e->brand);
        type[i] = e->type >= 0 && e->type < N_EVENT_TYPES ? EVENT_TYPES[e->type] : "?";
        val[i] = e->stated;
        val[n + i] = e->visits;
        val[2 * n + i] = e->half_life;
        val[3 * n + i] = e->stated_half_life;
    }
    if (h5out__attr_i64v(g, "events.week", week, (size_t)n) < 0 ||
        h5out__attr_strv(g, "events.brand", brand, (size_t)n) < 0 ||
        h5out__attr_strv(g, "events.type", type, (size_t)n) < 0 ||
        h5out__attr_f64v(g, "events.stated", val, (size_t)n) < 0 ||
        h5out__attr_f64v(g, "events.visits", val + n, (size_t)n) < 0 ||
        h5out__attr_f64v(g, "events.half_life", val + 2 * n, (size_t)n) < 0 ||
        h5out__attr_f64v(g, "events.stated_half_life", val + 3 * n, (size_t)n) < 0)
        goto done;
    rc = 0;
done:
    free(week);
    free(val);
    free(brand);
    free(type);
    return rc;
}

/* The value of an intervention as the scenario file would write it. */
static void intervention_text(const ad_param *p, double v, char *buf, size_t n)
{
    if (p->type == AD_PT_ENUM) {
        snprintf(buf, n, "%s", enum_name(p, (int)v));
    } else if (p->type == AD_PT_BOOL) {
        snprintf(buf, n, "%s", v != 0 ? "true" : "false");
    } else if (p->type == AD_PT_INT) {
        snprintf(buf, n, "%lld", (long long)v);
    } else {
        snprintf(buf, n, "%.17g", v);
    }
}

static int interventions(hid_t g, const ad_config *cfg)
{
    int n = cfg->n_interventions, rc = -1;
    if (h5out__attr_i64(g, "interventions.count", n) < 0) return -1;
    if (n <= 0) return 0;
    int64_t *week = malloc((size_t)n * sizeof *week);
    double *val = malloc((size_t)n * sizeof *val);
    const char **brand = malloc((size_t)n * sizeof *brand), **key = malloc((size_t)n * sizeof *key);
    const char **text = malloc((size_t)n * sizeof *text);
    char(*buf)[64] = malloc((size_t)n * sizeof *buf);
    if (!week || !val || !brand || !key || !text || !buf) goto done;
    for (int i = 0; i < n; i++) {
        const ad_intervention *iv = &cfg->interventions[i];
        const ad_param *p = iv->param >= 0 && iv->param < ad_param_count
                                ? &ad_param_table[iv->param] : NULL;
        week[i] = iv->week;
        brand[i] = brand_name(cfg, iv->brand);
        key[i] = p ? p->key : "?";
        val[i] = iv->value;
        if (p) intervention_text(p, iv->value, buf[i], sizeof buf[i]);
        else snprintf(buf[i], sizeof buf[i], "%.17g", iv->value);
        text[i] = buf[i];
    }
    if (h5out__attr_i64v(g, "interventions.week", week, (size_t)n) < 0 ||
        h5out__attr_strv(g, "interventions.brand", brand, (size_t)n) < 0 ||
        h5out__attr_strv(g, "interventions.key", key, (size_t)n) < 0 ||
        h5out__attr_f64v(g, "interventions.value", val, (size_t)n) < 0 ||
        h5out__attr_strv(g, "interventions.value_text", text, (size_t)n) < 0)
        goto done;
    rc = 0;
done:
    free(week);
    free(val);
    free(brand);
    free(key);
    free(text);
    free(buf);
    return rc;
}

/* resolved_config: a scalar variable-length string (no 64 KiB limit). */
static int resolved(hid_t g, const char *text)
{
    int rc = -1;
    const char *t = text ? text : "";
    hid_t type = h5out__vstr_type(), space = H5Screate(H5S_SCALAR), ds = H5I_INVALID_HID;
    if (type < 0 || space < 0) goto done;
    ds = H5Dcreate2(g, "resolved_config", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (ds < 0 || H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &t) < 0) goto done;
    if (h5out__attr_str(ds, "long_name",
                        "resolved configuration: a scenario file that reproduces this run") < 0)
        goto done;
    rc = 0;
done:;
    hid_t kept = h5out__err_keep(rc < 0);
    if (h5out__close_id(&ds, &kept) < 0) rc = -1;
    h5out__close_id(&space, &kept);
    h5out__close_id(&type, &kept);
    h5out__err_restore(kept);
    return rc;
}

int h5out__parameters(h5out *o, const ad_config *cfg, const char *resolved_text)
{
    int rc = -1;
    hid_t g = h5out__group(o->file, "parameters");
    if (g < 0) return -1;
    for (int i = 0; i < ad_param_count; i++)
        if (ad_param_table[i].scope == AD_SCOPE_G && param_attr(g, cfg, &ad_param_table[i], 0) < 0)
            goto done;
    for (int b = 0; b < cfg->n_brands; b++)
        for (int i = 0; i < ad_param_count; i++)
            if (ad_param_table[i].scope == AD_SCOPE_B &&
                param_attr(g, cfg, &ad_param_table[i], b) < 0)
                goto done;
    if (events(g, cfg) < 0 || interventions(g, cfg) < 0 || resolved(g, resolved_text) < 0)
        goto done;
    rc = 0;
done:;
    hid_t kept = h5out__err_keep(rc < 0);
    if (h5out__close_id(&g, &kept) < 0) rc = -1;
    h5out__err_restore(kept);
    return rc;
}

int h5out_read_scenario_file(const char *path, char *buf, size_t n)
{
    int rc = -1;
    buf[0] = '\0';
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* a file that is not HDF5 is an answer, not an error */
    hid_t f = H5Fis_hdf5(path) > 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : H5I_INVALID_HID;
    hid_t a = f >= 0 && H5Aexists(f, "scenario_file") > 0 ? H5Aopen(f, "scenario_file", H5P_DEFAULT)
                                                          : H5I_INVALID_HID;
    hid_t t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    if (t >= 0 && H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t)) {
        size_t len = H5Tget_size(t);
        char *s = calloc(len + 1, 1);
        if (s && H5Aread(a, t, s) >= 0) {
            snprintf(buf, n, "%s", s);
            rc = 0;
        }
        free(s);
    }
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    if (f >= 0) H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}
