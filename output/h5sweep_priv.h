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

#endif
