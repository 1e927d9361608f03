/* sweep_mpi.c: `mpirun -n K aandacht sweep`: a sweep's runs over MPI ranks.
 * Compiled only in an MPI build (cmake -DAANDACHT_MPI=ON).
 *
 * Rank 0 is the only writer: it alone opens the HDF5 file (serial HDF5, one
 * process, the same h5sweep_write_run as a local sweep, so a killed MPI
 * sweep leaves the same .partial and --resume finishes it, with or without
 * MPI). It hands out the runs of its todo list one at a time to the ranks
 * that ask (dynamic scheduling: a slow run holds up nobody) and records
 * each result as it arrives. Ranks 1 .. K-1 compute runs with
 * sweep_compute, each --jobs runs side by side in threads that take turns
 * to talk to rank 0 (MPI_THREAD_SERIALIZED; one job per rank if the library
 * cannot). A worker thread's exchange is one message pair under a critical
 * section: its last result (header, error, values) and the request, then
 * rank 0's answer, the next run or -1 for "no more". A rank whose threads
 * all got -1 says DONE; rank 0 stops when every worker has. With one rank,
 * rank 0 runs everything itself, as a local sweep.
 *
 * No rank waits forever: every rank loads and checks the scenario before
 * anything starts and they agree on the first failure (that rank reports
 * it, all exit with its status); rank 0 broadcasts whether the file opened;
 * after a write error or a signal rank 0 answers -1 to every request and
 * still collects the runs under way. Rank 0 alone shows the progress (a
 * line redrawn on a terminal, a line every SWEEP_LOG_EVERY s in a log). A run that fails is recorded as
 * failed; a run cut short by a signal on its rank is not recorded, so the
 * file stays .partial and --resume redoes it.
 */
#ifdef AANDACHT_MPI
#define _POSIX_C_SOURCE 200809L
#include "sweep_run_priv.h"

#include <mpi.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TAG_RESULT = 1, TAG_ERROR, TAG_VALUES, TAG_WORK, TAG_DONE };
enum { H_RUN, H_CODE, H_LINE, H_VALUES, H_STOP, H_N }; /* header of a result */
#define ERR_TEXT (sizeof(((ad_error *)0)->file) + sizeof(((ad_error *)0)->key) + sizeof(((ad_error *)0)->msg))

int sweep_mpi_launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMI_RANK") || getenv("PMIX_RANK");
}

const char *sweep_mpi_library(void)
{
    static char v[MPI_MAX_LIBRARY_VERSION_STRING + 1];
    int len = 0;
    MPI_Get_library_version(v, &len);
    v[strcspn(v, "\n,")] = '\0';
    return v;
}

/* The file, key and message of an error, side by side (and back). */
static void err_pack(const ad_error *e, char *t)
{
    memcpy(t, e->file, sizeof e->file);
    memcpy(t + sizeof e->file, e->key, sizeof e->key);
    memcpy(t + sizeof e->file + sizeof e->key, e->msg, sizeof e->msg);
}

static void err_unpack(ad_error *e, const char *t, int code, int line)
{
    ad_error_clear(e);
    e->code = code;
    e->line = line;
    memcpy(e->file, t, sizeof e->file);
    memcpy(e->key, t + sizeof e->file, sizeof e->key);
    memcpy(e->msg, t + sizeof e->file + sizeof e->key, sizeof e->msg);
    e->file[sizeof e->file - 1] = e->key[sizeof e->key - 1] = e->msg[sizeof e->msg - 1] = '\0';
}

/* Every rank learns rc of the lowest rank that failed; only that rank
 * keeps its message. */
static int agree(MPI_Comm comm, int rank, int size, int rc, ad_error *err)
{
    int first = rc ? rank : size;
    MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, comm);
    if (first == size) return AD_OK;
    MPI_Bcast(&rc, 1, MPI_INT, first, comm);
    if (rank != first) {
        ad_error_clear(err);
        err->code = rc;
    }
    return rc;
}

/* Rank 0: answers requests and records results until every worker is done. */
static void serve(sweep_ctx *c, MPI_Comm comm, int size, double *buf)
{
    size_t nv = sweep_run_values(c);
    int64_t next = 0;
    char text[ERR_TEXT];
    for (int workers = size - 1; workers > 0;) {
        MPI_Status st;
        int flag = 0;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &flag, &st);
        if (!flag) { /* wait without spinning a core */
            struct timespec ms = {0, 1000000};
            nanosleep(&ms, NULL);
            sweep_progress(c, 0);
            continue;
        }
        int src = st.MPI_SOURCE;
        if (st.MPI_TAG == TAG_DONE) {
            MPI_Recv(NULL, 0, MPI_INT, src, TAG_DONE, comm, MPI_STATUS_IGNORE);
            workers--;
            continue;
        }
        int64_t h[H_N];
        MPI_Recv(h, H_N, MPI_INT64_T, src, TAG_RESULT, comm, MPI_STATUS_IGNORE);
        if (h[H_RUN] >= 0) {
            ad_error e;
            MPI_Recv(text, (int)ERR_TEXT, MPI_CHAR, src, TAG_ERROR, comm, MPI_STATUS_IGNORE);
            err_unpack(&e, text, (int)h[H_CODE], (int)h[H_LINE]);
            if (h[H_VALUES]) MPI_Recv(buf, (int)(nv + 1), MPI_DOUBLE, src, TAG_VALUES, comm, MPI_STATUS_IGNORE);
            sweep_record(c, h[H_RUN], e.code, &e, h[H_VALUES] ? buf[nv] : 0.0, h[H_VALUES] ? buf : NULL);
        }
        int64_t give = -1;
        if (!h[H_STOP] && !sweep_stopping(c) && next < c->n_todo) give = c->todo[next++];
        MPI_Send(&give, 1, MPI_INT64_T, src, TAG_WORK, comm);
    }
}

