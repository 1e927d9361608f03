/* observables.c: names, units and descriptions of the observables, as
 * string tables built from the X-macro lists of observables.h. */
#include "observables.h"

#define M_NAME(id, u, l) #id,
#define M_UNIT(id, u, l) u,
#define M_LONG(id, u, l) l,
const char *const ad_market_names[AD_N_MARKET] = {AD_MARKET_OBS(M_NAME)};
const char *const ad_market_units[AD_N_MARKET] = {AD_MARKET_OBS(M_UNIT)};
const char *const ad_market_long[AD_N_MARKET] = {AD_MARKET_OBS(M_LONG)};
#define B_NAME(id, h, u, l) h,
#define B_UNIT(id, h, u, l) u,
#define B_LONG(id, h, u, l) l,
const char *const ad_brand_h5names[AD_N_BRAND] = {AD_BRAND_OBS(B_NAME)};
const char *const ad_brand_units[AD_N_BRAND] = {AD_BRAND_OBS(B_UNIT)};
const char *const ad_brand_long[AD_N_BRAND] = {AD_BRAND_OBS(B_LONG)};
#define S_NAME(id, l) #id,
#define S_LONG(id, l) l,
const char *const ad_snap_names[AD_N_SNAP] = {AD_SNAP_VARS(S_NAME)};
const char *const ad_snap_long[AD_N_SNAP] = {AD_SNAP_VARS(S_LONG)};
