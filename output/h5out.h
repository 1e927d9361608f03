/* h5out.h: one run's results as an HDF5 file in netCDF-4 conventions.
 *
 * The file is written to OUT.partial and renamed to OUT only by a successful
 * h5out_close(..., complete=1); a run that stops early leaves OUT.partial
 * with every week it finished (flushed as the run goes) and the root
 * attribute complete = 0. Layout: docs/output.md. The writer owns its HDF5
 * handles; the caller owns the config and observables it passes in.
 */
#ifndef AD_H5OUT_H
#define AD_H5OUT_H

#include "error.h"
#include "params.h"
#include "observables.h"

typedef struct h5out h5out;

/* Creates PATH.partial (PATH must not exist unless force) and writes the
 * dimensions, the /parameters group (every parameter as an attribute and
 * the resolved configuration text) and the root attributes. The week
 * dimension grows as weeks are written (cfg->weeks is only the plan). */
int h5out_open(h5out **out, const char *path, const ad_config *cfg,
               const char *resolved_text, int force, ad_error *err);
/* Appends one week of observables (weeks must come in order 0, 1, ...). */
int h5out_write_week(h5out *o, int64_t week, const ad_obs *obs, ad_error *err);
/* Appends one distribution snapshot. */
int h5out_write_snapshot(h5out *o, const ad_snapshot *s, ad_error *err);
/* Writes the raw customer arrays of one snapshot week. */
int h5out_write_agents(h5out *o, int64_t week, const ad_agent_view *v, ad_error *err);
/* Records whether the warm-up settled (ad_world_warmup_drift: the largest
 * change of a brand's share over its last year), root attribute
 * warmup_share_drift (NaN until set). */
int h5out_set_warmup_drift(h5out *o, double drift, ad_error *err);
/* Records the seed noise of the market's size (ad_seed_noise), root
 * attribute seed_noise (NaN until set). */
int h5out_set_seed_noise(h5out *o, double noise, ad_error *err);
/* A run from a saved state (docs/output.md): its first recorded week is
 * first_week (root attribute first_week), and the root attributes
 * from_state (path), from_state_digest, from_state_week and
 * from_state_branch (1: the configuration differs from the saving run's)
 * say where it came from. Before any week is written. */
int h5out_set_origin(h5out *o, int64_t first_week, const char *state, const char *digest, int64_t state_week,
                     int branch, ad_error *err);
/* Flushes everything written so far to disk. */
int h5out_flush(h5out *o, ad_error *err);
/* Sets root attribute complete, closes, and (complete) renames PATH.partial
 * to PATH. With complete = 0 the partial file stays. Frees o. */
int h5out_close(h5out *o, int complete, ad_error *err);

/* Reopens the PATH.partial of a run stopped after a checkpoint to go on
 * writing it: it must hold a run of this configuration (resolved_text, its
 * comment lines aside) with at least the weeks up to `through` (the
 * checkpoint's week), and is cut back to them (docs/output.md). */
int h5out_reopen(h5out **out, const char *path, const ad_config *cfg, const char *resolved_text, int64_t through,
                 ad_error *err);
/* Removes the PATH.partial an interrupted run left (unless another job
 * holds it). */
int h5out_discard_partial(const char *path, ad_error *err);

/* The root attribute scenario_file (the scenario file a run or sweep was
 * loaded from, as given) of the HDF5 file at path, to buf; 0, or -1 when
 * path is not an HDF5 file or has no such attribute (buf is then ""). */
int h5out_read_scenario_file(const char *path, char *buf, size_t n);

#endif
