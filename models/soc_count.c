/* soc_count.c: neighbours on a customer's own brand, kept up to date (see
 * soc_count.h). */
#include "soc_count.h"

#include <stdlib.h>

/* Running sums in place: x[k] becomes x[0] + ... + x[k]. Each chunk of
 * SUM_CHUNK entries is summed on its own, the chunks' totals added up in
 * order, then each chunk adds its start: integers, so the same for any
 * thread count. 0, or -1 (no memory). */
#define SUM_CHUNK 16384
static int running_sum(uint32_t *x, int64_t n, int threads)
{
    const int64_t nch = (n + SUM_CHUNK - 1) / SUM_CHUNK;
    uint32_t *start = malloc((size_t)(nch + 1) * sizeof *start);
    if (!start) return -1;
    #pragma omp parallel num_threads(threads)
    {
        #pragma omp for schedule(static)
        for (int64_t ch = 0; ch < nch; ch++) {
            const int64_t end = (ch + 1) * SUM_CHUNK < n ? (ch + 1) * SUM_CHUNK : n;
            uint32_t sum = 0;
            for (int64_t i = ch * SUM_CHUNK; i < end; i++) sum += x[i];
            start[ch + 1] = sum;
        }
        #pragma omp single
        {
            start[0] = 0;
            for (int64_t ch = 0; ch < nch; ch++) start[ch + 1] += start[ch];
        }
        #pragma omp for schedule(static)
        for (int64_t ch = 0; ch < nch; ch++) {
            const int64_t end = (ch + 1) * SUM_CHUNK < n ? (ch + 1) * SUM_CHUNK : n;
            uint32_t sum = start[ch];
            for (int64_t i = ch * SUM_CHUNK; i < end; i++) x[i] = sum += x[i];
        }
    }
    free(start);
    return 0;
}

/* The backward index of the rewired links: for each target, the customers
 * whose rewired links point at it (once per link), in customer order. Built
 * in parallel loops: the counts are integers added atomically, each list is
 * filled in whatever order the threads come and then sorted, so the index
 * is the same for any thread count. 0, or -1 (no memory, or more links than
 * 32-bit offsets hold). */
static int build_rev(const ad_net *net, soc_count *sc, int threads)
{
    const int64_t n = net->n, nblk = (n + NET_BLOCK - 1) / NET_BLOCK;
    const uint64_t total = net->far_off[nblk];
    if (total >= UINT32_MAX) return -1;
    sc->rev_first = calloc((size_t)n + 1, sizeof *sc->rev_first);
    sc->rev = malloc((size_t)(total ? total : 1) * sizeof *sc->rev);
    if (!sc->rev_first || !sc->rev) return -1;
    uint32_t *first = sc->rev_first, *rev = sc->rev;
    /* first[t]: t's rewired listeners, then their running sum: the end of
     * t's list */
    #pragma omp parallel for schedule(static) num_threads(threads)
    for (uint64_t p = 0; p < total; p++) {
        #pragma omp atomic
        first[net->far[p]]++;
    }
    if (running_sum(first, n, threads)) return -1;
    first[n] = (uint32_t)total;
    /* fill each list from its end, first[t] as t's cursor: it ends at t's
     * start */
    #pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t blk = 0; blk < nblk; blk++) {
        const uint32_t *far = net->far + net->far_off[blk];
        const int64_t end = (blk + 1) * NET_BLOCK < n ? (blk + 1) * NET_BLOCK : n;
        for (int64_t i = blk * NET_BLOCK; i < end; i++)
            for (int f = net_popcount16(net->mask[i]); f > 0; f--) {
                const uint32_t t = *far++;
                uint32_t at;
                #pragma omp atomic capture
                at = --first[t];
                rev[at] = (uint32_t)i;
            }
    }
    /* each list in customer order (most hold one customer or none) */
    #pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t t = 0; t < n; t++)
        for (uint32_t p = first[t] + 1; p < first[t + 1]; p++) {
            const uint32_t x = rev[p];
            uint32_t q = p;
            for (; q > first[t] && rev[q - 1] > x; q--) rev[q] = rev[q - 1];
            rev[q] = x;
        }
    return 0;
}

void soc_count_free(ad_world *w)
{
    if (!w->soc) return;
    free(w->soc->cnt);
    free(w->soc->rev_first);
    free(w->soc->rev);
    free(w->soc);
    w->soc = NULL;
}

size_t soc_count_bytes(const ad_world *w)
{
    const soc_count *sc = w->soc;
    if (!sc || !sc->cnt) return sc ? sizeof *sc : 0;
    return sizeof *sc + (size_t)w->n * (sizeof *sc->cnt + sizeof *sc->rev_first) + sizeof *sc->rev_first +
           (size_t)sc->rev_first[w->n] * sizeof *sc->rev;
}

