"""Sweeps that branch from a shared warm-up (sweep.branch_from_warmup;
docs/scenario-files.md): the runs of one market start from one warm-up, and
the sweep's numbers are those of the same sweep run without branching and
of each run made alone with --sweep-point."""
import h5py
import numpy as np
import pytest

from engine_support import run, small_scenario

SWEEP = """
sweep = {{
  design = "grid"; replications = 2; branch_from_warmup = {branch};
  parameters = (
    {{ key = "brands.[0].automation.target"; min = 0.2; max = 0.8; levels = 3; }},
    {{ key = "brands.Budget.automation.ramp_weeks"; min = 0; max = 20; levels = 2; }},
    {{ key = "satisfaction.theta"; min = 0.5; max = 1.0; levels = 2; }}
  );
}};
"""


def datasets(path):
    with h5py.File(path, "r") as f:
        return {k: f[k][()] for k in f if isinstance(f[k], h5py.Dataset)}


def test_a_branched_sweep_equals_the_sweep_without_branching(tmp_path):
    cfg = small_scenario(tmp_path, weeks=30, warmup=60, customers=3000, extra=SWEEP.format(branch="true"))
    a, b = tmp_path / "branched.h5", tmp_path / "plain.h5"
    r = run("sweep", cfg, "-o", a, "--jobs", "2", check=True)
    # 2 thetas x 2 replications: 4 markets, each warmed once, for 24 runs
    assert "20 of the 24 runs done here started from a warm-up another run made" in r.stdout, r.stdout
    r = run("sweep", cfg, "-o", b, "--jobs", "2", "--no-branching", check=True)
    assert "started from a warm-up" not in r.stdout
    x, y = datasets(a), datasets(b)
    assert x.keys() == y.keys()
    for k in x:
        if k == "wall_time":
            continue
        if x[k].dtype == object:
            assert x[k].tolist() == y[k].tolist(), k
        else:
            assert x[k].tobytes() == y[k].tobytes(), k


def test_each_run_of_a_branched_sweep_is_the_run_made_alone(tmp_path):
    cfg = small_scenario(tmp_path, weeks=30, warmup=60, customers=3000, extra=SWEEP.format(branch="true"))
    out = tmp_path / "s.h5"
    run("sweep", cfg, "-o", out, "--quiet", check=True)
    with h5py.File(out, "r") as f:
        share = f["market_share"][()]
        seeds = f["seed"][()]
        theta = f["satisfaction_theta"][()]
        rep = f["replication"][()]
    for k in (0, 7, 13, 22):
        alone = tmp_path / f"run{k}.h5"
        run("run", cfg, "--sweep-point", str(k), "-o", alone, "--quiet", check=True)
        with h5py.File(alone, "r") as f:
            assert f["market_share"][()].tobytes() == share[k].tobytes()
            assert int(f.attrs["seed"]) == seeds[k]
    # one seed per market and replication: the policies share it, theta does not
    for i in range(len(seeds)):
        for j in range(len(seeds)):
            same_market = theta[i] == theta[j] and rep[i] == rep[j]
            assert (seeds[i] == seeds[j]) == same_market, (i, j)


def test_without_branching_every_point_has_its_own_seed(tmp_path):
    cfg = small_scenario(tmp_path, weeks=10, warmup=20, customers=1000, extra=SWEEP.format(branch="false"))
    out = tmp_path / "s.h5"
    run("sweep", cfg, "-o", out, "--quiet", check=True)
    with h5py.File(out, "r") as f:
        assert len(set(f["seed"][()].tolist())) == 24


@pytest.mark.parametrize("key,a,b", [
    ("brands.[0].automation.target", "0.2", "0.9"),
    ("brands.[1].automation.ramp_start", "0", "15"),
    ("brands.[2].automation.ramp_weeks", "0", "30"),
    ("market.exit_share", "0", "0.05"),
    ("scenario.weeks", "10", "40"),
    ("output.snapshot_every", "0", "5"),
])
def test_keys_that_act_from_week_0_leave_the_warm_up_alone(tmp_path, key, a, b):
    """The keys a branched sweep may vary among the runs of one market: the
    state at the end of the warm-up is the same for either value."""
    cfg = small_scenario(tmp_path, weeks=40, warmup=60, customers=2000)
    states = []
    for v in (a, b):
        st = tmp_path / f"s{v}.h5"
        run("run", cfg, "-o", tmp_path / f"o{v}.h5", "--quiet", "--set", f"{key}={v}", "--save-state", st, check=True)
        with h5py.File(st, "r") as f:
            vals = {}
            f.visititems(lambda n, o: vals.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) and n != "config"
                         else None)
            states.append(vals)
    assert states[0].keys() == states[1].keys()
    for n in states[0]:
        assert states[0][n].tobytes() == states[1][n].tobytes(), n


def test_a_key_that_acts_in_the_warm_up_changes_it(tmp_path):
    """The control of the test above: satisfaction.theta acts in the warm-up."""
    cfg = small_scenario(tmp_path, weeks=40, warmup=60, customers=2000)
    loyalty = []
    for v in ("0.5", "1.0"):
        st = tmp_path / f"s{v}.h5"
        run("run", cfg, "-o", tmp_path / f"o{v}.h5", "--quiet", "--set", f"satisfaction.theta={v}",
            "--save-state", st, check=True)
        with h5py.File(st, "r") as f:
            loyalty.append(f["customers/loyalty"][()])
    assert not np.array_equal(loyalty[0], loyalty[1])


def test_check_says_which_runs_share_a_warm_up(tmp_path):
    cfg = small_scenario(tmp_path, weeks=10, warmup=20, customers=1000, extra=SWEEP.format(branch="true"))
    r = run("check", cfg, check=True)
    assert "branch_from_warmup" in r.stdout and "share one warm-up" in r.stdout, r.stdout
    bad = small_scenario(tmp_path, name="bad", extra=SWEEP.format(branch="1"))
    r = run("check", bad)
    assert r.returncode == 2 and "sweep.branch_from_warmup" in r.stderr, r.stderr
