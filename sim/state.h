/* state.h: the whole state of a world as a list of named arrays, and what
 * a saved state allows a later run to change.
 *
 * The model layer lists its state (ad_world_state, aandacht.h) as variables
 * of the types below, each pointing into the world's own memory; the output
 * layer writes and reads them (output/h5state.c) without knowing the world.
 * A variable is `count` elements of `type`, element k at data + k * stride
 * (stride 0: packed), each element `width` values (1 but for fixed-size
 * arrays such as a brand's 52-week ring). Groups are the state file's HDF5
 * groups (docs/output.md, "State files").
 */
#ifndef AD_STATE_H
#define AD_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "api.h"
#include "error.h"
#include "params.h"

typedef enum { AD_ST_U8, AD_ST_I8, AD_ST_U16, AD_ST_I32, AD_ST_U32, AD_ST_I64, AD_ST_U64, AD_ST_F32, AD_ST_F64 } ad_state_type;

/* Bytes of one value of a state type. */
AD_API size_t ad_state_type_size(ad_state_type t);

typedef struct ad_state_var {
    const char *group;      /* "customers", "employees", "network", "brands", "market" */
    const char *name;       /* the variable's name in its group */
    const char *doc;        /* what it holds (the HDF5 long_name) */
    ad_state_type type;
    int64_t count;          /* elements */
    int width;              /* values per element (>= 1) */
    size_t stride;          /* bytes from one element to the next; 0: packed */
    void *data;             /* element 0 */
} ad_state_var;

#define AD_STATE_MAX_VARS 128

/* The sizes a world's arrays need before its state can be read into it. */
typedef struct ad_state_sizes {
    int64_t customers;      /* population.customers */
    int64_t employees;      /* employee slots used */
    int64_t far_links;      /* rewired links of the network */
    int brands;
} ad_state_sizes;

typedef struct ad_state {
    int64_t steps;          /* weeks stepped, warm-up included */
    int64_t week;           /* the last week stepped: steps - warmup - 1 (negative in the warm-up) */
    ad_state_sizes sizes;
    int n;
    ad_state_var var[AD_STATE_MAX_VARS];
} ad_state;

/* Sets the configuration value an intervention writes (the brand
 * parameter it names). The model applies interventions with this in their
 * week; a run that starts from a saved state applies those of the weeks
 * before it to its configuration, as the run that saved it had. */
AD_API void cfg_apply_intervention(ad_config *cfg, const ad_intervention *iv);

/* Whether a run configured as `now` can start from a state saved by a run
 * configured as `saved` after `week` (ad_state.week): AD_OK, or
 * AD_ERR_CONFIG naming the first key that would make the state
 * meaningless: the seed, the population (its size and traits), the
 * network, the brands (their number and names), the warm-up, an event or
 * intervention of a week the state has already passed, or scenario.weeks
 * that ends before week + 1. `what` names the state file in messages. */
AD_API int cfg_state_check(const ad_config *saved, const ad_config *now, int64_t week, const char *what,
                           ad_error *err);

/* Whether a parameter acts only from week 0 on, so that the warm-up (and a
 * state saved at its end) is the same whatever its value: the automation
 * ramp (the warm-up holds automation at its start), market.exit_share
 * (brands leave only in recorded weeks), scenario.weeks and the output
 * settings. A sweep with branch_from_warmup shares one warm-up among the
 * runs that differ only in these (sim/sweep.h). */
AD_API int cfg_after_warmup(const ad_param *p);

/* A copy of a state's variables in memory (a sweep's shared warm-up). */
typedef struct ad_state_copy {
    int n;
    size_t bytes[AD_STATE_MAX_VARS];
    void *data[AD_STATE_MAX_VARS];
    size_t total;               /* bytes held */
} ad_state_copy;

/* Copies every variable of st (packed); AD_OK or AD_ERR_NOMEM (nothing
 * held). */
AD_API int ad_state_keep(const ad_state *st, ad_state_copy *c);
/* Writes a copy into the variables of st, which must list the same
 * variables with the same sizes (ad_world_state of a world made for the
 * same sizes); AD_OK, or AD_ERR_USAGE when they differ. */
AD_API int ad_state_put(const ad_state_copy *c, const ad_state *st);
AD_API void ad_state_copy_free(ad_state_copy *c);

#endif
