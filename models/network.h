/* network.h: the customers' social network (Watts-Strogatz small world).
 *
 * Each customer listens to `deg` neighbours: the deg/2 nearest on each side
 * of a ring, each link rewired with probability `rewire` to a customer drawn
 * at random (never itself). Links are directed (who I hear from), drawn from
 * the counter-based generator, so the network depends only on the seed. The
 * network is built once and never changes.
 *
 * Stored compactly: a ring link needs no storage (its neighbour is i + an
 * offset), so a customer keeps only a bit mask of its rewired links
 * (`mask[i]`, bit k for link k) and the rewired links' targets, in customer
 * order, in `far`. `far_off[blk]` is where block blk (NET_BLOCK customers)
 * starts in `far`; within a block the hot loops count the masks once
 * (net_block_first). About 2 + 4 deg rewire bytes per customer instead of
 * 4 deg, and only the rewired links are reads from anywhere in memory: the
 * ring neighbours' brands are the bytes next to the customer's own.
 *
 * What the model sees is the multiset of a customer's neighbours; every
 * count below (neighbours on a brand, word-of-mouth scores) depends only on
 * that, not on the order of the links.
 */
#ifndef AD_NETWORK_H
#define AD_NETWORK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* most neighbours per customer (net_scores packs 2 deg <= 32 per byte;
 * mask is 16 bits) */
#define AD_NET_MAX_DEG 16
/* customers per block of far_off (the customer loops' blocks are aligned
 * to it) */
#define NET_BLOCK 256

typedef struct ad_net {
    int64_t n;          /* customers */
    int deg, half;      /* links per customer; ring links k < half point back */
    uint16_t *mask;     /* n: bit k set when link k is rewired (owned) */
    uint64_t *far_off;  /* n / NET_BLOCK + 2: first far entry of each block (owned) */
    uint32_t *far;      /* targets of the rewired links, customer by customer (owned) */
    int64_t fast_lo, fast_hi; /* customers i in [fast_lo, fast_hi) count their ring in words */
    uint64_t ring_sel[3];     /* 0x80 at the ring's positions in each word of the window */
} ad_net;

/* One customer's links: the ring links not in mask, and far[0 .. nf). */
typedef struct net_row {
    int64_t i;
    uint32_t mask;
    int nf;
    const uint32_t *far;
} net_row;

/* The links of a block of customers (net_block_at). */
typedef struct net_block {
    int64_t i0;                 /* first customer, a multiple of NET_BLOCK */
    const uint32_t *far;        /* the block's far entries */
    uint16_t first[NET_BLOCK + 1]; /* customer i0 + k's start in far; [m] the end */
} net_block;

/* bits set in x (no popcnt instruction is assumed) */
static inline int net_popcount16(uint32_t x)
{
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0f0fu;
    return (int)((x + (x >> 8)) & 0x1fu);
}

/* Builds the network of n customers in parallel loops of `threads` threads
 * (<= 0: OpenMP's default), its draws at vector level simd (rng_simd): the
 * same bytes for any threads and simd. deg 0 builds an empty network.
 * Returns 0, or -1 when out of memory (net left empty). */
int net_build(ad_net *net, int64_t n, int deg, double rewire, uint64_t seed, int threads, int simd);
/* The network whose customer i hears nbr[i*deg .. i*deg + deg): a link is
 * stored as rewired unless it is its ring neighbour. 0, or -1 (no memory). */
int net_from_lists(ad_net *net, int64_t n, int deg, const uint32_t *nbr);
void net_free(ad_net *net);
/* Rewired links in the network (the length of far). */
uint64_t net_far_links(const ad_net *net);
/* Room for a saved network of n customers, degree deg and n_far rewired
 * links (mask and far to be filled, then net_restored). 0, or -1. */
int net_alloc_links(ad_net *net, int64_t n, int deg, uint64_t n_far);
/* After mask and far are filled: far_off from the masks. 0, or -1 when
 * the masks do not hold n_far rewired links (a damaged state). */
int net_restored(ad_net *net, uint64_t n_far, int threads);
size_t net_bytes(const ad_net *net);
/* The neighbour of link k of customer i (any i; counts the block's masks). */
uint32_t net_link(const ad_net *net, int64_t i, int k);
/* ring neighbour of link k of customer i */
static inline int64_t net_ring(const ad_net *net, int64_t i, int k)
{
    const int64_t off = k < net->half ? (int64_t)k - net->half : (int64_t)k - net->half + 1;
    const int64_t j = i + off;
    return j >= 0 && j < net->n ? j : (j % net->n + net->n) % net->n;
}

/* The end of indexing a block (net_block_at): customers k .. m one by one
 * from c links on, then the
 * block's total and where its far entries start. */
