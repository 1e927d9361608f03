/* test_h5out.c: the HDF5 writer (output/h5out*.c): a complete run read back
 * with the HDF5 C API (values, dimensions, scales, attributes, /parameters,
 * /snapshots, /agents, the complete flag and the rename), a stopped run that
 * leaves OUT.partial, a killed run that keeps its flushed weeks, an existing
 * output without --force, unwritable paths and a full disk.
 * Set AD_H5OUT_KEEP=FILE.h5 to keep a copy of the complete file (to try it
 * with check_output.py, ncdump or xarray). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "h5out_priv.h"  /* H5OUT_FLUSH_WEEKS */
#include "h5verify.h"
#include "support.h"

#define NB 3
#define WEEKS 10
#define NCUST 1000

static void make_cfg(ad_config *cfg)
{
    static const char *const names[NB] = {"alpha", "beta", "gamma"};
    ad_config_defaults(cfg);
    snprintf(cfg->name, sizeof cfg->name, "t");
    snprintf(cfg->description, sizeof cfg->description, "writer test");
    cfg->seed = 42;
    cfg->weeks = WEEKS;
    cfg->n_brands = NB;
    for (int b = 0; b < NB; b++) {
        snprintf(cfg->brands[b].name, sizeof cfg->brands[b].name, "%s", names[b]);
        cfg->brands[b].price = 10.0 + b;
    }
    cfg->brands[1].routing = AD_ROUTE_BY_NEED;
    cfg->n_events = 1;
    cfg->events[0] = (ad_event){.week = 3, .brand = 2, .type = AD_EVENT_REPUTATION_SHOCK,
                                .stated = 0.13, .visits = 0.07, .half_life = 8, .stated_half_life = 20};
    cfg->n_interventions = 1;
    cfg->interventions[0] = (ad_intervention){.week = 5, .brand = 1,
                                              .param = ad_param_find("routing", AD_SCOPE_B), .value = 0};
}

static double mval(int64_t w, int k) { return (double)w * 100.0 + k + 0.5; }
static double bval(int64_t w, int k, int b) { return (double)w * 1000.0 + k * 10.0 + b + 0.25; }

static void fill_obs(ad_obs *obs, int64_t w)
{
    for (int k = 0; k < AD_N_MARKET; k++) obs->market[k] = mval(w, k);
    for (int k = 0; k < AD_N_BRAND; k++)
        for (int b = 0; b < AD_MAX_BRANDS; b++) obs->brand[k][b] = b < NB ? bval(w, k, b) : NAN;
}

static void fill_snap(ad_snapshot *s, int64_t week)
{
    memset(s, 0, sizeof *s);
    s->week = week;
    for (int k = 0; k < AD_N_SNAP; k++)
        for (int i = 0; i < AD_HIST_BINS; i++) {
            s->hist[k][i] = week * 10000 + k * 100 + i;
            for (int b = 0; b < NB; b++) s->brand_hist[k][b][i] = week * 10000 + k * 100 + b * 20 + i;
        }
}

