/* network.c: builds the small-world network of network.h. Owns nothing. */
#include "network.h"
#include "rng.h"

void net_build(uint32_t *nbr, int64_t n, int deg, double rewire, uint64_t seed)
{
    if (deg <= 0) return;
    int half = deg / 2;
    #pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        for (int k = 0; k < deg; k++) {
            /* ring offsets -half..-1, 1..half */
            int64_t off = k < half ? (int64_t)k - half : (int64_t)k - half + 1;
            int64_t j = ((i + off) % n + n) % n;
            rng4 r = rng_draw(seed, (uint64_t)i, 0, rng_purpose(RNG_NETWORK, (uint32_t)k));
            if (n > 1 && rng_u01(r.v[0]) < rewire) {
                /* uniform over the n - 1 others */
                uint64_t x = ((uint64_t)r.v[1] << 32 | r.v[2]) % (uint64_t)(n - 1);
                j = (int64_t)x >= i ? (int64_t)x + 1 : (int64_t)x;
            }
            if (n == 1) j = 0;
            nbr[(int64_t)deg * i + k] = (uint32_t)j;
        }
    }
}
