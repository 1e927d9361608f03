"""The R examples of docs/output.md ("R: ncdf4", "R: hdf5r") run as written
with Rscript on the baseline's run, without an error or a warning, and
without ncdf4's notice about int64 attributes (the example keeps it quiet,
as the docs say); each block's results are then checked against the file.
The GNU Octave example runs the same way when Octave and its netCDF
package are installed (tools/install-deps --with-octave). As in
test_docs_examples.py, the examples run in a folder holding
out/baseline.h5, made small with --set."""
import re
import shutil
import subprocess

import h5py
import pytest

from engine_support import SOURCE, run

DOC = SOURCE / "docs" / "output.md"
RSCRIPT = shutil.which("Rscript")
OCTAVE = shutil.which("octave-cli")
BRANDS = ["Classic", "Service", "Budget", "Digital"]
WEEKS, SNAPSHOTS = 156, 3
INT64_NOTICE = ">>>> WARNING <<<"      # what ncdf4 prints for an int64 attribute


def section(text, start, end):
    return text[text.index(start):text.index(end)]


def blocks(text, lang):
    return re.findall(r"```" + lang + r"\n(.*?)```", text, flags=re.S)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("docs_r")
    (d / "out").mkdir()
    run("run", SOURCE / "scenarios" / "baseline.cfg", "-o", d / "out" / "baseline.h5", "--quiet",
        "--set", "population.customers=3000", "--weeks", WEEKS, "--set", "scenario.warmup=52",
        "--set", "output.raw_agents=true", check=True)
    return d


def file_seed(workdir):
    with h5py.File(workdir / "out" / "baseline.h5", "r") as f:
        return int(f["parameters"].attrs["scenario.seed"])


def r_blocks():
    text = section(DOC.read_text(), "### R: ncdf4", "### MATLAB")
    code = blocks(text, "r")
    assert len(code) == 2
    return code


# after each block: what it read, one line per check (seed as the block holds it)
R_CHECKS = {
    "ncdf4": 'seed_read <- seed',
    "hdf5r": 'seed_read <- params[["scenario.seed"]]',
}
R_REPORT = r'''
cat("CHECK brand", brand, "\n")
cat("CHECK share", dim(share), "\n")
cat("CHECK loy", dim(loy), "\n")
cat("CHECK seed", format(seed_read, scientific = FALSE), class(seed_read), "\n")
'''


def run_r(workdir, code, name):
    script = workdir / f"{name}.R"
    # warn = 2: any R warning is an error, and Rscript exits non-zero
    script.write_text("options(warn = 2)\n" + code + R_CHECKS[name] + "\n" + R_REPORT)
    r = subprocess.run([RSCRIPT, "--vanilla", script.name], cwd=workdir, capture_output=True, text=True, timeout=300)
    out = r.stdout + r.stderr
    assert r.returncode == 0, f"the {name} example of docs/output.md failed:\n{out}"
    assert INT64_NOTICE not in out, f"the {name} example prints ncdf4's int64 notice:\n{out}"
    assert "Warning" not in out, out
    return dict(line.split(None, 2)[1:] for line in r.stdout.splitlines() if line.startswith("CHECK "))


@pytest.mark.skipif(RSCRIPT is None, reason="Rscript is not installed (Debian r-base-core; tools/install-deps "
                                            "installs it with r-cran-ncdf4 and r-cran-hdf5r)")
@pytest.mark.parametrize("name", ["ncdf4", "hdf5r"])
def test_r_example_runs(workdir, name):
    code = dict(zip(["ncdf4", "hdf5r"], r_blocks()))[name]
    assert f"library({name})" in code
    have = subprocess.run([RSCRIPT, "-e", f"quit(status = !requireNamespace('{name}', quietly = TRUE))"],
                          capture_output=True, text=True, timeout=120)
    assert have.returncode == 0, (f"the R package {name} is missing (Debian r-cran-{name}; "
                                  "tools/install-deps installs it)")
    got = run_r(workdir, code, name)
    assert got["brand"].split() == BRANDS
    assert got["share"].split() == ["4", str(WEEKS)]                 # [brand, week]
    assert got["loy"].split() == ["20", "4", str(SNAPSHOTS)]         # [bin, brand, snapshot]
    seed, kind = got["seed"].split()
    assert int(seed) == file_seed(workdir)
    assert kind == ("numeric" if name == "ncdf4" else "integer")      # as the docs say


def test_r_block_reading_int64_keeps_ncdf4_quiet():
    # the docs' ncdf4 block reads an int64 attribute, and does it inside capture.output
    ncdf4 = r_blocks()[0]
    line = next(x for x in ncdf4.splitlines() if "scenario.seed" in x)
    assert "capture.output(" in line


def octave_has_netcdf():
    r = subprocess.run([OCTAVE, "--quiet", "--no-history", "--no-window-system", "--eval", "pkg load netcdf"],
                       capture_output=True, text=True, timeout=300)
    return r.returncode == 0


@pytest.mark.skipif(OCTAVE is None, reason="GNU Octave is not installed (tools/install-deps --with-octave)")
def test_octave_example_runs(workdir):
    if not octave_has_netcdf():
        pytest.skip("Octave's netcdf package is not installed (Debian octave-netcdf; tools/install-deps --with-octave)")
    text = section(DOC.read_text(), "### GNU Octave", "## Sweep files")
    code = blocks(text, "matlab")
    assert len(code) == 1
    script = workdir / "octave_example.m"
    script.write_text(code[0] + "\n".join([
        "printf('CHECK share %d %d\\n', size(share));",
        "printf('CHECK loy %d %d %d\\n', size(loy));",
        "printf('CHECK part %d %d\\n', size(part));",
        "printf('CHECK seed %d %s\\n', seed, class(seed));",
        "printf('CHECK scenario %s\\n', scenario);",
        "printf('CHECK units %s\\n', units);",
        "printf('CHECK currency %s\\n', currency);", ""]))
    # --no-history: Octave 7 otherwise ends with "error: ignoring const
    # execution_exception& while preparing to exit" where it cannot save it
    r = subprocess.run([OCTAVE, "--quiet", "--no-history", "--no-window-system", script.name], cwd=workdir,
                       capture_output=True, text=True, timeout=300)
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "error:" not in out and "warning:" not in out, out
    got = dict(line.split(None, 2)[1:] for line in r.stdout.splitlines() if line.startswith("CHECK "))
    assert got["share"].split() == ["4", str(WEEKS)]
    assert got["loy"].split() == ["20", "4", str(SNAPSHOTS)]
    assert got["part"].split() == ["1", "52"]
    assert got["seed"].split() == [str(file_seed(workdir)), "int64"]
    assert got["scenario"] == "baseline"
    assert got["units"] == "week-1" and got["currency"] == "money"
