/* design.c: the sampling designs of design.h.
 *
 * Every design first fills u (unit cube), then one mapping fills x from u;
 * list is the exception (x given, u derived). design_check is the single
 * validation, shared by design_size and design_make, so the two agree.
 *
 * Randomness: lhs and morris draw only rng_draw(spec seed, counter, index,
 * purpose) with the purposes below. Their low byte is 0 while every
 * rng_purpose(RNG_*, sub) of rng.h has a low byte 1..255, so design streams
 * never meet model streams even under the same seed.
 *
 *   lhs       rng_draw(seed, i, j, DESIGN_PURPOSE_LHS): words 0,1 (64 bits)
 *             pick the Fisher-Yates swap for position i of dimension j's
 *             permutation; word 2 is the jitter of point i in stratum
 *             perm_j[i]: u_ij = (perm_j[i] + U) / n.
 *   morris    rng_draw(seed, t, j, DESIGN_PURPOSE_MORRIS): word 0 the base
 *             level of factor j in trajectory t, word 1 its direction, word 2
 *             the Fisher-Yates swap for position j of the factor order.
 *   run seed  rng_draw(sweep seed, point, replication, DESIGN_PURPOSE_RUN_SEED).
 *
 * Integer picks reduce a random word modulo the range; the bias (range/2^32
 * or range/2^64) is far below anything a sweep could see.
 *
 * GSL reports its own failures (only exhausted memory: dimensions are
 * checked first) through its error handler, which aborts by default; that
 * handler is process-wide, so setting it is the program's call, not ours.
 *
 * Sobol: GSL's gsl_qrng_sobol (Antonov-Saleev, Bratley-Fox direction
 * numbers) never returns the origin: its first point is (0.5, ..., 0.5),
 * then (0.75, 0.25, ...), (0.25, 0.75, ...). We take its first n points as
 * they come and skip nothing more (Owen 2020: skipping spoils the net
 * property; n a power of 2 keeps the balance best). The origin would map
 * every parameter to its minimum, which is why it is not worth adding back.
 */
#include "design.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>

#include "rng.h"

#define DESIGN_PURPOSE_LHS      0x7d000100u
#define DESIGN_PURPOSE_MORRIS   0x7d000200u
#define DESIGN_PURPOSE_RUN_SEED 0x7d000300u

static const char *const design_names[] = {"grid", "list", "lhs", "sobol", "saltelli", "morris"};

const char *design_kind_name(design_kind kind)
{
    if ((int)kind < 0 || (int)kind > DESIGN_MORRIS) return "?";
    return design_names[kind];
}

/* name of parameter j for messages */
static const char *pname(const design_spec *s, int j, char *buf, size_t n)
{
    if (s->name[j] && s->name[j][0]) return s->name[j];
    snprintf(buf, n, "parameter %d", j + 1);
    return buf;
}

