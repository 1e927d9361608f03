"""`aandacht run --stream`: every recorded week as one JSON line on standard
output, as soon as the week is done, named as in the HDF5 file and with the
file's very numbers; a last line once the file is complete, none when the
run is stopped (what `aandacht explore` draws from, app/stream.c)."""
import json
import math
import signal
import subprocess
import time

import h5py
import numpy as np

from engine_support import BINARY, run


def lines_of(text):
    return [json.loads(x) for x in text.splitlines()]


def test_each_week_is_a_json_line_with_the_numbers_of_the_file(scenario, tmp_path):
    cfg = scenario(weeks=30, warmup=12, customers=3000)
    out = tmp_path / "s.h5"
    r = run("run", cfg, "-o", out, "--quiet", "--stream", check=True)
    objs = lines_of(r.stdout)   # every line parses as JSON, or this fails
    kinds = [o["event"] for o in objs]
    assert kinds == ["start"] + ["warmup"] * 12 + ["week"] * 30 + ["done"], kinds
    start = objs[0]
    assert start["brands"] == ["Classic", "Service", "Budget"] and start["weeks"] == 30
    assert start["first_week"] == 0 and start["warmup_steps"] == 12 and start["output"] == str(out)
    assert [o["step"] for o in objs[1:13]] == list(range(1, 13))
    assert objs[-1] == {"event": "done", "output": str(out), "weeks": 30}
    weeks = objs[13:43]
    with h5py.File(out) as f:
        assert f.attrs["complete"] == 1
        assert [o["week"] for o in weeks] == list(f["week"][:])
        names = {k for k in f if isinstance(f[k], h5py.Dataset) and k not in ("week", "brand")}
        assert names == set(weeks[0]) - {"event", "week"}, "the stream names every observable as the file does"
        checked = 0
        for name in names:
            data = f[name][:]
            for t, o in enumerate(weeks):
                v = o[name]
                got = np.array([math.nan if x is None else x for x in v] if data.ndim == 2
                               else (math.nan if v is None else v), dtype=float)
                # the same doubles, bit for bit (NaN where JSON says null)
                assert np.array_equal(got, data[t], equal_nan=True), (name, t, got, data[t])
                checked += 1
        assert checked == 30 * len(names)


def test_the_weeks_come_while_the_run_goes_on_and_a_stopped_run_says_no_done(scenario, tmp_path):
    cfg = scenario(weeks=2000, warmup=4, customers=20000)
    out = tmp_path / "long.h5"
    p = subprocess.Popen([str(BINARY), "run", str(cfg), "-o", str(out), "--quiet", "--stream"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen = []
        t0 = time.monotonic()
        while len(seen) < 3:
            obj = json.loads(p.stdout.readline())
            if obj["event"] == "week":
                seen.append(obj["week"])
        # three weeks read, flushed one by one, long before the last week
        assert p.poll() is None, "the run ended before its weeks were read: nothing was streamed as it went"
        assert time.monotonic() - t0 < 60
        p.send_signal(signal.SIGTERM)
        rest, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 143, err
    objs = lines_of(rest)
    assert all(o["event"] == "week" for o in objs), "no done line for a stopped run"
    assert not out.exists() and (tmp_path / "long.h5.partial").exists()


def test_stream_goes_with_a_saved_state_and_prints_no_summary(scenario, tmp_path):
    cfg = scenario(weeks=20, warmup=10, customers=3000)
    state, whole, branch = tmp_path / "st.h5", tmp_path / "whole.h5", tmp_path / "branch.h5"
    run("run", cfg, "-o", whole, "--save-state", state, check=True)
    r = run("run", cfg, "-o", branch, "--from", state, "--stream", check=True)   # not --quiet: still only JSON
    objs = lines_of(r.stdout)
    assert [o["event"] for o in objs] == ["start"] + ["week"] * 20 + ["done"]
    assert objs[0]["warmup_steps"] == 0
    with h5py.File(whole) as f:
        assert [o["market_share"] for o in objs[1:-1]] == f["market_share"][:].tolist()


def test_stream_is_in_the_help_and_misspelt_gets_a_suggestion():
    assert "--stream" in run("help", "run", check=True).stdout
    r = run("run", "x.cfg", "--strem")
    assert r.returncode == 2 and "did you mean '--stream'" in r.stderr
