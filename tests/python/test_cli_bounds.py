"""The command line takes any number of repeated options (--set, --seed,
--weeks, merge's shard files) and uses every option value whole: a value
longer than the engine can keep is refused with one line naming what is
wrong and what is allowed, and exit status 2; nothing crashes and nothing
is cut silently (app/main.c)."""
import re

from engine_support import run, small_scenario

MANY = 300
SWEEP = """
sweep = {
  design = "grid";
  replications = 1;
  parameters = ( { key = "satisfaction.theta"; min = 0.0; max = 2.0; levels = 2; } );
};
"""


def tiny(tmp_path, **kw):
    """A scenario that runs in a blink: 300 customers, 2 weeks, no warm-up."""
    return small_scenario(tmp_path, weeks=2, warmup=0, customers=300, **kw)


def repeated(option, values):
    return [a for v in values for a in (option, v)]


def assert_no_crash(r):
    assert r.returncode in (0, 1, 2), f"exit {r.returncode} (a signal?):\n{r.stderr}"


def assert_refused(r, *words):
    """Exit status 2 with a one-line message that holds every word."""
    assert_no_crash(r)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aandacht: "), r.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])


def summary_line(r):
    """`run`'s first summary line: NAME: N customers, W weeks after ..., seed S, ..."""
    m = re.search(r"^\w+: (\d+) customers, (\d+) weeks after \d+ weeks of warm-up, seed (\d+),", r.stdout, re.M)
    assert m, r.stdout
    return tuple(int(x) for x in m.groups())


# ---- many repeated options ------------------------------------------------

def test_run_takes_300_seeds_and_the_last_wins(tmp_path):
    r = run("run", tiny(tmp_path), "-o", tmp_path / "o.h5", *repeated("--seed", range(1, MANY + 1)))
    assert_no_crash(r)
    assert r.returncode == 0, r.stderr
    assert summary_line(r) == (300, 2, MANY)


def test_run_takes_300_weeks_options_and_the_last_wins(tmp_path):
    r = run("run", tiny(tmp_path), "-o", tmp_path / "o.h5", *repeated("--weeks", [5] * (MANY - 1) + [3]))
    assert_no_crash(r)
    assert r.returncode == 0, r.stderr
    assert summary_line(r)[1] == 3


def test_run_takes_300_sets_mixed_with_300_seeds_and_weeks_in_order(tmp_path):
    args = []
    for k in range(MANY):
        args += ["--set", f"population.customers={200 + k}", "--seed", str(k), "--weeks", "2"]
    args += ["--set", "scenario.seed=77"]  # after the --seed options: the last one given wins
    r = run("run", tiny(tmp_path), "-o", tmp_path / "o.h5", *args)
    assert_no_crash(r)
    assert r.returncode == 0, r.stderr
    assert summary_line(r) == (200 + MANY - 1, 2, 77)


def test_check_takes_300_sets(tmp_path):
    sets = repeated("--set", [f"population.customers={1000 + k}" for k in range(MANY)])
    r = run("check", tiny(tmp_path), *sets, "--set=network.degree=4")
    assert_no_crash(r)
    assert r.returncode == 0, r.stderr
    assert re.search(rf"^\s*customers = {1000 + MANY - 1};$", r.stdout, re.M), r.stdout
    assert re.search(r"^\s*degree = 4;$", r.stdout, re.M)


def test_sweep_takes_300_sets(tmp_path):
    sets = repeated("--set", [f"population.customers={200 + k}" for k in range(MANY)])
    out = tmp_path / "sweep.h5"
    r = run("sweep", tiny(tmp_path, extra=SWEEP), "-o", out, "--quiet", *sets)
    assert_no_crash(r)
    assert r.returncode == 0, r.stderr
    assert out.exists()


def test_merge_takes_more_shard_files_than_before(tmp_path):
    # 5,000 names (the old list held 4,096): all are read, the first missing one is named
    names = [str(tmp_path / f"x.shard{i}of5000.h5") for i in range(5000)]
    r = run("merge", *names)
    assert_refused(r, "x.shard0of5000.h5", "no such shard file")


# ---- long option values: whole or refused ---------------------------------

def test_a_long_seed_is_used_whole(tmp_path):
    # 100 digits: longer than the 64 bytes --seed used to be copied into
    r = run("run", tiny(tmp_path), "-o", tmp_path / "o.h5", "--seed", "0" * 98 + "42")
    assert r.returncode == 0, r.stderr
    assert summary_line(r)[2] == 42


def test_a_seed_out_of_range_is_refused(tmp_path):
    r = run("run", tiny(tmp_path), "-o", tmp_path / "o.h5", "--seed", "9" * 30)
    assert_refused(r, "scenario.seed", "0 to 9007199254740991", "9" * 30)


def test_an_over_long_seed_or_weeks_is_refused(tmp_path):
    for opt in ("--seed", "--weeks"):
        r = run("run", tiny(tmp_path), "-o", tmp_path / "o.h5", opt, "1" * 3000)
        assert_refused(r, "too long", "at most 2047 bytes")
        assert not (tmp_path / "o.h5").exists()


def test_an_over_long_set_key_or_value_is_refused(tmp_path):
    r = run("check", tiny(tmp_path), "--set", "x" * 3000 + "=1")
    assert_refused(r, "key is too long", "at most 159 bytes")
    r = run("check", tiny(tmp_path), "--set", "scenario.description=" + "x" * 3000)
    assert_refused(r, "value is too long", "at most 2047 bytes")


def test_a_long_output_path_is_used_whole(tmp_path):
    # about 1,500 bytes, over the 1,024 the name used to be copied into
    d = tmp_path
    for k in range(7):
        d = d / (f"{k}" * 200)
    d.mkdir(parents=True)
    out = d / "run.h5"
    assert len(str(out)) > 1400
    r = run("run", tiny(tmp_path), "-o", out, "--quiet")
    assert r.returncode == 0, r.stderr
    assert out.exists()


def test_an_over_long_output_path_is_refused(tmp_path):
    cfg = tiny(tmp_path)
    r = run("run", cfg, "-o", "o" * 5000 + ".h5")
    assert_refused(r, "output path (-o)", "5003 bytes", "at most 4087 bytes")
    r = run("merge", "a.shard0of1.h5", "-o", "o" * 5000 + ".h5")
    assert_refused(r, "output path (-o)", "at most 4087 bytes")
    r = run("sweep", tiny(tmp_path, name="sw", extra=SWEEP), "-o", "o" * 1021 + ".h5")
    assert_refused(r, "output path (-o)", "1024 bytes", "at most 1023 bytes")


def test_an_over_long_scenario_path_is_refused(tmp_path):
    d = tmp_path
    for k in range(3):
        d = d / (f"{k}" * 200)
    d.mkdir(parents=True)
    cfg = tiny(d)
    assert len(str(cfg)) > 600
    for cmd in ("run", "check", "sweep"):
        r = run(cmd, cfg)
        assert_refused(r, "scenario file's path", "at most 511 bytes")


def test_bad_numbers_in_options_are_refused_whole(tmp_path):
    cfg = tiny(tmp_path)
    for args in (["run", cfg, "--threads", "9" * 40], ["run", cfg, "--sweep-point", "9" * 40],
                 ["check", cfg, "--sweep-point", "9" * 40], ["sweep", cfg, "--jobs", "9" * 40],
                 ["sweep", cfg, "--shard", "1/" + "9" * 40]):
        r = run(*args)
        assert_no_crash(r)
        assert r.returncode == 2, (args, r.stderr)
        assert "9" * 40 in r.stderr or "whole number" in r.stderr, r.stderr
