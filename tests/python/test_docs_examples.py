"""The code examples of docs/output.md run as written: the shell commands
and the Python blocks of "Reading the file" on the baseline's run, and the
sweep example on a sweep of sweep_workstation.cfg and the state example on
a saved state of the baseline (all made small with --set; the layout is the
same at any size). Every file a doc links to
exists. R, MATLAB and Octave are not on the test machines; their blocks
name only variables the Python blocks read."""
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from engine_support import BINARY, SOURCE, run

DOC = SOURCE / "docs" / "output.md"


def blocks(text, lang):
    return re.findall(r"```" + lang + r"\n(.*?)```", text, flags=re.S)


def section(text, start, end):
    return text[text.index(start):text.index(end)]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("docs_examples")
    (d / "out").mkdir()
    run("run", SOURCE / "scenarios" / "baseline.cfg", "-o", d / "out" / "baseline.h5", "--quiet",
        "--set", "population.customers=3000", "--weeks", 156, "--set", "scenario.warmup=52",
        "--set", "output.raw_agents=true", check=True)
    return d


def test_shell_examples_run(workdir):
    text = section(DOC.read_text(), "## Reading the file", "### Python: xarray")
    cmds = [line.split("#")[0].strip() for b in blocks(text, "sh") for line in b.splitlines()]
    cmds = [c for c in cmds if c and not c.startswith("aandacht ")]
    assert len(cmds) == 4
    for c in cmds:
        r = subprocess.run(shlex.split(c), cwd=workdir, capture_output=True, text=True)
        assert r.returncode == 0, (c, r.stderr)
        assert "market_share" in r.stdout or "complete" in r.stdout, c


def test_python_examples_run(workdir):
    text = section(DOC.read_text(), "## Reading the file", "### R: ncdf4")
    code = blocks(text, "python")
    assert len(code) == 2
    env = {"__name__": "__doc_example__"}
    import matplotlib
    matplotlib.use("Agg")
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        for b in code:
            exec(compile(b, str(DOC), "exec"), env)
    finally:
        os.chdir(cwd)
    assert list(env["brands"]) == ["Classic", "Service", "Budget", "Digital"]
    assert env["routing"] == "uniform" and env["scenario"] == "baseline"
    assert env["share"].shape == (156, 4)


def test_sweep_example_runs(tmp_path):
    (tmp_path / "out").mkdir()
    run("sweep", SOURCE / "scenarios" / "sweep_workstation.cfg", "--quiet", "--set", "population.customers=1500",
        "--set", "scenario.weeks=20", "--set", "scenario.warmup=10", cwd=tmp_path, check=True)
    text = section(DOC.read_text(), "## Sweep files", "## State files")
    code = blocks(text, "python")
    assert code
    env = {}
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec("import xarray as xr\n" + "\n".join(code), env)
    finally:
        os.chdir(cwd)


def test_state_example_runs(tmp_path):
    (tmp_path / "out").mkdir()
    run("run", SOURCE / "scenarios" / "baseline.cfg", "--quiet", "--set", "population.customers=1500",
        "--weeks", 2, "--set", "scenario.warmup=10", "--save-state", "out/baseline_state.h5", cwd=tmp_path,
        check=True)
    code = blocks(section(DOC.read_text(), "## State files", "## Charts, CSV files"), "python")
    assert len(code) == 1
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(code[0], {})
    finally:
        os.chdir(cwd)


def test_links_between_docs_exist():
    for doc in list((SOURCE / "docs").glob("*.md")) + [SOURCE / "README.md"]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text()):
            if re.match(r"[a-z]+:", target):
                continue
            assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which does not exist"


def test_files_the_docs_name_exist():
    # a path of the repository in backticks (docs/..., tools/..., sim/...)
    # names a file or folder that is there; <placeholders> and globs aside
    roots = ("docs/", "tools/", "scenarios/", "tests/", "bench/", "scripts/", "analysis/", "sim/", "models/",
             "output/", "app/", "include/", ".ci/")
    missing = []
    for doc in list((SOURCE / "docs").glob("*.md")) + [SOURCE / "README.md"]:
        for path in re.findall(r"`([A-Za-z0-9_./-]+)`", doc.read_text()):
            if not path.startswith(roots) or any(ch in path for ch in "<>*"):
                continue
            if re.search(r"/(my_|[A-Z]+\.)", path):   # a file the user makes (my_market.cfg, NAME.cfg)
                continue
            if not (SOURCE / path.rstrip("/")).exists():
                missing.append(f"{doc.name}: {path}")
    assert not missing, missing
