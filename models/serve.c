/* serve.c: service, satisfaction, loyalty and switching (MODEL.md steps
 * 4-8, cust_serve).
 *
 * Each contact of the week is served: by a person of its brand (drawn from
 * the active staff; reads last week's engagement, adds warmth and load to
 * that employee through the thread's own copy), or by the automated
 * channel. Then tips, satisfaction, attention deficit, expectation and
 * loyalty; word of mouth from last week's brands of the neighbours. Those
 * who reconsider choose (choice.c). Writes customer i's entries and
 * brand_next/exper_next; sums per brand in the thread's accumulators.
 *
 * Speed: blocks of CUST_BLOCK customers, taken by the threads in chunks as
 * they come free: list the contacts, draw for them in one flat loop, serve
 * them (the arithmetic in vector lanes: serve_block_* per instruction set;
 * with AVX2 in hand-written lanes, serve_contacts_avx2), then settle every
 * customer of the block; those who reconsider have their words for the
 * choice drawn together. A contact's neighbours on its brand are read from
 * the counts kept week to week (soc_count.h; the week's switchers are
 * listed for it), or counted here when there was no memory for those.
 */
#include "customer.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "cust_priv.h"
#include "network.h"
#include "service.h"
#include "soc_count.h"
#include "tipping.h"



/* One thread's state in cust_serve: its sums, and the scratch of the block
 * in hand (the contacts listed, their draws and social counts, and what the
 * settling pass needs of them). */
/* the settling pass sorts a customer's week by the kind of its contact
 * (code & 7, AD_C_*): all served by a person (AD_C_HUMAN), all automated
 * (AD_C_AUTO_OK, AD_C_AUTO_FRUST), or neither; the kinds are folded into
 * those classes once a week */
enum { SET_N = 8 };

typedef struct serve_scratch {
    int64_t acc[AD_MAX_BRANDS][AC_N]; /* this thread's sums, added to A once */
    int64_t set_n[AD_MAX_BRANDS * SET_N];   /* settling pass: customers by brand and kind, */
    int64_t set_loy[AD_MAX_BRANDS * SET_N]; /* their loyalty (fixed point), */
    int64_t set_def[AD_MAX_BRANDS * SET_N]; /* and deficit; added to acc once */
    ad_acc *A;                      /* this thread's accumulators (histograms) */
    int64_t *warm;                  /* this thread's warmth per employee (owned), */
    int32_t *load;                  /* and contacts; NULL: add to w's atomically */
    rng_block r;                    /* RNG_SERVICE words of contact q */
    uint16_t list[CUST_BLOCK];      /* contacts: offsets in the block */
    rng_block tip[AD_TIP_N / 4];    /* RNG_TIP words of the h-th contact served by a person */
    uint16_t human[CUST_BLOCK];     /* those contacts: offsets in the block */
    uint16_t hq[CUST_BLOCK];        /* and their places in the list */
    uint8_t hflag[CUST_BLOCK];      /* contact q is served by a person */
    int nh;                         /* how many */
    int32_t emp[CUST_BLOCK];        /* employee who serves contact q (if a person) */
    float eng[CUST_BLOCK];          /* and that employee's engagement */
    uint8_t recon[CUST_BLOCK];      /* customer k reconsiders */
    double d[CUST_BLOCK];           /* customer k's deficit, unrounded */
    serve_lanes v;                  /* the contacts' state in and out of the vector pass */
    const net_block *links;         /* the block's links */
    const uint8_t *cnt;             /* neighbours on each one's brand (soc_count), or NULL: count here */
    soc_switch *sw;                 /* this week's switchers of the thread (owned), */
    int64_t nsw, sw_cap;            /* how many, room for */
    int sw_lost;                    /* a switcher could not be listed (no memory) */
    net_block lb[2];                /* the last two blocks indexed (i0 -1: none) */
    int seg[AD_MAX_BRANDS + 1];     /* AVX2 path: brand b's contacts are list[seg[b] .. seg[b + 1]) */
    uint16_t rk[CUST_BLOCK];        /* the block's customers who reconsider, */
    rng_block taste[AD_MAX_BRANDS / 4], occ[AD_MAX_BRANDS / 4]; /* and their words for cust_choose_words */
    int64_t next[CUST_BLOCK];       /* the next block's customers without a contact who reconsider, */
    int nn;                         /* how many */
} serve_scratch;

_Static_assert(CUST_BLOCK == NET_BLOCK, "a block of customers is a block of the network");
_Static_assert(CUST_BLOCK % 8 == 0, "flags are scanned 8 at a time");
_Static_assert(CUST_BLOCK < (1 << SL_BITS), "a block's counts fit their fields");

/* The links of the block at i0, indexed once for the block in hand and the
 * next (consecutive blocks use the two slots in turn). */
#if RNG_X86
#include <immintrin.h>
static void net_block_at_avx2(const ad_net *net, int64_t i0, int m, net_block *bl);
#endif

static inline __attribute__((always_inline)) const net_block *block_links(const ad_net *net, serve_scratch *s,
                                                                          int64_t i0, int level)
{
    net_block *bl = &s->lb[(i0 / CUST_BLOCK) & 1];
    if (bl->i0 != i0) {
        const int m = (int)(net->n - i0 < CUST_BLOCK ? net->n - i0 : CUST_BLOCK);
#if RNG_X86
        if (level == RNG_SIMD_AVX2) net_block_at_avx2(net, i0, m, bl);
        else
#endif
            net_block_at(net, i0, m, bl);
    }
    (void)level;
    return bl;
}

/* lists a switcher of the week for soc_count_apply */
static void switched(serve_scratch *s, net_row row, int from)
{
    if (s->nsw == s->sw_cap) {
        const int64_t cap = s->sw_cap ? 2 * s->sw_cap : 1024;
        soc_switch *p = realloc(s->sw, (size_t)cap * sizeof *p);
        if (!p) {
            s->sw_lost = 1;
            return;
        }
        s->sw = p;
        s->sw_cap = cap;
    }
    s->sw[s->nsw++] = (soc_switch){row, (uint8_t)from};
}

/* a block's packed counts per brand (SL_*_AT) into the sums */
static void add_counts(int64_t (*acc)[AC_N], const uint64_t *counts, int nb)
{
    const uint64_t field = (1u << SL_BITS) - 1;
    for (int b = 0; b < nb; b++) {
        const uint64_t c = counts[b];
        acc[b][AC_NOSTAFF] += (int64_t)(c >> SL_NOSTAFF_AT & field);
        acc[b][AC_FRUST] += (int64_t)(c >> SL_FRUS_AT & field);
        acc[b][AC_REL_HUMAN] += (int64_t)(c >> SL_REL_HUMAN_AT & field);
        acc[b][AC_PROM] += (int64_t)(c >> SL_PROM_AT & field);
        acc[b][AC_DET] += (int64_t)(c >> SL_DET_AT & field);
    }
}

