/* customer.c: the customer phases of customer.h.
 *
 * Invariant: in every loop, iteration i writes only customer i's entries
 * (and, in cust_serve, adds to one employee's integer warmth and load in
 * this thread's own copy, summed after the loop: integers, which commute),
 * reads other customers only through last week's brand/exper buffers, and
 * draws only rng(seed, i, step, purpose). So the result is the same for any
 * number of threads and any schedule.
 *
 * Speed: the two hot loops run over blocks of CUST_BLOCK customers. Each
 * block draws its random words in one flat loop (vectorised Philox), then
 * decides. The decisions are coin flips (contact, class, route, success)
 * that no branch predictor learns, so cust_contacts takes them without
 * branches. Sums go to stack arrays of the thread, not through the world.
 */
#include "customer.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
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

/* customers per block of the hot loops: a block's draws and lists live on
 * the stack (about 8 KB) */
#define CUST_BLOCK RNG_BLOCK
/* contacts between prefetching a contact's neighbours and counting them */
#define SOC_AHEAD 8

/* brand-level inputs of cust_contacts, copied once per step */
typedef struct contacts_in {
    uint64_t seed;
    uint32_t step;
    float f[AD_MAX_BRANDS];             /* visit-rate factor */
    float p_auto[AD_MAX_BRANDS][2];     /* routing to the robot: [b][relational] */
    float q_auto[2];                    /* automated success: [relational] */
    uint8_t kind[AD_MAX_BRANDS][2][2];  /* contact kind: [b][automated][solved] */
    float kv;
    double forget;
    const double *psw;                  /* w->psw */
    double psw_mult, psw_max;           /* psw_max: see psw_bound */
} contacts_in;

/* brand-level inputs and parameters of cust_serve, copied once per step */
typedef struct serve_in {
    uint64_t seed;
    uint32_t step;
    int deg, soc_on, recording, tip_on;
    double base_S[AD_MAX_BRANDS], attf[AD_MAX_BRANDS], wait[AD_MAX_BRANDS], qh[AD_MAX_BRANDS];
    double loyal_const[AD_MAX_BRANDS], share[AD_MAX_BRANDS], stated[AD_MAX_BRANDS];
    uint32_t avoid_key[AD_MAX_BRANDS];
    int64_t off[AD_MAX_BRANDS], H[AD_MAX_BRANDS]; /* active employees of b: active[off .. off + H) */
    double w_T, w_X, w_E, w_A, theta, mu, k_x, k_soc, loyalty_rate, beta_x;
    double a_bot;                       /* attention of an automated contact */
    double promoter_min, detractor_max, noise_w;
    const double *psw;                  /* w->psw */
    double psw_mult, psw_max;           /* psw_max: see psw_bound */
    double tipf[AD_TIP_N];
    rng_gumbel_bounds gb;               /* for choose */
    double per_deg[AD_NET_MAX_DEG + 1]; /* (double)c / deg, no division per contact */
} serve_in;

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

/* Brand choice by random utility (multinomial logit through fixed Gumbel
 * tastes plus occasion noise): the argmax of U_b + eps. cur < 0: no current
 * brand and no neighbours yet (first draws).
 *
 * First without a logarithm: each Gumbel lies within the bounds gb gives
 * for its word's top bits, so each utility within an interval (the other
 * terms are the same numbers added in the same order; `doubt` covers the
 * roundings). When one brand's interval lies above all others, it is the
 * exact argmax. Otherwise (a few in a hundred, or anything not finite) the
 * Gumbels are computed: every choice is the one the exact utilities give. */
