/* test_network.c: the small-world network of models/network.h.
 *
 * Without rewiring every customer hears exactly its deg/2 ring neighbours on
 * each side; with rewiring p a share p of the links goes elsewhere, never to
 * the customer itself, uniformly over the others. The network is a function
 * of the seed alone: the same bytes for any thread count and vector level,
 * each link the one its own draw gives. The compact storage (ring
 * links implied, rewired ones listed) gives back every link, and the
 * neighbour counts and scores, in words or byte by byte, at the ends of the
 * ring or inside, match a count made by hand over explicit lists.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network.h"
#include "rng.h"

/* every link of net, as lists: nbr[deg * i + k] is link k of customer i */
static uint32_t *expand(const ad_net *net)
{
    uint32_t *nbr = malloc((size_t)net->n * (size_t)net->deg * sizeof *nbr + 1);
    cr_assert_not_null(nbr);
    for (int64_t i = 0; i < net->n; i++)
        for (int k = 0; k < net->deg; k++) nbr[net->deg * i + k] = net_link(net, i, k);
    return nbr;
}

static uint32_t *build(int64_t n, int deg, double p, uint64_t seed)
{
    ad_net net;
    cr_assert_eq(net_build(&net, n, deg, p, seed, 0, rng_simd()), 0);
    uint32_t *nbr = expand(&net);
    net_free(&net);
    return nbr;
}

/* net_on_brand, out of line: the compiler sees no constant customer whose
 * window would reach past a test's small array (only the ring's inside
 * reads it) */
static __attribute__((noinline)) int on_brand(const ad_net *net, net_row r, const uint8_t *brand, int b)
{
    return net_on_brand(net, r, brand, b);
}

/* the links of customer i (any i) */
static net_row row_of(const ad_net *net, int64_t i, net_block *bl)
{
    const int64_t i0 = i / NET_BLOCK * NET_BLOCK;
    net_block_at(net, i0, (int)(net->n - i0 < NET_BLOCK ? net->n - i0 : NET_BLOCK), bl);
    return net_row_of(net, bl, (int)(i - i0));
}

/* |i - j| on the ring of n */
static int64_t ring_dist(int64_t i, int64_t j, int64_t n)
{
    int64_t d = i > j ? i - j : j - i;
    return d < n - d ? d : n - d;
}

Test(network, rewire_0_gives_exactly_the_ring_neighbours)
{
    const int64_t sizes[] = {3, 5, 9, 17, 1000};
    const int degs[] = {2, 4, 8, 16};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (size_t d = 0; d < sizeof degs / sizeof *degs; d++) {
            int64_t n = sizes[s];
            int deg = degs[d], half = deg / 2;
            if (deg >= n) continue; /* the config loader refuses these */
            uint32_t *nbr = build(n, deg, 0.0, 1);
            for (int64_t i = 0; i < n; i++) {
                /* the multiset of links equals {i-half..i-1, i+1..i+half} mod n */
                int want[64] = {0}, got[64] = {0}; /* by signed offset + 32 */
                for (int o = 1; o <= half; o++) {
                    want[32 + o]++;
                    want[32 - o]++;
                }
                for (int k = 0; k < deg; k++) {
                    int64_t j = nbr[deg * i + k];
                    cr_assert(j >= 0 && j < n);
                    cr_assert_neq(j, i, "n %lld deg %d: customer %lld hears itself", (long long)n, deg, (long long)i);
                    /* signed offset in -half..half */
                    int64_t off = ((j - i) % n + n) % n;
                    if (off > n / 2) off -= n;
                    cr_assert_leq(ring_dist(i, j, n), half, "n %lld deg %d: %lld -> %lld is not a ring neighbour",
                                  (long long)n, deg, (long long)i, (long long)j);
                    got[32 + off]++;
                }
                cr_assert(memcmp(want, got, sizeof want) == 0, "n %lld deg %d customer %lld", (long long)n, deg,
                          (long long)i);
            }
            free(nbr);
        }
}

