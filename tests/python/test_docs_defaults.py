"""One source for defaults: the parameter table (sim/param_table.def).
docs/parameters.md is generated from it (`aandacht params --markdown`), the
defaults docs/model.md states are kept equal to it by
tools/model_defaults.py (both run by `make docs`), and bench/numpy_reference.py
reads its parameters from `aandacht params --json`."""
import importlib.util
import re
import json
import shutil
import subprocess
import sys

import pytest

from engine_support import BINARY, SOURCE, run

TOOL = SOURCE / "tools" / "model_defaults.py"
MODEL = SOURCE / "docs" / "model.md"


def tool(*args):
    return subprocess.run([sys.executable, str(TOOL), "--binary", str(BINARY), *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def table():
    return {e["key"]: e for e in json.loads(run("params", "--json", check=True).stdout)["parameters"]}


def test_parameters_md_is_generated_from_the_table():
    assert (SOURCE / "docs" / "parameters.md").read_text() == run("params", "--markdown", check=True).stdout, \
        "docs/parameters.md is out of date: run make docs"


def test_model_md_states_the_defaults_of_the_table():
    r = tool("--check", MODEL)
    assert r.returncode == 0, f"docs/model.md is out of date (make docs rewrites it):\n{r.stdout}{r.stderr}"


def test_model_md_tracks_the_defaults_it_states():
    r = tool("--list", MODEL)
    assert r.returncode == 0, r.stderr
    keys = {line.split(": ", 1)[1].split()[0] for line in r.stdout.splitlines()}
    # among them the three that had drifted in the numpy reference, and the tipping table
    assert {"employee.base", "choice.taste_scale", "choice.occasion_scale", "tipping.smile.effect",
            "events.stated_half_life", "scenario.weeks:max"} <= keys
    assert len(keys) > 100


def test_a_stale_default_in_model_md_is_found_and_rewritten(tmp_path):
    doc = tmp_path / "model.md"
    original = MODEL.read_text()
    stale = (original.replace("`employee.base` 0.43", "`employee.base` 0.45")
             .replace("sigma_taste 0.6, sigma_occ 0.4;", "sigma_taste 1.0, sigma_occ 1.0;")
             .replace("(weights 0.5, 0.25, 0.25)", "(weights 0.55, 0.25, 0.25)"))
    assert stale.count("0.45") > original.count("0.45")
    doc.write_text(stale)
    r = tool("--check", doc)
    assert r.returncode == 1, r.stdout + r.stderr
    for key in ("employee.base is 0.45", "choice.taste_scale is 1.0", "choice.occasion_scale is 1.0",
                "market.weight_quality is 0.55"):
        assert key in r.stdout, r.stdout
    assert doc.read_text() == stale  # --check changes nothing
    r = tool(doc)
    assert r.returncode == 0, r.stderr
    assert doc.read_text() == original


def test_a_mention_the_text_no_longer_has_is_reported(tmp_path):
    doc = tmp_path / "model.md"
    text, n = re.subn(r"with w_F ([0-9.]+), w_pv", r"with w_F = \1, w_pv", MODEL.read_text())
    assert n == 1
    doc.write_text(text)
    r = tool("--check", doc)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "not found" in r.stderr and "satisfaction.w_functional" in r.stderr


@pytest.fixture(scope="module")
def numpy_reference():
    spec = importlib.util.spec_from_file_location("numpy_reference_defaults",
                                                  SOURCE / "bench" / "numpy_reference.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_numpy_reference_takes_its_parameters_from_the_table(numpy_reference):
    ref = numpy_reference
    ref.P.use(BINARY)
    t = table()
    assert set(ref.P) == set(ref.KEYS)
    for name, key in ref.KEYS.items():
        assert ref.P[name] == t[key]["default"], (name, key)
    assert (ref.P["e0"], ref.P["sigma_taste"], ref.P["sigma_occ"]) == (
        t["employee.base"]["default"], t["choice.taste_scale"]["default"], t["choice.occasion_scale"]["default"])


def test_numpy_reference_says_when_it_has_no_binary(tmp_path):
    r = subprocess.run([sys.executable, str(SOURCE / "bench" / "numpy_reference.py"),
                        "--binary", tmp_path / "no_such_aandacht", "1000", "1", "1"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "no aandacht binary" in r.stderr and "no_such_aandacht" in r.stderr


def test_numpy_reference_runs_with_the_binary_given(tmp_path):
    # as make bench runs it, from another directory
    r = subprocess.run([sys.executable, str(SOURCE / "bench" / "numpy_reference.py"),
                        "--binary", BINARY, "3000", "1", "1"],
                       capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("numpy_reference: 3000 customers, 1 weeks, 1 repeats")
