/* h5sweep_design.c: the sweep's design, stored so that analysis can compute
 * Morris elementary effects and Sobol indices from the file alone.
 *
 * Two more dimensions beside run/week/brand: design_point (one per point of
 * the design; point(run) indexes it) and parameter (the swept keys, in the
 * order of the root attribute sweep_keys). Variables:
 *
 *   design_point(design_point)        int32 0 .. points - 1 (scale)
 *   parameter(parameter)              string: the config key (scale)
 *   design_u(design_point, parameter) float64: the point in the unit cube
 *   design_x(design_point, parameter) float64: the value applied (INT rounded)
 *   saltelli_block, saltelli_row      int32 (saltelli only): 0 = A, 1 = B,
 *                                     2 + i = AB_i; row within the block
 *   morris_trajectory, morris_step,   int32 (morris only): trajectory, step
 *   morris_factor                     0..k, parameter moved from the step
 *                                     before (-1 at step 0)
 *   morris_delta                      float64 (morris only): signed change
 *                                     of u in that parameter (0 at step 0)
 *
 * and root attributes saltelli_n (rows of A and B) or morris_trajectories
 * and morris_levels. Everything here is known before any run, written once
 * by h5sweep_open and never changed, so it is contiguous and uncompressed.
 * Handles are closed before return; nothing is kept.
 */
#include "h5sweep_priv.h"
#include "h5out_priv.h"

#include <stdlib.h>

/* A variable over the given scales written whole from buf, with units and
 * long_name; its handle returned open when keep (then *keep), else closed. */
static int put(hid_t f, const char *name, hid_t type, hid_t memtype, int rank, const hsize_t *dims,
               const hid_t *scales, const void *buf, const char *units, const char *long_name, hid_t *keep)
{
    hid_t ds = h5out__dataset(f, name, type, rank, dims, 0, NULL, 0);
    int rc = ds < 0 || H5Dwrite(ds, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0 ||
                     (scales && h5out__attach(ds, rank, scales) < 0) ||
                     (units && h5out__describe(ds, units, long_name) < 0)
                 ? -1 : 0;
    if (keep && rc == 0) *keep = ds;
    else h5out__close_id(&ds, NULL);
    return rc;
}

/* An int32 variable over design_point from the design's int array. */
static int put_i32(hid_t f, const char *name, const int *v, int64_t n, hid_t scale, int32_t *tmp, const char *long_name)
{
    hsize_t d = (hsize_t)n;
    for (int64_t i = 0; i < n; i++) tmp[i] = (int32_t)v[i];
    return put(f, name, H5T_STD_I32LE, H5T_NATIVE_INT32, 1, &d, &scale, tmp, "1", long_name, NULL);
}

int h5sweep__design(hid_t f, const sweep *sw)
{
    const design *d = &sw->d;
    int64_t n = d->n;
    int k = sw->spec.k;
    hsize_t dn = (hsize_t)n, dk = (hsize_t)k, d2[2] = {dn, dk};
    int32_t *idx = malloc(((size_t)n + 1) * sizeof *idx);
    double *x = malloc(((size_t)n * (size_t)k + 1) * sizeof *x);
    const char *keys[DESIGN_MAX_K];
    hid_t vstr = h5out__vstr_type(), sp = H5I_INVALID_HID, sk = H5I_INVALID_HID;
    int rc = -1;
    if (!idx || !x || vstr < 0) goto done;
    for (int64_t i = 0; i < n; i++) idx[i] = (int32_t)i;
    for (int j = 0; j < k; j++) keys[j] = sw->key[j];
    if (put(f, "design_point", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, &dn, NULL, idx, NULL, NULL, &sp) < 0 ||
        h5out__scale(sp, "design_point") < 0 ||
        h5out__describe(sp, "1", "point of the sweep's design (point(run) indexes it)") < 0 ||
        put(f, "parameter", vstr, vstr, 1, &dk, NULL, keys, NULL, NULL, &sk) < 0 || h5out__scale(sk, "parameter") < 0 ||
        h5out__attr_str(sk, "long_name", "swept parameter: its config key") < 0)
        goto done;
    hid_t s2[2] = {sp, sk};
    if (put(f, "design_u", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, d2, s2, d->u, "1",
            "design point in the unit cube: 0 is the parameter's min, 1 its max", NULL) < 0)
        goto done;
    for (int64_t i = 0; i < n; i++)
        for (int j = 0; j < k; j++) x[i * k + j] = sweep_value(sw, i, j);
    if (put(f, "design_x", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, d2, s2, x, "1",
            "design point in parameter units, as applied (integer parameters rounded)", NULL) < 0)
        goto done;
    if (d->kind == DESIGN_SALTELLI) {
        if (put_i32(f, "saltelli_block", d->block, n, sp, idx, "Saltelli block: 0 = A, 1 = B, 2 + i = AB_i") < 0 ||
            put_i32(f, "saltelli_row", d->row, n, sp, idx, "row within the Saltelli block") < 0 ||
            h5out__attr_i64(f, "saltelli_n", sw->spec.n) < 0)
            goto done;
    } else if (d->kind == DESIGN_MORRIS) {
        hid_t s1[1] = {sp};
        if (put_i32(f, "morris_trajectory", d->traj, n, sp, idx, "Morris trajectory of the point") < 0 ||
            put_i32(f, "morris_step", d->step, n, sp, idx, "step within its trajectory (0 .. k)") < 0 ||
            put_i32(f, "morris_factor", d->factor, n, sp, idx,
                    "parameter moved from the step before (index along parameter; -1 at step 0)") < 0 ||
            put(f, "morris_delta", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &dn, s1, d->delta, "1",
                "signed change of design_u in morris_factor from the step before (0 at step 0)", NULL) < 0 ||
            h5out__attr_i64(f, "morris_trajectories", sw->spec.trajectories) < 0 ||
            h5out__attr_i64(f, "morris_levels", sw->spec.morris_levels) < 0)
            goto done;
    }
    rc = 0;
done:;
    hid_t kept = h5out__err_keep(rc < 0);
    h5out__close_id(&sp, NULL);
    h5out__close_id(&sk, NULL);
    if (vstr >= 0) H5Tclose(vstr);
    h5out__err_restore(kept);
    free(idx);
    free(x);
    return rc;
}
