/* h5verify.h: checks that a run or sweep file is intact (every checksum and
 * every object reads back) and complete (see h5verify.c). */
#ifndef AD_H5VERIFY_H
#define AD_H5VERIFY_H

#include <stdint.h>

#include "error.h"

typedef struct h5verify_result {
    int sweep;                  /* a sweep file (else a run's) */
    int complete;               /* complete = 1 */
    int64_t weeks, runs;        /* lengths of week and (sweep) run */
    int64_t runs_ok, runs_failed; /* sweep runs with status 1 and -1 */
    int64_t datasets, bytes;    /* variables read whole, and their bytes */
} h5verify_result;

/* AD_OK for an intact, complete file; AD_ERR_DAMAGED (a checksum or the
 * structure broken), AD_ERR_INCOMPLETE (intact but not finished: an
 * interrupted run or sweep) or AD_ERR_USAGE (not an aandacht file), with a
 * message in err. res is filled as far as the check got. */
int h5verify_file(const char *path, h5verify_result *res, ad_error *err);

#endif
