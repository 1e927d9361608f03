/* cust_priv.h: what the customer phases (customer.c, choice.c, contacts.c,
 * serve.c) share, private to them.
 *
 * Invariant of every customer loop: iteration i writes only customer i's
 * entries (and, in cust_serve, adds to one employee's integer warmth and
 * load in this thread's own copy, summed after the loop: integers, which
 * commute), reads other customers only through last week's brand/exper
 * buffers, and draws only rng(seed, i, step, purpose). So the result is the
 * same for any number of threads and any schedule. (After cust_serve's loop
 * the kept neighbour counts of soc_count.h change by integer steps added
 * atomically: the same in any order.)
 */
#ifndef AD_CUST_PRIV_H
#define AD_CUST_PRIV_H

#include <math.h>
#include <string.h>
#include "equations.h"
#include "rng.h"
#include "world.h"

static inline int hist_bin(double x)
{
    int k = (int)(x * AD_HIST_BINS);
    return k < 0 ? 0 : (k >= AD_HIST_BINS ? AD_HIST_BINS - 1 : k);
}

/* customers per block of the hot loops: a block's draws and lists live on
 * the stack (about 8 KB) */
#define CUST_BLOCK RNG_BLOCK

/* A number no ad_psw value exceeds: a draw at or above it says "does not
 * reconsider" (most draws: nu is small) without the interpolation, and the
 * answer is the one ad_psw gives. The interpolation stays within its two
 * table entries up to a rounding or two, hence the margin. */
static inline double psw_bound(const ad_world *w)
{
    double top = 0;
    for (int k = 0; k <= AD_PSW_N + 1; k++) {
        if (!(w->psw[k] >= 0)) return HUGE_VAL; /* not the table we know: no shortcut */
        if (w->psw[k] > top) top = w->psw[k];
    }
    return w->psw_mult >= 0 ? w->psw_mult * top * (1 + 1e-9) : HUGE_VAL;
}

/* Brand choice of customer i by random utility (choice.c): the brand with
 * the highest utility; cur its current brand (< 0: none), row its links
 * (NULL: no word of mouth, as before the first week), asc (or NULL) adds a
 * constant per brand; gb from rng_gumbel_bounds_fill. The words are drawn
 * already: taste[b] = word b % 4 of rng(seed, i, 0, RNG_TASTE sub b / 4),
 * occ[b] the same of the occasion's (the week and purpose of the choice) */
int cust_choose_words(const ad_world *w, const rng_gumbel_bounds *gb, int64_t i, int cur,
                      const net_row *row, const uint32_t *taste, const uint32_t *occ, const double *asc);

#endif
