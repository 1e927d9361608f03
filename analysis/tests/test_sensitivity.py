"""Sensitivity estimators on functions whose indices are known.

Samples are laid out as sim/design.h makes them: Saltelli A and B from the
two halves of a 2k-dimensional Sobol sequence (GSL's starts at (0.5, ...),
which is scipy's unscrambled sequence without its first point), AB_i = A
with column i from B, in block order A, B, AB_1..AB_k; Morris trajectories
on a p-level grid, each step moving one factor by +-p/(2(p-1)). The truths:

* Ishigami (a = 7, b = 0.1) on [-pi, pi]^3: analytic S1 and ST;
* linear y = sum c_i x_i, x_i uniform on [lo_i, hi_i]: S_i = ST_i =
  c_i^2 w_i^2 / sum_j c_j^2 w_j^2 (w = hi - lo) and, exactly, Morris
  mu* = |c_i| w_i with sigma = 0;
* Sobol g-function: V_i = 1 / (3 (1 + a_i)^2), S_i = V_i / V,
  ST_i = V_i prod_{j != i} (1 + V_j) / V, V = prod (1 + V_j) - 1.
"""
import numpy as np
import pytest
from scipy.stats import qmc

from aandacht import sensitivity as sa


# ---- designs as sim/design.c makes them -----------------------------------------

def saltelli_design(k, n):
    """(n (k+2), k) unit-cube points with their block and row, design.c's layout."""
    sob = qmc.Sobol(d=2 * k, scramble=False)
    sob.fast_forward(1)                      # GSL's first point is scipy's second
    q = sob.random(n)
    a, b = q[:, :k], q[:, k:]
    blocks = [a, b]
    for i in range(k):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    u = np.concatenate(blocks)
    block = np.repeat(np.arange(k + 2), n)
    row = np.tile(np.arange(n), k + 2)
    return u, block, row


def morris_design(k, r, p=4, seed=1):
    """(r (k+1), k) unit-cube points with trajectory, step, factor, delta."""
    rng = np.random.default_rng(seed)
    half = p // 2
    u, traj, step, factor, delta = [], [], [], [], []
    for t in range(r):
        direction = rng.choice([-1, 1], size=k)
        base = rng.integers(0, half, size=k)
        level = np.where(direction > 0, base, base + half)
        order = rng.permutation(k)
        for s in range(k + 1):
            f = order[s - 1] if s else -1
            if f >= 0:
                level[f] += direction[f] * half
            u.append(level / (p - 1))
            traj.append(t)
            step.append(s)
            factor.append(f)
            delta.append(direction[f] * half / (p - 1) if f >= 0 else 0.0)
    return np.array(u), np.array(traj), np.array(step), np.array(factor), np.array(delta)


def scale(u, lo, hi):
    return (1 - u) * np.asarray(lo) + u * np.asarray(hi)


# ---- the functions and their truths ---------------------------------------------

A_ISH, B_ISH = 7.0, 0.1


