/* world.c: creating, stepping and freeing a world (aandacht.h).
 *
 * ad_world_create allocates every array once (the employee pool may grow
 * later), draws customer traits and the network, and makes the first brand
 * choices; it frees everything it made on its single error path. A step is
 * step_run (step.c). The world owns all memory; callers get read-only views.
 */
#include "world.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "brand.h"
#include "customer.h"
#include "employee.h"
#include "equations.h"
#include "network.h"
#include "rng.h"
#include "soc_count.h"

const char *ad_version(void)
{
#ifdef AANDACHT_VERSION
    return AANDACHT_VERSION;
#else
    return "unknown";
#endif
}

int world_threads(const ad_world *w)
{
    return w->threads;
}

static int make_acc(ad_world *w)
{
    int n = world_threads(w);
    if (w->acc && w->acc_n >= n) return AD_OK;
    free(w->acc);
    w->acc = aligned_alloc(64, ((size_t)n * sizeof(ad_acc) + 63) / 64 * 64);
    if (!w->acc) { w->acc_n = 0; return AD_ERR_NOMEM; }
    w->acc_n = n;
    return AD_OK;
}

int ad_world_set_threads(ad_world *w, int threads, ad_error *err)
{
    int old = w->threads;
    w->threads = threads > 0 ? threads : omp_get_max_threads();
    if (make_acc(w)) {
        w->threads = old;
        return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory for %d threads", threads);
    }
    return AD_OK;
}

void world_sum_acc(ad_world *w)
{
    memset(&w->total.v, 0, sizeof w->total.v);
    for (int k = 0; k < w->acc_n; k++)
        for (int b = 0; b < w->nb; b++)
            for (int f = 0; f < AC_N; f++) w->total.v[b][f] += w->acc[k].v[b][f];
    if (w->recording) {
        memset(&w->total.hist, 0, sizeof w->total.hist);
        for (int k = 0; k < w->acc_n; k++)
            for (int s = 0; s < AD_N_SNAP; s++)
                for (int b = 0; b < w->nb; b++)
                    for (int h = 0; h < AD_HIST_BINS; h++) w->total.hist[s][b][h] += w->acc[k].hist[s][b][h];
    }
}

int ad_world_create(ad_world **out, const ad_config *cfg, ad_error *err)
{
    return ad_world_create_threads(out, cfg, 0, err);
}

/* A world for cfg with every customer array allocated (nothing drawn yet),
 * its accumulators and its reconsidering table; NULL when out of memory. */
ad_world *world_alloc(const ad_config *cfg, int threads)
{
    ad_world *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->cfg = *cfg;
    w->n = cfg->customers;
    w->nb = cfg->n_brands;
    w->deg = (int)cfg->degree;
    w->week = -1;
    /* fixed per world: parallel regions, the set-up's included, ask for exactly this many */
    w->threads = threads > 0 ? threads : omp_get_max_threads();
    w->simd = rng_simd(); /* chosen once: every loop of this world runs at this level */
    size_t n = (size_t)w->n;
    w->brand = malloc(n);
    w->brand_next = malloc(n);
    w->exper = malloc(n);
    w->exper_next = malloc(n);
    w->code = malloc(n);
    w->loyalty = malloc(n * sizeof(float));
    w->expect = malloc(n * sizeof(float));
    w->deficit = malloc(n * sizeof(float));
    w->need = malloc(n * sizeof(float));
    w->open = malloc(n * sizeof(float));
    w->rate = malloc(n * sizeof(float));
    w->tipprop = malloc(n * sizeof(float));
    if (!w->brand || !w->brand_next || !w->exper || !w->exper_next || !w->code || !w->loyalty ||
        !w->expect || !w->deficit || !w->need || !w->open || !w->rate || !w->tipprop ||
        make_acc(w)) {
        ad_world_free(w);
        return NULL;
    }
    memset(w->acc, 0, (size_t)w->acc_n * sizeof(ad_acc));
    for (int k = 0; k <= AD_PSW_N + 1; k++) {
        double l = (double)k / AD_PSW_N;
        w->psw[k] = eq_reconsider(cfg->nu, cfg->l_crit, cfg->switch_s, l);
    }
    return w;
}

int world_nomem(const ad_config *cfg, ad_error *err)
{
    return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL,
                        "out of memory for %lld customers (about %.1f GB needed)",
                        (long long)cfg->customers, (double)cfg->customers * (40.0 + 8.0 * (double)cfg->degree * cfg->rewire) / 1e9);
}

