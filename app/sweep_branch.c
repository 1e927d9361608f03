/* sweep_branch.c: the shared warm-ups of a sweep with branch_from_warmup
 * (sim/sweep.h).
 *
 * The runs of one market (the same seed, which under branching stands for
 * the replication and the values of the swept parameters that act in the
 * warm-up) start from the same state at the end of the warm-up. The first
 * run of a market warms its world up and keeps a copy of that state; the
 * others make their world from the copy (the exact state, so every run's
 * numbers are those of `aandacht run FILE --sweep-point K`, which warms up
 * on its own). The runs to do are ordered market by market, so that a few
 * copies serve the whole sweep; the oldest copy goes when there are more
 * than twice the jobs (plus two) of them.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sweep_run_priv.h"

typedef struct warm_entry {
    uint64_t seed;
    int n;
    double vals[DESIGN_MAX_K];      /* the swept values that act in the warm-up */
    ad_state_copy copy;
    int64_t steps, week;
    ad_state_sizes sizes;
    int64_t used;                   /* when it last served (tick) */
    int ready;                      /* 0: its first run is warming it up */
} warm_entry;

struct sweep_warm {
    warm_entry *e;
    int n, cap;
    int64_t tick;
};

/* a run to do and its seed, which stands for its market under branching */
typedef struct keyed_run {
    uint64_t seed;
    int64_t run;
} keyed_run;

static int by_market(const void *a, const void *b)
{
    const keyed_run *x = a, *y = b;
    if (x->seed != y->seed) return x->seed < y->seed ? -1 : 1;
    return x->run < y->run ? -1 : x->run > y->run;
}

int sweep_branch_setup(sweep_ctx *c, ad_error *err)
{
    if (!c->sw->branch || c->o->no_branching) return AD_OK;
    c->warm = calloc(1, sizeof *c->warm);
    if (!c->warm) return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    c->warm->cap = 2 * c->jobs + 2;
    c->warm->e = calloc((size_t)c->warm->cap, sizeof *c->warm->e);
    if (!c->warm->e) return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    return AD_OK;
}

void sweep_branch_order(sweep_ctx *c)
{
    if (!c->warm || c->n_todo < 2) return;
    keyed_run *k = malloc((size_t)c->n_todo * sizeof *k);
    if (!k) return; /* the order only saves warm-ups: unsorted is still right */
    for (int64_t i = 0; i < c->n_todo; i++) {
        const int64_t run = c->todo[i];
        k[i] = (keyed_run){sweep_run_seed(c->sw, run / c->sw->replications, (int)(run % c->sw->replications)), run};
    }
    qsort(k, (size_t)c->n_todo, sizeof *k, by_market);
    for (int64_t i = 0; i < c->n_todo; i++) c->todo[i] = k[i].run;
    free(k);
}

static warm_entry *find(struct sweep_warm *wc, uint64_t seed, int n, const double *vals)
{
    for (int i = 0; i < wc->n; i++)
        if (wc->e[i].seed == seed && wc->e[i].n == n && !memcmp(wc->e[i].vals, vals, (size_t)n * sizeof *vals))
            return &wc->e[i];
    return NULL;
}

/* A slot for a new market: a free one, or the one that served least
 * recently (not one being warmed up); NULL when every slot is warming. */
static warm_entry *slot_for(struct sweep_warm *wc)
{
    if (wc->n < wc->cap) return &wc->e[wc->n++];
    warm_entry *slot = NULL;
    for (int i = 0; i < wc->n; i++)
        if (wc->e[i].ready && (!slot || wc->e[i].used < slot->used)) slot = &wc->e[i];
    if (slot) ad_state_copy_free(&slot->copy);
    return slot;
}

int sweep_branch_world(sweep_ctx *c, int64_t run, const ad_config *cfg, ad_world **w, ad_error *err)
{
    *w = NULL;
    struct sweep_warm *wc = c->warm;
    double vals[DESIGN_MAX_K];
    const int n = sweep_warmup_values(c->sw, run / c->sw->replications, vals);
    const uint64_t seed = (uint64_t)cfg->seed;
    int rc = AD_OK;
    ad_state st;
    for (;;) {
        int found = 0, wait = 0, mine = 0;
#pragma omp critical(ad_sweep_warm)
        {
            warm_entry *e = find(wc, seed, n, vals);
            if (e && !e->ready) {
                wait = 1; /* another job is warming this market up */
            } else if (e) {
                found = 1;
                e->used = ++wc->tick;
                rc = ad_world_create_for_state(w, cfg, c->inner, &e->sizes, err);
                if (!rc) {
                    ad_world_state(*w, &st);
                    st.steps = e->steps;
                    st.week = e->week;
                    if (ad_state_put(&e->copy, &st))
                        rc = ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL,
                                          "run %lld: the shared warm-up does not fit its world", (long long)run);
                }
            } else {
                warm_entry *slot = slot_for(wc);
                if (slot) { /* this run warms the market up for the others */
                    *slot = (warm_entry){.seed = seed, .n = n, .used = ++wc->tick, .ready = 0};
                    memcpy(slot->vals, vals, (size_t)n * sizeof *vals);
                    mine = 1;
                }
            }
        }
        if (wait) {
            if (sweep_stopping(c)) return ad_error_set(err, AD_ERR_INTERRUPTED, NULL, 0, NULL, "interrupted");
            nanosleep(&(struct timespec){0, 2000000}, NULL);
            continue;
        }
        if (found) {
            if (!rc) rc = ad_world_state_loaded(*w, &st, err);
            if (!rc) {
#pragma omp atomic
                c->warm_shared++;
            }
            return rc;
        }
        /* the first run of its market (or no slot free): its own warm-up */
        if ((rc = ad_world_create_threads(w, cfg, c->inner, err)) == AD_OK) {
            while (ad_world_warmup_left(*w) > 0 && !rc) {
                if (sweep_stopping(c)) rc = ad_error_set(err, AD_ERR_INTERRUPTED, NULL, 0, NULL, "interrupted");
                else rc = ad_world_warmup_step(*w, err);
            }
        }
        ad_state_copy copy = {0};
        int kept = 0;
        if (!rc && mine) {
            ad_world_state(*w, &st);
            kept = ad_state_keep(&st, &copy) == AD_OK;
        }
        if (mine) {
#pragma omp critical(ad_sweep_warm)
            {
                warm_entry *e = find(wc, seed, n, vals);
                if (kept) {
                    e->copy = copy;
                    e->steps = st.steps;
                    e->week = st.week;
                    e->sizes = st.sizes;
                    e->ready = 1;
                } else { /* failed, or no memory for a copy: the market's next run warms up itself */
                    *e = wc->e[--wc->n];
                }
            }
        }
        return rc;
    }
}

void sweep_branch_free(sweep_ctx *c)
{
    if (!c->warm) return;
    for (int i = 0; i < c->warm->n; i++) ad_state_copy_free(&c->warm->e[i].copy);
    free(c->warm->e);
    free(c->warm);
    c->warm = NULL;
}