def ishigami(x):
    return np.sin(x[:, 0]) + A_ISH * np.sin(x[:, 1]) ** 2 + B_ISH * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_truth():
    a, b, pi = A_ISH, B_ISH, np.pi
    v1 = 0.5 * (1 + b * pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def g_function(u, a):
    return np.prod((np.abs(4 * u - 2) + a) / (1 + a), axis=1)


def g_truth(a):
    vi = 1 / (3 * (1 + np.asarray(a)) ** 2)
    v = np.prod(1 + vi) - 1
    st = np.array([vi[i] * np.prod(np.delete(1 + vi, i)) for i in range(len(vi))]) / v
    return vi / v, st


def sobol_of(f, k, n, **kw):
    u, block, row = saltelli_design(k, n)
    y = f(u)
    fa, fb = y[block == 0], y[block == 1]
    fab = np.stack([y[block == 2 + i] for i in range(k)], axis=1)
    return sa.sobol_indices(fa, fb, fab, **kw)


def assert_covered(ci, truth, what):
    lo, hi = ci[:, 0], ci[:, 1]
    assert np.all((lo <= truth) & (truth <= hi)), f"{what}: truth {truth} outside {ci.tolist()}"


# ---- Sobol ----------------------------------------------------------------------

def test_ishigami():
    res = sobol_of(lambda u: ishigami(scale(u, -np.pi, np.pi)), 3, 4096, seed=3)
    s1, st = ishigami_truth()
    np.testing.assert_allclose(res.S1, s1, atol=0.03)
    np.testing.assert_allclose(res.ST, st, atol=0.03)
    assert_covered(res.S1_ci, s1, "Ishigami S1")
    assert_covered(res.ST_ci, st, "Ishigami ST")
    # the intervals are informative, not the whole unit interval
    assert np.all(res.S1_ci[:, 1] - res.S1_ci[:, 0] < 0.15)
    assert res.n_base == 4096 and res.resamples == 1000 and res.level == 0.95


def test_linear_model():
    c, lo, hi = np.array([1.0, -2.0, 0.5, 0.0]), np.array([0, 1, -1, 0.0]), np.array([1, 2, 3, 5.0])
    res = sobol_of(lambda u: scale(u, lo, hi) @ c, 4, 1024, seed=5)
    share = (c * (hi - lo)) ** 2 / np.sum((c * (hi - lo)) ** 2)
    np.testing.assert_allclose(res.S1, share, atol=0.02)
    np.testing.assert_allclose(res.ST, share, atol=0.02)
    assert res.ST[3] == 0.0 and res.S1[3] == 0.0            # an unused parameter: exactly nothing
    assert_covered(res.S1_ci, share, "linear S1")
    assert_covered(res.ST_ci, share, "linear ST")


def test_g_function():
    a = np.array([0.0, 1.0, 4.5, 9.0, 99.0])
    res = sobol_of(lambda u: g_function(u, a), len(a), 4096, seed=7)
    s1, st = g_truth(a)
    np.testing.assert_allclose(res.S1, s1, atol=0.03)
    np.testing.assert_allclose(res.ST, st, atol=0.03)
    assert_covered(res.S1_ci, s1, "g S1")
    assert_covered(res.ST_ci, st, "g ST")
    assert list(np.argsort(-res.ST)) == [0, 1, 2, 3, 4]      # importance falls with a_i


def test_bootstrap_intervals_cover_at_their_level():
    """Plain Monte Carlo samples (where the bootstrap's premise holds): over
    200 independent samples of the g-function the 90 % intervals hold the
    truth about 90 % of the time, and the seed makes them reproducible."""
    a = np.array([0.0, 1.0, 9.0])
    s1, st = g_truth(a)
    rng = np.random.default_rng(11)
    hits, n, trials = np.zeros(2), 512, 200
    for t in range(trials):
        ua, ub = rng.random((n, 3)), rng.random((n, 3))
        fab = np.stack([g_function(np.where(np.arange(3) == i, ub, ua), a) for i in range(3)], axis=1)
        res = sa.sobol_indices(g_function(ua, a), g_function(ub, a), fab, resamples=300, level=0.9,
                               seed=t)
        hits += [np.mean((res.S1_ci[:, 0] <= s1) & (s1 <= res.S1_ci[:, 1])),
                 np.mean((res.ST_ci[:, 0] <= st) & (st <= res.ST_ci[:, 1]))]
    coverage = hits / trials
    assert np.all((coverage > 0.83) & (coverage < 0.97)), coverage
    again = sa.sobol_indices(g_function(ua, a), g_function(ub, a), fab, resamples=300, level=0.9, seed=t)
    np.testing.assert_array_equal(again.S1_ci, res.S1_ci)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="N, k"):
        sa.sobol_indices(np.zeros(4), np.zeros(4), np.zeros(4))
    with pytest.raises(ValueError, match="NaN"):
        sa.sobol_indices(np.array([1.0, np.nan]), np.ones(2), np.ones((2, 1)))
    with pytest.raises(ValueError, match="level"):
        sa.sobol_indices(np.arange(3.0), np.arange(3.0), np.ones((3, 1)), level=95)


# ---- Morris ---------------------------------------------------------------------

def morris_of(f, k, r, p=4, seed=1, **kw):
    u, traj, step, factor, delta = morris_design(k, r, p, seed)
    y = f(u)
    shape = (r, k + 1)
    ee = sa.elementary_effects(y.reshape(shape), factor.reshape(shape), delta.reshape(shape))
    return sa.morris_measures(ee, **kw)


def test_morris_linear_is_exact():
    c, lo, hi = np.array([1.0, -2.0, 0.5, 0.0]), np.array([0, 1, -1, 0.0]), np.array([1, 2, 3, 5.0])
    res = morris_of(lambda u: scale(u, lo, hi) @ c, 4, 20)
    np.testing.assert_allclose(res.mu_star, np.abs(c) * (hi - lo), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res.mu, c * (hi - lo), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res.sigma, 0.0, atol=1e-12)
    np.testing.assert_allclose(res.mu_star_ci, np.repeat((np.abs(c) * (hi - lo))[:, None], 2, 1), atol=1e-12)
    assert res.trajectories == 20 and res.dropped == 0


