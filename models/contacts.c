/* contacts.c: contacts and their routes (docs/model.md 7.4, 7.5;
 * cust_contacts).
 *
 * Each customer, from rng(seed, i, step, RNG_CONTACT), makes a contact or
 * not, and a contact is relational or transactional, routed to a person or
 * to the automated channel, which solves it or not (escalating or
 * frustrating): the equations of equations.h. A customer without a contact
 * may reconsider its brand this week (its loyalty drifts first). Writes
 * code[i] and loyalty[i]; counts contacts per brand and code in the
 * thread's accumulators.
 *
 * Speed: blocks of CUST_BLOCK customers. Each block draws its random words
 * in one flat loop (vectorised Philox), then decides in one flat loop
 * without branches or calls, which the compiler runs in vector lanes
 * (compiled once per vector level, chosen once per world: w->simd; every
 * level gives the same bytes). The few customers whose answer that loop
 * cannot give exactly are redone one by one. Counts go to a stack array of
 * the thread. Threads take the blocks in chunks as they come free.
 */
#include "customer.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "cust_priv.h"
#include "equations.h"

/* brand-level inputs of cust_contacts, copied once per step */
typedef struct contacts_in {
    uint64_t seed;
    uint32_t step;
    float f[AD_MAX_BRANDS];             /* visit-rate factor */
    float p_auto[AD_MAX_BRANDS * 2];    /* routing to the robot: [2 b + relational] */
    float p_trans[AD_MAX_BRANDS], p_rel[AD_MAX_BRANDS]; /* the same by class, for brand_pick */
    float q_trans;                      /* automated success on a transactional contact */
    float q_rel[AD_MAX_BRANDS];         /* and on a relational one, per brand (C5's switch) */
    uint32_t failed[AD_MAX_BRANDS];     /* kind of an automated contact not solved */
    int simd;                           /* w->simd: which contacts_block_* */
    int nb;                             /* brands */
    float kv;
    double forget;
    const double *psw;                  /* w->psw */
    double psw_mult, psw_max;           /* psw_max: see psw_bound */
} contacts_in;

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

enum { CHECK_DOUBT = 1, CHECK_SWITCH = 2 };

/* Brand b's entry of a table of 8 (b < 8) without a lookup in memory: a
 * chain of selects over the table, which the compiler keeps in registers.
 * For levels without fast vector gathers (AVX2): a lane-by-lane lookup
 * costs more than eight selects. The same value as t[b]. */
static inline __attribute__((always_inline)) float brand_pick_f(const float *t, int b)
{
    float x = t[0];
    for (int j = 1; j < 8; j++) x = select_f(b == j, t[j], x);
    return x;
}

static inline __attribute__((always_inline)) uint32_t brand_pick_u(const uint32_t *t, int b)
{
    uint32_t x = t[0];
    for (int j = 1; j < 8; j++) x = select_u((uint32_t)(b == j), t[j], x);
    return x;
}

/* a uniform draw in [0, 1) as a float, from one word */
static inline float u01f(uint32_t x) { return (float)x * (1.0f / 4294967296.0f); }

/* The decisions of customers k0 .. m (arrays start at the block's first),
 * all but the rare ones: contact by the approximate probability, class,
 * route, success; the code, and loyalty (drifting without a contact).
 * check[k] says where the answer may differ from the exact rule: CHECK_DOUBT,
 * a draw within CONTACT_DOUBT of the probability (decide_exact redoes the
 * customer), or CHECK_SWITCH, a customer without a contact whose word may
 * make it reconsider (only that is left to decide: reconsiders). No branch
 * and no call: the compiler runs the loop across vector lanes. lold keeps
 * the loyalty before the week for decide_exact. pick (a constant in each
 * caller): the brand tables are read by brand_pick (at most 8 brands). */
