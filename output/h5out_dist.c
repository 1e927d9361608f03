/* h5out_dist.c: distributions: the /snapshots histograms and the raw
 * customer arrays under /agents.
 *
 * /snapshots is made by the first snapshot and holds its own dimensions
 * (snapshot, unlimited; brand, a copy of the root labels so that the group
 * opens on its own in xarray; bin, AD_HIST_BINS bin centres in [0, 1]); every
 * variable along snapshot has o->snapshots rows. /agents holds the customer
 * coordinate once (the population size never changes) and one group
 * week_NNNNNN per call. Both flush before returning, so a killed run keeps
 * every snapshot it finished. Reads the caller's arrays; keeps nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include "h5out_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one histogram counts, said in its long_name (its units are "1", a
 * count in UDUNITS); "items" for a new entry not listed here. */
static const char *const SNAP_COUNTS[AD_N_SNAP] = {
    [AD_S_loyalty] = "customers", [AD_S_deficit] = "customers",
    [AD_S_satisfaction] = "contacts", [AD_S_engagement] = "employees"};

static int snapshots_create(h5out *o)
{
    char name[64], lname[256];
    double centre[AD_HIST_BINS], edges[AD_HIST_BINS + 1];
    const char *names[AD_MAX_BRANDS];
    hsize_t zero = 0, nb = (hsize_t)o->n_brands, nbin = AD_HIST_BINS, c1 = H5OUT_SNAP_CHUNK;
    hsize_t d2[2] = {0, nbin}, c2[2] = {H5OUT_SNAP_CHUNK, nbin};
    hsize_t d3[3] = {0, nb, nbin}, c3[3] = {H5OUT_SNAP_CHUNK, nb, nbin};
    hid_t g, brand = H5I_INVALID_HID, bin = H5I_INVALID_HID, vstr = h5out__vstr_type();
    int rc = -1;
    if (vstr < 0) return -1;
    g = o->snap_grp = h5out__group(o->file, "snapshots");
    if (g < 0) goto done;
    for (int b = 0; b < o->n_brands; b++) names[b] = o->brand_names[b];
    for (int i = 0; i <= AD_HIST_BINS; i++) edges[i] = (double)i / AD_HIST_BINS;
    for (int i = 0; i < AD_HIST_BINS; i++) centre[i] = 0.5 * (edges[i] + edges[i + 1]);
    if ((o->snap_index = h5out__dataset(g, "snapshot", H5T_STD_I32LE, 1, &zero, 1, &c1, 1)) < 0 ||
        (brand = h5out__dataset(g, "brand", vstr, 1, &nb, 0, NULL, 0)) < 0 ||
        (bin = h5out__dataset(g, "bin", H5T_IEEE_F64LE, 1, &nbin, 0, NULL, 0)) < 0 ||
        (o->snap_week = h5out__dataset(g, "snapshot_week", H5T_STD_I32LE, 1, &zero, 1, &c1, 1)) < 0)
        goto done;
    if (H5Dwrite(brand, vstr, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) < 0 ||
        H5Dwrite(bin, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, centre) < 0 ||
        h5out__scale(o->snap_index, "snapshot") < 0 || h5out__scale(brand, "brand") < 0 ||
        h5out__scale(bin, "bin") < 0 ||
        h5out__describe(o->snap_index, "1", "snapshot number (0, 1, ...)") < 0 ||
        h5out__attr_str(brand, "long_name", "brand name") < 0 ||
        h5out__describe(bin, "1", "centre of the histogram bin (equal bins over [0, 1])") < 0 ||
        h5out__attr_f64v(bin, "edges", edges, AD_HIST_BINS + 1) < 0 ||
        h5out__attach(o->snap_week, 1, &o->snap_index) < 0 ||
        h5out__describe(o->snap_week, "week", "recorded week of the snapshot") < 0)
        goto done;
    for (int k = 0; k < AD_N_SNAP; k++) {
        const char *counts = SNAP_COUNTS[k] ? SNAP_COUNTS[k] : "items";
        hid_t s2[2] = {o->snap_index, bin}, s3[3] = {o->snap_index, brand, bin};
        o->snap[k] = h5out__dataset(g, ad_snap_names[k], H5T_STD_I64LE, 2, d2, 1, c2, 1);
        snprintf(lname, sizeof lname, "histogram of the %s (number of %s per bin)", ad_snap_long[k], counts);
        if (o->snap[k] < 0 || h5out__attach(o->snap[k], 2, s2) < 0 ||
            h5out__describe(o->snap[k], "1", lname) < 0 ||
            h5out__attr_str(o->snap[k], "coordinates", "snapshot_week") < 0)
            goto done;
        snprintf(name, sizeof name, "brand_%s", ad_snap_names[k]);
        snprintf(lname, sizeof lname, "histogram per brand of the %s (number of %s per bin)",
                 ad_snap_long[k], counts);
        o->snap_brand[k] = h5out__dataset(g, name, H5T_STD_I64LE, 3, d3, 1, c3, 1);
        if (o->snap_brand[k] < 0 || h5out__attach(o->snap_brand[k], 3, s3) < 0 ||
            h5out__describe(o->snap_brand[k], "1", lname) < 0 ||
            h5out__attr_str(o->snap_brand[k], "coordinates", "snapshot_week") < 0)
            goto done;
    }
    rc = 0;
done:;
    hid_t kept = h5out__err_keep(rc < 0);
    H5Tclose(vstr);
    if (h5out__close_id(&brand, &kept) < 0 || h5out__close_id(&bin, &kept) < 0) rc = -1;
    h5out__err_restore(kept);
    return rc;
}

