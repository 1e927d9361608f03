/* sweep_run.c: `aandacht sweep`: every run of a sweep, gathered in one file.
 *
 * Invariant: run K is built exactly as `aandacht run FILE --sweep-point K`
 * builds it (cfg_load with the same --set options, then sweep_apply), so its
 * observables are the same bytes; nothing a run computes depends on which
 * thread runs it or on what runs beside it (each world owns all its state).
 * Runs go through an OpenMP loop, schedule(dynamic, 1), of `jobs` threads
 * (or a plain loop for one job); each keeps its weekly observables in its
 * own buffer and hands them to the writer in a critical section, the only
 * place HDF5 is called after the file is opened (HDF5 is not thread-safe).
 * sweep_apply also runs in a critical section (the config parser is not
 * known to be reentrant). Counters and the first errors live in struct
 * sweep_ctx and are changed only inside the writer's critical section; the
 * halt flag is read and written atomically. With --resume the file is
 * reopened (h5sweep_resume) and only the runs whose status is not 1 are
 * done; the list of runs to do is made before the loop.
 */
#define _POSIX_C_SOURCE 200809L
#include "sweep_run.h"

#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aandacht.h"
#include "h5sweep.h"
#include "sweep.h"

static volatile sig_atomic_t sr_signalled;
static void sr_on_signal(int sig) { (void)sig; sr_signalled = 1; }

typedef struct sweep_ctx {
    const sweep *sw;            /* the loaded sweep (borrowed) */
    const ad_config *base;      /* the scenario with the --set options (borrowed) */
    h5sweep *out;               /* the writer; used only in critical(ad_sweep_write) */
    int64_t weeks;              /* length of the week dimension */
    int nb;                     /* brands */
    int inner;                  /* threads of each world */
    int tty;                    /* draw a progress line */
    int halt;                   /* 1: start no more runs (write failed); atomic */
    double t0, last_draw;       /* start, last progress line (monotonic s) */
    int64_t done, failed;       /* runs finished ok / failed */
    int64_t prior;              /* runs ok before this process (--resume) */
    int64_t first_failed_run;   /* -1 until a run fails */
    ad_error first_fail;        /* that run's error */
    int write_rc;               /* first error of the writer, AD_OK until then */
    ad_error write_err;
} sweep_ctx;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int stopping(sweep_ctx *c)
{
    int h;
#pragma omp atomic read
    h = c->halt;
    return h || sr_signalled;
}

/* Runs run `run` into market (AD_N_MARKET x weeks) and brand (AD_N_BRAND x
 * weeks x nb), which hold NaN beyond the weeks recorded. */
