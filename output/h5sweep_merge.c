/* h5sweep_merge.c: `aandacht merge`: the shard files of a sweep, joined.
 *
 * Invariant: nothing is written until every check passed, and the merged
 * file exists under its name only when whole: it is built as OUT.partial
 * (complete = 0 from its first change), a byte copy of shard 0 into which
 * every other shard copies the rows of its runs (the variables written per
 * run: status, wall_time, message, the observables and the rows of
 * /summary); then the shard
 * attributes go, runs_written and runs_failed are counted again, complete
 * is set and the file renamed. Everything else in the file (the run, week
 * and brand scales, the design and per-run values known before the runs,
 * /parameters, whatever the sweep writer lays out at open) is shard 0's,
 * which the checks found equal in every shard. The shard files are only
 * read. Uses the HDF5 helpers of h5out_h5.c; every handle is closed on
 * every path.
 */
#define _POSIX_C_SOURCE 200809L
#include "h5sweep_merge.h"
#include "h5verify.h"
#include "h5out_priv.h"
#include "h5sweep_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_ROW_VARS (4 + AD_N_MARKET + AD_N_BRAND + H5SWEEP_N_SUM_ROWS)
#define ROW_NAME H5SWEEP_SUM_PATH   /* room for the path of one of them */

typedef struct shard_in {
    const char *path;
    hid_t file;                 /* open read-only */
    int index, count;           /* shard_index, shard_count */
    int64_t runs;
    int8_t *st;                 /* status of every run */
} shard_in;

/* Root attributes that differ between the shards of one sweep (the
 * shard counts are compared before). */
/* Drops one reference to each identifier that is open (any kind). */
static void release(const hid_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] >= 0) H5Idec_ref(ids[i]);
}

static int skipped_attr(const char *name)
{
    static const char *const skip[] = {"created", "complete", "runs_written", "runs_failed", "shard_index",
                                       "shard_count", "scenario_file", "content_digest"};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (!strcmp(name, skip[i])) return 1;
    return 0;
}

/* The variables each run writes when it finishes, by their paths from the
 * root (those of /summary as "summary/..."); status last. */
static int row_vars(char (*names)[ROW_NAME])
{
    int n = 0;
    for (int k = 0; k < AD_N_MARKET; k++) snprintf(names[n++], ROW_NAME, "%s", ad_market_names[k]);
    for (int k = 0; k < AD_N_BRAND; k++) snprintf(names[n++], ROW_NAME, "%s", ad_brand_h5names[k]);
    n += h5sweep__summary_rows(names + n);
    snprintf(names[n++], ROW_NAME, "wall_time");
    snprintf(names[n++], ROW_NAME, "warmup_share_drift");
    snprintf(names[n++], ROW_NAME, "message");
    snprintf(names[n++], ROW_NAME, "status");
    return n;
}

static int is_row_var(const char *name)
{
    char names[N_ROW_VARS][ROW_NAME];
    int n = row_vars(names);
    for (int i = 0; i < n; i++)
        if (!strcmp(name, names[i])) return 1;
    return 0;
}

/* A fixed-length string attribute into buf ("?" when it cannot be read). */
static void attr_text(hid_t f, const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "?");
    hid_t a = f >= 0 && H5Aexists(f, name) > 0 ? H5Aopen(f, name, H5P_DEFAULT) : H5I_INVALID_HID;
    hid_t t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    size_t len = t >= 0 && H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t) ? H5Tget_size(t) : 0;
    char *s = len ? calloc(len + 1, 1) : NULL;
    if (s && H5Aread(a, t, s) >= 0) snprintf(buf, n, "%s", s);
    free(s);
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
}