Test(network, rewired_share_is_p_and_never_self)
{
    /* n = 40k, deg 8: 320k links. A rewired link lands on a ring neighbour
     * by chance with probability deg/(n-1), so the non-ring share is
     * p (1 - deg/(n-1)); sd at most 0.00088, tolerance 0.004 */
    const int64_t n = 40000;
    const int deg = 8, half = deg / 2;
    const double ps[] = {0.1, 0.5, 1.0}; /* p = 0: the ring test */
    for (size_t q = 0; q < sizeof ps / sizeof *ps; q++) {
        uint32_t *nbr = build(n, deg, ps[q], 20261123);
        int64_t off_ring = 0, bins[10] = {0}, moved = 0, self = 0, outside = 0;
        for (int64_t i = 0; i < n; i++)
            for (int k = 0; k < deg; k++) {
                int64_t j = nbr[deg * i + k];
                if (j >= n) { outside++; continue; }
                self += j == i;
                if (ring_dist(i, j, n) > half) {
                    off_ring++;
                    bins[j * 10 / n]++;
                }
                moved++;
            }
        cr_assert_eq(outside, 0, "p %.1f: %lld links point past the last customer", ps[q], (long long)outside);
        cr_assert_eq(self, 0, "p %.1f: %lld links point to the customer itself", ps[q], (long long)self);
        double share = (double)off_ring / (double)moved, want = ps[q] * (1.0 - deg / (double)(n - 1));
        cr_assert_lt(fabs(share - want), 0.004, "p %.1f: non-ring share %.4f, want %.4f", ps[q], share, want);
        /* rewired targets spread over the whole ring: each tenth gets 10 %
         * of them (sd at most 0.0017 at p = 0.1; tolerance 0.01) */
        if (off_ring > 0)
            for (int b = 0; b < 10; b++)
                cr_assert_lt(fabs((double)bins[b] / (double)off_ring - 0.1), 0.01, "p %.1f: tenth %d gets %.4f",
                             ps[q], b, (double)bins[b] / (double)off_ring);
        free(nbr);
    }
}

Test(network, tiny_rings_fully_rewired_never_hear_themselves)
{
    /* n 3..9 with p = 1: every link is drawn from the n - 1 others, each
     * equally often (over 2000 seeds a customer has 4000 links; the share of
     * each other customer, 1/(n-1), has sd at most 0.008: tolerance 0.04) */
    for (int64_t n = 3; n <= 9; n++) {
        const int deg = 2;
        int64_t hits[9][9] = {{0}};
        for (uint64_t seed = 0; seed < 2000; seed++) {
            ad_net net;
            /* one thread: 14,000 tiny builds, no thread wake-ups */
            cr_assert_eq(net_build(&net, n, deg, 1.0, seed, 1, rng_simd()), 0);
            uint32_t nbr[9 * 2];
            for (int64_t i = 0; i < n; i++)
                for (int k = 0; k < deg; k++) nbr[deg * i + k] = net_link(&net, i, k);
            net_free(&net);
            for (int64_t i = 0; i < n; i++)
                for (int k = 0; k < deg; k++) {
                    cr_assert_neq((int64_t)nbr[deg * i + k], i, "n %lld seed %llu: customer %lld hears itself",
                                  (long long)n, (unsigned long long)seed, (long long)i);
                    hits[i][nbr[deg * i + k]]++;
                }
        }
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < n; j++)
                if (j != i) {
                    double share = hits[i][j] / (2000.0 * deg);
                    cr_assert_lt(fabs(share - 1.0 / (double)(n - 1)), 0.04, "n %lld: %lld hears %lld in %.3f of links",
                                 (long long)n, (long long)i, (long long)j, share);
                }
    }
}