static const char *join(const char *dir, const char *name)
{
    static char buf[4][512];
    static int slot;
    char *p = buf[slot++ % 4], tmp[512];
    snprintf(tmp, sizeof tmp, "%s/%s", dir, name); /* dir may be an earlier slot */
    memcpy(p, tmp, sizeof tmp);
    return p;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Opens, writes weeks 0 .. n-1 and returns the open writer. */
static h5out *write_weeks(const char *path, int n, int force)
{
    ad_config cfg;
    ad_obs obs;
    ad_error err;
    h5out *o;
    make_cfg(&cfg);
    int rc = h5out_open(&o, path, &cfg, "scenario = { name = \"t\"; };\n", force, &err);
    cr_assert_eq(rc, AD_OK, "open: %s: %s", err.file, err.msg);
    for (int w = 0; w < n; w++) {
        fill_obs(&obs, w);
        rc = h5out_write_week(o, w, &obs, &err);
        cr_assert_eq(rc, AD_OK, "week %d: %s", w, err.msg);
    }
    return o;
}

static int64_t attr_i64(hid_t loc, const char *name)
{
    int64_t v = -1;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    cr_assert_geq(a, 0, "no attribute %s", name);
    cr_assert_geq(H5Aread(a, H5T_NATIVE_INT64, &v), 0);
    H5Aclose(a);
    return v;
}

static double attr_f64(hid_t loc, const char *name)
{
    double v = NAN;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    cr_assert_geq(a, 0, "no attribute %s", name);
    cr_assert_geq(H5Aread(a, H5T_NATIVE_DOUBLE, &v), 0);
    H5Aclose(a);
    return v;
}

/* A scalar string attribute, fixed-length or variable-length. */
static const char *attr_str(hid_t loc, const char *name)
{
    static char buf[4096];
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    cr_assert_geq(a, 0, "no attribute %s", name);
    hid_t ft = H5Aget_type(a), mt = H5Tcopy(H5T_C_S1);
    cr_assert_eq(H5Tget_class(ft), H5T_STRING, "%s is not a string", name);
    cr_assert_eq(H5Tis_variable_str(ft), 0, "%s: expected a fixed-length (NC_CHAR) string", name);
    H5Tset_size(mt, sizeof buf);
    H5Tset_strpad(mt, H5T_STR_NULLTERM);
    H5Tset_cset(mt, H5Tget_cset(ft));
    cr_assert_geq(H5Aread(a, mt, buf), 0);
    H5Tclose(mt);
    H5Tclose(ft);
    H5Aclose(a);
    return buf;
}

/* Reads a whole numeric dataset; returns its rank and fills dims. */
static int read_all(hid_t loc, const char *name, hid_t memtype, void *buf, hsize_t *dims)
{
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    cr_assert_geq(ds, 0, "no dataset %s", name);
    hid_t sp = H5Dget_space(ds);
    int rank = H5Sget_simple_extent_dims(sp, dims, NULL);
    if (buf) cr_assert_geq(H5Dread(ds, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), 0, "%s", name);
    H5Sclose(sp);
    H5Dclose(ds);
    return rank;
}

static void check_labels(hid_t loc, const char *name)
{
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    cr_assert_geq(ds, 0, "no dataset %s", name);
    cr_assert_gt(strlen(attr_str(ds, "units")), 0, "%s: empty units", name);
    cr_assert_gt(strlen(attr_str(ds, "long_name")), 0, "%s: empty long_name", name);
    H5Dclose(ds);
}

static void copy_file(const char *from, const char *to)
{
    char buf[65536];
    size_t n;
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    cr_assert(in && out, "cannot copy %s to %s", from, to);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
}

Test(h5out, complete_run_reads_back)
{
    const char *path = join(ts_tmpdir(), "run.h5");
    char partial[600];
    snprintf(partial, sizeof partial, "%s.partial", path);
    ad_error err;
    ad_snapshot *snap = malloc(sizeof *snap);
    h5out *o = write_weeks(path, WEEKS, 0);
    cr_assert(exists(partial) && !exists(path));

    fill_snap(snap, 4);
    cr_assert_eq(h5out_write_snapshot(o, snap, &err), AD_OK, "%s", err.msg);
    static uint8_t brand[NCUST];
    static float f[5][NCUST];
    for (int i = 0; i < NCUST; i++) {
        brand[i] = (uint8_t)(i % NB);
        for (int a = 0; a < 5; a++) f[a][i] = (float)(a + 1) * 0.1f + (float)i * 1e-4f;
    }
    ad_agent_view v = {NCUST, brand, f[0], f[1], f[2], f[3], f[4]};
    cr_assert_eq(h5out_write_agents(o, 4, &v, &err), AD_OK, "%s", err.msg);
    fill_snap(snap, 9);
    cr_assert_eq(h5out_write_snapshot(o, snap, &err), AD_OK, "%s", err.msg);
    cr_assert_eq(h5out_flush(o, &err), AD_OK);
    cr_assert_eq(h5out_close(o, 1, &err), AD_OK, "%s", err.msg);
    cr_assert(exists(path), "OUT missing after a complete close");
    cr_assert(!exists(partial), "OUT.partial left after a complete close");
    if (getenv("AD_H5OUT_KEEP")) copy_file(path, getenv("AD_H5OUT_KEEP"));

    hid_t f5 = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f5, 0);
    cr_assert_eq(attr_i64(f5, "complete"), 1);
    cr_assert_eq(attr_i64(f5, "seed"), 42);
    cr_assert_eq(attr_i64(f5, "weeks_planned"), WEEKS);
    cr_assert_str_eq(attr_str(f5, "scenario"), "t");
    cr_assert_str_eq(attr_str(f5, "Conventions"), "CF-1.8");
    cr_assert_str_eq(attr_str(f5, "engine_version"), AANDACHT_VERSION);
    cr_assert_eq(strlen(attr_str(f5, "created")), 20, "created '%s' not ISO 8601 UTC",
                 attr_str(f5, "created"));

    /* week coordinate and the weekly variables */
    int32_t weeks[WEEKS + 1];
    static double buf[WEEKS * NB * 2];
    hsize_t dims[3];
    cr_assert_eq(read_all(f5, "week", H5T_NATIVE_INT32, weeks, dims), 1);
    cr_assert_eq(dims[0], WEEKS);
    for (int w = 0; w < WEEKS; w++) cr_assert_eq(weeks[w], w);
    for (int k = 0; k < AD_N_MARKET; k++) {
        cr_assert_eq(read_all(f5, ad_market_names[k], H5T_NATIVE_DOUBLE, buf, dims), 1);
        cr_assert_eq(dims[0], WEEKS, "%s", ad_market_names[k]);
        for (int w = 0; w < WEEKS; w++) cr_assert_eq(buf[w], mval(w, k), "%s[%d]", ad_market_names[k], w);
        check_labels(f5, ad_market_names[k]);
    }
    for (int k = 0; k < AD_N_BRAND; k++) {
        cr_assert_eq(read_all(f5, ad_brand_h5names[k], H5T_NATIVE_DOUBLE, buf, dims), 2);
        cr_assert(dims[0] == WEEKS && dims[1] == NB, "%s", ad_brand_h5names[k]);
        for (int w = 0; w < WEEKS; w++)
            for (int b = 0; b < NB; b++) cr_assert_eq(buf[w * NB + b], bval(w, k, b));
        check_labels(f5, ad_brand_h5names[k]);
    }
    /* dimension scales: brand labels, and both attached to a brand variable */
    char *labels[NB];
    hid_t bds = H5Dopen2(f5, "brand", H5P_DEFAULT), wds = H5Dopen2(f5, "week", H5P_DEFAULT);
    hid_t var = H5Dopen2(f5, "market_share", H5P_DEFAULT), vs = H5Tcopy(H5T_C_S1);
    H5Tset_size(vs, H5T_VARIABLE);
    H5Tset_cset(vs, H5T_CSET_UTF8);
    cr_assert_geq(H5Dread(bds, vs, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels), 0);
    cr_assert_str_eq(labels[0], "alpha");
    cr_assert_str_eq(labels[2], "gamma");
    for (int b = 0; b < NB; b++) free(labels[b]);
    cr_assert_gt(H5DSis_scale(bds), 0);
    cr_assert_gt(H5DSis_attached(var, wds, 0), 0);
    cr_assert_gt(H5DSis_attached(var, bds, 1), 0);
    H5Tclose(vs);
    H5Dclose(var);
    H5Dclose(wds);
    H5Dclose(bds);

    /* /parameters */
    hid_t g = H5Gopen2(f5, "parameters", H5P_DEFAULT);
    cr_assert_geq(g, 0);
    cr_assert_eq(attr_i64(g, "scenario.seed"), 42);
    cr_assert_eq(attr_i64(g, "tipping.enabled"), 0);
    cr_assert_float_eq(attr_f64(g, "customer.switch_rate"), 0.04, 1e-15);
    cr_assert_float_eq(attr_f64(g, "brands.beta.price"), 11.0, 1e-15);
    cr_assert_str_eq(attr_str(g, "brands.beta.routing"), "by_need");
    cr_assert_str_eq(attr_str(g, "brands.gamma.name"), "gamma");
    cr_assert_str_eq(attr_str(g, "scenario.description"), "writer test");
    cr_assert_eq(attr_i64(g, "events.count"), 1);
    cr_assert_eq(attr_i64(g, "interventions.count"), 1);
    cr_assert_eq(H5Aexists(g, "events.stated_half_life"), 1);
    cr_assert_eq(H5Aexists(g, "interventions.key"), 1);
    char *text = NULL;
    hid_t rd = H5Dopen2(g, "resolved_config", H5P_DEFAULT), ts = H5Tcopy(H5T_C_S1);
    H5Tset_size(ts, H5T_VARIABLE);
    H5Tset_cset(ts, H5T_CSET_UTF8);
    cr_assert_geq(H5Dread(rd, ts, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), 0);
    cr_assert_str_eq(text, "scenario = { name = \"t\"; };\n");
    free(text);
    H5Tclose(ts);
    H5Dclose(rd);
    H5Gclose(g);

    /* /snapshots */
    static int64_t hist[2 * NB * AD_HIST_BINS];
    int32_t sw[2];
    double bins[AD_HIST_BINS];
    g = H5Gopen2(f5, "snapshots", H5P_DEFAULT);
    cr_assert_geq(g, 0);
    cr_assert_eq(read_all(g, "snapshot_week", H5T_NATIVE_INT32, sw, dims), 1);
    cr_assert(dims[0] == 2 && sw[0] == 4 && sw[1] == 9);
    read_all(g, "bin", H5T_NATIVE_DOUBLE, bins, dims);
    cr_assert(dims[0] == AD_HIST_BINS && bins[0] > 0 && bins[AD_HIST_BINS - 1] < 1);
    for (int k = 0; k < AD_N_SNAP; k++) {
        char name[64];
        cr_assert_eq(read_all(g, ad_snap_names[k], H5T_NATIVE_INT64, hist, dims), 2);
        cr_assert(dims[0] == 2 && dims[1] == AD_HIST_BINS);
        cr_assert_eq(hist[AD_HIST_BINS + 3], 9 * 10000 + k * 100 + 3);
        check_labels(g, ad_snap_names[k]);
        snprintf(name, sizeof name, "brand_%s", ad_snap_names[k]);
        cr_assert_eq(read_all(g, name, H5T_NATIVE_INT64, hist, dims), 3);
        cr_assert(dims[0] == 2 && dims[1] == NB && dims[2] == AD_HIST_BINS);
        cr_assert_eq(hist[(1 * NB + 2) * AD_HIST_BINS + 5], 9 * 10000 + k * 100 + 2 * 20 + 5);
        check_labels(g, name);
    }
    H5Gclose(g);

    /* /agents */
    static float back[NCUST];
    static uint8_t bback[NCUST];
    g = H5Gopen2(f5, "agents/week_000004", H5P_DEFAULT);
    cr_assert_geq(g, 0);
    cr_assert_eq(attr_i64(g, "week"), 4);
    read_all(g, "brand", H5T_NATIVE_UINT8, bback, dims);
    cr_assert(dims[0] == NCUST && bback[5] == 5 % NB);
    read_all(g, "openness", H5T_NATIVE_FLOAT, back, dims);
    cr_assert_eq(memcmp(back, f[4], sizeof back), 0);
    check_labels(g, "loyalty");
    H5Gclose(g);
    H5Fclose(f5);
    free(snap);
}