static int cfg_err(ad_error *err, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int cfg_err(ad_error *err, const char *key, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ad_error_set(err, AD_ERR_CONFIG, NULL, 0, key, "%s", msg);
}

/* Validates s; on success *size is the number of points. */
static int design_check(const design_spec *s, int64_t *size, ad_error *err)
{
    char nb[32];
    if (!s) return cfg_err(err, NULL, "no design given");
    if ((int)s->kind < 0 || (int)s->kind > DESIGN_MORRIS)
        return cfg_err(err, NULL, "unknown design kind %d: use grid, list, lhs, sobol, saltelli or morris",
                       (int)s->kind);
    const char *kn = design_kind_name(s->kind);
    if (s->k < 1 || s->k > DESIGN_MAX_K)
        return cfg_err(err, NULL, "a %s design varies %d parameters: it must vary 1 to %d", kn, s->k,
                       DESIGN_MAX_K);
    const int k = s->k;
    for (int j = 0; j < k; j++) {
        const char *nm = pname(s, j, nb, sizeof nb);
        if (!isfinite(s->min[j]) || !isfinite(s->max[j]))
            return cfg_err(err, s->name[j], "range of %s is [%g, %g]: both ends must be finite numbers", nm,
                           s->min[j], s->max[j]);
        if (!(s->min[j] < s->max[j]))
            return cfg_err(err, s->name[j], "range of %s is [%g, %g]: min must be less than max", nm,
                           s->min[j], s->max[j]);
    }
    int64_t n = 0;
    switch (s->kind) {
    case DESIGN_GRID:
        n = 1;
        for (int j = 0; j < k; j++) {
            if (s->levels[j] < 2)
                return cfg_err(err, s->name[j], "grid gives %s %d values: it needs at least 2 (min and max)",
                               pname(s, j, nb, sizeof nb), s->levels[j]);
            n *= s->levels[j];
            if (n > DESIGN_MAX_POINTS)
                return cfg_err(err, NULL, "the grid has more than %d points: use fewer values per parameter "
                               "or a sampling design (lhs, sobol)", DESIGN_MAX_POINTS);
        }
        break;
    case DESIGN_LIST:
        if (!s->list || s->list_n < 1)
            return cfg_err(err, NULL, "the list design has no points: give at least one");
        n = s->list_n;
        for (int64_t i = 0; i < n; i++)
            for (int j = 0; j < k; j++) {
                double v = s->list[i * k + j];
                if (!(v >= s->min[j] && v <= s->max[j]))
                    return cfg_err(err, s->name[j], "list point %lld gives %s = %g, outside its range [%g, %g]",
                                   (long long)i + 1, pname(s, j, nb, sizeof nb), v, s->min[j], s->max[j]);
            }
        break;
    case DESIGN_LHS:
    case DESIGN_SOBOL:
        if (s->n < 1) return cfg_err(err, NULL, "a %s design of %d points: it needs at least 1", kn, s->n);
        if (s->kind == DESIGN_SOBOL && k > DESIGN_SOBOL_MAX_DIM)
            return cfg_err(err, NULL, "sobol varies %d parameters: GSL's Sobol sequence has at most %d", k,
                           DESIGN_SOBOL_MAX_DIM);
        n = s->n;
        break;
    case DESIGN_SALTELLI:
        if (s->n < 1) return cfg_err(err, NULL, "saltelli with %d base rows: it needs at least 1", s->n);
        if (2 * k > DESIGN_SOBOL_MAX_DIM)
            return cfg_err(err, NULL, "saltelli varies %d parameters: it draws 2k Sobol dimensions and GSL "
                           "has %d, so at most %d parameters", k, DESIGN_SOBOL_MAX_DIM, DESIGN_SOBOL_MAX_DIM / 2);
        n = (int64_t)s->n * (k + 2);
        break;
    case DESIGN_MORRIS:
        if (s->trajectories < 1)
            return cfg_err(err, NULL, "morris with %d trajectories: it needs at least 1", s->trajectories);
        if (s->morris_levels < 2 || s->morris_levels % 2)
            return cfg_err(err, NULL, "morris with %d levels: the levels must be even and at least 2 "
                           "(4 is usual)", s->morris_levels);
        n = (int64_t)s->trajectories * (k + 1);
        break;
    }
    if (n > DESIGN_MAX_POINTS)
        return cfg_err(err, NULL, "the %s design has %lld points, more than the %d allowed: use fewer", kn,
                       (long long)n, DESIGN_MAX_POINTS);
    *size = n;
    return AD_OK;
}

int64_t design_size(const design_spec *s)
{
    int64_t n;
    return design_check(s, &n, NULL) == AD_OK ? n : -1;
}

/* ---- the designs, each filling d->u (and metadata) ------------------- */

static void make_grid(const design_spec *s, design *d)
{
    const int k = s->k;
    int idx[DESIGN_MAX_K] = {0};
    for (int64_t i = 0; i < d->n; i++) {
        for (int j = 0; j < k; j++) d->u[i * k + j] = (double)idx[j] / (s->levels[j] - 1);
        for (int j = k - 1; j >= 0; j--) { /* odometer: last parameter fastest */
            if (++idx[j] < s->levels[j]) break;
            idx[j] = 0;
        }
    }
}

static void make_list(const design_spec *s, design *d)
{
    const int k = s->k;
    memcpy(d->x, s->list, (size_t)d->n * k * sizeof *d->x);
    for (int64_t i = 0; i < d->n; i++)
        for (int j = 0; j < k; j++)
            d->u[i * k + j] = (s->list[i * k + j] - s->min[j]) / (s->max[j] - s->min[j]);
}

static int make_lhs(const design_spec *s, design *d, ad_error *err)
{
    const int k = s->k;
    const int64_t n = d->n;
    int64_t *perm = malloc((size_t)n * sizeof *perm);
    if (!perm) return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory making a %lld-point lhs",
                                   (long long)n);
    for (int j = 0; j < k; j++) {
        for (int64_t i = 0; i < n; i++) perm[i] = i;
        for (int64_t i = n - 1; i > 0; i--) {
            rng4 r = rng_draw(s->seed, (uint64_t)i, (uint32_t)j, DESIGN_PURPOSE_LHS);
            uint64_t w = ((uint64_t)r.v[1] << 32) | r.v[0];
            int64_t m = (int64_t)(w % (uint64_t)(i + 1));
            int64_t t = perm[i];
            perm[i] = perm[m];
            perm[m] = t;
        }
        for (int64_t i = 0; i < n; i++) {
            rng4 r = rng_draw(s->seed, (uint64_t)i, (uint32_t)j, DESIGN_PURPOSE_LHS);
            d->u[i * k + j] = ((double)perm[i] + rng_u01(r.v[2])) / (double)n;
        }
    }
    free(perm);
    return AD_OK;
}