def test_morris_nonmonotone_and_interaction():
    """y = x1^2 + x2 x3 on [-1, 1]^3 with 4 levels: every step of x1 changes y
    by 8/9 over a u-step of 2/3, so |EE_1| = 4/3 exactly while its sign
    depends on where the step is (mu near 0, sigma > 0); x2 and x3 interact
    (sigma > 0)."""
    def f(u):
        x = scale(u, -1, 1)
        return x[:, 0] ** 2 + x[:, 1] * x[:, 2]
    res = morris_of(f, 3, 60, seed=4)
    assert res.mu_star[0] == pytest.approx(4 / 3, abs=1e-12)
    assert abs(res.mu[0]) < res.mu_star_ci[0, 0] and res.mu_ci[0, 0] < 0 < res.mu_ci[0, 1]
    assert np.all(res.sigma > 0.5)
    # Ishigami on the 4-level grid: x2 sits at -pi, -pi/3, pi/3 or pi, and every
    # step (-pi <-> pi/3, -pi/3 <-> pi) changes 7 sin^2(x2) by 7 * 3/4 over a
    # u-step of 2/3, so |EE_2| = 63/8 exactly; x3 acts only with x1 (sigma > 0)
    ish = morris_of(lambda u: ishigami(scale(u, -np.pi, np.pi)), 3, 50, seed=2)
    assert ish.mu_star[1] == pytest.approx(63 / 8, abs=1e-12)
    assert ish.sigma[2] > 1 and ish.mu_star_ci[2, 0] > 1


def test_morris_rejects_a_broken_trajectory():
    y = np.zeros((2, 3))
    factor = np.array([[-1, 0, 0], [-1, 1, 0]])
    with pytest.raises(ValueError, match="exactly once"):
        sa.elementary_effects(y, factor, np.full((2, 3), 0.5))


# ---- from sweep data (as read from a file) -----------------------------------------

def sweep_data(design, k, n_or_r, f, reps=2, noise=0.0, seed=0):
    """A fake sweep file's contents: design variables, runs, one observable."""
    names = [f"p{j}" for j in range(k)]
    d = dict(sweep_design=design.encode(), parameter=np.array(names, dtype=object), brand=["A", "B"])
    if design == "saltelli":
        u, block, row = saltelli_design(k, n_or_r)
        d.update(saltelli_block=block, saltelli_row=row, saltelli_n=n_or_r)
    else:
        u, traj, step, factor, delta = morris_design(k, n_or_r, 4, seed)
        d.update(morris_trajectory=traj, morris_step=step, morris_factor=factor, morris_delta=delta)
    P = len(u)
    d["design_u"] = u
    point = np.repeat(np.arange(P), reps)
    rng = np.random.default_rng(seed)
    y = f(u)[point] + noise * rng.standard_normal(P * reps)
    weeks = 10
    share = np.empty((P * reps, weeks, 2))
    share[:, :, 0] = y[:, None]
    share[:, :, 1] = 1 - y[:, None]
    d.update(point=point, replication=np.tile(np.arange(reps), P), status=np.ones(P * reps, np.int8),
             market_share=share, hhi=share[:, :, 0])
    return d


def test_sweep_saltelli_means_replications_and_drops_failed_rows():
    k, n = 3, 256
    c = np.array([0.3, 0.1, 0.0])
    data = sweep_data("saltelli", k, n, lambda u: 0.2 + u @ c, reps=3, noise=0.01)
    reduce = sa.mean_over_last_weeks("market_share", 4, brand="A")
    clean = sa.sweep_sensitivity(data, reduce, resamples=200)
    share = c ** 2 / np.sum(c ** 2)
    np.testing.assert_allclose(clean.ST, share, atol=0.05)
    assert clean.parameters == ("p0", "p1", "p2") and clean.dropped == 0 and clean.failed_runs == 0
    assert 0 < clean.noise_share < 0.05 and "market_share of A" in clean.output
    # run 5 (point 1 = row 1 of A, replication 2) fails, and replication 2 of row 7 of the AB block of p2
    status = data["status"].copy()
    status[5] = -1
    p = 4 * n + 7
    status[3 * p + 2] = 0
    data["status"] = status
    spoilt = sa.sweep_sensitivity(data, reduce, resamples=200)
    assert spoilt.dropped == 2 and spoilt.failed_runs == 2 and spoilt.n_base == n - 2
    pooled = sa.sweep_sensitivity(data, reduce, resamples=200, replications="pool")
    assert pooled.n_base == 3 * n - 2 and pooled.replications == "pool"
    one = sa.sweep_sensitivity(data, reduce, resamples=200, replications=0)   # both failures are in 2
    assert one.n_base == n and one.dropped == 0 and one.replications == "replication 0"


