/* sweep_run.c: `aandacht sweep`: every run of a sweep, gathered in one file.
 *
 * Invariant: run K is built exactly as `aandacht run FILE --sweep-point K`
 * builds it (cfg_load with the same --set options, then sweep_apply), so its
 * observables are the same bytes; nothing a run computes depends on which
 * thread or MPI rank runs it or on what runs beside it (each world owns all
 * its state). Locally, runs go through an OpenMP loop, schedule(dynamic, 1),
 * of `jobs` threads (or a plain loop for one job); each keeps its weekly
 * observables in its own buffer and hands them to the writer in a critical
 * section, the only place HDF5 is called after the file is opened (HDF5 is
 * not thread-safe). sweep_apply also runs in a critical section (the config
 * parser is not known to be reentrant). Counters and the first errors live
 * in struct sweep_ctx and are changed only by sweep_record, inside the
 * writer's critical section; the halt flag is read and written atomically.
 * With --resume the file is reopened (h5sweep_resume) and only the runs
 * whose status is not 1 are done; with --shard I/N only the runs K with
 * K % N == I; the list of runs to do is made before the loop. The file is
 * completed only when every run of that list was recorded. Without
 * --resume or --force, an OUT.partial an interrupted sweep left is never
 * started over: the sweep refuses (exit status 2), counts its finished runs
 * from its status variable (read-only) and names both options. Progress
 * goes to standard error: on a terminal one line redrawn, in a log a line
 * at the start, every SWEEP_LOG_EVERY seconds (written by whichever thread
 * finds it due, in the writer's critical section) and at the end. Under an
 * MPI launcher (MPI build) the same phases run over ranks (sweep_mpi.c).
 */
#define _POSIX_C_SOURCE 200809L
#include "sweep_run_priv.h"

#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t sr_signalled; /* the signal that asked the sweep to stop (0: none) */
static void sr_on_signal(int sig) { sr_signalled = sig; }

int sweep_signal(void) { return (int)sr_signalled; }
static void (*sr_old_int)(int), (*sr_old_term)(int);

double sweep_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void sweep_catch_signals(int on)
{
    if (on) {
        sr_signalled = 0;
        sr_old_int = signal(SIGINT, sr_on_signal);
        sr_old_term = signal(SIGTERM, sr_on_signal);
    } else {
        signal(SIGINT, sr_old_int);
        signal(SIGTERM, sr_old_term);
    }
}

int sweep_stopping(sweep_ctx *c)
{
    int h;
#pragma omp atomic read
    h = c->halt;
    if (c->log) { /* a log's line is due even while no run ends */
        double last;
#pragma omp atomic read
        last = c->last_draw;
        if (sweep_now() - last >= SWEEP_LOG_EVERY) {
#pragma omp critical(ad_sweep_write)
            sweep_progress(c, 0);
        }
    }
    return h || sr_signalled;
}

size_t sweep_run_values(const sweep_ctx *c)
{
    /* the observables, then the warm-up's drift */
    return (size_t)AD_N_MARKET * (size_t)c->weeks + (size_t)AD_N_BRAND * (size_t)c->weeks * (size_t)c->nb + 1;
}

