/* h5verify.c: is a run or sweep file intact and complete?
 *
 * Every chunked variable of an aandacht file carries HDF5's Fletcher32
 * checksum per chunk (h5out__dataset), so reading a variable checks every
 * byte of its data. Checksums per chunk do not cover the file's own
 * structure (names, shapes, attributes, the small variables HDF5 keeps in
 * object headers), so a finished file also carries a content digest: root
 * attribute content_digest, "fnv1a64:" and 16 hex digits, the 64-bit FNV-1a
 * hash of everything the file holds, walked in a fixed order (objects by
 * name, each object's attributes by name; for each: its path, its type's
 * class and size, its shape, and its values as stored). Two attributes are
 * left out: content_digest itself and complete, which is set after it.
 * Values that are references between objects (DIMENSION_LIST,
 * REFERENCE_LIST) count by number only, since they hold file addresses.
 *
 * h5verify_file reads every object and attribute (checking the checksums),
 * recomputes the digest and compares it, then checks what makes the file an
 * aandacht file (the root attributes, the week coordinate) and whether it is
 * complete: complete = 1, weeks_written equal to the weeks of a run, every
 * run of a sweep finished (status 1, or -1 for a run that failed and says
 * so). `aandacht verify`, `merge` (each shard before it is copied) and
 * `sweep --resume` use it; h5verify_seal writes the digest when a run,
 * sweep or merge finishes.
 */
#include "h5verify.h"

#include "h5out_priv.h"

#include <hdf5.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIGEST_ATTR "content_digest"
#define DIGEST_PREFIX "fnv1a64:"
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define BLOCK_BYTES ((size_t)16 << 20) /* a variable is read this much at a time */

typedef struct walk {
    char bad[512];     /* the first object that failed, and why */
    int64_t datasets;  /* variables read whole */
    int64_t bytes;     /* their size in the file's types */
    uint64_t digest;   /* FNV-1a of all of it, so far */
} walk;

static void hash(walk *w, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        w->digest ^= b[i];
        w->digest *= FNV_PRIME;
    }
}

static void hash_str(walk *w, const char *s) { hash(w, s, strlen(s) + 1); }

static void hash_u64(walk *w, uint64_t v)
{
    unsigned char b[8]; /* little-endian whatever the machine */
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
    hash(w, b, 8);
}

/* A type and a shape, as the digest sees them. */
static void hash_form(walk *w, hid_t t, hid_t s)
{
    hsize_t dims[H5S_MAX_RANK];
    int rank = H5Sget_simple_extent_dims(s, dims, NULL);
    hash_u64(w, (uint64_t)H5Tget_class(t));
    hash_u64(w, (uint64_t)H5Tget_size(t));
    hash_u64(w, (uint64_t)(rank < 0 ? 0 : rank));
    for (int i = 0; i < rank; i++) hash_u64(w, (uint64_t)dims[i]);
}

/* n values of type t, as read into buf (then given back if HDF5 allocated
 * parts of them). */
static void hash_values(walk *w, hid_t t, hid_t s, void *buf, hssize_t n)
{
    size_t size = H5Tget_size(t);
    if (H5Tis_variable_str(t) > 0) {
        for (hssize_t i = 0; i < n; i++) {
            const char *v = ((char **)buf)[i];
            hash_str(w, v ? v : "");
        }
    } else if (H5Tdetect_class(t, H5T_REFERENCE) > 0 || H5Tdetect_class(t, H5T_VLEN) > 0) {
        hash_u64(w, (uint64_t)n); /* addresses in this file: their number only */
    } else {
        hash(w, buf, (size_t)n * size);
    }
    if (H5Tis_variable_str(t) > 0 || H5Tdetect_class(t, H5T_VLEN) > 0) H5Dvlen_reclaim(t, s, H5P_DEFAULT, buf);
}

static void fail_at(walk *w, const char *name, const char *why)
{
    if (!w->bad[0]) snprintf(w->bad, sizeof w->bad, "%s: %s", name, why);
}

