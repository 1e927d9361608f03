/* h5sweep.h: every run of a parameter sweep in one HDF5 file (netCDF-4
 * conventions), with a run dimension in front of week and brand.
 *
 * Like a single run's file (h5out.h) it is written to OUT.partial, whose
 * root attribute complete is 0, and renamed to OUT only by a successful
 * h5sweep_close(..., complete=1). Everything known before the runs (run,
 * point, replication, seed, the swept values, /parameters of the base
 * scenario, and the same in the per-run table /summary) is written by
 * h5sweep_open; each run's rows are written whole by
 * h5sweep_write_run and flushed at once, so a killed sweep leaves a file
 * whose finished runs read cleanly (status 1) and whose others read as not
 * run (status 0, observables NaN). Layout: docs/output.md, "Sweep files".
 *
 * Not thread-safe (HDF5 is not): one thread at a time calls these. The
 * writer owns its HDF5 handles; it keeps no pointer into the caller's data.
 */
#ifndef AD_H5SWEEP_H
#define AD_H5SWEEP_H

#include <stdint.h>

#include "error.h"
#include "params.h"
#include "observables.h"
#include "sweep.h"

typedef struct h5sweep h5sweep;

/* Creates PATH.partial (PATH must not exist unless force) for the runs of
 * sw over base (the scenario before any sweep value), weeks being the
 * length of the week dimension (the most weeks of any run). */
int h5sweep_open(h5sweep **out, const char *path, const ad_config *base, const char *resolved_text,
                 const sweep *sw, int64_t weeks, int force, ad_error *err);

/* Reopens PATH.partial, left by an interrupted sweep, to finish it: the
 * file must have been made by h5sweep_open for the same base, resolved_text,
 * sw and weeks by this build (else AD_ERR_USAGE, the file untouched). The
 * statuses already written are h5sweep_status(o). */
int h5sweep_resume(h5sweep **out, const char *path, const ad_config *base, const char *resolved_text,
                   const sweep *sw, int64_t weeks, int force, ad_error *err);
/* Status of each run (runs values), as in the file; owned by o. */
const int8_t *h5sweep_status(const h5sweep *o);
/* 1 if PATH is a sweep (or run) file with complete = 1, 0 if with 0, -1 if
 * it cannot be read. */
int h5sweep_is_complete(const char *path);
/* The runs of a sweep file (an interrupted sweep's PATH.partial, say) by
 * their status variable: *runs, how many the file has; *ok (status 1) and
 * *failed (-1) among those of shard shard_index of shard_count (all when
 * shard_count is 0). Reads PATH without a lock (another job may be writing
 * it) and changes nothing; 0, or -1 when it does not open as a sweep file. */
int h5sweep_count_status(const char *path, int shard_index, int shard_count, int64_t *runs, int64_t *ok,
                         int64_t *failed);

/* One run's results. market: AD_N_MARKET x weeks (observable k's weeks
 * contiguous); brand: AD_N_BRAND x weeks x n_brands. Weeks not recorded
 * hold NaN. */
typedef struct h5sweep_row {
    int8_t status;              /* 1 ok, 0 not run, -1 failed */
    double wall_time;           /* seconds the run took */
    double warmup_drift;        /* ad_world_warmup_drift: did its warm-up settle */
    const char *message;        /* why it failed, or "" */
    const double *market, *brand;
} h5sweep_row;

/* Writes run `run`'s row (observables, wall time, message, and its row of
 * /summary: the means over its last 52 recorded weeks computed from
 * row->market and row->brand, NaN unless row->status is 1) and flushes,
 * then its status and flushes again (a kill in between leaves the old
 * status), then counts it in the root attributes runs_written/runs_failed. */
int h5sweep_write_run(h5sweep *o, int64_t run, const h5sweep_row *row, ad_error *err);
/* Sets complete, closes, and (complete) renames PATH.partial to PATH.
 * Frees o; o may be NULL. */
int h5sweep_close(h5sweep *o, int complete, ad_error *err);

/* Makes the file just opened shard index of count (root attributes
 * shard_index, shard_count; docs/output.md, "Shard files"). */
int h5sweep_set_shard(h5sweep *o, int index, int count, ad_error *err);
/* The file's shard: count 0 (index -1) when it is not a shard. */
void h5sweep_get_shard(const h5sweep *o, int *index, int *count);

#endif
