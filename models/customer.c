/* customer.c: the customer phases of customer.h.
 *
 * Invariant: in every loop, iteration i writes only customer i's entries
 * (and, in cust_serve, adds to one employee's integer warmth and load with
 * atomics, which commute), reads other customers only through last week's
 * brand/exper buffers, and draws only rng(seed, i, step, purpose). So the
 * result is the same for any number of threads and any schedule.
 */
#include "customer.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "network.h"
#include "rng.h"
#include "tipping.h"

static inline float clamp01f(float x) { return x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x); }
static inline double logistic(double x) { return 1.0 / (1.0 + exp(-x)); }
static inline int hist_bin(double x)
{
    int k = (int)(x * AD_HIST_BINS);
    return k < 0 ? 0 : (k >= AD_HIST_BINS ? AD_HIST_BINS - 1 : k);
}

void cust_init(ad_world *w)
{
    const ad_config *c = &w->cfg;
    double need_mu = log(c->need_median / (1 - c->need_median));
    double open_mu = log(c->openness_median / (1 - c->openness_median));
    double sum_need = 0;
    #pragma omp parallel for schedule(static) reduction(+ : sum_need)
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
        sum_need += w->need[i]; /* only a starting value: order of the sum is not observed */
    }
    w->need_mean = sum_need / (double)w->n;
}

/* Brand choice by random utility (multinomial logit through fixed Gumbel
 * tastes plus occasion noise): the argmax of U_b + eps. cur < 0: no current
 * brand and no neighbours yet (first draws). */
static int choose(const ad_world *w, int64_t i, int cur, uint32_t step, uint32_t purpose,
                  const double *asc)
{
    const ad_config *c = &w->cfg;
    int on[AD_MAX_BRANDS] = {0}, wom[AD_MAX_BRANDS] = {0};
    double soc = 0;
    if (cur >= 0 && w->deg > 0 && c->beta_soc != 0) {
        net_counts(w->nbr, w->deg, i, w->brand, w->exper, on, wom);
        soc = c->beta_soc / w->deg;
    }
    int best = 0;
    double bestU = -HUGE_VAL;
    rng4 taste = {{0}}, occ = {{0}};
    for (int b = 0; b < w->nb; b++) {
        if ((b & 3) == 0) {
            taste = rng_draw(c->seed, (uint64_t)i, 0, rng_purpose(RNG_TASTE, (uint32_t)b >> 2));
            occ = rng_draw(c->seed, (uint64_t)i, step, rng_purpose(purpose, (uint32_t)b >> 2));
        }
        const ad_brand_state *s = &w->br[b];
        double U = s->U_base + c->beta_R * w->need[i] * s->R + soc * (on[b] + wom[b]) +
                   (b == cur ? c->beta_stay : 0.0) +
                   c->sigma_taste * rng_gumbel(taste.v[b & 3]) +
                   c->sigma_occ * rng_gumbel(occ.v[b & 3]) + (asc ? asc[b] : 0.0);
        if (U > bestU) { bestU = U; best = b; }
    }
    return best;
}

void cust_choose_all(ad_world *w, int with_shares)
{
    double asc[AD_MAX_BRANDS];
    for (int b = 0; b < w->nb; b++) {
        double s = w->cfg.brands[b].share;
        asc[b] = log(s > 1e-9 ? s : 1e-9);
    }
    uint32_t step = (uint32_t)w->steps;
    #pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < w->n; i++) {
        int b = choose(w, i, -1, step, RNG_FIRST_BRAND, with_shares ? asc : NULL);
        w->brand[i] = w->brand_next[i] = (uint8_t)b;
        w->loyalty[i] = 0.5f;
    }
}

