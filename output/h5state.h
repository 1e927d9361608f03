/* h5state.h: a world's whole state as an HDF5 file (docs/output.md, "State
 * files"), written and read from the list of variables the model gives
 * (ad_state, sim/state.h), so that this layer never sees the world.
 *
 * A state file is written as PATH.partial, checksummed (Fletcher32 per
 * chunk and the content digest, as every aandacht file) and renamed to PATH
 * when whole; reading it checks every checksum first, then that each
 * variable the model lists is there with its type and shape, and fills
 * them: a state is loaded whole or not at all.
 */
#ifndef AD_H5STATE_H
#define AD_H5STATE_H

#include "error.h"
#include "h5verify.h"
#include "state.h"

typedef struct h5state_info {
    char engine_version[32];    /* of the engine that saved it */
    char git_commit[48];
    char created[32];
    char digest[H5VERIFY_DIGEST_LEN]; /* its content digest */
    int64_t steps, week;        /* as in ad_state */
    ad_state_sizes sizes;
    char *config;               /* the resolved configuration of the run that saved it (malloc'd) */
} h5state_info;

/* Writes st with the resolved configuration text of the run that made it.
 * An existing PATH is refused unless force (then replaced when the new file
 * is whole). input: the scenario file, which is never overwritten. */
int h5state_save(const char *path, const ad_state *st, const char *config_text, const char *input, int force,
                 ad_error *err);
/* Checks a state file whole (checksums, digest, complete) and reads what
 * it is: AD_OK, AD_ERR_DAMAGED, AD_ERR_USAGE (not a state file, or one of
 * another engine version). Free info with h5state_info_free. */
int h5state_open(const char *path, h5state_info *info, ad_error *err);
void h5state_info_free(h5state_info *info);
/* Reads every variable of st (from ad_world_state of a world made for the
 * file's sizes) from the file. */
int h5state_read(const char *path, const ad_state *st, ad_error *err);

#endif
