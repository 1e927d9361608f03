"""The analysis package installs as researchers install packages, and reads
files into xarray and pandas:

- `pip install` of a copy of analysis/ into a fresh virtual environment
  gives an importable `aandacht` (from the environment, not the sources),
  every file of the package, the engine's version and a working
  `aandacht-report`; the dependencies declared are met by what the system
  offers (pip check);
- open_run, open_sweep and run_table on files the engine writes hold what
  h5py reads, with the dimensions, coordinates and attributes of the file;
- a Python without the packages is told how to install them into itself
  (pip in a virtual environment, conda in conda, apt-get for Debian's own);
- the Python example of docs/output.md ("Reading in Python") runs as written.

The small files come from the helpers of the end-to-end tests
(tests/python/engine_support.py, sweep_support.py): a three-brand market of
400 customers over a few weeks, and its 2 x 2 grid sweep with 2
replications."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from report_runs import ANALYSIS, SOURCE

sys.path.insert(0, str(SOURCE / "tests" / "python"))
from engine_support import run, small_scenario  # noqa: E402
from sweep_support import GRID, RUNS  # noqa: E402

import aandacht  # noqa: E402
from aandacht import cli, io  # noqa: E402

SYSTEM_PYTHON = "/usr/bin/python3"
SWEPT = {"brands_2_automation_target": "brands.[2].automation.target",
         "satisfaction_theta": "satisfaction.theta"}
BOOKKEEPING = {"CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST", "_FillValue"}


def engine_version():
    m = re.search(r"project\(\s*aandacht\s+VERSION\s+([0-9][0-9.]*)", (SOURCE / "CMakeLists.txt").read_text())
    assert m, "CMakeLists.txt has no project(aandacht VERSION ...)"
    return m.group(1)


# --- files made by the engine -------------------------------------------------

@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """{"run", "sweep", "shard"}: a run of the small market, its grid sweep,
    and shard 0 of 2 of the same sweep."""
    d = tmp_path_factory.mktemp("install_files")
    cfg = small_scenario(d, name="tiny", customers=400, weeks=12, warmup=8, extra=GRID)
    run("run", cfg, "-o", d / "run.h5", "--quiet", check=True)
    run("sweep", cfg, "-o", d / "sweep.h5", "--jobs", 2, "--quiet", check=True)
    run("sweep", cfg, "-o", d / "part.h5", "--shard", "0/2", "--quiet", check=True)
    return {"run": d / "run.h5", "sweep": d / "sweep.h5", "shard": d / "part.shard0of2.h5"}


def decoded(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.ndarray) and v.dtype.kind in "OS":
        return [x.decode() if isinstance(x, bytes) else x for x in v.tolist()]
    return v


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind == "O" or b.dtype.kind == "O":
        return a.tolist() == b.tolist()
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


def h5_variables(path):
    """({name: (dims, values, attrs)} of the root's datasets, as h5py
    reads them; the root's attributes; the names of its dimension scales)."""
    out, scales = {}, set()
    with h5py.File(path, "r") as f:
        for name, ds in f.items():
            if not isinstance(ds, h5py.Dataset):
                continue
            if h5py.h5ds.is_scale(ds.id):
                dims = (name,)
                scales.add(name)
            else:
                dims = tuple(d[0].name.rsplit("/", 1)[-1] for d in ds.dims)
            values = ds.asstr()[()] if h5py.check_string_dtype(ds.dtype) else ds[()]
            attrs = {k: decoded(ds.attrs[k]) for k in ds.attrs if k not in BOOKKEEPING}
            out[name] = (dims, values, attrs)
        root = {k: decoded(f.attrs[k]) for k in f.attrs}
    return out, root, scales


def assert_matches_file(ds, path):
    """Every root dataset of the file is in ds, as a coordinate (dimension
    scales) or a variable, with its dims, values, dtype and attributes; the
    root attributes too."""
    want, root, scales = h5_variables(path)
    listed = {c for _, _, a in want.values() for c in str(a.get("coordinates", "")).split()}
    assert set(ds.variables) == set(want)
    assert set(ds.coords) == scales | listed and scales == set(ds.dims)
    for name, (dims, values, attrs) in want.items():
        v = ds[name]
        assert v.dims == dims, name
        assert same(v.values, values), name
        if v.dtype.kind != "O":
            assert v.dtype == np.asarray(values).dtype, name
        assert set(v.attrs) == set(attrs) - {"coordinates"}, name
        for k, a in attrs.items():
            assert same(v.encoding[k] if k == "coordinates" else v.attrs[k], a), (name, k)
    assert set(ds.attrs) == set(root)
    for k, a in root.items():
        assert same(ds.attrs[k], a), k
    for name in ds.data_vars:                    # observables: units and long_name as str
        assert isinstance(ds[name].attrs["long_name"], str) and ds[name].attrs["long_name"], name


def test_open_run_holds_what_h5py_reads(files):
    ds = aandacht.open_run(files["run"])
    assert dict(ds.sizes) == {"week": 12, "brand": 3}
    assert_matches_file(ds, files["run"])
    assert list(ds.week.values) == list(range(12)) and ds.week.attrs["units"] == "week"
    assert list(ds.brand.values) == ["Classic", "Service", "Budget"]
    assert all(type(b) is str for b in ds.brand.values)
    assert ds.market_share.dims == ("week", "brand") and ds.hhi.dims == ("week",)
    assert ds.profit.attrs["units"] == "week-1" and ds.profit.attrs["currency"] == "money"
    assert ds.attrs["scenario"] == "tiny" and ds.attrs["seed"] == 3 and ds.attrs["complete"] == 1
    with h5py.File(files["run"], "r") as f:
        np.testing.assert_array_equal(ds.market_share.sel(brand="Service").values, f["market_share"][:, 1])
        np.testing.assert_array_equal(ds.profit.sel(brand="Budget", week=slice(3, 5)).values,
                                      f["profit"][3:6, 2])
    # the same observables, named the same, as io.read gives
    d = io.read(files["run"])
    assert set(ds.data_vars) == set(d["market"]) | set(d["brand"])


def test_open_run_equals_xarray_on_the_file(files):
    """What xarray itself reads through h5netcdf (values, dims, coordinates)."""
    xr = pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    for path, ours in ((files["run"], aandacht.open_run(files["run"])),
                       (files["sweep"], aandacht.open_sweep(files["sweep"]))):
        with xr.open_dataset(path, engine="h5netcdf") as theirs:
            xr.testing.assert_equal(ours, theirs.load())


def test_open_run_of_a_cut_short_file_reads_the_weeks_written(files, tmp_path):
    part = tmp_path / "cut.h5.partial"
    shutil.copy(files["run"], part)
    with h5py.File(part, "r+") as f:
        f.attrs["weeks_written"] = np.int64(5)
        f.attrs["complete"] = np.int8(0)
    ds = aandacht.open_run(part)
    assert ds.sizes["week"] == 5 and ds.attrs["complete"] == 0
    whole = aandacht.open_run(files["run"])
    np.testing.assert_array_equal(ds.visits.values, whole.visits.values[:5])


def test_open_sweep_holds_what_h5py_reads(files):
    ds = aandacht.open_sweep(files["sweep"])
    assert dict(ds.sizes) == {"run": RUNS, "week": 12, "brand": 3, "design_point": 4, "parameter": 2}
    assert_matches_file(ds, files["sweep"])
    assert ds.market_share.dims == ("run", "week", "brand") and ds.hhi.dims == ("run", "week")
    assert ds.design_u.dims == ("design_point", "parameter")
    assert list(ds.parameter.values) == list(SWEPT.values())
    assert ds.attrs["sweep_keys"] == list(SWEPT.values())
    # NaN marks the weeks not recorded: _FillValue in the encoding, as xarray's readers put it
    assert "_FillValue" not in ds.market_share.attrs and np.isnan(ds.market_share.encoding["_FillValue"])
    with h5py.File(files["sweep"], "r") as f:
        np.testing.assert_array_equal(ds.market_share.sel(brand="Classic").values, f["market_share"][:, :, 0])
        np.testing.assert_array_equal(ds.nps.sel(run=5, brand="Budget").values, f["nps"][5, :, 2])
    assert ds.market_share.sel(brand="Classic").dims == ("run", "week")
    only = aandacht.open_sweep(files["sweep"], variables=["market_share"])
    assert set(only.variables) >= {"market_share", "point", "status", "design_u"}
    assert "hhi" not in only and "profit" not in only
    with pytest.raises(ValueError, match="no variable nonesuch"):
        aandacht.open_sweep(files["sweep"], variables=["nonesuch"])


def test_run_table_has_one_row_per_run(files):
    df = aandacht.run_table(files["sweep"])
    assert len(df) == RUNS and df.index.name == "run" and list(df.index) == list(range(RUNS))
    assert list(df.columns[:6]) == ["point", "replication", "seed", "status", *SWEPT]
    assert df.attrs["swept"] == SWEPT
    with h5py.File(files["sweep"], "r") as f:
        for col in ["point", "replication", "seed", "status", "wall_time", *SWEPT]:
            np.testing.assert_array_equal(df[col].to_numpy(), f[col][()], err_msg=col)
    assert (df.status == 1).all()
    assert list(df.point) == [r // 2 for r in range(RUNS)] and list(df.replication) == [0, 1] * (RUNS // 2)
    # the 2 x 2 grid, each point twice (its replications)
    pairs = df.groupby(list(SWEPT)).size()
    assert len(pairs) == 4 and (pairs == 2).all()
    assert sorted(set(df.satisfaction_theta)) == [0.0, 2.0]
    assert sorted(set(df.brands_2_automation_target)) == [0.35, 0.9]
    assert df.seed.nunique() == RUNS


def test_run_table_of_a_shard_shows_the_runs_not_run(files):
    df = aandacht.run_table(files["shard"])
    assert len(df) == RUNS
    assert list(df.status) == [1 if r % 2 == 0 else 0 for r in range(RUNS)]
    shard = aandacht.open_sweep(files["shard"])
    assert np.isnan(shard.market_share.sel(run=1).values).all()
    assert not np.isnan(shard.market_share.sel(run=0).values).any()


def test_each_reader_refuses_the_other_kind_and_what_is_not_an_aandacht_file(files, tmp_path):
    with pytest.raises(io.ReadError, match=r"run\.h5: a run file, not a sweep file: read it with open_run"):
        aandacht.open_sweep(files["run"])
    with pytest.raises(io.ReadError, match=r"sweep\.h5: a sweep file, not a run file: read it with open_sweep"):
        aandacht.open_run(files["sweep"])
    shutil.copy(files["run"], tmp_path / "copy.h5")
    with pytest.raises(io.ReadError, match=r"copy\.h5: a run file, not a sweep file"):
        aandacht.run_table(tmp_path / "copy.h5")
    with pytest.raises(io.ReadError, match="nothere.h5: no such file"):
        aandacht.open_run(tmp_path / "nothere.h5")
    (tmp_path / "t.h5").write_text("text")
    with pytest.raises(io.ReadError, match="t.h5: not an aandacht file"):
        aandacht.open_run(tmp_path / "t.h5")


def test_the_package_imports_without_xarray_and_pandas():
    """xarray and pandas are imported only by the readers that need them;
    without them, those say how to install them."""
    code = (
        "import sys\n"
        "import aandacht\n"
        "from aandacht import cli, io\n"
        "assert 'xarray' not in sys.modules and 'pandas' not in sys.modules, sorted(sys.modules)\n"
        "sys.modules['xarray'] = None\n"           # now `import xarray` fails
        "sys.modules['pandas'] = None\n"
        "for f in (aandacht.open_run, aandacht.run_table):\n"
        "    try:\n"
        "        f('any.h5')\n"
        "    except ImportError as e:\n"
        "        print(e)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=str(ANALYSIS)))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 2
    assert "need xarray" in lines[0] and "need pandas" in lines[1]
    assert all("install" in line for line in lines)


# --- what a Python without the packages is told --------------------------------

def test_install_hint_fits_the_python(monkeypatch):
    monkeypatch.delenv("CONDA_PREFIX", raising=False)
    monkeypatch.setattr(sys, "base_prefix", "/somewhere/else")
    assert cli.python_kind() == "venv"
    hint = cli.install_hint(["h5py", "numpy"])
    assert f"{sys.executable} -m pip install h5py numpy" in hint and "apt-get" not in hint
    assert f"-m pip install {ANALYSIS}" in hint              # the whole package, from these sources

    monkeypatch.setattr(sys, "base_prefix", sys.prefix)
    monkeypatch.setenv("CONDA_PREFIX", sys.prefix)
    assert cli.python_kind() == "conda"
    hint = cli.install_hint(["h5py"])
    assert "conda install -c conda-forge h5py" in hint and "-m pip install h5py" in hint
    assert "apt-get" not in hint

    if not os.path.isdir(os.path.join(sys.prefix, "conda-meta")):   # this Python is no conda one
        monkeypatch.setenv("CONDA_PREFIX", "/opt/another/env")     # activated, but not this Python
        monkeypatch.setattr(sys, "version", sys.version.replace("conda", "").replace("Continuum", ""))
        assert cli.python_kind() in ("debian", "other")


def test_debian_python_is_told_apt_get():
    if not os.path.exists("/etc/debian_version") or not os.path.exists(SYSTEM_PYTHON):
        pytest.skip("not a Debian or Ubuntu machine with /usr/bin/python3")
    code = "from aandacht import cli; print(cli.python_kind()); print(cli.install_hint(['h5py', 'scipy']))"
    r = subprocess.run([SYSTEM_PYTHON, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=str(ANALYSIS)))
    assert r.returncode == 0, r.stderr
    kind, hint = r.stdout.splitlines()
    assert kind == "debian"
    assert "sudo apt-get install python3-h5py python3-scipy" in hint and "pip install h5py scipy" in hint


def test_virtual_environment_without_the_packages_is_told_pip(files, tmp_path):
    """`python -m aandacht report` in a venv that sees none of the packages:
    exit 2, and the message says pip in this venv, not apt-get."""
    env_dir = tmp_path / "bare"
    r = subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--without-pip", str(env_dir)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"venv is not available: {r.stderr.strip()}")
    py = env_dir / "bin" / "python"
    check = subprocess.run([str(py), "-c", "import numpy"], capture_output=True)
    if check.returncode == 0:
        pytest.skip("this venv finds numpy without system site packages")
    r = subprocess.run([str(py), "-m", "aandacht", "report", str(files["run"]), "-o", str(tmp_path / "rep")],
                       capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ANALYSIS)))
    assert r.returncode == 2, r.stderr
    assert "lacks numpy, h5py, matplotlib, scipy" in r.stderr
    assert f"in this virtual environment: {py} -m pip install numpy h5py matplotlib scipy" in r.stderr
    assert "apt-get" not in r.stderr and not (tmp_path / "rep").exists()


# --- pip install into a fresh virtual environment ------------------------------

def _pip(venv, *args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return subprocess.run([str(venv / "bin" / "pip"), *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=600)


def _has_metadata(python, dist):
    r = subprocess.run([python, "-c", f"import importlib.metadata as m; m.version({dist!r})"], capture_output=True)
    return r.returncode == 0


def test_version_is_the_engines():
    text = (ANALYSIS / "pyproject.toml").read_text()
    assert re.search(r'^dynamic = \["version"\]', text, flags=re.M)
    assert re.search(r'^version = \{ attr = "aandacht.__version__" \}', text, flags=re.M)
    assert aandacht.__version__ == engine_version()


def test_pip_install_into_a_fresh_venv(tmp_path):
    for module in ("venv", "ensurepip"):
        r = subprocess.run([SYSTEM_PYTHON, "-c", f"import {module}"], capture_output=True, text=True)
        if r.returncode != 0:
            pytest.skip(f"{SYSTEM_PYTHON} has no {module} (Debian: apt-get install python3-venv)")
    venv = tmp_path / "venv"
    r = subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--system-site-packages", str(venv)],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0 and "ensurepip" in r.stdout + r.stderr:
        pytest.skip(f"venv cannot install pip (ensurepip is not available): {(r.stdout + r.stderr).strip()}")
    assert r.returncode == 0, r.stdout + r.stderr

    # a copy: pip writes build/ and aandacht.egg-info into the folder it installs
    src = tmp_path / "src" / "analysis"
    shutil.copytree(ANALYSIS, src, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # no network here: the dependencies come from the system's site packages
    args = ["install", "--no-build-isolation", "--no-index", str(src)]
    r = _pip(venv, *args, cwd=elsewhere)
    if r.returncode != 0:
        # Debian's python3-h5py registers its distribution as
        # "h5py._debian_h5py_serial", which pip does not take for h5py: then,
        # and only then, install without resolving and let pip check the rest
        py = str(venv / "bin" / "python")
        assert "No matching distribution found for h5py" in r.stderr, r.stdout + r.stderr
        assert not _has_metadata(py, "h5py"), r.stderr
        assert subprocess.run([py, "-c", "import h5py"]).returncode == 0, "h5py is not importable in the venv"
        r = _pip(venv, *args, "--no-deps", cwd=elsewhere)
        assert r.returncode == 0, r.stdout + r.stderr
    assert "Successfully installed aandacht-" in r.stdout, r.stdout

    # every dependency is there and its version meets the bound pyproject.toml sets
    r = _pip(venv, "check", cwd=elsewhere)
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr, r.stderr
    ours = [line for line in r.stdout.splitlines() if line.startswith("aandacht ")]
    assert ours in ([], ["aandacht " + engine_version() + " requires h5py, which is not installed."]), r.stdout
    if ours:
        h5 = subprocess.run([str(venv / "bin" / "python"), "-c", "import h5py; print(h5py.__version__)"],
                            capture_output=True, text=True)
        need = re.search(r'"h5py>=([0-9.]+)"', (ANALYSIS / "pyproject.toml").read_text()).group(1)
        have = tuple(int(x) for x in h5.stdout.strip().split(".")[:2])
        assert have >= tuple(int(x) for x in need.split(".")[:2]), (h5.stdout, need)

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    py = str(venv / "bin" / "python")
    show = ("import aandacht, importlib.metadata as m, pathlib\n"
            "print(pathlib.Path(aandacht.__file__).resolve())\n"
            "print(m.version('aandacht'))\n"
            "print(aandacht.open_run.__module__, aandacht.run_table.__module__)\n")
    r = subprocess.run([py, "-c", show], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert r.returncode == 0, r.stderr
    where, version, modules = r.stdout.splitlines()
    assert Path(where).is_relative_to(venv.resolve()), where
    assert version == engine_version()
    assert modules == "aandacht.datasets aandacht.datasets"

    # every file of the package was installed (no data file left behind)
    installed = Path(where).parent
    files_of = lambda d: {p.relative_to(d) for p in d.rglob("*")   # noqa: E731
                          if p.is_file() and "__pycache__" not in p.parts}
    assert files_of(src / "aandacht") == files_of(installed)

    # aandacht-report is python3 -m aandacht
    r = subprocess.run([str(venv / "bin" / "aandacht-report"), "--help"], capture_output=True, text=True,
                       cwd=elsewhere, env=env)
    assert r.returncode == 0, r.stderr
    assert "usage: aandacht report" in r.stdout and "--no-csv" in r.stdout
    m = subprocess.run([py, "-m", "aandacht", "--help"], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert m.returncode == 0 and m.stdout == r.stdout
    r = subprocess.run([str(venv / "bin" / "aandacht-report"), "report", "--bogus"], capture_output=True,
                       text=True, cwd=elsewhere, env=env)
    assert r.returncode == 2 and "unknown option '--bogus'" in r.stderr
    # the venv's Python is told to use pip
    r = subprocess.run([py, "-c", "from aandacht import cli; print(cli.python_kind())"], capture_output=True,
                       text=True, cwd=elsewhere, env=env)
    assert r.stdout.strip() == "venv"


# --- docs/output.md ------------------------------------------------------------

def test_docs_example_runs(tmp_path):
    """The Python block of "Reading in Python" in docs/output.md, on the
    baseline's run and the sweep of sweep_workstation.cfg made small (the
    files the other examples of docs/output.md read)."""
    text = (SOURCE / "docs" / "output.md").read_text()
    section = text[text.index("## Reading in Python"):text.index("## Checking a file")]
    code = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(code) == 1 and "aandacht.open_run" in code[0]
    assert "pip install ./analysis" in section
    (tmp_path / "out").mkdir()
    small = ["--quiet", "--set", "population.customers=400", "--set", "scenario.weeks=12",
             "--set", "scenario.warmup=8"]
    run("run", SOURCE / "scenarios" / "baseline.cfg", "-o", tmp_path / "out" / "baseline.h5", *small, check=True)
    run("sweep", SOURCE / "scenarios" / "sweep_workstation.cfg", "--jobs", 2, *small, cwd=tmp_path, check=True)
    import matplotlib
    matplotlib.use("Agg")
    env = {"__name__": "__doc_example__"}
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(code[0], str(SOURCE / "docs" / "output.md"), "exec"), env)
    finally:
        os.chdir(cwd)
        import matplotlib.pyplot as plt
        plt.close("all")
    assert list(env["ds"].brand.values) == ["Classic", "Service", "Budget", "Digital"]
    assert env["runs"].index.name == "run" and len(env["runs"]) == env["sweep"].sizes["run"] == 16
    assert list(env["final"].columns[-3:]) == ["Classic", "Service", "Budget"]
