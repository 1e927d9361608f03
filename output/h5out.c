/* h5out.c: life cycle of the output file and the weekly variables.
 *
 * Invariant: while a run writes, its results live only in OUT.partial, whose
 * root attribute complete is 0. Weeks are kept in memory (o->pending) and
 * written to the file together, immediately followed by a flush, every
 * H5OUT_FLUSH_WEEKS weeks, after one second, at every snapshot and at close:
 * so the file is being changed only for the moment of that write, and a run
 * killed at any other time leaves a file that holds every week up to the
 * last flush and reads cleanly. o->weeks counts weeks accepted; the file
 * holds o->weeks - o->n_pending of them. Only h5out_close(o, 1) sets complete =
 * 1, after everything else is on disk, and then renames OUT.partial to OUT.
 * The writer owns every HDF5 handle in struct h5out; it reads the caller's
 * config and observables and keeps no pointer into them. Layout and the
 * reasons for it: docs/output.md.
 */
#define _POSIX_C_SOURCE 200809L
#include "h5out_priv.h"
#include "h5verify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void init_ids(h5out *o)
{
    o->file = o->week = o->brand = o->snap_grp = o->snap_index = o->snap_week =
        o->agents_grp = H5I_INVALID_HID;
    for (int k = 0; k < AD_N_MARKET; k++) o->market[k] = H5I_INVALID_HID;
    for (int k = 0; k < AD_N_BRAND; k++) o->brandv[k] = H5I_INVALID_HID;
    for (int k = 0; k < AD_N_SNAP; k++) o->snap[k] = o->snap_brand[k] = H5I_INVALID_HID;
}

/* Closes every handle, the file last; -1 if any close failed, with the
 * error stack of the first failure. */
static int close_all(h5out *o)
{
    hid_t kept = H5I_INVALID_HID;
    int rc = h5out__dist_close(o, &kept);
    for (int k = 0; k < AD_N_MARKET; k++) rc |= h5out__close_id(&o->market[k], &kept);
    for (int k = 0; k < AD_N_BRAND; k++) rc |= h5out__close_id(&o->brandv[k], &kept);
    rc |= h5out__close_id(&o->week, &kept);
    rc |= h5out__close_id(&o->brand, &kept);
    rc |= h5out__close_id(&o->file, &kept);
    h5out__err_restore(kept);
    return rc ? -1 : 0;
}


/* Checks OUT and makes OUT.partial creatable, with the system's own reason
 * when it is not (HDF5's message would bury it). */


/* Root dimensions week (unlimited) and brand, and one variable per
 * observable; those in money get the attribute currency. */
static int create_weekly(h5out *o, const char *currency)
{
    hsize_t zero = 0, nb = (hsize_t)o->n_brands, chunk1 = H5OUT_WEEK_CHUNK;
    hsize_t dims2[2] = {0, nb}, chunk2[2] = {H5OUT_WEEK_CHUNK, nb};
    const char *names[AD_MAX_BRANDS];
    hid_t vstr = h5out__vstr_type();
    if (vstr < 0) return -1;
    for (int b = 0; b < o->n_brands; b++) names[b] = o->brand_names[b];
    herr_t w = -1;
    /* weekly variables are chunked but not compressed: a chunk is rewritten
     * in place, so a run killed while writing cannot leave an undecodable
     * chunk behind (and they are small: a few MB for ten years) */
    if ((o->week = h5out__dataset(o->file, "week", H5T_STD_I32LE, 1, &zero, 1, &chunk1, 0)) >= 0 &&
        (o->brand = h5out__dataset(o->file, "brand", vstr, 1, &nb, 0, NULL, 0)) >= 0)
        w = H5Dwrite(o->brand, vstr, H5S_ALL, H5S_ALL, H5P_DEFAULT, names);
    hid_t kept = h5out__err_keep(w < 0);
    H5Tclose(vstr);
    h5out__err_restore(kept);
    if (w < 0 || h5out__scale(o->week, "week") < 0 || h5out__scale(o->brand, "brand") < 0 ||
        h5out__describe(o->week, "week", "recorded week (0 is the first week after the warm-up)") < 0 ||
        h5out__attr_str(o->brand, "long_name", "brand name") < 0)
        return -1;
    for (int k = 0; k < AD_N_MARKET; k++) {
        o->market[k] = h5out__dataset(o->file, ad_market_names[k], H5T_IEEE_F64LE, 1, &zero, 1,
                                      &chunk1, 0);
        if (o->market[k] < 0 || h5out__attach(o->market[k], 1, &o->week) < 0 ||
            h5out__describe(o->market[k], ad_market_units[k], ad_market_long[k]) < 0 ||
            (ad_market_money(k) && h5out__attr_str(o->market[k], "currency", currency) < 0))
            return -1;
    }
    hid_t scales[2] = {o->week, o->brand};
    for (int k = 0; k < AD_N_BRAND; k++) {
        o->brandv[k] = h5out__dataset(o->file, ad_brand_h5names[k], H5T_IEEE_F64LE, 2, dims2, 1,
                                      chunk2, 0);
        if (o->brandv[k] < 0 || h5out__attach(o->brandv[k], 2, scales) < 0 ||
            h5out__describe(o->brandv[k], ad_brand_units[k], ad_brand_long[k]) < 0 ||
            (ad_brand_money(k) && h5out__attr_str(o->brandv[k], "currency", currency) < 0))
            return -1;
    }
    return 0;
}