Test(network, rewiring_is_independent_per_link_slot)
{
    /* each of the deg slots is rewired with the same probability (a slot
     * reusing another's draw would show as a slot at 0 or at 2p) */
    const int64_t n = 20000;
    const int deg = 16, half = deg / 2;
    uint32_t *nbr = build(n, deg, 0.2, 77);
    for (int k = 0; k < deg; k++) {
        int64_t c = 0;
        for (int64_t i = 0; i < n; i++) c += ring_dist(i, nbr[deg * i + k], n) > half;
        double share = (double)c / (double)n; /* sd 0.0028; tolerance 0.015 */
        cr_assert_lt(fabs(share - 0.2), 0.015, "slot %d rewired share %.4f", k, share);
    }
    free(nbr);
}

Test(network, deterministic_for_a_seed_and_any_thread_count_and_different_for_another)
{
    const int64_t n = 10000;
    const int deg = 8;
    int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    uint32_t *a = build(n, deg, 0.3, 5);
    omp_set_num_threads(2);
    uint32_t *b = build(n, deg, 0.3, 5);
    omp_set_num_threads(saved);
    uint32_t *c = build(n, deg, 0.3, 6);
    size_t bytes = (size_t)n * deg * sizeof *a;
    cr_assert(memcmp(a, b, bytes) == 0, "the same seed must give the same network with 1 and 2 threads");
    cr_assert(memcmp(a, c, bytes) != 0, "another seed must give another network");
    /* and not just in one corner: most customers differ somewhere (each of
     * 8 links is rewired with p 0.3 in one and 0.3 in the other) */
    int64_t differ = 0;
    for (int64_t i = 0; i < n; i++) differ += memcmp(a + deg * i, c + deg * i, deg * sizeof *a) != 0;
    cr_assert_gt(differ, n / 2, "only %lld of %lld customers differ between seeds", (long long)differ, (long long)n);
    free(a);
    free(b);
    free(c);
}

/* net_build's arrays equal to reference's, byte for byte */
static void same_arrays(const ad_net *a, const ad_net *ref, const char *what)
{
    const int64_t nblk = (ref->n + NET_BLOCK - 1) / NET_BLOCK;
    cr_assert_eq(a->n, ref->n);
    cr_assert(memcmp(a->mask, ref->mask, (size_t)ref->n * sizeof *ref->mask) == 0, "%s: masks differ", what);
    cr_assert(memcmp(a->far_off, ref->far_off, ((size_t)nblk + 1) * sizeof *ref->far_off) == 0,
              "%s: block offsets differ", what);
    cr_assert(memcmp(a->far, ref->far, (size_t)ref->far_off[nblk] * sizeof *ref->far) == 0, "%s: targets differ",
              what);
}

Test(network, built_with_1_2_or_3_threads_on_every_vector_level_the_same_bytes_as_link_by_link)
{
    /* the masks, block offsets and targets are the same bytes whatever the
     * threads and the vector level of the draws, and every link is the one
     * its own draw rng(seed, i, 0, RNG_NETWORK sub k) gives: rewired when
     * its first word is below p, then to the second and third words modulo
     * the n - 1 others (skipping i). Sizes with a partial last block. */
    const int64_t ns[] = {1, 2, 255, 5453};
    const int degs[] = {7, 16};
    const double p = 0.3;
    const uint64_t seed = 99;
    for (size_t q = 0; q < sizeof ns / sizeof *ns; q++)
        for (size_t d = 0; d < sizeof degs / sizeof *degs; d++) {
            const int64_t n = ns[q];
            const int deg = degs[d];
            ad_net ref;
            cr_assert_eq(net_build(&ref, n, deg, p, seed, 1, RNG_SIMD_PLAIN), 0);
            for (int64_t i = 0; i < n; i++)
                for (int k = 0; k < deg; k++) {
                    const rng4 r = rng_draw(seed, (uint64_t)i, 0, rng_purpose(RNG_NETWORK, (uint32_t)k));
                    int64_t want = net_ring(&ref, i, k);
                    if (n > 1 && rng_u01(r.v[0]) < p) {
                        want = (int64_t)((((uint64_t)r.v[1] << 32) | r.v[2]) % (uint64_t)(n - 1));
                        want += want >= i;
                    }
                    cr_assert_eq(net_link(&ref, i, k), want, "n %lld deg %d: link %d of %lld", (long long)n, deg, k,
                                 (long long)i);
                }
            for (int level = RNG_SIMD_PLAIN; level <= rng_simd(); level++)
                for (int threads = 1; threads <= 3; threads++) {
                    char what[96];
                    snprintf(what, sizeof what, "n %lld deg %d, %d threads, %s", (long long)n, deg, threads,
                             rng_simd_name(level));
                    ad_net net;
                    cr_assert_eq(net_build(&net, n, deg, p, seed, threads, level), 0);
                    same_arrays(&net, &ref, what);
                    net_free(&net);
                }
            net_free(&ref);
        }
}