/* Reads every attribute of obj (their values, not just their names). */
static int read_attrs(hid_t obj, const char *name, walk *w)
{
    int root = !strcmp(name, "/");
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
        char aname[256] = "";
        int ok = a >= 0 && t >= 0 && n >= 0 && size > 0 && H5Aget_name(a, sizeof aname, aname) >= 0;
        int counted = ok && !(root && (!strcmp(aname, DIGEST_ATTR) || !strcmp(aname, "complete")));
        if (ok) {
            void *buf = calloc((size_t)(n ? n : 1), size);
            ok = buf && H5Aread(a, t, buf) >= 0;
            if (ok && counted) {
                hash_str(w, aname);
                hash_form(w, t, s);
            }
            /* variable-length data (strings, and the vlen references of
             * DIMENSION_LIST) is allocated by HDF5: hash_values gives it back */
            if (ok && counted) hash_values(w, t, s, buf, n);
            else if (ok && (H5Tis_variable_str(t) > 0 || H5Tdetect_class(t, H5T_VLEN) > 0))
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

/* Reads a variable whole, a block of its first dimension at a time (its
 * checksums checked chunk by chunk). */
static int read_dataset(hid_t ds, const char *name, walk *w)
{
    hid_t t = H5Dget_type(ds), s = H5Dget_space(ds);
    hsize_t dims[H5S_MAX_RANK];
    int rank = s >= 0 ? H5Sget_simple_extent_dims(s, dims, NULL) : -1;
    hssize_t n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    size_t size = t >= 0 ? H5Tget_size(t) : 0;
    int ok = t >= 0 && s >= 0 && rank >= 0 && n >= 0 && size > 0;
    if (ok) hash_form(w, t, s);
    if (ok && n > 0) {
        /* rows of the first dimension per block (a scalar is one block) */
        hsize_t row = rank ? (hsize_t)n / dims[0] : 1, rows = rank ? dims[0] : 1;
        hsize_t per = BLOCK_BYTES / (row * size);
        if (per < 1) per = 1;
        if (per > rows) per = rows;
        void *buf = malloc((size_t)(per * row) * size);
        ok = buf != NULL;
        for (hsize_t r0 = 0; ok && r0 < rows; r0 += per) {
            hsize_t take = rows - r0 < per ? rows - r0 : per;
            hsize_t start[H5S_MAX_RANK] = {0}, count[H5S_MAX_RANK];
            for (int i = 0; i < rank; i++) count[i] = dims[i];
            start[0] = r0;
            count[0] = take;
            hid_t fs = H5Scopy(s);
            hid_t ms = rank ? H5Screate_simple(rank, count, NULL) : H5Scopy(s);
            ok = fs >= 0 && ms >= 0 &&
                 (!rank || H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0) &&
                 H5Dread(ds, t, ms, fs, H5P_DEFAULT, buf) >= 0;
            if (ok) hash_values(w, t, ms, buf, (hssize_t)(take * row));
            if (ms >= 0) H5Sclose(ms);
            if (fs >= 0) H5Sclose(fs);
        }
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
    if (!strcmp(name, ".")) return 0; /* the root: walk_file reads it first */
    hid_t obj = H5Oopen(root, name, H5P_DEFAULT);
    if (obj < 0) {
        fail_at(w, name, "cannot be opened");
        return 1;
    }
    hash_str(w, name);
    hash_u64(w, (uint64_t)info->type);
    int rc = read_attrs(obj, name, w);
    if (rc == 0 && info->type == H5O_TYPE_DATASET) rc = read_dataset(obj, name, w);
    H5Oclose(obj);
    return rc < 0 ? 1 : 0;
}

/* Reads everything in f, in the digest's order; 0, or -1 with w->bad set. */
static int walk_file(hid_t f, walk *w)
{
    memset(w, 0, sizeof *w);
    w->digest = FNV_OFFSET;
    if (read_attrs(f, "/", w) < 0 || H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, visit, w, H5O_INFO_BASIC) != 0 ||
        w->bad[0]) {
        if (!w->bad[0]) snprintf(w->bad, sizeof w->bad, "its structure cannot be walked");
        return -1;
    }
    return 0;
}

static void digest_text(uint64_t d, char out[H5VERIFY_DIGEST_LEN])
{
    snprintf(out, H5VERIFY_DIGEST_LEN, DIGEST_PREFIX "%016" PRIx64, d);
}

/* The digest f stores: 1 and out filled, 0 if it has none, -1 if it cannot
 * be read. */
static int stored_digest(hid_t f, char out[H5VERIFY_DIGEST_LEN])
{
    if (H5Aexists(f, DIGEST_ATTR) <= 0) return 0;
    hid_t a = H5Aopen(f, DIGEST_ATTR, H5P_DEFAULT), t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    size_t n = t >= 0 && H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) == 0 ? H5Tget_size(t) : 0;
    char buf[64] = "";
    int ok = n > 0 && n < sizeof buf && H5Aread(a, t, buf) >= 0;
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    if (!ok) return -1;
    snprintf(out, H5VERIFY_DIGEST_LEN, "%s", buf);
    return 1;
}

int h5verify_seal(hid_t f, char digest[H5VERIFY_DIGEST_LEN])
{
    walk w;
    if (walk_file(f, &w) < 0) return -1;
    digest_text(w.digest, digest);
    if (H5Aexists(f, DIGEST_ATTR) > 0 && H5Adelete(f, DIGEST_ATTR) < 0) return -1;
    hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR), a = H5I_INVALID_HID;
    int ok = t >= 0 && s >= 0 && H5Tset_size(t, strlen(digest) + 1) >= 0 && H5Tset_strpad(t, H5T_STR_NULLTERM) >= 0 &&
             (a = H5Acreate2(f, DIGEST_ATTR, t, s, H5P_DEFAULT, H5P_DEFAULT)) >= 0 && H5Awrite(a, t, digest) >= 0;
    if (a >= 0) H5Aclose(a);
    if (s >= 0) H5Sclose(s);
    if (t >= 0) H5Tclose(t);
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
    walk w;
    int rc = AD_OK;
    if (walk_file(f, &w) < 0) {
        rc = ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL, "damaged: %s", w.bad);
        goto done;
    }
    res->datasets = w.datasets;
    res->bytes = w.bytes;
    digest_text(w.digest, res->digest);
    res->sealed = stored_digest(f, res->stored);
    if (res->sealed < 0) {
        rc = ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL, "damaged: its content_digest attribute cannot be read");
        goto done;
    }
    int64_t complete = 0, written = -1;
    res->state = H5Aexists(f, "aandacht_state") > 0;
    if (res->state) { /* a state file (output/h5state.c): whole, or not */
        if (h5out__read_i64(f, "complete", &complete) < 0 || complete != 1)
            rc = ad_error_set(err, AD_ERR_INCOMPLETE, path, 0, NULL,
                              "incomplete: a state file whose writer did not finish");
        else if (!res->sealed || strcmp(res->stored, res->digest))
            rc = ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL,
                              "damaged: its contents differ from the digest written when it was saved "
                              "(content_digest %s, contents now %s)", res->sealed ? res->stored : "missing",
                              res->digest);
        else
            res->complete = 1;
        goto done;
    }
    if (H5Aexists(f, "engine_version") <= 0 || extent0(f, "week") < 0) {
        rc = ad_error_set(err, AD_ERR_USAGE, path, 0, NULL,
                          "is an HDF5 file but not an aandacht file (no engine_version or week)");
        goto done;
    }
    res->weeks = extent0(f, "week");
    res->sweep = H5Lexists(f, "run", H5P_DEFAULT) > 0 && H5Aexists(f, "sweep_design") > 0;
    if (h5out__read_i64(f, "complete", &complete) < 0) {
        rc = ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL, "damaged: no readable 'complete' attribute");
        goto done;
    }
    res->complete = complete == 1;
    /* only a finished file's digest is its contents' (a partial has none
     * yet, or an earlier one that its job replaces when it finishes) */
    if (res->complete && res->sealed && strcmp(res->stored, res->digest)) {
        rc = ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL,
                          "damaged: its contents differ from the digest written when it was finished "
                          "(content_digest %s, contents now %s)",
                          res->stored, res->digest);
        goto done;
    }
    if (!res->sweep && h5out__read_i64(f, "weeks_written", &written) == 0 && written != res->weeks) {
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
    else if (!res->sealed)
        rc = ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL,
                          "has complete = 1 but no content_digest: damaged, or written by an engine older "
                          "than the digest (run it again to check it)");
done:
    H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}
