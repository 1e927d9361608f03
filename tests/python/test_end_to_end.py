"""End-to-end: the aandacht binary run as a user runs it, its HDF5 read back
with h5py, xarray, h5dump and ncdump; reproducibility across thread counts;
crash safety; exit statuses and messages."""
import os
import shutil
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

from engine_support import BINARY, SOURCE, run

MARKET = """automation_share human_contact_share attention_scarcity mean_attention_deficit
attention_value customer_nps employee_nps engaged_share tips_total tip_rate
differentiation_index differentiation_functional differentiation_relational hhi
jobs jobs_displaced""".split()
BRAND = """customers market_share visits human_contacts automated_contacts escalations
frustrated_contacts mean_attention mean_satisfaction mean_loyalty churn_rate nps
engagement brand_engaged_share employees reputation functional_value relational_value
revenue cost profit tips brand_tip_rate stated_avoidance""".split()


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
    return out


def test_run_writes_the_documented_layout(scenario, tmp_path):
    out = tmp_path / "o.h5"
    r = run("run", scenario(), "-o", out, check=True)
    assert "output:" in r.stdout and "Classic" in r.stdout
    assert out.exists() and not (tmp_path / "o.h5.partial").exists()
    with h5py.File(out, "r") as f:
        assert f.attrs["complete"] == 1
        assert int(f.attrs["seed"]) == 3
        assert f.attrs["scenario"] in ("small", b"small")
        for a in ("engine_version", "git_commit", "created", "Conventions"):
            assert a in f.attrs
        assert list(f["week"][()]) == list(range(30))
        names = [x.decode() if isinstance(x, bytes) else x for x in f["brand"][()]]
        assert names == ["Classic", "Service", "Budget"]
        for n in MARKET:
            d = f[n]
            assert d.shape == (30,), n
            assert np.all(np.isfinite(d[()])), n
            assert "units" in d.attrs and "long_name" in d.attrs, n
        for n in BRAND:
            d = f[n]
            assert d.shape == (30, 3), n
            assert np.all(np.isfinite(d[()])), n
            assert "units" in d.attrs and "long_name" in d.attrs, n
        p = f["parameters"]
        assert int(p.attrs["population.customers"]) == 4000
        assert "resolved_config" in p or "resolved_config" in p.attrs
        assert "snapshots" in f
    # shares sum to one, contacts add up
    d = datasets(out)
    assert np.allclose(d["market_share"].sum(axis=1), 1.0)
    assert np.all(d["human_contacts"] + d["automated_contacts"] - d["escalations"] >= d["visits"] - 1e-9)