static int choose(const ad_world *w, const rng_gumbel_bounds *gb, int64_t i, int cur, uint32_t step,
                  uint32_t purpose, const double *asc)
{
    const ad_config *c = &w->cfg;
    const int nb = w->nb;
    int score[AD_MAX_BRANDS] = {0};
    double soc = 0;
    if (cur >= 0 && w->deg > 0 && c->beta_soc != 0) {
        net_scores(w->nbr, w->deg, i, w->brand, w->exper, nb, score);
        soc = c->beta_soc / w->deg;
    }
    uint32_t taste[AD_MAX_BRANDS], occ[AD_MAX_BRANDS];
    for (int g = 0; g < (nb + 3) / 4; g++) {
        rng4 t = rng_draw(c->seed, (uint64_t)i, 0, rng_purpose(RNG_TASTE, (uint32_t)g));
        rng4 o = rng_draw(c->seed, (uint64_t)i, step, rng_purpose(purpose, (uint32_t)g));
        memcpy(taste + 4 * g, t.v, sizeof t.v);
        memcpy(occ + 4 * g, o.v, sizeof o.v);
    }
    double V[AD_MAX_BRANDS];
    const double rel = c->beta_R * w->need[i], st = c->sigma_taste, so = c->sigma_occ;
    for (int b = 0; b < nb; b++) /* everything but the Gumbels */
        V[b] = w->br[b].U_base + rel * w->br[b].R + soc * score[b] + (b == cur ? c->beta_stay : 0.0);
    int best = 0, finite = st >= 0 && so >= 0;
    double lo[AD_MAX_BRANDS], hi[AD_MAX_BRANDS], bestlo = -HUGE_VAL, size = 1.0;
    for (int b = 0; b < nb; b++) {
        const int kt = (int)(taste[b] >> 24), ko = (int)(occ[b] >> 24);
        const double a = asc ? asc[b] : 0.0;
        lo[b] = V[b] + st * gb->lo[kt] + so * gb->lo[ko] + a;
        hi[b] = V[b] + st * gb->hi[kt] + so * gb->hi[ko] + a;
        finite &= isfinite(lo[b]) && isfinite(hi[b]);
        size = fabs(lo[b]) > size ? fabs(lo[b]) : size;
        size = fabs(hi[b]) > size ? fabs(hi[b]) : size;
        if (lo[b] > bestlo) { bestlo = lo[b]; best = b; }
    }
    /* roundings: a few, each by 2^-53 of partial sums below size plus the
     * Gumbel terms (|g| < 23) and asc (|asc| < 21) */
    const double doubt = 1e-12 * (size + 23.0 * (fabs(st) + fabs(so)) + 21.0);
    int clear = finite;
    for (int b = 0; b < nb; b++) clear &= b == best || hi[b] + 2 * doubt < bestlo;
    if (clear) return best;
    /* too close to call (or not finite): the Gumbels themselves */
    best = 0;
    double bestU = -HUGE_VAL;
    for (int b = 0; b < nb; b++) {
        double U = V[b] + st * rng_gumbel(taste[b]) + so * rng_gumbel(occ[b]) + (asc ? asc[b] : 0.0);
        if (U > bestU) { bestU = U; best = b; }
    }
    return best;
}

void cust_choose_all(ad_world *w, int with_shares)
{
    double asc[AD_MAX_BRANDS];
    rng_gumbel_bounds gb;
    rng_gumbel_bounds_fill(&gb);
    for (int b = 0; b < w->nb; b++) {
        double s = w->cfg.brands[b].share;
        asc[b] = log(s > 1e-9 ? s : 1e-9);
    }
    uint32_t step = (uint32_t)w->steps;
    #pragma omp parallel for schedule(static) num_threads(w->threads)
    for (int64_t i = 0; i < w->n; i++) {
        int b = choose(w, &gb, i, -1, step, RNG_FIRST_BRAND, with_shares ? asc : NULL);
        w->brand[i] = w->brand_next[i] = (uint8_t)b;
        w->loyalty[i] = 0.5f;
    }
}

/* ---- step 2: contacts ------------------------------------------------ */

/* A number no ad_psw value exceeds: a draw at or above it says "does not
 * reconsider" (most draws: nu is small) without the interpolation, and the
 * answer is the one ad_psw gives. The interpolation stays within its two
 * table entries up to a rounding or two, hence the margin. */
