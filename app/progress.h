/* progress.h: how far a run is and how long it will still take, shown on
 * standard error while `aandacht run` steps its world.
 *
 * A run is cfg->warmup warm-up weeks, then cfg->weeks recorded weeks. On a
 * terminal one line is redrawn in place (\r) every quarter second; in a log
 * (standard error not a terminal) a whole line is written at the start,
 * every PROGRESS_LOG_EVERY seconds and at the end. The estimate of the time
 * left knows that warm-up weeks do not all cost the same: during the
 * burn-in (scenario.warmup_speedup) customers reconsider up to that many
 * times as often, so those weeks take longer than the weeks before and
 * after them. It measures a plain week on the weeks without burn-in and
 * the extra cost of the burn-in on the burn-in weeks seen so far, and adds
 * up what is left week by week (the burn-in's schedule is the model's,
 * ad_burn_in of the model).
 */
#ifndef AD_PROGRESS_H
#define AD_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#include "params.h"

#define PROGRESS_LOG_EVERY 5.0 /* seconds between lines in a log */

enum { PROGRESS_OFF, PROGRESS_TERMINAL, PROGRESS_LOG };

typedef struct progress {
    FILE *out;                  /* where lines go (standard error) */
    int mode;                   /* PROGRESS_OFF, _TERMINAL or _LOG */
    int64_t warmup, weeks;      /* the plan */
    double speedup;             /* scenario.warmup_speedup */
    int64_t done;               /* steps done, warm-up weeks first */
    int64_t first;              /* steps done before this run began (a saved state's) */
    double started, last;       /* clock at the start and after the last step */
    double shown;               /* clock when a line was last shown */
    int line_open;              /* a terminal line without its newline is on screen */
    double plain_s;             /* seconds of the warm-up weeks without burn-in */
    int64_t plain_n;
    double burn_s, burn_excess; /* seconds of the burn-in weeks, and their sum of (m - 1) */
    int64_t burn_n;
    double rec_s;               /* seconds of the recorded weeks */
    int64_t rec_n;
} progress;

/* Starts counting at clock now (seconds); in a log, writes the first line. */
void progress_start(progress *p, FILE *out, int mode, const ad_config *cfg, double now);

/* One step (warm-up week or recorded week) finished at clock now; shows a
 * line when one is due. */
void progress_step(progress *p, double now);
/* A run from a saved state: `steps` were done before it began. */
void progress_from(progress *p, int64_t steps);

/* Seconds the steps not yet done will take, estimated; NAN before the
 * first step. */
double progress_eta(const progress *p);

/* Ends a terminal line that is on screen, so that a message can follow on
 * a line of its own. */
void progress_break(progress *p);

/* The run finished at clock now: the terminal line ends, a log gets its
 * last line. */
void progress_end(progress *p, double now);

/* How many times as often customers reconsider in warm-up step s (0 is the
 * first) of a warm-up of `warmup` weeks: 1 outside the burn-in. */
double progress_burn_in(int64_t warmup, double speedup, int64_t s);

#endif
