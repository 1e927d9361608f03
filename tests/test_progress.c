/* test_progress.c: the progress of `aandacht run` (app/progress.c): the
 * burn-in schedule, the estimate of the time left on a clock that ticks
 * as the model's weeks cost (burn-in weeks dearer than plain ones), and
 * the lines shown on a terminal and in a log. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "progress.h"

#define PLAIN 0.002    /* seconds of a week without burn-in */
#define EXTRA 0.0005   /* seconds more per unit of (m - 1) in the burn-in */

static ad_config plan(int64_t warmup, int64_t weeks, double speedup)
{
    static ad_config cfg;
    ad_config_defaults(&cfg);
    cfg.warmup = warmup;
    cfg.weeks = weeks;
    cfg.warmup_speedup = speedup;
    return cfg;
}

/* Seconds step s of the plan costs on the test's clock. */
static double cost(const ad_config *c, int64_t s)
{
    if (s >= c->warmup) return PLAIN;
    return PLAIN + EXTRA * (progress_burn_in(c->warmup, c->warmup_speedup, s) - 1);
}

Test(progress, burn_in_schedule)
{
    /* 260 weeks of warm-up: plain first year, 20 at week 52 falling in a
     * straight line to 1 when the last year begins (week 208) */
    cr_assert_eq(progress_burn_in(260, 20, 0), 1);
    cr_assert_eq(progress_burn_in(260, 20, 51), 1);
    cr_assert_float_eq(progress_burn_in(260, 20, 52), 20, 1e-12);
    cr_assert_float_eq(progress_burn_in(260, 20, 130), 1 + 19 * 78.0 / 156, 1e-12);
    cr_assert_float_eq(progress_burn_in(260, 20, 207), 1 + 19 / 156.0, 1e-12);
    cr_assert_eq(progress_burn_in(260, 20, 208), 1);
    cr_assert_eq(progress_burn_in(260, 20, 259), 1);
    cr_assert_eq(progress_burn_in(100, 20, 60), 1); /* under two years: no burn-in */
}

Test(progress, time_left_counts_burn_in_weeks_as_dearer)
{
    ad_config c = plan(260, 520, 20);
    progress p;
    double now = 100, total = 0;
    for (int64_t s = 0; s < c.warmup + c.weeks; s++) total += cost(&c, s);
    progress_start(&p, NULL, PROGRESS_OFF, &c, now);
    cr_assert(isnan(progress_eta(&p)));
    double spent = 0, worst_old = 1;
    for (int64_t s = 0; s < c.warmup + c.weeks; s++) {
        now += cost(&c, s);
        spent += cost(&c, s);
        progress_step(&p, now);
        const double left = total - spent;
        /* the old estimate: every week left at the mean rate so far */
        if (s < c.warmup) worst_old = fmax(worst_old, (double)(c.warmup + c.weeks - s - 1) * spent / (s + 1) / left);
        if (s >= 52 && s + 1 < c.warmup + c.weeks) /* once burn-in weeks have been seen: exact */
            cr_assert_float_eq(progress_eta(&p), left, 1e-9 * total, "step %lld: estimate %g, left %g",
                               (long long)s, progress_eta(&p), left);
    }
    cr_assert_float_eq(progress_eta(&p), 0, 1e-12);
    cr_assert_gt(worst_old, 1.4, "the old estimate would be close: %g", worst_old);
}

Test(progress, first_year_estimate_uses_plain_weeks)
{
    ad_config c = plan(260, 520, 20);
    progress p;
    double now = 0;
    progress_start(&p, NULL, PROGRESS_OFF, &c, now);
    for (int s = 0; s < 10; s++) progress_step(&p, now += PLAIN);
    cr_assert_float_eq(progress_eta(&p), PLAIN * (250 + 520), 1e-12);
}

/* The text written to a memory stream while f runs. */
static char *captured(void (*f)(FILE *))
{
    char *buf = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&buf, &n);
    cr_assert_not_null(mem);
    f(mem);
    fclose(mem);
    return buf;
}

/* A run of 60 warm-up and 60 recorded weeks, 0.25 s each. */
static void quarter_second_weeks(FILE *out, int mode)
{
    ad_config c = plan(60, 60, 20);
    progress p;
    double now = 0;
    progress_start(&p, out, mode, &c, now);
    for (int s = 0; s < 120; s++) progress_step(&p, now += 0.25);
    progress_end(&p, now);
}

static void log_run(FILE *out) { quarter_second_weeks(out, PROGRESS_LOG); }
static void terminal_run(FILE *out) { quarter_second_weeks(out, PROGRESS_TERMINAL); }
static void quiet_run(FILE *out) { quarter_second_weeks(out, PROGRESS_OFF); }

Test(progress, log_lines_at_start_every_5_seconds_and_at_end)
{
    char *text = captured(log_run);
    cr_assert_null(strchr(text, '\r'), "%s", text);
    int lines = 0;
    for (const char *c = text; *c; c++) lines += *c == '\n';
    /* 30 s: start, at 5, 10, 15, 20, 25 s, end */
    cr_assert_eq(lines, 7, "%s", text);
    cr_assert(!strncmp(text, "starting: 60 warm-up weeks, then 60 weeks\n", 42), "%s", text);
    cr_assert(strstr(text, "warm-up week 20/60  4.0 weeks/s  5 s so far  ETA 25 s\n"), "%s", text);
    cr_assert(strstr(text, "\nweek 60/60  4.0 weeks/s  done in 30 s\n"), "%s", text);
    free(text);
}

Test(progress, terminal_line_is_redrawn_and_ended)
{
    char *text = captured(terminal_run);
    cr_assert_eq(text[0], '\r');
    cr_assert(strstr(text, "\rweek 60/60  4.0 weeks/s  ETA 0 s      \n"), "%s", text);
    cr_assert_eq(strchr(text, '\n'), text + strlen(text) - 1, "one line only: %s", text);
    free(text);
}

Test(progress, quiet_shows_nothing)
{
    char *text = captured(quiet_run);
    cr_assert_str_eq(text, "");
    free(text);
}
