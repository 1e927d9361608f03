"""`aandacht sweep`: every run of a sweep in one file. On a tiny grid sweep
(2 x 2 points, 2 replications): the file has dimensions run, week and brand
(netCDF-4 conventions, read by xarray when h5netcdf is there, else checked
with h5py); run K's observables are the bytes of `aandacht run FILE
--sweep-point K`; --jobs 1 and --jobs 2 give the same data except wall_time;
every status is 1; an existing output without --force is exit status 2."""
import h5py
import numpy as np
import pytest

from engine_support import run, small_scenario

from sweep_support import GRID, RUNS, assert_same_sweep


@pytest.fixture(scope="module")
def sweep_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("sweep_run")
    cfg = small_scenario(d, name="tiny", weeks=20, warmup=10, customers=2000, extra=GRID)
    one, two = d / "one.h5", d / "two.h5"
    r = run("sweep", cfg, "-o", one, "--jobs", 1, check=True)
    assert "8 runs (8 ok, 0 failed)" in r.stdout
    run("sweep", cfg, "-o", two, "--jobs", 2, "--threads", 4, "--quiet", check=True)
    return cfg, one, two


def values(path):
    out = {}
    with h5py.File(path, "r") as f:
        for name, obj in f.items():
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
    return out


def test_layout_and_statuses(sweep_files):
    cfg, one, _ = sweep_files
    with h5py.File(one, "r") as f:
        assert int(f.attrs["complete"]) == 1 and int(f.attrs["runs_written"]) == RUNS
        assert f.attrs["sweep_design"] == b"grid" and int(f.attrs["sweep_replications"]) == 2
        assert f["market_share"].shape == (RUNS, 20, 3)
        assert f["hhi"].shape == (RUNS, 20)
        assert [d[0].name.lstrip("/") for d in f["market_share"].dims] == ["run", "week", "brand"]
        assert f["run"][()].tolist() == list(range(RUNS))
        assert f["status"][()].tolist() == [1] * RUNS
        assert f["point"][()].tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
        assert f["replication"][()].tolist() == [0, 1] * 4
        theta = f["satisfaction_theta"]
        assert theta.attrs["key"] == b"satisfaction.theta"
        assert theta[()].tolist() == [0.0, 0.0, 2.0, 2.0, 0.0, 0.0, 2.0, 2.0]
        assert f["brands_2_automation_target"].attrs["key"] == b"brands.[2].automation.target"
        for name, obj in f.items():
            if isinstance(obj, h5py.Dataset) and name not in ("brand", "parameter"):   # string coordinates: long_name only
                assert "units" in obj.attrs and "long_name" in obj.attrs, name
    assert not one.with_name(one.name + ".partial").exists()


def test_opens_in_xarray(sweep_files):
    xr = pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    ds = xr.open_dataset(sweep_files[1], engine="h5netcdf")
    assert ds.market_share.dims == ("run", "week", "brand")
    assert list(ds.brand.values) == ["Classic", "Service", "Budget"]
    assert ds.attrs["complete"] == 1 and ds.sizes["run"] == RUNS


def test_each_run_equals_its_sweep_point(sweep_files, tmp_path):
    cfg, one, _ = sweep_files
    swept = values(one)
    with h5py.File(one, "r") as f:
        seeds = f["seed"][()]
    for k in (0, 3, 6):
        single = tmp_path / f"run{k}.h5"
        run("run", cfg, "--sweep-point", k, "-o", single, "--quiet", check=True)
        with h5py.File(single, "r") as s:
            assert int(s.attrs["seed"]) == int(seeds[k])
            for name, obj in s.items():
                if isinstance(obj, h5py.Dataset) and name not in ("week", "brand"):
                    assert swept[name][k].tobytes() == obj[()].tobytes(), (k, name)
            # whether the warm-up settled: a root attribute of the run, a variable of the sweep
            assert swept["warmup_share_drift"][k].tobytes() == np.float64(s.attrs["warmup_share_drift"]).tobytes()
            assert 0 <= float(s.attrs["warmup_share_drift"]) < 1


