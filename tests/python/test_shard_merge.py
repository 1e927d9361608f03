"""`aandacht sweep --shard I/N` and `aandacht merge`. On a tiny grid sweep
(2 x 2 points, 2 replications = 8 runs): shards 0/3, 1/3 and 2/3 hold runs
K % 3 == I in the whole sweep's layout; merged, they equal one `aandacht
sweep` (every variable, /parameters included, but wall_time; every root
attribute but created); a missing shard, a shard of another configuration,
an incomplete shard and a shard given twice are exit status 2 with a
message that says what to do, and leave no output; a shard resumes as that
shard only."""
import h5py
import numpy as np
import pytest

from engine_support import run, small_scenario

from sweep_support import GRID, RUNS, assert_same_sweep, contents


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    d = tmp_path_factory.mktemp("shards")
    cfg = small_scenario(d, name="tiny", weeks=20, warmup=10, customers=2000, extra=GRID)
    whole = d / "whole.h5"
    run("sweep", cfg, "-o", whole, "--quiet", check=True)
    paths = []
    for i in range(3):
        r = run("sweep", cfg, "-o", d / "part.h5", "--shard", f"{i}/3", check=True)
        mine = len(range(i, RUNS, 3))
        assert f"shard {i}/3: {mine} of {RUNS} runs ({mine} ok, 0 failed)" in r.stdout
        paths.append(d / f"part.shard{i}of3.h5")
    return cfg, whole, paths


def test_a_shard_holds_its_runs_in_the_whole_layout(shards):
    _, whole, paths = shards
    w, _ = contents(whole)
    for i, p in enumerate(paths):
        data, attrs = contents(p)
        assert int(attrs["shard_index"]) == i and int(attrs["shard_count"]) == 3
        assert int(attrs["complete"]) == 1 and int(attrs["runs_written"]) == len(range(i, RUNS, 3))
        mine = np.arange(RUNS) % 3 == i
        assert data["status"].tolist() == [1 if m else 0 for m in mine]
        assert data.keys() == w.keys()
        for name in ("market_share", "hhi"):
            assert data[name][mine].tobytes() == w[name][mine].tobytes(), name
            assert np.isnan(data[name][~mine]).all(), name
        assert data["seed"].tobytes() == w["seed"].tobytes()


def test_merged_shards_equal_one_sweep(shards, tmp_path):
    _, whole, paths = shards
    out = tmp_path / "merged.h5"
    r = run("merge", paths[2], paths[0], paths[1], "-o", out, check=True)
    assert f"merged 3 shards: {RUNS} runs ({RUNS} ok, 0 failed)" in r.stdout
    assert out.exists() and not (tmp_path / "merged.h5.partial").exists()
    assert_same_sweep(whole, out)
    with h5py.File(out, "r") as f:
        assert "shard_index" not in f.attrs and "shard_count" not in f.attrs
        assert int(f.attrs["complete"]) == 1 and int(f.attrs["runs_written"]) == RUNS
    r = run("merge", *paths, "-o", out)
    assert r.returncode == 2 and "--force" in r.stderr
    run("merge", *paths, "-o", out, "--force", "--quiet", check=True)


def test_merge_names_the_output_after_the_shards(shards, tmp_path):
    cfg, whole, _ = shards
    for i in range(3):
        run("sweep", cfg, "--shard", f"{i}/3", "--quiet", cwd=tmp_path, check=True)
    names = [f"out/tiny_sweep.shard{i}of3.h5" for i in range(3)]
    r = run("merge", *names, cwd=tmp_path, check=True)
    assert "-> out/tiny_sweep.h5" in r.stdout
    assert_same_sweep(whole, tmp_path / "out" / "tiny_sweep.h5")


def test_a_missing_shard_is_named_with_its_runs(shards, tmp_path):
    _, _, paths = shards
    out = tmp_path / "m.h5"
    r = run("merge", paths[0], paths[2], "-o", out)
    assert r.returncode == 2
    assert "1 of 3 shards missing: shard 1/3 (runs 1, 4, 7)" in r.stderr
    assert "--shard I/3" in r.stderr
    assert not out.exists() and not (tmp_path / "m.h5.partial").exists()
    r = run("merge", paths[0], paths[1], paths[1], paths[2], "-o", out)
    assert r.returncode == 2 and "give each once" in r.stderr and not out.exists()


