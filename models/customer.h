/* customer.h: what customers do in a week (MODEL.md steps 2, 4-9).
 *
 * Files: customer.c (traits, start), choice.c (brand choice), contacts.c
 * (step 2), serve.c (steps 4-8); cust_priv.h what they share.
 *
 * Phases, each a parallel loop over customers that writes only customer i's
 * own entries and this thread's accumulators:
 *   cust_contacts  step 2: contact or not, its class and route, automated
 *                  success; writes code[i]; counts human demand.
 *   cust_serve     steps 4-8: service by a person (reads last week's
 *                  engagement, adds warmth to the employee in integers,
 *                  through a copy per thread), tips, satisfaction, deficit, expectation,
 *                  loyalty, switching; reads brand/exper of neighbours (last
 *                  week), writes brand_next/exper_next.
 * Brand-level inputs (routing probabilities, dilution, values) are set by
 * brand.c before each phase and only read here.
 */
#ifndef AD_CUSTOMER_H
#define AD_CUSTOMER_H

#include "world.h"

/* Draws the fixed traits and the starting state of every customer. */
void cust_init(ad_world *w);
/* Every customer picks a brand from the choice model (step 8) without a
 * current brand; with_shares adds log(starting share) to each utility. */
void cust_choose_all(ad_world *w, int with_shares);
/* The customers of brand `gone`, which has left the market (its utility is
 * -inf), choose another brand now: next week's brand, loyalty 0.5, a
 * passive last experience. */
void cust_choose_away(ad_world *w, int gone);
void cust_contacts(ad_world *w);
void cust_serve(ad_world *w);

#endif