/* PATH (or PATH.partial) is a sweep that did not finish. */
static int incomplete(const char *path, ad_error *err)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    int64_t i = -1, n = -1;
    char cfg[512];
    attr_text(f, "scenario_file", cfg, sizeof cfg);
    if (f >= 0 && h5out__read_i64(f, "shard_index", &i) == 0 && h5out__read_i64(f, "shard_count", &n) == 0) {
        H5Fclose(f);
        H5Eclear2(H5E_DEFAULT);
        return ad_error_set(err, AD_ERR_USAGE, path, 0, NULL,
                            "shard %lld/%lld is incomplete (its sweep was interrupted or still runs); finish it with "
                            "`aandacht sweep %s --shard %lld/%lld --resume` (with the same -o and --set options), "
                            "then merge", (long long)i, (long long)n, cfg, (long long)i, (long long)n);
    }
    if (f >= 0) H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    return ad_error_set(err, AD_ERR_USAGE, path, 0, NULL,
                        "is an incomplete sweep file; finish it with `aandacht sweep FILE --shard I/N --resume`, "
                        "then merge");
}

static int open_shard(shard_in *s, ad_error *err)
{
    struct stat st;
    char partial[H5OUT_PATH_MAX];
    size_t len = strlen(s->path);
    if (len > 8 && !strcmp(s->path + len - 8, ".partial")) return incomplete(s->path, err);
    if (stat(s->path, &st) != 0) {
        snprintf(partial, sizeof partial, "%s.partial", s->path);
        if (stat(partial, &st) == 0) return incomplete(partial, err);
        return ad_error_set(err, AD_ERR_USAGE, s->path, 0, NULL, "no such shard file (%s)", strerror(errno));
    }
    /* every checksum and object of the shard reads back before anything of
     * it is copied (a shard holds only its own runs: not complete as a sweep) */
    h5verify_result vr;
    ad_error ve;
    if (h5verify_file(s->path, &vr, &ve) == AD_ERR_DAMAGED)
        return ad_error_set(err, AD_ERR_DAMAGED, s->path, 0, NULL, "%s; run this shard again, then merge", ve.msg);
    if ((s->file = H5Fopen(s->path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
        return ad_error_set(err, AD_ERR_USAGE, s->path, 0, NULL, "cannot be read as an HDF5 file");
    int64_t complete = 0, index = 0, count = 0;
    if (h5out__read_i64(s->file, "runs", &s->runs) < 0 || H5Aexists(s->file, "sweep_design") <= 0 ||
        h5out__read_i64(s->file, "complete", &complete) < 0)
        return ad_error_set(err, AD_ERR_USAGE, s->path, 0, NULL, "is not a sweep file (docs/output.md, Sweep files)");
    if (h5out__read_i64(s->file, "shard_count", &count) < 0 || h5out__read_i64(s->file, "shard_index", &index) < 0)
        return ad_error_set(err, AD_ERR_USAGE, s->path, 0, NULL,
                            "is a whole sweep's file, not a shard (made without --shard): nothing to merge");
    if (complete != 1) return incomplete(s->path, err);
    if (count < 1 || count > INT32_MAX || index < 0 || index >= count || s->runs < 0 || s->runs > INT32_MAX)
        return ad_error_set(err, AD_ERR_USAGE, s->path, 0, NULL, "has a bad shard_index %lld or shard_count %lld",
                            (long long)index, (long long)count);
    s->index = (int)index;
    s->count = (int)count;
    hid_t ds = H5Dopen2(s->file, "status", H5P_DEFAULT), sp = ds >= 0 ? H5Dget_space(ds) : H5I_INVALID_HID;
    hsize_t n = 0;
    int ok = sp >= 0 && H5Sget_simple_extent_ndims(sp) == 1 && H5Sget_simple_extent_dims(sp, &n, NULL) == 1 &&
             (int64_t)n == s->runs && (s->st = malloc((size_t)n + 1)) &&
             H5Dread(ds, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, s->st) >= 0;
    if (sp >= 0) H5Sclose(sp);
    if (ds >= 0) H5Dclose(ds);
    H5Eclear2(H5E_DEFAULT);
    if (!ok) return ad_error_set(err, AD_ERR_USAGE, s->path, 0, NULL, "has no readable status variable of %lld runs",
                                 (long long)s->runs);
    return AD_OK;
}

/* Are the n strings of x and y (read by HDF5, NULL: not read) the same?
 * Frees them and the arrays. */
static int same_strings(char **x, char **y, hssize_t n, int read_ok)
{
    int ok = read_ok && x && y;
    for (hssize_t i = 0; x && y && i < n; i++) {
        ok = ok && x[i] && y[i] && !strcmp(x[i], y[i]);
        H5free_memory(x[i]);
        H5free_memory(y[i]);
    }
    free(x);
    free(y);
    return ok;
}

/* Do attribute `name` of a and of b hold the same values? */
static int same_attr(hid_t a_loc, hid_t b_loc, const char *name)
{
    if (H5Aexists(b_loc, name) <= 0) return 0;
    hid_t a = H5Aopen(a_loc, name, H5P_DEFAULT), b = H5Aopen(b_loc, name, H5P_DEFAULT);
    hid_t ta = H5Aget_type(a), tb = H5Aget_type(b), sa = H5Aget_space(a), sb = H5Aget_space(b);
    hid_t vstr = h5out__vstr_type();
    hssize_t n = sa >= 0 ? H5Sget_simple_extent_npoints(sa) : -1;
    int vlen = ta >= 0 && H5Tis_variable_str(ta) > 0, ok = 0;
    if (n < 0 || sb < 0 || n != H5Sget_simple_extent_npoints(sb)) goto done;
    if (vlen) {
        char **x = calloc((size_t)n + 1, sizeof *x), **y = calloc((size_t)n + 1, sizeof *y);
        ok = same_strings(x, y, n, x && y && H5Tis_variable_str(tb) > 0 && H5Aread(a, vstr, x) >= 0 &&
                                       H5Aread(b, vstr, y) >= 0);
    } else if (H5Tequal(ta, tb) > 0) {
        size_t size = (size_t)n * H5Tget_size(ta) + 1;
        char *x = calloc(size, 1), *y = calloc(size, 1);
        ok = x && y && H5Aread(a, ta, x) >= 0 && H5Aread(b, tb, y) >= 0 && !memcmp(x, y, size);
        free(x);
        free(y);
    }
done:;
    release((hid_t[]){a, b, ta, tb, sa, sb, vstr}, 7);
    H5Eclear2(H5E_DEFAULT);
    return ok;
}

typedef struct walk {
    hid_t other;                /* the file compared with; H5I_INVALID_HID: only count */
    int count;                  /* objects seen */
    char diff[300];             /* the first difference */
} walk;

static herr_t attr_cb(hid_t loc, const char *name, const H5A_info_t *info, void *op)
{
    (void)info;
    walk *w = op;
    if (skipped_attr(name)) return 0;
    w->count++;
    if (w->other >= 0 && !same_attr(loc, w->other, name)) {
        snprintf(w->diff, sizeof w->diff, "its root attribute '%s' differs", name);
        return 1;
    }
    return 0;
}

/* Why dataset `name` of a differs from b's (NULL: it does not). Variables
 * written per run must only have the same type and shape. */
static const char *dataset_diff(hid_t fa, hid_t fb, const char *name)
{
    const char *why = "differs";
    hid_t a = H5Dopen2(fa, name, H5P_DEFAULT), b = H5Oexists_by_name(fb, name, H5P_DEFAULT) > 0
                                                        ? H5Dopen2(fb, name, H5P_DEFAULT) : H5I_INVALID_HID;
    hid_t ta = H5Dget_type(a), tb = H5Dget_type(b), sa = H5Dget_space(a), sb = H5Dget_space(b);
    hid_t vstr = h5out__vstr_type();
    hsize_t da[H5S_MAX_RANK], db[H5S_MAX_RANK];
    int ra = sa >= 0 ? H5Sget_simple_extent_dims(sa, da, NULL) : -1;
    int rb = sb >= 0 ? H5Sget_simple_extent_dims(sb, db, NULL) : -1;
    hssize_t n = sa >= 0 ? H5Sget_simple_extent_npoints(sa) : -1;
    if (b < 0) { why = "is missing"; goto done; }
    if (ta < 0 || tb < 0 || H5Tequal(ta, tb) <= 0) { why = "has another type"; goto done; }
    if (ra < 0 || ra != rb || memcmp(da, db, (size_t)ra * sizeof *da)) { why = "has another shape"; goto done; }
    if (is_row_var(name) || n == 0) { why = NULL; goto done; }
    if (H5Tis_variable_str(ta) > 0) {
        char **x = calloc((size_t)n, sizeof *x), **y = calloc((size_t)n, sizeof *y);
        if (same_strings(x, y, n, x && y && H5Dread(a, vstr, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) >= 0 &&
                                      H5Dread(b, vstr, H5S_ALL, H5S_ALL, H5P_DEFAULT, y) >= 0))
            why = NULL;
    } else if (H5Tdetect_class(ta, H5T_VLEN) <= 0 && H5Tget_class(ta) != H5T_REFERENCE) {
        size_t size = (size_t)n * H5Tget_size(ta);
        char *x = malloc(size), *y = malloc(size);
        if (x && y && H5Dread(a, ta, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) >= 0 &&
            H5Dread(b, ta, H5S_ALL, H5S_ALL, H5P_DEFAULT, y) >= 0 && !memcmp(x, y, size))
            why = NULL;
        free(x);
        free(y);
    }
done:;
    release((hid_t[]){a, b, ta, tb, sa, sb, vstr}, 7);
    H5Eclear2(H5E_DEFAULT);
    return why;
}

static herr_t link_cb(hid_t root, const char *name, const H5L_info_t *info, void *op)
{
    (void)info;
    walk *w = op;
    hid_t obj = H5Oopen(root, name, H5P_DEFAULT);
    int is_ds = obj >= 0 && H5Iget_type(obj) == H5I_DATASET;
    if (obj >= 0) H5Oclose(obj);
    H5Eclear2(H5E_DEFAULT);
    if (!is_ds) return 0;
    w->count++;
    const char *why = w->other >= 0 ? dataset_diff(root, w->other, name) : NULL;
    if (why) {
        snprintf(w->diff, sizeof w->diff, "its variable '%s' %s", name, why);
        return 1;
    }
    return 0;
}

/* Were a and b made by one sweep of one configuration and build? */
static int same_sweep(const shard_in *a, const shard_in *b, ad_error *err)
{
    walk wa = {.other = b->file}, wb = {.other = H5I_INVALID_HID};
    hsize_t idx = 0;
    if (H5Aiterate2(a->file, H5_INDEX_NAME, H5_ITER_INC, &idx, attr_cb, &wa) != 0 && !wa.diff[0])
        snprintf(wa.diff, sizeof wa.diff, "its root attributes differ");
    idx = 0;
    if (!wa.diff[0] && (H5Aiterate2(b->file, H5_INDEX_NAME, H5_ITER_INC, &idx, attr_cb, &wb) != 0 || wb.count != wa.count))
        snprintf(wa.diff, sizeof wa.diff, "its set of root attributes differs");
    if (!wa.diff[0]) {
        wa.count = wb.count = 0;
        if (H5Lvisit(a->file, H5_INDEX_NAME, H5_ITER_INC, link_cb, &wa) != 0 && !wa.diff[0])
            snprintf(wa.diff, sizeof wa.diff, "its variables differ");
        if (!wa.diff[0] && (H5Lvisit(b->file, H5_INDEX_NAME, H5_ITER_INC, link_cb, &wb) != 0 || wb.count != wa.count))
            snprintf(wa.diff, sizeof wa.diff, "its set of variables differs");
    }
    H5Eclear2(H5E_DEFAULT);
    if (!wa.diff[0]) return AD_OK;
    return ad_error_set(err, AD_ERR_USAGE, b->path, 0, NULL,
                        "is not a shard of the same sweep, configuration and build as %s (%s); "
                        "merge only the shards of one `aandacht sweep --shard I/N` split", a->path, wa.diff);
}

/* "j, j+N, ..." (at most 6), the runs of shard j. */
static void runs_of(int j, int N, int64_t runs, char *buf, size_t n)
{
    size_t u = 0;
    int64_t count = runs > j ? (runs - j + N - 1) / N : 0, shown = 0;
    buf[0] = '\0';
    for (int64_t r = j; r < runs && shown < 6 && u < n; r += N, shown++)
        u += (size_t)snprintf(buf + u, n - u, "%s%lld", shown ? ", " : "", (long long)r);
    if (count > shown && u < n) snprintf(buf + u, n - u, ", ... (%lld runs)", (long long)count);
    if (!count) snprintf(buf, n, "no runs");
}

/* Do the shards hold every run exactly once? by[j] is shard j or NULL. */
static int check_cover(shard_in *s, int n, shard_in **by, ad_error *err)
{
    int N = s[0].count;
    int64_t runs = s[0].runs;
    for (int i = 0; i < n; i++) {
        if (by[s[i].index])
            return ad_error_set(err, AD_ERR_USAGE, s[i].path, 0, NULL, "is shard %d/%d, and so is %s: give each once",
                                s[i].index, N, by[s[i].index]->path);
        by[s[i].index] = &s[i];
    }
    char msg[700] = "", list[160], cfg[512];
    size_t u = 0;
    int missing = 0;
    for (int j = 0; j < N; j++) {
        if (by[j]) continue;
        if (++missing <= 4 && u < sizeof msg) {
            runs_of(j, N, runs, list, sizeof list);
            u += (size_t)snprintf(msg + u, sizeof msg - u, "%sshard %d/%d (runs %s)", missing > 1 ? "; " : "", j, N, list);
        }
    }
    if (missing) {
        attr_text(s[0].file, "scenario_file", cfg, sizeof cfg);
        return ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL,
                            "%d of %d shards missing: %s%s; run `aandacht sweep %s --shard I/%d` for each missing I "
                            "(with the same -o and --set options) and merge all %d", missing, N, msg,
                            missing > 4 ? "; ..." : "", cfg, N, N);
    }
    for (int64_t r = 0; r < runs; r++)
        for (int j = 0; j < N; j++) {
            int8_t st = by[j]->st[r];
            if (j == r % N && st != 1 && st != -1)
                return ad_error_set(err, AD_ERR_USAGE, by[j]->path, 0, NULL,
                                    "shard %d/%d has not run its run %lld (status %d); resume it with `aandacht "
                                    "sweep FILE --shard %d/%d --resume`", j, N, (long long)r, st, j, N);
            if (j != r % N && st != 0)
                return ad_error_set(err, AD_ERR_USAGE, by[j]->path, 0, NULL,
                                    "holds run %lld (status %d), which is shard %d/%d's: not a shard of this split",
                                    (long long)r, st, (int)(r % N), N);
        }
    return AD_OK;
}

static int copy_bytes(const char *from, const char *to, ad_error *err)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char *buf = malloc(1 << 20);
    size_t n = 0;
    int bad = !in || !out || !buf;
    while (!bad && (n = fread(buf, 1, 1 << 20, in)) > 0) bad = fwrite(buf, 1, n, out) != n;
    bad = bad || ferror(in);
    if (out && fclose(out) != 0) bad = 1;
    if (in) fclose(in);
    free(buf);
    if (bad) return ad_error_set(err, AD_ERR_IO, to, 0, NULL, "cannot copy %s to the merged file: %s", from,
                                 strerror(errno));
    return AD_OK;
}

/* Copies the rows of shard s's runs of variable `name` into dst. */
static int copy_rows(const shard_in *s, hid_t dst, const char *name)
{
    int rc = -1;
    hid_t a = H5Dopen2(s->file, name, H5P_DEFAULT), b = H5Dopen2(dst, name, H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Dget_type(a) : H5I_INVALID_HID, fa = a >= 0 ? H5Dget_space(a) : H5I_INVALID_HID;
    hid_t fb = b >= 0 ? H5Dget_space(b) : H5I_INVALID_HID, mem = H5I_INVALID_HID, ms = H5I_INVALID_HID;
    hsize_t dims[H5S_MAX_RANK], start[H5S_MAX_RANK] = {0}, count[H5S_MAX_RANK];
    int rank = fa >= 0 ? H5Sget_simple_extent_dims(fa, dims, NULL) : -1, vlen = t >= 0 && H5Tis_variable_str(t) > 0;
    void *buf = NULL;
    if (rank < 1 || fb < 0) goto done;
    size_t elems = 1;
    for (int i = 0; i < rank; i++) {
        count[i] = i ? dims[i] : 1;
        elems *= (size_t)count[i];
    }
    mem = vlen ? h5out__vstr_type() : H5Tget_native_type(t, H5T_DIR_ASCEND);
    ms = H5Screate_simple(rank, count, NULL);
    if (mem < 0 || ms < 0 || !(buf = malloc(elems * H5Tget_size(mem) + 1))) goto done;
    for (int64_t r = s->index; r < s->runs; r += s->count) {
        start[0] = (hsize_t)r;
        if (elems == 0) continue;
        int bad = H5Sselect_hyperslab(fa, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
                  H5Sselect_hyperslab(fb, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
                  H5Dread(a, mem, ms, fa, H5P_DEFAULT, buf) < 0;
        if (!bad) bad = H5Dwrite(b, mem, ms, fb, H5P_DEFAULT, buf) < 0;
        if (vlen && !bad)
            for (size_t i = 0; i < elems; i++) H5free_memory(((char **)buf)[i]);
        if (bad) goto done;
    }
    rc = 0;
done:;
    hid_t kept = h5out__err_keep(rc < 0);
    release((hid_t[]){a, b, t, fa, fb, mem, ms}, 7);
    h5out__err_restore(kept);
    free(buf);
    return rc;
}

/* Writes the merged file as partial, from shard 0 and the others' rows. */
static int write_merged(shard_in **by, int N, const char *partial, h5sweep_merged *res, ad_error *err)
{
    const char *doing = "opening the copy of shard 0";
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), f = H5I_INVALID_HID;
    if (fapl >= 0 && H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) >= 0 &&
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0)
        f = H5Fopen(partial, H5F_ACC_RDWR, fapl);
    if (fapl >= 0) H5Pclose(fapl);
    if (f < 0 || h5out__attr_set_i8(f, "complete", 0) < 0 || H5Fflush(f, H5F_SCOPE_GLOBAL) < 0) goto fail;
    char names[N_ROW_VARS][ROW_NAME];
    int nv = row_vars(names);
    doing = "copying the shards' runs";
    for (int v = 0; v < nv; v++) {
        /* shards of a build that wrote no /summary: there is none to fill */
        if (H5Lexists(f, names[v], H5P_DEFAULT) <= 0 && strchr(names[v], '/')) {
            H5Eclear2(H5E_DEFAULT);
            continue;
        }
        for (int j = 1; j < N; j++)
            if (copy_rows(by[j], f, names[v]) < 0) goto fail;
    }
    res->ok = res->failed = 0;
    for (int64_t r = 0; r < res->runs; r++) {
        res->ok += by[r % N]->st[r] == 1;
        res->failed += by[r % N]->st[r] == -1;
    }
    doing = "writing the root attributes";
    if (H5Adelete(f, "shard_index") < 0 || H5Adelete(f, "shard_count") < 0 ||
        h5out__attr_set_i64(f, "runs_written", res->ok) < 0 || h5out__attr_set_i64(f, "runs_failed", res->failed) < 0 ||
        H5Fflush(f, H5F_SCOPE_GLOBAL) < 0)
        goto fail;
    doing = "writing the content digest";
    char digest[H5VERIFY_DIGEST_LEN];
    if (h5verify_seal(f, digest) < 0 || H5Fflush(f, H5F_SCOPE_GLOBAL) < 0 || h5out__attr_set_i8(f, "complete", 1) < 0)
        goto fail;
    doing = "closing";
    hid_t keep = f;
    f = H5I_INVALID_HID;
    if (H5Fclose(keep) < 0) goto fail;
    return AD_OK;
fail:;
    int rc = h5out__fail(partial, err, doing);
    if (f >= 0) H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}

int h5sweep_merge(const char *const *paths, int n, const char *out, int force, h5sweep_merged *res, ad_error *err)
{
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* failures are reported through err */
    ad_error_clear(err);
    memset(res, 0, sizeof *res);
    char partial[H5OUT_PATH_MAX];
    if (n < 1) return ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL, "no shard files given");
    if (!out || !*out || strlen(out) + sizeof ".partial" > sizeof partial)
        return ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL, "no output file given, or its path is too long");
    snprintf(partial, sizeof partial, "%s.partial", out);
    shard_in *s = calloc((size_t)n, sizeof *s);
    shard_in **by = NULL;
    if (!s) return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    int rc = AD_OK, made = 0, lock_fd = -1;
    struct stat so, si;
    int have_out = stat(out, &so) == 0;
    for (int i = 0; i < n; i++) s[i].file = H5I_INVALID_HID;
    for (int i = 0; i < n && !rc; i++) {
        s[i].path = paths[i];
        if (have_out && stat(paths[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
            rc = ad_error_set(err, AD_ERR_USAGE, out, 0, NULL, "the merged file would replace shard %s", paths[i]);
        else rc = open_shard(&s[i], err);
    }
    if (rc) goto done;
    if (!(by = calloc((size_t)s[0].count, sizeof *by))) {
        rc = ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (int i = 1; i < n && !rc; i++)
        if (s[i].count != s[0].count || s[i].runs != s[0].runs)
            rc = ad_error_set(err, AD_ERR_USAGE, s[i].path, 0, NULL,
                              "is shard %d/%d of %lld runs, but %s is shard %d/%d of %lld runs: not one split",
                              s[i].index, s[i].count, (long long)s[i].runs, s[0].path, s[0].index, s[0].count,
                              (long long)s[0].runs);
    for (int i = 1; i < n && !rc; i++) rc = same_sweep(&s[0], &s[i], err);
    if (rc || (rc = check_cover(s, n, by, err))) goto done;
    res->shards = s[0].count;
    res->runs = s[0].runs;
    if ((rc = h5out__check_paths(out, partial, force, NULL, &lock_fd, err))) goto done;
    made = 1;
    if ((rc = copy_bytes(by[0]->path, partial, err)) || (rc = write_merged(by, s[0].count, partial, res, err)))
        goto done;
    {   /* the merged file reads back whole before it takes the output's name */
        h5verify_result vr;
        ad_error ve;
        int v = h5verify_file(partial, &vr, &ve);
        if (v != AD_OK) {
            rc = ad_error_set(err, v == AD_ERR_DAMAGED ? AD_ERR_DAMAGED : AD_ERR_IO, partial, 0, NULL,
                              "the merged file does not read back whole: %s", ve.msg);
            goto done;
        }
    }
    if (!force && stat(out, &so) == 0)
        rc = ad_error_set(err, AD_ERR_EXISTS, out, 0, NULL, "output file appeared while merging");
    else if (rename(partial, out) != 0)
        rc = ad_error_set(err, AD_ERR_IO, out, 0, NULL, "cannot rename '%s' to the output file: %s", partial,
                          strerror(errno));
done:
    for (int i = 0; i < n; i++) {
        if (s[i].file >= 0) H5Fclose(s[i].file);
        free(s[i].st);
    }
    H5Eclear2(H5E_DEFAULT);
    if (rc && made) unlink(partial);   /* this merge made it */
    if (lock_fd >= 0) close(lock_fd);
    free(by);
    free(s);
    return rc;
}

int h5sweep_merge_name(const char *shard, char *out, size_t n)
{
    const char *p = strstr(shard, ".shard"), *last = NULL;
    for (; p; p = strstr(p + 1, ".shard")) last = p;
    int i = -1, count = -1, used = 0;
    if (!last || sscanf(last, ".shard%dof%d%n", &i, &count, &used) != 2 || i < 0 || count < 1) return -1;
    const char *rest = last + used;
    if (*rest && strcmp(rest, ".h5")) return -1;
    if ((size_t)snprintf(out, n, "%.*s%s", (int)(last - shard), shard, rest) >= n) return -1;
    return 0;
}