int h5out_write_snapshot(h5out *o, const ad_snapshot *s, ad_error *err)
{
    char doing[64];
    snprintf(doing, sizeof doing, "writing the snapshot of week %lld", (long long)s->week);
    if (s->week < 0 || s->week > INT32_MAX)
        return ad_error_set(err, AD_ERR_USAGE, o->partial, 0, NULL,
                            "snapshot week %lld out of range", (long long)s->week);
    if (o->snap_grp < 0 && snapshots_create(o) < 0) return h5out__fail(o->partial, err, doing);
    hsize_t row = (hsize_t)o->snapshots;
    int32_t index = (int32_t)o->snapshots, week = (int32_t)s->week;
    if (h5out__append(o->snap_index, H5T_NATIVE_INT32, row, &index) < 0 ||
        h5out__append(o->snap_week, H5T_NATIVE_INT32, row, &week) < 0)
        return h5out__fail(o->partial, err, doing);
    /* the first n_brands rows of brand_hist[k] are contiguous */
    for (int k = 0; k < AD_N_SNAP; k++)
        if (h5out__append(o->snap[k], H5T_NATIVE_INT64, row, s->hist[k]) < 0 ||
            h5out__append(o->snap_brand[k], H5T_NATIVE_INT64, row, s->brand_hist[k]) < 0)
            return h5out__fail(o->partial, err, doing);
    o->snapshots++;
    return h5out_flush(o, err);
}

/* /agents and its customer coordinate 0 .. n-1, written in chunk-sized
 * blocks so that no buffer of the population's size is needed. */
static int agents_create(h5out *o, int64_t n)
{
    int rc = -1;
    hsize_t dim = (hsize_t)n, chunk = n < H5OUT_AGENT_CHUNK ? (hsize_t)n : H5OUT_AGENT_CHUNK;
    hid_t ds = H5I_INVALID_HID, fspace = H5I_INVALID_HID, mspace = H5I_INVALID_HID;
    int32_t *buf = malloc(H5OUT_AGENT_CHUNK * sizeof *buf);
    o->agents_grp = h5out__group(o->file, "agents");
    if (!buf || o->agents_grp < 0) goto done;
    ds = h5out__dataset(o->agents_grp, "customer", H5T_STD_I32LE, 1, &dim, 0, n ? &chunk : NULL, 1);
    if (ds < 0 || h5out__scale(ds, "customer") < 0 ||
        h5out__describe(ds, "1", "customer number (position in the engine's customer arrays)") < 0)
        goto done;
    fspace = H5Dget_space(ds);
    if (fspace < 0) goto done;
    for (hsize_t start = 0; start < dim; start += H5OUT_AGENT_CHUNK) {
        hsize_t count = dim - start < H5OUT_AGENT_CHUNK ? dim - start : H5OUT_AGENT_CHUNK;
        for (hsize_t i = 0; i < count; i++) buf[i] = (int32_t)(start + i);
        mspace = H5Screate_simple(1, &count, NULL);
        if (mspace < 0 || H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL) < 0 ||
            H5Dwrite(ds, H5T_NATIVE_INT32, mspace, fspace, H5P_DEFAULT, buf) < 0)
            goto done;
        h5out__close_id(&mspace, NULL);
    }
    o->agents_n = n;
    rc = 0;
done:;
    hid_t kept = h5out__err_keep(rc < 0);
    free(buf);
    h5out__close_id(&mspace, &kept);
    h5out__close_id(&fspace, &kept);
    if (h5out__close_id(&ds, &kept) < 0) rc = -1;
    h5out__err_restore(kept);
    return rc;
}

