/* sweep_run.h: runs every run of a scenario file's sweep into one file.
 *
 * Run K is exactly `aandacht run FILE --sweep-point K` (same --set options,
 * same config, same seed, so the same bytes of every observable); its
 * weekly observables are kept in memory and written to the sweep file
 * (h5sweep.h) when it finishes. With jobs > 1, that many runs go side by
 * side, each world with max(1, threads / jobs) threads. A run that fails is
 * recorded (status -1, message) and the others go on.
 *
 * With --shard I/N it runs only the runs K with K % N == I and writes them
 * to a shard file (OUT with .shard<I>of<N> before .h5), laid out as the
 * whole sweep's file (the other runs status 0, NaN) with root attributes
 * shard_index and shard_count; h5sweep_merge.h joins the N shard files.
 * Started by an MPI launcher (MPI build), the runs are spread over the
 * ranks and rank 0 writes the file (sweep_mpi.c).
 */
#ifndef AD_SWEEP_RUN_H
#define AD_SWEEP_RUN_H

#include "error.h"

typedef struct sweep_run_opts {
    const char *file;               /* scenario file with a sweep group */
    const char *out;                /* output file, NULL: out/<name>_sweep.h5 */
    const char *const *sets;        /* --set KEY=VALUE, applied before the sweep values */
    int n_sets;
    int jobs;                       /* runs side by side, >= 1 */
    int threads;                    /* threads in all, 0: OpenMP's default */
    int force, quiet;               /* replace OUT; no progress and no summary */
    int resume;                     /* finish OUT.partial of an interrupted sweep */
    int no_branching;               /* run every warm-up even with sweep.branch_from_warmup */
    int shard_index, shard_count;   /* --shard I/N: only runs K with K % N == I, into a
                                       shard file; shard_count 0: the whole sweep */
} sweep_run_opts;

/* Runs the sweep. AD_OK when every run succeeded. AD_ERR_USAGE/CONFIG for
 * a file without a sweep or a bad one (nothing written); AD_ERR_EXISTS, I/O
 * and HDF5 errors; AD_ERR_INTERRUPTED on SIGINT/SIGTERM (the runs finished
 * stay in OUT.partial). When some runs failed, the file is still complete
 * and the result is the first failure's code, its message counting the
 * failures. Progress goes to stderr on a terminal, the summary to stdout. */
/* With resume, OUT.partial must be an interrupted sweep of the same
 * resolved configuration and sweep (else AD_ERR_USAGE); only its runs whose
 * status is not 1 are run, and the file is completed as an uninterrupted
 * sweep would have written it (but wall_time and created). Without
 * OUT.partial, an OUT that is complete is reported and AD_OK returned. */
int sweep_run_all(const sweep_run_opts *o, ad_error *err);
/* The signal (SIGINT, SIGTERM) that stopped the last sweep, or 0. */
int sweep_signal(void);
/* Under MPI only one rank reports an error: the others return its code with
 * an empty err->msg. */

/* The MPI library aandacht was built with (one line), NULL without MPI. */
const char *sweep_mpi_version(void);

#endif
