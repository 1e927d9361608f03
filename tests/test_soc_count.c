/* test_soc_count.c: the neighbour counts kept from week to week
 * (models/soc_count.h).
 *
 * Through the warm-up (a fast burn-in with many switchers, the redraw of
 * every brand after the first year) and recorded weeks, on one thread and
 * on two, the kept count of every customer equals a count made afresh over
 * its links, and the kept counts are the ones in use (not recounted). A
 * world without memory for the counts (each contact counts for itself) and
 * one whose counts go stale now and then (counted afresh) give the same
 * bytes as one that keeps them.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "model_support.h"
#include "network.h"
#include "soc_count.h"
#include "world.h"

/* customers whose kept count differs from a fresh count on w->brand */
static int64_t wrong_counts(const ad_world *w)
{
    const ad_net *net = &w->net;
    int64_t bad = 0;
    for (int64_t i0 = 0; i0 < w->n; i0 += NET_BLOCK) {
        net_block bl;
        const int m = (int)(w->n - i0 < NET_BLOCK ? w->n - i0 : NET_BLOCK);
        net_block_at(net, i0, m, &bl);
        for (int k = 0; k < m; k++)
            bad += w->soc->cnt[i0 + k] != net_on_brand(net, net_row_of(net, &bl, k), w->brand, w->brand[i0 + k]);
    }
    return bad;
}

/* The market of these tests with `weeks` recorded weeks, in cfg: 8003
 * customers, so the last block is partial; small enough rewiring for ring
 * links, large enough for many rewired ones. */
static ad_world *counts_world(ad_config *cfg, const char *weeks, int threads)
{
    ad_error err;
    const char *sets[] = {"population.customers=8003", weeks, "network.rewire=0.3"};
    if (cfg_load_string(cfg, MS_MARKET, "test", sets, 3, &err)) cr_assert_fail("config: %s", err.msg);
    ad_world *w;
    if (ad_world_create_threads(&w, cfg, threads, &err)) cr_assert_fail("create: %s", err.msg);
    return w;
}

static void kept_counts_stay_exact(int threads)
{
    static ad_config cfg;
    ad_error err;
    ad_world *w = counts_world(&cfg, "scenario.weeks=8", threads);
    int64_t kept = 0;
    for (int64_t t = 0; t < cfg.warmup + cfg.weeks; t++) {
        int rc = t < cfg.warmup ? ad_world_warmup_step(w, &err) : ad_world_step(w, &err);
        if (rc) cr_assert_fail("step %lld: %s", (long long)t, err.msg);
        cr_assert_not_null(w->soc, "the counts are kept (step %lld)", (long long)t);
        if (w->soc->valid_for != w->brand || w->soc->valid_step != w->steps) continue;
        kept++;
        cr_assert_eq(wrong_counts(w), 0, "step %lld, %d threads", (long long)t, threads);
    }
    /* only the redraw makes them stale */
    cr_assert_geq(kept, cfg.warmup + cfg.weeks - 1);
    ad_world_free(w);
}

Test(soc_count, kept_counts_equal_fresh_counts_every_week_on_one_thread)
{
    kept_counts_stay_exact(1);
}

Test(soc_count, kept_counts_equal_fresh_counts_every_week_on_two_threads)
{
    kept_counts_stay_exact(2);
}

/* How a run keeps its counts: as usual, never (the state a world is left in
 * when there was no memory for them: every contact counts its neighbours
 * itself), or kept but made stale now and then (as when a switcher could
 * not be listed: the next week counts them all afresh). */
enum { KEEP, NO_MEMORY, STALE_SOMETIMES };

static ad_obs *run_counts(int how, int threads, int64_t *weeks)
{
    static ad_config cfg;
    ad_error err;
    ad_world *w = counts_world(&cfg, "scenario.weeks=30", threads);
    if (how == NO_MEMORY) {
        w->soc = calloc(1, sizeof *w->soc); /* cnt NULL: not tried again */
        cr_assert_not_null(w->soc);
    }
    ad_obs *out = malloc((size_t)cfg.weeks * sizeof *out);
    cr_assert_not_null(out);
    for (int64_t t = 0; t < cfg.warmup + cfg.weeks; t++) {
        if (how == STALE_SOMETIMES && t % 7 == 3 && w->soc) soc_count_stale(w);
        int rc = t < cfg.warmup ? ad_world_warmup_step(w, &err) : ad_world_step(w, &err);
        if (rc) cr_assert_fail("step %lld: %s", (long long)t, err.msg);
        if (how == NO_MEMORY) cr_assert_null(w->soc->cnt, "no counts are made (step %lld)", (long long)t);
        if (t >= cfg.warmup) out[t - cfg.warmup] = *ad_world_obs(w);
    }
    ad_world_free(w);
    *weeks = cfg.weeks;
    return out;
}

static void same_bytes_whatever_the_counts(int threads)
{
    int64_t n, m;
    ad_obs *kept = run_counts(KEEP, threads, &n);
    for (int how = NO_MEMORY; how <= STALE_SOMETIMES; how++) {
        ad_obs *other = run_counts(how, threads, &m);
        cr_assert_eq(n, m);
        for (int64_t t = 0; t < n; t++)
            cr_assert(memcmp(&kept[t], &other[t], sizeof *kept) == 0, "%s, %d threads: week %lld differs",
                      how == NO_MEMORY ? "no memory for the counts" : "counts made stale", threads, (long long)t);
        free(other);
    }
    free(kept);
}

Test(soc_count, without_memory_for_the_counts_or_with_stale_ones_the_run_is_the_same_bytes, .timeout = 240)
{
    same_bytes_whatever_the_counts(1);
    same_bytes_whatever_the_counts(2);
}
