/* h5verify.c: is a run or sweep file intact and complete?
 *
 * Every chunked variable of an aandacht file carries HDF5's Fletcher32
 * checksum per chunk (h5out__dataset), so reading a variable whole checks
 * every byte of its data; the file's structure is checked by opening every
 * object and reading every attribute. h5verify_file does both, then checks
 * what makes the file an aandacht file (the root attributes, the week
 * coordinate) and whether it is complete: complete = 1, weeks_written equal
 * to the weeks of a run, every run of a sweep finished (status 1, or -1 for
 * a run that failed and says so). `aandacht verify`, `merge` (each shard
 * before it is copied) and `sweep --resume` use it.
 */
#include "h5verify.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct walk {
    char bad[512];     /* the first object that failed, and why */
    int64_t datasets;  /* variables read whole */
    int64_t bytes;     /* their size in the file's types */
} walk;

static void fail_at(walk *w, const char *name, const char *why)
{
    if (!w->bad[0]) snprintf(w->bad, sizeof w->bad, "%s: %s", name, why);
}

/* Reads every attribute of obj (their values, not just their names). */
static int read_attrs(hid_t obj, const char *name, walk *w)
{
    H5O_info_t info;
    if (H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS) < 0) {
        fail_at(w, name, "its header cannot be read");
        return -1;
    }
    for (hsize_t k = 0; k < info.num_attrs; k++) {
        hid_t a = H5Aopen_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, k, H5P_DEFAULT, H5P_DEFAULT);
        hid_t t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID, s = a >= 0 ? H5Aget_space(a) : H5I_INVALID_HID;
        hssize_t n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
        size_t size = t >= 0 ? H5Tget_size(t) : 0;
        int ok = a >= 0 && t >= 0 && n >= 0 && size > 0;
        if (ok) {
            void *buf = calloc((size_t)(n ? n : 1), size);
            ok = buf && H5Aread(a, t, buf) >= 0;
            /* variable-length data (strings, and the vlen references of
             * DIMENSION_LIST) is allocated by HDF5: give it back */
            if (ok && (H5Tis_variable_str(t) > 0 || H5Tdetect_class(t, H5T_VLEN) > 0))
                H5Dvlen_reclaim(t, s, H5P_DEFAULT, buf);
            free(buf);
        }
        if (s >= 0) H5Sclose(s);
        if (t >= 0) H5Tclose(t);
        if (a >= 0) H5Aclose(a);
        if (!ok) {
            fail_at(w, name, "an attribute cannot be read");
            return -1;
        }
    }
    return 0;
}

/* Reads a variable whole (its checksums checked chunk by chunk). */
static int read_dataset(hid_t ds, const char *name, walk *w)
{
    hid_t t = H5Dget_type(ds), s = H5Dget_space(ds);
    hssize_t n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    size_t size = t >= 0 ? H5Tget_size(t) : 0;
    int ok = t >= 0 && s >= 0 && n >= 0 && size > 0;
    if (ok && n > 0) {
        void *buf = malloc((size_t)n * size);
        ok = buf && H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
        if (ok && (H5Tis_variable_str(t) > 0 || H5Tdetect_class(t, H5T_VLEN) > 0))
            H5Dvlen_reclaim(t, s, H5P_DEFAULT, buf);
        free(buf);
        w->bytes += (int64_t)n * (int64_t)size;
    }
    if (s >= 0) H5Sclose(s);
    if (t >= 0) H5Tclose(t);
    w->datasets++;
    if (!ok) fail_at(w, name, "its data cannot be read back whole (a checksum or the file's structure is broken)");
    return ok ? 0 : -1;
}

static herr_t visit(hid_t root, const char *name, const H5O_info_t *info, void *op)
{
    walk *w = op;
    hid_t obj = H5Oopen(root, name, H5P_DEFAULT);
    if (obj < 0) {
        fail_at(w, name, "cannot be opened");
        return 1;
    }
    int rc = read_attrs(obj, name, w);
    if (rc == 0 && info->type == H5O_TYPE_DATASET) rc = read_dataset(obj, name, w);
    H5Oclose(obj);
    return rc < 0 ? 1 : 0;
}