int h5out_open(h5out **out, const char *path, const ad_config *cfg,
               const char *resolved_text, int force, ad_error *err)
{
    int rc = AD_OK;
    const char *doing = "creating the file";
    h5out *o = NULL;
    *out = NULL;
    if (!path || !*path)
        return ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL, "no output file given");
    if (strlen(path) + sizeof ".partial" > H5OUT_PATH_MAX)
        return ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL, "output path too long");
    if (cfg->n_brands < 1 || cfg->n_brands > AD_MAX_BRANDS)
        return ad_error_set(err, AD_ERR_USAGE, path, 0, NULL,
                            "cannot write %d brands (1 .. %d)", cfg->n_brands, AD_MAX_BRANDS);
    /* HDF5 1.10 leaves a file whose close failed (disk full) half freed, and
     * its exit handler would then crash closing it again: no exit handler
     * (effective when this is the process's first HDF5 call; every handle
     * is closed by h5out_close anyway). */
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);  /* failures are reported through err */
    o = calloc(1, sizeof *o);
    if (!o) return ad_error_set(err, AD_ERR_NOMEM, path, 0, NULL, "out of memory");
    init_ids(o);
    o->lock_fd = -1;
    snprintf(o->path, sizeof o->path, "%s", path);
    snprintf(o->partial, sizeof o->partial, "%s.partial", path);
    o->force = force;
    o->n_brands = cfg->n_brands;
    for (int b = 0; b < cfg->n_brands; b++)
        snprintf(o->brand_names[b], sizeof o->brand_names[b], "%s", cfg->brands[b].name);
    rc = h5out__check_paths(o->path, o->partial, o->force, cfg->source, &o->lock_fd, err);
    if (rc != AD_OK) {
        free(o);
        return rc;
    }
    o->file = h5out__create_file(o->partial);
    if (o->file < 0) goto fail;
    doing = "writing the attributes";
    if (h5out__root_attrs(o, cfg) < 0) goto fail;
    doing = "creating the weekly variables";
    if (create_weekly(o, cfg->currency[0] ? cfg->currency : "money") < 0) goto fail;
    doing = "writing /parameters";
    if (h5out__parameters(o, cfg, resolved_text) < 0) goto fail;
    doing = "flushing";
    if (H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0) goto fail;
    o->flushed_at = h5out__now();
    *out = o;
    return AD_OK;
fail:
    rc = h5out__fail(o->partial, err, doing);
    close_all(o);
    H5Eclear2(H5E_DEFAULT);
    unlink(o->partial);     /* this job made it, and nothing of the run is in it yet */
    close(o->lock_fd);
    free(o);
    return rc;
}

int h5out_write_week(h5out *o, int64_t week, const ad_obs *obs, ad_error *err)
{
    if (week != o->first_week + o->weeks || week > INT32_MAX)
        return ad_error_set(err, AD_ERR_USAGE, o->partial, 0, NULL,
                            "week %lld written out of order (expected week %lld)",
                            (long long)week, (long long)(o->first_week + o->weeks));
    o->pending[o->n_pending++] = *obs;
    o->weeks++;
    if (o->n_pending >= H5OUT_FLUSH_WEEKS || h5out__now() - o->flushed_at >= 1.0)
        return h5out_flush(o, err);
    return AD_OK;
}

