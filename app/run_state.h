/* run_state.h: a run that saves its world's state, or starts from a saved
 * one (aandacht run --save-state, --from; docs/scenario-files.md).
 *
 * A state saved after week W (W < 0: in the warm-up) holds everything the
 * world carries to week W + 1. A run from it with the configuration that
 * saved it continues exactly: its weeks W + 1 on are the uninterrupted
 * run's, byte for byte, for any number of threads. A run from it with other
 * policy keys is a branch; keys the state depends on are refused
 * (cfg_state_check).
 */
#ifndef AD_RUN_STATE_H
#define AD_RUN_STATE_H

#include "aandacht.h"
#include "h5state.h"

/* Where a run came from: the state file, its digest and week. */
typedef struct run_origin {
    const char *path;                   /* NULL: the run started at its beginning */
    char digest[H5VERIFY_DIGEST_LEN];
    int64_t week;                       /* the state's last week */
    int same;                           /* the saving run's configuration, unchanged */
} run_origin;

/* Makes *w from the state file at path for a run configured as cfg: checks
 * the file whole, its engine version, that cfg may start from it (else
 * AD_ERR_CONFIG naming the key), then reads every variable. */
int run_state_load(const char *path, const ad_config *cfg, int threads, ad_world **w, run_origin *origin,
                   ad_error *err);

/* Saves w's state (after a step) with the run's resolved configuration
 * text; input is the scenario file (never overwritten). */
int run_state_save(const char *path, ad_world *w, const char *resolved, const char *input, int force,
                   ad_error *err);

#endif