void soc_count_stale(ad_world *w)
{
    if (w->soc) w->soc->valid_for = NULL;
}

const uint8_t *soc_count_ready(ad_world *w)
{
    const ad_net *net = &w->net;
    if (w->deg <= 0 || net->n != w->n) return NULL;
    if (!w->soc) {
        soc_count *sc = calloc(1, sizeof *sc);
        if (!sc) return NULL;
        w->soc = sc;
        sc->cnt = malloc((size_t)w->n);
        if (!sc->cnt || build_rev(net, sc, w->threads)) { /* not tried again: counted per contact */
            free(sc->cnt);
            free(sc->rev_first);
            free(sc->rev);
            sc->cnt = NULL;
            sc->rev_first = sc->rev = NULL;
        }
    }
    soc_count *sc = w->soc;
    if (!sc->cnt) return NULL;
    if (sc->valid_for == w->brand && sc->valid_step == w->steps) return sc->cnt;
    const int64_t n = w->n, nblocks = (n + NET_BLOCK - 1) / NET_BLOCK;
    const uint8_t *brand = w->brand;
    uint8_t *cnt = sc->cnt;
    #pragma omp parallel for schedule(static) num_threads(w->threads)
    for (int64_t blk = 0; blk < nblocks; blk++) {
        net_block bl;
        const int64_t i0 = blk * NET_BLOCK;
        const int m = (int)(n - i0 < NET_BLOCK ? n - i0 : NET_BLOCK);
        net_block_at(net, i0, m, &bl);
        for (int k = 0; k < m; k++) cnt[i0 + k] = (uint8_t)net_on_brand(net, net_row_of(net, &bl, k), brand, brand[i0 + k]);
    }
    sc->valid_for = w->brand;
    sc->valid_step = w->steps;
    return cnt;
}

/* listener j of a switcher from brand a to c: its count moves by the link,
 * unless j switched too (it is counted anew) */
static inline void listener(const uint8_t *brand, const uint8_t *brand_next, uint8_t *cnt, int64_t j, int a, int c)
{
    const int bj = brand_next[j];
    if (bj != brand[j]) return;
    const int d = (bj == c) - (bj == a);
    if (d) {
        #pragma omp atomic
        cnt[j] += (uint8_t)d;
    }
}

void soc_count_apply(ad_world *w, const soc_switch *sw, int64_t m)
{
    soc_count *sc = w->soc;
    if (!sc || !sc->cnt) return;
    const ad_net *net = &w->net;
    const uint8_t *brand = w->brand, *brand_next = w->brand_next;
    uint8_t *cnt = sc->cnt;
    const int64_t n = w->n;
    /* the switchers and their listeners are anywhere in memory: ask for
     * each switcher's lines 16 ahead, its rewired listeners 8 ahead, and
     * their brands and counts 4 ahead */
    for (int64_t s = 0; s < m; s++) {
        if (s + 16 < m) {
            const int64_t i = sw[s + 16].row.i;
            __builtin_prefetch(brand + i);
            __builtin_prefetch(brand_next + i);
            __builtin_prefetch(cnt + i);
            __builtin_prefetch(net->mask + i);
            __builtin_prefetch(sc->rev_first + i);
        }
        if (s + 8 < m) __builtin_prefetch(sc->rev + sc->rev_first[sw[s + 8].row.i]);
        if (s + 4 < m) {
            const int64_t i = sw[s + 4].row.i;
            for (uint32_t p = sc->rev_first[i]; p < sc->rev_first[i + 1]; p++) {
                const int64_t j = sc->rev[p];
                __builtin_prefetch(brand + j);
                __builtin_prefetch(brand_next + j);
                __builtin_prefetch(cnt + j);
            }
        }
        const net_row r = sw[s].row;
        const int64_t i = r.i;
        const int a = sw[s].from, c = brand_next[i];
        cnt[i] = (uint8_t)net_on_brand(net, r, brand_next, c);
        for (int k = 0; k < net->deg; k++) { /* ring listeners: j + off_k = i, link k not rewired */
            const int64_t off = k < net->half ? (int64_t)k - net->half : (int64_t)k - net->half + 1;
            int64_t j = i - off;
            if (j < 0 || j >= n) j = (j % n + n) % n;
            if (!(net->mask[j] >> k & 1)) listener(brand, brand_next, cnt, j, a, c);
        }
        for (uint32_t p = sc->rev_first[i]; p < sc->rev_first[i + 1]; p++)
            listener(brand, brand_next, cnt, sc->rev[p], a, c);
    }
}

void soc_count_done(ad_world *w, int ok)
{
    if (!w->soc || !w->soc->cnt) return;
    w->soc->valid_for = ok ? w->brand_next : NULL;
    w->soc->valid_step = w->steps + 1;
}