Test(h5out, stopped_run_leaves_partial)
{
    const char *path = join(ts_tmpdir(), "stop.h5");
    char partial[600];
    snprintf(partial, sizeof partial, "%s.partial", path);
    ad_error err;
    h5out *o = write_weeks(path, 7, 0);
    cr_assert_eq(h5out_close(o, 0, &err), AD_OK, "%s", err.msg);
    cr_assert(exists(partial) && !exists(path));
    hid_t f5 = H5Fopen(partial, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f5, 0);
    cr_assert_eq(attr_i64(f5, "complete"), 0);
    double v[7];
    hsize_t dims[2];
    read_all(f5, "hhi", H5T_NATIVE_DOUBLE, v, dims);
    cr_assert_eq(dims[0], 7);
    cr_assert_eq(v[6], mval(6, AD_M_hhi));
    H5Fclose(f5);
}

Test(h5out, killed_run_keeps_flushed_weeks)
{
    const char *path = join(ts_tmpdir(), "kill.h5");
    char partial[600];
    snprintf(partial, sizeof partial, "%s.partial", path);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        write_weeks(path, 2 * H5OUT_FLUSH_WEEKS + 1, 0);
        _exit(0);   /* no close: as if killed */
    }
    int st;
    waitpid(pid, &st, 0);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    hid_t f5 = H5Fopen(partial, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f5, 0, "the partial file of a killed run does not open");
    cr_assert_eq(attr_i64(f5, "complete"), 0);
    double v[2 * H5OUT_FLUSH_WEEKS + 1];
    hsize_t dims[2];
    read_all(f5, "automation_share", H5T_NATIVE_DOUBLE, NULL, dims);
    cr_assert_geq(dims[0], 2 * H5OUT_FLUSH_WEEKS, "only %d weeks kept", (int)dims[0]);
    cr_assert_leq(dims[0], 2 * H5OUT_FLUSH_WEEKS + 1);
    cr_assert_eq(attr_i64(f5, "weeks_written"), (int64_t)dims[0], "weeks_written counts the weeks on disk");
    read_all(f5, "automation_share", H5T_NATIVE_DOUBLE, v, dims);
    for (hsize_t w = 0; w < dims[0]; w++) cr_assert_eq(v[w], mval((int64_t)w, 0));
    H5Fclose(f5);
}

