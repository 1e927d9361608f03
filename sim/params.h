/* params.h: the resolved configuration of one run, and the parameter table.
 *
 * ad_config holds every parameter (param_table.def lists them with their
 * defaults, ranges, units and meaning) plus the brand list, events and
 * interventions. A config is plain data: it owns no pointers, so it can be
 * copied by assignment and compared with memcmp-free field access. The table
 * (ad_param_table) maps each dotted key to its field by offset; params.c
 * checks at compile time that every field named in the table exists with the
 * size its type needs.
 */
#ifndef AD_PARAMS_H
#define AD_PARAMS_H
#include "api.h"

#include <stddef.h>
#include <stdint.h>

#define AD_MAX_BRANDS 16
#define AD_MAX_EVENTS 64
#define AD_MAX_INTERVENTIONS 128
#define AD_TIP_N 12
#define AD_MAX_DEGREE 16

enum { AD_ROUTE_UNIFORM = 0, AD_ROUTE_BY_NEED = 1 };
enum { AD_STAFF_FIXED = 0, AD_STAFF_FOLLOW_AUTOMATION = 1, AD_STAFF_FOLLOW_DEMAND = 2 };
enum { AD_EVENT_REPUTATION_SHOCK = 0 };

typedef struct ad_brand_cfg {
    char name[32];          /* unique, non-empty */
    double share;           /* starting market share */
    double quality, promotion, place; /* the functional P's, in [0, 1] */
    double price;           /* starting bill of one contact (money) */
    double cogs;            /* cost of goods per contact (money) */
    double markup;          /* money margin the price moves towards */
    double auto_start, auto_target; /* automation share before/after the ramp */
    int64_t ramp_start, ramp_weeks; /* ramp timing in recorded weeks */
    int routing;            /* AD_ROUTE_* */
    int escalation;         /* failed automated contact goes to a person */
    int staffing;           /* AD_STAFF_* */
    double staff_per_1000;  /* starting staffing level */
    double hr_investment;   /* h_b */
    double hr_cost;         /* money per employee per week at h_b = 1 */
    double hr_marketing;    /* g_b */
    double empowerment;     /* money per employee per week */
    double ambassadors;     /* share of staff on social media */
    double wage;            /* money per employee per week */
    double auto_cost;       /* money per automated contact */
    double auto_fixed;      /* money per week per unit automation share */
} ad_brand_cfg;

typedef struct ad_event {
    int64_t week;           /* recorded week the shock starts */
    int brand;              /* index into brands */
    int type;               /* AD_EVENT_* */
    double stated;          /* peak share of the brand's customers who say they avoid it */
    double visits;          /* peak fall of the brand's visit rate (share) */
    double half_life;       /* weeks: half-life of the fall in visits */
    double stated_half_life; /* weeks: half-life of stated avoidance */
    int line;               /* line in the scenario file (for messages) */
} ad_event;

typedef struct ad_intervention {
    int64_t week;           /* recorded week it applies */
    int brand;              /* index into brands */
    int param;              /* index into ad_param_table (a brand parameter) */
    double value;           /* new value (enum/bool as number) */
    int line;
} ad_intervention;

