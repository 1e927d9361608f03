"""A sweep's progress in a batch log: with standard error not a terminal
(and no --quiet) a line at the start, one every 5 seconds and one at the
end, each with the runs finished of all, the failed ones, the runs per
minute and the time left; under MPI rank 0 alone writes them. On a
terminal the one line redrawn in place stays as it was; --quiet shows
nothing."""
import os
import pty
import re
import resource
import subprocess

import pytest

from engine_support import BINARY, read_to_end, run, small_scenario
from sweep_support import mpi_binary, mpirun


def sweep_of(n, fail=False):
    """A list sweep of 8 runs over population.customers, n to n + 7; with
    fail, run 2 asks for 10^8 customers, which fails under LIMIT. With n =
    300000, 120 weeks and 60 of warm-up a run takes some 1.5 s (more on a
    busy machine): the sweep lasts longer than the 5 s between lines."""
    values = [n + i for i in range(8)]
    if fail:
        values[2] = 100000000
    points = ", ".join(f"[{v}]" for v in values)
    return ('sweep = { design = "list"; replications = 1; points = ( %s ); '
            'parameters = ( { key = "population.customers"; } ); };' % points)


RUNS = 8
LIMIT = 1500 * 2**20     # bytes of address space: 3 x 10^5 customers fit, 10^8 (about 4 GB) do not

START = re.compile(r"starting: (\d+) runs, (.+); a line every 5 s")
LINE = re.compile(r"runs (\d+)/(\d+) finished \((\d+) failed\)  (\d+\.\d) runs/min  "
                  r"(?:(\d+) s so far  ETA (?:\d+ s|not known before a run ends)|done in (\d+) s)")


def limited():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def progress_lines(stderr):
    """The start line's match and the progress lines' matches, in order; no
    other line of stderr may look like one of them."""
    lines = stderr.splitlines()
    starts = [START.fullmatch(l) for l in lines if l.startswith("starting:")]
    steps = [LINE.fullmatch(l) for l in lines if l.startswith("runs ")]
    assert all(starts) and all(steps), stderr
    return starts, steps


def check_log(stderr, failed, how):
    starts, steps = progress_lines(stderr)
    assert len(starts) == 1 and int(starts[0].group(1)) == RUNS and starts[0].group(2) == how, stderr
    assert stderr.index("starting:") < stderr.index("runs "), stderr
    assert len(steps) >= 2, stderr                         # one on the way at least, and the last
    *middle, last = steps
    assert all(m.group(6) is None for m in middle) and last.group(6) is not None, stderr
    finished = [int(m.group(1)) for m in steps]
    assert finished == sorted(finished) and finished[-1] == RUNS, stderr
    assert finished[0] < RUNS                              # the first line came before the end
    assert all(int(m.group(2)) == RUNS for m in steps)
    assert [int(m.group(3)) for m in steps][-1] == failed
    seconds = [int(m.group(5)) for m in middle]
    assert seconds == sorted(seconds) and all(s >= 4 for s in seconds), stderr
    assert int(last.group(6)) >= seconds[-1] and float(last.group(4)) > 0


def test_a_sweep_in_a_log_writes_a_line_every_5_seconds(tmp_path):
    cfg = small_scenario(tmp_path, weeks=120, warmup=60, customers=300000, extra=sweep_of(300000, fail=True))
    probe = run("run", cfg, "-o", tmp_path / "probe.h5", "--quiet", "--threads", 1, preexec_fn=limited)
    if probe.returncode != 0:   # e.g. a sanitizer build reserves more address space than the limit
        pytest.skip(f"a run does not fit in {LIMIT >> 20} MiB of address space here: {probe.stderr.strip()}")
    r = run("sweep", cfg, "-o", tmp_path / "s.h5", "--jobs", 1, "--threads", 1, preexec_fn=limited)
    assert r.returncode == 1 and "1 of 8 runs failed" in r.stderr, r.stderr
    check_log(r.stderr, failed=1, how="1 job side by side")
    assert "\r" not in r.stderr                            # no terminal line in a log


def test_quiet_and_a_terminal(tmp_path):
    cfg = small_scenario(tmp_path, weeks=4, warmup=4, customers=500, extra=sweep_of(500))
    r = run("sweep", cfg, "-o", tmp_path / "q.h5", "--quiet")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    # standard error a terminal: the line redrawn in place, as before, and no log lines
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen([str(BINARY), "sweep", str(cfg), "-o", str(tmp_path / "t.h5")], stdout=subprocess.PIPE,
                             stderr=slave, text=True)
        os.close(slave)
        out, _ = p.communicate(timeout=300)
        seen = read_to_end(master)
    finally:
        os.close(master)
    assert p.returncode == 0, seen
    text = seen.decode()
    assert re.search(r"\rrun 8/8 done, 0 failed  \d+\.\d runs/min  ETA 0 s", text), text
    assert "starting:" not in text and "finished (" not in text, text


def test_mpi_rank_0_writes_the_log(tmp_path):
    exe = mpi_binary()
    cfg = small_scenario(tmp_path, weeks=120, warmup=60, customers=300000, extra=sweep_of(300000))
    r = mpirun(2, exe, "sweep", cfg, "-o", tmp_path / "m.h5", "--threads", 1)
    assert r.returncode == 0, r.stderr
    check_log(r.stderr, failed=0, how="1 worker rank x 1 job")