/* writes the pending weeks, in order */
static int write_pending(h5out *o, ad_error *err)
{
    char doing[64];
    for (int64_t p = 0; p < o->n_pending; p++) {
        const ad_obs *obs = &o->pending[p];
        hsize_t row = (hsize_t)(o->weeks - o->n_pending + p);
        int32_t w = (int32_t)(o->first_week + (int64_t)row);
        snprintf(doing, sizeof doing, "writing week %lld", (long long)row);
        if (h5out__append(o->week, H5T_NATIVE_INT32, row, &w) < 0) return h5out__fail(o->partial, err, doing);
        for (int k = 0; k < AD_N_MARKET; k++)
            if (h5out__append(o->market[k], H5T_NATIVE_DOUBLE, row, &obs->market[k]) < 0)
                return h5out__fail(o->partial, err, doing);
        /* the first n_brands entries of each row of obs->brand are contiguous */
        for (int k = 0; k < AD_N_BRAND; k++)
            if (h5out__append(o->brandv[k], H5T_NATIVE_DOUBLE, row, obs->brand[k]) < 0)
                return h5out__fail(o->partial, err, doing);
    }
    o->n_pending = 0;
    return AD_OK;
}

int h5out_flush(h5out *o, ad_error *err)
{
    int rc = write_pending(o, err);
    if (rc) return rc;
    if (H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0) return h5out__fail(o->partial, err, "flushing");
    /* only now, with the weeks on disk, does weeks_written count them: a
     * reader of a killed run's file trusts the first weeks_written rows */
    if (h5out__attr_set_i64(o->file, "weeks_written", o->weeks) < 0 || H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
        return h5out__fail(o->partial, err, "flushing");
    o->flushed_at = h5out__now();
    return AD_OK;
}

int h5out_set_warmup_drift(h5out *o, double drift, ad_error *err)
{
    if (h5out__attr_set_f64(o->file, "warmup_share_drift", drift) < 0) return h5out__fail(o->partial, err, "writing");
    return AD_OK;
}

int h5out_set_seed_noise(h5out *o, double noise, ad_error *err)
{
    if (h5out__attr_set_f64(o->file, "seed_noise", noise) < 0) return h5out__fail(o->partial, err, "writing");
    return AD_OK;
}

int h5out_set_origin(h5out *o, int64_t first_week, const char *state, const char *digest, int64_t state_week,
                     int branch, ad_error *err)
{
    if (o->weeks > 0)
        return ad_error_set(err, AD_ERR_USAGE, o->partial, 0, NULL, "the first week is set before any is written");
    o->first_week = first_week;
    if (h5out__attr_set_i64(o->file, "first_week", first_week) < 0 || h5out__attr_str(o->file, "from_state", state) < 0 ||
        h5out__attr_str(o->file, "from_state_digest", digest) < 0 ||
        h5out__attr_i64(o->file, "from_state_week", state_week) < 0 ||
        h5out__attr_i8(o->file, "from_state_branch", (int8_t)(branch ? 1 : 0)) < 0)
        return h5out__fail(o->partial, err, "writing");
    return AD_OK;
}

int h5out_close(h5out *o, int complete, ad_error *err)
{
    int rc = AD_OK;
    struct stat st;
    if (!o) return AD_OK;
    /* complete = 1 only reaches the disk after everything else has */
    if (o->file >= 0) rc = h5out_flush(o, err);
    char digest[H5VERIFY_DIGEST_LEN];
    if (rc == AD_OK && o->file >= 0 && complete && h5verify_seal(o->file, digest) < 0)
        rc = h5out__fail(o->partial, err, "writing the content digest");
    if (rc == AD_OK && o->file >= 0 &&
        h5out__attr_set_i8(o->file, "complete", (int8_t)(complete ? 1 : 0)) < 0)
        rc = h5out__fail(o->partial, err, "marking the file complete");
    if (close_all(o) < 0 && rc == AD_OK) rc = h5out__fail(o->partial, err, "closing");
    H5Eclear2(H5E_DEFAULT);
    if (rc == AD_OK && complete) {
        if (!o->force && stat(o->path, &st) == 0)
            rc = ad_error_set(err, AD_ERR_EXISTS, o->path, 0, NULL,
                              "output file appeared while the run wrote; the results are in "
                              "'%s'", o->partial);
        else if (rename(o->partial, o->path) != 0)
            rc = ad_error_set(err, AD_ERR_IO, o->path, 0, NULL,
                              "cannot rename '%s' to the output file: %s; the results are in "
                              "'%s'", o->partial, strerror(errno), o->partial);
    }
    if (o->lock_fd >= 0) close(o->lock_fd); /* the job is over: the lock goes with it */
    free(o);
    return rc;
}