static double psw_bound(const ad_world *w)
{
    double top = 0;
    for (int k = 0; k <= AD_PSW_N + 1; k++) {
        if (!(w->psw[k] >= 0)) return HUGE_VAL; /* not the table we know: no shortcut */
        if (w->psw[k] > top) top = w->psw[k];
    }
    return w->psw_mult >= 0 ? w->psw_mult * top * (1 + 1e-9) : HUGE_VAL;
}

/* c ? a : b through a bit mask: no branch, and a loop of them vectorises */
static inline float select_f(int c, float a, float b)
{
    uint32_t ua, ub;
    const uint32_t mask = 0u - (uint32_t)c;
    memcpy(&ua, &a, sizeof ua);
    memcpy(&ub, &b, sizeof ub);
    ua = (ua & mask) | (ub & ~mask);
    memcpy(&a, &ua, sizeof a);
    return a;
}

/* 1 - exp(-x) within about 2e-6 (x >= 0), with no call: a first look at
 * the contact probability 1 - expf(-x). A draw within CONTACT_DOUBT of it
 * (one customer in a few thousand) is decided with expf itself, so every
 * decision is the one expf gives. exp(-x) = 2^t = 2^e 2^(t - e), the last
 * factor by its Taylor series to degree 7 (error below 1.3e-6). */
#define CONTACT_DOUBT (1.0f / 4096)
static inline float contact_p_near(float x)
{
    float t = x * -1.44269504f;
    t = select_f(t < 0.0f, t, 0.0f);       /* x <= 0 or NaN: p = 0, as the exact form */
    t = select_f(t > -126.0f, t, -126.0f); /* p = 1 to float precision */
    const int e = (int)t;           /* toward zero: t - e in (-1, 0] */
    const float y = (t - (float)e) * 0.693147181f;
    const float q = 1.0f + y * (1.0f + y * (0.5f + y * (1.0f / 6 + y * (1.0f / 24 + y * (1.0f / 120 +
                                                     y * (1.0f / 720 + y * (1.0f / 5040)))))));
    const uint32_t bits = (uint32_t)(e + 127) << 23; /* 2^e as a float */
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return 1.0f - q * scale;
}

/* One block of customers: the block's draws first (one flat loop), then
 * each customer's contact probability (approximate, see contact_p_near),
 * then the decisions. Contact, class, route and success are coin flips no
 * branch predictor can learn, so the decisions are taken without branches:
 * flags index small tables and select through masks. */
static void contacts_block(const contacts_in *restrict in, ad_world *w, int64_t i0, int m,
                           const uint16_t *seq, int64_t (*count)[32])
{
    const uint8_t *restrict brand = w->brand;
    const float *restrict rate = w->rate, *restrict need = w->need;
    float *restrict loyalty = w->loyalty;
    uint8_t *restrict code = w->code;
    const float inv32 = 1.0f / 4294967296.0f;
    rng_block r;
    float lam[CUST_BLOCK], p[CUST_BLOCK];
    rng_draw_list(in->seed, (uint64_t)i0, seq, m, in->step, RNG_CONTACT, &r);
    for (int k = 0; k < m; k++) {
        const int64_t i = i0 + k;
        lam[k] = rate[i] * in->f[brand[i]] * (1.0f + in->kv * (loyalty[i] - 0.5f));
    }
    for (int k = 0; k < m; k++) p[k] = contact_p_near(lam[k]); /* vectorised */
    for (int k = 0; k < m; k++) {
        const int64_t i = i0 + k;
        const int b = brand[i];
        const float l = loyalty[i];
        const float u = (float)r.v[0][k] * inv32;
        uint32_t contact = u < p[k];
        if (fabsf(u - p[k]) < CONTACT_DOUBT) /* too close to call: the exact probability */
            contact = u < (lam[k] > 0.0f ? 1.0f - expf(-lam[k]) : 0.0f);
        /* without a contact loyalty drifts towards 0.5 and the customer may
         * reconsider, decided with the spare word */
        const float drift = (float)((double)l + in->forget * (0.5 - (double)l));
        const double u1 = rng_u01(r.v[1][k]);
        const uint32_t sw = u1 < in->psw_max && u1 < ad_psw_tab(in->psw, in->psw_mult, drift);
        const uint32_t rel = (float)r.v[1][k] * inv32 < need[i];
        const uint32_t autom = (float)r.v[2][k] * inv32 < in->p_auto[b][rel];
        const uint32_t ok = (float)r.v[3][k] * inv32 < in->q_auto[rel];
        const uint32_t used = in->kind[b][autom][ok] | rel << 3, idle = sw << 4;
        const uint32_t mask = 0u - contact; /* all ones with a contact */
        const uint32_t cd = (used & mask) | (idle & ~mask);
        loyalty[i] = select_f((int)contact, l, drift);
        code[i] = (uint8_t)cd;
        count[b][cd]++;
    }
}

