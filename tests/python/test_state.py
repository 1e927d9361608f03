"""Saved states (aandacht run --save-state, --from; docs/scenario-files.md):
a run from a state its own configuration saved continues exactly (every
weekly variable and snapshot of the weeks after the state equals the
uninterrupted run's, for any thread count), a run with other policies is a
branch that says where it came from, and what would make a state
meaningless is refused with exit status 2."""
from pathlib import Path

import h5py
import numpy as np
import pytest

from engine_support import SOURCE, run, small_scenario

SCENARIOS = sorted(p.name for p in (SOURCE / "scenarios").glob("*.cfg"))


def weekly(path):
    """Every variable along week, and the snapshots, keyed by name."""
    with h5py.File(path, "r") as f:
        n = f["week"].shape[0]
        out = {k: f[k][()] for k in f if isinstance(f[k], h5py.Dataset) and f[k].ndim and f[k].shape[0] == n}
        if "snapshots" in f:
            ns = f["snapshots/snapshot_week"].shape[0]
            for k, v in f["snapshots"].items():
                if isinstance(v, h5py.Dataset) and v.ndim and v.shape[0] == ns and v.dtype != object:
                    out["snapshots/" + k] = v[()]
        return out, dict(f.attrs)


def assert_continues(full, rest):
    """rest holds exactly full's weeks from its first_week on."""
    a, _ = weekly(full)
    b, battrs = weekly(rest)
    first = int(battrs["first_week"])
    assert first > 0 or "from_state" in battrs
    assert b["week"][0] == first and np.array_equal(b["week"], a["week"][first:])
    for k, v in b.items():
        if k.startswith("snapshots/"):
            continue
        assert v.dtype == a[k].dtype and v.tobytes() == a[k][first:].tobytes(), k
    # snapshots in the weeks after the state: the uninterrupted run's last ones
    if "snapshots/snapshot_week" in a:
        sw = a["snapshots/snapshot_week"]
        keep = sw >= first
        for k, v in b.items():
            if k.startswith("snapshots/") and k != "snapshots/snapshot":
                assert v.tobytes() == a[k][keep].tobytes(), k


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_run_from_its_own_state_continues_it_exactly(tmp_path, scenario):
    """For every shipped scenario (at a small size): a state saved in the
    warm-up and one saved in the recorded weeks, each continued with 1 and
    with 2 threads, give the weeks the uninterrupted run gave."""
    cfg = SOURCE / "scenarios" / scenario
    small = ["--set", "population.customers=3000", "--weeks", "200", "--quiet"]
    full = tmp_path / "full.h5"
    mid = "120"
    run("run", cfg, "-o", full, *small, "--threads", "2", "--save-state", tmp_path / "warm.h5", "--at", "-40",
        check=True)
    run("run", cfg, "-o", tmp_path / "full1.h5", *small, "--threads", "1", "--save-state", tmp_path / "mid.h5",
        "--at", mid, check=True)
    for state, threads in (("warm.h5", "1"), ("warm.h5", "2"), ("mid.h5", "2"), ("mid.h5", "1")):
        rest = tmp_path / f"rest_{state}_{threads}.h5"
        r = run("run", cfg, "-o", rest, *small, "--threads", threads, "--from", tmp_path / state, check=True)
        assert r.returncode == 0
        assert_continues(full, rest)
        with h5py.File(rest, "r") as f:
            assert f.attrs["from_state"].decode() == str(tmp_path / state)
            assert int(f.attrs["from_state_branch"]) == 0
            assert int(f.attrs["from_state_week"]) == (-40 if state == "warm.h5" else int(mid))


def test_the_state_file_says_what_it_is_and_verify_checks_it(tmp_path):
    cfg = small_scenario(tmp_path, weeks=10, warmup=20, customers=2000)
    state = tmp_path / "s.h5"
    run("run", cfg, "-o", tmp_path / "o.h5", "--quiet", "--save-state", state, check=True)
    with h5py.File(state, "r") as f:
        assert int(f.attrs["week"]) == -1 and int(f.attrs["steps"]) == 20
        assert int(f.attrs["customers"]) == 2000 and int(f.attrs["brands"]) == 3
        assert f["customers/loyalty"].shape == (2000,) and f["customers/loyalty"].dtype == np.float32
        assert f["brands/a_hist"].shape == (3, 52)
        assert b"customers = 2000;" in f["config"][()]
        assert f["customers/loyalty"].fletcher32 and f["customers/loyalty"].compression == "gzip"
    r = run("verify", state)
    assert r.returncode == 0 and "a saved state" in r.stdout, r.stdout + r.stderr


def test_a_branch_records_where_it_came_from_and_differs_only_after_it(tmp_path):
    cfg = small_scenario(tmp_path, weeks=40, warmup=20, customers=3000)
    full, state = tmp_path / "full.h5", tmp_path / "s.h5"
    run("run", cfg, "-o", full, "--quiet", "--save-state", state, "--at", "9", check=True)
    branch = tmp_path / "branch.h5"
    r = run("run", cfg, "-o", branch, "--quiet", "--from", state, "--set", "brands.Service.automation.start=0.9",
            check=True)
    with h5py.File(branch, "r") as b, h5py.File(full, "r") as a:
        assert int(b.attrs["from_state_branch"]) == 1 and int(b.attrs["first_week"]) == 10
        assert b.attrs["from_state_digest"].startswith(b"fnv1a64:")
        with h5py.File(state, "r") as s:
            assert b.attrs["from_state_digest"] == s.attrs["content_digest"]
        share_a = a["automation"][10:, 1]
        share_b = b["automation"][:, 1]
        assert np.all(share_b > 0.85) and np.all(share_a < 0.3)