int h5out_write_agents(h5out *o, int64_t week, const ad_agent_view *v, ad_error *err)
{
    char gname[32], doing[64];
    const struct { const char *name; const void *data; hid_t ftype, mtype; const char *units, *lname; }
        arr[] = {
            {"brand", v->brand, H5T_STD_U8LE, H5T_NATIVE_UINT8, "1",
             "current brand of the customer (position along the brand dimension)"},
            {"loyalty", v->loyalty, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, "1",
             "loyalty of the customer to its current brand"},
            {"deficit", v->deficit, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, "1",
             "attention deficit of the customer"},
            {"expectation", v->expectation, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, "1",
             "satisfaction the customer expects of a contact"},
            {"need", v->need, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, "1", "relational need r of the customer"},
            {"openness", v->openness, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, "1",
             "openness o (reciprocity) of the customer"},
        };
    int n_arr = (int)(sizeof arr / sizeof arr[0]);
    hid_t g = H5I_INVALID_HID, ds = H5I_INVALID_HID, customer = H5I_INVALID_HID;
    snprintf(gname, sizeof gname, "week_%06lld", (long long)week);
    snprintf(doing, sizeof doing, "writing the customer arrays of week %lld", (long long)week);
    if (v->n < 0 || v->n > INT32_MAX || week < 0)
        return ad_error_set(err, AD_ERR_USAGE, o->partial, 0, NULL,
                            "cannot write %lld customers of week %lld", (long long)v->n,
                            (long long)week);
    for (int i = 0; i < n_arr; i++)
        if (!arr[i].data && v->n > 0)
            return ad_error_set(err, AD_ERR_USAGE, o->partial, 0, NULL,
                                "customer array %s missing", arr[i].name);
    if (o->agents_grp < 0 && agents_create(o, v->n) < 0) return h5out__fail(o->partial, err, doing);
    if (v->n != o->agents_n)
        return ad_error_set(err, AD_ERR_USAGE, o->partial, 0, NULL,
                            "%lld customers in week %lld, %lld before", (long long)v->n,
                            (long long)week, (long long)o->agents_n);
    if (H5Lexists(o->agents_grp, gname, H5P_DEFAULT) > 0)
        return ad_error_set(err, AD_ERR_USAGE, o->partial, 0, NULL,
                            "customer arrays of week %lld written twice", (long long)week);
    hsize_t dim = (hsize_t)v->n, chunk = dim < H5OUT_AGENT_CHUNK ? dim : H5OUT_AGENT_CHUNK;
    int rc = AD_OK;
    customer = H5Dopen2(o->agents_grp, "customer", H5P_DEFAULT);
    g = h5out__group(o->agents_grp, gname);
    if (customer < 0 || g < 0 || h5out__attr_i64(g, "week", week) < 0) goto fail;
    for (int i = 0; i < n_arr; i++) {
        ds = h5out__dataset(g, arr[i].name, arr[i].ftype, 1, &dim, 0, dim ? &chunk : NULL, 1);
        if (ds < 0 || h5out__attach(ds, 1, &customer) < 0 ||
            h5out__describe(ds, arr[i].units, arr[i].lname) < 0)
            goto fail;
        if (dim && H5Dwrite(ds, arr[i].mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, arr[i].data) < 0)
            goto fail;
        if (h5out__close_id(&ds, NULL) < 0) goto fail;
    }
    goto done;
fail:
    rc = h5out__fail(o->partial, err, doing);
done:;
    hid_t kept = H5I_INVALID_HID;
    int bad = h5out__close_id(&ds, &kept) | h5out__close_id(&g, &kept) |
              h5out__close_id(&customer, &kept);
    h5out__err_restore(kept);
    if (bad < 0 && rc == AD_OK) rc = h5out__fail(o->partial, err, doing);
    return rc == AD_OK ? h5out_flush(o, err) : rc;
}

int h5out__dist_close(h5out *o, hid_t *kept)
{
    int rc = 0;
    for (int k = 0; k < AD_N_SNAP; k++) {
        rc |= h5out__close_id(&o->snap[k], kept);
        rc |= h5out__close_id(&o->snap_brand[k], kept);
    }
    rc |= h5out__close_id(&o->snap_index, kept);
    rc |= h5out__close_id(&o->snap_week, kept);
    rc |= h5out__close_id(&o->snap_grp, kept);
    rc |= h5out__close_id(&o->agents_grp, kept);
    return rc ? -1 : 0;
}
