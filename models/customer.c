/* customer.c: each customer's fixed traits and starting state (cust_init).
 *
 * Traits are drawn from rng(seed, i, 0, RNG_TRAITS): a customer's traits
 * depend only on the seed and its index. The phases of a week live beside
 * this file: choice.c (step 8), contacts.c (step 2), serve.c (steps 4-8).
 */
#include "customer.h"

#include <math.h>

#include "cust_priv.h"

static inline double logistic(double x) { return 1.0 / (1.0 + exp(-x)); }

void cust_init(ad_world *w)
{
    const ad_config *c = &w->cfg;
    double need_mu = log(c->need_median / (1 - c->need_median));
    double open_mu = log(c->openness_median / (1 - c->openness_median));
    int64_t sum_need = 0; /* fixed point: the same sum for any thread count */
    #pragma omp parallel for schedule(static) reduction(+ : sum_need) num_threads(w->threads)
    for (int64_t i = 0; i < w->n; i++) {
        rng4 a = rng_draw(c->seed, (uint64_t)i, 0, rng_purpose(RNG_TRAITS, 0));
        rng4 b = rng_draw(c->seed, (uint64_t)i, 0, rng_purpose(RNG_TRAITS, 1));
        double z1 = rng_normal(a.v[0], a.v[1]), z2 = rng_normal(a.v[2], a.v[3]);
        double z3 = rng_normal(b.v[0], b.v[1]), z4 = rng_normal(b.v[2], b.v[3]);
        w->need[i] = (float)logistic(need_mu + c->need_spread * z1);
        w->open[i] = (float)logistic(open_mu + c->openness_spread * z2);
        /* log-normal with mean contact_rate and mean 1 */
        w->rate[i] = (float)(c->contact_rate *
                             exp(c->contact_spread * z3 - 0.5 * c->contact_spread * c->contact_spread));
        w->tipprop[i] = (float)exp(c->tip_spread * z4 - 0.5 * c->tip_spread * c->tip_spread);
        w->loyalty[i] = 0.5f;
        w->expect[i] = 0.6f;
        w->deficit[i] = 0.3f;
        w->exper[i] = w->exper_next[i] = 0;
        w->code[i] = AD_C_NONE;
        sum_need += ad_fx(w->need[i]);
    }
    w->need_mean = (double)sum_need / AD_FX / (double)w->n;
}
