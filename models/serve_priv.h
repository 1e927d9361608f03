/* serve_priv.h: the service pass's scratch (serve.c), private to it: a
 * thread's state of the block in hand.
 */
#ifndef AD_SERVE_PRIV_H
#define AD_SERVE_PRIV_H

#include "cust_priv.h"
#include "network.h"
#include "service.h"
#include "soc_count.h"

/* the settling pass sorts a customer's week by the kind of its contact
 * (code & 7, AD_C_*): all served by a person (AD_C_HUMAN), all automated
 * (AD_C_AUTO_OK, AD_C_AUTO_FRUST), or neither; the kinds are folded into
 * those classes once a week */
enum { SET_N = 8 };

/* One thread's state in cust_serve: its sums, and the scratch of the block
 * in hand (the contacts listed, their draws and social counts, and what the
 * settling pass needs of them). */
typedef struct serve_scratch {
    int64_t acc[AD_MAX_BRANDS][AC_N]; /* this thread's sums, added to A once */
    int64_t set_n[AD_MAX_BRANDS * SET_N];   /* settling pass: customers by brand and kind, */
    int64_t set_loy[AD_MAX_BRANDS * SET_N]; /* their loyalty (fixed point), */
    int64_t set_def[AD_MAX_BRANDS * SET_N]; /* and deficit; added to acc once */
    ad_acc *A;                      /* this thread's accumulators (histograms) */
    int64_t *warm;                  /* this thread's warmth per employee (owned), */
    int32_t *load;                  /* and contacts; NULL: add to w's atomically */
    rng_block r;                    /* RNG_SERVICE words of contact q */
    uint16_t list[CUST_BLOCK];      /* contacts: offsets in the block */
    rng_block tip[AD_TIP_N / 4];    /* RNG_TIP words of the h-th contact served by a person */
    uint16_t human[CUST_BLOCK];     /* those contacts: offsets in the block */
    uint16_t hq[CUST_BLOCK];        /* and their places in the list */
    uint8_t hflag[CUST_BLOCK];      /* contact q is served by a person */
    int nh;                         /* how many */
    int32_t emp[CUST_BLOCK];        /* employee who serves contact q (if a person) */
    float eng[CUST_BLOCK];          /* and that employee's engagement */
    uint8_t recon[CUST_BLOCK];      /* customer k reconsiders */
    double d[CUST_BLOCK];           /* customer k's deficit, unrounded */
    serve_lanes v;                  /* the contacts' state in and out of the vector pass */
    const net_block *links;         /* the block's links */
    const uint8_t *cnt;             /* neighbours on each one's brand (soc_count), or NULL: count here */
    soc_switch *sw;                 /* this week's switchers of the thread (owned), */
    int64_t nsw, sw_cap;            /* how many, room for */
    int sw_lost;                    /* a switcher could not be listed (no memory) */
    net_block lb[2];                /* the last two blocks indexed (i0 -1: none) */
    uint16_t rk[CUST_BLOCK];        /* the block's customers who reconsider, */
    rng_block taste[AD_MAX_BRANDS / 4], occ[AD_MAX_BRANDS / 4]; /* and their words for cust_choose_words */
    int64_t next[CUST_BLOCK];       /* the next block's customers without a contact who reconsider, */
    int nn;                         /* how many */
} serve_scratch;

_Static_assert(CUST_BLOCK == NET_BLOCK, "a block of customers is a block of the network");
_Static_assert(CUST_BLOCK % 8 == 0, "flags are scanned 8 at a time");
_Static_assert(CUST_BLOCK < (1 << SL_BITS), "a block's counts fit their fields");

/* a block's packed counts per brand (SL_*_AT) into the sums */
static inline void add_counts(int64_t (*acc)[AC_N], const uint64_t *counts, int nb)
{
    const uint64_t field = (1u << SL_BITS) - 1;
    for (int b = 0; b < nb; b++) {
        const uint64_t c = counts[b];
        acc[b][AC_NOSTAFF] += (int64_t)(c >> SL_NOSTAFF_AT & field);
        acc[b][AC_FRUST] += (int64_t)(c >> SL_FRUS_AT & field);
        acc[b][AC_REL_HUMAN] += (int64_t)(c >> SL_REL_HUMAN_AT & field);
        acc[b][AC_PROM] += (int64_t)(c >> SL_PROM_AT & field);
        acc[b][AC_DET] += (int64_t)(c >> SL_DET_AT & field);
    }
}

/* customer k of the block at i0 reconsiders: asks the cache for what
 * cust_choose will read (its need, its rewired neighbours' experience, and
 * their brands where they were not asked for a block ahead) */
static inline void reconsider_ahead(const serve_in *restrict in, const ad_world *w, int64_t i0, int k,
                                    const serve_scratch *restrict s)
{
    __builtin_prefetch(w->need + i0 + k);
    if (in->deg > 0) {
        const net_row row = net_row_of(&w->net, s->links, k);
        net_prefetch_exper(row, w->exper);
        if (s->cnt) net_prefetch(row, w->brand);
    }
}


#endif
