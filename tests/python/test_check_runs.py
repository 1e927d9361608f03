"""`aandacht check FILE` on a file with a sweep lists its runs after the
summary, as comment lines: run K, design point, replication, seed and each
swept value as applied (INT rounded); every run of a small sweep, the first
20 and the last 5 of a larger one, and every run with --runs. The values
listed are those `aandacht run FILE --sweep-point K` and `aandacht sweep`
use, and the output is still a scenario file."""
import re

import h5py
import pytest

from engine_support import SOURCE, run, small_scenario

LHS = """
sweep = {{
  design = "lhs"; n = 5; replications = 2; seed = 11; branch_from_warmup = {branch};
  parameters = (
    {{ key = "brands.[2].automation.target"; min = 0.35; max = 0.9; }},
    {{ key = "population.customers"; min = 300; max = 700; }},
    {{ key = "satisfaction.theta"; min = 0.0; max = 2.0; }}
  );
}};
"""
KEYS = ["brands.[2].automation.target", "population.customers", "satisfaction.theta"]
BIG = """
sweep = {
  design = "grid"; replications = 3;
  parameters = (
    { key = "satisfaction.theta"; min = 0.0; max = 2.0; levels = 10; },
    { key = "network.degree"; values = [2, 4, 6, 8, 10, 12, 14, 16, 0, 8]; }
  );
};
"""


def table(stdout):
    """The run table: its column names, its rows (lists of strings), and
    the '...' line, if any."""
    lines = stdout.splitlines()
    head = next(i for i, l in enumerate(lines) if re.match(r"#\s+run\s+point\s+rep\s+seed\s", l))
    cols = lines[head][1:].split()
    rows, gap = [], None
    for l in lines[head + 1:]:
        assert l.startswith("#"), l
        if l.startswith("# ..."):
            gap = l
            continue
        rows.append(l[1:].split())
        assert len(rows[-1]) == len(cols), l
    return cols, rows, gap


def check_value(key, text, applied):
    if key == "population.customers":      # INT: whole numbers only
        assert re.fullmatch(r"-?\d+", text), text
        assert int(text) == applied
    else:
        assert float(text) == applied, (key, text, applied)   # exactly the double applied


@pytest.mark.parametrize("branch", ["false", "true"])
def test_the_runs_listed_are_the_runs_made(tmp_path, branch):
    cfg = small_scenario(tmp_path, weeks=2, warmup=2, customers=500, extra=LHS.format(branch=branch))
    r = run("check", cfg, check=True)
    cols, rows, gap = table(r.stdout)
    assert cols == ["run", "point", "rep", "seed", *KEYS] and gap is None
    assert [int(x[0]) for x in rows] == list(range(10))
    assert "# runs: 10 (" in r.stdout and r.stdout.index("# runs: 10 (") < r.stdout.index("#   run  point")
    out = tmp_path / "s.h5"
    run("sweep", cfg, "-o", out, "--quiet", check=True)
    with h5py.File(out, "r") as f:
        var = {f[n].attrs["key"].decode() if isinstance(f[n].attrs["key"], bytes) else f[n].attrs["key"]: f[n]
               for n in f if isinstance(f[n], h5py.Dataset) and "key" in f[n].attrs}
        assert set(KEYS) <= set(var)
        for row in rows:
            k = int(row[0])
            assert int(row[1]) == f["point"][k] and int(row[2]) == f["replication"][k]
            assert int(row[3]) == f["seed"][k]
            for j, key in enumerate(KEYS):
                check_value(key, row[4 + j], var[key][k])
    # and what `run --sweep-point K` runs with, from its own /parameters
    for k in (3, 8):
        single = tmp_path / f"run{k}.h5"
        run("run", cfg, "--sweep-point", k, "-o", single, "--quiet", check=True)
        with h5py.File(single, "r") as f:
            p = f["parameters"].attrs
            assert int(rows[k][3]) == p["scenario.seed"]
            check_value(KEYS[0], rows[k][4], p["brands.Budget.automation.target"])
            check_value(KEYS[1], rows[k][5], p["population.customers"])
            check_value(KEYS[2], rows[k][6], p["satisfaction.theta"])
    if branch == "true":   # a branched sweep's seeds stand for markets, not points: not those without
        plain = small_scenario(tmp_path, name="plain", weeks=2, warmup=2, customers=500,
                               extra=LHS.format(branch="false"))
        _, plain_rows, _ = table(run("check", plain, check=True).stdout)
        assert all(a[3] != b[3] for a, b in zip(rows, plain_rows))
        assert [a[4:] for a in rows] == [b[4:] for b in plain_rows]


