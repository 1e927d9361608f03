/* observables.h: what a run records each week, and the distribution snapshots.
 *
 * The two X-macro lists below are the single source of the observables: the
 * step fills an ad_obs, the HDF5 writer names, documents and writes every
 * entry, and docs/output.md describes the same list. Market observables are
 * one value a week; brand observables one value per brand a week. A brand
 * observable whose name is also a market one is written with a "brand_"
 * prefix (the h5 name column).
 */
#ifndef AD_OBSERVABLES_H
#define AD_OBSERVABLES_H

#include <stdint.h>
#include "params.h"
#include "api.h"

/* X(id, units, long_name) */
#define AD_MARKET_OBS(X)                                                                   \
    X(automation_share, "1", "share of contacts first handled by an automated channel")    \
    X(human_contact_share, "1", "share of contacts that reached a person, escalations included") \
    X(attention_scarcity, "1", "1 - mean attention over all contacts (Sigma)")             \
    X(mean_attention_deficit, "1", "mean attention deficit of customers")                  \
    X(attention_value, "1", "1 + theta Sigma: attention scarcity scaled by theta, by construction (no evidence for a claim)") \
    X(customer_nps, "percent", "net promoter score of this week's contacts")               \
    X(promoter_share, "1", "share of this week's contacts that made a promoter")            \
    X(detractor_share, "1", "share of this week's contacts that made a detractor")          \
    X(employee_nps, "percent", "net promoter score of active employees")                   \
    X(engaged_share, "1", "share of active employees who are engaged")                     \
    X(tips_total, "week-1", "tips paid this week (money a week: attribute currency)")      \
    X(tip_rate, "1", "tips as a share of the bills of human-served contacts")              \
    X(differentiation_index, "1", "spread across brands of choice utility: functional, price and relational parts") \
    X(differentiation_functional, "1", "spread across brands of the functional utility (quality, promotion, place)") \
    X(differentiation_price, "1", "spread across brands of the price part of utility") \
    X(differentiation_relational, "1", "spread across brands of the relational utility (attention value, reputation)") \
    X(hhi, "1", "Herfindahl-Hirschman index of market shares")                             \
    X(jobs, "1", "number of active employees")                                             \
    X(jobs_displaced, "1", "number of employees displaced since week 0 (cumulative)")      \
    X(loyalty_human_served, "1", "mean loyalty of customers whose contacts this week were all served by a person") \
    X(loyalty_robot_served, "1", "mean loyalty of customers whose contacts this week were all automated") \
    X(human_premium, "1", "satisfaction of relational contacts served by a person minus that of those solved by a machine, within each brand, weighted by the brands' relational contacts (NaN: no brand had both)") \
    X(tip_attention_slope, "1", "tip rate per unit of attention, least-squares slope over this week's human contacts") \
    X(tip_satisfaction_r, "1", "correlation of tip rate and satisfaction over this week's human contacts")

/* X(id, h5 name, units, long_name) */
#define AD_BRAND_OBS(X)                                                                     \
    X(customers, "customers", "1", "number of customers of the brand")                     \
    X(market_share, "market_share", "1", "share of customers")                               \
    X(visits, "visits", "week-1", "contacts (purchases) with the brand this week")         \
    X(human_contacts, "human_contacts", "week-1", "contacts served by a person this week, escalations included") \
    X(automated_contacts, "automated_contacts", "week-1", "contacts first handled by the automated channel this week") \
    X(escalations, "escalations", "week-1", "failed automated contacts passed to a person this week") \
    X(relational_human_share, "relational_human_share", "1", "share of relational contacts served by a person") \
    X(frustrated_contacts, "frustrated_contacts", "week-1", "contacts that ended in frustration this week") \
    X(mean_attention, "mean_attention", "1", "mean attention per contact")                   \
    X(mean_satisfaction, "mean_satisfaction", "1", "mean satisfaction per contact")          \
    X(mean_loyalty, "mean_loyalty", "1", "mean loyalty of the brand's customers")            \
    X(churn_rate, "churn_rate", "week-1", "share of the brand's customers who left this week") \
    X(nps, "nps", "percent", "net promoter score of the brand's contacts this week")         \
    X(engagement, "engagement", "1", "mean engagement of active employees")                  \
    X(engaged_share, "brand_engaged_share", "1", "share of active employees who are engaged") \
    X(employees, "employees", "1", "number of active employees of the brand")              \
    X(reputation, "reputation", "1", "reputation Rep_b in [-1, 1]")                          \
    X(functional_value, "functional_value", "1", "functional value F_b of quality, promotion and place") \
    X(relational_value, "relational_value", "1", "relational value R_b known to the market")  \
    X(price, "price", "1", "price (the bill of one contact; money: attribute currency)")   \
    X(automation, "automation", "1", "automation share a_b set by the schedule")             \
    X(revenue, "revenue", "week-1", "revenue of this week's contacts (money a week: attribute currency)") \
    X(cost, "cost", "week-1", "goods, wages, automation, empowerment and HR costs (money a week: attribute currency)") \
    X(profit, "profit", "week-1", "revenue minus cost (money a week: attribute currency)") \
    X(tips, "tips", "week-1", "tips paid to the brand's staff (money a week: attribute currency)") \
    X(tip_rate, "brand_tip_rate", "1", "tips as a share of the bills of human-served contacts") \
    X(stated_avoidance, "stated_avoidance", "1", "share of the brand's customers who say they avoid it after a shock") \
    X(human_premium, "brand_human_premium", "1", "mean satisfaction of relational contacts served by a person minus that of relational contacts solved by a machine (NaN without both)") \
    X(in_market, "in_market", "1", "1 while the brand is in the market; 0 from the week after it left (a year below market.exit_share), when its other figures are NaN")