static int run_one(sweep_ctx *c, int64_t run, double *market, double *brand, ad_error *err)
{
    int rc;
    ad_world *w = NULL;
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
    if ((rc = ad_world_create(&w, cfg, err)) || (rc = ad_world_set_threads(w, c->inner, err))) goto done;
    while (ad_world_warmup_left(w) > 0 && !rc) {
        if (stopping(c)) rc = ad_error_set(err, AD_ERR_INTERRUPTED, NULL, 0, NULL, "interrupted");
        else rc = ad_world_warmup_step(w, err);
    }
    size_t W = (size_t)c->weeks, nb = (size_t)c->nb;
    for (int64_t t = 0; t < cfg->weeks && !rc; t++) {
        if (stopping(c)) {
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

static void progress(sweep_ctx *c, int last)
{
    double now = now_s();
    if (!c->tty || (!last && now - c->last_draw < 0.25)) return;
    int64_t n = c->sw->runs, finished = c->done + c->failed;
    double per_min = 60.0 * (double)(finished - c->prior) / (now - c->t0 + 1e-9);
    fprintf(stderr, "\rrun %lld/%lld done, %lld failed  %.1f runs/min  ETA %.0f s      ", (long long)c->done,
            (long long)n, (long long)c->failed, per_min,
            finished > c->prior ? (double)(n - finished) * 60.0 / per_min : 0.0);
    c->last_draw = now;
}

/* One run, from start to its row in the file. */
static void do_run(sweep_ctx *c, int64_t run)
{
    if (stopping(c)) return;
    size_t nm = (size_t)AD_N_MARKET * (size_t)c->weeks, nbv = (size_t)AD_N_BRAND * (size_t)c->weeks * (size_t)c->nb;
    double *buf = malloc((nm + nbv + 1) * sizeof *buf);
    ad_error err;
    ad_error_clear(&err);
    double t = now_s();
    int rc;
    if (!buf) {
        rc = ad_error_set(&err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory for run %lld", (long long)run);
    } else {
        for (size_t i = 0; i < nm + nbv; i++) buf[i] = NAN;
        rc = run_one(c, run, buf, buf + nm, &err);
    }
    char msg[2048] = "";
    if (rc) ad_error_format(&err, msg, sizeof msg);
    h5sweep_row row = {.status = rc ? -1 : 1, .wall_time = now_s() - t, .message = msg,
                       .market = buf, .brand = buf ? buf + nm : NULL};
    /* interrupted runs stay "not run"; a run that had no memory writes no rows */
    int skip = rc == AD_ERR_INTERRUPTED || !buf;
#pragma omp critical(ad_sweep_write)
    {
        if (!skip && c->write_rc == AD_OK) {
            ad_error werr;
            ad_error_clear(&werr);
            int wrc = h5sweep_write_run(c->out, run, &row, &werr);
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
                c->first_fail = err;
            }
        } else if (!rc) {
            c->done++;
        }
        progress(c, 0);
    }
    free(buf);
}

/* Loads the scenario and its sweep, and finds the longest run. */
static int prepare(const sweep_run_opts *o, ad_config *base, sweep *sw, int64_t *weeks, ad_error *err)
{
    int rc;
    if ((rc = cfg_load(base, o->file, o->sets, o->n_sets, err))) return rc;
    if ((rc = sweep_load(sw, o->file, base, err))) return rc;
    if (!sw->present)
        return ad_error_set(err, AD_ERR_USAGE, o->file, 0, NULL,
                            "the scenario has no sweep group; `aandacht run` runs it (docs/scenario-files.md, Sweeps)");
    if ((rc = sweep_check(sw, base, err))) return rc;
    ad_config *tmp = malloc(sizeof *tmp);
    if (!tmp) return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    *weeks = base->weeks;
    for (int64_t r = 0; r < sw->runs; r += sw->replications) {
        *tmp = *base;
        ad_error e;
        if (sweep_apply(sw, r, tmp, &e) == AD_OK && tmp->weeks > *weeks) *weeks = tmp->weeks;
    }
    free(tmp);
    return AD_OK;
}

/* --resume: opens OUT.partial into c->out; or, with no OUT.partial and OUT
 * complete, says so and leaves c->out NULL (nothing to do). */
static int open_resumed(const sweep_run_opts *o, sweep_ctx *c, const char *outpath, const ad_config *base,
                        const char *resolved, const sweep *sw, int64_t weeks, ad_error *err)
{
    char partial[1100];
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
    return h5sweep_resume(&c->out, outpath, base, resolved, sw, weeks, o->force, err);
}

int sweep_run_all(const sweep_run_opts *o, ad_error *err)
{
    int rc;
    ad_config *base = calloc(1, sizeof *base);
    sweep *sw = calloc(1, sizeof *sw);
    sweep_ctx *c = calloc(1, sizeof *c);
    char *resolved = NULL;
    int64_t *todo = NULL;
    ad_error_clear(err);
    if (!base || !sw || !c) {
        rc = ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        goto done;
    }
    int64_t weeks = 0;
    if ((rc = prepare(o, base, sw, &weeks, err))) goto done;
    char outpath[1024];
    if (o->out) snprintf(outpath, sizeof outpath, "%s", o->out);
    else snprintf(outpath, sizeof outpath, "out/%s_sweep.h5", base->name);
    if (!(resolved = cfg_format_resolved(base, 0))) {
        rc = ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        goto done;
    }
    int jobs = o->jobs < 1 ? 1 : o->jobs;
    if (jobs > sw->runs) jobs = (int)sw->runs;
    int total = o->threads > 0 ? o->threads : omp_get_max_threads();
    *c = (sweep_ctx){.sw = sw, .base = base, .weeks = weeks, .nb = base->n_brands,
                     .inner = total / jobs > 1 ? total / jobs : 1, .tty = isatty(STDERR_FILENO) && !o->quiet,
                     .first_failed_run = -1, .t0 = now_s()};
    if (o->resume) {
        if ((rc = open_resumed(o, c, outpath, base, resolved, sw, weeks, err)) || !c->out) goto done;
    } else if ((rc = h5sweep_open(&c->out, outpath, base, resolved, sw, weeks, o->force, err))) {
        goto done;
    }
    /* the runs to do: all, or (resumed) those not yet ok */
    if (!(todo = malloc(((size_t)sw->runs + 1) * sizeof *todo))) {
        rc = ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        goto done;
    }
    const int8_t *st = h5sweep_status(c->out);
    int64_t n_todo = 0;
    for (int64_t run = 0; run < sw->runs; run++)
        if (st[run] != 1) todo[n_todo++] = run;
    c->done = c->prior = sw->runs - n_todo;

    sr_signalled = 0;
    void (*old_int)(int) = signal(SIGINT, sr_on_signal), (*old_term)(int) = signal(SIGTERM, sr_on_signal);
    if (jobs == 1) {
        for (int64_t i = 0; i < n_todo; i++) do_run(c, todo[i]);
    } else {
        /* the worlds' own loops nest inside this one */
        if (c->inner > 1 && omp_get_max_active_levels() < 2) omp_set_max_active_levels(2);
#pragma omp parallel for num_threads(jobs) schedule(dynamic, 1)
        for (int64_t i = 0; i < n_todo; i++) do_run(c, todo[i]);
    }
    signal(SIGINT, old_int);
    signal(SIGTERM, old_term);
    progress(c, 1);
    if (c->tty) fprintf(stderr, "\n");

    int finished = !sr_signalled && c->write_rc == AD_OK;
    rc = h5sweep_close(c->out, finished, err);
    c->out = NULL;
    if (c->write_rc) {
        *err = c->write_err;
        rc = c->write_rc;
    } else if (!rc && sr_signalled) {
        rc = ad_error_set(err, AD_ERR_INTERRUPTED, outpath, 0, NULL,
                          "interrupted after %lld of %lld runs; the runs finished are kept in %s.partial "
                          "(marked incomplete)", (long long)(c->done + c->failed), (long long)sw->runs, outpath);
    }
    if (rc) goto done;
    if (!o->quiet)
        printf("%s: %lld runs (%lld ok, %lld failed) of %lld weeks after %lld weeks of warm-up, %d job%s x %d "
               "thread%s, %.1f s -> %s\n", base->name, (long long)sw->runs, (long long)c->done, (long long)c->failed,
               (long long)weeks, (long long)base->warmup, jobs, jobs == 1 ? "" : "s", c->inner,
               c->inner == 1 ? "" : "s", now_s() - c->t0, outpath);
    if (c->failed) {
        char first[1200];
        snprintf(first, sizeof first, "%s", c->first_fail.msg);
        rc = ad_error_set(err, c->first_fail.code, c->first_fail.file[0] ? c->first_fail.file : NULL,
                          c->first_fail.line, c->first_fail.key[0] ? c->first_fail.key : NULL,
                          "%lld of %lld runs failed (status -1 and message in %s); the first, run %lld: %s",
                          (long long)c->failed, (long long)sw->runs, outpath, (long long)c->first_failed_run, first);
    }
done:
    if (c && c->out) {
        ad_error e2;
        h5sweep_close(c->out, 0, &e2);
    }
    free(resolved);
    free(todo);
    if (sw) sweep_free(sw);
    free(sw);
    free(base);
    free(c);
    return rc;
}
