/* network.c: builds the small-world network of network.h; owns its arrays.
 *
 * Link k of customer i is decided by rng(seed, i, 0, RNG_NETWORK sub k)
 * alone, so building in three passes (masks, block offsets, targets) draws
 * the same links as one would. Each pass is a parallel loop over blocks of
 * NET_BLOCK customers in which a block writes only its own entries, and the
 * offsets are running sums of integers: the same bytes for any thread
 * count. The masks' draws are made a block at a time in vector lanes
 * (rng_draw_list, the same words as rng_draw); a rewired link's target is
 * drawn again, alone, when it is stored.
 */
#include "network.h"

#include <omp.h>
#include <stdlib.h>

#include "rng.h"

/* Whether a link is rewired, from the first word of its draw. */
static inline int link_rewired(uint32_t word, double rewire)
{
    return rng_u01(word) < rewire;
}

/* The target of a rewired link of customer i, from the second and third
 * words of its draw: uniform over the n - 1 others (n > 1). */
static inline int64_t link_target(int64_t n, int64_t i, uint32_t hi, uint32_t lo)
{
    const uint64_t x = ((uint64_t)hi << 32 | lo) % (uint64_t)(n - 1);
    return (int64_t)x >= i ? (int64_t)x + 1 : (int64_t)x;
}

/* the thread count of a parallel loop: threads, or OpenMP's default when
 * threads <= 0 */
static int team(int threads)
{
    return threads > 0 ? threads : omp_get_max_threads();
}

/* Allocates mask and far_off for n customers of degree deg; sets the sizes. */
static int net_alloc(ad_net *net, int64_t n, int deg)
{
    memset(net, 0, sizeof *net);
    net->n = n;
    net->deg = deg;
    net->half = deg / 2;
    /* net_on_brand reads the deg + 1 bytes around i: words of 8 positions
     * (ring_sel marks the ring's), then single bytes */
    net->fast_lo = net->half;
    net->fast_hi = n - (deg - net->half);
    for (int p = 0; p + 8 <= deg + 1 && p < 24; p += 8)
        for (int q = 0; q < 8; q++)
            if (p + q != net->half) net->ring_sel[p / 8] |= 0x80ULL << (8 * q);
    if (deg <= 0) return 0;
    net->mask = malloc((size_t)n * sizeof *net->mask);
    net->far_off = malloc(((size_t)n / NET_BLOCK + 2) * sizeof *net->far_off);
    if (!net->mask || !net->far_off) {
        net_free(net);
        return -1;
    }
    return 0;
}

/* far_off from the masks */
static void index_offsets(ad_net *net, int threads)
{
    const int64_t nblk = (net->n + NET_BLOCK - 1) / NET_BLOCK;
    #pragma omp parallel for schedule(static) num_threads(team(threads))
    for (int64_t blk = 0; blk < nblk; blk++) {
        uint64_t c = 0;
        const int64_t end = (blk + 1) * NET_BLOCK < net->n ? (blk + 1) * NET_BLOCK : net->n;
        for (int64_t i = blk * NET_BLOCK; i < end; i++) c += (uint64_t)net_popcount16(net->mask[i]);
        net->far_off[blk + 1] = c;
    }
    net->far_off[0] = 0;
    for (int64_t blk = 0; blk < nblk; blk++) net->far_off[blk + 1] += net->far_off[blk];
}

/* far_off from the masks, then room for far */
static int net_index(ad_net *net, int threads)
{
    index_offsets(net, threads);
    const uint64_t n_far = net_far_links(net);
    net->far = malloc((size_t)(n_far ? n_far : 1) * sizeof *net->far);
    if (!net->far) {
        net_free(net);
        return -1;
    }
    return 0;
}

uint64_t net_far_links(const ad_net *net)
{
    return net->deg > 0 ? net->far_off[(net->n + NET_BLOCK - 1) / NET_BLOCK] : 0;
}

int net_alloc_links(ad_net *net, int64_t n, int deg, uint64_t n_far)
{
    if (net_alloc(net, n, deg)) return -1;
    if (deg <= 0) return 0;
    net->far = malloc((size_t)(n_far ? n_far : 1) * sizeof *net->far);
    if (!net->far) {
        net_free(net);
        return -1;
    }
    net->far_off[0] = 0; /* net_far_links says n_far until net_restored counts the masks */
    net->far_off[(n + NET_BLOCK - 1) / NET_BLOCK] = n_far;
    return 0;
}

int net_restored(ad_net *net, uint64_t n_far, int threads)
{
    if (net->deg <= 0) return 0;
    index_offsets(net, threads);
    return net_far_links(net) == n_far ? 0 : -1;
}

