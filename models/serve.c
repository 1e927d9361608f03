/* serve.c: service, satisfaction, loyalty and switching (docs/model.md
 * 7.6-7.10, cust_serve).
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
 * them (the equations of equations.h in the compiler's vector lanes:
 * serve_block_* per instruction set, chosen once per world), then settle every
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
#include "serve_priv.h"
#include "service.h"
#include "soc_count.h"
#include "tipping.h"

/* The links of the block at i0, indexed once for the block in hand and the
 * next (consecutive blocks use the two slots in turn). */
static inline __attribute__((always_inline)) const net_block *block_links(const ad_net *net, serve_scratch *s,
                                                                          int64_t i0)
{
    net_block *bl = &s->lb[(i0 / CUST_BLOCK) & 1];
    if (bl->i0 != i0) {
        const int m = (int)(net->n - i0 < CUST_BLOCK ? net->n - i0 : CUST_BLOCK);
        net_block_at(net, i0, m, bl);
    }
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
        const int64_t fS = ad_fx(S);
        /* relational contacts routed to a person and served (escalations,
         * which failed with a machine first, are on neither side) against
         * those a machine solved */
        const int64_t rel_human = rel & s->hflag[q] & ((v->cd[q] & 7) == AD_C_HUMAN);
        const int64_t rel_bot = rel & ((v->cd[q] & 7) == AD_C_AUTO_OK);
        acc[b][AC_SAT] += fS;
        acc[b][AC_REL_DIRECT] += rel_human; /* the human premium's two sides */
        acc[b][AC_SAT_REL_DIRECT] += fS & -rel_human;
        acc[b][AC_REL_BOT] += rel_bot;
        acc[b][AC_SAT_REL_BOT] += fS & -rel_bot;
        if (in->recording) s->A->hist[AD_S_satisfaction][b][hist_bin(S)]++;
        const float lf = v->lf[q];
        w->loyalty[i] = lf;
        s->d[k] = v->dn[q];
        w->deficit[i] = (float)v->dn[q];
        s->recon[k] = (f & SL_MAY_RECON) && rng_u01(s->r.v[3][q]) < ad_psw_tab(in->psw, in->psw_mult, lf);
        if (s->recon[k]) reconsider_ahead(in, w, i0, k, s);
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


/* the block's contacts, served in the compiler's lanes: gather, the
 * employees, tips' words, serve_lanes_body, serve_apply */
static inline __attribute__((always_inline)) void serve_contacts(const serve_in *restrict in, ad_world *w, int64_t i0,
                                                                 int mc, serve_scratch *restrict s, int level)
{
    serve_gather(in, w, i0, mc, s);
    /* who serves each contact routed to a person, and how engaged: one
     * flat loop of independent loads with no branch (a contact not served
     * by a person reads active[0], unused; the draw's place among the H
     * employees converts to 32 bits, H < 2^31, which AVX2 has in vector
     * lanes too), then the list of those served by a person */
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
            const int64_t pos = in->off[b] + (int32_t)(rng_u01_lanes(s->r.v[0][q]) * (double)H);
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
        const net_block *nl = block_links(net, s, i0 + CUST_BLOCK);
        for (int q = 0; q < s->nn; q++) {
            const net_row row = net_row_of(net, nl, (int)(s->next[q] - nl->i0));
            net_prefetch(row, w->brand);
            net_prefetch_exper(row, w->exper);
        }
    }
    /* the settling pass: every customer's sums by the brand it ends the
     * week with and the contacts it had */
    const float *restrict loyalty = w->loyalty;
    for (int k = 0; k < m; k++) {
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
    for (int k = 0; k < m; k++) { /* flat: vector lanes */
        s->recon[k] = (code[i0 + k] & AD_C_SWITCH) != 0;
        s->d[k] = w->deficit[i0 + k];
    }
    for (int k = 0; k < m; k++) {
        s->list[mc] = (uint16_t)k;
        mc += (code[i0 + k] & 7) != AD_C_NONE;
    }
    memcpy(w->exper_next + i0, w->exper + i0, (size_t)m); /* no contact: last experience stays */
    const ad_net *net = &w->net;
    if (in->deg > 0) s->links = block_links(net, s, i0);
    /* the rewired neighbours are anywhere in memory: ask now for the brands
     * of the next block's, all at once (a block of work hides the misses,
     * and they overlap each other) */
    if (in->soc_on && !s->cnt && i0 + m < w->n) {
        const net_block *nl = block_links(net, s, i0 + CUST_BLOCK);
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
    /* the next block's state that serving reads at its contacts, asked for
     * now (a block of work ahead): a block's contacts are scattered short
     * runs the processor's own prefetching may not catch */
    if (i0 + m + CUST_BLOCK <= w->n) {
        const int64_t j0 = i0 + CUST_BLOCK;
        for (int k = 0; k < CUST_BLOCK; k += 64 / sizeof(float)) {
            __builtin_prefetch(w->loyalty + j0 + k, 1);
            __builtin_prefetch(w->deficit + j0 + k, 1);
            __builtin_prefetch(w->expect + j0 + k, 1);
            __builtin_prefetch(w->open + j0 + k);
        }
        if (s->cnt)
            for (int k = 0; k < CUST_BLOCK; k += 64) __builtin_prefetch(s->cnt + j0 + k);
    }
    rng_draw_list(level, in->seed, (uint64_t)i0, s->list, mc, in->step, RNG_SERVICE, &s->r);
    serve_contacts(in, w, i0, mc, s, level);
    serve_settle(in, w, i0, m, s, level);
}

/* serve_block_body compiled for each vector level (w->simd): the
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
        .p = {.w_T = c->w_T, .w_X = c->w_X, .w_E = c->w_E, .w_A = c->w_A, .theta = c->theta,
              .noise_w = c->s_noise * 3.4641016151377544, /* sd s_noise: width sqrt(12) s */
              .mu = c->mu, .k_x = c->k_x, .k_soc = c->k_soc, .loyalty_rate = c->loyalty_rate, .beta_x = c->beta_x,
              .promoter_min = c->promoter_min, .detractor_max = c->detractor_max},
        .e0 = c->e0, .att_eng = c->att_eng, .psw = w->psw, .psw_mult = w->psw_mult, .psw_max = psw_bound(w),
    };
    for (int b = 0; b < w->nb; b++) {
        const ad_brand_state *s = &w->br[b];
        in.base_S[b] = eq_satisfaction_brand(c->w_F, c->w_pv, s->F, s->price, w->mean_price, c->w_ref, s->surprise);
        in.attf[b] = s->att_factor;
        in.a_machine[2 * b] = s->att_machine;
        in.a_machine[2 * b + 1] = s->att_machine_rel;
        in.wait[b] = eq_wait(c->w_W, s->dil);
        in.qh[b] = s->q_h;
        in.loyal_const[b] = eq_loyalty_brand(c->k_rep, s->rep, c->shock_loyalty, c->stated_effect * s->stated);
        in.share[b] = s->share;
        in.stated[b] = s->stated;
        in.any_stated |= s->stated > 0;
        in.avoid_key[b] = (uint32_t)(s->shock_event + 1);
        in.off[b] = w->active_off[b];
        in.H[b] = w->active_off[b + 1] - w->active_off[b];
        in.staffless[b] = in.H[b] == 0;
    }
    tip_factors(c, in.tipf);
    in.simd = w->simd;
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
    if (cnt) soc_count_done(w, !sw_lost);
}
