"""A sweep file's runs as a table, and the coordinates of its run dimension
(docs/output.md, "Sweep files"):

- `/summary` holds, per run, the root's point, replication, seed, swept
  values and status, and outcome figures that equal numpy's mean of the
  file's own weekly variables over the run's last 52 recorded weeks (NaN
  weeks left out, as np.nanmean does), with the observables' units and
  currency; a run shorter than the file averages its own last weeks; a
  failed run has NaN figures and weeks_averaged 0;
- shards merged equal one sweep, /summary included; a resumed sweep too,
  and a partial file made without /summary is refused by --resume;
- every variable over run names point, replication, seed and the swept
  values in its attribute coordinates: xarray (h5netcdf) lists them in
  ds.coords, and sel, groupby, where and set_index work as the docs show;
  aandacht.open_sweep reads the same Dataset, root and /summary;
- docs/output.md names every variable of a sweep file.
"""
import re
import resource
import shutil
import sys
import warnings

import h5py
import numpy as np
import pytest

from engine_support import SOURCE, run, small_scenario

from sweep_support import GRID, RUNS, assert_same_sweep

WEEKS = 60                     # more than the 52 weeks averaged
MARKET = ["attention_scarcity", "automation_share", "tip_rate", "customer_nps", "jobs"]
BRAND = ["market_share", "profit", "mean_loyalty", "nps", "employees"]
SWEPT = ["brands_2_automation_target", "satisfaction_theta"]
COORDS = "point replication seed " + " ".join(SWEPT)


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    """The 2 x 2 grid sweep (8 runs) over 60 recorded weeks, whole and in 3 shards."""
    d = tmp_path_factory.mktemp("sweep_summary")
    cfg = small_scenario(d, name="tiny", weeks=WEEKS, warmup=10, customers=1500, extra=GRID)
    whole = d / "whole.h5"
    run("sweep", cfg, "-o", whole, "--jobs", 2, "--quiet", check=True)
    shards = []
    for i in range(3):
        run("sweep", cfg, "-o", d / "part.h5", "--shard", f"{i}/3", "--quiet", check=True)
        shards.append(d / f"part.shard{i}of3.h5")
    return cfg, whole, shards


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def last_weeks_mean(values, end, weeks=52):
    """numpy's mean over weeks [end - weeks, end) of axis 0, NaN left out
    (NaN, with numpy's warning kept quiet, where none is left)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values[max(0, end - weeks):end], axis=0)


def dims(ds):
    """The dimension scales of a dataset's axes, by path ("" for an axis without one)."""
    return [d[0].name if len(d) else "" for d in ds.dims]


def recorded(f, r):
    """Weeks run r recorded: up to the last week in which any observable has a value."""
    last = -1
    for name, ds in f.items():
        if isinstance(ds, h5py.Dataset) and dims(ds)[:2] == ["/run", "/week"]:
            v = ds[r]
            finite = np.isfinite(v).reshape(v.shape[0], -1).any(axis=1)
            if finite.any():
                last = max(last, int(np.flatnonzero(finite)[-1]))
    return last + 1


def assert_summary_is_the_mean(path):
    """Every figure of /summary equals numpy's mean of the weekly variable
    over the run's last 52 recorded weeks; failed and not-run runs NaN."""
    with h5py.File(path, "r") as f:
        g = f["summary"]
        status = f["status"][()]
        assert g["status"][()].tolist() == status.tolist()
        for r in range(f["run"].shape[0]):
            if status[r] != 1:
                assert g["weeks_averaged"][r] == 0
                for name in MARKET + BRAND:
                    assert np.isnan(g[name][r]).all(), (r, name)
                continue
            end = recorded(f, r)
            assert g["weeks_averaged"][r] == min(52, end), r
            for name in MARKET + BRAND:
                want = last_weeks_mean(f[name][r], end)
                np.testing.assert_allclose(g[name][r], want, rtol=1e-12, atol=1e-12, err_msg=f"run {r}: {name}")
                assert np.array_equal(np.isnan(g[name][r]), np.isnan(want)), (r, name)