void cust_contacts(ad_world *w)
{
    const ad_config *c = &w->cfg;
    contacts_in in = {
        .seed = (uint64_t)c->seed, .step = (uint32_t)w->steps,
        .kv = (float)c->k_visits, .q_auto = {(float)c->q_at, (float)c->q_ar},
        .forget = c->loyalty_forget, .psw = w->psw, .psw_mult = w->psw_mult, .psw_max = psw_bound(w),
    };
    for (int b = 0; b < w->nb; b++) {
        in.f[b] = (float)w->br[b].f;
        in.p_auto[b][0] = (float)w->br[b].p_auto_trans;
        in.p_auto[b][1] = (float)w->br[b].p_auto_rel;
        in.kind[b][0][0] = in.kind[b][0][1] = AD_C_HUMAN;
        in.kind[b][1][0] = c->brands[b].escalation ? AD_C_AUTO_ESC : AD_C_AUTO_FRUST;
        in.kind[b][1][1] = AD_C_AUTO_OK;
    }
    const int64_t n = w->n, nblocks = (n + CUST_BLOCK - 1) / CUST_BLOCK;

    #pragma omp parallel num_threads(w->threads)
    {
        int64_t count[AD_MAX_BRANDS][32];
        memset(count, 0, sizeof count);
        uint16_t seq[CUST_BLOCK];
        for (int k = 0; k < CUST_BLOCK; k++) seq[k] = (uint16_t)k;
        #pragma omp for schedule(static)
        for (int64_t blk = 0; blk < nblocks; blk++) {
            int64_t i0 = blk * CUST_BLOCK;
            contacts_block(&in, w, i0, (int)(n - i0 < CUST_BLOCK ? n - i0 : CUST_BLOCK), seq, count);
        }
        /* codes to counts: integers, so the sum over threads is exact */
        int64_t(*acc)[AC_N] = w->acc[omp_get_thread_num()].v;
        for (int b = 0; b < w->nb; b++)
            for (int cd = 0; cd < 32; cd++) {
                int64_t x = count[b][cd];
                int kind = cd & 7;
                if (kind == AD_C_NONE || x == 0) continue;
                acc[b][AC_VISITS] += x;
                acc[b][AC_REL] += cd & AD_C_REL ? x : 0;
                acc[b][AC_AUTO] += kind != AD_C_HUMAN ? x : 0;
                acc[b][AC_ESC] += kind == AD_C_AUTO_ESC ? x : 0;
                acc[b][AC_HUMAN] += kind == AD_C_HUMAN || kind == AD_C_AUTO_ESC ? x : 0;
            }
    }
}

/* ---- steps 4-8: service, satisfaction, loyalty, switching ------------- */

/* One thread's state in cust_serve: its sums, and the scratch of the block
 * in hand (the contacts listed, their draws and social counts, and what the
 * settling pass needs of them). */
