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

/* Fills nbr[i*deg + k] for all n customers (parallel, deterministic). */
void net_build(uint32_t *nbr, int64_t n, int deg, double rewire, uint64_t seed);

/* Neighbour counts of customer i from last week's state: on[b] customers on
 * brand b, wom[b] promoters minus detractors of b (exper +1/-1). */
static inline void net_counts(const uint32_t *nbr, int deg, int64_t i, const uint8_t *brand,
                              const int8_t *exper, int *on, int *wom)
{
    const uint32_t *my = nbr + (int64_t)deg * i;
    for (int k = 0; k < deg; k++) {
        uint32_t j = my[k];
        on[brand[j]]++;
        wom[brand[j]] += exper[j];
    }
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