def test_summary_holds_the_runs_and_their_last_year(grid):
    _, whole, _ = grid
    assert_summary_is_the_mean(whole)
    with h5py.File(whole, "r") as f:
        g = f["summary"]
        assert int(g.attrs["summary_weeks"]) == 52
        assert g["weeks_averaged"][()].tolist() == [52] * RUNS
        assert g["run"][()].tolist() == list(range(RUNS))
        assert g["brand"].asstr()[()].tolist() == ["Classic", "Service", "Budget"]
        for name in ["point", "replication", "seed", "status", *SWEPT]:
            assert g[name].dtype == f[name].dtype and g[name][()].tobytes() == f[name][()].tobytes(), name
            for k in ("units", "long_name", "currency"):
                assert (k in g[name].attrs) == (k in f[name].attrs), (name, k)
                if k in f[name].attrs and name != "status":
                    assert text(g[name].attrs[k]) == text(f[name].attrs[k]), (name, k)
            # the key once, at the root (one variable per key); the long_name names it
            assert "key" not in g[name].attrs, name
        for name in MARKET:
            assert dims(g[name]) == ["/summary/run"], name
        for name in BRAND:
            assert dims(g[name]) == ["/summary/run", "/summary/brand"], name
            assert g[name].shape == (RUNS, 3)
        for name in MARKET + BRAND:
            # the observable's units; money keeps its currency
            assert text(g[name].attrs["units"]) == text(f[name].attrs["units"]), name
            assert ("currency" in g[name].attrs) == ("currency" in f[name].attrs), name
            assert "52 recorded weeks" in text(g[name].attrs["long_name"])
            assert text(g[name].attrs["coordinates"]) == COORDS, name
        assert text(g["profit"].attrs["currency"]) == "money" and text(g["profit"].attrs["units"]) == "week-1"
        assert np.isfinite(g["profit"][()]).all() and (g["market_share"][()] > 0).all()
        # shares of the last year add up to 1 in every run, as each week's do
        np.testing.assert_allclose(g["market_share"][()].sum(axis=1), 1, rtol=1e-12)


def test_every_variable_over_run_names_the_run_coordinates(grid):
    _, whole, _ = grid
    with h5py.File(whole, "r") as f:
        for name, ds in f.items():
            if not isinstance(ds, h5py.Dataset) or dims(ds)[:1] != ["/run"]:
                continue
            if name in ["run", "point", "replication", "seed", *SWEPT]:
                assert "coordinates" not in ds.attrs, name
            else:
                assert text(ds.attrs["coordinates"]) == COORDS, name


