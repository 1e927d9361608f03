"""The design stored in a sweep file is enough to compute Morris elementary
effects and Sobol indices from the file alone: design_u/design_x over
(design_point, parameter), the Saltelli blocks (AB_i is A with column i from
B) and the Morris steps (each step moves one parameter by +-Delta), and every
run's swept values are its design point's design_x."""
import h5py
import numpy as np
import pytest

from engine_support import run, small_scenario

PARAMS = """
  parameters = (
    { key = "satisfaction.theta"; min = 0.0; max = 2.0; },
    { key = "brands.[1].automation.start"; min = 0.1; max = 0.6; },
    { key = "population.customers"; min = 1500; max = 2500; }
  );
"""


def sweep_file(d, design):
    cfg = small_scenario(d, name=design.split(";")[0].strip('"'), weeks=4, warmup=4, customers=2000,
                         extra="sweep = { design = " + design + "; replications = 2;" + PARAMS + "};")
    out = d / "s.h5"
    run("sweep", cfg, "-o", out, "--jobs", 2, "--quiet", check=True)
    return out


def common(f, k):
    u, x = f["design_u"][...], f["design_x"][...]
    assert u.shape == x.shape == (f.attrs["sweep_points"], k)
    assert [s.decode() if isinstance(s, bytes) else s for s in f["parameter"][...]] == \
        [s.decode() if isinstance(s, bytes) else s for s in f.attrs["sweep_keys"]]
    lo, hi = f.attrs["sweep_min"], f.attrs["sweep_max"]
    assert np.all((u >= 0) & (u <= 1))
    # x is u mapped to the range, the integer parameter rounded as applied
    assert np.allclose(x[:, :2], lo[:2] + u[:, :2] * (hi[:2] - lo[:2]))
    assert np.array_equal(x[:, 2], np.floor(lo[2] + u[:, 2] * (hi[2] - lo[2]) + 0.5))
    point = f["point"][...]
    assert np.array_equal(f["satisfaction_theta"][...], x[point, 0])
    assert np.array_equal(f["population_customers"][...], x[point, 2])
    return u


def test_saltelli_blocks(tmp_path):
    with h5py.File(sweep_file(tmp_path, '"saltelli"; n = 4'), "r") as f:
        k, n = 3, int(f.attrs["saltelli_n"])
        assert n == 4 and f.attrs["sweep_points"] == n * (k + 2)
        u = common(f, k)
        block, row = f["saltelli_block"][...], f["saltelli_row"][...]
        A = u[block == 0][np.argsort(row[block == 0])]
        B = u[block == 1][np.argsort(row[block == 1])]
        assert not np.allclose(A, B)
        for i in range(k):
            sel = block == 2 + i
            AB = u[sel][np.argsort(row[sel])]
            expect = A.copy()
            expect[:, i] = B[:, i]
            assert np.array_equal(AB, expect)
        assert f["saltelli_block"].dims[0][0].name == "/design_point"
        assert [d[0].name for d in f["design_u"].dims] == ["/design_point", "/parameter"]


def test_morris_steps(tmp_path):
    with h5py.File(sweep_file(tmp_path, '"morris"; trajectories = 3; levels = 4'), "r") as f:
        k, r = 3, int(f.attrs["morris_trajectories"])
        assert r == 3 and f.attrs["morris_levels"] == 4 and f.attrs["sweep_points"] == r * (k + 1)
        u = common(f, k)
        traj, step = f["morris_trajectory"][...], f["morris_step"][...]
        fac, delta = f["morris_factor"][...], f["morris_delta"][...]
        big = 4 / (2 * 3)
        for t in range(r):
            idx = np.where(traj == t)[0][np.argsort(step[traj == t])]
            assert list(step[idx]) == list(range(k + 1)) and fac[idx[0]] == -1 and delta[idx[0]] == 0
            assert sorted(fac[idx[1:]]) == list(range(k))   # each parameter moves once
            for a, b in zip(idx[:-1], idx[1:]):
                change = u[b] - u[a]
                moved = np.nonzero(np.abs(change) > 1e-12)[0]
                assert list(moved) == [fac[b]]
                assert change[fac[b]] == pytest.approx(delta[b]) and abs(delta[b]) == pytest.approx(big)


def test_other_designs_have_no_block_variables(tmp_path):
    with h5py.File(sweep_file(tmp_path, '"lhs"; n = 5'), "r") as f:
        common(f, 3)
        assert not any(name.startswith(("saltelli_", "morris_")) for name in f)
