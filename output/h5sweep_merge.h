/* h5sweep_merge.h: joins the shard files of a sweep (`aandacht sweep
 * --shard I/N`) into the one file a single `aandacht sweep` writes.
 *
 * Shard I of N holds the runs K with K % N == I (status 1 or -1) in the
 * whole sweep's layout, the others status 0 and NaN (docs/output.md,
 * "Shard files"). h5sweep_merge checks that the files are complete shards
 * of one split of one sweep made by one build (every root attribute but
 * created, complete, runs_written, runs_failed, shard_index and
 * scenario_file; every variable not written per run, /parameters included;
 * the shape and type of those that are) and that together they hold every
 * run exactly once; it then writes OUT.partial from shard 0's file with
 * every other shard's runs copied in, drops the shard attributes, marks it
 * complete and renames it to OUT. Every variable then equals a single
 * sweep's, wall_time aside (each run keeps its own), and so does every root
 * attribute but created (shard 0's).
 */
#ifndef AD_H5SWEEP_MERGE_H
#define AD_H5SWEEP_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct h5sweep_merged {
    int shards;                 /* N */
    int64_t runs, ok, failed;   /* runs of the sweep; with status 1; with -1 */
} h5sweep_merged;

/* Merges the n shard files into out (which must not exist unless force).
 * AD_ERR_USAGE (exit 2), nothing written, when a file is not a complete
 * shard, when the files disagree, or when shards are missing or given
 * twice: the message says which runs are missing and which shard to run or
 * resume. I/O and HDF5 errors otherwise; OUT.partial is removed then. */
int h5sweep_merge(const char *const *shards, int n, const char *out, int force, h5sweep_merged *res,
                  ad_error *err);

/* The merged file's name from a shard's: PATH.shard<I>of<N>[.h5] without
 * .shard<I>of<N>. 0, or -1 when the name has no such part. */
int h5sweep_merge_name(const char *shard, char *out, size_t n);

#endif