def test_a_shorter_run_averages_its_own_last_weeks(tmp_path):
    """Runs of 30 and 70 weeks in one file of 70: the first averages all
    its 30 weeks, the second its weeks 18 .. 69."""
    cfg = small_scenario(tmp_path, name="weeks", weeks=70, warmup=10, customers=1500, extra="""
sweep = { design = "list"; replications = 1; points = ( [30], [70] );
  parameters = ( { key = "scenario.weeks"; } ); };""")
    out = tmp_path / "w.h5"
    run("sweep", cfg, "-o", out, "--quiet", check=True)
    assert_summary_is_the_mean(out)
    with h5py.File(out, "r") as f:
        assert f["week"].shape == (70,)
        assert f["summary/weeks_averaged"][()].tolist() == [30, 52]
        assert np.isnan(f["market_share"][0, 30:]).all()
        np.testing.assert_allclose(f["summary/market_share"][0], f["market_share"][0, :30].mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(f["summary/profit"][1], f["profit"][1, 18:].mean(axis=0), rtol=1e-12)


def test_weeks_without_a_value_are_left_out(tmp_path):
    """A brand that leaves the market has no NPS or loyalty from then on
    (NaN) and a share of 0: its figures are the means of the weeks with a
    value, the share's over all 52."""
    cfg = tmp_path / "exits.cfg"
    cfg.write_text("""
scenario = { name = "exits"; seed = 3; weeks = 90; warmup = 10; };
population = { customers = 1500; };
market = { exit_share = 0.1; };
brands = (
  { name = "Classic"; share = 0.45; quality = 0.75; price = 53.0; },
  { name = "Service"; share = 0.45; quality = 0.65; price = 50.0; },
  { name = "Budget"; share = 0.1; quality = 0.05; price = 95.0; }
);
sweep = { design = "list"; replications = 1; points = ( [0.0], [2.0] );
  parameters = ( { key = "satisfaction.theta"; } ); };
""")
    out = tmp_path / "e.h5"
    run("sweep", cfg, "-o", out, "--quiet", check=True)
    assert_summary_is_the_mean(out)
    with h5py.File(out, "r") as f:
        inside = f["in_market"][:, -52:, 2]
        if inside.all():
            pytest.skip("Budget did not leave the market in this build's numbers")
        r = int(np.flatnonzero(~inside.all(axis=1))[0])
        nps = f["nps"][r, -52:, 2]
        assert np.isnan(nps).any() and np.isfinite(nps).any()
        assert f["summary/nps"][r, 2] == pytest.approx(np.nanmean(nps), rel=1e-12)
        assert f["summary/market_share"][r, 2] == pytest.approx(f["market_share"][r, -52:, 2].mean(), rel=1e-12,
                                                                 abs=1e-15)


LIMIT = 700 * 2**20            # as in test_sweep_failure.py: the big point does not fit
FAILS = """
sweep = { design = "list"; replications = 1;
  points = ( [2000], [100000000], [3000] );
  parameters = ( { key = "population.customers"; } ); };
"""


def limited():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def test_a_failed_run_has_no_figures(tmp_path):
    cfg = small_scenario(tmp_path, name="fails", weeks=6, warmup=4, customers=2000, extra=FAILS)
    probe = run("run", cfg, "-o", tmp_path / "probe.h5", "--quiet", preexec_fn=limited)
    if probe.returncode != 0:
        pytest.skip(f"a small run does not fit in {LIMIT >> 20} MiB of address space here: {probe.stderr.strip()}")
    out = tmp_path / "s.h5"
    r = run("sweep", cfg, "-o", out, "--quiet", "--jobs", 1, preexec_fn=limited)
    assert r.returncode == 1
    assert_summary_is_the_mean(out)
    with h5py.File(out, "r") as f:
        g = f["summary"]
        assert g["status"][()].tolist() == [1, -1, 1]
        assert g["weeks_averaged"][()].tolist() == [6, 0, 6]
        for name in MARKET + BRAND:
            assert np.isnan(g[name][1]).all(), name
            assert np.isfinite(g[name][[0, 2]]).all(), name


def test_merged_shards_hold_the_summary_of_one_sweep(grid, tmp_path):
    _, whole, shards = grid
    for i, p in enumerate(shards):
        with h5py.File(p, "r") as f:
            mine = np.arange(RUNS) % 3 == i
            assert f["summary/status"][()].tolist() == [1 if m else 0 for m in mine]
            assert np.isnan(f["summary/profit"][~mine]).all() and np.isfinite(f["summary/profit"][mine]).all()
            assert (f["summary/weeks_averaged"][~mine] == 0).all()
    out = tmp_path / "merged.h5"
    run("merge", shards[1], shards[2], shards[0], "-o", out, "--quiet", check=True)
    assert_same_sweep(whole, out)
    assert_summary_is_the_mean(out)
    with h5py.File(out, "r") as f, h5py.File(whole, "r") as w:
        for name in MARKET + BRAND + ["weeks_averaged", "status"]:
            assert f["summary"][name][()].tobytes() == w["summary"][name][()].tobytes(), name
        for name, ds in f.items():    # the attributes came with shard 0's copy
            if isinstance(ds, h5py.Dataset) and "coordinates" in w[name].attrs:
                assert text(ds.attrs["coordinates"]) == COORDS, name
    assert run("verify", out).returncode == 0


def test_a_resumed_sweep_fills_the_summary(grid, tmp_path):
    cfg, whole, _ = grid
    part = tmp_path / "s.h5.partial"
    shutil.copy(whole, part)
    with h5py.File(part, "r+") as f:
        for r in (2, 5):
            f["status"][r] = 0
            f["summary/status"][r] = 0
            f["summary/weeks_averaged"][r] = 0
            for name in MARKET:
                f["summary"][name][r] = np.nan
            for name in BRAND:
                f["summary"][name][r] = np.nan
        f.attrs["complete"] = np.int8(0)
    r = run("sweep", cfg, "-o", tmp_path / "s.h5", "--resume", check=True)
    assert "2 of 8 runs to do (6 done before)" in r.stderr, r.stderr
    assert_same_sweep(whole, tmp_path / "s.h5")


def test_a_partial_file_without_summary_is_not_resumed(grid, tmp_path):
    """A partial file of a build that wrote no /summary: another build's,
    refused as such (exit status 2), and left alone."""
    cfg, whole, _ = grid
    part = tmp_path / "s.h5.partial"
    shutil.copy(whole, part)
    with h5py.File(part, "r+") as f:
        del f["summary"]
        f["status"][3] = 0
        f.attrs["complete"] = np.int8(0)
    before = part.read_bytes()
    r = run("sweep", cfg, "-o", tmp_path / "s.h5", "--resume")
    assert r.returncode == 2 and "build" in r.stderr, r.stderr
    assert part.read_bytes() == before and not (tmp_path / "s.h5").exists()


def test_xarray_takes_the_run_coordinates(grid):
    xr = pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    if str(SOURCE / "analysis") not in sys.path:
        sys.path.insert(0, str(SOURCE / "analysis"))
    import aandacht
    _, whole, _ = grid
    with xr.open_dataset(whole, engine="h5netcdf") as ds:
        ds.load()
    for name in ["point", "replication", "seed", *SWEPT]:
        assert name in ds.coords and ds[name].dims == ("run",), name
    assert "status" in ds.data_vars and "market_share" in ds.data_vars
    with h5py.File(whole, "r") as f:
        point, theta = f["point"][()], f["satisfaction_theta"][()]
        share = f["market_share"][()]
    # sel keeps the run's coordinates
    one = ds.sel(run=5)
    assert int(one.point) == point[5] and float(one.satisfaction_theta) == theta[5]
    # groupby a coordinate: the mean over each point's replications
    by_point = ds.market_share.isel(week=-1).groupby("point").mean()
    for p in range(4):
        np.testing.assert_allclose(by_point.sel(point=p).values, share[point == p, -1].mean(axis=0), rtol=1e-12)
    assert ds.groupby("point").mean().sizes["point"] == 4
    # where: only the runs of theta 2
    high = ds.where(ds.satisfaction_theta == 2.0, drop=True)
    assert high.sizes["run"] == int((theta == 2.0).sum()) and (high.satisfaction_theta == 2.0).all()
    kept = ds.isel(run=(ds.satisfaction_theta > 1).values)
    assert kept.status.dtype == np.int8 and kept.sizes["run"] == high.sizes["run"]
    # set_index: run as (point, replication)
    idx = ds.set_index(run=["point", "replication"])
    np.testing.assert_array_equal(idx.hhi.sel(point=2, replication=1).values, ds.hhi.sel(run=5).values)
    assert idx.hhi.sel(point=3).dims == ("replication", "week")
    # /summary opens as a table with the same coordinates
    with xr.open_dataset(whole, engine="h5netcdf", group="summary") as s:
        s.load()
    for name in ["point", "replication", "seed", *SWEPT]:
        assert name in s.coords, name
    assert list(s.brand.values) == ["Classic", "Service", "Budget"] and list(s.run.values) == list(range(RUNS))
    np.testing.assert_array_equal(s.market_share.sel(brand="Budget").groupby("satisfaction_theta").mean().values,
                                  [s.market_share.values[theta == t, 2].mean() for t in (0.0, 2.0)])
    assert s.profit.attrs["units"] == "week-1" and s.profit.attrs["currency"] == "money"
    assert s.drop_dims("brand").to_dataframe().shape[0] == RUNS
    # the analysis package reads the same Datasets
    xr.testing.assert_identical(aandacht.open_sweep(whole), ds)
    xr.testing.assert_identical(aandacht.open_sweep(whole, group="summary"), s)
    assert aandacht.open_sweep(whole).market_share.encoding["coordinates"] == COORDS


def test_docs_name_every_variable_of_a_sweep_file(grid):
    """Each variable of a sweep file, /summary's included, is named in
    docs/output.md (the swept parameters as <swept parameter>)."""
    _, whole, _ = grid
    doc = (SOURCE / "docs" / "output.md").read_text()
    sweep = doc[doc.index("## Sweep files"):doc.index("## State files")]
    names = []
    with h5py.File(whole, "r") as f:
        f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
        swept = {n for n in names if "key" in f[n].attrs}     # the root's; /summary has copies
    assert swept == set(SWEPT)
    assert {"summary/market_share", "summary/weeks_averaged", "summary/status"} <= set(names)
    missing = []
    for path in names:
        name = path.rsplit("/", 1)[-1]
        if path.startswith("parameters/") or name in swept:
            continue
        if path.startswith("summary/"):
            ok = f"`{name}`" in sweep
        else:
            ok = f"`{name}`" in doc or re.search(rf"\b{name}\(", sweep)
        if not ok:
            missing.append(path)
    assert "<swept parameter>" in sweep and "`coordinates" in sweep
    assert not missing, f"docs/output.md does not describe {missing}"