static inline void net_block_finish(const ad_net *net, int64_t i0, int k, int m, int c, net_block *bl)
{
    for (; k < m; k++) {
        bl->first[k] = (uint16_t)c;
        c += net_popcount16(net->mask[i0 + k]);
    }
    bl->first[m] = (uint16_t)c;
    bl->i0 = i0;
    bl->far = net->far + net->far_off[i0 / NET_BLOCK];
}

/* Indexes the block of customers i0 .. i0 + m (i0 a multiple of
 * NET_BLOCK, m <= NET_BLOCK): the masks' counts, four customers at a time
 * in the 16-bit lanes of a word, and their running sums by one multiply. */
static inline void net_block_at(const ad_net *net, int64_t i0, int m, net_block *bl)
{
    const uint16_t *mask = net->mask + i0;
    uint64_t c = 0;
    int k = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; k + 4 <= m; k += 4) {
        uint64_t x;
        memcpy(&x, mask + k, sizeof x);
        x = x - ((x >> 1) & 0x5555555555555555ULL);
        x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
        x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
        x = (x + (x >> 8)) & 0x001f001f001f001fULL;           /* lane j: customer k + j's count */
        const uint64_t incl = x * 0x0001000100010001ULL;      /* lane j: counts of k .. k + j */
        const uint64_t first = (incl - x) + c * 0x0001000100010001ULL;
        memcpy(bl->first + k, &first, sizeof first);
        c += incl >> 48;
    }
#endif
    net_block_finish(net, i0, k, m, (int)c, bl);
}

/* customer bl->i0 + k's links */
static inline net_row net_row_of(const ad_net *net, const net_block *bl, int k)
{
    net_row r = {bl->i0 + k, net->mask[bl->i0 + k], bl->first[k + 1] - bl->first[k], bl->far + bl->first[k]};
    return r;
}

#define NET_BYTES_01 0x0101010101010101ULL
#define NET_BYTES_7F 0x7f7f7f7f7f7f7f7fULL
#define NET_BYTES_80 0x8080808080808080ULL

/* 0x80 in byte p where bit p of v (8 bits) is set */
static inline uint64_t net_bits_to_bytes(uint32_t v)
{
    const uint64_t x = ((v & 0xffu) * NET_BYTES_01) & 0x8040201008040201ULL; /* byte p: bit p of v */
    return (x + NET_BYTES_7F) & NET_BYTES_80;
}

/* Number of bytes of x equal to b among the bytes with 0x80 in sel (exact:
 * no borrow between bytes; the byte sum is at most 8). */
static inline int net_count_eq(uint64_t x, unsigned b, uint64_t sel)
{
    const uint64_t y = x ^ (NET_BYTES_01 * (b & 0xff));                           /* 0 where equal */
    const uint64_t z = ~(((y & NET_BYTES_7F) + NET_BYTES_7F) | y | NET_BYTES_7F); /* 0x80 where equal */
    return (int)((((z & sel) >> 7) * NET_BYTES_01) >> 56);
}

