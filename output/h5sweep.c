/* h5sweep.c: the sweep file: every run of a sweep over (run, week, brand).
 *
 * Invariant: while the sweep writes, its results live only in OUT.partial,
 * whose root attribute complete is 0. The file's shape is fixed at open
 * (runs x weeks x brands, all known then); each observable is chunked one
 * run per chunk, so a run's row is one chunk written whole, and a chunk
 * never written reads as the fill value NaN. h5sweep_write_run writes a
 * whole row, its status and wall time, then flushes and only after that
 * counts the run in runs_written: a reader of a killed sweep trusts the runs
 * with status 1. Only h5sweep_close(o, 1) sets complete = 1, last, and then
 * renames. Every variable's storage is allocated at open (NaN), so a run's
 * row changes raw data only, and the row is flushed before its status is
 * written and flushed: a kill leaves each run either status 1 with its row
 * whole or its old status. h5sweep_resume reopens such a file (after
 * checking it was made for the same sweep) and goes on writing rows.
 * The group /summary is the sweep as a table, one row per run: what the
 * run was (point, replication, seed, swept values, status) and the mean of
 * some observables over its last H5SWEEP_SUMMARY_WEEKS recorded weeks,
 * computed here from the row h5sweep_write_run is given and written with
 * it (NaN for a run that failed or did not run). Every variable over run
 * names point, replication, seed and the swept values in its attribute
 * coordinates, so netCDF readers (xarray) take those as coordinates of run.
 * Uses the HDF5 helpers of h5out_h5.c (h5out_priv.h); owns every
 * handle in struct h5sweep.
 */
#define _POSIX_C_SOURCE 200809L
#include "h5sweep.h"
#include "h5verify.h"
#include "h5out_priv.h"
#include "h5sweep_priv.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


struct h5sweep {
    char path[H5OUT_PATH_MAX];     /* final name, OUT */
    char partial[H5OUT_PATH_MAX];  /* name while writing, OUT.partial */
    int force;                     /* replace an existing OUT on close */
    int lock_fd;                   /* OUT.partial, locked while this job writes it (-1: none) */
    int n_brands;                  /* length of the brand dimension */
    int64_t runs, weeks;           /* lengths of the run and week dimensions */
    int64_t written, failed;       /* runs written with status 1 / -1 */
    int8_t *st;                    /* status of each run, as in the file */
    hid_t file;                    /* the open OUT.partial */
    hid_t run, week, brand;        /* dimension scales */
    hid_t status, wall, drift, message; /* per-run variables written as runs finish */
    hid_t market[AD_N_MARKET];     /* (run, week) */
    hid_t brandv[AD_N_BRAND];      /* (run, week, brand) */
    hid_t sum_status, sum_weeks;   /* /summary: status, weeks_averaged (run) */
    hid_t sum_market[H5SWEEP_N_SUM_MARKET]; /* /summary: (run) */
    hid_t sum_brand[H5SWEEP_N_SUM_BRAND];   /* /summary: (run, brand) */
};

static const double NAN_FILL = NAN;

/* The observables /summary holds (docs/output.md, "Sweep files"). */
static const int SUM_MARKET[H5SWEEP_N_SUM_MARKET] = {AD_M_attention_scarcity, AD_M_automation_share, AD_M_tip_rate,
                                                    AD_M_customer_nps, AD_M_jobs};
static const int SUM_BRAND[H5SWEEP_N_SUM_BRAND] = {AD_B_market_share, AD_B_profit, AD_B_mean_loyalty, AD_B_nps,
                                                  AD_B_employees};

int h5sweep__summary_rows(char (*paths)[H5SWEEP_SUM_PATH])
{
    int n = 0;
    for (int i = 0; i < H5SWEEP_N_SUM_MARKET; i++)
        snprintf(paths[n++], H5SWEEP_SUM_PATH, "%s/%s", H5SWEEP_SUMMARY_GROUP, ad_market_names[SUM_MARKET[i]]);
    for (int i = 0; i < H5SWEEP_N_SUM_BRAND; i++)
        snprintf(paths[n++], H5SWEEP_SUM_PATH, "%s/%s", H5SWEEP_SUMMARY_GROUP, ad_brand_h5names[SUM_BRAND[i]]);
    snprintf(paths[n++], H5SWEEP_SUM_PATH, "%s/weeks_averaged", H5SWEEP_SUMMARY_GROUP);
    snprintf(paths[n++], H5SWEEP_SUM_PATH, "%s/status", H5SWEEP_SUMMARY_GROUP);
    return n;
}

static int close_all(h5sweep *o)
{
    hid_t kept = H5I_INVALID_HID;
    int rc = 0;
    for (int k = 0; k < AD_N_MARKET; k++) rc |= h5out__close_id(&o->market[k], &kept);
    for (int k = 0; k < AD_N_BRAND; k++) rc |= h5out__close_id(&o->brandv[k], &kept);
    for (int k = 0; k < H5SWEEP_N_SUM_MARKET; k++) rc |= h5out__close_id(&o->sum_market[k], &kept);
    for (int k = 0; k < H5SWEEP_N_SUM_BRAND; k++) rc |= h5out__close_id(&o->sum_brand[k], &kept);
    rc |= h5out__close_id(&o->sum_status, &kept);
    rc |= h5out__close_id(&o->sum_weeks, &kept);
    hid_t *ids[] = {&o->status, &o->wall, &o->drift, &o->message, &o->run, &o->week, &o->brand, &o->file};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) rc |= h5out__close_id(ids[i], &kept);
    h5out__err_restore(kept);
    return rc ? -1 : 0;
}

/* A fixed-size variable, chunked one run per chunk (chunk = dims with the
 * first set to 1) when chunked; float64 ones filled with NaN (and say so in
 * _FillValue, as netCDF does). */
static hid_t variable(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims, int chunked)
{
    hsize_t chunk[3];
    hid_t space = H5Screate_simple(rank, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE), ds = H5I_INVALID_HID;
    int is_f64 = H5Tequal(type, H5T_IEEE_F64LE) > 0;
    for (int i = 0; i < rank; i++) chunk[i] = i ? dims[i] : 1;
    if (space < 0 || dcpl < 0) goto done;
    if (H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0) goto done;
    if (chunked && dims[0] > 0 && H5Pset_chunk(dcpl, rank, chunk) < 0) goto done;
    /* a checksum per chunk (one run's row): verify, merge and --resume read it */
    if (chunked && dims[0] > 0 && H5Tis_variable_str(type) <= 0 && H5Pset_fletcher32(dcpl) < 0) goto done;
    /* all storage now: a run's row is then raw data only, no index change */
    if (H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) < 0) goto done;
    if (is_f64 && H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &NAN_FILL) < 0) goto done;
    ds = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (ds >= 0 && is_f64 && h5out__attr_f64(ds, "_FillValue", NAN_FILL) < 0) {
        H5Dclose(ds);
        ds = H5I_INVALID_HID;
    }