void cust_contacts(ad_world *w)
{
    const ad_config *c = &w->cfg;
    const uint32_t step = (uint32_t)w->steps;
    const uint64_t seed = (uint64_t)c->seed;
    float f[AD_MAX_BRANDS], pt[AD_MAX_BRANDS], pr[AD_MAX_BRANDS];
    for (int b = 0; b < w->nb; b++) {
        f[b] = (float)w->br[b].f;
        pt[b] = (float)w->br[b].p_auto_trans;
        pr[b] = (float)w->br[b].p_auto_rel;
    }
    const float kv = (float)c->k_visits, qat = (float)c->q_at, qar = (float)c->q_ar;
    const double forget = c->loyalty_forget;
    int esc_on[AD_MAX_BRANDS];
    for (int b = 0; b < w->nb; b++) esc_on[b] = w->cfg.brands[b].escalation;
    const float inv32 = 1.0f / 4294967296.0f;

    #pragma omp parallel
    {
        ad_acc *A = &w->acc[omp_get_thread_num()];
        #pragma omp for schedule(static)
        for (int64_t i = 0; i < w->n; i++) {
            int b = w->brand[i];
            float lam = w->rate[i] * f[b] * (1.0f + kv * (w->loyalty[i] - 0.5f));
            float p = lam > 0.0f ? 1.0f - expf(-lam) : 0.0f;
            rng4 r = rng_draw(seed, (uint64_t)i, step, RNG_CONTACT);
            if ((float)r.v[0] * inv32 >= p) {
                /* no contact: loyalty drifts towards 0.5 and the customer may
                 * reconsider, decided here with the draw's spare word */
                double l = w->loyalty[i];
                l += forget * (0.5 - l);
                w->loyalty[i] = (float)l;
                w->code[i] = rng_u01(r.v[1]) < ad_psw(w, w->loyalty[i]) ? AD_C_SWITCH : AD_C_NONE;
                continue;
            }
            int rel = (float)r.v[1] * inv32 < w->need[i];
            int autom = (float)r.v[2] * inv32 < (rel ? pr[b] : pt[b]);
            int code;
            if (!autom) {
                code = AD_C_HUMAN;
            } else if ((float)r.v[3] * inv32 < (rel ? qar : qat)) {
                code = AD_C_AUTO_OK;
            } else {
                code = esc_on[b] ? AD_C_AUTO_ESC : AD_C_AUTO_FRUST;
            }
            int64_t *acc = A->v[b];
            acc[AC_VISITS]++;
            acc[AC_REL] += rel;
            acc[AC_AUTO] += autom;
            acc[AC_ESC] += code == AD_C_AUTO_ESC;
            acc[AC_HUMAN] += code == AD_C_HUMAN || code == AD_C_AUTO_ESC;
            w->code[i] = (uint8_t)(code | (rel ? AD_C_REL : 0));
        }
    }
}