enum {
#define AD_M_ENUM(id, u, l) AD_M_##id,
    AD_MARKET_OBS(AD_M_ENUM)
#undef AD_M_ENUM
    AD_N_MARKET
};
enum {
#define AD_B_ENUM(id, h, u, l) AD_B_##id,
    AD_BRAND_OBS(AD_B_ENUM)
#undef AD_B_ENUM
    AD_N_BRAND
};

/* Units are UDUNITS-2 strings, as CF asks: a count is "1" (its long_name
 * says what is counted), a figure per week "week-1". UDUNITS has no
 * currency, so an observable in money has units "1" (a price) or "week-1"
 * (money a week), and the writers give it the attribute currency
 * (scenario.currency, or "money"): these are the ones. */
static inline int ad_market_money(int k) { return k == AD_M_tips_total; }
static inline int ad_brand_money(int k)
{
    return k == AD_B_price || k == AD_B_revenue || k == AD_B_cost || k == AD_B_profit || k == AD_B_tips;
}

/* One week's observables. */
typedef struct ad_obs {
    double market[AD_N_MARKET];
    double brand[AD_N_BRAND][AD_MAX_BRANDS];
} ad_obs;

/* Distribution snapshot: histograms over [0, 1] in AD_HIST_BINS equal bins. */
#define AD_HIST_BINS 20
#define AD_SNAP_VARS(X)                                                  \
    X(loyalty, "loyalty of customers")                                   \
    X(deficit, "attention deficit of customers")                         \
    X(satisfaction, "satisfaction of this week's contacts")             \
    X(engagement, "engagement of active employees")
enum {
#define AD_S_ENUM(id, l) AD_S_##id,
    AD_SNAP_VARS(AD_S_ENUM)
#undef AD_S_ENUM
    AD_N_SNAP
};
typedef struct ad_snapshot {
    int64_t week;                                   /* recorded week */
    int64_t hist[AD_N_SNAP][AD_HIST_BINS];          /* counts, market-wide */
    int64_t brand_hist[AD_N_SNAP][AD_MAX_BRANDS][AD_HIST_BINS]; /* counts per brand */
} ad_snapshot;

/* Read-only view of the customer arrays, for the raw agent output. */
typedef struct ad_agent_view {
    int64_t n;                  /* customers */
    const uint8_t *brand;       /* current brand index */
    const float *loyalty, *deficit, *expectation, *need, *openness;
} ad_agent_view;

AD_API extern const char *const ad_market_names[AD_N_MARKET];
AD_API extern const char *const ad_market_units[AD_N_MARKET];
AD_API extern const char *const ad_market_long[AD_N_MARKET];
AD_API extern const char *const ad_brand_h5names[AD_N_BRAND];
AD_API extern const char *const ad_brand_units[AD_N_BRAND];
AD_API extern const char *const ad_brand_long[AD_N_BRAND];
AD_API extern const char *const ad_snap_names[AD_N_SNAP];
AD_API extern const char *const ad_snap_long[AD_N_SNAP];

#endif
