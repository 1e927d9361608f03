"""A sweep protects finished work: an OUT.h5.partial an interrupted sweep
left is not started over unless --resume or --force is given. The sweep
then exits with status 2, says how many finished runs the partial holds and
that --resume finishes it or --force starts over, and leaves the file's
bytes as they were; --resume then finishes it. The same under MPI (rank 0
reads the partial; every rank exits 2, none hangs)."""
import signal
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

from engine_support import BINARY, run, small_scenario
from sweep_support import GRID, RUNS, finished_runs, mpi_binary, mpirun, wait_for_runs


def stopped_sweep(tmp_path, least=2):
    """A sweep stopped by SIGINT once `least` runs are finished: its
    scenario, its output path and the finished runs in its partial."""
    cfg = small_scenario(tmp_path, weeks=80, warmup=40, customers=100000, extra=GRID)   # some 0.3 s a run or more
    out = tmp_path / "p.h5"
    partial = Path(f"{out}.partial")
    p = subprocess.Popen([str(BINARY), "sweep", str(cfg), "-o", str(out), "--quiet", "--jobs", "1",
                          "--threads", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_runs(p, partial, 0)
        # the first sweep still writes it: a second one refuses, saying so
        r = run("sweep", cfg, "-o", out, "--quiet")
        assert r.returncode == 2 and "another job is writing" in r.stderr, r.stderr
        wait_for_runs(p, partial, least)
        assert p.poll() is None, "the sweep ended before it could be stopped"
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=300)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 130 and "--resume" in err, (p.returncode, err)
    assert partial.exists() and not out.exists()
    done = finished_runs(partial)
    assert least <= done < RUNS
    return cfg, out, partial, done


def test_a_stopped_sweep_is_not_started_over_and_resume_finishes_it(tmp_path):
    cfg, out, partial, done = stopped_sweep(tmp_path)
    before = partial.read_bytes()
    stamp = partial.stat().st_mtime_ns
    for extra in ([], ["--quiet"], ["--jobs", "2"]):
        r = run("sweep", cfg, "-o", out, *extra)
        assert r.returncode == 2, (extra, r.returncode, r.stderr)
        msg = r.stderr
        assert msg.count("\n") == 1 and msg.startswith(f"aandacht: {partial}: "), msg
        assert f"holds {done} finished runs (of {RUNS})" in msg, msg
        assert f"running only the {RUNS - done} not done" in msg, msg
        assert "`--resume` finishes it" in msg and "`--force` starts over" in msg, msg
        assert partial.read_bytes() == before and partial.stat().st_mtime_ns == stamp
        assert not out.exists()
    r = run("sweep", cfg, "-o", out, "--quiet", "--resume")
    assert r.returncode == 0, r.stderr
    assert out.exists() and not partial.exists()
    assert run("verify", out).returncode == 0
    with h5py.File(out, "r") as f:
        assert (f["status"][()] == 1).all() and int(f.attrs["complete"]) == 1


def test_force_starts_over(tmp_path):
    cfg = small_scenario(tmp_path, weeks=6, warmup=4, customers=400, extra=GRID)
    out = tmp_path / "f.h5"
    run("sweep", cfg, "-o", out, "--quiet", check=True)
    partial = Path(f"{out}.partial")
    out.rename(partial)                      # as if stopped after its last run
    with h5py.File(partial, "r+") as f:      # runs 1 and 5 not run, run 2 failed
        st = f["status"][()]
        st[[1, 5]] = 0
        st[2] = -1
        f["status"][:] = st
        f.attrs["complete"] = np.int8(0)
    r = run("sweep", cfg, "-o", out)
    assert r.returncode == 2, r.stderr
    assert f"holds {RUNS - 3} finished runs (of {RUNS}) and 1 failed run (which --resume runs again)" in r.stderr
    assert "running only the 3 not done" in r.stderr, r.stderr
    r = run("sweep", cfg, "-o", out, "--quiet", "--force")
    assert r.returncode == 0, r.stderr
    assert out.exists() and not partial.exists()
    with h5py.File(out, "r") as f:
        assert (f["status"][()] == 1).all()


def test_a_partial_that_does_not_open_is_kept_too(tmp_path):
    cfg = small_scenario(tmp_path, weeks=4, warmup=4, customers=300, extra=GRID)
    partial = tmp_path / "u.h5.partial"
    partial.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(88))     # killed before it was readable
    r = run("sweep", cfg, "-o", tmp_path / "u.h5")
    assert r.returncode == 2, r.stderr
    assert "u.h5.partial" in r.stderr and "does not open as a sweep file" in r.stderr, r.stderr
    assert "`--resume`" in r.stderr and "`--force` starts over" in r.stderr, r.stderr
    assert partial.read_bytes() == b"\x89HDF\r\n\x1a\n" + bytes(88)
    assert not (tmp_path / "u.h5").exists()


def test_a_shards_partial_counts_the_shards_runs(tmp_path):
    cfg = small_scenario(tmp_path, weeks=6, warmup=4, customers=400, extra=GRID)
    shard = tmp_path / "s.shard1of2.h5"
    run("sweep", cfg, "-o", tmp_path / "s.h5", "--shard", "1/2", "--quiet", check=True)
    partial = Path(f"{shard}.partial")
    shard.rename(partial)
    with h5py.File(partial, "r+") as f:
        st = f["status"][()]
        st[3] = 0                           # runs 1, 5, 7 of the shard's four finished
        f["status"][:] = st
        f.attrs["complete"] = np.int8(0)
    r = run("sweep", cfg, "-o", tmp_path / "s.h5", "--shard", "1/2")
    assert r.returncode == 2 and "s.shard1of2.h5.partial" in r.stderr, r.stderr
    assert f"holds 3 finished runs (of {RUNS // 2})" in r.stderr, r.stderr
    r = run("sweep", cfg, "-o", tmp_path / "s.h5", "--shard", "1/2", "--resume", "--quiet")
    assert r.returncode == 0, r.stderr
    assert shard.exists() and not partial.exists()


@pytest.mark.parametrize("ranks", [1, 3])
def test_mpi_refuses_a_partial_on_every_rank(tmp_path, ranks):
    exe = mpi_binary()
    cfg = small_scenario(tmp_path, weeks=6, warmup=4, customers=400, extra=GRID)
    out = tmp_path / "m.h5"
    subprocess.run([str(exe), "sweep", str(cfg), "-o", str(out), "--quiet", "--threads", "1"], check=True,
                   capture_output=True, timeout=300)
    partial = Path(f"{out}.partial")
    out.rename(partial)
    with h5py.File(partial, "r+") as f:
        st = f["status"][()]
        st[[0, 4, 6]] = 0
        f["status"][:] = st
        f.attrs["complete"] = np.int8(0)
    before = partial.read_bytes()
    args = ["sweep", cfg, "-o", out, "--threads", 1]
    r = mpirun(ranks, exe, *args, timeout=120)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stderr.count(f"holds {RUNS - 3} finished runs (of {RUNS})") == 1, r.stderr   # one rank says it
    assert "`--resume` finishes it" in r.stderr and "`--force` starts over" in r.stderr
    assert partial.read_bytes() == before and not out.exists()
    r = mpirun(ranks, exe, *args, "--resume")
    assert r.returncode == 0, r.stderr
    assert out.exists() and not partial.exists()
