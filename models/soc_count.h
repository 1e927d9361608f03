/* soc_count.h: each customer's number of neighbours on its own brand,
 * kept from week to week instead of counted at every contact (cust_serve).
 *
 * cnt[i] is net_on_brand(i, brand, brand[i]) for the brand buffer the
 * counts were made for. About one customer in a hundred switches a week,
 * so after the week's choices only the switchers and the customers who
 * hear them change: a switcher's own count is counted anew on this week's
 * brands, and each listener that kept its brand adds +1/-1 for the link
 * (integers, added atomically: the same counts in any order, for any number
 * of threads). Who hears whom: a ring link is implied (customer i - offset
 * hears i through link k unless it rewired link k); the rewired links are
 * indexed backwards once (rev). Anything else that sets brands (the redraw
 * after the first warm-up year) makes the counts stale, and the next week
 * counts them all anew; so does a week whose switchers could not be listed.
 */
#ifndef AD_SOC_COUNT_H
#define AD_SOC_COUNT_H

#include <stddef.h>
#include <stdint.h>

#include "network.h"
#include "world.h"

typedef struct soc_count {
    uint8_t *cnt;              /* n: neighbours of i on its brand */
    uint32_t *rev_first;       /* n + 1: i's rewired listeners are rev[rev_first[i] .. rev_first[i + 1]) */
    uint32_t *rev;             /* customers whose rewired links point at i, customer by customer */
    const uint8_t *valid_for;  /* brand buffer cnt is counted on (NULL: stale) */
    int64_t valid_step;        /* and the step it is valid at */
} soc_count;

/* a switcher of this week, as cust_serve saw it */
typedef struct soc_switch {
    net_row row;
    uint8_t from;
} soc_switch;

/* The counts for this step's w->brand (built, or counted anew, as needed),
 * or NULL when there is no memory for them (the caller counts per
 * contact, for the rest of the run). Call outside parallel regions. */
const uint8_t *soc_count_ready(ad_world *w);
/* After the week's choices (brand_next final, inside the parallel region,
 * each thread with its own switchers): updates the counts for brand_next. */
void soc_count_apply(ad_world *w, const soc_switch *sw, int64_t m);
/* Outside the parallel region, after soc_count_apply on every thread: the
 * counts hold for brand_next at the next step (ok 0: some switcher was not
 * listed; they are stale). */
void soc_count_done(ad_world *w, int ok);
/* brands were set some other way: count anew next time */
void soc_count_stale(ad_world *w);
size_t soc_count_bytes(const ad_world *w);
void soc_count_free(ad_world *w);

#endif