int sweep_compute(sweep_ctx *c, int64_t run, double *buf, ad_error *err)
{
    int rc;
    ad_world *w = NULL;
    size_t W = (size_t)c->weeks, nb = (size_t)c->nb, nm = (size_t)AD_N_MARKET * W;
    double *market = buf, *brand = buf + nm;
    for (size_t i = 0, n = sweep_run_values(c); i < n; i++) buf[i] = NAN;
    ad_config *cfg = malloc(sizeof *cfg);
    if (!cfg) return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    *cfg = *c->base;
#pragma omp critical(ad_sweep_apply)
    rc = sweep_apply(c->sw, run, cfg, err);
    if (rc) goto done;
    if (cfg->weeks > c->weeks || cfg->n_brands != c->nb) {
        rc = ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL, "run %lld changed the weeks or brands", (long long)run);
        goto done;
    }
    if (c->warm) {
        if ((rc = sweep_branch_world(c, run, cfg, &w, err))) goto done;
    } else {
        if ((rc = ad_world_create_threads(&w, cfg, c->inner, err))) goto done;
        while (ad_world_warmup_left(w) > 0 && !rc) {
            if (sweep_stopping(c)) rc = ad_error_set(err, AD_ERR_INTERRUPTED, NULL, 0, NULL, "interrupted");
            else rc = ad_world_warmup_step(w, err);
        }
        if (rc) goto done;
    }
    buf[sweep_run_values(c) - 1] = ad_world_warmup_drift(w);
    for (int64_t t = 0; t < cfg->weeks && !rc; t++) {
        if (sweep_stopping(c)) {
            rc = ad_error_set(err, AD_ERR_INTERRUPTED, NULL, 0, NULL, "interrupted");
            break;
        }
        if ((rc = ad_world_step(w, err))) break;
        const ad_obs *obs = ad_world_obs(w);
        for (int k = 0; k < AD_N_MARKET; k++) market[(size_t)k * W + (size_t)t] = obs->market[k];
        for (int k = 0; k < AD_N_BRAND; k++)
            memcpy(brand + ((size_t)k * W + (size_t)t) * nb, obs->brand[k], nb * sizeof *brand);
    }
done:
    ad_world_free(w);
    free(cfg);
    return rc;
}

void sweep_progress_start(sweep_ctx *c)
{
    c->last_draw = sweep_now(); /* before the runs start: no other thread yet */
    if (!c->log) return;
    const sweep_run_opts *o = c->o;
    int64_t n = c->prior + c->n_todo;
    char what[96] = "", how[96];
    if (o->shard_count > 0) snprintf(what, sizeof what, "shard %d/%d: ", o->shard_index, o->shard_count);
    if (c->prior)
        snprintf(what + strlen(what), sizeof what - strlen(what), "%lld of %lld runs to do (%lld done before)",
                 (long long)c->n_todo, (long long)n, (long long)c->prior);
    else
        snprintf(what + strlen(what), sizeof what - strlen(what), "%lld runs", (long long)n);
    if (c->ranks > 1)
        snprintf(how, sizeof how, "%d worker rank%s x %d job%s", c->ranks - 1, c->ranks == 2 ? "" : "s", c->jobs,
                 c->jobs == 1 ? "" : "s");
    else
        snprintf(how, sizeof how, "%d job%s side by side", c->jobs, c->jobs == 1 ? "" : "s");
    fprintf(stderr, "starting: %s, %s; a line every %.0f s\n", what, how, SWEEP_LOG_EVERY);
    fflush(stderr);
}

void sweep_progress(sweep_ctx *c, int last)
{
    double now = sweep_now();
    if (!c->tty && !c->log) return;
    if (!last && now - c->last_draw < (c->tty ? 0.25 : SWEEP_LOG_EVERY)) return;
    int64_t n = c->prior + c->n_todo, finished = c->done + c->failed;
    double per_min = 60.0 * (double)(finished - c->prior) / (now - c->t0 + 1e-9);
    if (c->tty) {
        fprintf(stderr, "\rrun %lld/%lld done, %lld failed  %.1f runs/min  ETA %.0f s      ", (long long)c->done,
                (long long)n, (long long)c->failed, per_min,
                finished > c->prior ? (double)(n - finished) * 60.0 / per_min : 0.0);
    } else {
        /* a whole line: runs finished (ok or failed; the runs done before a
         * --resume included) of all, how many failed, the rate here, and the
         * time left, or at the end the time it took */
        char tail[64];
        if (last)
            snprintf(tail, sizeof tail, "%s %.0f s", finished == n ? "done in" : "stopped after", now - c->t0);
        else if (finished > c->prior)
            snprintf(tail, sizeof tail, "%.0f s so far  ETA %.0f s", now - c->t0,
                     (double)(n - finished) * 60.0 / per_min);
        else
            snprintf(tail, sizeof tail, "%.0f s so far  ETA not known before a run ends", now - c->t0);
        fprintf(stderr, "runs %lld/%lld finished (%lld failed)  %.1f runs/min  %s\n", (long long)finished, (long long)n,
                (long long)c->failed, per_min, tail);
        fflush(stderr);
    }
#pragma omp atomic write
    c->last_draw = now;
}

