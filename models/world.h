/* world.h: the private state of one simulated market (see aandacht.h).
 *
 * A world owns every array below; nothing is global. Customers and employees
 * are structure-of-arrays sized once (the employee pool grows only when a
 * brand hires beyond every slot ever used). Where agents see each other
 * (neighbours' brand and last experience) the world keeps two buffers: a
 * step reads `brand`/`exper` (last week's) and writes `brand_next`/
 * `exper_next`; the step swaps them at its end. Per-thread accumulators are
 * integers (fixed point for fractions), padded to cache lines, and summed in
 * thread order after each parallel loop, so every observable is the same
 * for any number of threads.
 */
#ifndef AD_WORLD_H
#define AD_WORLD_H

#include <math.h>
#include <stdint.h>
#include "aandacht.h"
#include "network.h"

/* fixed point for fractions in [0, 1]-ish summed over up to 1e8 agents */
#define AD_FX 4294967296.0
/* rounds x >= 0 to fixed point (all summed fractions are non-negative) */
static inline int64_t ad_fx(double x) { return (int64_t)(x * AD_FX + 0.5); }

/* contact codes of one customer-week (pass A writes, pass B reads) */
enum {
    AD_C_NONE = 0,      /* no contact this week */
    AD_C_HUMAN = 1,     /* routed to a person */
    AD_C_AUTO_OK = 2,   /* automated, solved */
    AD_C_AUTO_ESC = 3,  /* automated, failed, escalated to a person */
    AD_C_AUTO_FRUST = 4,/* automated, failed, ended in frustration */
    AD_C_REL = 8,       /* flag: the contact was relational */
    AD_C_SWITCH = 16    /* flag (no contact): the customer reconsiders */
};

/* reconsidering probability nu sigmoid((l_crit - l) / s), tabulated over
 * loyalty in [0, 1] and interpolated linearly */
#define AD_PSW_N 1024

/* per-brand integer accumulators of one step */
enum {
    AC_VISITS, AC_HUMAN, AC_AUTO, AC_ESC, AC_FRUST, AC_REL, AC_REL_HUMAN, AC_NOSTAFF,
    AC_ATT, AC_ATT_REL, AC_SAT, AC_PROM, AC_DET,
    AC_CUST, AC_LOY, AC_DEFICIT, AC_OUT, AC_IN, AC_AVOID,
    AC_TIPRATE, AC_TIPPED, AC_TIP_X, AC_TIP_XX, AC_TIP_XY, AC_TIP_YY, AC_TIP_S, AC_TIP_SS, AC_TIP_SY,
    AC_HUMAN_ONLY, AC_HUMAN_ONLY_LOY, AC_ROBOT_ONLY, AC_ROBOT_ONLY_LOY,
    AC_REL_DIRECT, AC_SAT_REL_DIRECT, AC_REL_BOT, AC_SAT_REL_BOT,
    AC_ENG, AC_ENGAGED, AC_DISENGAGED, AC_AMB_ENGAGED, AC_ACTIVE,
    AC_N
};

typedef struct ad_acc {
    int64_t v[AD_MAX_BRANDS][AC_N];         /* this thread's sums */
    int64_t hist[AD_N_SNAP][AD_MAX_BRANDS][AD_HIST_BINS]; /* snapshot weeks only */
    char pad[64];                           /* keep neighbours off our line */
} ad_acc;

