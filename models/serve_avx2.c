/* serve_avx2.c: the service pass of serve.c in hand-written AVX2 lanes
 * (chosen at run time where the processor has AVX2 and there are at most
 * 8 brands; the contacts themselves also only without tips). The same IEEE
 * operations in the same order as the plain C of serve.c and service.h,
 * without contraction, so the same bytes (test_simd compares them).
 */
#include "serve_priv.h"

#if RNG_X86
#include <immintrin.h>
#include <string.h>

/* net_block_at with AVX2: the rewired links of 16 customers at a time,
 * counted by nibble lookups, summed across the lanes in a few steps */
__attribute__((target("avx2"))) void net_block_at_avx2(const ad_net *net, int64_t i0, int m, net_block *bl)
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
    net_block_finish(net, i0, k, m, c, bl);
}

/* With AVX2, at most 8 brands and no tips, the block's contacts are served
 * in hand-written lanes, 4 at a time, gather to sums in one loop: the
 * compiler's lanes (serve_lanes_body) look each brand table up one lane at
 * a time and pass every value through memory between three loops; here the
 * contacts come brand by brand (serve_list_avx2), so a brand's numbers are
 * broadcast once and its sums stay in registers. The same IEEE operations
 * in the same order as serve_gather, the employee draw, serve_lanes_body
 * and serve_apply (no contraction), so the same bytes (test_simd). */

/* rng_u01_lanes of 4 words */
AD_AVX2_INLINE __m256d sv_u01(const uint32_t *x)
{
    const __m128i v = _mm_xor_si128(_mm_loadu_si128((const __m128i *)x), _mm_set1_epi32((int32_t)0x80000000u));
    return _mm256_mul_pd(_mm256_add_pd(_mm256_cvtepi32_pd(v), _mm256_set1_pd(2147483648.0)),
                         _mm256_set1_pd(1.0 / 4294967296.0));
}

/* ad_fx of 4 lanes; exact through the 1.5 2^52 trick while
 * |x AD_FX + 0.5| < 2^51, by ad_fx itself otherwise (not a number, say) */
AD_AVX2_INLINE __m256i sv_fx(__m256d x)
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
AD_AVX2_INLINE __m128 sv_load4(const float *t, const uint16_t *k) { return _mm_setr_ps(t[k[0]], t[k[1]], t[k[2]], t[k[3]]); }

/* 32-bit lane masks to 64-bit ones */
AD_AVX2_INLINE __m256d sv_m64(__m128i m) { return _mm256_castsi256_pd(_mm256_cvtepi32_epi64(m)); }

/* the sum of 4 64-bit lanes */
AD_AVX2_INLINE int64_t sv_hsum(__m256i x)
{
    const __m128i t = _mm_add_epi64(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1));
    return _mm_cvtsi128_si64(t) + _mm_extract_epi64(t, 1);
}

/* The contacts of brand b, s->list[q0 .. q1) (serve_list_avx2 groups the
 * list by brand, so each brand's numbers are one register), 4 at a time. */