void sweep_record(sweep_ctx *c, int64_t run, int rc, const ad_error *err, double wall, const double *buf)
{
    char msg[2048] = "";
    if (rc) ad_error_format(err, msg, sizeof msg);
    size_t nm = (size_t)AD_N_MARKET * (size_t)c->weeks;
    h5sweep_row row = {.status = rc ? -1 : 1, .wall_time = wall, .message = msg, .market = buf,
                       .brand = buf ? buf + nm : NULL,
                       .warmup_drift = buf ? buf[sweep_run_values(c) - 1] : NAN};
    /* interrupted runs stay "not run"; a run that had no memory writes no rows */
    if (rc != AD_ERR_INTERRUPTED && buf && c->write_rc == AD_OK) {
        ad_error werr;
        ad_error_clear(&werr);
        int wrc = h5sweep_write_run(c->out, run, &row, &werr);
        c->rows += wrc == AD_OK;
        if (wrc) {
            c->write_rc = wrc;
            c->write_err = werr;
#pragma omp atomic write
            c->halt = 1;
        }
    }
    if (rc && rc != AD_ERR_INTERRUPTED) {
        c->failed++;
        if (c->first_failed_run < 0 || run < c->first_failed_run) {
            c->first_failed_run = run;
            c->first_fail = *err;
        }
    } else if (!rc) {
        c->done++;
    }
    sweep_progress(c, 0);
}

/* One run, from start to its row in the file. */
static void do_run(sweep_ctx *c, int64_t run)
{
    if (sweep_stopping(c)) return;
    double *buf = malloc((sweep_run_values(c) + 1) * sizeof *buf);
    ad_error err;
    ad_error_clear(&err);
    double t = sweep_now();
    int rc = buf ? sweep_compute(c, run, buf, &err)
                 : ad_error_set(&err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory for run %lld", (long long)run);
    double wall = sweep_now() - t;
#pragma omp critical(ad_sweep_write)
    sweep_record(c, run, rc, &err, wall, buf);
    free(buf);
}

/* out/<name>_sweep.h5, or -o; with --shard I/N, .shard<I>of<N> before .h5
 * (unless -o ends in that shard's .shard<I>of<N>.h5 already). */
static int output_path(sweep_ctx *c, ad_error *err)
{
    const sweep_run_opts *o = c->o;
    char base[1024];
    if (o->out) snprintf(base, sizeof base, "%s", o->out);
    else snprintf(base, sizeof base, "out/%s_sweep.h5", c->base->name);
    if (o->shard_count <= 0) {
        snprintf(c->outpath, sizeof c->outpath, "%s", base);
        return AD_OK;
    }
    if (o->shard_index < 0 || o->shard_index >= o->shard_count)
        return ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL, "--shard I/N needs 0 <= I < N, not %d/%d",
                            o->shard_index, o->shard_count);
    char tag[48];
    size_t n = strlen(base), t = (size_t)snprintf(tag, sizeof tag, ".shard%dof%d.h5", o->shard_index, o->shard_count);
    if (n >= t && !strcmp(base + n - t, tag)) { /* -o names the shard file itself */
        snprintf(c->outpath, sizeof c->outpath, "%s", base);
        return AD_OK;
    }
    int ext = n > 3 && !strcmp(base + n - 3, ".h5");
    snprintf(c->outpath, sizeof c->outpath, "%.*s.shard%dof%d%s", (int)(ext ? n - 3 : n), base, o->shard_index,
             o->shard_count, ext ? ".h5" : "");
    return AD_OK;
}