done:;
    hid_t kept = h5out__err_keep(ds < 0);
    if (space >= 0) H5Sclose(space);
    if (dcpl >= 0) H5Pclose(dcpl);
    h5out__err_restore(kept);
    return ds;
}

/* Writes count[] values at start[] of ds from buf. */
static int write_slab(hid_t ds, hid_t memtype, int rank, const hsize_t *start, const hsize_t *count, const void *buf)
{
    int rc = -1;
    hid_t fspace = H5Dget_space(ds), mspace = H5Screate_simple(rank, count, NULL);
    if (fspace >= 0 && mspace >= 0 && H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
        H5Dwrite(ds, memtype, mspace, fspace, H5P_DEFAULT, buf) >= 0)
        rc = 0;
    hid_t kept = h5out__err_keep(rc < 0);
    if (fspace >= 0) H5Sclose(fspace);
    if (mspace >= 0) H5Sclose(mspace);
    h5out__err_restore(kept);
    return rc;
}

/* A per-run variable in loc (the root or /summary) over that group's run
 * scale, written whole now (buf NULL: left to the fill), with units and
 * long_name; closed unless keep. */
static int run_var(h5sweep *o, hid_t loc, hid_t scale, const char *name, hid_t type, hid_t memtype, const void *buf,
                   const char *units, const char *long_name, hid_t *keep)
{
    hsize_t n = (hsize_t)o->runs;
    hid_t ds = variable(loc, name, type, 1, &n, 0);
    int rc = ds < 0 || (buf && H5Dwrite(ds, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) ||
                     h5out__attach(ds, 1, &scale) < 0 || h5out__describe(ds, units, long_name) < 0
                 ? -1 : 0;
    if (keep && rc == 0) *keep = ds;
    else h5out__close_id(&ds, NULL);
    return rc;
}

/* netCDF name of a config key: letters, digits and '_' only, runs of '_'
 * squeezed, no '_' at the ends; "sweep_" in front if it would clash with a
 * variable already made. */
static void var_name(hid_t file, const char *key, char *out, size_t n)
{
    size_t u = 0;
    for (const char *c = key; *c && u + 1 < n; c++) {
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9');
        if (ok) out[u++] = *c;
        else if (u && out[u - 1] != '_') out[u++] = '_';
    }
    while (u && out[u - 1] == '_') u--;
    out[u] = '\0';
    if (!u || !((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= 'A' && out[0] <= 'Z')) ||
        H5Lexists(file, out, H5P_DEFAULT) != 0) {
        size_t len = strlen(out) + 7 > n ? n - 7 : strlen(out);
        memmove(out + 6, out, len);
        memcpy(out, "sweep_", 6);
        out[len + 6] = '\0';
    }
}

static int root_attrs(h5sweep *o, const ad_config *cfg, const sweep *sw)
{
    char created[32], title[128];
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &utc);
    snprintf(title, sizeof title, "aandacht sweep of scenario %s", cfg->name);
    const char *keys[DESIGN_MAX_K];
    for (int j = 0; j < sw->spec.k; j++) keys[j] = sw->key[j];
    hid_t f = o->file;
    return h5out__attr_str(f, "Conventions", "CF-1.8") < 0 || h5out__attr_str(f, "title", title) < 0 ||
                   h5out__attr_str(f, "engine_version", AANDACHT_VERSION) < 0 ||
                   h5out__attr_str(f, "git_commit", AANDACHT_GIT) < 0 ||
                   h5out__attr_str(f, "scenario", cfg->name) < 0 ||
                   h5out__attr_str(f, "description", cfg->description) < 0 ||
                   h5out__attr_str(f, "scenario_file", cfg->source) < 0 ||
                   h5out__attr_i64(f, "weeks_planned", o->weeks) < 0 ||
                   h5out__attr_i64(f, "warmup", cfg->warmup) < 0 ||
                   h5out__attr_i64(f, "customers", cfg->customers) < 0 ||
                   h5out__attr_i64(f, "n_brands", cfg->n_brands) < 0 ||
                   h5out__attr_str(f, "sweep_design", design_kind_name(sw->spec.kind)) < 0 ||
                   h5out__attr_i64(f, "sweep_seed", (int64_t)sw->seed) < 0 ||
                   h5out__attr_i64(f, "sweep_points", sw->d.n) < 0 ||
                   h5out__attr_i64(f, "sweep_replications", sw->replications) < 0 ||
                   h5out__attr_i64(f, "sweep_k", sw->spec.k) < 0 ||
                   h5out__attr_strv(f, "sweep_keys", keys, (size_t)sw->spec.k) < 0 ||
                   h5out__attr_f64v(f, "sweep_min", sw->spec.min, (size_t)sw->spec.k) < 0 ||
                   h5out__attr_f64v(f, "sweep_max", sw->spec.max, (size_t)sw->spec.k) < 0 ||
                   h5out__attr_str(f, "created", created) < 0 || h5out__attr_i8(f, "complete", 0) < 0 ||
                   h5out__attr_i64(f, "runs", o->runs) < 0 || h5out__attr_i64(f, "runs_written", 0) < 0 ||
                   h5out__attr_i64(f, "runs_failed", 0) < 0
               ? -1 : 0;
}

