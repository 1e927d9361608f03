/* config_priv.h: what the scenario loader's files share, and nothing that
 * leaves the module (the public face is config.h). config.c reads the
 * libconfig tree, checks each value and owns cfg_load*; config_check.c reads
 * the events and interventions lists and runs the cross-checks;
 * config_format.c writes configs and the parameter reference back out.
 *
 * Invariants: every failure goes through cfg__fail, so each message carries
 * file, line and key and the code AD_ERR_CONFIG; a cfg_val is only stored
 * (cfg__store) after cfg__check_value has accepted it. Internal names carry
 * the cfg__ prefix.
 */
#ifndef AD_CONFIG_PRIV_H
#define AD_CONFIG_PRIV_H

#include "config.h"

#include <libconfig.h>
#include <stddef.h>

#define KEYLEN 160

/* Where each value came from, for the messages of the cross-checks. Line
 * coding: >0 file line, 0 default, -1 --set. b_line[b][k] (like
 * cfg->brand_given[b][k]) is indexed by k = cfg__brand_slot(table index). */
typedef struct cfg_ctx {
    const char *file;                   /* scenario file (messages) */
    int g_line[256];                    /* by table index: >0 file line, 0 default, -1 --set */
    int b_line[AD_MAX_BRANDS][64];      /* by brand and B position, same coding */
    int brands_line;                    /* line of the brands list */
    int brand_line[AD_MAX_BRANDS];      /* line of each brand's group */
} cfg_ctx;

/* A value as written, before it is checked against a parameter. */
enum { V_NUM, V_BOOL, V_STR, V_OTHER };
typedef struct cfg_val {
    int kind;                           /* V_* */
    int is_int;                         /* V_NUM written as a whole number */
    int64_t i;                          /* V_NUM whole, V_BOOL, and the checked ENUM index */
    double num;                         /* V_NUM */
    const char *str;                    /* V_STR (borrowed) */
    char what[96];                      /* how to name it in a type error */
} cfg_val;

/* The subject of a message. */
typedef struct cfg_where {
    const char *file;
    int line;
    const char *key;                    /* goes to err->key */
    const char *label;                  /* names the value in the message */
    const char *brand;                  /* brand name or NULL */
} cfg_where;

/* config_check.c: the keys of one element of the events list (offsets into
 * ad_event); the brand is written by name and has no field of its own.
 * config_format.c lists them in the parameter reference. */
extern const ad_param cfg__event_params[];
extern const int cfg__event_param_count;

/* --- config.c: messages, values, small helpers --- */

/* Sets err (AD_ERR_CONFIG) from w and the message; returns the code. */
int cfg__fail(ad_error *err, const cfg_where *w, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Position of table index idx among the brand (B) parameters. */
int cfg__brand_slot(int idx);

/* The brand names as "A, B, C", or "(none)". */
void cfg__brand_list(const ad_config *cfg, char *buf, size_t n);

/* p is the brand parameter automation.target, whose minimum -1 means "same
 * as automation.start" and is the only value allowed below 0. */
int cfg__is_auto_target(const ad_param *p);

/* Checks v against p's type and range; the checked value goes to out
 * (REAL: num; INT, BOOL, ENUM: i; STRING: str). */
int cfg__check_value(const ad_param *p, const cfg_val *v, const cfg_where *w, ad_error *err, cfg_val *out);

/* Writes a checked value to at, the field of p. */
void cfg__store(void *at, const ad_param *p, const cfg_val *v);

/* Setting s (any type) as a value to check. */
void cfg__setting_val(const config_setting_t *s, cfg_val *v);

/* --- config_check.c: events, interventions, cross-checks --- */

/* The events and interventions lists (brands must be read already). */
int cfg__read_events(ad_config *cfg, cfg_ctx *ctx, const config_setting_t *list, ad_error *err);
int cfg__read_interventions(ad_config *cfg, cfg_ctx *ctx, const config_setting_t *list, ad_error *err);

/* The checks between values, run after the file and every --set: brand
 * names and shares, scenario name, degree, weights, thresholds, and the weeks
 * and brands of events and interventions. May fill in equal shares. */
int cfg__cross_check(ad_config *cfg, const cfg_ctx *ctx, ad_error *err);

/* Reads the libconfig file at path, or text when it is not NULL (path names
 * it in messages); @include is relative to the file. Syntax and read errors
 * become AD_ERR_CONFIG with file and line. The caller inits and destroys c. */
int cfg__read(config_t *c, const char *path, const char *text, ad_error *err);

/* --- config_text.c: the text beneath the tree --- */

/* After libconfig refused text[0, n): the first thing in it that libconfig's
 * grammar does not allow, in words (e.g. "the elements of a list ( ) are
 * separated by ',' (is one missing at the end of line 4?)") to msg, and
 * the line libconfig names for it to *line. Returns 1 when it found one,
 * 0 when it reads the text whole (the fault is elsewhere, e.g. in an
 * @include file). */
int cfg__syntax_hint(const char *text, size_t n, char *msg, size_t cap, int *line);

#endif
