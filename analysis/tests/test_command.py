"""`aandacht report` through the engine's binary: exit statuses and messages,
the default output directory, the interpreter and package it hands over to."""
import os
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

from report_runs import ANALYSIS, engine, run_files  # noqa: F401  (fixtures)


def test_report_writes_the_default_directory(run_files, tmp_path):
    r = engine("report", run_files["calm"], cwd=tmp_path)
    out = tmp_path / "out" / "calm_report"
    assert (out / "report.html").exists(), r.stderr
    assert str(out / "report.html") in r.stdout or "calm_report/report.html" in r.stdout
    assert list((out / "charts").glob("*.png")) and list((out / "data").glob("*.csv"))


def test_two_files_of_the_same_name_are_exit_2(run_files, tmp_path):
    twin = tmp_path / "calm.h5"
    shutil.copy(run_files["calm"], twin)
    r = engine("report", run_files["calm"], twin, "-o", tmp_path / "r", check=False)
    assert r.returncode == 2 and "same name" in r.stderr
    assert not (tmp_path / "r").exists()


def test_missing_file_is_exit_2_naming_it(tmp_path):
    r = engine("report", tmp_path / "nothere.h5", check=False)
    assert r.returncode == 2
    assert "nothere.h5" in r.stderr and "no such file" in r.stderr


def test_not_an_aandacht_file_is_exit_2_naming_it(tmp_path):
    text = tmp_path / "notes.h5"
    text.write_text("not HDF5 at all\n")
    r = engine("report", text, check=False)
    assert r.returncode == 2 and "notes.h5" in r.stderr and "not an aandacht file" in r.stderr
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = np.arange(3)
    r = engine("report", other, check=False)
    assert r.returncode == 2 and "other.h5" in r.stderr and "not an aandacht file" in r.stderr
    assert not (tmp_path / "out").exists()


def test_unwritable_directory_is_exit_1(run_files, tmp_path):
    (tmp_path / "afile").write_text("")
    r = engine("report", run_files["calm"], "-o", tmp_path / "afile", check=False)
    assert r.returncode == 1 and "cannot write" in r.stderr and "afile" in r.stderr


def test_usage_errors(tmp_path):
    r = engine("report", check=False)
    assert r.returncode == 2 and "no file given" in r.stderr
    r = engine("report", "--bogus", "x.h5", check=False)
    assert r.returncode == 2 and "--bogus" in r.stderr
    r = engine("report", "--help")
    assert r.returncode == 0 and "usage: aandacht report" in r.stdout


def test_no_interpreter_is_exit_2_naming_the_packages(run_files):
    env = dict(os.environ, AANDACHT_PYTHON="/nonexistent/python3")
    r = engine("report", run_files["calm"], check=False, env=env)
    assert r.returncode == 2
    assert "python3-matplotlib" in r.stderr and "apt-get install" in r.stderr


def test_python_without_the_packages_is_exit_2(run_files, tmp_path):
    """An interpreter that cannot import matplotlib: the package says what to install."""
    fake = tmp_path / "python3"
    fake.write_text(f"#!/bin/sh\nexec /usr/bin/python3 -S \"$@\"\n")   # -S: no site-packages
    fake.chmod(0o755)
    env = dict(os.environ, AANDACHT_PYTHON=str(fake))
    r = engine("report", run_files["calm"], check=False, env=env)
    if r.returncode == 0:
        pytest.skip("this Python finds matplotlib without site-packages")
    assert r.returncode == 2 and "apt-get install" in r.stderr and "python3-" in r.stderr


def test_analysis_override(run_files, tmp_path):
    env = dict(os.environ, AANDACHT_ANALYSIS=str(tmp_path))
    r = engine("report", run_files["calm"], check=False, env=env)
    assert r.returncode == 2 and "AANDACHT_ANALYSIS" in r.stderr
    # the package's own help (it knows --no-csv) shows that it was found there
    env = dict(os.environ, AANDACHT_ANALYSIS=str(ANALYSIS))
    r = engine("report", "--help", env=env)
    assert "--no-csv" in r.stdout


def test_installed_layout_finds_the_package_beside_the_binary(run_files, tmp_path):
    """bin/aandacht finds share/aandacht/python next to it (what cmake --install makes)."""
    from report_runs import BINARY
    (tmp_path / "bin").mkdir()
    shutil.copy(BINARY, tmp_path / "bin" / "aandacht")
    shutil.copytree(ANALYSIS / "aandacht", tmp_path / "share" / "aandacht" / "python" / "aandacht",
                    ignore=shutil.ignore_patterns("__pycache__"))
    wrap = tmp_path / "py"
    wrap.write_text('#!/bin/sh\necho "PYTHONPATH=$PYTHONPATH" >&2\nexec /usr/bin/python3 "$@"\n')
    wrap.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("AANDACHT_ANALYSIS", "PYTHONPATH")}
    env["AANDACHT_PYTHON"] = str(wrap)
    r = subprocess.run([str(tmp_path / "bin" / "aandacht"), "report", "--help"], capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.returncode == 0 and "--no-csv" in r.stdout
    assert f"PYTHONPATH={tmp_path}/bin/../share/aandacht/python" in r.stderr


def test_a_partial_without_a_recorded_week_is_one_line_and_exit_2(run_files, tmp_path):
    # a run killed in its warm-up: the file's layout, no week written yet
    part = tmp_path / "early.h5.partial"
    shutil.copy(run_files["calm"], part)
    with h5py.File(part, "r+") as f:
        f.attrs["weeks_written"] = np.int64(0)
        f.attrs["complete"] = np.int8(0)
    r = engine("report", part, "-o", tmp_path / "r", check=False)
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "holds no recorded week" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("damage", ["truncated", "overwritten"])
def test_a_damaged_file_is_one_line_and_exit_2(run_files, tmp_path, damage):
    bad = tmp_path / "bad.h5"
    data = bytearray(Path(run_files["calm"]).read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    else:   # the object headers after the superblock: the layout no longer reads
        data[200:4200] = b"\xff" * 4000
    bad.write_bytes(bytes(data))
    r = engine("report", bad, "-o", tmp_path / "r", "--no-decision", check=False)
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1 and "bad.h5" in r.stderr, r.stderr


def test_a_misspelt_option_gets_a_suggestion(run_files, tmp_path):
    r = engine("report", run_files["calm"], "--agianst", run_files["calm"], "-o", tmp_path / "r", check=False)
    assert r.returncode == 2 and "unknown option '--agianst' (did you mean '--against'?)" in r.stderr, r.stderr
    r = engine("report", run_files["calm"], "--zzzz", check=False)
    assert r.returncode == 2 and "unknown option '--zzzz'" in r.stderr and "did you mean" not in r.stderr