static inline __attribute__((always_inline)) void decide_body(const contacts_in *restrict in,
                                                              const uint8_t *restrict brand,
                                                              const float *restrict rate,
                                                              const float *restrict need, float *restrict loyalty,
                                                              uint8_t *restrict code, uint8_t *restrict check,
                                                              float *restrict lold, const rng_block *restrict r,
                                                              int k0, int m, int pick)
{
    for (int k = k0; k < m; k++) {
        const int b = brand[k];
        const float l = loyalty[k];
        const float f_b = pick ? brand_pick_f(in->f, b) : in->f[b];
        const float lam = eq_contact_rate(rate[k], f_b, in->kv, l);
        const float p = contact_p_near(lam);
        const float u = u01f(r->v[0][k]);
        const uint32_t contact = u < p, doubt = fabsf(u - p) < CONTACT_DOUBT;
        const float drift = eq_forget(l, in->forget);
        const uint32_t may_switch = rng_u01(r->v[1][k]) < in->psw_max;
        const uint32_t rel = eq_relational(u01f(r->v[1][k]), need[k]);
        const float p_auto = pick ? select_f((int)rel, brand_pick_f(in->p_rel, b), brand_pick_f(in->p_trans, b))
                                  : in->p_auto[2 * b + rel];
        const uint32_t failed = pick ? brand_pick_u(in->failed, b) : in->failed[b];
        const uint32_t used = eq_contact_kind(u01f(r->v[2][k]), p_auto, u01f(r->v[3][k]),
                                              select_f((int)rel, pick ? brand_pick_f(in->q_rel, b) : in->q_rel[b], in->q_trans),
                                              failed) |
                              rel << 3;
        code[k] = (uint8_t)(used & (0u - contact));
        lold[k] = l;
        loyalty[k] = select_f((int)contact, l, drift);
        check[k] = (uint8_t)(doubt * CHECK_DOUBT | (may_switch & (contact ^ 1u)) * CHECK_SWITCH);
    }
}

/* Whether a customer without a contact whose word is x and whose loyalty
 * has drifted to drift reconsiders its brand this week */
static inline uint32_t reconsiders(const contacts_in *restrict in, uint32_t x, float drift)
{
    const double u1 = rng_u01(x);
    return u1 < in->psw_max && u1 < ad_psw_tab(in->psw, in->psw_mult, drift);
}

/* Customer k's decisions by the exact rule (l its loyalty before the
 * week): where decide_body flagged it. Writes code and loyalty. */
static void decide_exact(const contacts_in *restrict in, int b, float l, float need, float rate,
                         const rng_block *restrict r, int k, uint8_t *code, float *loyalty)
{
    const float lam = eq_contact_rate(rate, in->f[b], in->kv, l);
    const float p = contact_p_near(lam);
    const float u = u01f(r->v[0][k]);
    uint32_t contact = u < p;
    if (fabsf(u - p) < CONTACT_DOUBT) /* too close to call: the exact probability */
        contact = u < eq_contact_probability(lam);
    /* without a contact loyalty drifts towards 0.5 and the customer may
     * reconsider, decided with the spare word */
    const float drift = eq_forget(l, in->forget);
    const uint32_t sw = reconsiders(in, r->v[1][k], drift);
    const uint32_t rel = eq_relational(u01f(r->v[1][k]), need);
    const uint32_t used = eq_contact_kind(u01f(r->v[2][k]), in->p_auto[2 * b + rel], u01f(r->v[3][k]),
                                          rel ? in->q_rel[b] : in->q_trans, in->failed[b]) |
                          rel << 3;
    *code = (uint8_t)(contact ? used : sw * AD_C_SWITCH);
    *loyalty = contact ? l : drift;
}

/* One block of customers: the block's draws (one flat loop), the decisions
 * in vector lanes (decide_body), then the few flagged ones (found 8 flags
 * at a time: most words of flags are zero), then the codes counted per
 * brand. Contact, class, route and success are coin flips no branch
 * predictor can learn; only the rare flags branch. */
static inline __attribute__((always_inline)) void contacts_block_body(const contacts_in *restrict in, ad_world *w,
                                                                      int64_t i0, int m, const uint16_t *seq,
                                                                      int64_t (*count)[AD_MAX_BRANDS][32], int level,
                                                                      int pick)
{
    const uint8_t *restrict brand = w->brand + i0;
    float *restrict loyalty = w->loyalty + i0;
    uint8_t *restrict code = w->code + i0;
    rng_block r;
    uint8_t check[CUST_BLOCK];
    float lold[CUST_BLOCK];
    rng_draw_list(level, in->seed, (uint64_t)i0, seq, m, in->step, RNG_CONTACT, &r);
    decide_body(in, brand, w->rate + i0, w->need + i0, loyalty, code, check, lold, &r, 0, m, pick);
    for (int k8 = 0; k8 < m; k8 += 8) {
        uint64_t word = 0;
        if (k8 + 8 <= m) memcpy(&word, check + k8, 8);
        else
            for (int k = k8; k < m; k++) word |= check[k];
        if (!word) continue;
        for (int k = k8; k < k8 + 8 && k < m; k++) {
            if (check[k] & CHECK_DOUBT)
                decide_exact(in, brand[k], lold[k], w->need[i0 + k], w->rate[i0 + k], &r, k, code + k, loyalty + k);
            else if (check[k]) /* no contact, and its loyalty has drifted already */
                code[k] = (uint8_t)(reconsiders(in, r.v[1][k], loyalty[k]) * AD_C_SWITCH);
        }
    }
    for (int k = 0; k < m; k++) count[k & 3][brand[k]][code[k]]++; /* four tables in turn: neighbours often add to one entry */
}

