"""Sweeps from the command line: `aandacht check` prints a sweep's summary,
`aandacht run FILE --sweep-point K` redoes run K byte for byte, different runs
record different values and seeds in /parameters, and a K out of range is
exit status 2 with the number of runs."""
import h5py
import numpy as np

from engine_support import SOURCE, run

SWEEP = SOURCE / "scenarios" / "sweep_workstation.cfg"
SMALL = ["--weeks", 12, "--set", "population.customers=3000", "--set", "scenario.warmup=10", "--quiet"]


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
    return out


def test_check_prints_the_sweep_summary():
    r = run("check", SWEEP, check=True)
    assert "valid" in r.stderr
    summary = r.stdout[r.stdout.index("# sweep:"):]
    assert "# sweep: lhs design over 3 parameters, sweep seed 7" in summary
    for key in ("brands.Classic.automation.target", "brands.[2].automation.target", "satisfaction.theta"):
        assert key in summary
    assert "# points: 8" in summary and "# replications: 2" in summary and "# runs: 16" in summary


def test_check_rejects_a_bad_sweep(tmp_path):
    bad = tmp_path / "bad.cfg"
    bad.write_text(SWEEP.read_text().replace("min = 0.0; max = 2.0;", "min = 0.0; max = 9.0;"))
    r = run("check", bad)
    assert r.returncode == 2
    assert "key 'sweep.parameters.[2].max'" in r.stderr and "allowed 0 to 5" in r.stderr


def test_a_sweep_point_reruns_to_the_same_bytes(tmp_path):
    a, b, c = tmp_path / "a.h5", tmp_path / "b.h5", tmp_path / "c.h5"
    run("run", SWEEP, "--sweep-point", 3, "-o", a, *SMALL, check=True)
    run("run", SWEEP, "--sweep-point", 3, "-o", b, *SMALL, check=True)
    run("run", SWEEP, "--sweep-point", 4, "-o", c, *SMALL, check=True)
    da, db = datasets(a), datasets(b)
    assert da.keys() == db.keys() and da
    for name in da:
        x, y = np.asarray(da[name]), np.asarray(db[name])
        assert x.dtype == y.dtype and x.shape == y.shape, name
        if x.dtype == object:  # strings: compare the values, not the pointers
            assert x.tolist() == y.tolist(), name
        else:
            assert x.tobytes() == y.tobytes(), name
    with h5py.File(a, "r") as fa, h5py.File(c, "r") as fc:
        pa, pc = fa["parameters"].attrs, fc["parameters"].attrs
        # runs 3 and 4 are points 1 and 2, replication 1 and 0
        assert int(pa["scenario.seed"]) != int(pc["scenario.seed"])
        assert int(pa["scenario.seed"]) != 20260301
        assert float(np.ravel(pa["satisfaction.theta"])[0]) != float(np.ravel(pc["satisfaction.theta"])[0])
        assert int(fa.attrs["seed"]) == int(pa["scenario.seed"])


def test_the_seed_depends_on_the_replication_only_through_the_seed(tmp_path):
    a, b = tmp_path / "a.h5", tmp_path / "b.h5"
    run("run", SWEEP, "--sweep-point", 6, "-o", a, *SMALL, check=True)
    run("run", SWEEP, "--sweep-point", 7, "-o", b, *SMALL, check=True)
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        pa, pb = fa["parameters"].attrs, fb["parameters"].attrs
        assert int(pa["scenario.seed"]) != int(pb["scenario.seed"])
        assert np.array_equal(pa["satisfaction.theta"], pb["satisfaction.theta"])


def test_sweep_point_out_of_range_exits_2(tmp_path):
    r = run("run", SWEEP, "--sweep-point", 16, "-o", tmp_path / "x.h5", *SMALL)
    assert r.returncode == 2
    assert "16 runs" in r.stderr
    assert not (tmp_path / "x.h5").exists()
    r = run("run", SWEEP, "--sweep-point", -1, "-o", tmp_path / "x.h5", *SMALL)
    assert r.returncode == 2


def test_sweep_point_without_a_sweep_exits_2(scenario, tmp_path):
    r = run("run", scenario(), "--sweep-point", 0, "-o", tmp_path / "x.h5")
    assert r.returncode == 2 and "no sweep" in r.stderr


def test_default_output_name_is_numbered(tmp_path):
    cfg = tmp_path / "s.cfg"
    cfg.write_text(SWEEP.read_text())
    run("run", cfg, "--sweep-point", 5, *SMALL, check=True, cwd=tmp_path)
    assert (tmp_path / "out" / "sweep_workstation_run5.h5").exists()
