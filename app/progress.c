/* progress.c: the progress line of `aandacht run` and its estimate of the
 * time left (progress.h says how the estimate works).
 *
 * Why the estimate does not simply divide the weeks left by the rate so
 * far: the burn-in weeks after the first warm-up year cost more than plain
 * weeks (with the default warmup_speedup of 20, up to twice a plain week on
 * two cores; more with a larger speed-up, and with more cores, where the
 * rest of a week gets faster), and the recorded weeks cost a plain week. A
 * rate taken over the warm-up makes every week left, recorded ones too, as
 * dear as an average burn-in week: an estimate too high through most of the
 * warm-up.
 */
#include "progress.h"

#include "aandacht.h"

#include <math.h>

double progress_burn_in(int64_t warmup, double speedup, int64_t s)
{
    return ad_burn_in(warmup, speedup, s - warmup); /* the model's own schedule */
}

void progress_start(progress *p, FILE *out, int mode, const ad_config *cfg, double now)
{
    *p = (progress){.out = out, .mode = mode, .warmup = cfg->warmup, .weeks = cfg->weeks,
                    .speedup = cfg->warmup_speedup, .started = now, .last = now, .shown = now};
    if (mode != PROGRESS_LOG) return;
    if (p->warmup > 0)
        fprintf(out, "starting: %lld warm-up weeks, then %lld weeks\n", (long long)p->warmup, (long long)p->weeks);
    else
        fprintf(out, "starting: %lld weeks\n", (long long)p->weeks);
    fflush(out);
}

double progress_eta(const progress *p)
{
    if (p->done == p->first) return NAN;
    const double plain = p->plain_n ? p->plain_s / (double)p->plain_n
                       : p->rec_n ? p->rec_s / (double)p->rec_n
                       : p->burn_s / (double)p->burn_n;
    const double recorded = p->rec_n ? p->rec_s / (double)p->rec_n : plain;
    /* seconds per week and unit of burn-in (m - 1), from the burn-in weeks seen */
    double extra = p->burn_excess > 0 && p->plain_n ? (p->burn_s - (double)p->burn_n * plain) / p->burn_excess : 0;
    if (extra < 0) extra = 0;
    double left = 0;
    for (int64_t s = p->done; s < p->warmup; s++)
        left += plain + extra * (progress_burn_in(p->warmup, p->speedup, s) - 1.0);
    const int64_t rec_done = p->done > p->warmup ? p->done - p->warmup : 0;
    return left + recorded * (double)(p->weeks - rec_done);
}

/* The line: where the run is, how fast it goes, and the time left (or, at
 * the end of a log, the time it took). */
static void show(progress *p, double now)
{
    const int warm = p->done <= p->warmup && p->warmup > 0 && p->rec_n == 0;
    const int64_t at = warm ? p->done : p->done - p->warmup, of = warm ? p->warmup : p->weeks;
    /* weeks stepped here (a run from a saved state skips the first ones) */
    const double here = warm ? (double)(p->done - p->first) : (double)p->rec_n;
    const double secs = warm ? now - p->started : p->rec_s, rate = secs > 0 ? here / secs : 0;
    const int finished = p->done == p->warmup + p->weeks;
    if (p->mode == PROGRESS_TERMINAL) {
        fprintf(p->out, "\r%sweek %lld/%lld  %.1f weeks/s  ETA %.0f s      ", warm ? "warm-up " : "",
                (long long)at, (long long)of, rate, progress_eta(p));
        p->line_open = 1;
    } else if (finished) {
        fprintf(p->out, "week %lld/%lld  %.1f weeks/s  done in %.0f s\n", (long long)at, (long long)of, rate,
                now - p->started);
    } else {
        fprintf(p->out, "%sweek %lld/%lld  %.1f weeks/s  %.0f s so far  ETA %.0f s\n", warm ? "warm-up " : "",
                (long long)at, (long long)of, rate, now - p->started, progress_eta(p));
    }
    fflush(p->out);
    p->shown = now;
}

void progress_step(progress *p, double now)
{
    const double took = now - p->last;
    const int64_t s = p->done;
    if (s >= p->warmup) {
        p->rec_s += took;
        p->rec_n++;
    } else {
        const double m = progress_burn_in(p->warmup, p->speedup, s);
        if (m > 1.0) {
            p->burn_s += took;
            p->burn_excess += m - 1.0;
            p->burn_n++;
        } else {
            p->plain_s += took;
            p->plain_n++;
        }
    }
    p->done++;
    p->last = now;
    if (p->mode == PROGRESS_TERMINAL && (now - p->shown > 0.25 || p->done == p->warmup + p->weeks || p->done == 1))
        show(p, now);
    else if (p->mode == PROGRESS_LOG && now - p->shown >= PROGRESS_LOG_EVERY && p->done < p->warmup + p->weeks)
        show(p, now);
}

void progress_from(progress *p, int64_t steps)
{
    p->done = p->first = steps;
}

void progress_break(progress *p)
{
    if (p->line_open) {
        fputc('\n', p->out);
        fflush(p->out);
        p->line_open = 0;
    }
}

void progress_end(progress *p, double now)
{
    if (p->mode == PROGRESS_LOG) show(p, now);
    progress_break(p);
}
