"""Sensitivity indices of a sweep: Morris elementary effects and Sobol indices.

Pure functions on numpy arrays (numpy only); nothing here reads files. The
sweep file stores its design (docs/output.md, "Sweep files"): every design
point's unit-cube coordinates ``design_u``, and for the two screening designs
of sim/design.h where each point sits:

* saltelli: ``saltelli_block`` (0 = A, 1 = B, 2 + i = AB_i, A with column i
  taken from B) and ``saltelli_row`` (row within the block, 0 .. N-1);
* morris: ``morris_trajectory``, ``morris_step`` (0 .. k), ``morris_factor``
  (parameter moved from the step before, -1 at step 0) and ``morris_delta``
  (the signed change of that parameter's u, +-p/(2(p-1))).

Estimators
----------
Sobol (variance-based), from f_A, f_B and f_ABi over the N base rows, with
V the variance of f_A and f_B pooled (2N values):

* first order, Saltelli et al. (2010), Table 2 (b):
  S_i = mean(f_B (f_ABi - f_A)) / V
* total, Jansen (1999), as in Saltelli et al. (2010), Table 2 (f):
  ST_i = mean((f_A - f_ABi)^2) / (2 V)

f_B in the first-order estimator is centred by the mean of f_A and f_B
pooled. The expected numerator does not change (mean(f_ABi - f_A) estimates
0), but its variance does: an output whose mean is large against its
spread (a market share near 0.4 that moves by 0.02) otherwise gives
first-order indices of +-5 from 8 base rows. Both indices can stray outside
[0, 1] when N is small; they are not clipped, and the intervals show it.

Morris: the elementary effect of a step that moves parameter j is
EE = (y_after - y_before) / delta_u, with delta_u the change of j's
unit-cube coordinate. Because u runs from 0 at the parameter's min to 1 at its
max, EE is in output units *per full range of the parameter*: the change in
the output if the parameter went from min to max at that slope. For
y = sum c_j x_j, EE_j = c_j (max_j - min_j). Over the r trajectories:
mu = mean EE, mu* = mean |EE| (Campolongo et al. 2007), sigma = standard
deviation of EE (ddof = 1).

Intervals: percentile bootstrap, resampling whole base rows (Sobol) or whole
trajectories (Morris) with replacement, seeded (numpy's PCG64 from ``seed``),
by default 1000 resamples and a 95 % level. The sample's quasi-random balance
is lost in a resample, so for Saltelli samples from a Sobol sequence the
intervals are on the wide (safe) side.

Replications and failed runs
----------------------------
By default (``replications="mean"``) the output is averaged over the
replications of each design point before any index is computed: the indices
describe the mean response. The means still carry replication noise (the
variance of a mean of R runs, s^2 / R, with s^2 the point's sample variance
over its replications), and noise inflates the estimators: the pooled
variance by the mean noise, every Jansen numerator by the noise of its two
points. With two or more replications that noise is estimated point by point
and taken out (``denoise=True``, the default):

  V    = var(f_A, f_B) - mean(n_A, n_B)
  ST_i = mean((f_A - f_ABi)^2 - n_A - n_ABi) / (2 V)
  S_i  = mean(f_B (f_ABi - f_A)) / V           (noise-free numerator already)

n being each point's noise variance; ``noise_share`` reports mean noise over
the pooled variance. Morris effects cannot be corrected the same way (mu* is
an absolute value), so MorrisEffects reports the noise floor instead: the mu*
and sigma that replication noise alone would give (``noise_mu_star``,
``noise_sigma``); effects near it are not told apart from noise.
``replications="pool"`` treats each replication as its own copy of the design
(base row or trajectory = (row, replication)), so run-to-run noise counts as
variance nobody explains; an integer uses that replication alone.

A run with status != 1, or whose output is not a finite number, spoils its
design point (in "mean" mode: the point's mean). Every base row or trajectory
that holds a spoilt point is dropped whole; the result reports how many were
dropped and how many runs failed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

DEFAULT_RESAMPLES = 1000
DEFAULT_LEVEL = 0.95
_CHUNK = 2_000_000  # resamples x rows evaluated at once in a bootstrap


@dataclass(frozen=True)
class SobolIndices:
    """First-order and total Sobol indices with bootstrap intervals."""
    parameters: tuple
    S1: np.ndarray            # (k,) first-order index per parameter
    S1_ci: np.ndarray         # (k, 2) low and high end of its interval
    ST: np.ndarray            # (k,) total index
    ST_ci: np.ndarray         # (k, 2)
    n_base: int               # base rows used
    dropped: int              # base rows dropped (spoilt by failed runs)
    variance: float           # V, the output variance the indices divide
    level: float
    resamples: int
    output: str = ""          # what was analysed, for captions
    replications: str = "mean"
    failed_runs: int = 0
    noise_share: float = float("nan")  # replication noise in the point means / their variance
    denoised: bool = False    # noise taken out of V and the total-index numerators

    def table(self) -> list:
        """One dict per parameter (for CSV files and HTML tables)."""
        return [dict(parameter=p, S1=self.S1[j], S1_low=self.S1_ci[j, 0], S1_high=self.S1_ci[j, 1],
                     ST=self.ST[j], ST_low=self.ST_ci[j, 0], ST_high=self.ST_ci[j, 1])
                for j, p in enumerate(self.parameters)]


@dataclass(frozen=True)
class MorrisEffects:
    """Morris screening measures with bootstrap intervals; see the module doc for units."""
    parameters: tuple
    mu: np.ndarray            # (k,) mean elementary effect
    mu_star: np.ndarray       # (k,) mean absolute elementary effect
    sigma: np.ndarray         # (k,) standard deviation of the elementary effects
    mu_ci: np.ndarray         # (k, 2)
    mu_star_ci: np.ndarray    # (k, 2)
    sigma_ci: np.ndarray      # (k, 2)
    effects: np.ndarray       # (r, k) the elementary effects used
    dropped: int              # trajectories dropped
    level: float
    resamples: int
    output: str = ""
    replications: str = "mean"
    failed_runs: int = 0
    noise_share: float = float("nan")  # replication noise in the point means / their variance
    noise_mu_star: float = float("nan")  # mu* that replication noise alone would give
    noise_sigma: float = float("nan")    # sigma that replication noise alone would give

    @property
    def trajectories(self) -> int:
        return self.effects.shape[0]

    def table(self) -> list:
        return [dict(parameter=p, mu=self.mu[j], mu_low=self.mu_ci[j, 0], mu_high=self.mu_ci[j, 1],
                     mu_star=self.mu_star[j], mu_star_low=self.mu_star_ci[j, 0],
                     mu_star_high=self.mu_star_ci[j, 1], sigma=self.sigma[j],
                     sigma_low=self.sigma_ci[j, 0], sigma_high=self.sigma_ci[j, 1])
                for j, p in enumerate(self.parameters)]


# ---- estimators on arrays ----------------------------------------------------

def _sobol_point(fa, fb, fab, noise=None):
    """S1, ST of (..., N) base outputs and (..., N, k) AB outputs; leading axes
    are batches. noise: (n_A, n_B, n_AB) noise variances shaped alike, or None."""
    both = np.concatenate([fa, fb], axis=-1)
    v = np.var(both, axis=-1)
    sq = (fa[..., None] - fab) ** 2
    if noise is not None:
        na, nb, nab = noise
        v = v - np.mean(np.concatenate([na, nb], axis=-1), axis=-1)
        sq = sq - na[..., None] - nab
    fb = fb - np.mean(both, axis=-1, keepdims=True)      # centred: see the module doc
    with np.errstate(divide="ignore", invalid="ignore"):
        s1 = np.mean(fb[..., None] * (fab - fa[..., None]), axis=-2) / v[..., None]
        st = 0.5 * np.mean(sq, axis=-2) / v[..., None]
    return s1, st, v


def _percentile(boot, level):
    a = (1.0 - level) / 2.0
    return np.stack([np.nanquantile(boot, a, axis=0), np.nanquantile(boot, 1.0 - a, axis=0)], axis=-1)


def _check_bootstrap(resamples, level):
    if int(resamples) < 1:
        raise ValueError(f"resamples is {resamples}: it must be at least 1")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level is {level}: it must lie between 0 and 1 (0.95 for 95 %)")


def sobol_indices(fa, fb, fab, *, parameters: Sequence[str] | None = None, noise=None,
                  resamples=DEFAULT_RESAMPLES, level=DEFAULT_LEVEL, seed=0, **meta) -> SobolIndices:
    """Sobol indices from the outputs of a Saltelli sample.

    fa, fb: (N,) outputs at the rows of A and B; fab: (N, k), column i the
    outputs at AB_i. Rows must be complete (drop spoilt ones first).
    noise: None, or the noise variance of each output, (n_A, n_B, n_AB)
    shaped like (fa, fb, fab), to take out (see the module doc). meta is
    passed on to SobolIndices (output, dropped, replications, ...).
    """
    fa, fb, fab = (np.asarray(a, dtype=float) for a in (fa, fb, fab))
    if fab.ndim != 2 or fa.shape != fb.shape or fa.ndim != 1 or fab.shape[0] != fa.shape[0]:
        raise ValueError(f"Saltelli outputs: f_A {fa.shape}, f_B {fb.shape} and f_AB {fab.shape} "
                         "must be (N,), (N,) and (N, k)")
    n, k = fab.shape
    if n < 2:
        raise ValueError(f"Sobol indices need at least 2 complete base rows, got {n}")
    if not (np.all(np.isfinite(fa)) and np.all(np.isfinite(fb)) and np.all(np.isfinite(fab))):
        raise ValueError("Saltelli outputs hold NaN or infinite values: drop those base rows first")
    _check_bootstrap(resamples, level)
    names = tuple(parameters) if parameters is not None else tuple(f"x{j + 1}" for j in range(k))
    if len(names) != k:
        raise ValueError(f"{len(names)} parameter names for {k} parameters")
    if noise is not None:
        noise = tuple(np.asarray(a, dtype=float) for a in noise)
        if [a.shape for a in noise] != [fa.shape, fb.shape, fab.shape] or not all(
                np.all(np.isfinite(a) & (a >= 0)) for a in noise):
            raise ValueError("noise variances must be finite, >= 0 and shaped like f_A, f_B and f_AB")
    s1, st, v = _sobol_point(fa, fb, fab, noise)
    rng = np.random.default_rng(seed)
    b1, bt = np.empty((resamples, k)), np.empty((resamples, k))
    step = max(1, _CHUNK // (n * (k + 2)))
    for lo in range(0, resamples, step):
        idx = rng.integers(0, n, size=(min(step, resamples - lo), n))
        nz = None if noise is None else tuple(a[idx] for a in noise)
        b1[lo:lo + len(idx)], bt[lo:lo + len(idx)], _ = _sobol_point(fa[idx], fb[idx], fab[idx], nz)
    meta.setdefault("dropped", 0)
    return SobolIndices(parameters=names, S1=s1, S1_ci=_percentile(b1, level), ST=st,
                        ST_ci=_percentile(bt, level), n_base=n, variance=float(v), level=level,
                        resamples=int(resamples), denoised=noise is not None, **meta)


def elementary_effects(y, factor, delta):
    """(r, k) elementary effects from (r, k+1) trajectories.

    y: outputs along each trajectory (step 0 .. k); factor: parameter moved at
    each step (-1 at step 0); delta: its signed change of u. Each trajectory
    must move every parameter exactly once.
    """
    y, factor, delta = np.asarray(y, dtype=float), np.asarray(factor), np.asarray(delta, dtype=float)
    if y.ndim != 2 or factor.shape != y.shape or delta.shape != y.shape:
        raise ValueError(f"Morris trajectories: y {y.shape}, factor {factor.shape} and delta {delta.shape} "
                         "must all be (r, k+1)")
    r, k = y.shape[0], y.shape[1] - 1
    moved = np.sort(factor[:, 1:], axis=1)
    if k < 1 or not np.array_equal(moved, np.broadcast_to(np.arange(k), (r, k))):
        raise ValueError("each Morris trajectory must move every parameter exactly once (steps 1 .. k)")
    if np.any(delta[:, 1:] == 0):
        raise ValueError("a Morris step with delta 0: the design is not a Morris design")
    ee = np.empty((r, k))
    rows = np.repeat(np.arange(r), k)
    ee[rows, factor[:, 1:].ravel()] = (np.diff(y, axis=1) / delta[:, 1:]).ravel()
    return ee


def _morris_point(ee):
    """mu, mu*, sigma over axis -2 of (..., r, k) effects."""
    r = ee.shape[-2]
    sd = np.std(ee, axis=-2, ddof=1) if r > 1 else np.full(ee.shape[:-2] + ee.shape[-1:], np.nan)
    return np.mean(ee, axis=-2), np.mean(np.abs(ee), axis=-2), sd


def morris_measures(effects, *, parameters: Sequence[str] | None = None, resamples=DEFAULT_RESAMPLES,
                    level=DEFAULT_LEVEL, seed=0, **meta) -> MorrisEffects:
    """mu, mu*, sigma of (r, k) elementary effects, with bootstrap intervals over trajectories."""
    ee = np.asarray(effects, dtype=float)
    if ee.ndim != 2 or ee.shape[0] < 1:
        raise ValueError(f"elementary effects must be (trajectories, parameters), got {ee.shape}")
    if not np.all(np.isfinite(ee)):
        raise ValueError("elementary effects hold NaN or infinite values: drop those trajectories first")
    _check_bootstrap(resamples, level)
    r, k = ee.shape
    names = tuple(parameters) if parameters is not None else tuple(f"x{j + 1}" for j in range(k))
    if len(names) != k:
        raise ValueError(f"{len(names)} parameter names for {k} parameters")
    mu, mus, sd = _morris_point(ee)
    rng = np.random.default_rng(seed)
    boots = [np.empty((resamples, k)) for _ in range(3)]
    step = max(1, _CHUNK // (r * k))
    for lo in range(0, resamples, step):
        idx = rng.integers(0, r, size=(min(step, resamples - lo), r))
        for b, v in zip(boots, _morris_point(ee[idx])):
            b[lo:lo + len(idx)] = v
    meta.setdefault("dropped", 0)
    ci = [_percentile(b, level) if r > 1 else np.full((k, 2), np.nan) for b in boots]
    return MorrisEffects(parameters=names, mu=mu, mu_star=mus, sigma=sd, mu_ci=ci[0], mu_star_ci=ci[1],
                         sigma_ci=ci[2], effects=ee, level=level, resamples=int(resamples), **meta)


# ---- from a sweep's runs to its design points ----------------------------------

def _text(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.ndarray) and v.shape == ():
        return _text(v.item())
    return str(v)


def _parameters(data):
    keys = data["parameter"] if "parameter" in data else data["sweep_keys"]
    if isinstance(keys, (str, bytes)):
        keys = [keys]
    return tuple(_text(p) for p in np.asarray(keys, dtype=object).ravel())


def flat_sweep(d: Mapping) -> Mapping:
    """A sweep as one mapping by the file's own names.

    Takes what aandacht.io.read returns for a sweep file (root attributes,
    runs, design and observables in separate dicts) and merges it, with
    ``brand`` the brand names; a mapping that is already flat (no ``kind``
    key) is returned as it is.
    """
    if "kind" not in d:
        return d
    if d["kind"] != "sweep":
        raise ValueError(f"{d.get('path', 'the file')} is a {d['kind']} file: sensitivity needs a sweep file")
    out = dict(d["attrs"])
    for part in ("runs", "design", "market", "brand"):
        out.update(d.get(part, {}))
    out["brand"] = list(d["brands"])
    return out


def point_outputs(y, point, replication, status, n_points, replications="mean"):
    """Per-run output to a (points, m) array, NaN where a run failed or gave no number.

    Returns (values, failed_runs, table): values is (points, m), m being 1 for
    "mean" and for a single replication and the number of replications for
    "pool"; table is (points, replications), every run's output.
    """
    y = np.asarray(y, dtype=float).ravel()
    point, replication = np.asarray(point).ravel(), np.asarray(replication).ravel()
    status = np.asarray(status).ravel()
    if not (y.shape == point.shape == replication.shape == status.shape):
        raise ValueError(f"per-run arrays differ in length: output {y.shape}, point {point.shape}, "
                         f"replication {replication.shape}, status {status.shape}")
    if point.size and (point.min() < 0 or point.max() >= n_points):
        raise ValueError(f"point(run) runs from {point.min()} to {point.max()}, "
                         f"outside the design's {n_points} points")
    n_rep = int(replication.max()) + 1 if replication.size else 1
    table = np.full((n_points, n_rep), np.nan)
    ok = (status == 1) & np.isfinite(y)
    table[point[ok], replication[ok]] = y[ok]
    failed = int(np.count_nonzero(status != 1))
    if isinstance(replications, str):
        if replications == "mean":
            with np.errstate(invalid="ignore"):
                return table.mean(axis=1, keepdims=True), failed, table
        if replications == "pool":
            return table, failed, table
        raise ValueError(f'replications is "{replications}": use "mean", "pool" or a replication number')
    r = int(replications)
    if not 0 <= r < n_rep:
        raise ValueError(f"replication {r} asked for; the sweep has replications 0 to {n_rep - 1}")
    return table[:, [r]], failed, table


def _mean_noise(table):
    """(points, 1) noise variance of each point's mean over its replications
    (sample variance / R); NaN where a replication is missing or R < 2."""
    if table.shape[1] < 2:
        return np.full((table.shape[0], 1), np.nan)
    with np.errstate(invalid="ignore"):
        return (np.var(table, axis=1, ddof=1) / table.shape[1])[:, None]


def _noise_share(noise, means):
    """Mean replication noise in the point means, against the variance of those means."""
    good = np.isfinite(noise[:, 0]) & np.isfinite(means)
    if good.sum() < 2:
        return float("nan")
    v = np.var(means[good])
    return float(np.mean(noise[good, 0]) / v) if v > 0 else float("nan")


def _int_var(data, name, design):
    if name not in data:
        raise KeyError(f"the sweep data has no '{name}': a {design} sweep file written before the design "
                       "was stored cannot give indices (run the sweep again with this version)")
    return np.asarray(data[name]).ravel().astype(np.int64)


def sweep_sensitivity(data: Mapping, reduce: Callable, *, replications="mean", denoise=True,
                      resamples=DEFAULT_RESAMPLES, level=DEFAULT_LEVEL, seed=0, output: str | None = None):
    """Sobol indices (saltelli sweep) or Morris measures (morris sweep) of one output.

    data: aandacht.io.read's dict of a sweep file, or the file's variables
    and root attributes in one mapping by name (``status``, ``point``,
    ``replication``, ``design_u``, ``saltelli_block``, ..., ``sweep_design``,
    observables; see flat_sweep). reduce(flat data) gives one number per run,
    e.g. ``mean_over_last_weeks("market_share", 52, brand="Alpha")``.
    denoise: in "mean" mode with replications, take the replication noise
    out of the Sobol estimators (module doc); Morris reports its noise floor.
    """
    data = flat_sweep(data)
    design = _text(data["sweep_design"])
    if design not in ("saltelli", "morris"):
        raise ValueError(f"a {design} sweep has no sensitivity indices: they need a saltelli design "
                         "(Sobol indices) or a morris design (elementary effects)")
    names = _parameters(data)
    k = len(names)
    n_points = int(np.asarray(data["design_u"]).shape[0]) if "design_u" in data else int(data["sweep_points"])
    y = np.asarray(reduce(data), dtype=float)
    values, failed, table = point_outputs(y, data["point"], data["replication"], data["status"], n_points,
                                          replications)
    mode = replications if isinstance(replications, str) else f"replication {int(replications)}"
    noise = _mean_noise(table) if mode == "mean" else np.full((n_points, 1), np.nan)
    meta = dict(output=output if output is not None else getattr(reduce, "label", ""), replications=mode,
                failed_runs=failed, noise_share=_noise_share(noise, values[:, 0]))
    use_noise = denoise and mode == "mean" and table.shape[1] >= 2
    if design == "saltelli":
        block, row = _int_var(data, "saltelli_block", design), _int_var(data, "saltelli_row", design)
        n = int(row.max()) + 1
        if block.size != n_points or row.size != n_points or n * (k + 2) != n_points \
                or block.min() < 0 or block.max() > k + 1:
            raise ValueError(f"saltelli layout: {n_points} points, rows 0..{n - 1} and blocks "
                             f"{block.min()}..{block.max()} do not make N (k + 2) points with k = {k}")
        def blocks(v):                                              # (points, m) -> (k + 2, base rows)
            grid = np.full((k + 2, n, v.shape[1]), np.nan)
            grid[block, row] = v
            return grid.transpose(0, 2, 1).reshape(k + 2, -1)       # base rows = (replication, row)
        grid = blocks(values)
        keep = np.all(np.isfinite(grid), axis=0)
        meta["dropped"] = int(np.count_nonzero(~keep))
        if keep.sum() < 2:
            raise ValueError(f"only {int(keep.sum())} complete base rows of {keep.size} "
                             f"({failed} runs failed): too few for Sobol indices")
        g, nz = grid[:, keep], None
        if use_noise:
            ng = blocks(noise)[:, keep]
            nz = (ng[0], ng[1], ng[2:].T)
        return sobol_indices(g[0], g[1], g[2:].T, parameters=names, noise=nz, resamples=resamples, level=level,
                             seed=seed, **meta)
    traj, step = _int_var(data, "morris_trajectory", design), _int_var(data, "morris_step", design)
    factor = _int_var(data, "morris_factor", design)
    delta = np.asarray(data["morris_delta"], dtype=float).ravel()
    r = int(traj.max()) + 1
    if traj.size != n_points or r * (k + 1) != n_points or step.min() < 0 or step.max() > k:
        raise ValueError(f"morris layout: {n_points} points in {r} trajectories of k + 1 = {k + 1} steps "
                         "do not add up")
    order = np.lexsort((step, traj))                                # trajectory-major, step within
    yv = values[order].reshape(r, k + 1, -1).transpose(2, 0, 1).reshape(-1, k + 1)
    fv = np.tile(factor[order].reshape(r, k + 1), (values.shape[1], 1))
    dv = np.tile(delta[order].reshape(r, k + 1), (values.shape[1], 1))
    keep = np.all(np.isfinite(yv), axis=1)
    meta["dropped"] = int(np.count_nonzero(~keep))
    if use_noise and keep.any():
        nv = noise[order].reshape(r, k + 1)[keep]                  # "mean" mode: one copy of the design
        pair, step_u = nv[:, 1:] + nv[:, :-1], np.abs(dv[keep][:, 1:])
        meta["noise_mu_star"] = float(np.mean(np.sqrt(2 * pair / np.pi) / step_u))
        meta["noise_sigma"] = float(np.sqrt(np.mean(pair / step_u ** 2)))
    if not keep.any():
        raise ValueError(f"no complete Morris trajectory of {keep.size} ({failed} runs failed)")
    ee = elementary_effects(yv[keep], fv[keep], dv[keep])
    return morris_measures(ee, parameters=names, resamples=resamples, level=level, seed=seed, **meta)


# ---- output reductions: one number per run ---------------------------------------

def _brand_index(data, brand):
    if brand is None:
        return None
    if isinstance(brand, (int, np.integer)):
        return int(brand)
    names = [_text(b) for b in np.asarray(data["brand"]).ravel()]
    if brand not in names:
        raise KeyError(f"no brand '{brand}' in the sweep (brands: {', '.join(names)})")
    return names.index(brand)


def _series(data, name, brand):
    data = flat_sweep(data)
    if name not in data:
        raise KeyError(f"the sweep has no observable '{name}'")
    v = np.asarray(data[name], dtype=float)
    b = _brand_index(data, brand)
    if b is not None:
        if v.ndim != 3:
            raise ValueError(f"'{name}' is a market observable: it has no brand to pick")
        v = v[:, :, b]
    elif v.ndim != 2:
        raise ValueError(f"'{name}' is a brand observable: name the brand")
    return v


def mean_over_last_weeks(name: str, weeks: int = 52, brand=None) -> Callable:
    """Reduction: each run's mean of an observable over its last `weeks` recorded weeks."""
    if weeks < 1:
        raise ValueError(f"weeks is {weeks}: it must be at least 1")

    def reduce(data):
        v = _series(data, name, brand)
        out = np.full(v.shape[0], np.nan)
        for i, row in enumerate(v):
            n = int(np.flatnonzero(np.isfinite(row))[-1]) + 1 if np.isfinite(row).any() else 0
            if n >= weeks:
                out[i] = row[n - weeks:n].mean()
        return out
    who = f" of {brand}" if brand is not None else ""
    reduce.label = f"{name}{who}, mean of the last {weeks} weeks"
    return reduce


def final_value(name: str, brand=None) -> Callable:
    """Reduction: each run's value of an observable in its last recorded week."""
    return _relabel(mean_over_last_weeks(name, 1, brand), f"{name}{'' if brand is None else ' of ' + str(brand)}"
                    ", final week")


def _relabel(fn, label):
    fn.label = label
    return fn