int sweep_ctx_setup(sweep_ctx *c, const sweep_run_opts *o, ad_error *err)
{
    int rc;
    memset(c, 0, sizeof *c);
    c->o = o;
    c->first_failed_run = -1;
    c->ranks = 1;
    if (!(c->base = calloc(1, sizeof *c->base)) || !(c->sw = calloc(1, sizeof *c->sw)))
        return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    ad_config *base = c->base;
    sweep *sw = c->sw;
    if ((rc = cfg_load(base, o->file, o->sets, o->n_sets, err))) return rc;
    if ((rc = sweep_load(sw, o->file, base, err))) return rc;
    if (!sw->present)
        return ad_error_set(err, AD_ERR_USAGE, o->file, 0, NULL,
                            "the scenario has no sweep group; `aandacht run` runs it (docs/scenario-files.md, Sweeps)");
    if ((rc = sweep_check(sw, base, err))) return rc;
    /* the longest run sets the week dimension */
    ad_config *tmp = malloc(sizeof *tmp);
    if (!tmp) return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    c->weeks = base->weeks;
    for (int64_t r = 0; r < sw->runs; r += sw->replications) {
        *tmp = *base;
        ad_error e;
        if (sweep_apply(sw, r, tmp, &e) == AD_OK && tmp->weeks > c->weeks) c->weeks = tmp->weeks;
    }
    free(tmp);
    c->nb = base->n_brands;
    if ((rc = output_path(c, err))) return rc;
    if (!(c->resolved = cfg_format_resolved(base, 0)))
        return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    c->jobs = o->jobs < 1 ? 1 : o->jobs;
    if (c->jobs > sw->runs) c->jobs = sw->runs > 0 ? (int)sw->runs : 1;
    int total = o->threads > 0 ? o->threads : omp_get_max_threads();
    c->inner = total / c->jobs > 1 ? total / c->jobs : 1;
    c->tty = isatty(STDERR_FILENO) && !o->quiet;
    c->log = !isatty(STDERR_FILENO) && !o->quiet;
    return sweep_branch_setup(c, err);
}

/* --resume: opens OUT.partial into c->out; or, with no OUT.partial and OUT
 * complete, says so and leaves c->out NULL (nothing to do). */
static int open_resumed(sweep_ctx *c, ad_error *err)
{
    const sweep_run_opts *o = c->o;
    const char *outpath = c->outpath;
    char partial[1200];
    struct stat st;
    snprintf(partial, sizeof partial, "%s.partial", outpath);
    int have_out = stat(outpath, &st) == 0;
    if (stat(partial, &st) != 0) {
        if (have_out && h5sweep_is_complete(outpath) == 1) {
            if (!o->quiet) printf("%s is complete: nothing to resume\n", outpath);
            return AD_OK;
        }
        return ad_error_set(err, AD_ERR_USAGE, partial, 0, NULL,
                            "no interrupted sweep to resume (%s)", have_out ? "and the output file is not complete" :
                            "run the sweep without --resume");
    }
    if (have_out && !o->force)
        return ad_error_set(err, AD_ERR_EXISTS, outpath, 0, NULL,
                            "output file exists beside the interrupted sweep's %s; pass --force to replace it", partial);
    int rc = h5sweep_resume(&c->out, outpath, c->base, c->resolved, c->sw, c->weeks, o->force, err);
    if (rc) return rc;
    /* a shard resumes as that shard, a whole sweep as a whole sweep */
    int fi = -1, fn = 0;
    h5sweep_get_shard(c->out, &fi, &fn);
    if (fn == o->shard_count && (fn <= 0 || fi == o->shard_index)) return AD_OK;
    if (fn <= 0)
        return ad_error_set(err, AD_ERR_USAGE, partial, 0, NULL,
                            "is an interrupted whole sweep, not a shard; resume it without --shard");
    return ad_error_set(err, AD_ERR_USAGE, partial, 0, NULL, "is shard %d/%d of the sweep; resume it with --shard %d/%d",
                        fi, fn, fi, fn);
}

/* Does another process hold a lock on path (a job writing it)? Only asks. */
static int locked_elsewhere(const char *path)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return 0;
    /* F_GETLK sees the writer's OFD lock too (the two kinds conflict) */
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    int r = fcntl(fd, F_GETLK, &fl);
    close(fd);
    return r == 0 && fl.l_type != F_UNLCK;
}

/* Without --resume or --force: an OUT.partial that an interrupted sweep
 * left holds finished work, so the sweep does not start over; it says what
 * the file holds and what finishes it, and leaves it as it is. (A partial
 * another job is writing, or one that is not a regular file, is left to
 * h5sweep_open, which says so.) */