Test(network, degree_0_holds_nothing)
{
    ad_net net;
    cr_assert_eq(net_build(&net, 1000, 0, 0.5, 1, 0, rng_simd()), 0);
    cr_assert_null(net.mask);
    cr_assert_null(net.far);
    cr_assert_eq(net_bytes(&net), 0);
    net_free(&net);
}

Test(network, compact_storage_keeps_every_link_in_about_2_plus_4_deg_p_bytes)
{
    /* net_from_lists of the expanded links gives the same links back; it
     * stores as rewired only what is not the ring neighbour (net_build also
     * a rewired link that landed on it by chance) */
    const int64_t n = 5000;
    const int deg = 8;
    ad_net a, b;
    cr_assert_eq(net_build(&a, n, deg, 0.1, 3, 0, rng_simd()), 0);
    uint32_t *nbr = expand(&a), *again;
    cr_assert_eq(net_from_lists(&b, n, deg, nbr), 0);
    again = expand(&b);
    cr_assert(memcmp(nbr, again, (size_t)n * deg * sizeof *nbr) == 0);
    int64_t rewired = 0;
    for (int64_t i = 0; i < n; i++) {
        cr_assert_eq(b.mask[i] & ~a.mask[i], 0, "customer %lld", (long long)i);
        rewired += net_popcount16(a.mask[i]);
    }
    cr_assert(rewired > 0.08 * n * deg && rewired < 0.12 * n * deg, "%lld links rewired", (long long)rewired);
    free(again);
    /* 2 bytes of mask, 4 per rewired link (0.8 a customer, sd 0.013), and
     * the block offsets: 5.2 +- 0.1 bytes per customer, not 4 deg = 32 */
    const double per = (double)net_bytes(&a) / (double)n;
    cr_assert(per > 4.9 && per < 5.5, "%.2f bytes per customer", per);
    free(nbr);
    net_free(&a);
    net_free(&b);
}

/* ---- neighbour scores ------------------------------------------------- */

/* a hand-made world of 20 customers; customer 0 hears 1..deg */
#define NC 20

Test(network, on_brand_counts_the_neighbours_on_each_brand)
{
    const int deg = 6;
    uint32_t nbr[NC * 6] = {0};
    uint8_t brand[NC] = {0};
    /* customer 0 hears 3, 5, 7, 9, 11, 13; customer 1 hears 0 six times */
    for (int k = 0; k < deg; k++) nbr[k] = (uint32_t)(3 + 2 * k);
    brand[3] = 2; brand[5] = 2; brand[7] = 0; brand[9] = 15; brand[11] = 2; brand[13] = 9;
    brand[0] = 4;
    /* brands of customers nobody hears must not count */
    brand[4] = 2; brand[6] = 2;
    ad_net net;
    net_block bl;
    cr_assert_eq(net_from_lists(&net, NC, deg, nbr), 0);
    const net_row r0 = row_of(&net, 0, &bl);
    cr_assert_eq(on_brand(&net, r0, brand, 2), 3);
    cr_assert_eq(on_brand(&net, r0, brand, 0), 1);
    cr_assert_eq(on_brand(&net, r0, brand, 15), 1);
    cr_assert_eq(on_brand(&net, r0, brand, 9), 1);
    cr_assert_eq(on_brand(&net, r0, brand, 4), 0, "the customer's own brand is not a neighbour's");
    cr_assert_eq(on_brand(&net, r0, brand, 1), 0);
    cr_assert_eq(on_brand(&net, row_of(&net, 1, &bl), brand, 4), 6, "customer 1 hears 0 six times");
    net_free(&net);
}