void cust_serve(ad_world *w)
{
    const ad_config *c = &w->cfg;
    const uint32_t step = (uint32_t)w->steps;
    const uint64_t seed = (uint64_t)c->seed;
    const int nb = w->nb, deg = w->deg, recording = w->recording;
    /* brand-level inputs, copied to the stack for the hot loop */
    double base_S[AD_MAX_BRANDS], attf[AD_MAX_BRANDS], wait[AD_MAX_BRANDS], qh[AD_MAX_BRANDS];
    double loyal_const[AD_MAX_BRANDS], share[AD_MAX_BRANDS], stated[AD_MAX_BRANDS];
    uint32_t avoid_key[AD_MAX_BRANDS];
    for (int b = 0; b < nb; b++) {
        const ad_brand_state *s = &w->br[b];
        base_S[b] = c->w_F * (s->F - c->w_pv * (s->price - w->mean_price) / w->mean_price);
        attf[b] = s->att_factor;
        wait[b] = c->w_W * (1.0 - s->dil);
        qh[b] = s->q_h;
        loyal_const[b] = c->k_rep * s->rep - c->shock_loyalty * s->stated;
        share[b] = s->share;
        stated[b] = s->stated;
        avoid_key[b] = (uint32_t)(s->shock_event + 1);
    }
    const double noise_w = c->s_noise * 3.4641016151377544; /* sd s_noise: width sqrt(12) s */
    const int soc_on = deg > 0 && c->k_soc != 0;
    double tipf[AD_TIP_N];
    tip_factors(c, tipf);

    #pragma omp parallel
    {
        ad_acc *A = &w->acc[omp_get_thread_num()];
        #pragma omp for schedule(static)
        for (int64_t i = 0; i < w->n; i++) {
            const int b = w->brand[i];
            const int cd = w->code[i];
            double l = w->loyalty[i];
            double d = w->deficit[i];
            int64_t *acc = A->v[b];
            int reconsider;
            if ((cd & 7) != AD_C_NONE) {
                const int rel = (cd & AD_C_REL) != 0, kind = cd & 7;
                rng4 r = rng_draw(seed, (uint64_t)i, step, RNG_SERVICE);
                int human = kind == AD_C_HUMAN || kind == AD_C_AUTO_ESC;
                int succ, frus = 0;
                double att = 0;
                if (human) {
                    int64_t H = w->active_off[b + 1] - w->active_off[b];
                    if (H == 0) { /* nobody left to serve: the contact ends unserved */
                        human = 0; succ = 0; frus = 1;
                        acc[AC_NOSTAFF]++;
                    } else {
                        int64_t j = w->active[w->active_off[b] + (int64_t)(rng_u01(r.v[0]) * (double)H)];
                        att = w->e_eng[j] * attf[b];
                        succ = rng_u01(r.v[1]) < qh[b];
                        int64_t warm = ad_fx(w->open[i] * att);
                        #pragma omp atomic
                        w->e_warm[j] += warm;
                        #pragma omp atomic
                        w->e_load[j] += 1;
                    }
                } else {
                    succ = kind == AD_C_AUTO_OK;
                    frus = !succ;
                }
                double S = base_S[b] + c->w_T * succ - c->w_X * frus + (human ? -wait[b] : 0.0) +
                           (rel ? c->w_A * att * (1.0 + c->theta * d) : 0.0) +
                           noise_w * (rng_u01(r.v[2]) - 0.5);
                S = S < 0 ? 0 : (S > 1 ? 1 : S);
                if (rel) d = (1.0 - c->mu) * d + c->mu * (1.0 - att);
                double soc = soc_on ? (double)net_on_brand(w->nbr, deg, i, w->brand, b) / deg - share[b] : 0.0;
                double x = w->expect[i];
                double V = S + c->k_x * (S - x) + loyal_const[b] + c->k_soc * soc;
                l += c->loyalty_rate * (V - l);
                w->expect[i] = (float)(x + c->beta_x * (S - x));
                int ex = S >= c->promoter_min ? 1 : (S < c->detractor_max ? -1 : 0);
                w->exper_next[i] = (int8_t)ex;
                if (human && c->tip_on) {
                    double tr = tip_rate_draw(c, tipf, seed, i, step, att, succ, w->tipprop[i]);
                    int64_t fy = ad_fx(tr);
                    acc[AC_TIPRATE] += fy;
                    acc[AC_TIPPED]++;
                    acc[AC_TIP_X] += ad_fx(att);
                    acc[AC_TIP_XX] += ad_fx(att * att);
                    acc[AC_TIP_XY] += ad_fx(att * tr);
                }
                acc[AC_FRUST] += frus;
                acc[AC_REL_HUMAN] += rel && human;
                acc[AC_ATT] += ad_fx(att);
                if (rel) acc[AC_ATT_REL] += ad_fx(att);
                acc[AC_SAT] += ad_fx(S);
                acc[AC_PROM] += ex > 0;
                acc[AC_DET] += ex < 0;
                if (recording) A->hist[AD_S_satisfaction][b][hist_bin(S)]++;
                l = clamp01f((float)l);
                reconsider = rng_u01(r.v[3]) < ad_psw(w, l);
            } else {
                /* loyalty already drifted in cust_contacts */
                w->exper_next[i] = w->exper[i];
                reconsider = (cd & AD_C_SWITCH) != 0;
            }
            /* step 8: reconsider with probability nu sigmoid((l_crit - l) / s) */
            int nb_i = b;
            if (reconsider) {
                nb_i = choose(w, i, b, step, RNG_OCCASION, NULL);
                if (nb_i != b) {
                    l = 0.5;
                    acc[AC_OUT]++;
                    A->v[nb_i][AC_IN]++;
                }
            }
            w->brand_next[i] = (uint8_t)nb_i;
            w->loyalty[i] = (float)l;
            w->deficit[i] = (float)d;
            int64_t *an = A->v[nb_i];
            an[AC_CUST]++;
            an[AC_LOY] += ad_fx(l);
            an[AC_DEFICIT] += ad_fx(d);
            if ((cd & 7) != AD_C_NONE) {
                int kind = cd & 7;
                if (kind == AD_C_HUMAN) { an[AC_HUMAN_ONLY]++; an[AC_HUMAN_ONLY_LOY] += ad_fx(l); }
                if (kind == AD_C_AUTO_OK || kind == AD_C_AUTO_FRUST) {
                    an[AC_ROBOT_ONLY]++;
                    an[AC_ROBOT_ONLY_LOY] += ad_fx(l);
                }
            }
            if (stated[nb_i] > 0) {
                rng4 ra = rng_draw(seed, (uint64_t)i, avoid_key[nb_i], RNG_AVOID);
                an[AC_AVOID] += rng_u01(ra.v[0]) < stated[nb_i];
            }
            if (recording) {
                A->hist[AD_S_loyalty][nb_i][hist_bin(l)]++;
                A->hist[AD_S_deficit][nb_i][hist_bin(d)]++;
            }
        }
    }
}