static int keep_partial(sweep_ctx *c, ad_error *err)
{
    char partial[1200];
    struct stat st;
    snprintf(partial, sizeof partial, "%s.partial", c->outpath);
    if (lstat(partial, &st) != 0 || !S_ISREG(st.st_mode) || locked_elsewhere(partial)) return AD_OK;
    const sweep_run_opts *o = c->o;
    int64_t mine = 0, ok, failed, runs;
    for (int64_t run = 0; run < c->sw->runs; run++)
        mine += o->shard_count <= 0 || run % o->shard_count == o->shard_index;
    char also[1200] = "";
    if (stat(c->outpath, &st) == 0)
        snprintf(also, sizeof also, " (%s exists as well: `--resume --force` finishes the partial and replaces it)",
                 c->outpath);
    if (h5sweep_count_status(partial, o->shard_index, o->shard_count, &runs, &ok, &failed) != 0)
        return ad_error_set(err, AD_ERR_EXISTS, partial, 0, NULL,
                            "an interrupted sweep's file, which does not open as a sweep file (its finished runs "
                            "cannot be counted): `--resume` finishes it if it can, `--force` starts over and "
                            "replaces it%s. It is left as it is", also);
    char failures[160] = "";
    if (failed)
        snprintf(failures, sizeof failures, " and %lld failed run%s (which --resume runs again)", (long long)failed,
                 failed == 1 ? "" : "s");
    char other[160] = "";
    if (runs != c->sw->runs)
        snprintf(other, sizeof other, " (it has %lld runs, this sweep %lld: it was written for another sweep, which "
                 "--resume refuses)", (long long)runs, (long long)c->sw->runs);
    return ad_error_set(err, AD_ERR_EXISTS, partial, 0, NULL,
                        "holds %lld finished run%s (of %lld)%s of an interrupted sweep%s: `--resume` finishes it, "
                        "running only the %lld not done; `--force` starts over and replaces it%s. It is left as it is",
                        (long long)ok, ok == 1 ? "" : "s", (long long)mine, failures, other,
                        (long long)(mine > ok ? mine - ok : 0), also);
}

int sweep_ctx_open(sweep_ctx *c, ad_error *err)
{
    const sweep_run_opts *o = c->o;
    int rc;
    c->t0 = sweep_now();
    if (o->resume) {
        if ((rc = open_resumed(c, err)) || !c->out) return rc;
    } else {
        if (!o->force && (rc = keep_partial(c, err))) return rc;
        if ((rc = h5sweep_open(&c->out, c->outpath, c->base, c->resolved, c->sw, c->weeks, o->force, err)))
            return rc;
        if (o->shard_count > 0 && (rc = h5sweep_set_shard(c->out, o->shard_index, o->shard_count, err))) return rc;
    }
    /* the runs to do: those of this shard (all without --shard) not yet ok */
    if (!(c->todo = malloc(((size_t)c->sw->runs + 1) * sizeof *c->todo)))
        return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    const int8_t *st = h5sweep_status(c->out);
    int64_t mine = 0;
    for (int64_t run = 0; run < c->sw->runs; run++) {
        if (o->shard_count > 0 && run % o->shard_count != o->shard_index) continue;
        mine++;
        if (st[run] != 1) c->todo[c->n_todo++] = run;
    }
    c->done = c->prior = mine - c->n_todo;
    sweep_branch_order(c);
    return AD_OK;
}

void sweep_run_local(sweep_ctx *c)
{
    if (c->jobs == 1) {
        for (int64_t i = 0; i < c->n_todo; i++) do_run(c, c->todo[i]);
        return;
    }
    /* the worlds' own loops nest inside this one */
    if (c->inner > 1 && omp_get_max_active_levels() < 2) omp_set_max_active_levels(2);
#pragma omp parallel for num_threads(c->jobs) schedule(dynamic, 1)
    for (int64_t i = 0; i < c->n_todo; i++) do_run(c, c->todo[i]);
}