/* Dimension scales run, week, brand and the observables over them. */
static int create_dims_and_obs(h5sweep *o, const ad_config *cfg)
{
    hsize_t nr = (hsize_t)o->runs, nw = (hsize_t)o->weeks, nb = (hsize_t)o->n_brands;
    int32_t *idx = malloc(sizeof *idx * (size_t)(o->runs > o->weeks ? o->runs : o->weeks) + 1);
    const char *names[AD_MAX_BRANDS], *currency = cfg->currency[0] ? cfg->currency : "money";
    for (int b = 0; b < o->n_brands; b++) names[b] = cfg->brands[b].name;
    hid_t vstr = h5out__vstr_type();
    int rc = -1;
    if (!idx || vstr < 0) goto done;
    for (int64_t i = 0; i < o->runs; i++) idx[i] = (int32_t)i;
    if ((o->run = variable(o->file, "run", H5T_STD_I32LE, 1, &nr, 0)) < 0 ||
        H5Dwrite(o->run, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, idx) < 0 ||
        h5out__scale(o->run, "run") < 0 ||
        h5out__describe(o->run, "1", "run of the sweep: point run / replications, replication run % replications") < 0)
        goto done;
    for (int64_t i = 0; i < o->weeks; i++) idx[i] = (int32_t)i;
    if ((o->week = variable(o->file, "week", H5T_STD_I32LE, 1, &nw, 0)) < 0 ||
        (o->weeks && H5Dwrite(o->week, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, idx) < 0) ||
        h5out__scale(o->week, "week") < 0 ||
        h5out__describe(o->week, "week", "recorded week (0 is the first week after the warm-up)") < 0)
        goto done;
    if ((o->brand = variable(o->file, "brand", vstr, 1, &nb, 0)) < 0 ||
        H5Dwrite(o->brand, vstr, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) < 0 || h5out__scale(o->brand, "brand") < 0 ||
        h5out__attr_str(o->brand, "long_name", "brand name") < 0)
        goto done;
    hsize_t d2[2] = {nr, nw}, d3[3] = {nr, nw, nb};
    hid_t s2[2] = {o->run, o->week}, s3[3] = {o->run, o->week, o->brand};
    for (int k = 0; k < AD_N_MARKET; k++)
        if ((o->market[k] = variable(o->file, ad_market_names[k], H5T_IEEE_F64LE, 2, d2, nw > 0)) < 0 ||
            h5out__attach(o->market[k], 2, s2) < 0 || h5out__describe(o->market[k], ad_market_units[k], ad_market_long[k]) < 0 ||
            (ad_market_money(k) && h5out__attr_str(o->market[k], "currency", currency) < 0))
            goto done;
    for (int k = 0; k < AD_N_BRAND; k++)
        if ((o->brandv[k] = variable(o->file, ad_brand_h5names[k], H5T_IEEE_F64LE, 3, d3, nw > 0)) < 0 ||
            h5out__attach(o->brandv[k], 3, s3) < 0 || h5out__describe(o->brandv[k], ad_brand_units[k], ad_brand_long[k]) < 0 ||
            (ad_brand_money(k) && h5out__attr_str(o->brandv[k], "currency", currency) < 0))
            goto done;
    rc = 0;
done:;
    hid_t kept = h5out__err_keep(rc < 0);
    if (vstr >= 0) H5Tclose(vstr);
    h5out__err_restore(kept);
    free(idx);
    return rc;
}

/* The UDUNITS-2 string of a parameter table unit, which is written for
 * people ("1/week", "money/(employee week)", "employee/1000 customer"):
 * what is counted (customer, employee, contact), money, logit and log are
 * "1" in UDUNITS, a number scales, any other word is a unit that keeps its
 * power ("week" before the '/', "week-1" after it). *money is set when the
 * unit holds money (the variable then gets the attribute currency). */
static void udunits_of(const char *unit, char *out, size_t n, int *money)
{
    static const char *const ONE[] = {"customer", "employee", "contact", "money", "logit", "log"};
    char word[8][32];
    int power[8], nw = 0, below = 0;
    double scale = 1;
    *money = 0;
    for (const char *c = unit ? unit : ""; *c;) {
        if (*c == '/') {
            below = 1;
            c++;
        } else if (isdigit((unsigned char)*c) || *c == '.') {
            char *end;
            double v = strtod(c, &end);
            if (v > 0) scale = below ? scale / v : scale * v;
            c = end > c ? end : c + 1;
        } else if (isalpha((unsigned char)*c)) {
            char w[32];
            size_t len = 0;
            for (; isalpha((unsigned char)*c); c++)
                if (len + 1 < sizeof w) w[len++] = *c;
            w[len] = '\0';
            int one = 0, i = 0;
            for (size_t k = 0; k < sizeof ONE / sizeof ONE[0]; k++) one |= !strcmp(w, ONE[k]);
            *money |= !strcmp(w, "money");
            if (one) continue;
            while (i < nw && strcmp(word[i], w)) i++;
            if (i == nw && nw < 8) {
                snprintf(word[nw], sizeof word[nw], "%s", w);
                power[nw++] = 0;
            }
            if (i < nw) power[i] += below ? -1 : 1;
        } else {
            c++;
        }
    }
    size_t u = 0;
    out[0] = '\0';
    if (scale != 1) u += (size_t)snprintf(out, n, "%g", scale);
    for (int i = 0; i < nw && u < n; i++) {
        if (!power[i]) continue;
        u += (size_t)snprintf(out + u, n - u, power[i] == 1 ? "%s%s" : "%s%s%d", u ? " " : "", word[i], power[i]);
    }
    if (!out[0]) snprintf(out, n, "1");
}

/* What the per-run variables of the root and of /summary share: each
 * run's design, the names of the swept values' variables, and the value of
 * the attribute coordinates that lists them. */
typedef struct per_run {
    int32_t *point, *rep, *idx, *zero; /* idx: 0 .. runs - 1; zero: 0 per run */
    int64_t *seed;
    double *val;                       /* one swept value per run (scratch) */
    int8_t *status;                    /* all 0: not run */
    char name[DESIGN_MAX_K][256];      /* the variable of each swept key */
    char coords[32 + DESIGN_MAX_K * 257]; /* "point replication seed <name> ..." */
} per_run;

/* point, replication, seed and the swept values (all known at open) in loc
 * over its run scale; at the root (name_them) the swept variables are
 * named, the names kept for /summary, and each gets its key. */
static int design_vars(h5sweep *o, hid_t loc, hid_t scale, const sweep *sw, per_run *pr, const char *currency,
                       int name_them)
{
    if (run_var(o, loc, scale, "point", H5T_STD_I32LE, H5T_NATIVE_INT32, pr->point, "1", "design point of the run",
                NULL) < 0 ||
        run_var(o, loc, scale, "replication", H5T_STD_I32LE, H5T_NATIVE_INT32, pr->rep, "1",
                "replication of the run at its point", NULL) < 0 ||
        run_var(o, loc, scale, "seed", H5T_STD_I64LE, H5T_NATIVE_INT64, pr->seed, "1", "scenario.seed of the run",
                NULL) < 0)
        return -1;
    for (int j = 0; j < sw->spec.k; j++) {
        char long_name[SWEEP_KEYLEN + 64];
        const ad_param *p = &ad_param_table[sw->param[j]];
        if (name_them) var_name(o->file, sw->key[j], pr->name[j], sizeof pr->name[j]);
        char units[64];
        int money;
        udunits_of(p->unit, units, sizeof units, &money);
        /* the table's unit, for people, when UDUNITS cannot say it */
        if (p->unit && *p->unit && strcmp(p->unit, units))
            snprintf(long_name, sizeof long_name, "swept parameter %s (%s)", sw->key[j], p->unit);
        else
            snprintf(long_name, sizeof long_name, "swept parameter %s", sw->key[j]);
        for (int64_t r = 0; r < o->runs; r++) pr->val[r] = sweep_value(sw, pr->point[r], j);
        hid_t ds = H5I_INVALID_HID;
        if (run_var(o, loc, scale, pr->name[j], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, pr->val, units, long_name, &ds) < 0)
            return -1;
        /* the key once, at the root: a reader that looks a swept value up
         * by its key finds one variable (/summary's long_name names it) */
        int bad = (name_them && h5out__attr_str(ds, "key", sw->key[j]) < 0) ||
                  (money && h5out__attr_str(ds, "currency", currency) < 0);
        if (h5out__close_id(&ds, NULL) < 0 || bad) return -1;
    }
    return 0;
}

