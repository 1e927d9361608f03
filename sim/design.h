/* design.h: sampling designs of a parameter sweep.
 *
 * A sweep varies k parameters, parameter j over [min_j, max_j]. A design is a
 * list of n points; each point is made in the unit cube, u in [0,1]^k, and
 * mapped linearly to parameter units, x_j = (1 - u_j) * min_j + u_j * max_j,
 * so u = 0 and u = 1 give min_j and max_j exactly. Six kinds:
 *
 *   grid      full factorial, levels[j] equally spaced values per parameter
 *             (endpoints included); parameter k-1 varies fastest.
 *   list      the caller's list_n points, given in parameter units.
 *   lhs       Latin hypercube of n points: in every dimension each of the n
 *             strata [i/n, (i+1)/n) holds exactly one point.
 *   sobol     the first n points of the Sobol sequence (GSL gsl_qrng_sobol).
 *   saltelli  the sample for Sobol sensitivity indices: base matrices A and B
 *             (n rows each, A = columns 0..k-1 and B = columns k..2k-1 of a
 *             2k-dimensional Sobol sequence), then AB_1..AB_k (AB_i is A with
 *             column i taken from B): n*(k+2) points in the order A, B,
 *             AB_1, ..., AB_k; block[] and row[] say where each point is.
 *   morris    r elementary-effects trajectories of k+1 points on a p-level
 *             grid; each step moves one factor by +-Delta, Delta = p/(2(p-1)).
 *
 * All randomness (lhs, morris) is rng_draw of the spec's seed, so a design is
 * a pure function of its spec. sobol and saltelli use no seed.
 *
 * Ownership: the caller owns the design struct; design_make fills it and
 * allocates its arrays, design_free releases them. Nothing global.
 */
#ifndef AD_DESIGN_H
#define AD_DESIGN_H

#include <stdint.h>

#include "error.h"

#define DESIGN_MAX_K 32                 /* parameters a design may vary */
#define DESIGN_MAX_POINTS 10000000      /* points a design may have */
#define DESIGN_SOBOL_MAX_DIM 40         /* gsl_qrng_sobol's limit: saltelli needs 2k */

typedef enum {
    DESIGN_GRID,
    DESIGN_LIST,
    DESIGN_LHS,
    DESIGN_SOBOL,
    DESIGN_SALTELLI,
    DESIGN_MORRIS
} design_kind;

typedef struct design_spec {
    design_kind kind;
    int k;                              /* parameters varied, 1..DESIGN_MAX_K */
    double min[DESIGN_MAX_K];           /* range of parameter j: min < max, finite */
    double max[DESIGN_MAX_K];
    const char *name[DESIGN_MAX_K];     /* config key of parameter j, for messages; NULL ok */
    int levels[DESIGN_MAX_K];           /* grid: values of parameter j, >= 2 */
    const double *list;                 /* list: list_n x k, row-major, parameter units;
                                           borrowed, copied by design_make */
    int list_n;                         /* list: points, > 0 */
    int n;                              /* lhs, sobol: points; saltelli: rows of A and B */
    int trajectories;                   /* morris: r, > 0 */
    int morris_levels;                  /* morris: p, even, >= 2 */
    uint64_t seed;                      /* lhs, morris: all their draws */
} design_spec;

typedef struct design {
    design_kind kind;
    int k;                              /* columns */
    int64_t n;                          /* points (rows) */
    double *x;                          /* n x k, row-major, parameter units */
    double *u;                          /* n x k, row-major, unit cube */
    /* saltelli only (NULL otherwise) */
    int *block;                         /* 0 = A, 1 = B, 2 + i = AB_i (i = 0..k-1) */
    int *row;                           /* row within its block, 0..n_base-1 */
    /* morris only (NULL otherwise) */
    int *traj;                          /* trajectory, 0..r-1 */
    int *step;                          /* step within it, 0..k */
    int *factor;                        /* factor changed from step-1, -1 at step 0 */
    double *delta;                      /* signed change of u[factor] (+-Delta), 0 at step 0 */
} design;

/* Checks s and fills out (which the caller owns; free with design_free).
 * AD_ERR_CONFIG for an invalid spec, with the offending parameter's name as
 * key; AD_ERR_NOMEM if the arrays cannot be had. On failure out holds no
 * memory (design_free on it is harmless). */
int design_make(const design_spec *s, design *out, ad_error *err);
/* Frees what design_make allocated and zeroes d; d may be NULL. */
void design_free(design *d);
/* Points design_make will make for s, or -1 if s is invalid. */
int64_t design_size(const design_spec *s);
/* Seed of one run: replication `replication` of design point `point` in a
 * sweep seeded `sweep_seed`. Philox4x32-10 (rng_draw) keyed by sweep_seed of
 * the counter (point, replication, purpose 0x7d000300), words 0 and 1 as
 * the low and high halves. Stable across versions (tested by known values). */
uint64_t design_run_seed(uint64_t sweep_seed, uint64_t point, uint32_t replication);
/* "grid", "list", ... ; "?" for an unknown kind */
const char *design_kind_name(design_kind kind);

#endif
