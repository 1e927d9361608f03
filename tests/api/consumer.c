/* consumer.c: a program of a user of the library, built against the public
 * headers alone (the installed header tree, staged in the build) and linked
 * to the shared library libaandacht only. Runs a small market for a few
 * weeks through the public API and prints what it saw; the test fails on
 * any error or an implausible result. */
#include <aandacht/aandacht.h>
#include <stdio.h>

int main(void)
{
    static ad_config cfg;
    ad_error err;
    const char *text = "scenario = { name = \"api\"; seed = 3; weeks = 4; warmup = 2; };\n"
                       "population = { customers = 2000; };\n"
                       "brands = ( { name = \"A\"; }, { name = \"B\"; } );\n";
    if (cfg_load_string(&cfg, text, "consumer", NULL, 0, &err)) {
        fprintf(stderr, "consumer: %s\n", err.msg);
        return 1;
    }
    ad_world *w;
    if (ad_world_create(&w, &cfg, &err)) {
        fprintf(stderr, "consumer: %s\n", err.msg);
        return 1;
    }
    double visits = 0;
    for (int t = 0; t < cfg.weeks; t++) {
        if (ad_world_step(w, &err)) {
            fprintf(stderr, "consumer: %s\n", err.msg);
            ad_world_free(w);
            return 1;
        }
        for (int b = 0; b < cfg.n_brands; b++) visits += ad_world_obs(w)->brand[AD_B_visits][b];
    }
    const int64_t week = ad_world_week(w);
    ad_world_free(w);
    printf("aandacht %s: %lld weeks, %.0f visits\n", ad_version(), (long long)week + 1, visits);
    return week == cfg.weeks - 1 && visits > 0 ? 0 : 1;
}