Test(h5out, existing_output_needs_force)
{
    const char *dir = ts_tmpdir(), *path = join(dir, "old.h5");
    char partial[600], back[16] = {0};
    snprintf(partial, sizeof partial, "%s.partial", path);
    FILE *fp = fopen(path, "w");
    fputs("precious", fp);
    fclose(fp);
    ad_config cfg;
    ad_error err;
    h5out *o = (h5out *)1;
    make_cfg(&cfg);
    int rc = h5out_open(&o, path, &cfg, "", 0, &err);
    cr_assert_eq(rc, AD_ERR_EXISTS);
    cr_assert_eq(o, NULL);
    cr_assert(strstr(err.msg, "--force") && strstr(err.msg, "-o"), "%s", err.msg);
    cr_assert_str_eq(err.file, path);
    cr_assert(!exists(partial));
    fp = fopen(path, "r");
    cr_assert_eq(fread(back, 1, sizeof back - 1, fp), 8);
    fclose(fp);
    cr_assert_str_eq(back, "precious");
    /* with force it is replaced, and a stale OUT.partial is overwritten */
    fp = fopen(partial, "w");
    fputs("stale", fp);
    fclose(fp);
    o = write_weeks(path, 2, 1);
    cr_assert_eq(h5out_close(o, 1, &err), AD_OK, "%s", err.msg);
    cr_assert_gt(H5Fis_hdf5(path), 0);
    cr_assert(!exists(partial));
}