/* each contact's neighbours on its brand: kept week to week, or counted */
static inline __attribute__((always_inline)) void serve_soc(const serve_in *restrict in, const ad_world *w, int64_t i0,
                                                            int mc, serve_scratch *restrict s)
{
    serve_lanes *restrict v = &s->v;
    if (!in->soc_on) memset(v->soc, 0, (size_t)mc * sizeof *v->soc);
    else if (s->cnt)
        for (int q = 0; q < mc; q++) v->soc[q] = s->cnt[i0 + s->list[q]];
    else
        for (int q = 0; q < mc; q++)
            v->soc[q] = net_on_brand(&w->net, net_row_of(&w->net, s->links, s->list[q]), w->brand, w->brand[i0 + s->list[q]]);
}

/* Service of the block's contacts (steps 4-7), in three passes: gather
 * each contact's state (and its neighbours on its brand) into lanes, compute
 * the service in vector lanes (serve_lanes_body: no branch, no call), then
 * store, sum and hand warmth to the employees one by one. */
static inline __attribute__((always_inline)) void serve_gather(const serve_in *restrict in, const ad_world *w, int64_t i0, int mc, serve_scratch *restrict s)
{
    serve_lanes *restrict v = &s->v;
    for (int q = 0; q < mc; q++) {
        const int k = s->list[q];
        const int64_t i = i0 + k;
        v->b[q] = w->brand[i];
        v->cd[q] = w->code[i];
        v->l[q] = w->loyalty[i];
        v->d[q] = w->deficit[i];
        v->x[q] = w->expect[i];
        v->open[q] = w->open[i];
    }
    serve_soc(in, w, i0, mc, s);
}

static inline __attribute__((always_inline)) void serve_apply(const serve_in *restrict in, ad_world *w, int64_t i0, int mc, serve_scratch *restrict s)
{
    int64_t(*acc)[AC_N] = s->acc;
    const serve_lanes *restrict v = &s->v;
    uint64_t counts[AD_MAX_BRANDS] = {0}; /* the block's counts by brand, SL_*_AT */
    for (int q = 0; q < mc; q++) {
        const int k = s->list[q];
        const int64_t i = i0 + k;
        const int b = (int)v->b[q], rel = (v->cd[q] & AD_C_REL) != 0;
        const uint32_t f = v->flags[q];
        const double att = v->att[q], S = v->S[q];
        w->expect[i] = v->xn[q];
        w->exper_next[i] = (int8_t)v->ex[q];
        const int64_t fatt = ad_fx(att);
        counts[b] += v->counts[q];
        acc[b][AC_ATT] += fatt;
        acc[b][AC_ATT_REL] += fatt & -(int64_t)rel;
        acc[b][AC_SAT] += ad_fx(S);
        if (in->recording) s->A->hist[AD_S_satisfaction][b][hist_bin(S)]++;
        const float lf = v->lf[q];
        w->loyalty[i] = lf;
        s->d[k] = v->dn[q];
        w->deficit[i] = (float)v->dn[q];
        s->recon[k] = (f & SL_MAY_RECON) && rng_u01(s->r.v[3][q]) < ad_psw_tab(in->psw, in->psw_mult, lf);
        if (s->recon[k]) { /* what cust_choose will read (the neighbours' brands are asked for) */
            __builtin_prefetch(w->need + i);
            if (in->deg > 0) {
                const net_row row = net_row_of(&w->net, s->links, k);
                net_prefetch_exper(row, w->exper);
                if (s->cnt) net_prefetch(row, w->brand); /* not asked for a block ahead */
            }
        }
    }
    add_counts(acc, counts, w->nb);
    /* those served by a person, in the order served: warmth and load to
     * the employee, and tips (a loop of its own: who is served by a person
     * is a coin flip, a branch no predictor learns) */
    for (int h = 0; h < s->nh; h++) {
        const int q = s->hq[h];
        const int64_t i = i0 + s->list[q], j = s->emp[q];
        const int b = (int)v->b[q];
        const double att = v->att[q];
        const int64_t warm = ad_fx(v->open[q] * att); /* warmth for the employee */
        if (s->warm) {
            s->warm[j] += warm;
            s->load[j]++;
        } else {
            #pragma omp atomic
            w->e_warm[j] += warm;
            #pragma omp atomic
            w->e_load[j] += 1;
        }
        if (in->tip_on) {
            uint32_t word[AD_TIP_N];
            for (int g = 0; g < AD_TIP_N / 4; g++)
                for (int u = 0; u < 4; u++) word[4 * g + u] = s->tip[g].v[u][h];
            const int succ = (v->flags[q] & SL_SUCC) != 0;
            double tr = tip_rate_words(&w->cfg, in->tipf, word, att, succ, w->tipprop[i]);
            acc[b][AC_TIPRATE] += ad_fx(tr);
            acc[b][AC_TIPPED]++;
            acc[b][AC_TIP_X] += ad_fx(att);
            acc[b][AC_TIP_XX] += ad_fx(att * att);
            acc[b][AC_TIP_XY] += ad_fx(att * tr);
            acc[b][AC_TIP_YY] += ad_fx(tr * tr);
            const double S = v->S[q];
            acc[b][AC_TIP_S] += ad_fx(S);
            acc[b][AC_TIP_SS] += ad_fx(S * S);
            acc[b][AC_TIP_SY] += ad_fx(S * tr);
        }
    }
}

#if RNG_X86

/* net_block_at with AVX2: the rewired links of 16 customers at a time,
 * counted by nibble lookups, summed across the lanes in a few steps */
static __attribute__((target("avx2"))) void net_block_at_avx2(const ad_net *net, int64_t i0, int m, net_block *bl)
{
    const uint16_t *mask = net->mask + i0;
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                         0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low4 = _mm256_set1_epi8(0x0f), ones = _mm256_set1_epi8(1);
    const __m256i last = _mm256_setr_epi8(14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15,
                                          14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15);
    int c = 0, k = 0;
    for (; k + 16 <= m; k += 16) {
        const __m256i x = _mm256_loadu_si256((const __m256i *)(mask + k));
        const __m256i c8 = _mm256_add_epi8(_mm256_shuffle_epi8(lut, _mm256_and_si256(x, low4)),
                                           _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(x, 4), low4)));
        const __m256i c16 = _mm256_maddubs_epi16(c8, ones); /* each customer's count */
        __m256i p = _mm256_add_epi16(c16, _mm256_slli_si256(c16, 2)); /* running sums within each half */
        p = _mm256_add_epi16(p, _mm256_slli_si256(p, 4));
        p = _mm256_add_epi16(p, _mm256_slli_si256(p, 8));
        p = _mm256_add_epi16(p, _mm256_permute2x128_si256(_mm256_shuffle_epi8(p, last), p, 0x08)); /* low half's total to the high */
        _mm256_storeu_si256((__m256i *)(bl->first + k), _mm256_add_epi16(_mm256_sub_epi16(p, c16), _mm256_set1_epi16((short)c)));
        c += _mm256_extract_epi16(p, 15);
    }
    for (; k < m; k++) {
        bl->first[k] = (uint16_t)c;
        c += net_popcount16(mask[k]);
    }
    bl->first[m] = (uint16_t)c;
    bl->i0 = i0;
    bl->far = net->far + net->far_off[i0 / NET_BLOCK];
}

