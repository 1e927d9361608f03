/* employee.h: the employee pool and its weekly update (MODEL.md step 10).
 *
 * The pool is structure-of-arrays of slots; a slot is active (employed by
 * e_brand) or free (displaced, or never used). Hiring fills free slots from
 * the lowest index, then appends; firing releases a brand's active slots
 * from the highest index down (last in, first out), so headcount changes
 * are deterministic. `active` lists the active slots grouped by brand and
 * is rebuilt by emp_rebuild_active before customers are served.
 */
#ifndef AD_EMPLOYEE_H
#define AD_EMPLOYEE_H

#include "world.h"

/* Sets brand b's headcount to H, hiring or firing; fired employees count as
 * displaced when count_displaced. Returns AD_OK or AD_ERR_NOMEM. */
int emp_set_headcount(ad_world *w, int b, int64_t H, int count_displaced);
void emp_rebuild_active(ad_world *w);
/* Engagement moves towards its target; reads and clears this week's warmth
 * and load; adds engagement figures to the accumulators. */
void emp_update(ad_world *w);
/* Room for `need` slots (new slots free, zeroed). AD_OK or AD_ERR_NOMEM. */
int emp_reserve(ad_world *w, int64_t need);
/* Frees the pool's arrays. */
void emp_free(ad_world *w);

#endif
