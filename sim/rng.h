/* rng.h: all randomness of aandacht, from one counter-based generator.
 *
 * Every draw is Philox4x32-10 (Random123) of the counter (agent, step,
 * purpose) under the key seed: no state, so a draw depends only on who asks,
 * when and what for, never on thread scheduling or on the order of other
 * draws. One call gives four independent 32-bit words. Purposes are listed
 * once here so two uses can never share a stream by accident; a purpose may
 * carry a small sub-index (rng_purpose) when one agent needs several draws
 * for the same purpose in one step.
 */
#ifndef AD_RNG_H
#define AD_RNG_H

#include <math.h>
#include <stdint.h>
#include <Random123/philox.h>

enum rng_purpose {
    RNG_TRAITS = 1,     /* customer traits at creation */
    RNG_NETWORK,        /* small-world links */
    RNG_FIRST_BRAND,    /* occasion noise of the first brand choices */
    RNG_CONTACT,        /* contact, class, routing, automated success */
    RNG_SERVICE,        /* employee, human success, satisfaction noise */
    RNG_TIP,            /* server behaviours performed */
    RNG_TASTE,          /* fixed taste per (customer, brand); step 0 always */
    RNG_OCCASION,       /* noise of one reconsideration */
    RNG_AVOID,          /* who states avoidance after a shock (per event) */
    RNG_EMP_TRAIT,      /* employee traits at hiring */
    RNG_EMP_NOISE       /* weekly engagement noise */
};

typedef struct rng4 { uint32_t v[4]; } rng4;

/* purpose with a sub-index (0..2^24-1) */
static inline uint32_t rng_purpose(uint32_t purpose, uint32_t sub)
{
    return purpose | (sub << 8);
}

static inline __attribute__((always_inline)) rng4 rng_draw(uint64_t seed, uint64_t agent, uint32_t step, uint32_t purpose)
{
    philox4x32_ctr_t c = {{(uint32_t)agent, (uint32_t)(agent >> 32), step, purpose}};
    philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    philox4x32_ctr_t r = philox4x32(c, k);
    rng4 out = {{r.v[0], r.v[1], r.v[2], r.v[3]}};
    return out;
}

/* Draws of many agents with one step and purpose, for the block loops of
 * customer.c: word k of agent base + idx[j] lands in v[k][j]. The same bits
 * as rng_draw; written as one flat loop over agents, with no branch, so the
 * compiler can run several agents per vector register. */
#define RNG_BLOCK 256
typedef struct rng_block { uint32_t v[4][RNG_BLOCK]; } rng_block;

static inline void rng_draw_list(uint64_t seed, uint64_t base, const uint16_t *restrict idx, int m,
                                 uint32_t step, uint32_t purpose, rng_block *restrict out)
{
    const uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    const uint32_t blo = (uint32_t)base, bhi = (uint32_t)(base >> 32);
    for (int j = 0; j < m; j++) {
        uint32_t lo = blo + idx[j];
        uint32_t c0 = lo, c1 = bhi + (lo < blo), c2 = step, c3 = purpose, ka = k0, kb = k1;
        for (int r = 0; r < 10; r++) { /* Philox4x32 round, then the key's Weyl bump */
            uint64_t p0 = (uint64_t)PHILOX_M4x32_0 * c0, p1 = (uint64_t)PHILOX_M4x32_1 * c2;
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ ka, n2 = (uint32_t)(p0 >> 32) ^ c3 ^ kb;
            c1 = (uint32_t)p1;
            c3 = (uint32_t)p0;
            c0 = n0;
            c2 = n2;
            ka += PHILOX_W32_0;
            kb += PHILOX_W32_1;
        }
        out->v[0][j] = c0;
        out->v[1][j] = c1;
        out->v[2][j] = c2;
        out->v[3][j] = c3;
    }
}

/* uniform in [0, 1) with 32 bits */
static inline double rng_u01(uint32_t x) { return (double)x * (1.0 / 4294967296.0); }
/* uniform in (0, 1): never 0, for logarithms */
static inline double rng_open01(uint32_t x) { return ((double)x + 0.5) * (1.0 / 4294967296.0); }
/* standard normal from two words (Box-Muller, one of the pair) */
static inline double rng_normal(uint32_t a, uint32_t b)
{
    return sqrt(-2.0 * log(rng_open01(a))) * cos(6.283185307179586 * rng_u01(b));
}
/* standard Gumbel */
static inline double rng_gumbel(uint32_t x) { return -log(-log(rng_open01(x))); }

#endif
