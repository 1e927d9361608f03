/* h5sweep_priv.h: what the sweep writer's files share. Private to output/.
 * Helpers return 0 on success and -1 on an HDF5 failure (the HDF5 error
 * stack says why), as in h5out_priv.h.
 */
#ifndef AD_H5SWEEP_PRIV_H
#define AD_H5SWEEP_PRIV_H

#include <hdf5.h>

#include "sweep.h"

/* h5sweep_design.c: the design_point and parameter dimensions and the
 * design's variables (design_u, design_x, saltelli_*, morris_*), written
 * whole into the open file f. */
int h5sweep__design(hid_t f, const sweep *sw);

/* h5sweep.c: the group /summary, one row per run (docs/output.md, "Sweep
 * files"): the run's point, replication, seed and swept values, its status,
 * and outcome figures, each the mean of an observable over the run's last
 * H5SWEEP_SUMMARY_WEEKS recorded weeks (all of them in a shorter run),
 * written by h5sweep_write_run with the run's rows. */
#define H5SWEEP_SUMMARY_WEEKS 52
#define H5SWEEP_SUMMARY_GROUP "summary"
#define H5SWEEP_N_SUM_MARKET 5     /* market observables summarised, over (run) */
#define H5SWEEP_N_SUM_BRAND 5      /* brand observables summarised, over (run, brand) */
/* The variables of /summary written per run, as paths from the root
 * ("summary/status", ...): outcome figures, weeks_averaged, status last. */
#define H5SWEEP_N_SUM_ROWS (2 + H5SWEEP_N_SUM_MARKET + H5SWEEP_N_SUM_BRAND)
#define H5SWEEP_SUM_PATH 80        /* room for one such path */
int h5sweep__summary_rows(char (*paths)[H5SWEEP_SUM_PATH]);

#endif
