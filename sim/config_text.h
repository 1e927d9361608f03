/* config_text.h: scenario files as text, for the commands that write them
 * (aandacht new). Not part of the public API (include/aandacht.h): the
 * command line's own use of the core.
 */
#ifndef AD_CONFIG_TEXT_H
#define AD_CONFIG_TEXT_H

#include <stddef.h>

#include "error.h"

/* 0 when name is a valid scenario.name (non-empty, at most 63 bytes,
 * letters, digits, '_', '.' and '-'); else -1 and why says what is wrong,
 * e.g. "it may only contain letters, digits, '_', '.' and '-'". */
int cfg_name_check(const char *name, char *why, size_t n);

/* The text of a new scenario called name, made from the scenario text
 * `text` (read from the file made_from): its opening comment block (the
 * lines from the first that start with '#') replaced by a block to fill in
 * that names made_from, scenario.name's value replaced by "name", every
 * other byte as it was. Returns a malloc'd string (caller frees), or NULL
 * with err set (AD_ERR_CONFIG: text cannot be read or does not set
 * scenario.name itself; AD_ERR_NOMEM). */
char *cfg_new_scenario_text(const char *text, const char *name, const char *made_from, ad_error *err);

#endif
