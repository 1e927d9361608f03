/* h5out_resume.c: a run's OUT.partial reopened to go on writing it, after
 * a checkpoint (h5out_reopen), and one thrown away (h5out_discard_partial).
 *
 * The partial is cut back to the checkpoint's week: the weekly variables to
 * the weeks up to it, the snapshots to those of weeks up to it, the /agents
 * groups of later weeks removed; weeks_written then counts what is left.
 * The run goes on from the checkpoint and writes the same weeks again, so
 * the finished file holds what an uninterrupted run writes.
 *
 * Here too are two helpers of every reader of output/ (h5out_priv.h):
 * opening an existing file to write it again, and reading an int64
 * attribute.
 */
#define _POSIX_C_SOURCE 200809L
#include "h5out_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int h5out__read_i64(hid_t loc, const char *name, int64_t *v)
{
    hid_t a = H5Aexists(loc, name) > 0 ? H5Aopen(loc, name, H5P_DEFAULT) : H5I_INVALID_HID;
    int ok = a >= 0 && H5Aread(a, H5T_NATIVE_INT64, v) >= 0;
    if (a >= 0) H5Aclose(a);
    return ok ? 0 : -1;
}

hid_t h5out__open_file(const char *name)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), f = H5I_INVALID_HID;
    if (fapl >= 0 && H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) >= 0 &&
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0)
        f = H5Fopen(name, H5F_ACC_RDWR, fapl);
    if (fapl >= 0) H5Pclose(fapl);
    return f;
}

static hsize_t rows_of(hid_t ds)
{
    hid_t s = H5Dget_space(ds);
    hsize_t dims[H5S_MAX_RANK] = {0};
    if (s >= 0) {
        H5Sget_simple_extent_dims(s, dims, NULL);
        H5Sclose(s);
    }
    return dims[0];
}

/* Cuts ds's first dimension to rows. */
static int cut(hid_t ds, hsize_t rows)
{
    if (ds < 0) return -1;
    hid_t s = H5Dget_space(ds);
    hsize_t dims[H5S_MAX_RANK];
    int rank = s >= 0 ? H5Sget_simple_extent_dims(s, dims, NULL) : -1;
    if (s >= 0) H5Sclose(s);
    if (rank < 1) return -1;
    dims[0] = rows;
    return H5Dset_extent(ds, dims) < 0 ? -1 : 0;
}

/* The resolved configuration text of the partial, without comment lines,
 * against the run's: the same run? */
static int same_text(const char *a, const char *b)
{
    for (;;) {
        while (*a == '#') a += strcspn(a, "\n") + (a[strcspn(a, "\n")] == '\n');
        while (*b == '#') b += strcspn(b, "\n") + (b[strcspn(b, "\n")] == '\n');
        if (!*a || !*b) return !*a && !*b;
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || memcmp(a, b, la)) return 0;
        a += la + (a[la] == '\n');
        b += lb + (b[lb] == '\n');
    }
}

static int same_config(hid_t f, const char *resolved)
{
    hid_t ds = H5Dopen2(f, "parameters/resolved_config", H5P_DEFAULT), t = ds >= 0 ? H5Dget_type(ds) : -1;
    char *text = NULL;
    int same = 0;
    if (t >= 0 && H5Tis_variable_str(t) > 0 && H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) >= 0 && text) {
        same = same_text(text, resolved);
        H5free_memory(text);
    }
    if (t >= 0) H5Tclose(t);
    if (ds >= 0) H5Dclose(ds);
    return same;
}

