"""Outputs are never lost or written where they must not be
(docs/reliability.md): a second job given the same output refuses and
leaves the first job's file alone; the output is a regular file and never
the scenario; a partial file is never followed through a link, and one an
interrupted job left is replaced only with --force; a sweep's --resume of a
partial that holds nothing says so."""
import os
import stat
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np

from engine_support import BINARY, run, small_scenario


def wait_for(path, proc, timeout=60):
    t0 = time.monotonic()
    while not Path(path).exists():
        assert proc.poll() is None, "the first job ended before its partial file appeared"
        assert time.monotonic() - t0 < timeout
        time.sleep(0.05)


def test_a_second_job_on_the_same_output_refuses_and_the_first_finishes(tmp_path):
    cfg = small_scenario(tmp_path, weeks=400, warmup=300, customers=100000)   # a few seconds
    out = tmp_path / "x.h5"
    first = subprocess.Popen([str(BINARY), "run", str(cfg), "-o", str(out), "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(f"{out}.partial", first)
        r = run("run", cfg, "-o", out, "--quiet", "--force", "--set", "population.customers=500")
        assert r.returncode == 2 and "x.h5.partial" in r.stderr and "another job is writing" in r.stderr, r.stderr
        assert Path(f"{out}.partial").exists()
    finally:
        so, se = first.communicate(timeout=600)
    assert first.returncode == 0, se
    with h5py.File(out, "r") as f:
        assert f.attrs["complete"] == 1 and len(f["week"]) == 400 and f.attrs["customers"] == 100000


def test_a_second_sweep_on_the_same_output_refuses(tmp_path):
    extra = ('sweep = { design = "grid"; replications = 2; parameters = ( { key = "satisfaction.theta"; '
             'min = 0.0; max = 2.0; levels = 3; } ); };')
    cfg = small_scenario(tmp_path, weeks=300, warmup=150, customers=80000, extra=extra)   # a few seconds
    out = tmp_path / "s.h5"
    first = subprocess.Popen([str(BINARY), "sweep", str(cfg), "-o", str(out), "--quiet", "--jobs", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(f"{out}.partial", first)
        r = run("sweep", cfg, "-o", out, "--quiet", "--force")
        assert r.returncode == 2 and "another job is writing" in r.stderr, r.stderr
        r = run("sweep", cfg, "-o", out, "--quiet", "--resume")
        assert r.returncode == 2 and "another job is writing" in r.stderr, r.stderr
    finally:
        so, se = first.communicate(timeout=600)
    assert first.returncode == 0, se


def test_the_output_is_a_regular_file_and_never_the_scenario(tmp_path):
    cfg = small_scenario(tmp_path, weeks=2, warmup=2, customers=200)
    before = cfg.read_bytes()
    r = run("run", cfg, "-o", cfg, "--force", "--quiet")
    assert r.returncode == 2 and "is the scenario file" in r.stderr
    assert cfg.read_bytes() == before
    fifo = tmp_path / "pipe.h5"
    os.mkfifo(fifo)
    r = run("run", cfg, "-o", fifo, "--force", "--quiet")
    assert r.returncode == 2 and "not a regular file" in r.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    r = run("run", cfg, "-o", "/dev/null", "--force", "--quiet")
    assert r.returncode == 2 and "not a regular file" in r.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_partial_that_is_a_link_is_not_followed(tmp_path):
    cfg = small_scenario(tmp_path, weeks=2, warmup=2, customers=200)
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    (tmp_path / "y.h5.partial").symlink_to(target)
    for force in ([], ["--force"]):
        r = run("run", cfg, "-o", tmp_path / "y.h5", "--quiet", *force)
        assert r.returncode == 2 and "symbolic link" in r.stderr, r.stderr
    assert target.read_text() == "keep me" and (tmp_path / "y.h5.partial").is_symlink()


def test_an_interrupted_jobs_partial_is_replaced_only_with_force(tmp_path):
    cfg = small_scenario(tmp_path, weeks=2, warmup=2, customers=200)
    stale = tmp_path / "z.h5.partial"
    stale.write_bytes(b"an interrupted run's results")
    r = run("run", cfg, "-o", tmp_path / "z.h5", "--quiet")
    assert r.returncode == 2 and "interrupted job" in r.stderr and "--force" in r.stderr
    assert stale.read_bytes() == b"an interrupted run's results"
    r = run("run", cfg, "-o", tmp_path / "z.h5", "--quiet", "--force")
    assert r.returncode == 0, r.stderr
    assert not stale.exists() and (tmp_path / "z.h5").exists()


def test_resume_of_a_partial_that_holds_nothing_says_so(tmp_path):
    extra = ('sweep = { design = "grid"; replications = 1; parameters = ( { key = "satisfaction.theta"; '
             'min = 0.0; max = 2.0; levels = 2; } ); };')
    cfg = small_scenario(tmp_path, weeks=4, warmup=4, customers=300, extra=extra)
    (tmp_path / "e.h5.partial").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(88))   # 96 bytes, nothing readable
    r = run("sweep", cfg, "-o", tmp_path / "e.h5", "--quiet", "--resume")
    assert r.returncode == 2 and "holds nothing to resume" in r.stderr, r.stderr
    assert (tmp_path / "e.h5.partial").exists()


def flip_data_byte(path, name="market_share"):
    """Flips one byte inside the stored data of variable name's first chunk."""
    with h5py.File(path, "r") as f:
        info = f[name].id.get_chunk_info(0)
    with open(path, "r+b") as fp:
        fp.seek(info.byte_offset + 4)
        b = fp.read(1)
        fp.seek(info.byte_offset + 4)
        fp.write(bytes([b[0] ^ 0x20]))


def test_merge_refuses_a_damaged_shard(tmp_path):
    extra = ('sweep = { design = "grid"; replications = 2; parameters = ( { key = "satisfaction.theta"; '
             'min = 0.0; max = 2.0; levels = 2; } ); };')
    cfg = small_scenario(tmp_path, weeks=6, warmup=4, customers=400, extra=extra)
    for i in (0, 1):
        run("sweep", cfg, "--shard", f"{i}/2", "-o", tmp_path / f"s.shard{i}of2.h5", "--quiet", check=True)
    shards = [tmp_path / "s.shard0of2.h5", tmp_path / "s.shard1of2.h5"]
    flip_data_byte(shards[1])
    r = run("merge", *shards, "-o", tmp_path / "m.h5", "--quiet")
    assert r.returncode == 2 and "s.shard1of2.h5" in r.stderr and "damaged" in r.stderr, r.stderr
    assert not (tmp_path / "m.h5").exists() and not (tmp_path / "m.h5.partial").exists()


def test_resume_refuses_a_damaged_partial(tmp_path):
    extra = ('sweep = { design = "grid"; replications = 2; parameters = ( { key = "satisfaction.theta"; '
             'min = 0.0; max = 2.0; levels = 2; } ); };')
    cfg = small_scenario(tmp_path, weeks=6, warmup=4, customers=400, extra=extra)
    out = tmp_path / "r.h5"
    run("sweep", cfg, "-o", out, "--quiet", check=True)
    part = tmp_path / "r.h5.partial"
    out.rename(part)                 # as if the sweep had been stopped
    flip_data_byte(part, "mean_loyalty")
    r = run("sweep", cfg, "-o", out, "--quiet", "--resume")
    assert r.returncode == 2 and "damaged" in r.stderr and "mean_loyalty" in r.stderr, r.stderr
    assert part.exists()


def test_verify_says_intact_damaged_or_incomplete(tmp_path):
    cfg = small_scenario(tmp_path, weeks=8, warmup=4, customers=400)
    good = tmp_path / "good.h5"
    run("run", cfg, "-o", good, "--quiet", check=True)
    r = run("verify", good)
    assert r.returncode == 0 and "good.h5: intact and complete: a run of 8 weeks" in r.stdout, r.stdout + r.stderr
    bad = tmp_path / "bad.h5"
    bad.write_bytes(good.read_bytes())
    flip_data_byte(bad, "attention_scarcity")
    r = run("verify", bad)
    assert r.returncode == 2 and "bad.h5" in r.stderr and "attention_scarcity" in r.stderr, r.stderr
    part = tmp_path / "cut.h5.partial"
    part.write_bytes(good.read_bytes())
    with h5py.File(part, "r+") as f:
        f.attrs["complete"] = np.int8(0)
    r = run("verify", part)
    assert r.returncode == 3 and "incomplete" in r.stderr, r.stderr
    notes = tmp_path / "notes.h5"
    notes.write_text("not HDF5")
    r = run("verify", notes)
    assert r.returncode == 2 and "not an aandacht file" in r.stderr
    # several files: the worst status, one line each
    r = run("verify", good, part, bad, "--quiet")
    assert r.returncode == 2 and r.stdout == "" and r.stderr.count("\n") == 2


def replace_bytes(path, old, new):
    data = Path(path).read_bytes()
    assert len(old) == len(new) and data.count(old) >= 1
    Path(path).write_bytes(data.replace(old, new, 1))


def test_a_changed_value_no_chunk_checksum_covers_is_found_by_the_digest(tmp_path):
    """The scenario text and brand names are variable-length strings in
    HDF5's global heap, which no checksum of HDF5's covers: the file's
    content digest does."""
    cfg = small_scenario(tmp_path, weeks=6, warmup=4, customers=400)
    good = tmp_path / "good.h5"
    run("run", cfg, "-o", good, "--quiet", check=True)
    bad = tmp_path / "bad.h5"
    bad.write_bytes(good.read_bytes())
    replace_bytes(bad, b"customers = 400;", b"customers = 900;")
    with h5py.File(bad, "r") as f:     # HDF5 reads it without complaint
        assert b"customers = 900;" in f["parameters/resolved_config"][()]
    r = run("verify", bad)
    assert r.returncode == 2 and "differ from the digest" in r.stderr, r.stderr


def test_random_bit_flips_are_refused_or_change_nothing(tmp_path):
    """Of single-bit flips anywhere in a finished run file, each is either
    refused by verify or leaves every value and attribute as it was."""
    import random
    cfg = small_scenario(tmp_path, weeks=6, warmup=4, customers=400)
    good = tmp_path / "good.h5"
    run("run", cfg, "-o", good, "--quiet", check=True)
    data = good.read_bytes()
    want = dump(good)
    rng = random.Random(15)
    refused = 0
    for i in range(40):
        d = bytearray(data)
        k = rng.randrange(len(d))
        d[k] ^= 1 << rng.randrange(8)
        bad = tmp_path / "flip.h5"
        bad.write_bytes(bytes(d))
        if run("verify", bad, "--quiet").returncode != 0:
            refused += 1
            continue
        assert dump(bad) == want, f"byte {k}: verify passed a file that reads differently"
    assert refused > 0


def dump(path):
    """Every value and attribute of an HDF5 file, as h5dump prints them
    (without the file's name)."""
    out = subprocess.run(["h5dump", str(path)], capture_output=True, text=True, check=True).stdout
    return out.replace(str(path), "FILE")


def test_verify_a_sweep_and_a_stopped_one(tmp_path):
    extra = ('sweep = { design = "grid"; replications = 1; parameters = ( { key = "satisfaction.theta"; '
             'min = 0.0; max = 2.0; levels = 3; } ); };')
    cfg = small_scenario(tmp_path, weeks=6, warmup=4, customers=400, extra=extra)
    out = tmp_path / "sw.h5"
    run("sweep", cfg, "-o", out, "--quiet", check=True)
    r = run("verify", out)
    assert r.returncode == 0 and "a sweep of 3 runs" in r.stdout, r.stdout + r.stderr
    stopped = tmp_path / "stopped.h5.partial"
    stopped.write_bytes(out.read_bytes())
    with h5py.File(stopped, "r+") as f:
        st = f["status"][()]
        st[-1] = 0
        f["status"][...] = st
        f.attrs["complete"] = np.int8(0)
    r = run("verify", stopped)
    assert r.returncode == 3 and "2 of its 3 runs are finished" in r.stderr and "--resume" in r.stderr, r.stderr


def test_a_sweep_stopped_by_ctrl_c_exits_130_keeps_its_runs_and_resumes(tmp_path):
    import signal
    extra = ('sweep = { design = "grid"; replications = 3; parameters = ( { key = "satisfaction.theta"; '
             'min = 0.0; max = 2.0; levels = 3; } ); };')
    # long enough (9 runs of about a second each on an idle machine) that the
    # signal comes while runs are still to do
    cfg = small_scenario(tmp_path, weeks=300, warmup=100, customers=100000, extra=extra)
    out = tmp_path / "stop.h5"
    p = subprocess.Popen([str(BINARY), "sweep", str(cfg), "-o", str(out), "--quiet", "--jobs", "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(f"{out}.partial", p)
    time.sleep(0.5)
    assert p.poll() is None, "the sweep ended before it could be stopped"
    p.send_signal(signal.SIGINT)
    so, se = p.communicate(timeout=300)
    assert p.returncode == 130 and "--resume" in se, (p.returncode, se)
    part = Path(f"{out}.partial")
    assert part.exists() and not out.exists()
    assert run("verify", part).returncode == 3
    r = run("sweep", cfg, "-o", out, "--quiet", "--resume")
    assert r.returncode == 0, r.stderr
    assert run("verify", out).returncode == 0


def test_inputs_beyond_any_scenario_are_refused_at_once(tmp_path):
    # NUL bytes, a file over 1 MiB, or more than 10,000 settings: refused
    # before libconfig (whose parser is quadratic in them) reads them
    cases = {
        "nul.cfg": b'scenario = { name = "n"; };\n#' + b"\0" * 88000 + b"\n",
        "big.cfg": b'scenario = { name = "b"; };\n' + b"# " + b"x" * (1 << 20) + b"\n",
        "keys.cfg": ('scenario = { name = "k"; };\n' + "".join(f"k{i} = 1;\n" for i in range(10001))).encode(),
    }
    expect = {"nul.cfg": "contains a NUL byte", "big.cfg": "at most 1048576 bytes",
              "keys.cfg": "at most 10000"}
    for name, data in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        t0 = time.monotonic()
        r = run("check", p)
        assert time.monotonic() - t0 < 5, name
        assert r.returncode == 2 and expect[name] in r.stderr and name in r.stderr, (name, r.stderr)


def test_a_run_stopped_in_its_first_moments_leaves_a_readable_partial(tmp_path):
    # the signal handling is in place before the output file exists: a
    # SIGTERM while the file is made or the world is built still ends with a
    # readable partial marked incomplete (or none, before the file), never
    # one that nothing can open
    import signal
    cfg = small_scenario(tmp_path, weeks=50, warmup=260, customers=1500000)
    for delay in (0.0, 0.01, 0.05, 0.15):
        out = tmp_path / f"early{delay}.h5"
        p = subprocess.Popen([str(BINARY), "run", str(cfg), "-o", str(out), "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=120)
        part = Path(f"{out}.partial")
        assert p.returncode in (143, -signal.SIGTERM), p.returncode
        if part.exists():
            with h5py.File(part, "r") as f:
                assert f.attrs["complete"] == 0
            assert run("verify", part).returncode == 3