typedef struct serve_scratch {
    int64_t acc[AD_MAX_BRANDS][AC_N]; /* this thread's sums, added to A once */
    ad_acc *A;                      /* this thread's accumulators (histograms) */
    int64_t *warm;                  /* this thread's warmth per employee (owned), */
    int32_t *load;                  /* and contacts; NULL: add to w's atomically */
    rng_block r;                    /* RNG_SERVICE words of contact q */
    uint16_t list[CUST_BLOCK];      /* contacts: offsets in the block */
    rng_block tip[AD_TIP_N / 4];    /* RNG_TIP words of the h-th contact served by a person */
    uint16_t human[CUST_BLOCK];     /* those contacts: offsets in the block */
    int nh, th;                     /* how many; the next one to serve */
    int32_t emp[CUST_BLOCK];        /* employee who serves contact q (if a person) */
    float eng[CUST_BLOCK];          /* and that employee's engagement */
    uint8_t recon[CUST_BLOCK];      /* customer k reconsiders */
    uint8_t pick[CUST_BLOCK];       /* brand customer k chose on reconsidering */
    double d[CUST_BLOCK];           /* customer k's deficit, unrounded */
} serve_scratch;

/* Service of contact q (steps 4-7) of the block at i0. */
static inline void serve_one(const serve_in *restrict in, ad_world *w, int64_t i0, int q,
                             serve_scratch *restrict s)
{
    int64_t(*acc)[AC_N] = s->acc;
    const int k = s->list[q];
    const int64_t i = i0 + k;
    const int b = w->brand[i], cd = w->code[i];
    const int rel = (cd & AD_C_REL) != 0, kind = cd & 7;
    const uint32_t r1 = s->r.v[1][q], r2 = s->r.v[2][q], r3 = s->r.v[3][q];
    double l = w->loyalty[i], d = w->deficit[i];
    int human = kind == AD_C_HUMAN || kind == AD_C_AUTO_ESC;
    const int nostaff = human && in->H[b] == 0; /* nobody left: the contact ends unserved */
    human &= !nostaff;
    double att = human || nostaff ? 0.0 : in->a_bot; /* an automated contact's attention */
    int succ = kind == AD_C_AUTO_OK;
    if (human) {
        const int64_t j = s->emp[q];
        att = s->eng[q] * in->attf[b];
        succ = rng_u01(r1) < in->qh[b];
        int64_t warm = ad_fx(w->open[i] * att);
        if (s->warm) {
            s->warm[j] += warm;
            s->load[j]++;
        } else {
            #pragma omp atomic
            w->e_warm[j] += warm;
            #pragma omp atomic
            w->e_load[j] += 1;
        }
    }
    const int frus = !human && !succ;
    /* an escalated contact failed with the robot first */
    double S = in->base_S[b] + in->w_T * succ - in->w_X * frus + (human ? -in->wait[b] : 0.0) -
               (kind == AD_C_AUTO_ESC ? in->w_E : 0.0) +
               (rel ? in->w_A * att * (1.0 + in->theta * d) : 0.0) + in->noise_w * (rng_u01(r2) - 0.5);
    S = S < 0 ? 0 : (S > 1 ? 1 : S);
    d = rel ? (1.0 - in->mu) * d + in->mu * (1.0 - att) : d;
    double soc = in->soc_on ? in->per_deg[net_on_brand(w->nbr, in->deg, i, w->brand, b)] - in->share[b] : 0.0;
    double x = w->expect[i];
    double V = S + in->k_x * (S - x) + in->loyal_const[b] + in->k_soc * soc;
    l += in->loyalty_rate * (V - l);
    w->expect[i] = (float)(x + in->beta_x * (S - x));
    int ex = S >= in->promoter_min ? 1 : (S < in->detractor_max ? -1 : 0);
    w->exper_next[i] = (int8_t)ex;
    if (human && in->tip_on) {
        uint32_t word[AD_TIP_N];
        const int h = s->th++;
        for (int g = 0; g < AD_TIP_N / 4; g++)
            for (int u = 0; u < 4; u++) word[4 * g + u] = s->tip[g].v[u][h];
        double tr = tip_rate_words(&w->cfg, in->tipf, word, att, succ, w->tipprop[i]);
        acc[b][AC_TIPRATE] += ad_fx(tr);
        acc[b][AC_TIPPED]++;
        acc[b][AC_TIP_X] += ad_fx(att);
        acc[b][AC_TIP_XX] += ad_fx(att * att);
        acc[b][AC_TIP_XY] += ad_fx(att * tr);
    }
    const int64_t fatt = ad_fx(att);
    acc[b][AC_NOSTAFF] += nostaff;
    acc[b][AC_FRUST] += frus;
    acc[b][AC_REL_HUMAN] += rel && human;
    acc[b][AC_ATT] += fatt;
    acc[b][AC_ATT_REL] += rel ? fatt : 0;
    acc[b][AC_SAT] += ad_fx(S);
    acc[b][AC_PROM] += ex > 0;
    acc[b][AC_DET] += ex < 0;
    if (in->recording) s->A->hist[AD_S_satisfaction][b][hist_bin(S)]++;
    float lf = clamp01f((float)l);
    w->loyalty[i] = lf;
    s->d[k] = d;
    w->deficit[i] = (float)d;
    const double u3 = rng_u01(r3);
    s->recon[k] = u3 < in->psw_max && u3 < ad_psw_tab(in->psw, in->psw_mult, lf);
    if (s->recon[k]) { /* what choose will read (the neighbours' brands are asked for) */
        __builtin_prefetch(w->need + i);
        if (in->deg > 0) net_prefetch_exper(w->nbr, in->deg, i, w->exper);
    }
}