typedef struct ad_config {
    /* scenario */
    char name[64];
    char description[2048];
    char currency[16];
    int64_t seed, weeks, warmup;
    double warmup_speedup;
    /* population */
    int64_t customers;
    double need_median, need_spread, openness_median, openness_spread;
    double contact_rate, contact_spread, tip_spread;
    /* network */
    int64_t degree;
    double rewire;
    /* customer */
    double k_visits, mu, beta_x, loyalty_rate, loyalty_forget, k_x, k_rep, k_soc;
    double nu, l_crit, switch_s, promoter_min, detractor_max;
    /* satisfaction */
    double w_F, w_pv, w_T, w_A, theta, w_X, w_E, w_W, s_noise, w_ref;
    /* choice */
    double beta_F, beta_p, beta_R, beta_rep, beta_soc, beta_stay, beta_shock, beta_ref, price_memory;
    double sigma_taste, sigma_occ;
    /* channel */
    double q_at, q_ar, a_bot, att_gap, rel_gap;
    /* employees */
    int64_t capacity;
    double engaged_min, disengaged_max, e0, e_trait, kappa, dh, rho, iota, omega, att_eng;
    double e_noise, q_h, q_emp, amb_effect, att_floor;
    /* staffing */
    double utilisation, adjust_rate, demand_memory;
    /* market */
    double commod, price_adjust, price_band, exit_share, rep_rate, det_weight, rel_memory, wq, wm, wv;
    /* tipping */
    int tip_on;
    double tip_base, tip_success, tip_damp;
    double tip_prob[AD_TIP_N], tip_effect[AD_TIP_N];
    /* shocks */
    double shock_loyalty, stated_effect;
    /* output */
    int64_t snapshot_every;
    int raw_agents;

    int n_brands;
    ad_brand_cfg brands[AD_MAX_BRANDS];
    int n_events;
    ad_event events[AD_MAX_EVENTS];
    int n_interventions;
    ad_intervention interventions[AD_MAX_INTERVENTIONS];

    /* provenance: which values were given (1) rather than defaulted (0),
     * by table index; for brand parameters per brand. */
    unsigned char given[256];                       /* by table index */
    unsigned char brand_given[AD_MAX_BRANDS][64];   /* by table index minus that of the first brand parameter */
    char source[512];       /* scenario file the config came from */
} ad_config;

typedef enum { AD_PT_REAL, AD_PT_INT, AD_PT_BOOL, AD_PT_ENUM, AD_PT_STRING } ad_ptype;
typedef enum { AD_SCOPE_G, AD_SCOPE_B } ad_scope;

typedef struct ad_param {
    const char *key;        /* dotted key as written in scenario files */
    ad_scope scope;         /* scenario-wide or per brand */
    ad_ptype type;
    size_t offset;          /* into ad_config (G) or ad_brand_cfg (B) */
    double def, min, max;   /* default and inclusive range (STRING: max = buffer size) */
    const char *unit;
    const char *const *names; /* ENUM: NULL-terminated names, value = index */
    const char *doc;
} ad_param;

AD_API extern const ad_param ad_param_table[];
AD_API extern const int ad_param_count;
AD_API extern const char *const ad_tip_names[AD_TIP_N];
AD_API extern const int ad_tip_attention[AD_TIP_N];

/* Sets every parameter to its default; no brands, events or interventions. */
AD_API void ad_config_defaults(ad_config *cfg);
/* Index of the parameter with this key and scope, or -1. */
AD_API int ad_param_find(const char *key, ad_scope scope);
/* Levenshtein distance of two keys (1000 when either is over 63 bytes). */
AD_API int ad_edit_distance(const char *a, const char *b);
/* The entry of the NULL-terminated list names closest to word (edit
 * distance, to *dist when dist is not NULL), for "did you mean"; NULL (and
 * a large *dist) when the list is empty. */
AD_API const char *ad_nearest_name(const char *word, const char *const *names, int *dist);
/* The key of any scope closest to `key` (edit distance), for "did you mean". */
AD_API const char *ad_param_nearest(const char *key, ad_scope scope);
/* Address of a parameter's value in cfg (brand ignored for G). */
AD_API void *ad_param_ptr(ad_config *cfg, const ad_param *p, int brand);
AD_API const void *ad_param_cptr(const ad_config *cfg, const ad_param *p, int brand);
/* Value as a double (REAL, INT, BOOL, ENUM); 0 for STRING. */
AD_API double ad_param_get(const ad_config *cfg, const ad_param *p, int brand);
/* Formats the value as libconfig text (strings quoted, enums quoted names). */
AD_API void ad_param_format(const ad_config *cfg, const ad_param *p, int brand, char *buf, size_t n);

#endif