def test_xarray_h5dump_and_ncdump_open_the_output(scenario, tmp_path):
    out = tmp_path / "o.h5"
    run("run", scenario(), "-o", out, "--quiet", check=True)
    xr = pytest.importorskip("xarray")
    ds = xr.open_dataset(out, engine="h5netcdf")
    assert ds.sizes["week"] == 30 and ds.sizes["brand"] == 3
    assert list(ds["brand"].values) == ["Classic", "Service", "Budget"]
    assert float(ds["market_share"].sel(brand="Budget").isel(week=0)) > 0
    ds.close()
    for tool, args in (("h5dump", ["-H"]), ("ncdump", ["-h"])):
        exe = shutil.which(tool)
        if exe is None:
            pytest.skip(f"{tool} not installed")
        r = subprocess.run([exe, *args, str(out)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert "market_share" in r.stdout


def test_same_bytes_for_any_thread_count(scenario, tmp_path):
    # 40,000 customers: 157 blocks, 10 chunks for the threads to share
    cfg = scenario(customers=40000, extra="tipping = { enabled = true; };")
    ref = None
    for threads in (1, 2, 4, 8):
        out = tmp_path / f"t{threads}.h5"
        run("run", cfg, "-o", out, "--threads", threads, "--quiet", check=True)
        d = datasets(out)
        d.pop("parameters/resolved_config", None)
        if ref is None:
            ref = d
            continue
        assert d.keys() == ref.keys()
        for k in ref:
            # the same bytes (a week without a value is NaN in both, which == would not match)
            same = (d[k].tobytes() == ref[k].tobytes() if d[k].dtype.kind in "fiub"
                    else np.array_equal(d[k], ref[k]))
            assert same, f"{k} differs with {threads} threads"


def test_different_seeds_give_different_results(scenario, tmp_path):
    cfg = scenario()
    run("run", cfg, "-o", tmp_path / "a.h5", "--seed", "1", "--quiet", check=True)
    run("run", cfg, "-o", tmp_path / "b.h5", "--seed", "2", "--quiet", check=True)
    a, b = datasets(tmp_path / "a.h5"), datasets(tmp_path / "b.h5")
    assert not np.array_equal(a["visits"], b["visits"])


def test_existing_output_is_kept_without_force(scenario, tmp_path):
    out = tmp_path / "o.h5"
    cfg = scenario()
    run("run", cfg, "-o", out, "--quiet", check=True)
    before = out.read_bytes()
    r = run("run", cfg, "-o", out, "--quiet")
    assert r.returncode == 2
    assert "--force" in r.stderr
    assert out.read_bytes() == before
    r = run("run", cfg, "-o", out, "--quiet", "--force", "--seed", "9")
    assert r.returncode == 0
    with h5py.File(out) as f:
        assert int(f.attrs["seed"]) == 9


def test_default_output_is_out_scenario_name(scenario, tmp_path):
    r = run("run", scenario(name="named", weeks=3, warmup=0), "--quiet", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "named.h5").exists()


def test_killed_run_keeps_finished_weeks_in_a_partial_file(scenario, tmp_path):
    out = tmp_path / "k.h5"
    cfg = scenario(weeks=10000, warmup=0, customers=50000)
    p = subprocess.Popen([str(BINARY), "run", str(cfg), "-o", str(out), "--quiet", "--threads", "1"])
    partial = tmp_path / "k.h5.partial"
    deadline = time.time() + 60
    weeks = 0
    while time.time() < deadline:
        time.sleep(0.5)
        try:
            with h5py.File(partial, "r", swmr=False) as f:
                weeks = f["week"].shape[0]
        except Exception:
            weeks = 0
        if weeks >= 20:
            break
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert not out.exists()
    assert partial.exists()
    with h5py.File(partial, "r") as f:
        assert f.attrs["complete"] == 0
        n = int(f.attrs["weeks_written"])  # the weeks known to be whole
        assert n >= 10 and f["week"].shape[0] >= n
        assert list(f["week"][:n]) == list(range(n))
        assert np.all(np.isfinite(f["market_share"][:n]))
        assert np.allclose(f["market_share"][:n].sum(axis=1), 1.0)


def test_interrupted_run_says_where_its_weeks_are(scenario, tmp_path):
    out = tmp_path / "i.h5"
    cfg = scenario(weeks=10000, warmup=0, customers=50000)
    p = subprocess.Popen([str(BINARY), "run", str(cfg), "-o", str(out), "--quiet"],
                         stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130  # 128 + SIGINT, the shell's convention
    assert "interrupted" in err and "i.h5.partial" in err
    with h5py.File(tmp_path / "i.h5.partial", "r") as f:
        assert f.attrs["complete"] == 0
        assert f["week"].shape[0] > 0


def test_unwritable_output_is_a_clear_runtime_error(scenario, tmp_path):
    r = run("run", scenario(), "-o", "/proc/no/such/dir/o.h5", "--quiet")
    assert r.returncode == 1
    assert "/proc/no/such/dir/o.h5" in r.stderr


@pytest.mark.parametrize("extra,key,needle", [
    ("customer = { swich_rate = 0.1; };", "customer.swich_rate", "customer.switch_rate"),
    ("customer = { switch_rate = 1.5; };", "customer.switch_rate", "0 to 1"),
    ("employee = { capacity = 2.5; };", "employee.capacity", "whole number"),
    ("events = ( { brand = \"Nobody\"; week = 3; } );", "brand", "Nobody"),
])
def test_bad_configuration_exits_2_naming_file_line_and_key(scenario, tmp_path, extra, key, needle):
    cfg = scenario(extra=extra)
    r = run("run", cfg, "-o", tmp_path / "x.h5")
    assert r.returncode == 2, r.stderr
    assert str(cfg) in r.stderr
    assert key in r.stderr and needle in r.stderr
    line = [i + 1 for i, t in enumerate(cfg.read_text().splitlines()) if t.strip() == extra.strip()][0]
    assert f":{line}:" in r.stderr
    assert not (tmp_path / "x.h5").exists() and not (tmp_path / "x.h5.partial").exists()


@pytest.mark.parametrize("text", [
    "scenario = { name = \"x\"; }; brands = ( { name = \"A\"; } ",   # syntax error
    "scenario = { name = \"x\"; }; brands = ();",                       # no brands
    "scenario = { name = \"x\"; }; population = { customers = 0; }; brands = ( { name = \"A\"; } );",
    "scenario = { name = \"x\"; weeks = 0; }; brands = ( { name = \"A\"; } );",
    "scenario = { name = \"x\"; }; brands = ( { name = \"A\"; share = 0.5; }, { name = \"B\"; share = 0.4; } );",
    "scenario = { name = \"x\"; }; brands = ( { name = \"A\"; }, { name = \"A\"; } );",
    "scenario = { name = \"x\"; }; brands = ( { name = \"\"; } );",
])
def test_each_bad_input_class_exits_2(tmp_path, text):
    cfg = tmp_path / "bad.cfg"
    cfg.write_text(text + "\n")
    r = run("check", cfg)
    assert r.returncode == 2
    assert r.stderr.startswith("aandacht: ") and str(cfg) in r.stderr


def test_nan_via_set_is_rejected(scenario):
    r = run("check", scenario(), "--set", "customer.switch_rate=nan")
    assert r.returncode == 2 and "customer.switch_rate" in r.stderr


def test_check_prints_a_resolved_config_that_runs(scenario, tmp_path):
    r = run("check", scenario(), "--set", "brands.[1].automation.target=0.8", check=True)
    assert "# default" in r.stdout
    resolved = tmp_path / "resolved.cfg"
    resolved.write_text(r.stdout)
    r2 = run("check", resolved, check=True)
    assert "target = 0.8" in r2.stdout


def test_params_lists_every_parameter():
    r = run("params", check=True)
    for key in ("scenario.seed", "satisfaction.theta", "automation.target", "tipping.smile.effect"):
        assert key in r.stdout
    md = run("params", "--markdown", check=True)
    assert md.stdout.startswith("#") and "| " in md.stdout


def test_help_version_and_usage_errors():
    assert run("--version", check=True).stdout.startswith("aandacht ")
    for cmd in ("run", "check", "params"):
        r = run(cmd, "--help", check=True)
        assert r.stdout.startswith("usage: aandacht " + cmd)
    assert run().returncode == 2
    assert run("fly").returncode == 2
    assert run("run").returncode == 2
    assert run("run", "x.cfg", "--threads", "zero").returncode == 2


def test_no_redrawn_progress_line_when_output_is_not_a_terminal(scenario, tmp_path):
    r = run("run", scenario(), "-o", tmp_path / "o.h5", check=True)
    assert "\r" not in r.stderr  # whole lines for a log instead (test_cli_habits.py)
    assert r.stderr.splitlines()[-1].startswith("week 30/30 ")


def test_shipped_scenarios_are_valid():
    for cfg in sorted((SOURCE / "scenarios").glob("*.cfg")):
        r = run("check", cfg)
        assert r.returncode == 0, f"{cfg.name}: {r.stderr}"


def test_docs_parameters_md_is_generated_from_the_table():
    r = run("params", "--markdown", check=True)
    doc = (SOURCE / "docs" / "parameters.md").read_text()
    assert doc == r.stdout, "docs/parameters.md is stale: run `make docs`"


def test_docs_output_md_documents_every_variable(scenario, tmp_path):
    out = tmp_path / "o.h5"
    run("run", scenario(), "-o", out, "--quiet", check=True)
    doc = (SOURCE / "docs" / "output.md").read_text()
    with h5py.File(out, "r") as f:
        names = [n for n, o in f.items() if isinstance(o, h5py.Dataset)]
    missing = [n for n in names if f"`{n}`" not in doc]
    assert not missing, f"docs/output.md does not describe {missing}"