/* "mean over ... of: <what>", the long_name of a summary figure. */
static void summary_long(char *out, size_t n, const char *what)
{
    snprintf(out, n, "mean over the run's last %d recorded weeks (all of them in a shorter run) of: %s",
             H5SWEEP_SUMMARY_WEEKS, what);
}

/* The group /summary: its own run and brand scales (so that it opens as a
 * dataset of its own), the runs' design, status and weeks_averaged, and the
 * outcome figures, all NaN (or 0) until each run's row is written. */
static int create_summary(h5sweep *o, const ad_config *cfg, const sweep *sw, per_run *pr, const char *currency)
{
    hsize_t nr = (hsize_t)o->runs, nb = (hsize_t)o->n_brands, d2[2] = {nr, nb};
    const char *names[AD_MAX_BRANDS];
    for (int b = 0; b < o->n_brands; b++) names[b] = cfg->brands[b].name;
    hid_t g = h5out__group(o->file, H5SWEEP_SUMMARY_GROUP), run = H5I_INVALID_HID, brand = H5I_INVALID_HID;
    hid_t vstr = h5out__vstr_type();
    char long_name[1024];
    int rc = -1;
    if (g < 0 || vstr < 0) goto done;
    if (h5out__attr_str(g, "title", "the sweep's runs as a table: one row per run, its design and the means of "
                                    "outcome figures over its last recorded weeks") < 0 ||
        h5out__attr_i64(g, "summary_weeks", H5SWEEP_SUMMARY_WEEKS) < 0)
        goto done;
    if ((run = variable(g, "run", H5T_STD_I32LE, 1, &nr, 0)) < 0 ||
        H5Dwrite(run, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, pr->idx) < 0 || h5out__scale(run, "run") < 0 ||
        h5out__describe(run, "1", "run of the sweep (the same as the root's run)") < 0)
        goto done;
    if ((brand = variable(g, "brand", vstr, 1, &nb, 0)) < 0 ||
        (nb && H5Dwrite(brand, vstr, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) < 0) || h5out__scale(brand, "brand") < 0 ||
        h5out__attr_str(brand, "long_name", "brand name") < 0)
        goto done;
    if (design_vars(o, g, run, sw, pr, currency, 0) < 0) goto done;
    if (run_var(o, g, run, "status", H5T_STD_I8LE, H5T_NATIVE_INT8, pr->status, "1",
                "1 ok, 0 not run, -1 failed (as the root's status)", &o->sum_status) < 0 ||
        h5out__attr_str(o->sum_status, "coordinates", pr->coords) < 0)
        goto done;
    snprintf(long_name, sizeof long_name, "number of recorded weeks the figures are means over: the run's last %d, or "
                                          "all of a shorter run (0: failed or not run)", H5SWEEP_SUMMARY_WEEKS);
    if (run_var(o, g, run, "weeks_averaged", H5T_STD_I32LE, H5T_NATIVE_INT32, pr->zero, "week", long_name,
                &o->sum_weeks) < 0 ||
        h5out__attr_str(o->sum_weeks, "coordinates", pr->coords) < 0)
        goto done;
    for (int i = 0; i < H5SWEEP_N_SUM_MARKET; i++) {
        int k = SUM_MARKET[i];
        summary_long(long_name, sizeof long_name, ad_market_long[k]);
        if (run_var(o, g, run, ad_market_names[k], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, NULL, ad_market_units[k],
                    long_name, &o->sum_market[i]) < 0 ||
            h5out__attr_str(o->sum_market[i], "coordinates", pr->coords) < 0 ||
            (ad_market_money(k) && h5out__attr_str(o->sum_market[i], "currency", currency) < 0))
            goto done;
    }
    hid_t s2[2] = {run, brand};
    for (int i = 0; i < H5SWEEP_N_SUM_BRAND; i++) {
        int k = SUM_BRAND[i];
        summary_long(long_name, sizeof long_name, ad_brand_long[k]);
        if ((o->sum_brand[i] = variable(g, ad_brand_h5names[k], H5T_IEEE_F64LE, 2, d2, 0)) < 0 ||
            h5out__attach(o->sum_brand[i], 2, s2) < 0 ||
            h5out__describe(o->sum_brand[i], ad_brand_units[k], long_name) < 0 ||
            h5out__attr_str(o->sum_brand[i], "coordinates", pr->coords) < 0 ||
            (ad_brand_money(k) && h5out__attr_str(o->sum_brand[i], "currency", currency) < 0))
            goto done;
    }
    rc = 0;
done:;
    hid_t kept = h5out__err_keep(rc < 0);
    h5out__close_id(&run, NULL);
    h5out__close_id(&brand, NULL);
    h5out__close_id(&g, NULL);
    if (vstr >= 0) H5Tclose(vstr);
    h5out__err_restore(kept);
    return rc;
}

/* point, replication, seed, the swept values (all known now), and status,
 * wall_time, message (written as runs finish); the attribute coordinates of
 * every variable over run; then /summary. */