/* With AVX2, at most 8 brands and no tips, the block's contacts are served
 * in hand-written lanes, 4 at a time, gather to sums in one loop: the
 * compiler's lanes (serve_lanes_body) look each brand table up one lane at
 * a time and pass every value through memory between three loops; here the
 * contacts come brand by brand (serve_list_avx2), so a brand's numbers are
 * broadcast once and its sums stay in registers. The same IEEE operations
 * in the same order as serve_gather, the employee draw, serve_lanes_body
 * and serve_apply (no contraction), so the same bytes (test_simd). */
#define SV_FN static inline __attribute__((target("avx2"), always_inline))

/* rng_u01_lanes of 4 words */
SV_FN __m256d sv_u01(const uint32_t *x)
{
    const __m128i v = _mm_xor_si128(_mm_loadu_si128((const __m128i *)x), _mm_set1_epi32((int32_t)0x80000000u));
    return _mm256_mul_pd(_mm256_add_pd(_mm256_cvtepi32_pd(v), _mm256_set1_pd(2147483648.0)),
                         _mm256_set1_pd(1.0 / 4294967296.0));
}

/* ad_fx of 4 lanes; exact through the 1.5 2^52 trick while
 * |x AD_FX + 0.5| < 2^51, by ad_fx itself otherwise (not a number, say) */
SV_FN __m256i sv_fx(__m256d x)
{
    __m256d y = _mm256_add_pd(_mm256_mul_pd(x, _mm256_set1_pd(AD_FX)), _mm256_set1_pd(0.5));
    const __m256d big = _mm256_set1_pd(2251799813685248.0);
    const __m256d inr = _mm256_cmp_pd(_mm256_andnot_pd(_mm256_set1_pd(-0.0), y), big, _CMP_LT_OQ);
    if (__builtin_expect(_mm256_movemask_pd(inr) != 15, 0)) {
        _Alignas(32) double xs[4];
        _mm256_store_pd(xs, x);
        return _mm256_setr_epi64x(ad_fx(xs[0]), ad_fx(xs[1]), ad_fx(xs[2]), ad_fx(xs[3]));
    }
    y = _mm256_round_pd(y, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256d magic = _mm256_set1_pd(6755399441055744.0);
    return _mm256_sub_epi64(_mm256_castpd_si256(_mm256_add_pd(y, magic)), _mm256_castpd_si256(magic));
}

/* t[k[0]], .. t[k[3]]: four loads (AVX2's gathers are slow on many processors) */
SV_FN __m128 sv_load4(const float *t, const uint16_t *k) { return _mm_setr_ps(t[k[0]], t[k[1]], t[k[2]], t[k[3]]); }

/* 32-bit lane masks to 64-bit ones */
SV_FN __m256d sv_m64(__m128i m) { return _mm256_castsi256_pd(_mm256_cvtepi32_epi64(m)); }

/* the sum of 4 64-bit lanes */
SV_FN int64_t sv_hsum(__m256i x)
{
    const __m128i t = _mm_add_epi64(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1));
    return _mm_cvtsi128_si64(t) + _mm_extract_epi64(t, 1);
}

/* The contacts of brand b, s->list[q0 .. q1) (serve_list_avx2 groups the
 * list by brand, so each brand's numbers are one register), 4 at a time. */