int h5out_reopen(h5out **out, const char *path, const ad_config *cfg, const char *resolved, int64_t through,
                 ad_error *err)
{
    *out = NULL;
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    h5out *o = calloc(1, sizeof *o);
    if (!o) return ad_error_set(err, AD_ERR_NOMEM, path, 0, NULL, "out of memory");
    o->file = o->week = o->brand = o->snap_grp = o->snap_index = o->snap_week = o->agents_grp = H5I_INVALID_HID;
    for (int k = 0; k < AD_N_MARKET; k++) o->market[k] = H5I_INVALID_HID;
    for (int k = 0; k < AD_N_BRAND; k++) o->brandv[k] = H5I_INVALID_HID;
    for (int k = 0; k < AD_N_SNAP; k++) o->snap[k] = o->snap_brand[k] = H5I_INVALID_HID;
    snprintf(o->path, sizeof o->path, "%s", path);
    snprintf(o->partial, sizeof o->partial, "%s.partial", path);
    o->n_brands = cfg->n_brands;
    for (int b = 0; b < cfg->n_brands; b++)
        snprintf(o->brand_names[b], sizeof o->brand_names[b], "%s", cfg->brands[b].name);
    int rc = h5out__lock_partial(o->partial, &o->lock_fd, err);
    if (rc) {
        free(o);
        return rc;
    }
    const char *doing = "reopening";
    if ((o->file = h5out__open_file(o->partial)) < 0) goto fail;
    if (!same_config(o->file, resolved)) {
        rc = ad_error_set(err, AD_ERR_USAGE, o->partial, 0, NULL,
                          "holds a run of another configuration than this command's; pass --force to start over");
        goto out;
    }
    int64_t written = 0;
    if (h5out__read_i64(o->file, "first_week", &o->first_week) < 0 ||
        h5out__read_i64(o->file, "weeks_written", &written) < 0)
        goto fail;
    const int64_t keep = through + 1 - o->first_week > 0 ? through + 1 - o->first_week : 0;
    if (keep > written) {
        rc = ad_error_set(err, AD_ERR_USAGE, o->partial, 0, NULL,
                          "holds %lld weeks, fewer than the checkpoint's %lld: they do not belong together; pass "
                          "--force to start over", (long long)written, (long long)keep);
        goto out;
    }
    /* what is kept is counted first: a failure while cutting leaves a file
     * whose weeks_written rows are whole */
    doing = "cutting the weekly variables back to the checkpoint";
    if (h5out__attr_set_i64(o->file, "weeks_written", keep) < 0 || H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0) goto fail;
    if ((o->week = H5Dopen2(o->file, "week", H5P_DEFAULT)) < 0 || cut(o->week, (hsize_t)keep) < 0 ||
        (o->brand = H5Dopen2(o->file, "brand", H5P_DEFAULT)) < 0)
        goto fail;
    for (int k = 0; k < AD_N_MARKET; k++)
        if ((o->market[k] = H5Dopen2(o->file, ad_market_names[k], H5P_DEFAULT)) < 0 || cut(o->market[k], (hsize_t)keep) < 0)
            goto fail;
    for (int k = 0; k < AD_N_BRAND; k++)
        if ((o->brandv[k] = H5Dopen2(o->file, ad_brand_h5names[k], H5P_DEFAULT)) < 0 ||
            cut(o->brandv[k], (hsize_t)keep) < 0)
            goto fail;
    o->weeks = keep;
    if (H5Lexists(o->file, "snapshots", H5P_DEFAULT) > 0) {
        doing = "cutting the snapshots back to the checkpoint";
        char name[64];
        if ((o->snap_grp = H5Gopen2(o->file, "snapshots", H5P_DEFAULT)) < 0 ||
            (o->snap_index = H5Dopen2(o->snap_grp, "snapshot", H5P_DEFAULT)) < 0 ||
            (o->snap_week = H5Dopen2(o->snap_grp, "snapshot_week", H5P_DEFAULT)) < 0)
            goto fail;
        const hsize_t n = rows_of(o->snap_week);
        int32_t *weeks = malloc((n ? n : 1) * sizeof *weeks);
        int ok = weeks && (!n || H5Dread(o->snap_week, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, weeks) >= 0);
        hsize_t snaps = 0;
        while (ok && snaps < n && weeks[snaps] <= through) snaps++;
        free(weeks);
        if (!ok || cut(o->snap_index, snaps) < 0 || cut(o->snap_week, snaps) < 0) goto fail;
        for (int k = 0; k < AD_N_SNAP; k++) {
            snprintf(name, sizeof name, "brand_%s", ad_snap_names[k]);
            if ((o->snap[k] = H5Dopen2(o->snap_grp, ad_snap_names[k], H5P_DEFAULT)) < 0 || cut(o->snap[k], snaps) < 0 ||
                (o->snap_brand[k] = H5Dopen2(o->snap_grp, name, H5P_DEFAULT)) < 0 || cut(o->snap_brand[k], snaps) < 0)
                goto fail;
        }
        o->snapshots = (int64_t)snaps;
    }
    if (H5Lexists(o->file, "agents", H5P_DEFAULT) > 0) {
        doing = "removing the customer arrays after the checkpoint";
        if ((o->agents_grp = H5Gopen2(o->file, "agents", H5P_DEFAULT)) < 0) goto fail;
        hid_t c = H5Dopen2(o->agents_grp, "customer", H5P_DEFAULT);
        if (c < 0) goto fail;
        o->agents_n = (int64_t)rows_of(c);
        H5Dclose(c);
        for (int64_t w = through + 1; w < o->first_week + written; w++) {
            char g[32];
            snprintf(g, sizeof g, "week_%06lld", (long long)w);
            if (H5Lexists(o->agents_grp, g, H5P_DEFAULT) > 0 && H5Ldelete(o->agents_grp, g, H5P_DEFAULT) < 0) goto fail;
        }
    }
    doing = "flushing";
    if (h5out__attr_set_i64(o->file, "weeks_written", o->weeks) < 0 || H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
        goto fail;
    o->flushed_at = h5out__now();
    *out = o;
    return AD_OK;
fail:
    rc = h5out__fail(o->partial, err, doing);
out:;
    /* the partial stays as it was found, or as far as it was cut: weeks_written
     * still counts only whole weeks */
    h5out *tmp = o;
    hid_t kept = H5I_INVALID_HID;
    h5out__dist_close(tmp, &kept);
    for (int k = 0; k < AD_N_MARKET; k++) h5out__close_id(&tmp->market[k], &kept);
    for (int k = 0; k < AD_N_BRAND; k++) h5out__close_id(&tmp->brandv[k], &kept);
    h5out__close_id(&tmp->week, &kept);
    h5out__close_id(&tmp->brand, &kept);
    h5out__close_id(&tmp->file, &kept);
    H5Eclear2(H5E_DEFAULT);
    if (tmp->lock_fd >= 0) close(tmp->lock_fd);
    free(tmp);
    return rc;
}

int h5out_discard_partial(const char *path, ad_error *err)
{
    char partial[H5OUT_PATH_MAX];
    if (snprintf(partial, sizeof partial, "%s.partial", path) >= (int)sizeof partial)
        return ad_error_set(err, AD_ERR_USAGE, path, 0, NULL, "output path too long");
    int fd;
    int rc = h5out__lock_partial(partial, &fd, err);
    if (rc) return rc;
    if (unlink(partial) != 0) rc = ad_error_set(err, AD_ERR_IO, partial, 0, NULL, "cannot remove it");
    close(fd);
    return rc;
}