def test_jobs_do_not_change_the_data(sweep_files):
    _, one, two = sweep_files
    a, b = values(one), values(two)
    assert a.keys() == b.keys()
    for name in a:
        if name == "wall_time":
            assert np.all(a[name] > 0) and np.all(b[name] > 0)
            continue
        x, y = np.asarray(a[name]), np.asarray(b[name])
        assert x.dtype == y.dtype and x.shape == y.shape, name
        if x.dtype == object:
            assert x.tolist() == y.tolist(), name
        else:
            assert x.tobytes() == y.tobytes(), name


def test_existing_output_needs_force(sweep_files):
    cfg, one, _ = sweep_files
    before = one.read_bytes()
    r = run("sweep", cfg, "-o", one, "--quiet")
    assert r.returncode == 2 and "--force" in r.stderr
    assert one.read_bytes() == before
    run("sweep", cfg, "-o", one, "--quiet", "--force", check=True)


def test_a_file_without_a_sweep_is_a_usage_error(tmp_path):
    cfg = small_scenario(tmp_path, name="plain", weeks=5, warmup=2, customers=500)
    r = run("sweep", cfg, "-o", tmp_path / "x.h5", "--quiet")
    assert r.returncode == 2 and "no sweep group" in r.stderr
    assert not (tmp_path / "x.h5").exists() and not (tmp_path / "x.h5.partial").exists()


RESUME_GRID = GRID.replace("levels = 2; },\n    { key = \"satisfaction", "levels = 3; },\n    { key = \"satisfaction")


def test_resume_after_kill_equals_an_uninterrupted_sweep(tmp_path):
    """kill -9 a sweep once a few runs are written, --resume it: the file is
    that of a sweep never interrupted (but wall_time and created)."""
    import os
    import signal
    import subprocess
    import time
    from engine_support import BINARY
    cfg = small_scenario(tmp_path, name="res", weeks=60, warmup=10, customers=30000, extra=RESUME_GRID)
    whole, cut = tmp_path / "whole.h5", tmp_path / "cut.h5"
    run("sweep", cfg, "-o", whole, "--threads", 1, "--quiet", check=True)
    partial = cut.with_name(cut.name + ".partial")
    env = dict(os.environ, HDF5_USE_FILE_LOCKING="FALSE")
    p = subprocess.Popen([str(BINARY), "sweep", str(cfg), "-o", str(cut), "--jobs", "1", "--threads", "1",
                          "--quiet"], env=env)
    deadline, ok = time.time() + 120, 0
    try:
        while ok < 3 and time.time() < deadline and p.poll() is None:
            time.sleep(0.005)
            try:
                with h5py.File(partial, "r") as f:
                    ok = int((f["status"][()] == 1).sum())
            except (OSError, KeyError, ValueError):
                pass
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
    assert ok >= 3 and partial.exists() and not cut.exists(), "the sweep ended before it could be killed"
    with h5py.File(partial, "r") as f:
        left = int((f["status"][()] != 1).sum())
        assert int(f.attrs["complete"]) == 0 and left > 0
    r = run("sweep", cfg, "-o", cut, "--resume", "--threads", 1, check=True)
    assert "12 runs (12 ok, 0 failed)" in r.stdout
    assert cut.exists() and not partial.exists()
    assert_same_sweep(whole, cut)
    r = run("sweep", cfg, "-o", cut, "--resume")
    assert r.returncode == 0 and "nothing to resume" in r.stdout


def test_resume_refuses_another_configuration(tmp_path):
    cfg = small_scenario(tmp_path, name="res2", weeks=5, warmup=2, customers=500, extra=GRID)
    out = tmp_path / "s.h5"
    run("sweep", cfg, "-o", out, "--quiet", check=True)
    out.rename(tmp_path / "s.h5.partial")       # as if it had been interrupted
    r = run("sweep", cfg, "-o", out, "--resume", "--set", "satisfaction.w_price=0.4")
    assert r.returncode == 2 and "cannot resume" in r.stderr
    assert not out.exists()
    run("sweep", cfg, "-o", out, "--resume", "--quiet", check=True)
    with h5py.File(out, "r") as f:
        assert int(f.attrs["complete"]) == 1 and f["status"][()].tolist() == [1] * RUNS
    r = run("sweep", cfg, "-o", tmp_path / "none.h5", "--resume")
    assert r.returncode == 2 and "no interrupted sweep" in r.stderr