SV_FN void serve_brand_avx2(const serve_in *restrict in, ad_world *w, int64_t i0, int q0, int q1, int b,
                            serve_scratch *restrict s)
{
    const __m256d one = _mm256_set1_pd(1.0), zero = _mm256_setzero_pd();
    const __m256d w_T = _mm256_set1_pd(in->w_T), w_X = _mm256_set1_pd(in->w_X), w_E = _mm256_set1_pd(in->w_E);
    const __m256d w_A = _mm256_set1_pd(in->w_A), theta = _mm256_set1_pd(in->theta), mu = _mm256_set1_pd(in->mu);
    const __m256d k_x = _mm256_set1_pd(in->k_x), k_soc = _mm256_set1_pd(in->k_soc);
    const __m256d lrate = _mm256_set1_pd(in->loyalty_rate), beta_x = _mm256_set1_pd(in->beta_x);
    const __m256d a_bot = _mm256_set1_pd(in->a_bot), noise_w = _mm256_set1_pd(in->noise_w);
    const __m256d pmin = _mm256_set1_pd(in->promoter_min), dmax = _mm256_set1_pd(in->detractor_max);
    const __m256d psw_max = _mm256_set1_pd(in->psw_max), halfd = _mm256_set1_pd(0.5);
    const __m256d attf = _mm256_set1_pd(in->attf[b]), qh = _mm256_set1_pd(in->qh[b]);
    const __m256d base_S = _mm256_set1_pd(in->base_S[b]), negwait = _mm256_set1_pd(-in->wait[b]);
    const __m256d share = _mm256_set1_pd(in->share[b]), loyal_const = _mm256_set1_pd(in->loyal_const[b]);
    const __m256d Hd = _mm256_set1_pd((double)in->H[b]);
    const __m128i off = _mm_set1_epi32((int32_t)in->off[b]), staffless = _mm_set1_epi32(in->staffless[b] ? -1 : 0);
    const __m128 zf = _mm_setzero_ps(), onef = _mm_set1_ps(1.0f);
    const __m256i one64 = _mm256_set1_epi64x(1);
    __m256i sum_att = _mm256_setzero_si256(), sum_attrel = sum_att, sum_sat = sum_att, sum_cnt = sum_att;
    const float *restrict lo = w->loyalty + i0, *restrict de = w->deficit + i0, *restrict ex = w->expect + i0,
                          *restrict op = w->open + i0;
    const uint8_t *restrict co = w->code + i0;
    const int64_t *restrict soc_q = s->v.soc;
    for (int q = q0; q < q1; q += 4) {
        const uint16_t *kq = s->list + q;
        const uint32_t *w0 = s->r.v[0] + q, *w1 = s->r.v[1] + q, *w2 = s->r.v[2] + q, *w3 = s->r.v[3] + q;
        const int64_t *sq = soc_q + q;
        const int nl = q1 - q < 4 ? q1 - q : 4;
        uint16_t kt[4];
        uint32_t wt[4][4];
        int64_t st[4];
        if (nl < 4) { /* the brand's last few: the lanes past nl repeat the first, computed and not kept */
            for (int u = 0; u < 4; u++) {
                const int from = u < nl ? u : 0;
                kt[u] = kq[from];
                for (int x = 0; x < 4; x++) wt[x][u] = s->r.v[x][q + from];
                st[u] = sq[from];
            }
            kq = kt;
            w0 = wt[0];
            w1 = wt[1];
            w2 = wt[2];
            w3 = wt[3];
            sq = st;
        }
        const __m128i valid = _mm_cmpgt_epi32(_mm_set1_epi32(nl), _mm_setr_epi32(0, 1, 2, 3));
        const __m128i cd = _mm_setr_epi32(co[kq[0]], co[kq[1]], co[kq[2]], co[kq[3]]);
        const __m128i kind = _mm_and_si128(cd, _mm_set1_epi32(7));
        const __m128i rel = _mm_cmpeq_epi32(_mm_and_si128(cd, _mm_set1_epi32(AD_C_REL)), _mm_set1_epi32(AD_C_REL));
        const __m128i esc = _mm_cmpeq_epi32(kind, _mm_set1_epi32(AD_C_AUTO_ESC));
        const __m128i routed = _mm_or_si128(_mm_cmpeq_epi32(kind, _mm_set1_epi32(AD_C_HUMAN)), esc);
        const __m128i nostaff = _mm_and_si128(routed, staffless);
        const __m128i human = _mm_andnot_si128(nostaff, routed);
        /* the employee: active[off + (int)(u H)], and how engaged */
        __m128 eng = zf;
        __m128i j = _mm_setzero_si128();
        if (in->H[b] > 0) {
            const __m128i ti = _mm256_cvttpd_epi32(_mm256_mul_pd(sv_u01(w0), Hd));
            j = _mm_and_si128(_mm_add_epi32(off, ti), human); /* the place in active */
            const float *restrict eg = in->act_eng;
            eng = _mm_setr_ps(eg[_mm_extract_epi32(j, 0)], eg[_mm_extract_epi32(j, 1)], eg[_mm_extract_epi32(j, 2)],
                              eg[_mm_extract_epi32(j, 3)]);
        }
        const __m256d human64 = sv_m64(human), nostaff64 = sv_m64(nostaff), rel64 = sv_m64(rel);
        const __m256d att = _mm256_blendv_pd(_mm256_blendv_pd(a_bot, zero, nostaff64),
                                             _mm256_mul_pd(_mm256_cvtps_pd(eng), attf), human64);
        const __m256d succ_h = _mm256_cmp_pd(sv_u01(w1), qh, _CMP_LT_OQ);
        const __m256d succ_a = sv_m64(_mm_cmpeq_epi32(kind, _mm_set1_epi32(AD_C_AUTO_OK)));
        const __m256d succ = _mm256_or_pd(_mm256_and_pd(succ_h, human64), _mm256_andnot_pd(human64, succ_a));
        const __m256d frus = _mm256_andnot_pd(_mm256_or_pd(human64, succ), _mm256_castsi256_pd(_mm256_set1_epi64x(-1)));
        const __m256d d = _mm256_cvtps_pd(sv_load4(de, kq));
        __m256d S = _mm256_add_pd(base_S, _mm256_mul_pd(w_T, _mm256_and_pd(succ, one)));
        S = _mm256_sub_pd(S, _mm256_mul_pd(w_X, _mm256_and_pd(frus, one)));
        S = _mm256_add_pd(S, _mm256_blendv_pd(zero, negwait, human64));
        S = _mm256_sub_pd(S, _mm256_blendv_pd(zero, w_E, sv_m64(esc)));
        S = _mm256_add_pd(S, _mm256_blendv_pd(zero, _mm256_mul_pd(_mm256_mul_pd(w_A, att), _mm256_add_pd(one, _mm256_mul_pd(theta, d))),
                                              rel64));
        S = _mm256_add_pd(S, _mm256_mul_pd(noise_w, _mm256_sub_pd(sv_u01(w2), halfd)));
        S = _mm256_blendv_pd(_mm256_blendv_pd(S, one, _mm256_cmp_pd(S, one, _CMP_GT_OQ)), zero,
                             _mm256_cmp_pd(S, zero, _CMP_LT_OQ));
        __m256d soc = zero;
        if (in->soc_on)
            soc = _mm256_sub_pd(_mm256_setr_pd(in->per_deg[sq[0]], in->per_deg[sq[1]], in->per_deg[sq[2]], in->per_deg[sq[3]]),
                                share);
        const __m256d x = _mm256_cvtps_pd(sv_load4(ex, kq)), l = _mm256_cvtps_pd(sv_load4(lo, kq));
        const __m256d V = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(S, _mm256_mul_pd(k_x, _mm256_sub_pd(S, x))), loyal_const),
                                        _mm256_mul_pd(k_soc, soc));
        const __m128 ln = _mm256_cvtpd_ps(_mm256_add_pd(l, _mm256_mul_pd(lrate, _mm256_sub_pd(V, l))));
        const __m256d prom = _mm256_cmp_pd(S, pmin, _CMP_GE_OQ);
        const __m256d det = _mm256_andnot_pd(prom, _mm256_cmp_pd(S, dmax, _CMP_LT_OQ));
        const __m256d dn = _mm256_blendv_pd(d, _mm256_add_pd(_mm256_mul_pd(_mm256_sub_pd(one, mu), d),
                                                             _mm256_mul_pd(mu, _mm256_sub_pd(one, att))), rel64);
        const __m128 xn = _mm256_cvtpd_ps(_mm256_add_pd(x, _mm256_mul_pd(beta_x, _mm256_sub_pd(S, x))));
        const __m128 lf = _mm_blendv_ps(_mm_blendv_ps(ln, onef, _mm_cmpgt_ps(ln, onef)), zf, _mm_cmplt_ps(ln, zf));
        const __m256d recon = _mm256_cmp_pd(sv_u01(w3), psw_max, _CMP_LT_OQ);
        /* the brand's sums, over the lanes kept */
        const __m256i valid64 = _mm256_cvtepi32_epi64(valid);
        const __m256i fa = _mm256_and_si256(sv_fx(att), valid64);
        sum_att = _mm256_add_epi64(sum_att, fa);
        sum_attrel = _mm256_add_epi64(sum_attrel, _mm256_and_si256(fa, _mm256_castpd_si256(rel64)));
        sum_sat = _mm256_add_epi64(sum_sat, _mm256_and_si256(sv_fx(S), valid64));
        const __m256i cnt = _mm256_or_si256(
            _mm256_or_si256(_mm256_and_si256(_mm256_castpd_si256(nostaff64), _mm256_set1_epi64x(1ll << SL_NOSTAFF_AT)),
                            _mm256_and_si256(_mm256_castpd_si256(frus), _mm256_set1_epi64x(1ll << SL_FRUS_AT))),
            _mm256_or_si256(_mm256_and_si256(_mm256_castpd_si256(_mm256_and_pd(rel64, human64)),
                                             _mm256_set1_epi64x(1ll << SL_REL_HUMAN_AT)),
                            _mm256_or_si256(_mm256_and_si256(_mm256_castpd_si256(prom), _mm256_set1_epi64x(1ll << SL_PROM_AT)),
                                            _mm256_and_si256(_mm256_castpd_si256(det), _mm256_set1_epi64x(1ll << SL_DET_AT)))));
        sum_cnt = _mm256_add_epi64(sum_cnt, _mm256_and_si256(cnt, valid64));
        /* experience -1, 0, 1: the low byte of each 64-bit lane, in order */
        const __m256i ex64 = _mm256_sub_epi64(_mm256_and_si256(_mm256_castpd_si256(prom), one64),
                                              _mm256_and_si256(_mm256_castpd_si256(det), one64));
        const __m128i exb = _mm_shuffle_epi8(_mm256_castsi256_si128(_mm256_permutevar8x32_epi32(ex64, _mm256_setr_epi32(0, 2, 4, 6, 0, 0, 0, 0))),
                                             _mm_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1));
        /* out of the lanes: each kept contact's state, straight from the registers */
        const __m128 dnf = _mm256_cvtpd_ps(dn);
        const __m128d dlo = _mm256_castpd256_pd128(dn), dhi = _mm256_extractf128_pd(dn, 1);
        float *restrict xo = w->expect + i0, *restrict lw = w->loyalty + i0, *restrict dw = w->deficit + i0;
        int8_t *restrict eo = w->exper_next + i0;
        double *restrict sd = s->d;
