/* consumer.c: a user's program built against an installed aandacht (with
 * find_package or pkg-config, shared or static; check_install.cmake builds
 * it all four ways). It loads a scenario from a string, runs a market of
 * three brands for a few weeks after a short warm-up and prints, per week,
 * each brand's market share and the market's human contact share. Every
 * build must print the same lines (the results depend only on the
 * configuration and the seed); the exit status is 1 on an error or an
 * implausible result. */
#include <aandacht/aandacht.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what, const ad_error *err)
{
    fprintf(stderr, "consumer: %s: %s\n", what, err ? err->msg : "");
    return 1;
}

int main(void)
{
    static ad_config cfg;
    ad_error err;
    const char *text = "scenario = { name = \"installed\"; seed = 11; weeks = 5; warmup = 3; };\n"
                       "population = { customers = 3000; };\n"
                       "brands = ( { name = \"Robo\"; automation = { start = 0.7; }; },\n"
                       "           { name = \"Human\"; automation = { start = 0.05; }; },\n"
                       "           { name = \"Mixed\"; } );\n";
    if (cfg_load_string(&cfg, text, "consumer", NULL, 0, &err)) return fail("scenario", &err);
    if (cfg.n_brands != 3 || strcmp(cfg.brands[1].name, "Human") != 0) return fail("scenario read wrongly", NULL);

    int human = -1;
    for (int i = 0; i < AD_N_MARKET; i++)
        if (strcmp(ad_market_names[i], "human_contact_share") == 0) human = i;
    if (human < 0) return fail("no market observable human_contact_share", NULL);

    ad_world *w;
    if (ad_world_create(&w, &cfg, &err)) return fail("world", &err);
    if (ad_world_warmup(w, &err)) {
        ad_world_free(w);
        return fail("warm-up", &err);
    }
    printf("aandacht %s\n", ad_version());
    int ok = 1;
    for (int64_t t = 0; t < cfg.weeks; t++) {
        if (ad_world_step(w, &err)) {
            ad_world_free(w);
            return fail("step", &err);
        }
        const ad_obs *o = ad_world_obs(w);
        double total = 0;
        printf("week %lld:", (long long)ad_world_week(w));
        for (int b = 0; b < cfg.n_brands; b++) {
            const double share = o->brand[AD_B_market_share][b];
            printf(" %s %.6f", cfg.brands[b].name, share);
            total += share;
            ok = ok && share > 0 && share < 1;
        }
        const double h = o->market[human];
        printf("  human_contact_share %.6f\n", h);
        ok = ok && fabs(total - 1) < 1e-9 && h > 0 && h < 1 && ad_world_week(w) == t;
    }
    ad_world_free(w);
    if (!ok) return fail("implausible observables (shares outside (0, 1) or not summing to 1, or weeks out of step)", NULL);
    return 0;
}