/* first n points of the dim-dimensional Sobol sequence into q (n x dim) */
static int sobol_fill(int dim, int64_t n, double *q, ad_error *err)
{
    gsl_qrng *g = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dim);
    if (!g) return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory making a Sobol sequence");
    for (int64_t i = 0; i < n; i++) gsl_qrng_get(g, q + i * dim);
    gsl_qrng_free(g);
    return AD_OK;
}

static int make_saltelli(const design_spec *s, design *d, ad_error *err)
{
    const int k = s->k;
    const int64_t nb = s->n;
    double *q = malloc((size_t)nb * 2 * k * sizeof *q);
    if (!q) return ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory making a saltelli design");
    int rc = sobol_fill(2 * k, nb, q, err);
    if (rc != AD_OK) goto done;
    for (int b = 0; b < k + 2; b++)
        for (int64_t r = 0; r < nb; r++) {
            int64_t p = b * nb + r;
            const double *a = q + r * 2 * k, *bb = a + k;
            for (int j = 0; j < k; j++) {
                double v = b == 1 ? bb[j] : a[j];
                if (b >= 2 && j == b - 2) v = bb[j];
                d->u[p * k + j] = v;
            }
            d->block[p] = b;
            d->row[p] = (int)r;
        }
done:
    free(q);
    return rc;
}

