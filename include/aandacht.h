/* aandacht.h: the public face of the aandacht engine.
 *
 * An embedding program (a sweep runner, a Python binding) loads a scenario,
 * creates a world, steps it and reads each week's observables, then frees
 * the world. Nothing is global: two worlds can run side by side in one
 * process. The caller owns the config; the world keeps its own copy.
 *
 *   ad_config cfg; ad_error err;
 *   if (cfg_load(&cfg, "scenarios/baseline.cfg", NULL, 0, &err)) ...;
 *   ad_world *w;
 *   if (ad_world_create(&w, &cfg, &err)) ...;
 *   if (ad_world_warmup(w, &err)) ...;
 *   for (int t = 0; t < cfg.weeks; t++) {
 *       if (ad_world_step(w, &err)) ...;
 *       const ad_obs *o = ad_world_obs(w);   // this week's observables
 *   }
 *   ad_world_free(w);
 */
#ifndef AANDACHT_H
#define AANDACHT_H

#include "error.h"
#include "params.h"
#include "observables.h"
#include "config.h"
#include "state.h"
#include "api.h"

typedef struct ad_world ad_world;

/* Allocates and initialises a world for cfg (customers, employees, network,
 * first brand choice). Returns AD_OK or AD_ERR_NOMEM. */
AD_API int ad_world_create(ad_world **out, const ad_config *cfg, ad_error *err);
/* The same with the number of threads the world's loops use, the set-up's
 * included (0: OpenMP's default at this call); see ad_world_set_threads. */
AD_API int ad_world_create_threads(ad_world **out, const ad_config *cfg, int threads, ad_error *err);
/* Sets the number of threads the world's loops use (0: OpenMP's default at
 * this call). Each world keeps its own number (no process-wide OpenMP
 * setting is changed). Results do not depend on it. AD_OK or AD_ERR_NOMEM. */
AD_API int ad_world_set_threads(ad_world *w, int threads, ad_error *err);
/* Runs the warm-up weeks (scenario.warmup), recording nothing. Returns AD_OK
 * or AD_ERR_NOMEM (a brand could not hire). */
AD_API int ad_world_warmup(ad_world *w, ad_error *err);
/* Warm-up weeks not yet run. */
AD_API int64_t ad_world_warmup_left(const ad_world *w);
/* Runs one warm-up week (nothing if none is left). */
AD_API int ad_world_warmup_step(ad_world *w, ad_error *err);
/* Runs one recorded week (after the warm-up, which it runs first if needed)
 * and fills its observables. Returns AD_OK or AD_ERR_NOMEM. */
AD_API int ad_world_step(ad_world *w, ad_error *err);
/* Whether the warm-up settled: the largest change of a brand's market share
 * (a fraction) over the warm-up's last year (over all of it when it is
 * shorter); NaN before the warm-up has ended, and without a warm-up. */
AD_API double ad_world_warmup_drift(const ad_world *w);
/* The seed noise of a market of this many customers: the standard deviation
 * between seeds of a brand's market share in the first recorded year (a
 * fraction), about 4.3 / sqrt(customers), measured on the baseline market
 * (docs/model.md 2.6). Below AD_SEED_NOISE_CUSTOMERS customers a single run
 * is not interpretable: run replications. */
AD_API double ad_seed_noise(int64_t customers);
/* The burn-in's factor on reconsidering in recorded week t (negative in the
 * warm-up) of a run with this warm-up and scenario.warmup_speedup: falling
 * in a straight line from speedup at the redraw after the first warm-up
 * year to 1 when the last warm-up year begins; 1 elsewhere (docs/model.md
 * 3.1). The week's step uses it; so does the run's time-left estimate. */
AD_API double ad_burn_in(int64_t warmup, double speedup, int64_t t);
#define AD_SEED_NOISE_CUSTOMERS 50000
/* A warm-up whose drift is above this has not settled (the run says so) */
#define AD_WARMUP_DRIFT_TOLERANCE 0.01
/* The observables of the last recorded week. */
AD_API const ad_obs *ad_world_obs(const ad_world *w);
/* Weeks stepped so far, the warm-up's included. */
AD_API int64_t ad_world_steps(const ad_world *w);
/* Recorded week of the last step (-1 before the first). */
AD_API int64_t ad_world_week(const ad_world *w);
/* Fills snap with this week's distributions (call after ad_world_step). */
AD_API void ad_world_snapshot(const ad_world *w, ad_snapshot *snap);
/* Read-only view of the customer arrays (valid until the next step). */
AD_API void ad_world_agents(const ad_world *w, ad_agent_view *view);
/* Bytes the world holds (agents, network, pools). */
AD_API size_t ad_world_bytes(const ad_world *w);
AD_API void ad_world_free(ad_world *w);

/* The world's whole state (sim/state.h): every array that carries from one
 * week to the next, each pointing into the world (valid until the next
 * step or ad_world_free). A state saved after a step and loaded into a
 * world made by ad_world_create_for_state continues exactly as this world
 * does. */
AD_API void ad_world_state(ad_world *w, ad_state *st);
/* A world for cfg with room for a saved state of these sizes and nothing
 * drawn: fill every variable ad_world_state lists for it, then call
 * ad_world_state_loaded. cfg is the configuration the run goes on with
 * (cfg_state_check says whether the state allows it). AD_OK, AD_ERR_NOMEM
 * or AD_ERR_USAGE (sizes that do not fit cfg). */
AD_API int ad_world_create_for_state(ad_world **out, const ad_config *cfg, int threads, const ad_state_sizes *sz,
                                     ad_error *err);
/* After the variables are filled: the week and step of st, what follows
 * from the state (the network's index, the neighbours' counts), and the
 * values that the interventions of the weeks already run wrote into the
 * configuration. AD_OK, or AD_ERR_DAMAGED for a state that does not hold
 * together. */
AD_API int ad_world_state_loaded(ad_world *w, const ad_state *st, ad_error *err);

AD_API const char *ad_version(void);

#endif