/* net_on_brand of every customer and brand against a count over the lists:
 * inside the ring (in words) and at its ends (byte by byte), every degree,
 * rings with and without rewired links, a block boundary inside */
/* score[b] = neighbours on b + promoters on b - detractors on b, counted by
 * hand over a random neighbourhood */
static void hand_scores(const uint32_t *my, int deg, const uint8_t *brand, const int8_t *exper, int *score)
{
    memset(score, 0, 16 * sizeof *score);
    for (int k = 0; k < deg; k++) score[brand[my[k]]] += 1 + exper[my[k]];
}

Test(network, on_brand_and_scores_match_a_count_by_hand_everywhere)
{
    /* both read the ring's neighbours as the bytes around each customer's
     * own, with the rewired links over them, at every degree (odd ones
     * too: one more link ahead than back), near the ring's ends and away
     * from them */
    enum { N = 700 };
    static uint8_t brand[N];
    static int8_t exper[N];
    uint32_t x = 777;
    for (int i = 0; i < N; i++) {
        x = x * 1664525u + 1013904223u;
        brand[i] = (uint8_t)(x >> 29); /* 8 brands: many equal bytes in a window */
        exper[i] = (int8_t)((int)((x >> 8) % 3) - 1);
    }
    const int degs[] = {1, 2, 3, 4, 6, 7, 8, 9, 10, 15, 16};
    const double ps[] = {0.0, 0.1, 0.3, 1.0};
    for (size_t d = 0; d < sizeof degs / sizeof *degs; d++)
        for (size_t q = 0; q < sizeof ps / sizeof *ps; q++) {
            const int deg = degs[d];
            ad_net net;
            net_block bl;
            cr_assert_eq(net_build(&net, N, deg, ps[q], 11, 0, rng_simd()), 0);
            uint32_t *nbr = expand(&net);
            for (int64_t i = 0; i < N; i++) {
                const net_row r = row_of(&net, i, &bl);
                for (int b = 0; b < 8; b++) {
                    int hand = 0;
                    for (int k = 0; k < deg; k++) hand += brand[nbr[deg * i + k]] == b;
                    cr_assert_eq(on_brand(&net, r, brand, b), hand, "deg %d p %.1f customer %lld brand %d", deg,
                                 ps[q], (long long)i, b);
                }
                int got[16], hand[16];
                for (int b = 0; b < 16; b++) got[b] = -99;
                const int nb = 1 + (int)(i % 16); /* only score[0 .. nb) is written */
                net_scores(&net, r, brand, exper, nb, got);
                hand_scores(nbr + (size_t)deg * i, deg, brand, exper, hand);
                for (int b = 0; b < 16; b++)
                    cr_assert_eq(got[b], b < nb ? hand[b] : -99, "deg %d p %.1f customer %lld: score[%d] = %d, want %d",
                                 deg, ps[q], (long long)i, b, got[b], b < nb ? hand[b] : -99);
            }
            free(nbr);
            net_free(&net);
        }
}

