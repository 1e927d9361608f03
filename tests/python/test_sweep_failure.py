"""A run of a sweep that fails is recorded as failed, with its message, and
does not stop the others: a list sweep whose middle point asks for a
hundred million customers (the most allowed), run under an address-space limit that the small points
fit in and the big one does not. The file is still complete; the command
exits 1 and names the run."""
import resource

import h5py
import numpy as np
import pytest

from engine_support import run, small_scenario

LIMIT = 700 * 2**20            # bytes of address space: small runs fit, 1e8 customers (about 4 GB) do not
LIST = """
sweep = { design = "list"; replications = 1;
  points = ( [2000], [100000000], [3000] );
  parameters = ( { key = "population.customers"; } ); };
"""


def limited():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def test_failed_run_is_recorded_and_others_go_on(tmp_path):
    cfg = small_scenario(tmp_path, name="fails", weeks=6, warmup=4, customers=2000, extra=LIST)
    probe = run("run", cfg, "-o", tmp_path / "probe.h5", "--quiet", preexec_fn=limited)
    if probe.returncode != 0:   # e.g. a sanitizer build reserves more address space than the limit
        pytest.skip(f"a small run does not fit in {LIMIT >> 20} MiB of address space here: {probe.stderr.strip()}")
    out = tmp_path / "s.h5"
    r = run("sweep", cfg, "-o", out, "--quiet", "--jobs", 1, preexec_fn=limited)
    assert r.returncode == 1
    assert "1 of 3 runs failed" in r.stderr and "run 1" in r.stderr and "out of memory" in r.stderr
    with h5py.File(out, "r") as f:
        assert f.attrs["complete"] == 1 and f.attrs["runs_failed"] == 1 and f.attrs["runs_written"] == 2
        assert list(f["status"][...]) == [1, -1, 1]
        msg = [m.decode() for m in f["message"][...]]
        assert msg[0] == msg[2] == "" and "out of memory for 100000000 customers" in msg[1]
        share = f["market_share"][...]
        assert np.isnan(share[1]).all()
        assert np.isfinite(share[[0, 2]]).all()
    # the runs that succeeded hold their lone runs' numbers
    lone = tmp_path / "run2.h5"
    run("run", cfg, "--sweep-point", 2, "-o", lone, "--quiet", check=True)
    with h5py.File(lone, "r") as a, h5py.File(out, "r") as b:
        assert np.array_equal(a["market_share"][...], b["market_share"][2])