#define SV_LANE(u, dv, h)                                                                                              \
    do {                                                                                                               \
        const int k_ = kq[u];                                                                                          \
        _MM_EXTRACT_FLOAT(xo[k_], xn, u);                                                                              \
        _MM_EXTRACT_FLOAT(lw[k_], lf, u);                                                                              \
        _MM_EXTRACT_FLOAT(dw[k_], dnf, u);                                                                             \
        eo[k_] = (int8_t)_mm_extract_epi8(exb, u);                                                                     \
        if (h) _mm_storeh_pd(sd + k_, dv);                                                                             \
        else _mm_storel_pd(sd + k_, dv);                                                                               \
    } while (0)
        if (nl == 4) {
            SV_LANE(0, dlo, 0);
            SV_LANE(1, dlo, 1);
            SV_LANE(2, dhi, 0);
            SV_LANE(3, dhi, 1);
        } else {
            SV_LANE(0, dlo, 0);
            if (nl > 1) SV_LANE(1, dlo, 1);
            if (nl > 2) SV_LANE(2, dhi, 0);
        }
#undef SV_LANE
        const int keep = (1 << nl) - 1;
        const int humm = _mm_movemask_ps(_mm_castsi128_ps(human)) & keep;
        const int recm = _mm256_movemask_pd(recon) & keep;
        if (in->recording) {
            _Alignas(32) double Sv[4];
            _mm256_store_pd(Sv, S);
            for (int u = 0; u < nl; u++) s->A->hist[AD_S_satisfaction][b][hist_bin(Sv[u])]++;
        }
        if (recm) { /* may reconsider: a few in a hundred */
            _Alignas(16) float lfv[4];
            _mm_store_ps(lfv, lf);
            for (int bits = recm; bits; bits &= bits - 1) {
                const int u = __builtin_ctz((unsigned)bits), k = kq[u];
                if (rng_u01(s->r.v[3][q + u]) < ad_psw_tab(in->psw, in->psw_mult, lfv[u])) {
                    const int64_t i = i0 + k;
                    s->recon[k] = 1; /* what cust_choose will read (the neighbours' brands are asked for) */
                    __builtin_prefetch(w->need + i);
                    if (in->deg > 0) {
                        const net_row row = net_row_of(&w->net, s->links, k);
                        net_prefetch_exper(row, w->exper);
                        if (s->cnt) net_prefetch(row, w->brand);
                    }
                }
            }
        }
        if (humm) { /* warmth and load to the employees who served */
            _Alignas(32) int64_t fwarm[4];
            _Alignas(16) int32_t jv[4];
            _mm256_store_si256((__m256i *)fwarm, sv_fx(_mm256_mul_pd(_mm256_cvtps_pd(sv_load4(op, kq)), att)));
            _mm_store_si128((__m128i *)jv, j);
            for (int bits = humm; bits; bits &= bits - 1) {
                const int u = __builtin_ctz((unsigned)bits);
                const int64_t e = w->active[jv[u]];
                if (s->warm) {
                    s->warm[e] += fwarm[u];
                    s->load[e]++;
                } else {
                    #pragma omp atomic
                    w->e_warm[e] += fwarm[u];
                    #pragma omp atomic
                    w->e_load[e] += 1;
                }
            }
        }
    }
    int64_t(*acc)[AC_N] = s->acc;
    acc[b][AC_ATT] += sv_hsum(sum_att);
    acc[b][AC_ATT_REL] += sv_hsum(sum_attrel);
    acc[b][AC_SAT] += sv_hsum(sum_sat);
    uint64_t counts[AD_MAX_BRANDS] = {0};
    counts[b] = (uint64_t)sv_hsum(sum_cnt);
    add_counts(acc + b, counts + b, 1);
}

/* The block's contacts, brand by brand (s->seg) */
static __attribute__((target("avx2"))) void serve_contacts_avx2(const serve_in *restrict in, ad_world *w, int64_t i0,
                                                                int mc, serve_scratch *restrict s)
{
    (void)mc;
    for (int b = 0; b < w->nb; b++)
        if (s->seg[b + 1] > s->seg[b]) serve_brand_avx2(in, w, i0, s->seg[b], s->seg[b + 1], b, s);
}

/* The block's flags of who reconsiders without a contact, and the list of
 * its contacts grouped by brand (s->seg), 32 codes at a time. s->d is left to the serving and
 * settling passes, but in weeks that record the histograms and for a tail. Returns the
 * number of contacts. */
