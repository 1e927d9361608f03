/* h5state.c: state files (h5state.h; layout in docs/output.md).
 *
 * One HDF5 group per ad_state_var group (customers, network, employees,
 * brands, market), one variable per ad_state_var: shape (count) or (count,
 * width), its long_name the variable's doc. Large variables are chunked
 * (shuffle, gzip level 1: saving and loading are bounded by the disk and
 * the compression, and level 1 is the fastest that still shrinks the
 * arrays) with Fletcher32; the root carries what the state is (steps, week,
 * sizes, engine version and commit), the configuration text of the run that
 * saved it, complete and the content digest.
 */
#define _POSIX_C_SOURCE 200809L
#include "h5state.h"

#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "h5out_priv.h"

#define STATE_CHUNK ((hsize_t)1 << 20) /* elements per chunk */
#define STATE_DEFLATE 1

static hid_t file_type(ad_state_type t)
{
    switch (t) {
    case AD_ST_U8: return H5T_STD_U8LE;
    case AD_ST_I8: return H5T_STD_I8LE;
    case AD_ST_U16: return H5T_STD_U16LE;
    case AD_ST_I32: return H5T_STD_I32LE;
    case AD_ST_U32: return H5T_STD_U32LE;
    case AD_ST_I64: return H5T_STD_I64LE;
    case AD_ST_U64: return H5T_STD_U64LE;
    case AD_ST_F32: return H5T_IEEE_F32LE;
    case AD_ST_F64: return H5T_IEEE_F64LE;
    }
    return H5I_INVALID_HID;
}

static hid_t mem_type(ad_state_type t)
{
    switch (t) {
    case AD_ST_U8: return H5T_NATIVE_UINT8;
    case AD_ST_I8: return H5T_NATIVE_INT8;
    case AD_ST_U16: return H5T_NATIVE_UINT16;
    case AD_ST_I32: return H5T_NATIVE_INT32;
    case AD_ST_U32: return H5T_NATIVE_UINT32;
    case AD_ST_I64: return H5T_NATIVE_INT64;
    case AD_ST_U64: return H5T_NATIVE_UINT64;
    case AD_ST_F32: return H5T_NATIVE_FLOAT;
    case AD_ST_F64: return H5T_NATIVE_DOUBLE;
    }
    return H5I_INVALID_HID;
}

/* A packed copy of a strided variable (brands), or its own data. */
static void *packed(const ad_state_var *v, int *copied)
{
    const size_t el = ad_state_type_size(v->type) * (size_t)v->width;
    *copied = 0;
    if (!v->stride || v->stride == el) return v->data;
    char *buf = malloc((size_t)(v->count ? v->count : 1) * el);
    if (!buf) return NULL;
    for (int64_t k = 0; k < v->count; k++) memcpy(buf + (size_t)k * el, (const char *)v->data + (size_t)k * v->stride, el);
    *copied = 1;
    return buf;
}

static void unpack(const ad_state_var *v, const void *buf)
{
    const size_t el = ad_state_type_size(v->type) * (size_t)v->width;
    for (int64_t k = 0; k < v->count; k++) memcpy((char *)v->data + (size_t)k * v->stride, (const char *)buf + (size_t)k * el, el);
}