AD_AVX2_INLINE void serve_brand_avx2(const serve_in *restrict in, ad_world *w, int64_t i0, int q0, int q1, int b,
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
    /* one pointer per array, for reading and writing (each contact's own
     * entries: read, then written) */
    float *restrict lo = w->loyalty + i0, *restrict de = w->deficit + i0, *restrict ex = w->expect + i0;
    const float *restrict op = w->open + i0;
    const uint8_t *restrict co = w->code + i0;
    const int64_t *restrict soc_q = s->v.soc;
    /* everything the loop reads of in, w and s, in locals: the loop's
     * stores of experiences are bytes, which may alias anything, so the
     * compiler would read each field again after them */
    int8_t *restrict eo = w->exper_next + i0;
    double *restrict sd = s->d;
    const uint16_t *restrict list = s->list;
    const uint32_t *restrict r0 = s->r.v[0], *restrict r1 = s->r.v[1], *restrict r2 = s->r.v[2],
                   *restrict r3 = s->r.v[3];
    const int staffed = in->H[b] > 0, soc_on = in->soc_on, recording = in->recording;
    const float *restrict eg = in->act_eng;
    const double *restrict per_deg = in->per_deg, *restrict psw = in->psw;
    const double psw_mult = in->psw_mult;
    const int32_t *restrict active = w->active;
    int64_t *restrict warm = s->warm;
    int32_t *restrict load = s->load;
    uint8_t *restrict recon_at = s->recon;
    for (int q = q0; q < q1; q += 4) {
        const uint16_t *kq = list + q;
        const uint32_t *w0 = r0 + q, *w1 = r1 + q, *w2 = r2 + q, *w3 = r3 + q;
        const int64_t *sq = soc_q + q;
        const int nl = q1 - q < 4 ? q1 - q : 4;
        uint16_t kt[4];
        uint32_t wt[4][4];
        int64_t st[4];
        if (nl < 4) { /* the brand's last few: the lanes past nl repeat the first, computed and not kept */
            for (int u = 0; u < 4; u++) {
                const int from = u < nl ? u : 0;
                kt[u] = kq[from];
                wt[0][u] = r0[q + from];
                wt[1][u] = r1[q + from];
                wt[2][u] = r2[q + from];
                wt[3][u] = r3[q + from];
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
        if (staffed) {
            const __m128i ti = _mm256_cvttpd_epi32(_mm256_mul_pd(sv_u01(w0), Hd));
            j = _mm_and_si128(_mm_add_epi32(off, ti), human); /* the place in active */
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
        if (soc_on)
            soc = _mm256_sub_pd(_mm256_setr_pd(per_deg[sq[0]], per_deg[sq[1]], per_deg[sq[2]], per_deg[sq[3]]), share);
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
#define SV_LANE(u, dv, h)                                                                                              \
    do {                                                                                                               \
        const int k_ = kq[u];                                                                                          \
        _MM_EXTRACT_FLOAT(ex[k_], xn, u);                                                                              \
        _MM_EXTRACT_FLOAT(lo[k_], lf, u);                                                                              \
        _MM_EXTRACT_FLOAT(de[k_], dnf, u);                                                                             \
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
        if (recording) {
            _Alignas(32) double Sv[4];
            _mm256_store_pd(Sv, S);
            for (int u = 0; u < nl; u++) s->A->hist[AD_S_satisfaction][b][hist_bin(Sv[u])]++;
        }
        if (recm) { /* may reconsider: a few in a hundred */
            _Alignas(16) float lfv[4];
            _mm_store_ps(lfv, lf);
            for (int bits = recm; bits; bits &= bits - 1) {
                const int u = __builtin_ctz((unsigned)bits), k = kq[u];
                if (rng_u01(r3[q + u]) < ad_psw_tab(psw, psw_mult, lfv[u])) {
                    recon_at[k] = 1;
                    reconsider_ahead(in, w, i0, k, s);
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
                const int64_t e = active[jv[u]];
                if (warm) {
                    warm[e] += fwarm[u];
                    load[e]++;
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
    const uint64_t counts = (uint64_t)sv_hsum(sum_cnt);
    add_counts(acc + b, &counts, 1);
}

/* The block's contacts, brand by brand (s->seg) */
__attribute__((target("avx2"))) void serve_contacts_avx2(const serve_in *restrict in, ad_world *w, int64_t i0,
                                                         serve_scratch *restrict s)
{
    for (int b = 0; b < w->nb; b++)
        if (s->seg[b + 1] > s->seg[b]) serve_brand_avx2(in, w, i0, s->seg[b], s->seg[b + 1], b, s);
}

/* The block's flags of who reconsiders without a contact, and the list of
 * its contacts grouped by brand (s->seg), 32 codes at a time. s->d is left to the serving and
 * settling passes, but in weeks that record the histograms and for a tail. Returns the
 * number of contacts. */
_Static_assert(CUST_BLOCK % 4 == 0, "settle_avx2 leaves only the world's last block a tail");
__attribute__((target("avx2"))) int serve_list_avx2(const serve_in *restrict in, const ad_world *w, int64_t i0,
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
__attribute__((target("avx2"))) int settle_avx2(const ad_world *w, int64_t i0, int m, serve_scratch *restrict s)
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
