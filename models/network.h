/* network.h: the customers' social network (Watts-Strogatz small world).
 *
 * Each customer listens to `deg` neighbours: the deg/2 nearest on each side
 * of a ring, each link rewired with probability `rewire` to a customer drawn
 * at random (never itself). Links are directed (who I hear from), drawn from
 * the counter-based generator, so the network depends only on the seed. The
 * network is built once and never changes; the world owns the array.
 */
#ifndef AD_NETWORK_H
#define AD_NETWORK_H

#include <stdint.h>

/* most neighbours per customer (net_scores packs 2 deg <= 32 per byte) */
#define AD_NET_MAX_DEG 16

/* Fills nbr[i*deg + k] for all n customers (parallel, deterministic). */
void net_build(uint32_t *nbr, int64_t n, int deg, double rewire, uint64_t seed);

/* Word-of-mouth score of customer i's neighbours per brand, from last week's
 * state: each neighbour on brand b (0..15) counts 1 plus its last
 * experience (+1 promoter, -1 detractor), so score[b] = neighbours on b plus
 * promoters minus detractors of b. Fills score[0..nb). The sums are kept
 * packed, 8 bits per brand, in two registers (at most 2 deg <= 32 each):
 * no counter in memory, so neighbours on one brand do not wait on each other. */
static inline void net_scores(const uint32_t *nbr, int deg, int64_t i, const uint8_t *brand,
                              const int8_t *exper, int nb, int *score)
{
    const uint32_t *my = nbr + (int64_t)deg * i;
    uint64_t lo = 0, hi = 0; /* brands 0-7, 8-15 */
    for (int k = 0; k < deg; k++) {
        const uint32_t j = my[k];
        const unsigned b = brand[j];
        const uint64_t v = (uint64_t)(1 + exper[j]) << (8 * (b & 7));
        lo += b < 8 ? v : 0;
        hi += b < 8 ? 0 : v;
    }
    for (int b = 0; b < nb; b++) score[b] = (int)(((b < 8 ? lo : hi) >> (8 * (b & 7))) & 0xff);
}

/* Asks the cache for the brands of customer i's neighbours (a hint only). */
static inline void net_prefetch(const uint32_t *nbr, int deg, int64_t i, const uint8_t *brand)
{
    const uint32_t *my = nbr + (int64_t)deg * i;
    for (int k = 0; k < deg; k++) __builtin_prefetch(brand + my[k]);
}

/* The same for the brands and last experiences (before net_scores). */
static inline void net_prefetch2(const uint32_t *nbr, int deg, int64_t i, const uint8_t *brand,
                                 const int8_t *exper)
{
    const uint32_t *my = nbr + (int64_t)deg * i;
    for (int k = 0; k < deg; k++) {
        __builtin_prefetch(brand + my[k]);
        __builtin_prefetch(exper + my[k]);
    }
}

/* The same for the last experiences only. */
static inline void net_prefetch_exper(const uint32_t *nbr, int deg, int64_t i, const int8_t *exper)
{
    const uint32_t *my = nbr + (int64_t)deg * i;
    for (int k = 0; k < deg; k++) __builtin_prefetch(exper + my[k]);
}

/* Number of customer i's neighbours on brand b. */
static inline int net_on_brand(const uint32_t *nbr, int deg, int64_t i, const uint8_t *brand, int b)
{
    const uint32_t *my = nbr + (int64_t)deg * i;
    int c = 0;
    for (int k = 0; k < deg; k++) c += brand[my[k]] == b;
    return c;
}

#endif