static inline uint64_t net_load8(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

/* net_on_brand for a degree known to the compiler (deg = net->deg) */
static inline __attribute__((always_inline)) int net_on_brand_deg(const ad_net *net, net_row r, const uint8_t *brand,
                                                                 int b, const int deg)
{
    const int half = deg / 2;
    int c = 0;
    if (r.i >= net->fast_lo && r.i < net->fast_hi) {
        const uint8_t *win = brand + r.i - half; /* window position half is i itself */
        int p = 0;
        for (; p + 8 <= deg + 1; p += 8) c += net_count_eq(net_load8(win + p), (unsigned)b, net->ring_sel[p / 8]);
        for (; p <= deg; p++) c += p != half && win[p] == b;
        uint32_t m = r.mask;
        for (int q = 0; q < r.nf; q++) {
            const int k = __builtin_ctz(m);
            m &= m - 1;
            c += (brand[r.far[q]] == b) - (win[k < half ? k : k + 1] == b);
        }
        return c;
    }
    for (int k = 0, q = 0; k < deg; k++)
        c += brand[r.mask >> k & 1 ? (int64_t)r.far[q++] : net_ring(net, r.i, k)] == b;
    return c;
}

/* Number of customer r's neighbours on brand b. The ring is counted in
 * the bytes around brand[i], eight at a time, as if no link were rewired;
 * then each rewired link swaps its ring neighbour for its far one. The
 * usual degree has its own copy, with the loops laid out. */
static inline int net_on_brand(const ad_net *net, net_row r, const uint8_t *brand, int b)
{
    return net->deg == 8 ? net_on_brand_deg(net, r, brand, b, 8) : net_on_brand_deg(net, r, brand, b, net->deg);
}

/* The weight 1 + e of each byte e in {-1, 0, 1} of x, bytewise (no carry
 * between bytes) */
static inline uint64_t net_weights(uint64_t x)
{
    return ((x & NET_BYTES_7F) + NET_BYTES_01) ^ (x & NET_BYTES_80);
}

/* net_scores for a customer whose ring needs no wrapping, deg <= 16: its
 * neighbours' brands and experiences laid out by link (ring links from the
 * bytes around its own, each rewired link over its ring neighbour's byte),
 * then each brand's score from whole words: the weights of the bytes equal
 * to b, summed across the bytes by one multiply (at most 2 deg <= 32). The
 * usual degree has its own copy, with fixed lengths. */
static inline __attribute__((always_inline)) void net_scores_window(net_row r, const uint8_t *brand,
                                                                   const int8_t *exper, int nb, int *score,
                                                                   const int deg)
{
    const int half = deg / 2, ahead = deg - half; /* ring links back and ahead (net_ring) */
    uint8_t nbb[16], nbe[16]; /* link k's neighbour's brand and experience in byte k */
    memset(nbb + deg, 0xff, (size_t)(16 - deg)); /* no brand */
    memset(nbe + deg, 0, (size_t)(16 - deg));
    memcpy(nbb, brand + r.i - half, (size_t)half);
    memcpy(nbb + half, brand + r.i + 1, (size_t)ahead);
    memcpy(nbe, exper + r.i - half, (size_t)half);
    memcpy(nbe + half, exper + r.i + 1, (size_t)ahead);
    uint32_t m = r.mask;
    for (int q = 0; q < r.nf; q++) {
        const int k = __builtin_ctz(m);
        m &= m - 1;
        nbb[k] = brand[r.far[q]];
        nbe[k] = (uint8_t)exper[r.far[q]];
    }
    const uint64_t b0 = net_load8(nbb), w0 = net_weights(net_load8(nbe));
    const uint64_t b1 = deg > 8 ? net_load8(nbb + 8) : 0, w1 = deg > 8 ? net_weights(net_load8(nbe + 8)) : 0;
    for (int b = 0; b < nb; b++) {
        const uint64_t pat = NET_BYTES_01 * (unsigned)b;
        uint64_t y = b0 ^ pat, z = ~(((y & NET_BYTES_7F) + NET_BYTES_7F) | y | NET_BYTES_7F); /* 0x80 where equal */
        uint64_t sum = w0 & ((z >> 7) * 0xff);
        if (deg > 8) {
            y = b1 ^ pat;
            z = ~(((y & NET_BYTES_7F) + NET_BYTES_7F) | y | NET_BYTES_7F);
            sum += w1 & ((z >> 7) * 0xff);
        }
        score[b] = (int)((sum * NET_BYTES_01) >> 56);
    }
}

/* Word-of-mouth score of customer r's neighbours per brand, from last
 * week's state: each neighbour on brand b (0..15) counts 1 plus its last
 * experience (+1 promoter, -1 detractor), so score[b] = neighbours on b plus
 * promoters minus detractors of b. Fills score[0..nb). Away from the ring's
 * ends by net_scores_window; at the ends link by link, the sums packed, 8
 * bits per brand, in two registers (at most 2 deg <= 32 each). */
static inline void net_scores(const ad_net *net, net_row r, const uint8_t *brand, const int8_t *exper, int nb,
                              int *score)
{
    if (r.i >= net->fast_lo && r.i < net->fast_hi) { /* the ring needs no wrapping */
        if (net->deg == 8) net_scores_window(r, brand, exper, nb, score, 8);
        else net_scores_window(r, brand, exper, nb, score, net->deg);
        return;
    }
    uint64_t lo = 0, hi = 0; /* brands 0-7, 8-15 */
    for (int k = 0, p = 0; k < net->deg; k++) {
        const int64_t j = r.mask >> k & 1 ? r.far[p++] : net_ring(net, r.i, k);
        const unsigned bj = brand[j];
        const uint64_t v = (uint64_t)(1 + exper[j]) << (8 * (bj & 7));
        lo += bj < 8 ? v : 0;
        hi += bj < 8 ? 0 : v;
    }
    for (int b = 0; b < nb; b++) score[b] = (int)(((b < 8 ? lo : hi) >> (8 * (b & 7))) & 0xff);
}

/* Asks the cache for the brands of customer r's rewired neighbours (the
 * ring's are next to its own); a hint only. */
static inline void net_prefetch(net_row r, const uint8_t *brand)
{
    for (int p = 0; p < r.nf; p++) __builtin_prefetch(brand + r.far[p]);
}

/* The same for the last experiences. */
static inline void net_prefetch_exper(net_row r, const int8_t *exper)
{
    for (int p = 0; p < r.nf; p++) __builtin_prefetch(exper + r.far[p]);
}

#endif