static int write_var(hid_t g, const ad_state_var *v)
{
    const int rank = v->width > 1 ? 2 : 1;
    hsize_t dims[2] = {(hsize_t)v->count, (hsize_t)v->width}, maxdims[2] = {H5S_UNLIMITED, (hsize_t)v->width};
    hsize_t chunk[2] = {v->count > 0 && (hsize_t)v->count < STATE_CHUNK ? (hsize_t)v->count : STATE_CHUNK,
                        (hsize_t)v->width};
    hid_t space = H5Screate_simple(rank, dims, maxdims), dcpl = H5Pcreate(H5P_DATASET_CREATE), ds = H5I_INVALID_HID;
    int copied = 0, ok = space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, rank, chunk) >= 0 &&
                          H5Pset_fletcher32(dcpl) >= 0 && H5Pset_shuffle(dcpl) >= 0 &&
                          H5Pset_deflate(dcpl, STATE_DEFLATE) >= 0;
    if (ok) ds = H5Dcreate2(g, v->name, file_type(v->type), space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    ok = ds >= 0 && h5out__attr_str(ds, "long_name", v->doc) >= 0;
    void *buf = ok && v->count > 0 ? packed(v, &copied) : NULL;
    if (ok && v->count > 0) ok = buf && H5Dwrite(ds, mem_type(v->type), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
    if (copied) free(buf);
    hid_t kept = h5out__err_keep(!ok);
    if (ds >= 0) H5Dclose(ds);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    h5out__err_restore(kept);
    return ok ? 0 : -1;
}

static int write_text(hid_t f, const char *name, const char *text)
{
    hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR), ds = H5I_INVALID_HID;
    const size_t len = strlen(text);
    int ok = t >= 0 && s >= 0 && H5Tset_size(t, len ? len : 1) >= 0 && H5Tset_strpad(t, H5T_STR_NULLPAD) >= 0 &&
             H5Tset_cset(t, H5T_CSET_UTF8) >= 0 &&
             (ds = H5Dcreate2(f, name, t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
             H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, len ? text : "") >= 0 &&
             h5out__attr_str(ds, "long_name", "the resolved configuration of the run that saved the state") >= 0;
    hid_t kept = h5out__err_keep(!ok);
    if (ds >= 0) H5Dclose(ds);
    if (s >= 0) H5Sclose(s);
    if (t >= 0) H5Tclose(t);
    h5out__err_restore(kept);
    return ok ? 0 : -1;
}

int h5state_save(const char *path, const ad_state *st, const char *config_text, const char *input, int force,
                 ad_error *err)
{
    char partial[H5OUT_PATH_MAX];
    if (snprintf(partial, sizeof partial, "%s.partial", path) >= (int)sizeof partial)
        return ad_error_set(err, AD_ERR_USAGE, path, 0, NULL, "the state file's path is too long");
    int lock_fd = -1;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int rc = h5out__check_paths(path, partial, force, input, &lock_fd, err);
    if (rc) return rc;
    const char *doing = "creating the state file";
    hid_t f = h5out__create_file(partial), g = H5I_INVALID_HID;
    if (f < 0) goto fail;
    char created[32];
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &utc);
    doing = "writing the state's attributes";
    if (h5out__attr_str(f, "title", "aandacht state: the whole state of a market after a week") < 0 ||
        h5out__attr_i8(f, "aandacht_state", 1) < 0 || h5out__attr_str(f, "engine_version", AANDACHT_VERSION) < 0 ||
        h5out__attr_str(f, "git_commit", AANDACHT_GIT) < 0 || h5out__attr_str(f, "created", created) < 0 ||
        h5out__attr_i64(f, "steps", st->steps) < 0 || h5out__attr_i64(f, "week", st->week) < 0 ||
        h5out__attr_i64(f, "customers", st->sizes.customers) < 0 ||
        h5out__attr_i64(f, "employee_slots", st->sizes.employees) < 0 ||
        h5out__attr_i64(f, "far_links", st->sizes.far_links) < 0 || h5out__attr_i64(f, "brands", st->sizes.brands) < 0 ||
        h5out__attr_i8(f, "complete", 0) < 0 || write_text(f, "config", config_text) < 0)
        goto fail;
    doing = "writing the state's variables";
    for (int k = 0; k < st->n; k++) {
        const ad_state_var *v = &st->var[k];
        if (H5Lexists(f, v->group, H5P_DEFAULT) <= 0) {
            if ((g = h5out__group(f, v->group)) < 0) goto fail;
            H5Gclose(g);
            g = H5I_INVALID_HID;
        }
        if ((g = H5Gopen2(f, v->group, H5P_DEFAULT)) < 0 || write_var(g, v) < 0) goto fail;
        H5Gclose(g);
        g = H5I_INVALID_HID;
    }
    doing = "writing the content digest";
    char digest[H5VERIFY_DIGEST_LEN];
    if (H5Fflush(f, H5F_SCOPE_GLOBAL) < 0 || h5verify_seal(f, digest) < 0 || H5Fflush(f, H5F_SCOPE_GLOBAL) < 0 ||
        h5out__attr_set_i8(f, "complete", 1) < 0)
        goto fail;
    doing = "closing the state file";
    hid_t keep = f;
    f = H5I_INVALID_HID;
    if (H5Fclose(keep) < 0) goto fail;
    H5Eclear2(H5E_DEFAULT);
    if (rename(partial, path) != 0) {
        rc = ad_error_set(err, AD_ERR_IO, path, 0, NULL, "cannot rename '%s' to the state file: %s", partial,
                          strerror(errno));
        unlink(partial);
    }
    close(lock_fd);
    return rc;
fail:
    rc = h5out__fail(partial, err, doing);
    if (g >= 0) H5Gclose(g);
    if (f >= 0) H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    unlink(partial); /* this job made it, and it is not a whole state */
    close(lock_fd);
    return rc;
}

static int read_attr_str(hid_t f, const char *name, char *buf, size_t n)
{
    buf[0] = 0;
    hid_t a = H5Aexists(f, name) > 0 ? H5Aopen(f, name, H5P_DEFAULT) : H5I_INVALID_HID;
    hid_t t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    size_t len = t >= 0 && H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) == 0 ? H5Tget_size(t) : 0;
    char *tmp = len ? calloc(len + 1, 1) : NULL;
    int ok = tmp && H5Aread(a, t, tmp) >= 0;
    if (ok) snprintf(buf, n, "%s", tmp);
    free(tmp);
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return ok ? 0 : -1;
}