Test(h5out, unwritable_paths_give_io_errors)
{
    const char *dir = ts_tmpdir();
    ad_config cfg;
    ad_error err;
    h5out *o;
    make_cfg(&cfg);
    /* two missing levels */
    const char *deep = join(dir, "no/such/run.h5");
    cr_assert_eq(h5out_open(&o, deep, &cfg, "", 0, &err), AD_ERR_IO);
    cr_assert(strstr(err.msg, "does not exist"), "%s", err.msg);
    cr_assert_str_eq(err.file, deep);
    /* parent is a file */
    fclose(fopen(join(dir, "plain"), "w"));
    cr_assert_eq(h5out_open(&o, join(dir, "plain/run.h5"), &cfg, "", 0, &err), AD_ERR_IO);
    cr_assert(strstr(err.msg, "not a directory"), "%s", err.msg);
    /* one missing level is made */
    const char *one = join(dir, "out/run.h5");
    cr_assert_eq(h5out_open(&o, one, &cfg, "", 0, &err), AD_OK, "%s", err.msg);
    cr_assert_eq(h5out_close(o, 1, &err), AD_OK);
    cr_assert(exists(one));
    /* no permission (root may write anywhere) */
    if (geteuid() != 0) {
        const char *ro = join(dir, "ro");
        mkdir(ro, 0500);
        cr_assert_eq(h5out_open(&o, join(ro, "run.h5"), &cfg, "", 0, &err), AD_ERR_IO);
        cr_assert(strstr(err.msg, "ermission"), "%s", err.msg);
        cr_assert(strstr(err.file, "/ro/run.h5"), "%s", err.file);
    }
}