typedef struct ad_brand_state {
    double q, m, v, price;      /* current quality, promotion, place, price */
    double ref_price;           /* p_ref: the price customers remember (7.10) */
    double surprise;            /* (p - p_ref) / p_ref this week */
    double F;                   /* functional value */
    double a, abar;             /* automation share now, and its past-year mean */
    double a_hist[52];          /* ring of the last 52 weeks' a */
    int a_n;                    /* weeks in the ring */
    double rep;                 /* word-of-mouth reputation in [-1, 1] */
    double att_rel;             /* market's knowledge of attention per relational contact */
    double R;                   /* relational value att_rel (1 + theta Sigma) */
    double dil;                 /* this week's dilution min(1, H C / D) */
    int64_t employees;          /* active headcount */
    int64_t H0;                 /* reference headcount for follow_automation */
    int64_t demand;             /* this week's human demand (contacts) */
    int64_t demand_last;        /* last week's */
    double demand_plan;         /* smoothed human demand that follow_demand staffs for */
    double trans_share;         /* last week's transactional share of contacts */
    double p_auto_trans, p_auto_rel; /* routing probabilities this week */
    double f;                   /* visit-rate factor (1 - running shock) */
    double stated;              /* running stated avoidance */
    int shock_event;            /* event behind `stated` (-1 none) */
    double q_h;                 /* human success rate with empowerment */
    double q_machine_rel;       /* a machine's success on a relational contact (C5's switch) */
    double att_person;          /* attention a person of the brand gives this week, on average */
    double att_machine, att_machine_rel; /* attention of an automated contact: transactional, relational */
    double U_base;              /* beta_F F - beta_p p + beta_rep rep - beta_shock stated */
    double att_factor;          /* dil (0.6 + 0.4 g) */
    int64_t customers;          /* at the start of the week */
    double share;               /* customers / n at the start of the week */
    double unit_cost;           /* last week's cost per contact */
    int price_fixed;            /* a price intervention set the price: it no longer follows costs */
    int64_t small_weeks;        /* recorded weeks in a row below market.exit_share */
    int64_t exit_week;          /* recorded week the brand left the market (-1: in it) */
} ad_brand_state;

struct ad_world {
    ad_config cfg;              /* own copy; interventions write brand fields */
    int threads;                /* threads of every parallel region (>= 1) */
    int simd;                   /* vector level of the block loops (rng_simd at creation) */
    int64_t n;                  /* customers */
    int nb;                     /* brands */
    int deg;                    /* neighbours per customer */
    int64_t steps;              /* steps done, warm-up included */
    int64_t week;               /* recorded week of the last step, -1 before */
    int recording;              /* accumulate snapshot histograms this step */

    /* customers (owned; n each) */
    uint8_t *brand, *brand_next;    /* current brand: last week's / this week's */
    int8_t *exper, *exper_next;     /* last experience: -1 detractor, 0 passive, 1 promoter */
    uint8_t *code;                  /* this week's contact code (AD_C_*) */
    float *loyalty, *expect, *deficit;
    float *need, *open, *rate, *tipprop;  /* fixed traits */
    ad_net net;                     /* who hears whom (owned) */
    struct soc_count *soc;          /* neighbours on each one's brand, kept up to date (owned; NULL until cust_serve) */

    /* employees (owned; ne_cap each) */
    int64_t ne, ne_cap;             /* slots used, slots allocated */
    uint8_t *e_brand, *e_active, *e_amb;
    float *e_eng, *e_trait;
    int64_t *e_warm;                /* this week's warmth received (fixed point) */
    int32_t *e_load;                /* this week's contacts served */
    int32_t *active;                /* active employees grouped by brand */
    int64_t active_off[AD_MAX_BRANDS + 1];

    ad_brand_state br[AD_MAX_BRANDS];
    double sigma;                   /* last week's attention scarcity */
    double mean_price;              /* customer-weighted mean price */
    double mean_price0;             /* the same at week 0: the centre of the price band */
    double need_mean;               /* mean relational need of customers */
    double psw[AD_PSW_N + 2];       /* reconsidering probability by loyalty */
    double psw_mult;                /* warm-up speed-up of reconsidering (1 when recording) */
    int64_t displaced;              /* employees displaced since week 0 */
    double warm_share[AD_MAX_BRANDS]; /* shares a year before the warm-up's end (or at its start) */
    double warm_drift;              /* largest change of a share over that year (NaN until the warm-up ends) */

    ad_acc *acc;                    /* one per thread (owned) */
    int acc_n;
    ad_acc total;                   /* this step's sums over threads */
    ad_obs obs;                     /* last recorded week */
};

/* the same from a copy of the table pointer and multiplier (hot loops) */
static inline double ad_psw_tab(const double *psw, double mult, double l)
{
    double x = l * AD_PSW_N;
    int k = (int)x;
    if (k < 0) k = 0;
    if (k >= AD_PSW_N) k = AD_PSW_N - 1;
    double f = x - k;
    return mult * (psw[k] + f * (psw[k + 1] - psw[k]));
}

static inline double ad_psw(const ad_world *w, double l) { return ad_psw_tab(w->psw, w->psw_mult, l); }

/* step.c */
int step_run(ad_world *w);
/* world.c */
void world_sum_acc(ad_world *w);
ad_world *world_alloc(const ad_config *cfg, int threads);
int world_nomem(const ad_config *cfg, ad_error *err);
int world_threads(const ad_world *w);

#endif