static int create_per_run(h5sweep *o, const ad_config *cfg, const sweep *sw, const char *currency)
{
    size_t n = (size_t)o->runs ? (size_t)o->runs : 1;
    per_run *pr = calloc(1, sizeof *pr);
    const char **msg = malloc(n * sizeof *msg);
    hid_t vstr = h5out__vstr_type();
    int rc = -1;
    if (!pr || !msg || vstr < 0) goto done;
    pr->point = malloc(n * sizeof *pr->point);
    pr->rep = malloc(n * sizeof *pr->rep);
    pr->idx = malloc(n * sizeof *pr->idx);
    pr->zero = calloc(n, sizeof *pr->zero);
    pr->seed = malloc(n * sizeof *pr->seed);
    pr->val = malloc(n * sizeof *pr->val);
    pr->status = calloc(n, 1);
    if (!pr->point || !pr->rep || !pr->idx || !pr->zero || !pr->seed || !pr->val || !pr->status) goto done;
    for (int64_t r = 0; r < o->runs; r++) {
        pr->point[r] = (int32_t)(r / sw->replications);
        pr->rep[r] = (int32_t)(r % sw->replications);
        pr->idx[r] = (int32_t)r;
        pr->seed[r] = (int64_t)sweep_run_seed(sw, pr->point[r], pr->rep[r]);
        msg[r] = "";
    }
    if (design_vars(o, o->file, o->run, sw, pr, currency, 1) < 0) goto done;
    if (run_var(o, o->file, o->run, "status", H5T_STD_I8LE, H5T_NATIVE_INT8, pr->status, "1",
                "1 ok, 0 not run, -1 failed", &o->status) < 0 ||
        run_var(o, o->file, o->run, "wall_time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, NULL, "s",
                "wall-clock time of the run", &o->wall) < 0 ||
        run_var(o, o->file, o->run, "warmup_share_drift", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, NULL, "1",
                "largest change of a brand's market share over the warm-up's last year (NaN: not run)", &o->drift) < 0 ||
        run_var(o, o->file, o->run, "message", vstr, vstr, msg, "1", "why the run failed (empty when it did not)",
                &o->message) < 0)
        goto done;
    /* CF auxiliary coordinates: what each run was, for .sel and groupby */
    size_t u = (size_t)snprintf(pr->coords, sizeof pr->coords, "point replication seed");
    for (int j = 0; j < sw->spec.k && u < sizeof pr->coords; j++)
        u += (size_t)snprintf(pr->coords + u, sizeof pr->coords - u, " %s", pr->name[j]);
    for (int k = 0; k < AD_N_MARKET; k++)
        if (h5out__attr_str(o->market[k], "coordinates", pr->coords) < 0) goto done;
    for (int k = 0; k < AD_N_BRAND; k++)
        if (h5out__attr_str(o->brandv[k], "coordinates", pr->coords) < 0) goto done;
    hid_t per[] = {o->status, o->wall, o->drift, o->message};
    for (size_t i = 0; i < sizeof per / sizeof per[0]; i++)
        if (h5out__attr_str(per[i], "coordinates", pr->coords) < 0) goto done;
    if (create_summary(o, cfg, sw, pr, currency) < 0) goto done;
    rc = 0;
done:;
    hid_t kept = h5out__err_keep(rc < 0);
    if (vstr >= 0) H5Tclose(vstr);
    h5out__err_restore(kept);
    if (pr) {
        free(pr->point); free(pr->rep); free(pr->idx); free(pr->zero); free(pr->seed); free(pr->val); free(pr->status);
    }
    free(pr);
    free(msg);
    return rc;
}

/* /parameters of the base scenario, by the single-run writer's code (it
 * reads only the file handle of the h5out it is given). */
static int parameters(h5sweep *o, const ad_config *cfg, const char *resolved)
{
    h5out *tmp = calloc(1, sizeof *tmp);
    if (!tmp) return -1;
    tmp->file = o->file;
    int rc = h5out__parameters(tmp, cfg, resolved);
    free(tmp);
    if (rc == 0) {
        hid_t g = H5Gopen2(o->file, "parameters", H5P_DEFAULT);
        rc = g < 0 || h5out__attr_str(g, "note", "the base scenario; each run's swept values and seed are the "
                                                 "per-run variables of the root") < 0 ? -1 : 0;
        if (g >= 0) H5Gclose(g);
    }
    return rc;
}

/* A writer with no handle open yet (the caller checked the path's length). */
static h5sweep *new_writer(const char *path, const ad_config *base, const sweep *sw, int64_t weeks, int force)
{
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* failures are reported through err */
    h5sweep *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->file = o->run = o->week = o->brand = o->status = o->wall = o->drift = o->message = H5I_INVALID_HID;
    o->sum_status = o->sum_weeks = H5I_INVALID_HID;
    for (int k = 0; k < AD_N_MARKET; k++) o->market[k] = H5I_INVALID_HID;
    for (int k = 0; k < AD_N_BRAND; k++) o->brandv[k] = H5I_INVALID_HID;
    for (int k = 0; k < H5SWEEP_N_SUM_MARKET; k++) o->sum_market[k] = H5I_INVALID_HID;
    for (int k = 0; k < H5SWEEP_N_SUM_BRAND; k++) o->sum_brand[k] = H5I_INVALID_HID;
    snprintf(o->path, sizeof o->path, "%s", path);
    snprintf(o->partial, sizeof o->partial, "%s.partial", path);
    o->force = force;
    o->lock_fd = -1;
    o->n_brands = base->n_brands;
    o->runs = sw->runs;
    o->weeks = weeks;
    return o;
}

int h5sweep_open(h5sweep **out, const char *path, const ad_config *base, const char *resolved_text,
                 const sweep *sw, int64_t weeks, int force, ad_error *err)
{
    const char *doing = "creating the file";
    *out = NULL;
    if (!path || !*path) return ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL, "no output file given");
    if (strlen(path) + sizeof ".partial" > H5OUT_PATH_MAX)
        return ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL, "output path too long");
    if (sw->runs > INT32_MAX || weeks > INT32_MAX)
        return ad_error_set(err, AD_ERR_USAGE, path, 0, NULL, "too many runs or weeks for one sweep file");
    h5sweep *o = new_writer(path, base, sw, weeks, force);
    if (!o) return ad_error_set(err, AD_ERR_NOMEM, path, 0, NULL, "out of memory");
    int rc = (o->st = calloc((size_t)o->runs + 1, 1)) ? h5out__check_paths(o->path, o->partial, o->force, base->source,
                                                                         &o->lock_fd, err)
                                                     : ad_error_set(err, AD_ERR_NOMEM, path, 0, NULL, "out of memory");
    if (rc) {
        free(o->st);
        free(o);
        return rc;
    }
    if ((o->file = h5out__create_file(o->partial)) < 0) goto fail;
    doing = "writing the attributes";
    if (root_attrs(o, base, sw) < 0) goto fail;
    doing = "creating the variables";
    if (create_dims_and_obs(o, base) < 0 || create_per_run(o, base, sw, base->currency[0] ? base->currency : "money") < 0 ||
        h5sweep__design(o->file, sw) < 0)
        goto fail;
    doing = "writing /parameters";
    if (parameters(o, base, resolved_text) < 0) goto fail;
    doing = "flushing";
    if (H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0) goto fail;
    *out = o;
    return AD_OK;
fail:
    rc = h5out__fail(o->partial, err, doing);
    close_all(o);
    H5Eclear2(H5E_DEFAULT);
    unlink(o->partial);     /* this job made it, and no run is in it yet */
    close(o->lock_fd);
    free(o->st);
    free(o);
    return rc;
}

/* The figures of /summary for one run: each summarised observable's mean
 * over the run's last H5SWEEP_SUMMARY_WEEKS recorded weeks (all of them
 * when it recorded fewer), the weeks where the figure is NaN (a brand out
 * of the market, a week without contacts) left out: NaN when none is left.
 * A run's recorded weeks are those up to the last week in which any
 * observable has a value (the weeks after it, NaN, are beyond the run's
 * end). A run that did not finish (status not 1) has no figures: NaN, and
 * 0 weeks. */
