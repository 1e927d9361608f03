/* sweep_run_priv.h: the pieces of `aandacht sweep` that the local runner
 * (sweep_run.c) and the MPI runner (sweep_mpi.c) share. Private to sim/.
 *
 * A sweep goes through four phases on a sweep_ctx: sweep_ctx_setup loads
 * and checks the scenario and its sweep (nothing written; every MPI rank
 * does it), sweep_ctx_open opens or resumes the output and lists the runs to
 * do (the writer only), then each run is computed (sweep_compute, any
 * thread, any rank) and recorded (sweep_record, the writer, one call at a
 * time), and sweep_ctx_finish closes the file and reports. sweep_ctx_free
 * releases everything on any path. The context owns base, sw, resolved,
 * todo and out.
 */
#ifndef AD_SWEEP_RUN_PRIV_H
#define AD_SWEEP_RUN_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "aandacht.h"
#include "h5sweep.h"
#include "sweep.h"
#include "sweep_run.h"

typedef struct sweep_ctx {
    const sweep_run_opts *o;    /* the options (borrowed) */
    ad_config *base;            /* the scenario with the --set options */
    sweep *sw;                  /* its sweep */
    char *resolved;             /* base's resolved configuration text */
    char outpath[1100];         /* the output file (the shard file with --shard) */
    h5sweep *out;               /* the writer; NULL until opened, or nothing to do */
    int64_t *todo, n_todo;      /* the runs this process (or MPI job) runs */
    int64_t weeks;              /* length of the week dimension */
    int nb;                     /* brands */
    int jobs, inner;            /* runs side by side, threads of each world */
    int ranks;                  /* MPI processes (1 without MPI) */
    int tty;                    /* draw a progress line (standard error a terminal) */
    int log;                    /* write a progress line every SWEEP_LOG_EVERY s (standard error a log) */
    int halt;                   /* 1: start no more runs (write failed); atomic */
    double t0, last_draw;       /* start, last progress line (monotonic s; last_draw atomic) */
    int64_t done, failed;       /* runs of todo finished ok / failed (done counts prior) */
    int64_t prior;              /* runs ok before this process (--resume) */
    int64_t rows;               /* rows of todo written; all of them: complete */
    int64_t first_failed_run;   /* -1 until a run fails */
    ad_error first_fail;        /* that run's error */
    int write_rc;               /* first error of the writer, AD_OK until then */
    ad_error write_err;
    struct sweep_warm *warm;    /* branch_from_warmup: the shared warm-ups (sweep_branch.c); NULL: none */
    int64_t warm_shared;        /* runs that started from another run's warm-up */
} sweep_ctx;

/* Loads the scenario and its sweep, finds the longest run, the output path
 * and the jobs and threads. Writes nothing. */
int sweep_ctx_setup(sweep_ctx *c, const sweep_run_opts *o, ad_error *err);
/* Opens (or, with --resume, reopens) the output and lists the runs to do.
 * AD_OK with c->out NULL: --resume found the output complete (said so).
 * Without --resume or --force, an OUT.partial left by an interrupted sweep
 * is refused (AD_ERR_EXISTS, exit status 2) with the number of finished
 * runs it holds, and left exactly as it is. */
int sweep_ctx_open(sweep_ctx *c, ad_error *err);
/* Values of one run's buffer: market (AD_N_MARKET x weeks) then brand
 * (AD_N_BRAND x weeks x brands). */
size_t sweep_run_values(const sweep_ctx *c);
/* Computes run `run` into buf (sweep_run_values doubles; NaN beyond the
 * weeks recorded). Reads c, changes nothing in it (but the progress that
 * sweep_stopping writes when due): any thread may call it.
 * AD_ERR_INTERRUPTED when stopped by a signal or halt. */
int sweep_compute(sweep_ctx *c, int64_t run, double *buf, ad_error *err);
/* Writes a finished run's row (unless rc is AD_ERR_INTERRUPTED or buf is
 * NULL) with status 1 (rc AD_OK) or -1 and message msg, and counts it; the
 * first write failure sets halt. One caller at a time. */
void sweep_record(sweep_ctx *c, int64_t run, int rc, const ad_error *err, double wall, const double *buf);
/* Has a signal arrived or the writer halted? Every loop that runs long
 * asks (each week of a run, its warm-up's too), so this is also where, in a
 * log, a progress line that is due gets written while runs are under way
 * (under the writer's critical section). */
int sweep_stopping(sweep_ctx *c);
/* Catches SIGINT and SIGTERM (on = 1) or restores the handlers (on = 0). */
void sweep_catch_signals(int on);
/* Seconds between progress lines in a log (standard error not a terminal). */
#define SWEEP_LOG_EVERY 5.0
/* In a log, the first progress line: the runs to do and how (the writer,
 * just before the runs start; it starts the SWEEP_LOG_EVERY clock). */
void sweep_progress_start(sweep_ctx *c);
/* The progress: on a terminal the line redrawn (at most 4 times a second
 * unless last); in a log a line every SWEEP_LOG_EVERY seconds, and the last
 * one when last. One caller at a time (the writer's critical section). */
void sweep_progress(sweep_ctx *c, int last);
/* sweep_branch.c: with branch_from_warmup (and not --no-branching), the
 * store of shared warm-ups (setup), the runs to do ordered market by market
 * (order), run `run`'s world at the end of its warm-up, from the store or
 * warmed here and kept (world), and the store's release (free). */
int sweep_branch_setup(sweep_ctx *c, ad_error *err);
void sweep_branch_order(sweep_ctx *c);
int sweep_branch_world(sweep_ctx *c, int64_t run, const ad_config *cfg, ad_world **w, ad_error *err);
void sweep_branch_free(sweep_ctx *c);
/* Runs c->todo here: `jobs` side by side, each recorded as it ends. */
void sweep_run_local(sweep_ctx *c);
/* Closes the file (complete unless interrupted or a write failed) and
 * reports: the summary on stdout, the result as for sweep_run_all. */
int sweep_ctx_finish(sweep_ctx *c, ad_error *err);
/* Releases everything (closing an open file as incomplete). */
void sweep_ctx_free(sweep_ctx *c);
/* Processes started beside this one by a launcher, from its environment
 * (Open MPI's mpirun, PMI, an srun step of several tasks); 1 if none. */
long sweep_launched_ranks(void);
/* Seconds on a monotonic clock. */
double sweep_now(void);

#ifdef AANDACHT_MPI
/* sweep_mpi.c: 1 when this process was started by an MPI launcher. */
int sweep_mpi_launched(void);
/* The sweep over MPI ranks: rank 0 writes, the others compute. */
int sweep_mpi_run(const sweep_run_opts *o, ad_error *err);
/* The MPI library's version (first line). */
const char *sweep_mpi_library(void);
#endif

#endif
