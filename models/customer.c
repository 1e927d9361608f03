/* customer.c: each customer's fixed traits and starting state (cust_init).
 *
 * Traits are drawn from rng(seed, i, 0, RNG_TRAITS): a customer's traits
 * depend only on the seed and its index (drawn a block of customers at a
 * time in vector lanes, rng_draw_list: the same words). The phases of a
 * week live beside this file: choice.c (step 8), contacts.c (step 2),
 * serve.c (steps 4-8).
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
    const int64_t n = w->n, nblocks = (n + CUST_BLOCK - 1) / CUST_BLOCK;
    int64_t sum_need = 0; /* fixed point: the same sum for any thread count */
    #pragma omp parallel reduction(+ : sum_need) num_threads(w->threads)
    {
        uint16_t seq[CUST_BLOCK];
        for (int k = 0; k < CUST_BLOCK; k++) seq[k] = (uint16_t)k;
        rng_block a, b; /* a block's two draws, in vector lanes */
        #pragma omp for schedule(static)
        for (int64_t blk = 0; blk < nblocks; blk++) {
            const int64_t i0 = blk * CUST_BLOCK;
            const int m = (int)(n - i0 < CUST_BLOCK ? n - i0 : CUST_BLOCK);
            rng_draw_list(w->simd, c->seed, (uint64_t)i0, seq, m, 0, rng_purpose(RNG_TRAITS, 0), &a);
            rng_draw_list(w->simd, c->seed, (uint64_t)i0, seq, m, 0, rng_purpose(RNG_TRAITS, 1), &b);
            for (int k = 0; k < m; k++) {
                const int64_t i = i0 + k;
                double z1 = rng_normal(a.v[0][k], a.v[1][k]), z2 = rng_normal(a.v[2][k], a.v[3][k]);
                double z3 = rng_normal(b.v[0][k], b.v[1][k]), z4 = rng_normal(b.v[2][k], b.v[3][k]);
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
        }
    }
    w->need_mean = (double)sum_need / AD_FX / (double)n;
}