Test(network, scores_match_a_count_by_hand_on_every_brand)
{
    const int deg = 4;
    uint32_t nbr[NC * 4] = {1, 2, 3, 4, 5, 6, 7, 8};
    ad_net net;
    net_block bl;
    cr_assert_eq(net_from_lists(&net, NC, deg, nbr), 0);
    uint8_t brand[NC] = {0};
    int8_t exper[NC] = {0};
    /* customer 0: brand 1 promoter, brand 1 detractor, brand 9 promoter,
     * brand 15 passive */
    brand[1] = 1; exper[1] = 1;
    brand[2] = 1; exper[2] = -1;
    brand[3] = 9; exper[3] = 1;
    brand[4] = 15; exper[4] = 0;
    int score[16];
    net_scores(&net, row_of(&net, 0, &bl), brand, exper, 16, score);
    int want[16] = {0};
    want[1] = 2;  /* 2 on brand 1, +1 -1 */
    want[9] = 2;  /* 1 on brand 9, +1 */
    want[15] = 1; /* 1 on brand 15 */
    for (int b = 0; b < 16; b++) cr_assert_eq(score[b], want[b], "brand %d: %d, want %d", b, score[b], want[b]);
    /* nb limits what is written */
    int few[16];
    for (int b = 0; b < 16; b++) few[b] = -7;
    net_scores(&net, row_of(&net, 0, &bl), brand, exper, 4, few);
    cr_assert_eq(few[1], 2);
    cr_assert_eq(few[4], -7, "net_scores must write only score[0..nb)");
    net_free(&net);

    /* random neighbourhoods of the largest degree over all 16 brands */
    enum { DEG = 16, N = 4096 };
    static uint32_t big[N * DEG];
    static uint8_t bb[N];
    static int8_t ee[N];
    uint32_t x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 1664525u + 1013904223u;
        bb[i] = (uint8_t)(x >> 28);
        ee[i] = (int8_t)((int)((x >> 8) % 3) - 1);
        for (int k = 0; k < DEG; k++) {
            x = x * 1664525u + 1013904223u;
            big[i * DEG + k] = (x >> 8) % N;
        }
    }
    /* and some ring links among them, so the scores see both kinds */
    for (int i = 0; i < N; i += 3) big[i * DEG + 2] = (uint32_t)((i - DEG / 2 + 2 + N) % N);
    cr_assert_eq(net_from_lists(&net, N, DEG, big), 0);
    for (int i = 0; i < N; i++) {
        int got[16], hand[16];
        net_scores(&net, row_of(&net, i, &bl), bb, ee, 16, got);
        hand_scores(big + DEG * i, DEG, bb, ee, hand);
        for (int b = 0; b < 16; b++) cr_assert_eq(got[b], hand[b], "customer %d brand %d", i, b);
    }
    net_free(&net);
}

Test(network, scores_hold_the_extremes_of_degree_16)
{
    /* all 16 neighbours promoters of one brand: 32, the largest packed sum;
     * it must not spill into the next brand's byte. All detractors: 0. */
    const int deg = 16;
    uint32_t nbr[32 * 16] = {0};
    uint8_t brand[32] = {0};
    int8_t exper[32] = {0};
    for (int k = 0; k < deg; k++) nbr[k] = (uint32_t)(k + 1);
    ad_net net;
    net_block bl;
    cr_assert_eq(net_from_lists(&net, 32, deg, nbr), 0);
    const net_row r0 = row_of(&net, 0, &bl);
    const int probe[] = {0, 6, 7, 8, 14, 15};
    for (size_t p = 0; p < sizeof probe / sizeof *probe; p++) {
        for (int e = -1; e <= 1; e++) {
            for (int k = 1; k <= deg; k++) {
                brand[k] = (uint8_t)probe[p];
                exper[k] = (int8_t)e;
            }
            int score[16];
            net_scores(&net, r0, brand, exper, 16, score);
            for (int b = 0; b < 16; b++)
                cr_assert_eq(score[b], b == probe[p] ? deg * (1 + e) : 0, "brand %d, experience %d: score[%d] = %d",
                             probe[p], e, b, score[b]);
            cr_assert_eq(on_brand(&net, r0, brand, probe[p]), deg);
        }
    }
    net_free(&net);
}