/* One block: list the contacts, draw for them in one flat loop, serve them
 * (prefetching neighbours a few contacts ahead), then settle every
 * customer: switching and the per-brand sums. */
static void serve_block(const serve_in *restrict in, ad_world *w, int64_t i0, int m,
                        serve_scratch *restrict s)
{
    int64_t(*acc)[AC_N] = s->acc;
    const uint8_t *restrict code = w->code;
    int mc = 0;
    for (int k = 0; k < m; k++) {
        const int cd = code[i0 + k];
        s->list[mc] = (uint16_t)k;
        mc += (cd & 7) != AD_C_NONE;
        s->recon[k] = (cd & AD_C_SWITCH) != 0;
        s->d[k] = w->deficit[i0 + k];
    }
    memcpy(w->exper_next + i0, w->exper + i0, (size_t)m); /* no contact: last experience stays */
    /* few customers reconsider (about one in a hundred), each reading its
     * need and its neighbours' brand and experience from anywhere in memory.
     * For the next block's customers without a contact, who reconsider
     * already now, ask for need and neighbour list; their neighbours are
     * asked for at the end of this block, so choose finds all in cache. */
    int64_t next[CUST_BLOCK];
    int nn = 0;
    const int64_t n1 = i0 + m + CUST_BLOCK < w->n ? i0 + m + CUST_BLOCK : w->n;
    for (int64_t i = i0 + m; i < n1; i++) {
        if (code[i] & AD_C_SWITCH) {
            next[nn++] = i;
            __builtin_prefetch(w->need + i);
            if (in->deg > 0) __builtin_prefetch(w->nbr + (int64_t)in->deg * i);
        }
    }
    rng_draw_list(in->seed, (uint64_t)i0, s->list, mc, in->step, RNG_SERVICE, &s->r);
    /* who serves each contact routed to a person, and how engaged: one
     * flat loop of independent loads (a contact not served by a person
     * reads active[0], unused) */
    s->nh = s->th = 0;
    if (in->off[w->nb - 1] + in->H[w->nb - 1] > 0) {
        const uint8_t *restrict brand = w->brand;
        for (int q = 0; q < mc; q++) {
            const int64_t i = i0 + s->list[q];
            const int b = brand[i], kind = code[i] & 7;
            const int human = (kind == AD_C_HUMAN || kind == AD_C_AUTO_ESC) && in->H[b] > 0;
            const int64_t pos = human ? in->off[b] + (int64_t)(rng_u01(s->r.v[0][q]) * (double)in->H[b]) : 0;
            const int32_t j = w->active[pos];
            s->emp[q] = j;
            s->eng[q] = w->e_eng[j];
            s->human[s->nh] = s->list[q];
            s->nh += human;
        }
    }
    if (in->tip_on) /* the tips' words of those served by a person, in the order served */
        for (int g = 0; g < AD_TIP_N / 4; g++)
            rng_draw_list(in->seed, (uint64_t)i0, s->human, s->nh, in->step, rng_purpose(RNG_TIP, (uint32_t)g),
                          &s->tip[g]);
    /* a contact's rewired neighbours are anywhere in memory: ask for their
     * brands SOC_AHEAD contacts early, so the misses overlap with service */
    for (int q = 0; q < mc; q++) {
        if (in->soc_on && q + SOC_AHEAD < mc)
            net_prefetch(w->nbr, in->deg, i0 + s->list[q + SOC_AHEAD], w->brand);
        serve_one(in, w, i0, q, s);
    }
    /* step 8: those who reconsider choose (their scattered reads were asked
     * for ahead: see above and serve_one) */
    const uint8_t *restrict brand = w->brand;
    for (int k = 0; k < m; k++)
        if (s->recon[k]) s->pick[k] = (uint8_t)choose(w, &in->gb, i0 + k, brand[i0 + k], in->step, RNG_OCCASION, NULL);
    /* the next block's customers without a contact who reconsider: their
     * neighbours (their lists were asked for at the start of this block) */
    if (in->deg > 0)
        for (int q = 0; q < nn; q++) net_prefetch2(w->nbr, in->deg, next[q], w->brand, w->exper);
    uint8_t *restrict brand_next = w->brand_next;
    float *restrict loyalty = w->loyalty;
    for (int k = 0; k < m; k++) {
        const int64_t i = i0 + k;
        const int b = brand[i], kind = code[i] & 7;
        float l = loyalty[i];
        int nb_i = b;
        if (s->recon[k]) {
            nb_i = s->pick[k];
            if (nb_i != b) {
                l = 0.5f;
                loyalty[i] = l;
                w->exper_next[i] = 0; /* neighbours hear nothing of the new brand yet */
                acc[b][AC_OUT]++;
                acc[nb_i][AC_IN]++;
            }
        }
        brand_next[i] = (uint8_t)nb_i;
        const int64_t fl = ad_fx(l);
        const int human_only = kind == AD_C_HUMAN, robot_only = kind == AD_C_AUTO_OK || kind == AD_C_AUTO_FRUST;
        int64_t *an = acc[nb_i];
        an[AC_CUST]++;
        an[AC_LOY] += fl;
        an[AC_DEFICIT] += ad_fx(s->d[k]);
        an[AC_HUMAN_ONLY] += human_only;
        an[AC_HUMAN_ONLY_LOY] += human_only ? fl : 0;
        an[AC_ROBOT_ONLY] += robot_only;
        an[AC_ROBOT_ONLY_LOY] += robot_only ? fl : 0;
        if (in->stated[nb_i] > 0) {
            rng4 ra = rng_draw(in->seed, (uint64_t)i, in->avoid_key[nb_i], RNG_AVOID);
            an[AC_AVOID] += rng_u01(ra.v[0]) < in->stated[nb_i];
        }
        if (in->recording) {
            s->A->hist[AD_S_loyalty][nb_i][hist_bin(l)]++;
            s->A->hist[AD_S_deficit][nb_i][hist_bin(s->d[k])]++;
        }
    }
}

