/* employee.c: see employee.h. emp_update is a parallel loop in which slot j
 * writes only its own entries; everything else here runs serially between
 * the parallel phases of a step. */
#include "employee.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "equations.h"
#include "rng.h"

int emp_reserve(ad_world *w, int64_t need)
{
    if (need <= w->ne_cap) return AD_OK;
    int64_t cap = w->ne_cap ? w->ne_cap : 64;
    while (cap < need) cap *= 2;
#define GROW(ptr, type)                                                  \
    do {                                                                 \
        type *p_ = realloc(w->ptr, (size_t)cap * sizeof(type));          \
        if (!p_) return AD_ERR_NOMEM;                                    \
        memset(p_ + w->ne_cap, 0, (size_t)(cap - w->ne_cap) * sizeof(type)); \
        w->ptr = p_;                                                     \
    } while (0)
    GROW(e_brand, uint8_t);
    GROW(e_active, uint8_t);
    GROW(e_amb, uint8_t);
    GROW(e_eng, float);
    GROW(e_trait, float);
    GROW(e_warm, int64_t);
    GROW(e_load, int32_t);
    GROW(active, int32_t);
#undef GROW
    w->ne_cap = cap;
    return AD_OK;
}

/* The random-number agent of employee slot j: the slot and the number of
 * customers, so that markets of different sizes with the same seed do not
 * share their employees' traits and noise slot by slot (a slot is below
 * 2^32, as is a population) */
static inline uint64_t emp_agent(const ad_world *w, int64_t j)
{
    return (uint64_t)j | (uint64_t)w->n << 32;
}

static void hire(ad_world *w, int64_t j, int b)
{
    const ad_config *c = &w->cfg;
    rng4 r = rng_draw((uint64_t)c->seed, emp_agent(w, j), (uint32_t)w->steps, RNG_EMP_TRAIT);
    double z = rng_normal(r.v[0], r.v[1]);
    w->e_brand[j] = (uint8_t)b;
    w->e_active[j] = 1;
    w->e_amb[j] = (uint8_t)(r.v[2] >> 24);
    w->e_trait[j] = (float)(c->e_trait * z);
    w->e_eng[j] = (float)eq_engagement_start(c->e0, w->e_trait[j], c->brands[b].hr_investment, c->dh);
    w->e_warm[j] = 0;
    w->e_load[j] = 0;
}

int emp_set_headcount(ad_world *w, int b, int64_t H, int count_displaced)
{
    if (H < 0) H = 0;
    int64_t now = w->br[b].employees;
    if (H < now) {
        for (int64_t j = w->ne - 1; j >= 0 && now > H; j--)
            if (w->e_active[j] && w->e_brand[j] == b) {
                w->e_active[j] = 0;
                now--;
                if (count_displaced) w->displaced++;
            }
    } else if (H > now) {
        int64_t j = 0;
        while (now < H) {
            while (j < w->ne && w->e_active[j]) j++;
            if (j == w->ne) {
                if (emp_reserve(w, w->ne + 1)) return AD_ERR_NOMEM;
                w->ne++;
            }
            hire(w, j, b);
            now++;
        }
    }
    w->br[b].employees = now;
    return AD_OK;
}

void emp_rebuild_active(ad_world *w)
{
    int64_t count[AD_MAX_BRANDS + 1] = {0};
    for (int64_t j = 0; j < w->ne; j++)
        if (w->e_active[j]) count[w->e_brand[j] + 1]++;
    w->active_off[0] = 0;
    for (int b = 0; b < AD_MAX_BRANDS; b++) w->active_off[b + 1] = w->active_off[b] + count[b + 1];
    int64_t pos[AD_MAX_BRANDS];
    memcpy(pos, w->active_off, sizeof pos);
    for (int64_t j = 0; j < w->ne; j++)
        if (w->e_active[j]) w->active[pos[w->e_brand[j]]++] = (int32_t)j;
}

void emp_update(ad_world *w)
{
    const ad_config *c = &w->cfg;
    const uint32_t step = (uint32_t)w->steps;
    double base[AD_MAX_BRANDS];
    int amb_cut[AD_MAX_BRANDS];
    for (int b = 0; b < w->nb; b++) {
        const ad_brand_state *s = &w->br[b];
        base[b] = eq_engagement_brand(c->e0, c->brands[b].hr_investment, c->dh, c->iota, s->a, s->abar);
        amb_cut[b] = (int)lround(c->brands[b].ambassadors * 256.0);
    }
    const double inv_cap = 1.0 / (double)c->capacity;
    const double noise_w = c->e_noise * 3.4641016151377544;
    const int recording = w->recording;
    #pragma omp parallel num_threads(w->threads)
    {
        ad_acc *A = &w->acc[omp_get_thread_num()];
        #pragma omp for schedule(static)
        for (int64_t j = 0; j < w->ne; j++) {
            if (!w->e_active[j]) continue;
            int b = w->e_brand[j];
            int32_t n = w->e_load[j];
            double W = n > 0 ? (double)w->e_warm[j] / AD_FX / n : 0.0;
            double load = n * inv_cap;
            double target = eq_engagement_target(base[b], w->e_trait[j], c->rho, W, c->omega, load);
            rng4 r = rng_draw((uint64_t)c->seed, emp_agent(w, j), step, RNG_EMP_NOISE);
            double e = eq_engagement(w->e_eng[j], c->kappa, target, noise_w * (rng_u01(r.v[0]) - 0.5));
            w->e_eng[j] = (float)e;
            w->e_warm[j] = 0;
            w->e_load[j] = 0;
            int64_t *acc = A->v[b];
            int engaged = w->e_eng[j] >= c->engaged_min;
            acc[AC_ACTIVE]++;
            acc[AC_ENG] += ad_fx(w->e_eng[j]);
            acc[AC_ENGAGED] += engaged;
            acc[AC_DISENGAGED] += w->e_eng[j] < c->disengaged_max;
            acc[AC_AMB_ENGAGED] += engaged && w->e_amb[j] < amb_cut[b];
            if (recording) {
                int k = (int)(e * AD_HIST_BINS);
                A->hist[AD_S_engagement][b][k >= AD_HIST_BINS ? AD_HIST_BINS - 1 : k]++;
            }
        }
    }
}

void emp_free(ad_world *w)
{
    free(w->e_brand); free(w->e_active); free(w->e_amb); free(w->e_eng);
    free(w->e_trait); free(w->e_warm); free(w->e_load); free(w->active);
    w->e_brand = w->e_active = w->e_amb = NULL;
    w->e_eng = w->e_trait = NULL;
    w->e_warm = NULL; w->e_load = NULL; w->active = NULL;
    w->ne = w->ne_cap = 0;
}