int ad_world_create_threads(ad_world **out, const ad_config *cfg, int threads, ad_error *err)
{
    *out = NULL;
    ad_world *w = world_alloc(cfg, threads);
    if (!w) return world_nomem(cfg, err);
    cust_init(w);
    if (net_build(&w->net, w->n, w->deg, cfg->rewire, (uint64_t)cfg->seed, w->threads, w->simd)) goto nomem;
    brand_init(w);
    (void)brand_begin(w, -cfg->warmup); /* no interventions before week 0 */
    w->br[0].a_n = 0; /* the ring starts with the first step */
    for (int b = 0; b < w->nb; b++) w->br[b].a_n = 0;
    cust_choose_all(w, 1);
    if (brand_staff_from_customers(w)) goto nomem;
    for (int b = 0; b < w->nb; b++) w->warm_share[b] = w->br[b].share;
    w->warm_drift = NAN;
    *out = w;
    return AD_OK;

nomem:
    ad_world_free(w);
    return world_nomem(cfg, err);
}

static int step_failed(ad_error *err)
{
    return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory growing the employee pool");
}

int64_t ad_world_warmup_left(const ad_world *w)
{
    return w->steps < w->cfg.warmup ? w->cfg.warmup - w->steps : 0;
}

int ad_world_warmup_step(ad_world *w, ad_error *err)
{
    if (w->steps >= w->cfg.warmup) return AD_OK;
    return step_run(w) ? step_failed(err) : AD_OK;
}

int ad_world_warmup(ad_world *w, ad_error *err)
{
    while (w->steps < w->cfg.warmup)
        if (step_run(w)) return step_failed(err);
    return AD_OK;
}

int ad_world_step(ad_world *w, ad_error *err)
{
    if (ad_world_warmup(w, err)) return AD_ERR_NOMEM;
    return step_run(w) ? step_failed(err) : AD_OK;
}

const ad_obs *ad_world_obs(const ad_world *w) { return &w->obs; }
double ad_world_warmup_drift(const ad_world *w) { return w->warm_drift; }

double ad_seed_noise(int64_t customers)
{
    /* sd of the four baseline brands' year-1 shares over six seeds, the
     * largest of the four: 5.7, 4.7, 1.6, 0.6 points at 5,000, 20,000,
     * 50,000 and 200,000 customers (k sqrt(n) with k 4.0, 6.6, 3.5, 2.6;
     * six seeds give each sd within about a third) */
    return customers > 0 ? 4.3 / sqrt((double)customers) : NAN;
}
int64_t ad_world_week(const ad_world *w) { return w->week; }
int64_t ad_world_steps(const ad_world *w) { return w->steps; }

void ad_world_snapshot(const ad_world *w, ad_snapshot *snap)
{
    memset(snap, 0, sizeof *snap);
    snap->week = w->week;
    for (int s = 0; s < AD_N_SNAP; s++)
        for (int b = 0; b < w->nb; b++)
            for (int h = 0; h < AD_HIST_BINS; h++) {
                snap->brand_hist[s][b][h] = w->total.hist[s][b][h];
                snap->hist[s][h] += w->total.hist[s][b][h];
            }
}

void ad_world_agents(const ad_world *w, ad_agent_view *v)
{
    v->n = w->n;
    v->brand = w->brand;
    v->loyalty = w->loyalty;
    v->deficit = w->deficit;
    v->expectation = w->expect;
    v->need = w->need;
    v->openness = w->open;
}

size_t ad_world_bytes(const ad_world *w)
{
    size_t n = (size_t)w->n;
    size_t cust = n * (5 * sizeof(uint8_t) + 7 * sizeof(float)) + net_bytes(&w->net) + soc_count_bytes(w);
    size_t emp = (size_t)w->ne_cap * (3 + 2 * sizeof(float) + sizeof(int64_t) + 2 * sizeof(int32_t));
    return sizeof *w + cust + emp + (size_t)w->acc_n * sizeof(ad_acc);
}

void ad_world_free(ad_world *w)
{
    if (!w) return;
    free(w->brand); free(w->brand_next); free(w->exper); free(w->exper_next); free(w->code);
    free(w->loyalty); free(w->expect); free(w->deficit); free(w->need); free(w->open);
    free(w->rate); free(w->tipprop); free(w->acc);
    net_free(&w->net);
    soc_count_free(w);
    emp_free(w);
    free(w);
}