/* A full disk, made with a file-size limit in a child process. */
Test(h5out, full_disk_gives_io_error)
{
    const char *path = join(ts_tmpdir(), "full.h5");
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        static uint8_t brand[200000];
        static float x[200000];
        ad_error err;
        struct stat st;
        h5out *o = write_weeks(path, 2, 0);
        char partial[600];
        snprintf(partial, sizeof partial, "%s.partial", path);
        stat(partial, &st);
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit lim = {(rlim_t)st.st_size + 4096, (rlim_t)st.st_size + 4096};
        setrlimit(RLIMIT_FSIZE, &lim);
        for (int i = 0; i < 200000; i++) x[i] = (float)rand() / (float)RAND_MAX;
        ad_agent_view v = {200000, brand, x, x, x, x, x};
        int rc = h5out_write_agents(o, 0, &v, &err);
        if (rc == AD_OK) _exit(10);
        if (rc != AD_ERR_IO) _exit(11);
        if (!strstr(err.file, "full.h5.partial")) _exit(12);
        if (!strstr(err.msg, "too large")) _exit(13);
        h5out_close(o, 0, &err);    /* must not crash */
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    cr_assert(WIFEXITED(st), "the writer crashed on a full disk");
    cr_assert_eq(WEXITSTATUS(st), 0, "status %d (10 no error, 11 not AD_ERR_IO, 12 path, 13 reason)",
                 WEXITSTATUS(st));
}

Test(h5out, weeks_must_come_in_order)
{
    const char *path = join(ts_tmpdir(), "order.h5");
    ad_obs obs;
    ad_error err;
    h5out *o = write_weeks(path, 3, 0);
    fill_obs(&obs, 5);
    cr_assert_eq(h5out_write_week(o, 5, &obs, &err), AD_ERR_USAGE);
    cr_assert(strstr(err.msg, "expected week 3"), "%s", err.msg);
    cr_assert_eq(h5out_close(o, 1, &err), AD_OK);
}

/* Flips one byte in the stored data of the first chunk of variable name. */
static void flip_chunk_byte(const char *path, const char *name)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    cr_assert_geq(d, 0);
    hsize_t offset[2] = {0, 0}, size = 0;
    haddr_t addr = HADDR_UNDEF;
    unsigned mask = 0;
    hid_t space = H5Dget_space(d);
    cr_assert_geq(H5Dget_chunk_info(d, space, 0, offset, &mask, &addr, &size), 0);
    H5Sclose(space);
    H5Dclose(d);
    H5Fclose(f);
    cr_assert(addr != HADDR_UNDEF && size > 8);
    FILE *fp = fopen(path, "r+b");
    cr_assert(fp);
    fseek(fp, (long)(addr + 4), SEEK_SET);
    int c = fgetc(fp);
    fseek(fp, (long)(addr + 4), SEEK_SET);
    fputc(c ^ 0x20, fp);
    fclose(fp);
}

/* Replaces the first occurrence of bytes `from` in the file by `to` (same
 * length): a change HDF5 reads without complaint. */
