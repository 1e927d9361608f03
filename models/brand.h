/* brand.h: brands and their market (MODEL.md steps 1, 3, 9, 11, 12).
 *
 * Serial phases between the parallel customer and employee loops; they own
 * ad_brand_state and the market figures (sigma, mean_price) and read only
 * the summed accumulators.
 *   brand_begin  step 1: schedules, interventions, shocks, routing
 *                probabilities, utilities; rebuilds the active staff lists.
 *   brand_mid    step 3: human demand against capacity gives dilution.
 *   brand_end    steps 9, 11, 12: economics, observables, word of mouth and
 *                reputation, relational value, commoditisation, prices,
 *                staffing for next week.
 */
#ifndef AD_BRAND_H
#define AD_BRAND_H

#include "world.h"

/* Starting brand state from the configuration. */
void brand_init(ad_world *w);
/* Returns AD_OK or AD_ERR_NOMEM (a staffing intervention could not hire). */
int brand_begin(ad_world *w, int64_t t);
void brand_mid(ad_world *w);
/* Returns AD_OK or AD_ERR_NOMEM (hiring). */
int brand_end(ad_world *w, int64_t t);
/* Counts customers per brand (after a brand draw) and sets every headcount
 * to staff_per_1000 of them; resets the follow_automation reference. */
int brand_staff_from_customers(ad_world *w);

#endif
