/* h5verify.h: checks that a run or sweep file is intact (every checksum and
 * every object reads back) and complete (see h5verify.c). */
#ifndef AD_H5VERIFY_H
#define AD_H5VERIFY_H

#include <hdf5.h>
#include <stdint.h>

#include "error.h"

/* "fnv1a64:" and 16 hex digits, and the terminating NUL */
#define H5VERIFY_DIGEST_LEN 25

typedef struct h5verify_result {
    int sweep;                  /* a sweep file (else a run's) */
    int state;                  /* a state file (output/h5state.c) */
    int complete;               /* complete = 1 */
    int64_t weeks, runs;        /* lengths of week and (sweep) run */
    int64_t runs_ok, runs_failed; /* sweep runs with status 1 and -1 */
    int64_t datasets, bytes;    /* variables read whole, and their bytes */
    int sealed;                 /* the file stores a content digest */
    char stored[H5VERIFY_DIGEST_LEN]; /* that digest ("" if none) */
    char digest[H5VERIFY_DIGEST_LEN]; /* the digest of its contents now */
} h5verify_result;

/* AD_OK for an intact, complete file; AD_ERR_DAMAGED (a checksum or the
 * structure broken), AD_ERR_INCOMPLETE (intact but not finished: an
 * interrupted run or sweep) or AD_ERR_USAGE (not an aandacht file), with a
 * message in err. res is filled as far as the check got. */
int h5verify_file(const char *path, h5verify_result *res, ad_error *err);

/* Computes the content digest of the open file f (see h5verify.c) and
 * writes it as root attribute content_digest, replacing any; 0 or -1. The
 * writer calls it last before complete = 1. */
int h5verify_seal(hid_t f, char digest[H5VERIFY_DIGEST_LEN]);

#endif
