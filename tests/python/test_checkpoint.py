"""Checkpoints (aandacht run --checkpoint-every N; docs/hpc.md): a run
stopped by SIGTERM (Slurm's pre-emption) saves its state and exits 75, and
the same command run again goes on from it to the file an uninterrupted run
writes; so does a run killed outright after a checkpoint."""
import os
import signal
import subprocess
import time
from pathlib import Path

import h5py

from engine_support import BINARY, run, small_scenario
from sweep_support import assert_same_run

ARGS = ["--quiet", "--threads", "2"]


def scenario(tmp_path):
    # big enough to take a few seconds, so that a signal lands mid-run
    return small_scenario(tmp_path, weeks=260, warmup=20, customers=60000)


def uninterrupted(tmp_path):
    """The scenario, and the file its run writes when nothing stops it."""
    cfg = scenario(tmp_path)
    whole = tmp_path / "whole.h5"
    run("run", cfg, "-o", whole, *ARGS, check=True)
    return cfg, whole


def checkpoint_week(path):
    try:
        with h5py.File(path, "r") as f:
            return int(f.attrs["week"])
    except (OSError, KeyError):
        return None


def start_and_wait(cfg, out, every, min_week):
    """Starts a run with checkpoints and waits until its checkpoint is past min_week."""
    p = subprocess.Popen([str(BINARY), "run", str(cfg), "-o", str(out), *ARGS, "--checkpoint-every", str(every)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ckpt = Path(str(out) + ".checkpoint")
    t0 = time.monotonic()
    while True:
        assert p.poll() is None, "the run ended before it could be stopped"
        w = checkpoint_week(ckpt) if ckpt.exists() else None
        if w is not None and w >= min_week:
            return p
        assert time.monotonic() - t0 < 120
        time.sleep(0.02)


def test_sigterm_saves_a_checkpoint_exits_75_and_the_same_command_goes_on(tmp_path):
    cfg, whole = uninterrupted(tmp_path)
    out = tmp_path / "cut.h5"
    p = start_and_wait(cfg, out, 10, 0)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 75, err
    assert "SIGTERM" in err and "run the same command again" in err
    ckpt = Path(str(out) + ".checkpoint")
    partial = Path(str(out) + ".partial")
    assert ckpt.exists() and partial.exists() and not out.exists()
    with h5py.File(partial, "r") as f:
        # the partial holds every week up to the checkpoint's
        assert int(f.attrs["weeks_written"]) >= checkpoint_week(ckpt) + 1
    r = run("run", cfg, "-o", out, *ARGS, "--checkpoint-every", "10")
    assert r.returncode == 0, r.stderr
    assert out.exists() and not partial.exists() and not ckpt.exists()
    assert_same_run(whole, out)
    assert run("verify", out).returncode == 0


def test_a_run_killed_outright_goes_on_from_its_last_checkpoint(tmp_path):
    cfg, whole = uninterrupted(tmp_path)
    out = tmp_path / "killed.h5"
    p = start_and_wait(cfg, out, 7, 20)
    time.sleep(0.3)   # weeks after the checkpoint reach the partial, and are cut back
    p.kill()
    p.communicate(timeout=60)
    r = run("run", cfg, "-o", out, "--checkpoint-every", "7", "--threads", "1")
    assert r.returncode == 0, r.stderr
    assert "going on from the checkpoint" in r.stderr
    assert_same_run(whole, out)


def test_another_configuration_does_not_go_on_from_the_checkpoint(tmp_path):
    cfg = scenario(tmp_path)
    out = tmp_path / "o.h5"
    p = start_and_wait(cfg, out, 10, -5)
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=120)
    assert p.returncode == 75
    r = run("run", cfg, "-o", out, *ARGS, "--checkpoint-every", "10", "--set", "satisfaction.theta=0.5")
    assert r.returncode == 2 and ".checkpoint" in r.stderr and "--force" in r.stderr, r.stderr
    assert Path(str(out) + ".partial").exists()
    small = ["--set", "scenario.weeks=30"]
    r = run("run", cfg, "-o", out, *ARGS, *small, "--checkpoint-every", "10", "--force")
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        assert f["week"].shape == (30,)


def test_a_partial_without_a_checkpoint_starts_over(tmp_path):
    cfg = small_scenario(tmp_path, weeks=20, warmup=10, customers=2000)
    out = tmp_path / "o.h5"
    whole = tmp_path / "whole.h5"
    run("run", cfg, "-o", whole, "--quiet", check=True)
    Path(str(out) + ".partial").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(88))
    r = run("run", cfg, "-o", out, "--checkpoint-every", "50")
    assert r.returncode == 0 and "starting the run over" in r.stderr, r.stderr
    assert_same_run(whole, out)
