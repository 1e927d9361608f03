/* model_support.c: see model_support.h. */
#include "model_support.h"

#include <criterion/criterion.h>
#include <stdlib.h>

ad_obs *ms_run(const char *text, const char *const *sets, int threads, int64_t *weeks)
{
    static ad_config cfg;
    ad_error err;
    int n = 0;
    while (sets && sets[n]) n++;
    if (cfg_load_string(&cfg, text, "test", sets, n, &err))
        cr_assert_fail("config: %s:%d: %s: %s", err.file, err.line, err.key, err.msg);
    ad_world *w;
    if (ad_world_create_threads(&w, &cfg, threads, &err)) cr_assert_fail("create: %s", err.msg);
    ad_obs *out = malloc((size_t)cfg.weeks * sizeof *out);
    cr_assert_not_null(out);
    for (int64_t t = 0; t < cfg.weeks; t++) {
        if (ad_world_step(w, &err)) cr_assert_fail("step: %s", err.msg);
        out[t] = *ad_world_obs(w);
    }
    ad_world_free(w);
    *weeks = cfg.weeks;
    return out;
}

double ms_mean_m(const ad_obs *o, int id, int64_t from, int64_t to)
{
    double s = 0;
    for (int64_t t = from; t < to; t++) s += o[t].market[id];
    return s / (double)(to - from);
}

double ms_mean_b(const ad_obs *o, int id, int brand, int64_t from, int64_t to)
{
    double s = 0;
    for (int64_t t = from; t < to; t++) s += o[t].brand[id][brand];
    return s / (double)(to - from);
}