static void replace_bytes(const char *path, const char *from, const char *to)
{
    FILE *fp = fopen(path, "r+b");
    cr_assert(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    char *buf = malloc((size_t)n);
    rewind(fp);
    cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
    size_t k = strlen(from);
    long at = -1;
    for (long i = 0; at < 0 && i + (long)k <= n; i++)
        if (!memcmp(buf + i, from, k)) at = i;
    cr_assert_geq(at, 0, "'%s' is not in the file", from);
    fseek(fp, at, SEEK_SET);
    fwrite(to, 1, k, fp);
    fclose(fp);
    free(buf);
}

/* What no checksum of HDF5's covers (variable-length strings, kept in the
 * file's global heap: resolved_config, brand names) is covered by the
 * content digest written when the file is finished: a changed string, or a
 * finished file without its digest, is damaged; a partial has no digest yet
 * and is only incomplete. */
Test(h5out, the_content_digest_covers_what_checksums_do_not)
{
    const char *path = join(ts_tmpdir(), "digest.h5");
    ad_error err;
    h5verify_result res;
    h5out *o = write_weeks(path, WEEKS, 0);
    cr_assert_eq(h5out_close(o, 1, &err), AD_OK, "%s", err.msg);
    cr_assert_eq(h5verify_file(path, &res, &err), AD_OK, "%s", err.msg);
    cr_assert(res.sealed && !strcmp(res.stored, res.digest) && !strncmp(res.digest, "fnv1a64:", 8), "%s",
              res.stored);

    char bad[600];
    snprintf(bad, sizeof bad, "%s", join(ts_tmpdir(), "digest_attr.h5"));
    copy_file(path, bad);
    replace_bytes(bad, "name = \"t\"", "name = \"u\"");
    hid_t f = H5Fopen(bad, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0, "HDF5 reads the changed file as any other");
    H5Fclose(f);
    cr_assert_eq(h5verify_file(bad, &res, &err), AD_ERR_DAMAGED);
    cr_assert(strstr(err.msg, "digest") && strcmp(res.stored, res.digest), "%s", err.msg);

    snprintf(bad, sizeof bad, "%s", join(ts_tmpdir(), "digest_gone.h5"));
    copy_file(path, bad);
    f = H5Fopen(bad, H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert_geq(H5Adelete(f, "content_digest"), 0);
    H5Fclose(f);
    cr_assert_eq(h5verify_file(bad, &res, &err), AD_ERR_DAMAGED);
    cr_assert(strstr(err.msg, "no content_digest"), "%s", err.msg);

    const char *stop = join(ts_tmpdir(), "digest_stop.h5");
    snprintf(bad, sizeof bad, "%s.partial", stop);
    o = write_weeks(stop, 4, 0);
    cr_assert_eq(h5out_close(o, 0, &err), AD_OK, "%s", err.msg);
    cr_assert_eq(h5verify_file(bad, &res, &err), AD_ERR_INCOMPLETE, "%s", err.msg);
    cr_assert(!res.sealed);
}

/* aandacht verify's check (output/h5verify.c): an intact complete file
 * passes; the same file with one byte of data flipped is damaged (the
 * chunk's Fletcher32 checksum), naming the variable; a stopped run's
 * partial is intact but incomplete. */
Test(h5out, verify_finds_a_flipped_byte_and_an_incomplete_file)
{
    const char *path = join(ts_tmpdir(), "verify.h5");
    ad_error err;
    h5verify_result res;
    h5out *o = write_weeks(path, WEEKS, 0);
    cr_assert_eq(h5out_close(o, 1, &err), AD_OK, "%s", err.msg);
    cr_assert_eq(h5verify_file(path, &res, &err), AD_OK, "%s", err.msg);
    cr_assert(res.complete && !res.sweep && res.weeks == WEEKS && res.datasets > AD_N_MARKET + AD_N_BRAND);

    char bad[600];
    snprintf(bad, sizeof bad, "%s", join(ts_tmpdir(), "verify_bad.h5"));
    copy_file(path, bad);
    flip_chunk_byte(bad, "market_share");
    cr_assert_eq(h5verify_file(bad, &res, &err), AD_ERR_DAMAGED);
    cr_assert(strstr(err.msg, "market_share") && strstr(err.msg, "checksum"), "%s", err.msg);
    /* and reading it the usual way fails too, instead of giving other numbers */
    hid_t f = H5Fopen(bad, H5F_ACC_RDONLY, H5P_DEFAULT);
    double v[WEEKS * NB];
    hid_t d = H5Dopen2(f, "market_share", H5P_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    cr_assert_lt(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v), 0);
    H5Dclose(d);
    H5Fclose(f);

    const char *stop = join(ts_tmpdir(), "verify_stop.h5");
    char partial[600];
    snprintf(partial, sizeof partial, "%s.partial", stop);
    o = write_weeks(stop, 4, 0);
    cr_assert_eq(h5out_close(o, 0, &err), AD_OK, "%s", err.msg);
    cr_assert_eq(h5verify_file(partial, &res, &err), AD_ERR_INCOMPLETE);
    cr_assert(strstr(err.msg, "incomplete"), "%s", err.msg);
    cr_assert_eq(ad_exit_status(AD_ERR_INCOMPLETE), 3);
    cr_assert_eq(ad_exit_status(AD_ERR_DAMAGED), 2);
}
