/* sweep.h: the `sweep` group of a scenario file, and its runs.
 *
 * A sweep names k numeric parameters by their config keys (as --set writes
 * them), a design (design.h) over their ranges, a number of replications and
 * a sweep seed. It has points * replications runs, numbered from 0:
 *
 *   run K  =  design point K / replications, replication K % replications.
 *
 * Run K is the base scenario with every swept parameter set to point K's
 * value, exactly as by --set KEY=VALUE (INT parameters get the value rounded
 * to the nearest whole number, halves away from zero), and scenario.seed set
 * to sweep_run_seed: design_run_seed(sweep seed, point, replication) reduced
 * to its low 53 bits (scenario.seed allows 0 to 2^53 - 1). So every run can
 * be redone on its own from the file and K alone.
 *
 * Ownership: the caller owns the sweep struct; sweep_load fills it and
 * allocates its design and lists, sweep_free releases them. The struct
 * points into itself (spec.name), so it must not be copied. Nothing global;
 * nothing here prints or exits.
 */
#ifndef AD_SWEEP_H
#define AD_SWEEP_H

#include <stdint.h>

#include "design.h"
#include "error.h"
#include "params.h"

#define SWEEP_KEYLEN 160
#define SWEEP_MAX_REPLICATIONS 1000000
#define SWEEP_MAX_RUNS 1000000000LL   /* a sweep has fewer runs than this */
#define SWEEP_CHECK_POINTS 10000        /* sweep_check tries at most this many points */

typedef struct sweep {
    int present;                        /* 0: the scenario has no sweep group (nothing else is set) */
    char file[512];                     /* scenario file, for messages */
    int line;                           /* line of the sweep group */
    design_spec spec;                   /* spec.name[j] points at key[j]; spec.list at list */
    design d;                           /* the points, made by sweep_load (owned) */
    char key[DESIGN_MAX_K][SWEEP_KEYLEN]; /* parameter j's key as written in the sweep */
    int param[DESIGN_MAX_K];            /* its index in ad_param_table (REAL or INT) */
    int brand[DESIGN_MAX_K];            /* its brand, -1 for a scenario-wide parameter */
    int pline[DESIGN_MAX_K];            /* line of its group in the sweep */
    double *values[DESIGN_MAX_K];       /* grid: the values given for it, or NULL (owned) */
    int n_values[DESIGN_MAX_K];         /* grid: how many */
    double *list;                       /* list: points x k, parameter units (owned) */
    int replications;                   /* runs per design point, >= 1 */
    uint64_t seed;                      /* sweep seed (default: scenario.seed) */
    int64_t runs;                       /* d.n * replications */
    int branch;                         /* sweep.branch_from_warmup: runs of one market share a warm-up */
} sweep;

/* Reads the sweep group of the scenario file at path and checks it against
 * cfg (the scenario as loaded from that file: its brands resolve the brand
 * keys, its seed is the default sweep seed). A file without a sweep gives
 * AD_OK with sw->present = 0. Errors are AD_ERR_CONFIG with file, line and a
 * key such as 'sweep.parameters.[1].max'. On failure sw holds no memory. */
int sweep_load(sweep *sw, const char *path, const ad_config *cfg, ad_error *err);
/* The same from a string (name is used in messages). */
int sweep_load_string(sweep *sw, const char *text, const char *name, const ad_config *cfg, ad_error *err);
/* Frees what sweep_load allocated and zeroes sw; sw may be NULL. */
void sweep_free(sweep *sw);

/* The design point and replication of run K; AD_ERR_USAGE (exit 2) when K
 * is not in [0, runs), with the number of runs in the message. */
int sweep_run_index(const sweep *sw, int64_t run, int64_t *point, int *replication, ad_error *err);
/* scenario.seed of a run: design_run_seed(seed, point, replication) & (2^53 - 1).
 * With branch_from_warmup, the point's market (the FNV-1a hash of its
 * sweep_warmup_values) stands for the point: the points of one market get
 * the same seed in each replication, and so the same warm-up. */
uint64_t sweep_run_seed(const sweep *sw, int64_t point, int replication);
/* The values at design point `point` of the swept parameters that act in
 * the warm-up (cfg_after_warmup is 0), into vals (DESIGN_MAX_K); how many. */
int sweep_warmup_values(const sweep *sw, int64_t point, double *vals);
/* Value of swept parameter j at design point `point`, as it is applied
 * (rounded for INT parameters). */
double sweep_value(const sweep *sw, int64_t point, int j);

/* Applies run K to cfg: each swept value as by cfg_apply_set, then
 * scenario.seed. On failure cfg may hold some of the values. */
int sweep_apply(const sweep *sw, int64_t run, ad_config *cfg, ad_error *err);
/* Applies every design point (the first SWEEP_CHECK_POINTS) to a copy of
 * cfg, so that `aandacht check` finds points the cross-checks reject. */
int sweep_check(const sweep *sw, const ad_config *cfg, ad_error *err);

/* A summary for `aandacht check`, as libconfig comment lines: design,
 * parameters with ranges, points, replications, runs. malloc'd (caller
 * frees), NULL when out of memory. */
char *sweep_format_summary(const sweep *sw);

#define SWEEP_LIST_HEAD 20    /* check lists the first this many runs of a larger sweep, */
#define SWEEP_LIST_TAIL 5     /* and the last this many */
#define SWEEP_LINE_MAX (DESIGN_MAX_K * (SWEEP_KEYLEN + 40) + 1200) /* bytes of any line of the run table */

/* Line i of the run table `aandacht check` prints after the summary, as a
 * libconfig comment line with its newline, into buf (size bytes; the line
 * is cut to fit, SWEEP_LINE_MAX always fits): line 0 says what the table
 * is, line 1 names the columns (run, point, rep, seed, then each swept key),
 * then one line per run listed: K, its design point and replication, its
 * scenario.seed (sweep_run_seed) and each swept value as it is applied
 * (sweep_value: INT rounded; written so that it reads back as the same
 * double). With all, or in a sweep of at most SWEEP_LIST_HEAD +
 * SWEEP_LIST_TAIL runs, every run is listed; otherwise the first
 * SWEEP_LIST_HEAD and the last SWEEP_LIST_TAIL, with a line between them
 * saying how many runs there are and that `aandacht check FILE --runs`
 * (file: FILE's path) lists them all. Returns 0, buf empty, when the table
 * has no line i; otherwise 1. Nothing is allocated: a table of any size is
 * written line by line. */
int sweep_format_run_line(const sweep *sw, int all, const char *file, int64_t i, char *buf, size_t size);

#endif