_Static_assert(CUST_BLOCK % 4 == 0, "settle_avx2 leaves only the world's last block a tail");
static __attribute__((target("avx2"))) int serve_list_avx2(const serve_in *restrict in, const ad_world *w, int64_t i0,
                                                           int m, serve_scratch *restrict s)
{
    const uint8_t *restrict code = w->code + i0, *restrict brand = w->brand + i0;
    const __m256i sw = _mm256_set1_epi8(AD_C_SWITCH), seven = _mm256_set1_epi8(7), one = _mm256_set1_epi8(1);
    uint32_t cm[CUST_BLOCK / 32]; /* contacts among customers 32 c .. 32 c + 32 */
    const int nc = m / 32;
    for (int c = 0; c < nc; c++) {
        const __m256i cd = _mm256_loadu_si256((const __m256i *)(code + 32 * c));
        _mm256_storeu_si256((__m256i *)(s->recon + 32 * c),
                            _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(cd, sw), sw), one));
        cm[c] = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(cd, seven), _mm256_setzero_si256()));
    }
    int k;
    for (k = 32 * nc; k < m; k++) s->recon[k] = (code[k] & AD_C_SWITCH) != 0;
    /* the list brand by brand, each in the customers' order */
    int mc = 0;
    for (int b = 0; b < w->nb; b++) {
        s->seg[b] = mc;
        const __m256i bv = _mm256_set1_epi8((char)b);
        for (int c = 0; c < nc; c++)
            for (uint32_t bits = cm[c] & (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
                                             _mm256_loadu_si256((const __m256i *)(brand + 32 * c)), bv));
                 bits; bits &= bits - 1)
                s->list[mc++] = (uint16_t)(32 * c + __builtin_ctz(bits));
        for (k = 32 * nc; k < m; k++) {
            s->list[mc] = (uint16_t)k;
            mc += (code[k] & 7) != AD_C_NONE && brand[k] == b;
        }
    }
    s->seg[w->nb] = mc;
    /* the settling pass reads s->d of all in those weeks, and of the few
     * past settle_avx2's multiple of 4 */
    for (k = in->recording ? 0 : m & ~3; k < m; k++) s->d[k] = w->deficit[i0 + k];
    return mc;
}

/* The settling pass's sums (customers, loyalty, deficit by the brand each
 * ends the week with and the kind of its contact) for customers 0 .. 4 j of
 * the block, 4 at a time: the fixed-point values in lanes, the sums one by
 * one. A contact's deficit is the unrounded one of s->d, as in the plain
 * pass; the others' is their stored one. Returns 4 j. */
static __attribute__((target("avx2"))) int settle_avx2(const ad_world *w, int64_t i0, int m, serve_scratch *restrict s)
{
    const uint8_t *restrict bn = w->brand_next + i0, *restrict code = w->code + i0;
    const float *restrict loy = w->loyalty + i0, *restrict def = w->deficit + i0;
    int k = 0;
    for (; k + 4 <= m; k += 4) {
        int32_t c4, b4;
        memcpy(&c4, code + k, 4);
        memcpy(&b4, bn + k, 4);
        const __m128i kind = _mm_and_si128(_mm_cvtepu8_epi32(_mm_cvtsi32_si128(c4)), _mm_set1_epi32(7));
        const __m128i at = _mm_add_epi32(_mm_slli_epi32(_mm_cvtepu8_epi32(_mm_cvtsi32_si128(b4)), 3), kind);
        const __m256d contact = sv_m64(_mm_xor_si128(_mm_cmpeq_epi32(kind, _mm_setzero_si128()), _mm_set1_epi32(-1)));
        const __m256d d = _mm256_blendv_pd(_mm256_cvtps_pd(_mm_loadu_ps(def + k)), _mm256_loadu_pd(s->d + k), contact);
        _Alignas(32) int64_t fl[4], fd[4];
        _Alignas(16) int32_t a[4];
        _mm256_store_si256((__m256i *)fl, sv_fx(_mm256_cvtps_pd(_mm_loadu_ps(loy + k))));
        _mm256_store_si256((__m256i *)fd, sv_fx(d));
        _mm_store_si128((__m128i *)a, at);
        for (int u = 0; u < 4; u++) {
            s->set_n[a[u]]++;
            s->set_loy[a[u]] += fl[u];
            s->set_def[a[u]] += fd[u];
        }
    }
    return k;
}
#endif

/* the block's contacts, served in the compiler's lanes: gather, the
 * employees, tips' words, serve_lanes_body, serve_apply */
static inline __attribute__((always_inline)) void serve_contacts(const serve_in *restrict in, ad_world *w, int64_t i0,
                                                                 int mc, serve_scratch *restrict s, int level)
{
    serve_gather(in, w, i0, mc, s);
    /* who serves each contact routed to a person, and how engaged: one
     * flat loop of independent loads with no branch (a contact not served
     * by a person reads active[0], unused; AVX2 has no conversion of doubles
     * to 64-bit integers, so only AVX-512 runs it in vector lanes), then the
     * list of those served by a person */
    serve_lanes *restrict v = &s->v;
    int nh = 0;
    if (in->off[w->nb - 1] + in->H[w->nb - 1] == 0) { /* nobody */
        memset(s->eng, 0, (size_t)mc * sizeof *s->eng);
        memset(s->hflag, 0, (size_t)mc);
    } else {
        const int32_t *restrict active = w->active;
        const float *restrict e_eng = w->e_eng;
        for (int q = 0; q < mc; q++) {
            const int64_t b = v->b[q];
            const uint32_t kind = v->cd[q] & 7;
            const int64_t H = in->H[b];
            const uint32_t human = ((kind == AD_C_HUMAN) | (kind == AD_C_AUTO_ESC)) & (H > 0);
            const int64_t pos = in->off[b] + (int64_t)(rng_u01_lanes(s->r.v[0][q]) * (double)H);
            const int32_t j = active[pos & (0 - (int64_t)human)]; /* a mask, not a branch the compiler might take */
            s->emp[q] = j;
            s->eng[q] = e_eng[j];
            s->hflag[q] = (uint8_t)human;
        }
    }
    for (int q = 0; q < mc; q++) {
        s->human[nh] = s->list[q];
        s->hq[nh] = (uint16_t)q;
        nh += s->hflag[q];
    }
    s->nh = nh;
    if (in->tip_on) /* the tips' words of those served by a person, in the order served */
        for (int g = 0; g < AD_TIP_N / 4; g++)
            rng_draw_list(level, in->seed, (uint64_t)i0, s->human, s->nh, in->step, rng_purpose(RNG_TIP, (uint32_t)g),
                          &s->tip[g]);
    serve_lanes_body(in, s->eng, &s->r, &s->v, mc);
    serve_apply(in, w, i0, mc, s);
}

/* step 8 and the block's sums: those who reconsider choose, then every
 * customer's sums by the brand it ends the week with */