def test_replication_noise_is_taken_out():
    """y = 0.2 + 0.3 u0 + 0.1 u1 (u2 unused) plus run noise as large as a
    quarter of the variance left in 4-replication means: the raw Jansen
    total index gives the unused parameter about that quarter; with the
    noise estimated from the replications and taken out, the intervals hold
    the truth. Morris on pure noise sits at the noise floor it reports."""
    c = np.array([0.3, 0.1, 0.0])
    data = sweep_data("saltelli", 3, 512, lambda u: 0.2 + u @ c, reps=4, noise=0.1, seed=3)
    reduce = sa.final_value("hhi")
    share = c ** 2 / np.sum(c ** 2)
    raw = sa.sweep_sensitivity(data, reduce, resamples=300, denoise=False)
    clean = sa.sweep_sensitivity(data, reduce, resamples=300)
    assert clean.denoised and not raw.denoised and 0.15 < clean.noise_share < 0.35
    assert raw.ST_ci[2, 0] > 0.1                        # noise passes for an effect
    assert_covered(clean.ST_ci, share, "denoised ST")
    assert_covered(clean.S1_ci, share, "denoised S1")
    np.testing.assert_allclose(clean.ST, share, atol=0.06)
    pooled = sa.sweep_sensitivity(data, reduce, resamples=100, replications="pool")
    assert not pooled.denoised
    noise_only = sweep_data("morris", 3, 60, lambda u: np.zeros(len(u)), reps=3, noise=0.1, seed=4)
    m = sa.sweep_sensitivity(noise_only, reduce, resamples=100)
    assert np.all(np.abs(m.mu_star / m.noise_mu_star - 1) < 0.3), (m.mu_star, m.noise_mu_star)
    assert np.all(np.abs(m.sigma / m.noise_sigma - 1) < 0.3), (m.sigma, m.noise_sigma)


def test_sweep_morris_drops_failed_trajectories():
    c = np.array([2.0, -1.0])
    data = sweep_data("morris", 2, 10, lambda u: u @ c, reps=2)
    res = sa.sweep_sensitivity(data, sa.final_value("hhi"), resamples=100)
    np.testing.assert_allclose(res.mu_star, np.abs(c), atol=1e-12)
    data["status"][2 * 4 + 1] = -1                  # point 4 = trajectory 1, step 1
    res = sa.sweep_sensitivity(data, sa.final_value("hhi"), resamples=100, replications="pool")
    assert res.dropped == 1 and res.trajectories == 19 and res.failed_runs == 1


def test_sweep_errors_are_clear():
    data = sweep_data("morris", 2, 4, lambda u: u.sum(1))
    grid = dict(data, sweep_design=b"grid")
    with pytest.raises(ValueError, match="grid sweep has no sensitivity"):
        sa.sweep_sensitivity(grid, sa.final_value("hhi"))
    old = {key: v for key, v in data.items() if key != "morris_delta"}
    with pytest.raises(KeyError, match="morris_delta"):
        sa.sweep_sensitivity(old, sa.final_value("hhi"))
    with pytest.raises(KeyError, match="no brand 'Z'"):
        sa.sweep_sensitivity(data, sa.final_value("market_share", brand="Z"))
    with pytest.raises(ValueError, match="name the brand"):
        sa.sweep_sensitivity(data, sa.final_value("market_share"))
    with pytest.raises(ValueError, match="replications 0 to 1"):
        sa.sweep_sensitivity(data, sa.final_value("hhi"), replications=5)


# ---- on sweep files made by the engine --------------------------------------------

@pytest.mark.parametrize("design", ["saltelli", "morris"])
def test_engine_sweep_gives_finite_indices(sweep_file, design):
    from aandacht import io
    d = io.read(sweep_file(design))
    k = len(d["swept"])
    reduce = sa.mean_over_last_weeks("market_share", 10, brand="Budget")
    res = sa.sweep_sensitivity(d, reduce, resamples=200)
    assert res.parameters == tuple(s["key"] for s in d["swept"]) and res.dropped == 0
    assert res.output == "market_share of Budget, mean of the last 10 weeks"
    if design == "saltelli":
        assert res.n_base == d["attrs"]["saltelli_n"] == 8
        arrays = [res.S1, res.ST, res.S1_ci, res.ST_ci]
    else:
        assert res.trajectories == d["attrs"]["morris_trajectories"] == 6
        arrays = [res.mu, res.mu_star, res.sigma, res.mu_star_ci, res.sigma_ci]
        assert res.mu_star[0] > 0
    for a in arrays:
        assert a.shape[0] == k and np.all(np.isfinite(a))
    assert np.isfinite(res.noise_share) and res.noise_share > 0
    assert len(res.table()) == k
    # a failed run spoils its base row or trajectory, and only that
    d["runs"]["status"] = d["runs"]["status"].copy()
    d["runs"]["status"][0] = -1
    spoilt = sa.sweep_sensitivity(d, reduce, resamples=200)
    assert spoilt.dropped == 1 and spoilt.failed_runs == 1