int sweep_ctx_finish(sweep_ctx *c, ad_error *err)
{
    const sweep_run_opts *o = c->o;
    sweep_progress(c, 1);
    if (c->tty) fprintf(stderr, "\n");
    int64_t mine = c->prior + c->n_todo;
    int complete = c->write_rc == AD_OK && c->rows == c->n_todo;
    int rc = h5sweep_close(c->out, complete, err);
    c->out = NULL;
    if (c->write_rc) {
        *err = c->write_err;
        return c->write_rc;
    }
    if (rc) return rc;
    if (!complete)
        return ad_error_set(err, AD_ERR_INTERRUPTED, c->outpath, 0, NULL,
                            "interrupted after %lld of %lld runs; the runs finished are kept in %s.partial "
                            "(marked incomplete; finish them with --resume)",
                            (long long)(c->done + c->failed), (long long)mine, c->outpath);
    if (!o->quiet) {
        char shard[64] = "";
        if (o->shard_count > 0)
            snprintf(shard, sizeof shard, " shard %d/%d: %lld of", o->shard_index, o->shard_count, (long long)mine);
        char ranks[32] = "";
        if (c->ranks > 1) snprintf(ranks, sizeof ranks, "%d MPI ranks, ", c->ranks);
        printf("%s:%s %lld runs (%lld ok, %lld failed) of %lld weeks after %lld weeks of warm-up, %s%d job%s x %d "
               "thread%s%s, %.1f s -> %s\n", c->base->name, shard, (long long)c->sw->runs, (long long)c->done,
               (long long)c->failed, (long long)c->weeks, (long long)c->base->warmup, ranks, c->jobs,
               c->jobs == 1 ? "" : "s", c->inner, c->inner == 1 ? "" : "s", c->ranks > 1 ? " per worker" : "",
               sweep_now() - c->t0, c->outpath);
        if (c->warm && c->ranks == 1)
            printf("branch_from_warmup: %lld of the %lld runs done here started from a warm-up another run made\n",
                   (long long)c->warm_shared, (long long)c->n_todo);
    }
    if (c->failed) {
        char first[1200];
        snprintf(first, sizeof first, "%s", c->first_fail.msg);
        return ad_error_set(err, c->first_fail.code, c->first_fail.file[0] ? c->first_fail.file : NULL,
                            c->first_fail.line, c->first_fail.key[0] ? c->first_fail.key : NULL,
                            "%lld of %lld runs failed (status -1 and message in %s); the first, run %lld: %s",
                            (long long)c->failed, (long long)mine, c->outpath, (long long)c->first_failed_run, first);
    }
    return AD_OK;
}

void sweep_ctx_free(sweep_ctx *c)
{
    if (c->out) {
        ad_error e2;
        h5sweep_close(c->out, 0, &e2);
        c->out = NULL;
    }
    free(c->resolved);
    free(c->todo);
    sweep_branch_free(c);
    if (c->sw) sweep_free(c->sw);
    free(c->sw);
    free(c->base);
    c->resolved = NULL;
    c->todo = NULL;
    c->sw = NULL;
    c->base = NULL;
}

const char *sweep_mpi_version(void)
{
#ifdef AANDACHT_MPI
    return sweep_mpi_library();
#else
    return NULL;
#endif
}

long sweep_launched_ranks(void)
{
    const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"};
    long n = 1;
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        long k = v ? strtol(v, NULL, 10) : 1;
        if (k > n) n = k;
    }
    return n;
}

int sweep_run_all(const sweep_run_opts *o, ad_error *err)
{
    ad_error_clear(err);
#ifdef AANDACHT_MPI
    if (sweep_mpi_launched()) return sweep_mpi_run(o, err);
#endif
    /* processes started side by side without MPI would all write one file */
    if (o->shard_count <= 0 && sweep_launched_ranks() > 1)
        return ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL,
                            "started as %ld processes (by mpirun or srun), but %s: each would run the whole sweep "
                            "into the same file; %s, or give each process its own --shard I/N (docs/hpc.md)",
                            sweep_launched_ranks(),
#ifdef AANDACHT_MPI
                            "no MPI process manager is in sight",
                            "start it with mpirun, or with srun --mpi=pmix (Open MPI)"
#else
                            "this aandacht is built without MPI", "build it with cmake -DAANDACHT_MPI=ON"
#endif
        );
    sweep_ctx *c = calloc(1, sizeof *c);
    if (!c) return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    int rc = sweep_ctx_setup(c, o, err);
    if (!rc) rc = sweep_ctx_open(c, err);
    if (!rc && c->out) {
        sweep_catch_signals(1);
        sweep_progress_start(c);
        sweep_run_local(c);
        sweep_catch_signals(0);
        rc = sweep_ctx_finish(c, err);
    }
    sweep_ctx_free(c);
    free(c);
    return rc;
}