@pytest.mark.parametrize("key,value,named", [
    ("scenario.seed", "99", "scenario.seed"),
    ("population.customers", "2500", "population.customers"),
    ("population.need_median", "0.5", "population.need_median"),
    ("network.rewire", "0.2", "network.rewire"),
    ("scenario.warmup", "21", "scenario.warmup"),
    ("brands.[0].name", "Other", "brands"),
])
def test_keys_the_state_depends_on_are_refused(tmp_path, key, value, named):
    cfg = small_scenario(tmp_path, weeks=20, warmup=20, customers=2000)
    state = tmp_path / "s.h5"
    run("run", cfg, "-o", tmp_path / "o.h5", "--quiet", "--save-state", state, "--at", "5", check=True)
    out = tmp_path / "b.h5"
    r = run("run", cfg, "-o", out, "--quiet", "--from", state, "--set", f"{key}={value}")
    assert r.returncode == 2 and named in r.stderr and "s.h5" in r.stderr, r.stderr
    assert not out.exists() and not Path(str(out) + ".partial").exists()


def test_events_and_interventions_already_past_are_refused_later_ones_allowed(tmp_path):
    extra = ('interventions = ( { week = 3; brand = "Budget"; key = "price"; value = 40.0; },'
             ' { week = 15; brand = "Budget"; key = "price"; value = 60.0; } );')
    cfg = small_scenario(tmp_path, weeks=30, warmup=20, customers=2000, extra=extra)
    state = tmp_path / "s.h5"
    full = tmp_path / "full.h5"
    run("run", cfg, "-o", full, "--quiet", "--save-state", state, "--at", "8", check=True)
    past = cfg.read_text().replace("value = 40.0", "value = 41.0")
    (tmp_path / "past.cfg").write_text(past)
    r = run("run", tmp_path / "past.cfg", "-o", tmp_path / "p.h5", "--quiet", "--from", state)
    assert r.returncode == 2 and "interventions" in r.stderr and "week 3" in r.stderr, r.stderr
    later = cfg.read_text().replace("value = 60.0", "value = 70.0")
    (tmp_path / "later.cfg").write_text(later)
    out = tmp_path / "l.h5"
    run("run", tmp_path / "later.cfg", "-o", out, "--quiet", "--from", state, check=True)
    with h5py.File(out, "r") as f, h5py.File(full, "r") as a:
        # the week-3 price holds until week 15, then the branch's own price
        assert np.allclose(f["price"][: 15 - 9, 2], a["price"][9:15, 2])
        assert np.allclose(f["price"][15 - 9, 2], 70.0) and np.allclose(a["price"][15, 2], 60.0)


def test_a_damaged_or_foreign_state_is_refused_whole(tmp_path):
    cfg = small_scenario(tmp_path, weeks=20, warmup=20, customers=2000)
    state = tmp_path / "s.h5"
    run("run", cfg, "-o", tmp_path / "o.h5", "--quiet", "--save-state", state, check=True)
    bad = tmp_path / "bad.h5"
    data = bytearray(state.read_bytes())
    with h5py.File(state, "r") as f:
        off = f["customers/loyalty"].id.get_chunk_info(0).byte_offset
    data[off + 10] ^= 0x10
    bad.write_bytes(bytes(data))
    r = run("run", cfg, "-o", tmp_path / "b.h5", "--quiet", "--from", bad)
    assert r.returncode == 2 and "bad.h5" in r.stderr and "damaged" in r.stderr, r.stderr
    assert not (tmp_path / "b.h5.partial").exists()
    r = run("run", cfg, "-o", tmp_path / "c.h5", "--quiet", "--from", tmp_path / "o.h5")
    assert r.returncode == 2 and "not a state file" in r.stderr, r.stderr
    with h5py.File(state, "r+") as f:
        f.attrs.modify("engine_version", np.bytes_(b"0.0.1"))
    r = run("run", cfg, "-o", tmp_path / "d.h5", "--quiet", "--from", state)
    assert r.returncode == 2, r.stderr


def test_at_outside_the_run_and_at_without_save_state_are_usage_errors(tmp_path):
    cfg = small_scenario(tmp_path, weeks=20, warmup=20, customers=2000)
    r = run("run", cfg, "-o", tmp_path / "o.h5", "--quiet", "--save-state", tmp_path / "s.h5", "--at", "20")
    assert r.returncode == 2 and "--at 20" in r.stderr and not (tmp_path / "o.h5.partial").exists(), r.stderr
    r = run("run", cfg, "-o", tmp_path / "o.h5", "--quiet", "--save-state", tmp_path / "s.h5", "--at", "-21")
    assert r.returncode == 2 and "-20" in r.stderr
    r = run("run", cfg, "-o", tmp_path / "o.h5", "--quiet", "--at", "3")
    assert r.returncode == 2 and "--save-state" in r.stderr