void cust_serve(ad_world *w)
{
    const ad_config *c = &w->cfg;
    serve_in in = {
        .seed = (uint64_t)c->seed, .step = (uint32_t)w->steps, .deg = w->deg,
        .soc_on = w->deg > 0 && c->k_soc != 0, .recording = w->recording, .tip_on = c->tip_on,
        .w_T = c->w_T, .w_X = c->w_X, .w_E = c->w_E, .a_bot = c->a_bot, .w_A = c->w_A, .theta = c->theta, .mu = c->mu,
        .k_x = c->k_x, .k_soc = c->k_soc, .loyalty_rate = c->loyalty_rate, .beta_x = c->beta_x,
        .promoter_min = c->promoter_min, .detractor_max = c->detractor_max,
        .noise_w = c->s_noise * 3.4641016151377544, /* sd s_noise: width sqrt(12) s */
        .psw = w->psw, .psw_mult = w->psw_mult, .psw_max = psw_bound(w),
    };
    for (int b = 0; b < w->nb; b++) {
        const ad_brand_state *s = &w->br[b];
        in.base_S[b] = c->w_F * (s->F - c->w_pv * (s->price - w->mean_price) / w->mean_price);
        in.attf[b] = s->att_factor;
        in.wait[b] = c->w_W * (1.0 - s->dil);
        in.qh[b] = s->q_h;
        in.loyal_const[b] = c->k_rep * s->rep - c->shock_loyalty * s->stated;
        in.share[b] = s->share;
        in.stated[b] = s->stated;
        in.avoid_key[b] = (uint32_t)(s->shock_event + 1);
        in.off[b] = w->active_off[b];
        in.H[b] = w->active_off[b + 1] - w->active_off[b];
    }
    tip_factors(c, in.tipf);
    rng_gumbel_bounds_fill(&in.gb);
    for (int k = 0; k <= AD_NET_MAX_DEG && k <= in.deg; k++) in.per_deg[k] = (double)k / in.deg;
    const int64_t n = w->n, nblocks = (n + CUST_BLOCK - 1) / CUST_BLOCK;

    /* each thread adds warmth and load to its own zeroed copy of the
     * employees' sums; the copies are added up after the loop (integers, so
     * in any order). A thread without memory for a copy adds atomically. */
    const int64_t ne = w->ne;
    int64_t **warm = calloc((size_t)w->acc_n, sizeof *warm);
    int32_t **load = calloc((size_t)w->acc_n, sizeof *load);

    #pragma omp parallel num_threads(w->threads)
    {
        const int t = omp_get_thread_num();
        serve_scratch s; /* about 26 KB */
        memset(s.acc, 0, sizeof s.acc);
        s.A = &w->acc[t];
        s.warm = warm && load && ne > 0 ? calloc((size_t)ne, sizeof *s.warm) : NULL;
        s.load = s.warm ? calloc((size_t)ne, sizeof *s.load) : NULL;
        if (!s.load) { free(s.warm); s.warm = NULL; }
        if (s.warm) { warm[t] = s.warm; load[t] = s.load; }
        #pragma omp for schedule(static)
        for (int64_t blk = 0; blk < nblocks; blk++) {
            int64_t i0 = blk * CUST_BLOCK;
            serve_block(&in, w, i0, (int)(n - i0 < CUST_BLOCK ? n - i0 : CUST_BLOCK), &s);
        }
        for (int b = 0; b < w->nb; b++)
            for (int f = 0; f < AC_N; f++) s.A->v[b][f] += s.acc[b][f];
        if (warm && load) { /* the implied barrier of the loop above has every copy complete */
            #pragma omp for schedule(static)
            for (int64_t j = 0; j < ne; j++)
                for (int u = 0; u < w->acc_n; u++)
                    if (warm[u]) {
                        w->e_warm[j] += warm[u][j];
                        w->e_load[j] += load[u][j];
                    }
        }
        free(s.warm);
        free(s.load);
    }
    free(warm);
    free(load);
}