static inline __attribute__((always_inline)) void serve_settle(const serve_in *restrict in, ad_world *w, int64_t i0,
                                                               int m, serve_scratch *restrict s, int level)
{
    int64_t(*acc)[AC_N] = s->acc;
    const uint8_t *restrict code = w->code;
    const ad_net *net = &w->net;
    /* step 8: those who reconsider choose (their scattered reads were asked
     * for ahead: see above and serve_apply) */
    const uint8_t *restrict brand = w->brand;
    uint8_t *restrict brand_next = w->brand_next;
    memcpy(brand_next + i0, brand + i0, (size_t)m); /* who does not switch stays */
    uint16_t *rk = s->rk; /* those who reconsider */
    int nr = 0;
    for (int k = 0; k < m; k++) {
        if (!(k & 7) && k + 8 <= m) { /* 8 flags at a time: about one customer in a hundred reconsiders */
            uint64_t word;
            memcpy(&word, s->recon + k, 8);
            if (!word) {
                k += 7;
                continue;
            }
        }
        rk[nr] = (uint16_t)k;
        nr += s->recon[k] != 0;
    }
    /* their tastes and occasions, drawn for all of them at once (vector
     * lanes), as cust_choose would one by one */
    const int ng = (w->nb + 3) / 4;
    for (int g = 0; g < ng; g++) {
        rng_draw_list(level, in->seed, (uint64_t)i0, rk, nr, 0, rng_purpose(RNG_TASTE, (uint32_t)g), &s->taste[g]);
        rng_draw_list(level, in->seed, (uint64_t)i0, rk, nr, in->step, rng_purpose(RNG_OCCASION, (uint32_t)g),
                      &s->occ[g]);
    }
    for (int r = 0; r < nr; r++) {
        const int k = rk[r];
        const int64_t i = i0 + k;
        const int b = brand[i];
        uint32_t taste[AD_MAX_BRANDS], occ[AD_MAX_BRANDS];
        for (int g = 0; g < ng; g++)
            for (int u = 0; u < 4; u++) {
                taste[4 * g + u] = s->taste[g].v[u][r];
                occ[4 * g + u] = s->occ[g].v[u][r];
            }
        const net_row row = in->deg > 0 ? net_row_of(net, s->links, k) : (net_row){0};
        const int nb_i = cust_choose_words(w, &in->gb, i, b, in->deg > 0 ? &row : NULL, taste, occ, NULL);
        if (nb_i != b) {
            brand_next[i] = (uint8_t)nb_i;
            w->loyalty[i] = 0.5f;
            w->exper_next[i] = 0; /* neighbours hear nothing of the new brand yet */
            acc[b][AC_OUT]++;
            acc[nb_i][AC_IN]++;
            if (s->cnt) switched(s, net_row_of(net, s->links, k), b);
        }
    }
    /* the next block's customers without a contact who reconsider: their
     * rewired neighbours (their masks were asked for at the start of this
     * block) */
    if (in->deg > 0 && s->nn > 0) {
        const net_block *nl = block_links(net, s, i0 + CUST_BLOCK, level);
        for (int q = 0; q < s->nn; q++) {
            const net_row row = net_row_of(net, nl, (int)(s->next[q] - nl->i0));
            net_prefetch(row, w->brand);
            net_prefetch_exper(row, w->exper);
        }
    }
    /* the settling pass: every customer's sums by the brand it ends the
     * week with and the contacts it had */
    const float *restrict loyalty = w->loyalty;
    int k0 = 0;
#if RNG_X86
    if (level == RNG_SIMD_AVX2 && in->fused) k0 = settle_avx2(w, i0, m, s);
#endif
    for (int k = k0; k < m; k++) {
        const int64_t i = i0 + k;
        const int nb_i = brand_next[i];
        const int at = nb_i * SET_N + (code[i] & 7);
        s->set_n[at]++;
        s->set_loy[at] += ad_fx(loyalty[i]);
        s->set_def[at] += ad_fx(s->d[k]);
    }
    if (in->any_stated) /* who states avoidance of a shocked brand */
        for (int k = 0; k < m; k++) {
            const int64_t i = i0 + k;
            const int nb_i = brand_next[i];
            if (in->stated[nb_i] > 0) {
                rng4 ra = rng_draw(in->seed, (uint64_t)i, in->avoid_key[nb_i], RNG_AVOID);
                acc[nb_i][AC_AVOID] += rng_u01(ra.v[0]) < in->stated[nb_i];
            }
        }
    if (in->recording)
        for (int k = 0; k < m; k++) {
            const int nb_i = brand_next[i0 + k];
            s->A->hist[AD_S_loyalty][nb_i][hist_bin(loyalty[i0 + k])]++;
            s->A->hist[AD_S_deficit][nb_i][hist_bin(s->d[k])]++;
        }
}

/* One block: list the contacts, draw for them in one flat loop, serve them
 * (prefetching neighbours a few contacts ahead), then settle every
 * customer: switching and the per-brand sums. */
static inline __attribute__((always_inline)) void serve_block_body(const serve_in *restrict in, ad_world *w,
                                                                   int64_t i0, int m, serve_scratch *restrict s,
                                                                   int level)
{
    const uint8_t *restrict code = w->code;
    int mc = 0;
#if RNG_X86
    if (level == RNG_SIMD_AVX2 && in->fused) mc = serve_list_avx2(in, w, i0, m, s);
    else
#endif
    {
        for (int k = 0; k < m; k++) { /* flat: vector lanes */
            s->recon[k] = (code[i0 + k] & AD_C_SWITCH) != 0;
            s->d[k] = w->deficit[i0 + k];
        }
        for (int k = 0; k < m; k++) {
            s->list[mc] = (uint16_t)k;
            mc += (code[i0 + k] & 7) != AD_C_NONE;
        }
    }
    memcpy(w->exper_next + i0, w->exper + i0, (size_t)m); /* no contact: last experience stays */
    const ad_net *net = &w->net;
    if (in->deg > 0) s->links = block_links(net, s, i0, level);
    /* the rewired neighbours are anywhere in memory: ask now for the brands
     * of the next block's, all at once (a block of work hides the misses,
     * and they overlap each other) */
    if (in->soc_on && !s->cnt && i0 + m < w->n) {
        const net_block *nl = block_links(net, s, i0 + CUST_BLOCK, level);
        const int nm = w->n - nl->i0 < CUST_BLOCK ? (int)(w->n - nl->i0) : CUST_BLOCK;
        for (int p = 0; p < nl->first[nm]; p++) __builtin_prefetch(w->brand + nl->far[p]);
    }
    /* few customers reconsider (about one in a hundred), each reading its
     * need and its rewired neighbours' brand and experience from anywhere in
     * memory. For the next block's customers without a contact, who
     * reconsider already now, ask for need and links; their neighbours are
     * asked for at the end of this block, so cust_choose finds all in cache. */
    int64_t *next = s->next;
    int nn = 0;
    const int64_t n1 = i0 + m + CUST_BLOCK < w->n ? i0 + m + CUST_BLOCK : w->n;
    const uint64_t switch8 = AD_C_SWITCH * 0x0101010101010101ull; /* the flag in each of 8 bytes */
    for (int64_t i8 = i0 + m; i8 < n1; i8 += 8) {
        uint64_t word = 0;
        if (i8 + 8 <= n1) memcpy(&word, code + i8, 8); /* 8 codes at a time: most have no flag */
        else
            for (int64_t i = i8; i < n1; i++) word |= code[i]; /* the short tail: only "any?" matters */
        if (!(word & switch8)) continue;
        for (int64_t i = i8; i < i8 + 8 && i < n1; i++)
            if (code[i] & AD_C_SWITCH) {
                next[nn++] = i;
                __builtin_prefetch(w->need + i);
                if (in->deg > 0) __builtin_prefetch(net->mask + i);
            }
    }
    s->nn = nn;
    rng_draw_list(level, in->seed, (uint64_t)i0, s->list, mc, in->step, RNG_SERVICE, &s->r);
#if RNG_X86
    if (level == RNG_SIMD_AVX2 && in->fused) {
        serve_soc(in, w, i0, mc, s);
        serve_contacts_avx2(in, w, i0, mc, s);
    } else
#endif
        serve_contacts(in, w, i0, mc, s, level);
    serve_settle(in, w, i0, m, s, level);
}