/* The masks of customers i0 .. i0 + m (m <= NET_BLOCK): link k's draws for
 * the whole block at once, then each customer's coin. */
static void block_masks(ad_net *net, int64_t i0, int m, double rewire, uint64_t seed, int simd,
                        const uint16_t *seq)
{
    uint16_t mask[NET_BLOCK] = {0};
    rng_block r;
    if (net->n > 1) /* the only customer hears itself on the ring */
        for (int k = 0; k < net->deg; k++) {
            rng_draw_list(simd, seed, (uint64_t)i0, seq, m, 0, rng_purpose(RNG_NETWORK, (uint32_t)k), &r);
            for (int j = 0; j < m; j++) mask[j] |= (uint16_t)(link_rewired(r.v[0][j], rewire) << k);
        }
    memcpy(net->mask + i0, mask, (size_t)m * sizeof *mask);
}

/* The targets of the rewired links of customers i0 .. i0 + m, in customer
 * and link order, from the block's first far entry on. */
static void block_targets(ad_net *net, int64_t i0, int m, uint64_t seed)
{
    uint32_t *out = net->far + net->far_off[i0 / NET_BLOCK];
    for (int64_t i = i0; i < i0 + m; i++)
        for (uint32_t bits = net->mask[i]; bits; bits &= bits - 1) {
            const int k = __builtin_ctz(bits);
            const rng4 r = rng_draw(seed, (uint64_t)i, 0, rng_purpose(RNG_NETWORK, (uint32_t)k));
            *out++ = (uint32_t)link_target(net->n, i, r.v[1], r.v[2]);
        }
}

int net_build(ad_net *net, int64_t n, int deg, double rewire, uint64_t seed, int threads, int simd)
{
    if (net_alloc(net, n, deg)) return -1;
    if (deg <= 0) return 0;
    const int64_t nblk = (n + NET_BLOCK - 1) / NET_BLOCK;
    #pragma omp parallel num_threads(team(threads))
    {
        uint16_t seq[NET_BLOCK];
        for (int k = 0; k < NET_BLOCK; k++) seq[k] = (uint16_t)k;
        #pragma omp for schedule(static)
        for (int64_t blk = 0; blk < nblk; blk++) {
            const int64_t i0 = blk * NET_BLOCK;
            block_masks(net, i0, (int)(n - i0 < NET_BLOCK ? n - i0 : NET_BLOCK), rewire, seed, simd, seq);
        }
    }
    if (net_index(net, threads)) return -1;
    #pragma omp parallel for schedule(static) num_threads(team(threads))
    for (int64_t blk = 0; blk < nblk; blk++) {
        const int64_t i0 = blk * NET_BLOCK;
        block_targets(net, i0, (int)(n - i0 < NET_BLOCK ? n - i0 : NET_BLOCK), seed);
    }
    return 0;
}

int net_from_lists(ad_net *net, int64_t n, int deg, const uint32_t *nbr)
{
    if (net_alloc(net, n, deg)) return -1;
    if (deg <= 0) return 0;
    for (int64_t i = 0; i < n; i++) {
        uint32_t m = 0;
        for (int k = 0; k < deg; k++) m |= (uint32_t)(nbr[(int64_t)deg * i + k] != net_ring(net, i, k)) << k;
        net->mask[i] = (uint16_t)m;
    }
    if (net_index(net, 0)) return -1;
    uint32_t *out = net->far;
    for (int64_t i = 0; i < n; i++)
        for (int k = 0; k < deg; k++)
            if (net->mask[i] >> k & 1) *out++ = nbr[(int64_t)deg * i + k];
    return 0;
}

uint32_t net_link(const ad_net *net, int64_t i, int k)
{
    if (!(net->mask[i] >> k & 1)) return (uint32_t)net_ring(net, i, k);
    uint64_t p = net->far_off[i / NET_BLOCK];
    for (int64_t q = i / NET_BLOCK * NET_BLOCK; q < i; q++) p += (uint64_t)net_popcount16(net->mask[q]);
    p += (uint64_t)net_popcount16(net->mask[i] & ((1u << k) - 1));
    return net->far[p];
}

size_t net_bytes(const ad_net *net)
{
    if (net->deg <= 0) return 0;
    const int64_t nblk = (net->n + NET_BLOCK - 1) / NET_BLOCK;
    return (size_t)net->n * sizeof *net->mask + ((size_t)nblk + 1) * sizeof *net->far_off +
           (size_t)net->far_off[nblk] * sizeof *net->far;
}

void net_free(ad_net *net)
{
    free(net->mask);
    free(net->far_off);
    free(net->far);
    net->mask = NULL;
    net->far_off = NULL;
    net->far = NULL;
}
