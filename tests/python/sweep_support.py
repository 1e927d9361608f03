"""What the sweep tests share: a tiny grid sweep (2 x 2 points, 2
replications: 8 runs); the comparison of two sweep files that must hold
the same results (every dataset byte for byte but wall_time, every root
attribute but created), and of two run files; the finished runs of a sweep
still being written; and the MPI build run under mpirun."""
import os
import shutil
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from engine_support import SOURCE

MPI_BINARY = Path(os.environ.get("AANDACHT_MPI_BINARY", SOURCE / "build-mpi" / "aandacht"))
MPIRUN = shutil.which("mpirun")

GRID = """
sweep = {
  design = "grid";
  replications = 2;
  parameters = (
    { key = "brands.[2].automation.target"; min = 0.35; max = 0.9; levels = 2; },
    { key = "satisfaction.theta"; min = 0.0; max = 2.0; levels = 2; }
  );
};
"""
RUNS = 8


def contents(path):
    """Every dataset (by path) and every root attribute of a file."""
    data = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: data.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
        attrs = {k: f.attrs[k] for k in f.attrs}
    return data, attrs


def assert_same_sweep(a_path, b_path):
    """a and b hold the same sweep: same datasets (types, shapes, bytes) but
    wall_time, same root attributes but created and the
    content digest (which covers both)."""
    a, aa = contents(a_path)
    b, ba = contents(b_path)
    assert a.keys() == b.keys()
    assert "parameters/resolved_config" in a
    for name in a:
        if name == "wall_time":
            continue
        x, y = np.asarray(a[name]), np.asarray(b[name])
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert (x.tolist() == y.tolist()) if x.dtype == object else x.tobytes() == y.tobytes(), name
    assert set(aa) == set(ba)
    for k in aa:
        if k not in ("created", "content_digest"):   # the digest covers wall_time and created
            assert np.array_equal(aa[k], ba[k]), k


def assert_same_run(a_path, b_path):
    """a and b hold the same run: the same datasets (types, shapes, bytes)."""
    a, b = contents(a_path)[0], contents(b_path)[0]
    assert a.keys() == b.keys()
    for k in a:
        x, y = np.asarray(a[k]), np.asarray(b[k])
        if x.dtype == object:
            assert x.tolist() == y.tolist(), k
        else:
            assert x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes(), k


def finished_runs(path):
    """Runs with status 1 in a sweep file, or -1 while it cannot be read."""
    try:
        with h5py.File(path, "r") as f:
            return int((f["status"][()] == 1).sum())
    except (OSError, KeyError, ValueError):
        return -1


def wait_for_runs(p, partial, least, timeout=120):
    """Waits while the sweep p writes partial, until it holds `least`
    finished runs, p ends or timeout seconds pass; returns finished_runs."""
    deadline = time.monotonic() + timeout
    while (done := finished_runs(partial)) < least and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.02)
    return done


def mpi_build():
    """The MPI build (AANDACHT_MPI_BINARY; make test builds one in
    <build>-mpi); the test is skipped without it."""
    if not MPI_BINARY.exists():
        pytest.skip(f"no MPI build at {MPI_BINARY} (make test builds one; or set AANDACHT_MPI_BINARY)")
    v = subprocess.run([str(MPI_BINARY), "--version"], capture_output=True, text=True, timeout=60).stdout
    if "MPI: not built in" in v:
        pytest.skip(f"{MPI_BINARY} is built without MPI")
    return MPI_BINARY


def mpi_binary():
    """The MPI build, to run under mpirun: skipped without mpirun too."""
    if not MPIRUN:
        pytest.skip("no mpirun on PATH (tools/install-deps --with-mpi installs Open MPI)")
    return mpi_build()


def mpirun_command(n, binary, *args):
    """The command that runs binary under mpirun with n ranks (as root too,
    on any core count), and its environment."""
    env = dict(os.environ, OMPI_MCA_rmaps_base_oversubscribe="1")
    return [MPIRUN, "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-n", str(n),
            str(binary), *map(str, args)], env


def mpirun(n, binary, *args, timeout=300):
    """Runs binary under mpirun with n ranks; returns the CompletedProcess (text mode)."""
    cmd, env = mpirun_command(n, binary, *args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