static void summarise(const h5sweep *o, const h5sweep_row *row, double *market, double *brand, int32_t *weeks)
{
    size_t W = (size_t)o->weeks, nb = (size_t)o->n_brands, end = 0;
    for (int i = 0; i < H5SWEEP_N_SUM_MARKET; i++) market[i] = NAN;
    for (size_t i = 0; i < (size_t)H5SWEEP_N_SUM_BRAND * nb; i++) brand[i] = NAN;
    *weeks = 0;
    if (row->status != 1 || !row->market || !row->brand) return;
    for (size_t t = W; t > 0 && !end; t--) {
        for (int k = 0; k < AD_N_MARKET && !end; k++)
            if (isfinite(row->market[(size_t)k * W + t - 1])) end = t;
        for (size_t i = 0; i < (size_t)AD_N_BRAND * nb && !end; i++)
            if (isfinite(row->brand[((i / nb) * W + t - 1) * nb + i % nb])) end = t;
    }
    size_t from = end > H5SWEEP_SUMMARY_WEEKS ? end - H5SWEEP_SUMMARY_WEEKS : 0;
    *weeks = (int32_t)(end - from);
    for (int i = 0; i < H5SWEEP_N_SUM_MARKET; i++) {
        const double *v = row->market + (size_t)SUM_MARKET[i] * W;
        double sum = 0;
        size_t n = 0;
        for (size_t t = from; t < end; t++)
            if (isfinite(v[t])) {
                sum += v[t];
                n++;
            }
        market[i] = n ? sum / (double)n : NAN;
    }
    for (int i = 0; i < H5SWEEP_N_SUM_BRAND; i++)
        for (size_t b = 0; b < nb; b++) {
            const double *v = row->brand + (size_t)SUM_BRAND[i] * W * nb;
            double sum = 0;
            size_t n = 0;
            for (size_t t = from; t < end; t++)
                if (isfinite(v[t * nb + b])) {
                    sum += v[t * nb + b];
                    n++;
                }
            brand[(size_t)i * nb + b] = n ? sum / (double)n : NAN;
        }
}

int h5sweep_write_run(h5sweep *o, int64_t run, const h5sweep_row *row, ad_error *err)
{
    char doing[64];
    snprintf(doing, sizeof doing, "writing run %lld", (long long)run);
    if (run < 0 || run >= o->runs)
        return ad_error_set(err, AD_ERR_USAGE, o->partial, 0, NULL, "run %lld is not in the sweep", (long long)run);
    hsize_t r = (hsize_t)run, nw = (hsize_t)o->weeks, nb = (hsize_t)o->n_brands, one = 1;
    hsize_t s2[2] = {r, 0}, c2[2] = {1, nw}, s3[3] = {r, 0, 0}, c3[3] = {1, nw, nb};
    hid_t vstr = h5out__vstr_type();
    const char *msg = row->message ? row->message : "";
    int bad = vstr < 0;
    for (int k = 0; k < AD_N_MARKET && !bad && nw; k++)
        bad = write_slab(o->market[k], H5T_NATIVE_DOUBLE, 2, s2, c2, row->market + (size_t)k * nw) < 0;
    for (int k = 0; k < AD_N_BRAND && !bad && nw; k++)
        bad = write_slab(o->brandv[k], H5T_NATIVE_DOUBLE, 3, s3, c3, row->brand + (size_t)k * nw * nb) < 0;
    double sum_m[H5SWEEP_N_SUM_MARKET], sum_b[H5SWEEP_N_SUM_BRAND * AD_MAX_BRANDS];
    int32_t weeks;
    hsize_t sb[2] = {r, 0}, cb[2] = {1, nb};
    summarise(o, row, sum_m, sum_b, &weeks);
    for (int i = 0; i < H5SWEEP_N_SUM_MARKET && !bad; i++)
        bad = write_slab(o->sum_market[i], H5T_NATIVE_DOUBLE, 1, &r, &one, &sum_m[i]) < 0;
    for (int i = 0; i < H5SWEEP_N_SUM_BRAND && !bad && nb; i++)
        bad = write_slab(o->sum_brand[i], H5T_NATIVE_DOUBLE, 2, sb, cb, sum_b + (size_t)i * nb) < 0;
    /* the whole row is on disk before its status says so: a kill before
     * the second flush leaves the run's old status */
    bad = bad || write_slab(o->sum_weeks, H5T_NATIVE_INT32, 1, &r, &one, &weeks) < 0 ||
          write_slab(o->wall, H5T_NATIVE_DOUBLE, 1, &r, &one, &row->wall_time) < 0 ||
          write_slab(o->drift, H5T_NATIVE_DOUBLE, 1, &r, &one, &row->warmup_drift) < 0 ||
          write_slab(o->message, vstr, 1, &r, &one, &msg) < 0 || H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0 ||
          write_slab(o->status, H5T_NATIVE_INT8, 1, &r, &one, &row->status) < 0 ||
          write_slab(o->sum_status, H5T_NATIVE_INT8, 1, &r, &one, &row->status) < 0 ||
          H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0;
    hid_t kept = h5out__err_keep(bad);
    if (vstr >= 0) H5Tclose(vstr);
    h5out__err_restore(kept);
    if (bad) return h5out__fail(o->partial, err, doing);
    o->written -= o->st[run] == 1;
    o->failed -= o->st[run] == -1;
    o->st[run] = row->status;
    if (row->status == 1) o->written++;
    if (row->status == -1) o->failed++;
    if (h5out__attr_set_i64(o->file, "runs_written", o->written) < 0 ||
        h5out__attr_set_i64(o->file, "runs_failed", o->failed) < 0 || H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
        return h5out__fail(o->partial, err, "flushing");
    return AD_OK;
}

int h5sweep_close(h5sweep *o, int complete, ad_error *err)
{
    int rc = AD_OK;
    struct stat st;
    if (!o) return AD_OK;
    char digest[H5VERIFY_DIGEST_LEN];
    if (o->file >= 0 && complete && (H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0 || h5verify_seal(o->file, digest) < 0))
        rc = h5out__fail(o->partial, err, "writing the content digest");
    if (rc == AD_OK && o->file >= 0 && (h5out__attr_set_i8(o->file, "complete", (int8_t)(complete ? 1 : 0)) < 0 ||
                         H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0))
        rc = h5out__fail(o->partial, err, "marking the file complete");
    if (close_all(o) < 0 && rc == AD_OK) rc = h5out__fail(o->partial, err, "closing");
    free(o->st);
    H5Eclear2(H5E_DEFAULT);
    if (rc == AD_OK && complete) {
        if (!o->force && stat(o->path, &st) == 0)
            rc = ad_error_set(err, AD_ERR_EXISTS, o->path, 0, NULL,
                              "output file appeared while the sweep ran; the results are in '%s'", o->partial);
        else if (rename(o->partial, o->path) != 0)
            rc = ad_error_set(err, AD_ERR_IO, o->path, 0, NULL, "cannot rename '%s' to the output file: %s", o->partial,
                              strerror(errno));
    }
    if (o->lock_fd >= 0) close(o->lock_fd); /* the job is over: the lock goes with it */
    free(o);
    return rc;
}

/* Reading back a sweep file: does attribute `name` of f hold `want`? */
static int attr_i64_is(hid_t f, const char *name, int64_t want)
{
    int64_t v = 0;
    return h5out__read_i64(f, name, &v) == 0 && v == want;
}

static int attr_str_is(hid_t f, const char *name, const char *want)
{
    hid_t a = H5Aopen(f, name, H5P_DEFAULT), t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    size_t n = t >= 0 && H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t) ? H5Tget_size(t) : 0;
    char *buf = n ? calloc(n + 1, 1) : NULL;
    int ok = buf && H5Aread(a, t, buf) >= 0 && !strcmp(buf, want);
    free(buf);
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return ok;
}