def test_a_big_sweep_lists_the_first_and_last_runs_and_runs_lists_all(tmp_path):
    cfg = small_scenario(tmp_path, weeks=2, warmup=2, customers=500, extra=BIG)
    r = run("check", cfg, check=True)
    cols, rows, gap = table(r.stdout)
    assert cols == ["run", "point", "rep", "seed", "satisfaction.theta", "network.degree"]
    assert [int(x[0]) for x in rows] == list(range(20)) + list(range(295, 300))
    assert gap == f"# ... (300 runs in all; aandacht check {cfg} --runs lists them all)"
    whole = run("check", cfg, "--runs", check=True)
    cols2, all_rows, gap2 = table(whole.stdout)
    assert cols2 == cols and gap2 is None
    assert [int(x[0]) for x in all_rows] == list(range(300))
    assert rows == all_rows[:20] + all_rows[295:]
    for x in all_rows:   # run K: point K / 3, replication K % 3
        k = int(x[0])
        assert (int(x[1]), int(x[2])) == (k // 3, k % 3)
    # the degree is listed as the INT it is; the grid's values in order
    assert [x[5] for x in all_rows[:30:3]] == ["2", "4", "6", "8", "10", "12", "14", "16", "0", "8"]
    # the seeds and values are those of the resolved configuration of run K
    for k in (0, 7, 299):
        one = run("check", cfg, "--sweep-point", k, check=True).stdout
        conf = one[:one.index("# sweep:")]
        assert re.search(r"\bseed = (\d+)L?;", conf).group(1) == all_rows[k][3]
        assert re.search(r"\bdegree = (\d+);", conf).group(1) == all_rows[k][5]
        assert float(re.search(r"\btheta = ([-0-9.eE+]+);", conf).group(1)) == float(all_rows[k][4])
    # the output, run table included, is still a scenario file
    for name, text in (("listed.cfg", r.stdout), ("all.cfg", whole.stdout)):
        again = tmp_path / name
        again.write_text(text)
        r2 = run("check", again)
        assert r2.returncode == 0 and "valid" in r2.stderr, r2.stderr


def test_runs_needs_a_sweep_and_is_in_the_help(tmp_path):
    cfg = small_scenario(tmp_path, weeks=2, warmup=2, customers=500)
    r = run("check", cfg, "--runs")
    assert r.returncode == 2 and "no sweep group" in r.stderr, r.stderr
    r = run("check", cfg)
    assert r.returncode == 0 and "#   run  point" not in r.stdout
    h = run("check", "--help", check=True).stdout
    assert "[--runs]" in h and "--runs   list every run" in h
    r = run("check", cfg, "--rnus")
    assert r.returncode == 2 and "--runs" in r.stderr


def test_the_docs_show_what_check_prints():
    doc = (SOURCE / "docs" / "scenario-files.md").read_text()
    at = doc.index("configuration it prints a summary and the runs")
    shown = re.search(r"```\n(.*?)```", doc[at:], flags=re.S).group(1)
    r = run("check", SOURCE / "scenarios" / "sweep_workstation.cfg", check=True)
    assert r.stdout[r.stdout.index("# sweep:"):] == shown
