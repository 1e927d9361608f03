/* service.h: one contact's service (docs/model.md 7.6, 7.8, 7.9), private
 * to serve.c.
 *
 * serve_lanes_body applies the equations of equations.h to each contact q
 * of a block: who served it (person, robot, nobody left), attention,
 * success, satisfaction, the new attention deficit, expectation and
 * loyalty, the experience told to the neighbours and the contact's counts;
 * from the contact's state gathered into serve_lanes and the brand-level
 * serve_in, with no branch and no call, so the compiler runs it in vector
 * lanes. serve.c compiles it for AVX-512, AVX2 and plain (chosen once per
 * world); all are the same IEEE arithmetic without contraction, so all give
 * the same bytes (test_simd). serve.c gathers before and stores, sums and
 * hands out after.
 */
#ifndef AD_SERVICE_H
#define AD_SERVICE_H

#include "cust_priv.h"
#include "equations.h"
#include "network.h"
#include "params.h"

/* brand-level inputs and parameters of cust_serve, copied once per step */
typedef struct serve_in {
    uint64_t seed;
    uint32_t step;
    int deg, soc_on, recording, tip_on;
    /* the brand parts of the equations: satisfaction, waiting, attention
     * factor, human success, loyalty's pull; the brand's share */
    double base_S[AD_MAX_BRANDS], wait[AD_MAX_BRANDS], attf[AD_MAX_BRANDS], qh[AD_MAX_BRANDS];
    double loyal_const[AD_MAX_BRANDS], share[AD_MAX_BRANDS], stated[AD_MAX_BRANDS];
    int any_stated;                     /* some stated[b] > 0 */
    uint32_t avoid_key[AD_MAX_BRANDS];
    int64_t off[AD_MAX_BRANDS], H[AD_MAX_BRANDS]; /* active employees of b: active[off .. off + H) */
    uint64_t staffless[AD_MAX_BRANDS];  /* H[b] == 0 (64 bits, as the other tables: vector gathers) */
    int simd;                           /* w->simd: which serve_block_* */
    eq_contact_params p;                /* the parameters of the contact's equations */
    double a_machine[AD_MAX_BRANDS * 2];  /* attention of an automated contact: [2 b + relational] */
    double e0, att_eng;                 /* employee.base, employee.attention_engagement */
    const double *psw;                  /* w->psw */
    double psw_mult, psw_max;           /* psw_max: see psw_bound */
    double tipf[AD_TIP_N];
    rng_gumbel_bounds gb;               /* for cust_choose */
    double per_deg[AD_NET_MAX_DEG + 1]; /* (double)c / deg, no division per contact */
} serve_in;

/* what serve_lanes_body says of a contact, in flags, beside its counts:
 * the service succeeded; the customer may reconsider (its word is below
 * the largest switching probability) */
enum { SL_SUCC = 1, SL_MAY_RECON = 2 };

/* The contact's counts (0 or 1 each) in one word, a field of SL_BITS bits
 * each: serve.c adds the words of a block's contacts per brand, then takes
 * the fields apart (a block has at most CUST_BLOCK < 2^SL_BITS contacts). */
enum { SL_BITS = 12, SL_NOSTAFF_AT = 0, SL_FRUS_AT = 12, SL_REL_HUMAN_AT = 24, SL_PROM_AT = 36, SL_DET_AT = 48 };

/* contact q of the block, in and out */
typedef struct serve_lanes {
    int64_t b[CUST_BLOCK];                  /* in: brand */
    uint32_t cd[CUST_BLOCK];                /* in: contact code */
    int64_t soc[CUST_BLOCK];                /* in: neighbours on the brand */
    float l[CUST_BLOCK], d[CUST_BLOCK], x[CUST_BLOCK], open[CUST_BLOCK]; /* in: loyalty, deficit, expectation, openness */
    double S[CUST_BLOCK], dn[CUST_BLOCK], att[CUST_BLOCK]; /* out: satisfaction, new deficit, attention */
    float lf[CUST_BLOCK], xn[CUST_BLOCK];   /* out: new loyalty, expectation */
    int32_t ex[CUST_BLOCK];                 /* out: experience -1, 0, 1 */
    uint32_t flags[CUST_BLOCK];             /* out: SL_* */
    uint64_t counts[CUST_BLOCK];            /* out: counts, SL_*_AT */
} serve_lanes;

/* eng[q]: engagement of the employee drawn for contact q (any finite value
 * when not served by a person); r: the RNG_SERVICE words. */
static inline __attribute__((always_inline)) void serve_lanes_body(const serve_in *restrict in,
                                                                   const float *restrict eng,
                                                                   const rng_block *restrict r,
                                                                   serve_lanes *restrict v, int mc)
{
    const eq_contact_params *p = &in->p;
    for (int q = 0; q < mc; q++) {
        const int64_t b = v->b[q]; /* 64 bits, as the tables it indexes: a vector gather */
        const uint32_t cd = v->cd[q];
        const uint32_t rel = (cd & AD_C_REL) != 0, kind = cd & 7;
        const uint32_t esc = kind == AD_C_AUTO_ESC;
        const uint32_t routed = (uint32_t)(kind == AD_C_HUMAN) | esc;
        const uint32_t nostaff = routed & (uint32_t)in->staffless[b]; /* nobody left: the contact ends unserved */
        const uint32_t human = routed & (nostaff ^ 1u);
        const double att = eq_attention(human, nostaff, eq_person_attention(eng[q], in->attf[b], in->e0, in->att_eng),
                                        in->a_machine[2 * b + rel]);
        const uint32_t succ_h = rng_u01_lanes(r->v[1][q]) < in->qh[b], succ_a = kind == AD_C_AUTO_OK;
        const uint32_t succ = (succ_h & human) | (succ_a & (human ^ 1u));
        const uint32_t frus = (human | succ) ^ 1u;
        const double d = v->d[q];
        const double S = eq_satisfaction(p, in->base_S[b], in->wait[b], succ, frus, human, esc, rel, att, d,
                                         rng_u01_lanes(r->v[2][q]));
        const double soc = select_d(in->soc_on, eq_social(in->per_deg[v->soc[q]], in->share[b]), 0.0);
        const double x = v->x[q], l = v->l[q];
        const double V = eq_loyalty_pull(p, S, x, in->loyal_const[b], soc);
        const uint32_t prom = eq_promoter(p, S), det = eq_detractor(p, S);
        v->dn[q] = eq_deficit(p, rel, d, att);
        v->xn[q] = eq_expectation(p, x, S);
        v->ex[q] = (int32_t)prom - (int32_t)det;
        v->lf[q] = eq_loyalty(p, l, V);
        v->S[q] = S;
        v->att[q] = att;
        v->flags[q] = succ | (uint32_t)(rng_u01_lanes(r->v[3][q]) < in->psw_max) << 1;
        v->counts[q] = (uint64_t)nostaff << SL_NOSTAFF_AT | (uint64_t)frus << SL_FRUS_AT |
                       (uint64_t)(rel & human) << SL_REL_HUMAN_AT | (uint64_t)prom << SL_PROM_AT |
                       (uint64_t)det << SL_DET_AT;
    }
}


#endif
