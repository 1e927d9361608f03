/* config.h: scenario files (libconfig) to a resolved ad_config, and back.
 *
 * Loading is: defaults from the parameter table -> the scenario file ->
 * --set overrides (in the order given) -> cross-checks (brand names, shares,
 * events, interventions). Every value is checked against its type and range
 * as it is read; nothing is clamped. On failure the ad_error names the file
 * (or "--set"), the line and the key, says what is allowed, and carries
 * AD_ERR_CONFIG (exit status 2). The loader never exits or prints.
 */
#ifndef AD_CONFIG_H
#define AD_CONFIG_H

#include "error.h"
#include "api.h"
#include "params.h"

/* The largest scenario file, and the most settings ('=' signs) in one: a
 * scenario is refused beyond them before it is parsed. */
#define AD_SCENARIO_MAX_BYTES (1 << 20)
#define AD_SCENARIO_MAX_SETTINGS 10000

/* Loads `path` and applies the n_sets "KEY=VALUE" overrides. Keys are the
 * dotted scenario keys; a brand's key is "brands.[I].key" (I from 0) or
 * "brands.NAME.key". On success cfg is complete and valid. */
AD_API int cfg_load(ad_config *cfg, const char *path, const char *const *sets, int n_sets, ad_error *err);

/* Loads from a string instead of a file (name is used in messages). */
AD_API int cfg_load_string(ad_config *cfg, const char *text, const char *name,
                    const char *const *sets, int n_sets, ad_error *err);

/* Applies one "KEY=VALUE" override to a loaded config and re-runs the
 * cross-checks. */
AD_API int cfg_apply_set(ad_config *cfg, const char *assignment, ad_error *err);

/* Writes the resolved configuration as a libconfig scenario file that loads
 * back to the same ad_config. With mark_defaults, values that were not given
 * are followed by a "# default" comment. Returns a malloc'd string (caller
 * frees) or NULL when out of memory. */
AD_API char *cfg_format_resolved(const ad_config *cfg, int mark_defaults);

/* Writes the parameter reference: "text" for `aandacht params`, "markdown"
 * for docs/parameters.md, "json" for `aandacht params --json`: an object
 * whose "parameters" list has one entry per table row, in table order, each
 * with "key" (as in scenario files; a per-brand key as inside one element
 * of the brands list), "per_brand", "type" (real, int, bool, enum, string),
 * "default", "min", "max" (numbers for real and int, else null), "unit" (the
 * table's: "1" dimensionless, "" none) and "doc"; an enum also has "values"
 * (its names; the default is one of them), a string "min_length",
 * "max_length" and "required" (then its default is null). Returns a
 * malloc'd string (caller frees); NULL when out of memory or for another
 * format. */
AD_API char *cfg_format_params(const char *format);

/* Automation share of brand b at recorded week t (t < 0: warm-up). */
AD_API double cfg_automation_at(const ad_brand_cfg *b, int64_t t);

#endif
