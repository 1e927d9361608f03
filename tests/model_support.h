/* model_support.h: running small worlds in tests.
 *
 * ms_run loads a scenario text with overrides, runs it through the public
 * API and returns every recorded week's observables (caller frees). The
 * scenario MS_MARKET is a small four-brand market that every mechanism test
 * starts from, without the market's trends (commoditisation and prices
 * following costs; a test that needs them sets them), so that its short
 * warm-up leaves it at its steady state; overrides switch one mechanism on
 * or off.
 */
#ifndef AD_MODEL_SUPPORT_H
#define AD_MODEL_SUPPORT_H

#include "aandacht.h"

#define MS_MARKET                                                                          \
    "scenario = { name = \"t\"; seed = 7; weeks = 104; warmup = 208; };\n"                \
    "population = { customers = 8000; };\n"                                                \
    "market = { commoditisation = 0.0; price_adjust = 0.0; };\n"                           \
    "brands = (\n"                                                                         \
    "  { name = \"A\"; share = 0.3; quality = 0.7; price = 52.0; automation = { start = 0.15; }; },\n" \
    "  { name = \"B\"; share = 0.3; quality = 0.6; price = 50.0; automation = { start = 0.25; }; },\n" \
    "  { name = \"C\"; share = 0.2; quality = 0.5; price = 46.0; automation = { start = 0.35; }; },\n" \
    "  { name = \"D\"; share = 0.2; quality = 0.6; price = 48.0; automation = { start = 0.45; }; }\n" \
    ");\n"

/* Runs text with the NULL-terminated overrides; threads 0 = default. Fails
 * the test on any error. *weeks gets the number of recorded weeks. */
ad_obs *ms_run(const char *text, const char *const *sets, int threads, int64_t *weeks);
/* Mean of a market observable over weeks [from, to). */
double ms_mean_m(const ad_obs *o, int id, int64_t from, int64_t to);
/* Mean of a brand observable over weeks [from, to). */
double ms_mean_b(const ad_obs *o, int id, int brand, int64_t from, int64_t to);

#endif