/* serve_block_body compiled for each vector level (rng_simd): the
 * compiler vectorises its flat loops for the instructions it may use, and
 * the arithmetic is the same IEEE operations on every level, so all give
 * the same bytes (test_simd) */
#if RNG_X86
static __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq"))) void serve_block_avx512(
    const serve_in *restrict in, ad_world *w, int64_t i0, int m, serve_scratch *restrict s)
{
    serve_block_body(in, w, i0, m, s, RNG_SIMD_AVX512);
}

static __attribute__((target("avx2"))) void serve_block_avx2(const serve_in *restrict in, ad_world *w, int64_t i0,
                                                             int m, serve_scratch *restrict s)
{
    serve_block_body(in, w, i0, m, s, RNG_SIMD_AVX2);
}
#endif

static void serve_block_plain(const serve_in *restrict in, ad_world *w, int64_t i0, int m,
                              serve_scratch *restrict s)
{
    serve_block_body(in, w, i0, m, s, RNG_SIMD_PLAIN);
}

static void serve_block(const serve_in *restrict in, ad_world *w, int64_t i0, int m, serve_scratch *restrict s)
{
#if RNG_X86
    if (in->simd == RNG_SIMD_AVX512) serve_block_avx512(in, w, i0, m, s);
    else if (in->simd == RNG_SIMD_AVX2) serve_block_avx2(in, w, i0, m, s);
    else
#endif
        serve_block_plain(in, w, i0, m, s);
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
        in.any_stated |= s->stated > 0;
        in.avoid_key[b] = (uint32_t)(s->shock_event + 1);
        in.off[b] = w->active_off[b];
        in.H[b] = w->active_off[b + 1] - w->active_off[b];
        in.staffless[b] = in.H[b] == 0;
    }
    tip_factors(c, in.tipf);
    in.simd = rng_simd();
    in.fused = in.simd == RNG_SIMD_AVX2 && w->nb <= 8 && !in.tip_on; /* serve_contacts_avx2 */
    /* the active employees' engagement in the order of active: one load
     * per contact served instead of two in a row */
    float *act_eng = NULL;
    if (in.fused) {
        const int64_t na = w->active_off[w->nb];
        act_eng = malloc((size_t)(na > 0 ? na : 1) * sizeof *act_eng);
        if (act_eng)
            for (int64_t p = 0; p < na; p++) act_eng[p] = w->e_eng[w->active[p]];
        else
            in.fused = 0; /* the other path: the same bytes */
        in.act_eng = act_eng;
    }
    rng_gumbel_bounds_fill(&in.gb);
    for (int k = 0; k <= AD_NET_MAX_DEG && k <= in.deg; k++) in.per_deg[k] = (double)k / in.deg;
    const int64_t n = w->n, nblocks = (n + CUST_BLOCK - 1) / CUST_BLOCK;

    /* each thread adds warmth and load to its own zeroed copy of the
     * employees' sums; the copies are added up after the loop (integers, so
     * in any order). A thread without memory for a copy adds atomically. */
    const int64_t ne = w->ne;
    int64_t **warm = calloc((size_t)w->acc_n, sizeof *warm);
    int32_t **load = calloc((size_t)w->acc_n, sizeof *load);
    /* neighbours on each one's brand: kept from week to week when there is memory */
    const uint8_t *cnt = in.soc_on ? soc_count_ready(w) : NULL;
    int sw_lost = 0;

    #pragma omp parallel num_threads(w->threads)
    {
        const int t = omp_get_thread_num();
        /* about 50 KB, on a page boundary: left where the randomised stack
         * happened to start, its place against the customer arrays moved
         * the speed from run to run (25 or 32 million customer-weeks a
         * second; likely loads of one array waiting on stores to another
         * at the same offset in a 4 KB page); aligned, every run is fast */
        _Alignas(4096) serve_scratch s;
        memset(s.acc, 0, sizeof s.acc);
        memset(s.set_n, 0, sizeof s.set_n);
        memset(s.set_loy, 0, sizeof s.set_loy);
        memset(s.set_def, 0, sizeof s.set_def);
        s.A = &w->acc[t];
        s.links = NULL;
        s.cnt = cnt;
        s.sw = NULL;
        s.nsw = s.sw_cap = 0;
        s.sw_lost = 0;
        s.lb[0].i0 = s.lb[1].i0 = -1;
        s.warm = warm && load && ne > 0 ? calloc((size_t)ne, sizeof *s.warm) : NULL;
        s.load = s.warm ? calloc((size_t)ne, sizeof *s.load) : NULL;
        if (!s.load) { free(s.warm); s.warm = NULL; }
        if (s.warm) { warm[t] = s.warm; load[t] = s.load; }
        /* chunks of 16 blocks handed out as threads come free: on a shared
         * machine one thread is often held up, and the other takes on its
         * work (every sum is an integer and every draw keyed by customer,
         * so who does which block changes no byte) */
        #pragma omp for schedule(dynamic, 16)
        for (int64_t blk = 0; blk < nblocks; blk++) {
            int64_t i0 = blk * CUST_BLOCK;
            serve_block(&in, w, i0, (int)(n - i0 < CUST_BLOCK ? n - i0 : CUST_BLOCK), &s);
        }
        /* every brand_next is final (the loop's barrier): the counts follow */
        if (cnt) {
            soc_count_apply(w, s.sw, s.nsw);
            if (s.sw_lost) {
                #pragma omp atomic write
                sw_lost = 1;
            }
        }
        free(s.sw);
        for (int b = 0; b < w->nb; b++) { /* the settling pass's sums, kinds to classes */
            const int64_t *n = s.set_n + b * SET_N, *l = s.set_loy + b * SET_N;
            for (int k = 0; k < SET_N; k++) {
                s.acc[b][AC_CUST] += n[k];
                s.acc[b][AC_LOY] += l[k];
            }
            s.acc[b][AC_HUMAN_ONLY] += n[AD_C_HUMAN];
            s.acc[b][AC_HUMAN_ONLY_LOY] += l[AD_C_HUMAN];
            s.acc[b][AC_ROBOT_ONLY] += n[AD_C_AUTO_OK] + n[AD_C_AUTO_FRUST];
            s.acc[b][AC_ROBOT_ONLY_LOY] += l[AD_C_AUTO_OK] + l[AD_C_AUTO_FRUST];
            for (int k = 0; k < SET_N; k++) s.acc[b][AC_DEFICIT] += s.set_def[b * SET_N + k];
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
    free(act_eng);
    if (cnt) soc_count_done(w, !sw_lost);
}