static void make_morris(const design_spec *s, design *d)
{
    const int k = s->k, p = s->morris_levels, half = p / 2;
    const double delta = (double)half / (p - 1);
    int order[DESIGN_MAX_K], lev[DESIGN_MAX_K], dir[DESIGN_MAX_K];
    for (int t = 0; t < s->trajectories; t++) {
        for (int j = 0; j < k; j++) order[j] = j;
        for (int j = 0; j < k; j++) {
            rng4 r = rng_draw(s->seed, (uint64_t)t, (uint32_t)j, DESIGN_PURPOSE_MORRIS);
            int base = (int)(r.v[0] % (uint32_t)half); /* base level 0..p/2-1, so base + p/2 <= p-1 */
            dir[j] = (r.v[1] >> 31) ? 1 : -1;
            lev[j] = dir[j] > 0 ? base : base + half; /* start low and go up, or high and go down */
            if (j > 0) { /* Fisher-Yates, forward: swap position j with a pick in 0..j */
                int m = (int)(r.v[2] % (uint32_t)(j + 1)), tmp = order[j];
                order[j] = order[m];
                order[m] = tmp;
            }
        }
        for (int st = 0; st <= k; st++) {
            int64_t i = (int64_t)t * (k + 1) + st;
            int f = st > 0 ? order[st - 1] : -1;
            if (f >= 0) lev[f] += dir[f] * half;
            for (int j = 0; j < k; j++) d->u[i * k + j] = (double)lev[j] / (p - 1);
            d->traj[i] = t;
            d->step[i] = st;
            d->factor[i] = f;
            d->delta[i] = f >= 0 ? dir[f] * delta : 0.0;
        }
    }
}

/* ---- make, free, seed ------------------------------------------------ */

int design_make(const design_spec *s, design *out, ad_error *err)
{
    int64_t n = 0;
    if (!out) return ad_error_set(err, AD_ERR_USAGE, NULL, 0, NULL, "design_make: no design to fill");
    memset(out, 0, sizeof *out);
    int rc = design_check(s, &n, err);
    if (rc != AD_OK) return rc;
    const int k = s->k;
    out->kind = s->kind;
    out->k = k;
    out->n = n;
    out->x = malloc((size_t)n * k * sizeof *out->x);
    out->u = malloc((size_t)n * k * sizeof *out->u);
    int meta_ok = 1;
    if (s->kind == DESIGN_SALTELLI) {
        out->block = malloc((size_t)n * sizeof *out->block);
        out->row = malloc((size_t)n * sizeof *out->row);
        meta_ok = out->block && out->row;
    } else if (s->kind == DESIGN_MORRIS) {
        out->traj = malloc((size_t)n * sizeof *out->traj);
        out->step = malloc((size_t)n * sizeof *out->step);
        out->factor = malloc((size_t)n * sizeof *out->factor);
        out->delta = malloc((size_t)n * sizeof *out->delta);
        meta_ok = out->traj && out->step && out->factor && out->delta;
    }
    if (!out->x || !out->u || !meta_ok) {
        rc = ad_error_set(err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory for a %s design of %lld points",
                          design_kind_name(s->kind), (long long)n);
        goto fail;
    }
    switch (s->kind) {
    case DESIGN_GRID: make_grid(s, out); break;
    case DESIGN_LIST: make_list(s, out); break;
    case DESIGN_LHS: rc = make_lhs(s, out, err); break;
    case DESIGN_SOBOL: rc = sobol_fill(k, n, out->u, err); break;
    case DESIGN_SALTELLI: rc = make_saltelli(s, out, err); break;
    case DESIGN_MORRIS: make_morris(s, out); break;
    }
    if (rc != AD_OK) goto fail;
    if (s->kind != DESIGN_LIST) /* list keeps the caller's values bit for bit */
        for (int64_t i = 0; i < n; i++)
            for (int j = 0; j < k; j++) {
                double u = out->u[i * k + j];
                double x = (1.0 - u) * s->min[j] + u * s->max[j];
                out->x[i * k + j] = x < s->min[j] ? s->min[j] : x > s->max[j] ? s->max[j] : x; /* rounding */
            }
    return AD_OK;
fail:
    design_free(out);
    return rc;
}

void design_free(design *d)
{
    if (!d) return;
    free(d->x);
    free(d->u);
    free(d->block);
    free(d->row);
    free(d->traj);
    free(d->step);
    free(d->factor);
    free(d->delta);
    memset(d, 0, sizeof *d);
}

uint64_t design_run_seed(uint64_t sweep_seed, uint64_t point, uint32_t replication)
{
    rng4 r = rng_draw(sweep_seed, point, replication, DESIGN_PURPOSE_RUN_SEED);
    return ((uint64_t)r.v[1] << 32) | r.v[0];
}