def test_a_shard_of_another_configuration_is_refused(shards, tmp_path):
    cfg, _, paths = shards
    run("sweep", cfg, "-o", tmp_path / "other.h5", "--shard", "1/3", "--quiet",
        "--set", "satisfaction.w_price=0.4", check=True)
    other = tmp_path / "other.shard1of3.h5"
    out = tmp_path / "m.h5"
    r = run("merge", paths[0], other, paths[2], "-o", out)
    assert r.returncode == 2 and "not a shard of the same sweep" in r.stderr
    assert "resolved_config" in r.stderr or "differs" in r.stderr
    assert "differs differs" not in r.stderr and " differ" in r.stderr   # one verb, once
    assert not out.exists()
    run("sweep", cfg, "-o", tmp_path / "split.h5", "--shard", "1/2", "--quiet", check=True)
    r = run("merge", paths[0], tmp_path / "split.shard1of2.h5", "-o", out)
    assert r.returncode == 2 and "not one split" in r.stderr and not out.exists()
    r = run("merge", paths[0], paths[0].parent / "whole.h5", "-o", out)
    assert r.returncode == 2 and "not a shard" in r.stderr


def test_an_incomplete_shard_is_refused_and_resumes(shards, tmp_path):
    """A shard cut short (its file made .partial with one of its runs not
    run) is refused by merge with a hint to --resume; resumed with another
    --shard it is refused; resumed with its own it runs that run alone, and
    the merge equals one sweep."""
    import shutil
    cfg, whole, paths = shards
    cut = tmp_path / "part.shard1of3.h5.partial"
    shutil.copy(paths[1], cut)
    with h5py.File(cut, "r+") as f:
        f["status"][4] = 0
        f["market_share"][4] = np.nan
        f.attrs["complete"] = np.int8(0)
    out = tmp_path / "m.h5"
    for given in (cut, tmp_path / "part.shard1of3.h5"):
        r = run("merge", paths[0], given, paths[2], "-o", out)
        assert r.returncode == 2 and "incomplete" in r.stderr, r.stderr
        assert "--shard 1/3 --resume" in r.stderr
    assert not out.exists()
    r = run("sweep", cfg, "-o", tmp_path / "part.h5", "--shard", "2/3", "--resume")
    assert r.returncode == 2 and "no interrupted sweep" in r.stderr
    shutil.copy(cut, tmp_path / "part.h5.partial")
    r = run("sweep", cfg, "-o", tmp_path / "part.h5", "--resume")
    assert r.returncode == 2 and "resume it with --shard 1/3" in r.stderr
    r = run("sweep", cfg, "-o", tmp_path / "part.h5", "--shard", "1/3", "--resume", check=True)
    assert "shard 1/3: 3 of 8 runs (3 ok, 0 failed)" in r.stdout
    resumed = tmp_path / "part.shard1of3.h5"
    assert resumed.exists() and not cut.exists()
    run("merge", paths[0], resumed, paths[2], "-o", out, "--quiet", check=True)
    assert_same_sweep(whole, out)


def test_bad_shard_options_are_usage_errors(shards, tmp_path):
    cfg, _, _ = shards
    for bad in ("3/3", "-1/3", "1", "1/0", "a/3", "1/3x"):
        r = run("sweep", cfg, "-o", tmp_path / "x.h5", "--shard", bad)
        assert r.returncode == 2 and "--shard needs I/N" in r.stderr, bad
    assert not list(tmp_path.iterdir())
    r = run("merge", "-o", tmp_path / "x.h5")
    assert r.returncode == 2 and "no shard files" in r.stderr
    r = run("merge", tmp_path / "nothing.shard0of1.h5")
    assert r.returncode == 2 and "no such shard file" in r.stderr
    assert run("merge", "--help").returncode == 0


def test_an_output_named_as_the_shard_is_kept(shards, tmp_path):
    cfg, _, paths = shards
    out = tmp_path / "given.shard2of3.h5"
    run("sweep", cfg, "-o", out, "--shard", "2/3", "--quiet", check=True)
    assert out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["given.shard2of3.h5"]
    a, _ = contents(out)
    b, _ = contents(paths[2])
    assert a["market_share"].tobytes() == b["market_share"].tobytes()