/* Ranks 1 .. K-1: `jobs` threads, each asking for runs until told -1. */
static void work(sweep_ctx *c, MPI_Comm comm, int jobs)
{
    size_t nv = sweep_run_values(c);
    if (c->inner > 1 && jobs > 1 && omp_get_max_active_levels() < 2) omp_set_max_active_levels(2);
#pragma omp parallel num_threads(jobs)
    {
        double *buf = malloc((nv + 1) * sizeof *buf);
        int64_t h[H_N] = {-1, 0, 0, 0, 0};
        char text[ERR_TEXT];
        ad_error e;
        for (;;) {
            int64_t run = -1;
#pragma omp critical(ad_sweep_mpi)
            {
                MPI_Send(h, H_N, MPI_INT64_T, 0, TAG_RESULT, comm);
                if (h[H_RUN] >= 0) {
                    err_pack(&e, text);
                    MPI_Send(text, (int)ERR_TEXT, MPI_CHAR, 0, TAG_ERROR, comm);
                    if (h[H_VALUES]) MPI_Send(buf, (int)(nv + 1), MPI_DOUBLE, 0, TAG_VALUES, comm);
                }
                MPI_Recv(&run, 1, MPI_INT64_T, 0, TAG_WORK, comm, MPI_STATUS_IGNORE);
            }
            if (run < 0) break;
            ad_error_clear(&e);
            double t = sweep_now();
            int rc = buf ? sweep_compute(c, run, buf, &e)
                         : ad_error_set(&e, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory for run %lld", (long long)run);
            if (buf) buf[nv] = sweep_now() - t;
            h[H_RUN] = run;
            h[H_CODE] = rc;
            h[H_LINE] = e.line;
            h[H_VALUES] = buf != NULL;
            h[H_STOP] = sweep_stopping(c); /* a signalled rank takes no more runs */
        }
        free(buf);
    }
    MPI_Send(NULL, 0, MPI_INT, 0, TAG_DONE, comm);
}

/* After setup: rank 0 opens the file, all learn whether to go on. */
static int run_ranks(sweep_ctx *c, MPI_Comm comm, int rank, int size, int threads_ok, ad_error *err)
{
    double *buf = NULL;
    int rc = AD_OK, go = 1;
    if (rank == 0) {
        rc = sweep_ctx_open(c, err);
        if (!rc && c->out && !(buf = malloc((sweep_run_values(c) + 1) * sizeof *buf)))
            rc = ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        go = rc ? -rc : c->out != NULL;
    }
    MPI_Bcast(&go, 1, MPI_INT, 0, comm);
    if (go <= 0) {
        free(buf);
        if (rank == 0) return rc;
        ad_error_clear(err);
        return err->code = -go;
    }
    c->ranks = size;
    sweep_catch_signals(1);
    if (rank == 0) {
        sweep_progress_start(c);
        serve(c, comm, size, buf);
    }
    else work(c, comm, threads_ok ? c->jobs : 1);
    sweep_catch_signals(0);
    free(buf);
    rc = rank == 0 ? sweep_ctx_finish(c, err) : AD_OK;
    MPI_Bcast(&rc, 1, MPI_INT, 0, comm);
    if (rank != 0) {
        ad_error_clear(err);
        err->code = rc;
    }
    return rc;
}

int sweep_mpi_run(const sweep_run_opts *o, ad_error *err)
{
    int inited = 0, provided = MPI_THREAD_SINGLE, rank = 0, size = 1;
    MPI_Initialized(&inited);
    if (!inited) MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
    else MPI_Query_thread(&provided);
    MPI_Comm comm;
    MPI_Comm_dup(MPI_COMM_WORLD, &comm);
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    sweep_ctx *c = calloc(1, sizeof *c);
    int rc = c ? sweep_ctx_setup(c, o, err) : ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    /* a launcher that started several processes MPI does not join */
    if (!rc && size == 1 && o->shard_count <= 0 && sweep_launched_ranks() > 1)
        rc = ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL,
                          "started as %ld processes, but MPI sees only this one: each would run the whole sweep into "
                          "the same file; start it with mpirun, or with srun --mpi=pmix (Open MPI)", sweep_launched_ranks());
    if (c && rank != 0) c->tty = c->log = 0; /* rank 0 shows the progress */
    rc = agree(comm, rank, size, rc, err);
    if (!rc && size == 1) { /* one rank: a local sweep */
        if (!(rc = sweep_ctx_open(c, err)) && c->out) {
            sweep_catch_signals(1);
            sweep_progress_start(c);
            sweep_run_local(c);
            sweep_catch_signals(0);
            rc = sweep_ctx_finish(c, err);
        }
    } else if (!rc) {
        rc = run_ranks(c, comm, rank, size, provided >= MPI_THREAD_SERIALIZED, err);
    }
    if (c) sweep_ctx_free(c);
    free(c);
    /* The rank that holds the message prints it now, and no rank leaves
     * before it has: mpirun ends the whole job as soon as one process exits
     * non-zero, which could cut rank 0 off before it reports. */
    if (rc && err->msg[0] && size > 1) {
        char msg[2048];
        ad_error_format(err, msg, sizeof msg);
        fprintf(stderr, "aandacht: %s\n", msg);
        fflush(stderr);
        err->msg[0] = '\0';
    }
    MPI_Barrier(comm);
    MPI_Comm_free(&comm);
    if (!inited) MPI_Finalize();
    return rc;
}

#endif