static int attr_i64(hid_t f, const char *name, int64_t *v)
{
    if (H5Aexists(f, name) <= 0) return -1;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    int ok = a >= 0 && H5Aread(a, H5T_NATIVE_INT64, v) >= 0;
    if (a >= 0) H5Aclose(a);
    return ok ? 0 : -1;
}

static int64_t extent0(hid_t f, const char *name)
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t s = H5Dget_space(d);
    hsize_t dims[H5S_MAX_RANK];
    int rank = s >= 0 ? H5Sget_simple_extent_dims(s, dims, NULL) : -1;
    if (s >= 0) H5Sclose(s);
    H5Dclose(d);
    return rank >= 1 ? (int64_t)dims[0] : -1;
}

int h5verify_file(const char *path, h5verify_result *res, ad_error *err)
{
    memset(res, 0, sizeof *res);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return ad_error_set(err, AD_ERR_USAGE, path, 0, NULL,
                            "cannot be opened as HDF5: not an aandacht file, or its first bytes are damaged");
    walk w = {.bad = ""};
    int rc = AD_OK;
    if (read_attrs(f, "/", &w) < 0 || H5Ovisit2(f, H5_INDEX_CRT_ORDER, H5_ITER_INC, visit, &w, H5O_INFO_BASIC) != 0 ||
        w.bad[0]) {
        if (!w.bad[0]) snprintf(w.bad, sizeof w.bad, "its structure cannot be walked");
        rc = ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL, "damaged: %s", w.bad);
        goto done;
    }
    res->datasets = w.datasets;
    res->bytes = w.bytes;
    int64_t complete = 0, written = -1;
    if (H5Aexists(f, "engine_version") <= 0 || extent0(f, "week") < 0) {
        rc = ad_error_set(err, AD_ERR_USAGE, path, 0, NULL,
                          "is an HDF5 file but not an aandacht file (no engine_version or week)");
        goto done;
    }
    res->weeks = extent0(f, "week");
    res->sweep = H5Lexists(f, "run", H5P_DEFAULT) > 0 && H5Aexists(f, "sweep_design") > 0;
    if (attr_i64(f, "complete", &complete) < 0) {
        rc = ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL, "damaged: no readable 'complete' attribute");
        goto done;
    }
    res->complete = complete == 1;
    if (!res->sweep && attr_i64(f, "weeks_written", &written) == 0 && written != res->weeks) {
        rc = ad_error_set(err, AD_ERR_INCOMPLETE, path, 0, NULL,
                          "incomplete: %lld of its %lld weeks are written (an interrupted run)", (long long)written,
                          (long long)res->weeks);
        goto done;
    }
    if (res->sweep) {
        res->runs = extent0(f, "run");
        hid_t d = H5Dopen2(f, "status", H5P_DEFAULT);
        int8_t *st = res->runs > 0 ? malloc((size_t)res->runs) : NULL;
        int ok = d >= 0 && st && H5Dread(d, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, st) >= 0;
        if (d >= 0) H5Dclose(d);
        for (int64_t r = 0; ok && r < res->runs; r++) {
            res->runs_ok += st[r] == 1;
            res->runs_failed += st[r] == -1;
        }
        free(st);
        if (!ok) {
            rc = ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL, "damaged: its runs' statuses cannot be read");
            goto done;
        }
        if (res->runs_ok + res->runs_failed < res->runs) {
            rc = ad_error_set(err, AD_ERR_INCOMPLETE, path, 0, NULL,
                              "incomplete: %lld of its %lld runs are finished (a sweep that was stopped: "
                              "finish it with --resume)",
                              (long long)(res->runs_ok + res->runs_failed), (long long)res->runs);
            goto done;
        }
    }
    if (!res->complete)
        rc = ad_error_set(err, AD_ERR_INCOMPLETE, path, 0, NULL,
                          "incomplete: complete = 0 (the job that wrote it did not finish)");
done:
    H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}