/* contacts_block_body compiled for each vector level (w->simd): the
 * compiler runs decide_body and the Philox rounds in as many lanes as the
 * level has; the same IEEE operations on every level, so the same bytes */
#if RNG_X86
static __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq"))) void contacts_block_avx512(
    const contacts_in *restrict in, ad_world *w, int64_t i0, int m, const uint16_t *seq, int64_t (*count)[AD_MAX_BRANDS][32])
{
    contacts_block_body(in, w, i0, m, seq, count, RNG_SIMD_AVX512, 0);
}

static __attribute__((target("avx2"))) void contacts_block_avx2(const contacts_in *restrict in, ad_world *w,
                                                                int64_t i0, int m, const uint16_t *seq,
                                                                int64_t (*count)[AD_MAX_BRANDS][32])
{
    if (in->nb <= 8) contacts_block_body(in, w, i0, m, seq, count, RNG_SIMD_AVX2, 1);
    else contacts_block_body(in, w, i0, m, seq, count, RNG_SIMD_AVX2, 0);
}
#endif

static void contacts_block_plain(const contacts_in *restrict in, ad_world *w, int64_t i0, int m, const uint16_t *seq,
                                 int64_t (*count)[AD_MAX_BRANDS][32])
{
    contacts_block_body(in, w, i0, m, seq, count, RNG_SIMD_PLAIN, 0);
}

static void contacts_block(const contacts_in *restrict in, ad_world *w, int64_t i0, int m, const uint16_t *seq,
                           int64_t (*count)[AD_MAX_BRANDS][32])
{
#if RNG_X86
    if (in->simd == RNG_SIMD_AVX512) contacts_block_avx512(in, w, i0, m, seq, count);
    else if (in->simd == RNG_SIMD_AVX2) contacts_block_avx2(in, w, i0, m, seq, count);
    else
#endif
        contacts_block_plain(in, w, i0, m, seq, count);
}

void cust_contacts(ad_world *w)
{
    const ad_config *c = &w->cfg;
    contacts_in in = {
        .seed = (uint64_t)c->seed, .step = (uint32_t)w->steps,
        .kv = (float)c->k_visits, .q_trans = (float)c->q_at,
        .forget = c->loyalty_forget, .psw = w->psw, .psw_mult = w->psw_mult, .psw_max = psw_bound(w),
    };
    in.simd = w->simd; /* the same decisions on every level */
    in.nb = w->nb;
    for (int b = 0; b < w->nb; b++) {
        in.f[b] = (float)w->br[b].f;
        in.p_auto[2 * b] = (float)w->br[b].p_auto_trans;
        in.p_auto[2 * b + 1] = (float)w->br[b].p_auto_rel;
        in.p_trans[b] = in.p_auto[2 * b];
        in.p_rel[b] = in.p_auto[2 * b + 1];
        in.q_rel[b] = (float)w->br[b].q_machine_rel;
        in.failed[b] = c->brands[b].escalation ? AD_C_AUTO_ESC : AD_C_AUTO_FRUST;
    }
    const int64_t n = w->n, nblocks = (n + CUST_BLOCK - 1) / CUST_BLOCK;

    #pragma omp parallel num_threads(w->threads)
    {
        int64_t count[4][AD_MAX_BRANDS][32];
        memset(count, 0, sizeof count);
        uint16_t seq[CUST_BLOCK];
        for (int k = 0; k < CUST_BLOCK; k++) seq[k] = (uint16_t)k;
        #pragma omp for schedule(dynamic, 16) /* as in cust_serve: a held-up thread's blocks go to the other */
        for (int64_t blk = 0; blk < nblocks; blk++) {
            int64_t i0 = blk * CUST_BLOCK;
            contacts_block(&in, w, i0, (int)(n - i0 < CUST_BLOCK ? n - i0 : CUST_BLOCK), seq, count);
        }
        /* codes to counts: integers, so the sum over threads is exact */
        int64_t(*acc)[AC_N] = w->acc[omp_get_thread_num()].v;
        for (int b = 0; b < w->nb; b++)
            for (int cd = 0; cd < 32; cd++) {
                int64_t x = count[0][b][cd] + count[1][b][cd] + count[2][b][cd] + count[3][b][cd];
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