/* 1-D float64 (vals) or string (keys) attribute of n values. */
static int attr_vec_is(hid_t f, const char *name, const double *vals, const char *const *keys, int n)
{
    double v[DESIGN_MAX_K];
    char *s[DESIGN_MAX_K] = {0};
    hid_t a = H5Aopen(f, name, H5P_DEFAULT), sp = a >= 0 ? H5Aget_space(a) : H5I_INVALID_HID;
    hid_t t = keys ? h5out__vstr_type() : H5T_NATIVE_DOUBLE;
    int ok = sp >= 0 && t >= 0 && n <= DESIGN_MAX_K && H5Sget_simple_extent_npoints(sp) == n &&
             H5Aread(a, t, keys ? (void *)s : (void *)v) >= 0;
    for (int j = 0; j < n && ok; j++) ok = keys ? s[j] && !strcmp(s[j], keys[j]) : !memcmp(&v[j], &vals[j], sizeof *v);
    if (keys) {
        for (int j = 0; j < n && j < DESIGN_MAX_K; j++) H5free_memory(s[j]);
        if (t >= 0) H5Tclose(t);
    }
    if (sp >= 0) H5Sclose(sp);
    if (a >= 0) H5Aclose(a);
    return ok;
}

/* Was the file made for exactly these runs of this configuration? */
static int same_sweep(h5sweep *o, const ad_config *cfg, const char *resolved, const sweep *sw)
{
    hid_t f = o->file;
    const char *keys[DESIGN_MAX_K];
    for (int j = 0; j < sw->spec.k && j < DESIGN_MAX_K; j++) keys[j] = sw->key[j];
    if (!attr_str_is(f, "engine_version", AANDACHT_VERSION) || !attr_str_is(f, "git_commit", AANDACHT_GIT) ||
        !attr_str_is(f, "scenario", cfg->name) || !attr_i64_is(f, "weeks_planned", o->weeks) ||
        !attr_i64_is(f, "warmup", cfg->warmup) || !attr_i64_is(f, "customers", cfg->customers) ||
        !attr_i64_is(f, "n_brands", cfg->n_brands) ||
        !attr_str_is(f, "sweep_design", design_kind_name(sw->spec.kind)) ||
        !attr_i64_is(f, "sweep_seed", (int64_t)sw->seed) || !attr_i64_is(f, "sweep_points", sw->d.n) ||
        !attr_i64_is(f, "sweep_replications", sw->replications) || !attr_i64_is(f, "sweep_k", sw->spec.k) ||
        !attr_vec_is(f, "sweep_keys", NULL, keys, sw->spec.k) ||
        !attr_vec_is(f, "sweep_min", sw->spec.min, NULL, sw->spec.k) ||
        !attr_vec_is(f, "sweep_max", sw->spec.max, NULL, sw->spec.k) || !attr_i64_is(f, "runs", o->runs))
        return 0;
    if (H5Lexists(f, H5SWEEP_SUMMARY_GROUP, H5P_DEFAULT) <= 0) {   /* made by a build without /summary */
        H5Eclear2(H5E_DEFAULT);
        return 0;
    }
    hid_t ds = H5Dopen2(f, "parameters/resolved_config", H5P_DEFAULT), t = h5out__vstr_type();
    char *text = NULL;
    int ok = ds >= 0 && t >= 0 && H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) >= 0 && text &&
             !strcmp(text, resolved);
    H5free_memory(text);
    if (t >= 0) H5Tclose(t);
    if (ds >= 0) H5Dclose(ds);
    int64_t *seed = ok ? malloc(((size_t)o->runs + 1) * sizeof *seed) : NULL;
    ds = seed ? H5Dopen2(f, "seed", H5P_DEFAULT) : H5I_INVALID_HID;
    ok = ds >= 0 && H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, seed) >= 0;
    for (int64_t r = 0; r < o->runs && ok; r++)
        ok = seed[r] == (int64_t)sweep_run_seed(sw, (int)(r / sw->replications), (int)(r % sw->replications));
    if (ds >= 0) H5Dclose(ds);
    free(seed);
    H5Eclear2(H5E_DEFAULT);
    return ok;
}

/* Adds the runs of st (n statuses) that are ok (1) to *ok and those that
 * failed (-1) to *failed: of shard index of count, all when count is 0. */
static void count_runs(const int8_t *st, int64_t n, int index, int count, int64_t *ok, int64_t *failed)
{
    for (int64_t r = 0; r < n; r++) {
        if (count > 0 && r % count != index) continue;
        *ok += st[r] == 1;
        *failed += st[r] == -1;
    }
}

