"""`mpirun -n K aandacht sweep` (an MPI build: make test builds one in
<build>-mpi and passes it as AANDACHT_MPI_BINARY). On a tiny grid sweep (8
runs): 1, 2 and 3 ranks, and 3 ranks with 2 jobs each, write what the
serial sweep of the same binary writes (every variable but wall_time,
every root attribute but created); so do --shard and --resume under MPI; a
run that fails on a worker is recorded with its message and the others
complete; a bad option, a bad scenario or an existing output ends every
rank with exit status 2 and one message, without hanging; and a binary
built without MPI refuses to run as several MPI processes."""
import os
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

from engine_support import BINARY, run, small_scenario
from sweep_support import GRID, RUNS, assert_same_sweep, mpi_binary, mpirun, mpirun_command, wait_for_runs


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    exe = mpi_binary()
    d = tmp_path_factory.mktemp("mpi")
    cfg = small_scenario(d, name="tiny", weeks=20, warmup=10, customers=2000, extra=GRID)
    ref = d / "serial.h5"
    r = subprocess.run([str(exe), "sweep", str(cfg), "-o", str(ref), "--quiet", "--threads", "1"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return exe, cfg, ref


@pytest.mark.parametrize("ranks,jobs", [(1, 1), (2, 1), (3, 1), (3, 2)])
def test_mpi_sweep_equals_the_serial_one(serial, tmp_path, ranks, jobs):
    exe, cfg, ref = serial
    out = tmp_path / "mpi.h5"
    r = mpirun(ranks, exe, "sweep", cfg, "-o", out, "--threads", 1, "--jobs", jobs)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count(f"{RUNS} runs ({RUNS} ok, 0 failed)") == 1      # rank 0 alone reports
    if ranks > 1:
        assert f"{ranks} MPI ranks, {jobs} job" in r.stdout
    assert_same_sweep(ref, out)
    with h5py.File(out, "r") as f:
        assert (f["wall_time"][()] > 0).all()


def test_mpi_shard_and_resume(serial, tmp_path):
    exe, cfg, ref = serial
    r = mpirun(2, exe, "sweep", cfg, "-o", tmp_path / "s.h5", "--shard", "1/3", "--threads", 1)
    assert r.returncode == 0, r.stderr
    alone = tmp_path / "alone.h5"
    subprocess.run([str(exe), "sweep", str(cfg), "-o", str(alone), "--shard", "1/3", "--quiet"], check=True,
                   capture_output=True, timeout=300)
    assert_same_sweep(tmp_path / "alone.shard1of3.h5", tmp_path / "s.shard1of3.h5")
    # an interrupted sweep: the serial file with runs 2, 3 and 6 not run
    out = tmp_path / "r.h5"
    partial = tmp_path / "r.h5.partial"
    shutil.copy(ref, partial)
    with h5py.File(partial, "r+") as f:
        for k in (2, 3, 6):
            f["status"][k] = 0
            f["market_share"][k] = np.nan
        f.attrs["complete"] = np.int8(0)
    r = mpirun(3, exe, "sweep", cfg, "-o", out, "--resume", "--threads", 1)
    assert r.returncode == 0, r.stderr
    assert out.exists() and not partial.exists()
    assert_same_sweep(ref, out)


def test_a_failed_run_on_a_worker_is_recorded(serial, tmp_path):
    """Run 1 asks for 10^8 customers, more than the ranks' 2 GiB address
    space: it fails on its worker, is recorded as failed with its message,
    and the runs before and after it complete, as in a serial sweep."""
    exe, _, _ = serial
    cfg = small_scenario(tmp_path, name="fails", weeks=6, warmup=4, customers=2000, extra="""
sweep = { design = "list"; replications = 1;
  points = ( [2000], [100000000], [3000] );
  parameters = ( { key = "population.customers"; } ); };
""")
    out = tmp_path / "f.h5"
    limit = f"ulimit -v {2 << 20} && exec \"$0\" \"$@\""
    probe = subprocess.run(["sh", "-c", limit, str(exe), "run", str(cfg), "-o", str(tmp_path / "probe.h5"),
                            "--quiet"], capture_output=True, text=True, timeout=300)
    if probe.returncode != 0:   # e.g. a sanitizer build reserves more address space than the limit
        pytest.skip(f"a small run does not fit in 2 GiB of address space here: {probe.stderr.strip()[:200]}")
    r = mpirun(2, "sh", "-c", limit, exe, "sweep", cfg, "-o", out, "--threads", 1)
    assert r.returncode == 1, r.stderr
    assert r.stderr.count("1 of 3 runs failed") == 1 and "out of memory for 100000000 customers" in r.stderr
    with h5py.File(out, "r") as f:
        assert int(f.attrs["complete"]) == 1 and int(f.attrs["runs_failed"]) == 1
        assert f["status"][()].tolist() == [1, -1, 1]
        assert "out of memory for 100000000 customers" in f["message"][1].decode()
        assert np.isfinite(f["market_share"][0]).all() and np.isfinite(f["market_share"][2]).all()


def test_bad_input_ends_every_rank_with_status_2(serial, tmp_path):
    exe, cfg, ref = serial
    r = mpirun(3, exe, "sweep", cfg, "-o", tmp_path / "x.h5", "--set", "satisfaction.theta=abc", timeout=120)
    assert r.returncode == 2 and r.stderr.count("satisfaction.theta expects a number") == 1, r.stderr
    r = mpirun(3, exe, "sweep", tmp_path / "none.cfg", "-o", tmp_path / "x.h5", timeout=120)
    assert r.returncode == 2 and r.stderr.count("cannot read") == 1, r.stderr
    r = mpirun(3, exe, "sweep", cfg, "-o", ref, timeout=120)
    assert r.returncode == 2 and r.stderr.count("--force") == 1, r.stderr
    r = mpirun(2, exe, "sweep", cfg, "--shard", "3/3", timeout=120)
    assert r.returncode == 2 and "--shard needs I/N" in r.stderr
    assert not list(tmp_path.iterdir())


def test_a_build_without_mpi_refuses_several_processes(serial, tmp_path):
    v = run("--version", check=True).stdout
    if "MPI: not built in" not in v:
        pytest.skip(f"{BINARY} is itself an MPI build")
    _, cfg, _ = serial
    r = mpirun(2, BINARY, "sweep", cfg, "-o", tmp_path / "x.h5", timeout=120)
    assert r.returncode == 2 and "built without MPI" in r.stderr
    assert not list(tmp_path.iterdir())


def children(pid):
    """Process ids whose parent is pid (the ranks mpirun started)."""
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def test_sigterm_to_the_ranks_leaves_a_partial_that_resumes(serial, tmp_path):
    """SIGTERM to every rank (as Slurm sends at the time limit) once two
    runs are written: every rank stops, rank 0 keeps the finished runs in
    OUT.partial and says so; --resume under MPI completes it, equal to a
    serial sweep."""
    import signal
    exe, _, _ = serial
    cfg = small_scenario(tmp_path, name="term", weeks=60, warmup=10, customers=30000,
                         extra=GRID.replace("levels = 2; },\n    { key = \"satisfaction",
                                            "levels = 3; },\n    { key = \"satisfaction"))
    whole, cut = tmp_path / "whole.h5", tmp_path / "cut.h5"
    subprocess.run([str(exe), "sweep", str(cfg), "-o", str(whole), "--quiet", "--threads", "1"], check=True,
                   capture_output=True, timeout=300)
    partial = tmp_path / "cut.h5.partial"
    cmd, env = mpirun_command(3, exe, "sweep", cfg, "-o", cut, "--threads", 1)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        ok = wait_for_runs(p, partial, 2)
        for kid in children(p.pid):
            os.kill(kid, signal.SIGTERM)
        _, err = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert ok >= 2 and p.returncode != 0, "the sweep ended before it could be stopped"
    assert "interrupted after" in err and "--resume" in err, err
    assert partial.exists() and not cut.exists()
    with h5py.File(partial, "r") as f:
        assert int(f.attrs["complete"]) == 0 and (f["status"][()] == 0).any()
    r = mpirun(2, exe, "sweep", cfg, "-o", cut, "--resume", "--threads", 1)
    assert r.returncode == 0 and "12 runs (12 ok, 0 failed)" in r.stdout, r.stderr
    assert_same_sweep(whole, cut)


def test_an_srun_step_of_several_tasks_needs_mpi_or_shards(tmp_path):
    """Under srun -n 2 without an MPI plugin (SLURM_STEP_NUM_TASKS=2, no
    PMI), a whole sweep is refused; a shard per task runs."""
    cfg = small_scenario(tmp_path, name="step", weeks=4, warmup=2, customers=500, extra=GRID)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMPI_", "PMI", "SLURM_"))}
    env["SLURM_STEP_NUM_TASKS"] = "2"
    r = subprocess.run([str(BINARY), "sweep", str(cfg), "-o", str(tmp_path / "x.h5")], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "each would run the whole sweep" in r.stderr and "--shard" in r.stderr
    assert not (tmp_path / "x.h5.partial").exists()
    r = subprocess.run([str(BINARY), "sweep", str(cfg), "-o", str(tmp_path / "x.h5"), "--shard", "1/2", "--quiet"],
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "x.shard1of2.h5").exists()


def test_a_branched_sweep_under_mpi_equals_the_serial_one(tmp_path):
    """sweep.branch_from_warmup with the runs spread over 3 ranks (each
    keeps its own shared warm-ups) writes what one process writes."""
    exe = mpi_binary()
    extra = GRID.replace("sweep = {", "sweep = { branch_from_warmup = true;", 1)
    assert "branch_from_warmup" in extra
    cfg = small_scenario(tmp_path, name="branch", weeks=20, warmup=30, customers=2000, extra=extra)
    ref, out = tmp_path / "serial.h5", tmp_path / "mpi.h5"
    r = subprocess.run([str(exe), "sweep", str(cfg), "-o", str(ref), "--quiet"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    r = mpirun(3, exe, "sweep", cfg, "-o", out, "--threads", 1)
    assert r.returncode == 0, r.stderr
    assert_same_sweep(ref, out)