static char *read_text(hid_t f, const char *name)
{
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT), t = ds >= 0 ? H5Dget_type(ds) : H5I_INVALID_HID;
    size_t len = t >= 0 && H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) == 0 ? H5Tget_size(t) : 0;
    char *text = len ? calloc(len + 1, 1) : NULL;
    if (text && H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, text) < 0) {
        free(text);
        text = NULL;
    }
    if (t >= 0) H5Tclose(t);
    if (ds >= 0) H5Dclose(ds);
    return text;
}

int h5state_open(const char *path, h5state_info *info, ad_error *err)
{
    memset(info, 0, sizeof *info);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return ad_error_set(err, AD_ERR_USAGE, path, 0, NULL, "cannot read the state file: %s", strerror(errno));
    h5verify_result vr;
    int rc = h5verify_file(path, &vr, err);
    if (rc == AD_ERR_INCOMPLETE)
        return ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL,
                            "is not a whole state file (its writer was stopped before it finished)");
    if (rc != AD_OK) return rc;
    if (!vr.state)
        return ad_error_set(err, AD_ERR_USAGE, path, 0, NULL,
                            "is an aandacht %s file, not a state file (--save-state or --checkpoint-every write "
                            "those)", vr.sweep ? "sweep" : "run");
    snprintf(info->digest, sizeof info->digest, "%s", vr.digest);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    int64_t brands = 0;
    int ok = f >= 0 && read_attr_str(f, "engine_version", info->engine_version, sizeof info->engine_version) == 0 &&
             read_attr_str(f, "git_commit", info->git_commit, sizeof info->git_commit) == 0 &&
             read_attr_str(f, "created", info->created, sizeof info->created) == 0 &&
             h5out__read_i64(f, "steps", &info->steps) == 0 && h5out__read_i64(f, "week", &info->week) == 0 &&
             h5out__read_i64(f, "customers", &info->sizes.customers) == 0 &&
             h5out__read_i64(f, "employee_slots", &info->sizes.employees) == 0 &&
             h5out__read_i64(f, "far_links", &info->sizes.far_links) == 0 &&
             h5out__read_i64(f, "brands", &brands) == 0 && (info->config = read_text(f, "config")) != NULL;
    info->sizes.brands = (int)brands;
    if (f >= 0) H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    if (!ok) {
        h5state_info_free(info);
        return ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL, "is a state file without the attributes it needs");
    }
    if (strcmp(info->engine_version, AANDACHT_VERSION)) {
        rc = ad_error_set(err, AD_ERR_USAGE, path, 0, NULL,
                          "was saved by aandacht %s; this is aandacht %s, whose state may differ: run the "
                          "scenario again from the start with this version",
                          info->engine_version, AANDACHT_VERSION);
        h5state_info_free(info);
        return rc;
    }
    return AD_OK;
}

void h5state_info_free(h5state_info *info)
{
    free(info->config);
    info->config = NULL;
}

int h5state_read(const char *path, const ad_state *st, ad_error *err)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return h5out__fail(path, err, "opening the state file");
    int rc = AD_OK;
    for (int k = 0; k < st->n && rc == AD_OK; k++) {
        const ad_state_var *v = &st->var[k];
        char name[128];
        snprintf(name, sizeof name, "%s/%s", v->group, v->name);
        hid_t ds = H5Lexists(f, v->group, H5P_DEFAULT) > 0 && H5Lexists(f, name, H5P_DEFAULT) > 0
                       ? H5Dopen2(f, name, H5P_DEFAULT)
                       : H5I_INVALID_HID;
        if (ds < 0) {
            rc = ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL, "has no variable %s: not a state of this engine",
                              name);
            break;
        }
        hid_t s = H5Dget_space(ds), t = H5Dget_type(ds);
        hsize_t dims[2] = {0, 1};
        const int rank = H5Sget_simple_extent_ndims(s);
        const int want_rank = v->width > 1 ? 2 : 1;
        int shape_ok = rank == want_rank && H5Sget_simple_extent_dims(s, dims, NULL) == rank &&
                       dims[0] == (hsize_t)v->count && (rank == 1 || dims[1] == (hsize_t)v->width) &&
                       H5Tequal(t, file_type(v->type)) > 0;
        if (!shape_ok) {
            rc = ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL,
                              "variable %s has another type or shape than this engine's (%lld values of %d)", name,
                              (long long)v->count, v->width);
        } else if (v->count > 0) {
            int copied = v->stride && v->stride != ad_state_type_size(v->type) * (size_t)v->width;
            void *buf = copied ? malloc((size_t)v->count * ad_state_type_size(v->type) * (size_t)v->width) : v->data;
            if (!buf) rc = ad_error_set(err, AD_ERR_NOMEM, path, 0, NULL, "out of memory reading %s", name);
            else if (H5Dread(ds, mem_type(v->type), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
                rc = h5out__fail(path, err, "reading the state (a checksum or the file's structure is broken)");
            else if (copied)
                unpack(v, buf);
            if (copied) free(buf);
        }
        H5Tclose(t);
        H5Sclose(s);
        H5Dclose(ds);
    }
    H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}