int h5sweep_resume(h5sweep **out, const char *path, const ad_config *base, const char *resolved_text,
                   const sweep *sw, int64_t weeks, int force, ad_error *err)
{
    *out = NULL;
    if (!path || !*path || strlen(path) + sizeof ".partial" > H5OUT_PATH_MAX)
        return ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL, "no output file given, or its path is too long");
    h5sweep *o = new_writer(path, base, sw, weeks, force);
    if (!o) return ad_error_set(err, AD_ERR_NOMEM, path, 0, NULL, "out of memory");
    int rc = h5out__lock_partial(o->partial, &o->lock_fd, err);
    if (rc != AD_OK) {
        free(o);
        return rc;
    }
    {   /* the runs already in it must read back whole (their checksums) */
        h5verify_result vr;
        ad_error ve;
        if (h5verify_file(o->partial, &vr, &ve) == AD_ERR_DAMAGED) {
            rc = ad_error_set(err, AD_ERR_DAMAGED, o->partial, 0, NULL,
                              "%s; cannot resume it (run the sweep again without --resume, with --force)", ve.msg);
            close(o->lock_fd);
            free(o);
            return rc;
        }
    }
    const char *doing = "opening the file";
    if ((o->file = h5out__open_file(o->partial)) < 0) {
        rc = ad_error_set(err, AD_ERR_USAGE, o->partial, 0, NULL,
                          "holds nothing to resume: the job that made it was stopped before it wrote a "
                          "readable file; run the sweep again without --resume, with --force");
        goto fail;
    }
    if (!same_sweep(o, base, resolved_text, sw)) {
        rc = ad_error_set(err, AD_ERR_USAGE, o->partial, 0, NULL,
                          "was written for another configuration, sweep or build of aandacht than this one; "
                          "cannot resume it (run the sweep without --resume, with --force, to start again)");
        goto fail;
    }
    doing = "opening the variables";
    if ((o->run = H5Dopen2(o->file, "run", H5P_DEFAULT)) < 0 || (o->week = H5Dopen2(o->file, "week", H5P_DEFAULT)) < 0 ||
        (o->brand = H5Dopen2(o->file, "brand", H5P_DEFAULT)) < 0 ||
        (o->status = H5Dopen2(o->file, "status", H5P_DEFAULT)) < 0 ||
        (o->wall = H5Dopen2(o->file, "wall_time", H5P_DEFAULT)) < 0 ||
        (o->drift = H5Dopen2(o->file, "warmup_share_drift", H5P_DEFAULT)) < 0 ||
        (o->message = H5Dopen2(o->file, "message", H5P_DEFAULT)) < 0)
        goto fail;
    for (int k = 0; k < AD_N_MARKET; k++)
        if ((o->market[k] = H5Dopen2(o->file, ad_market_names[k], H5P_DEFAULT)) < 0) goto fail;
    for (int k = 0; k < AD_N_BRAND; k++)
        if ((o->brandv[k] = H5Dopen2(o->file, ad_brand_h5names[k], H5P_DEFAULT)) < 0) goto fail;
    {
        char paths[H5SWEEP_N_SUM_ROWS][H5SWEEP_SUM_PATH];
        int n = h5sweep__summary_rows(paths), v = 0;
        hid_t *ids[H5SWEEP_N_SUM_ROWS];
        for (int i = 0; i < H5SWEEP_N_SUM_MARKET; i++) ids[v++] = &o->sum_market[i];
        for (int i = 0; i < H5SWEEP_N_SUM_BRAND; i++) ids[v++] = &o->sum_brand[i];
        ids[v++] = &o->sum_weeks;
        ids[v++] = &o->sum_status;
        for (int i = 0; i < n; i++)
            if ((*ids[i] = H5Dopen2(o->file, paths[i], H5P_DEFAULT)) < 0) goto fail;
    }
    doing = "reading the statuses";
    if (!(o->st = calloc((size_t)o->runs + 1, 1))) {
        rc = ad_error_set(err, AD_ERR_NOMEM, path, 0, NULL, "out of memory");
        goto fail;
    }
    if (H5Dread(o->status, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, o->st) < 0) goto fail;
    count_runs(o->st, o->runs, 0, 0, &o->written, &o->failed);
    *out = o;
    return AD_OK;
fail:
    if (rc == AD_OK) rc = h5out__fail(o->partial, err, doing);
    close_all(o);
    H5Eclear2(H5E_DEFAULT);
    close(o->lock_fd);      /* the file is not ours to delete: it stays */
    free(o->st);
    free(o);
    return rc;
}

const int8_t *h5sweep_status(const h5sweep *o) { return o->st; }

int h5sweep_is_complete(const char *path)
{
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    int8_t c = 0;
    hid_t a = f >= 0 ? H5Aopen(f, "complete", H5P_DEFAULT) : H5I_INVALID_HID;
    int rc = a >= 0 && H5Aread(a, H5T_NATIVE_INT8, &c) >= 0 ? c == 1 : -1;
    if (a >= 0) H5Aclose(a);
    if (f >= 0) H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}

int h5sweep_count_status(const char *path, int shard_index, int shard_count, int64_t *runs, int64_t *ok,
                         int64_t *failed)
{
    int rc = -1;
    *runs = *ok = *failed = 0;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), f = H5I_INVALID_HID, d = H5I_INVALID_HID, sp = H5I_INVALID_HID;
    if (fapl < 0) return -1;
#if H5_VERSION_GE(1, 12, 1) || (H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 10 && H5_VERS_RELEASE >= 7)
    H5Pset_file_locking(fapl, 0, 1); /* reading takes no lock a writer would meet */
#endif
    hssize_t n = -1;
    int8_t *st = NULL;
    if ((f = H5Fopen(path, H5F_ACC_RDONLY, fapl)) >= 0 && (d = H5Dopen2(f, "status", H5P_DEFAULT)) >= 0 &&
        (sp = H5Dget_space(d)) >= 0 && H5Sget_simple_extent_ndims(sp) == 1 &&
        (n = H5Sget_simple_extent_npoints(sp)) >= 0 && (st = malloc((size_t)n + 1)) &&
        H5Dread(d, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, st) >= 0) {
        count_runs(st, (int64_t)n, shard_index, shard_count, ok, failed);
        *runs = (int64_t)n;
        rc = 0;
    }
    free(st);
    if (sp >= 0) H5Sclose(sp);
    if (d >= 0) H5Dclose(d);
    if (f >= 0) H5Fclose(f);
    H5Pclose(fapl);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}

/* Shard files (--shard I/N): the two root attributes that make a sweep file
 * a shard, written after h5sweep_open and read back after h5sweep_resume. */
int h5sweep_set_shard(h5sweep *o, int index, int count, ad_error *err)
{
    if (h5out__attr_i64(o->file, "shard_index", index) < 0 || h5out__attr_i64(o->file, "shard_count", count) < 0 ||
        H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
        return h5out__fail(o->partial, err, "writing the shard attributes");
    return AD_OK;
}

void h5sweep_get_shard(const h5sweep *o, int *index, int *count)
{
    int64_t i = -1, n = 0;
    if (H5Aexists(o->file, "shard_count") > 0 && H5Aexists(o->file, "shard_index") > 0 &&
        (h5out__read_i64(o->file, "shard_count", &n) < 0 || h5out__read_i64(o->file, "shard_index", &i) < 0))
        i = n = -1;
    H5Eclear2(H5E_DEFAULT);
    *index = (int)i;
    *count = (int)n;
}
