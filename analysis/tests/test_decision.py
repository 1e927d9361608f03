"""The decision a report opens with (aandacht.decision): each brand that
changes a policy against a reference run of the same market. The reference
reproduces the run when the policy changes nothing; a policy that clearly
pays or clearly costs is called so; --against compares with another file;
the table, the CSV file and the page agree, and a report folder holds no
stale files."""
import csv
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from report_runs import BINARY, engine, run_files  # noqa: F401  (fixture)
from aandacht import decision, io, report

MARKET = """
scenario = {{ name = "{name}"; seed = 21; weeks = 60; warmup = 40; }};
population = {{ customers = 6000; }};
market = {{ commoditisation = 0.0; }};
brands = (
  {{ name = "A"; share = 0.3; quality = 0.7; price = 52.0; automation = {{ start = 0.15; }}; }},
  {{ name = "B"; share = 0.4; quality = 0.6; price = 50.0; automation = {{ start = 0.25; }}; }},
  {{ name = "C"; share = 0.3; quality = 0.6; price = 48.0; automation = {{ start = 0.35; }}; }}
);
{extra}
"""


def make(tmp_path, name, extra=""):
    cfg = tmp_path / f"{name}.cfg"
    cfg.write_text(MARKET.format(name=name, extra=extra))
    out = tmp_path / f"{name}.h5"
    engine("run", cfg, "-o", out, "--quiet")
    return io.read(out)


def test_policy_in_words(run_files):
    d = io.read(run_files["tipshock"])
    assert decision.policy(d, "Robo") == ["automation 20 % \u2192 " + f"{100 * d['parameters']['brands.Robo.automation.target']:.0f}"
                                           " % of contacts over weeks 8\u201320"]
    assert decision.policy(d, "Service") == ["week 4: hr_marketing = 0.7"]
    assert decision.policy(d, "Classic") == []   # a reputation shock is an event, not a policy


def test_the_reference_reproduces_a_run_whose_policy_changes_nothing(tmp_path):
    # B "sets" hr_marketing to the value it has: the reference (the same
    # scenario without that intervention) must be the same run, bit for bit,
    # so every difference is exactly zero at every seed
    d = make(tmp_path, "noop", 'interventions = ( { week = 10; brand = "B"; key = "hr_marketing"; value = 0.0; } );')
    (c,) = decision.compare(d, binary=BINARY, replications=2)
    assert c["brand"] == "B" and not c["error"]
    for name, f in c["figures"].items():
        assert f["per_seed"] == [0.0, 0.0], name
    assert c["verdict"] == decision.UNCLEAR


def test_a_policy_that_pays_and_one_that_costs(tmp_path):
    # from week 0, A's product becomes excellent, or worthless (nothing else changes)
    up = make(tmp_path, "up", 'interventions = ( { week = 0; brand = "A"; key = "quality"; value = 1.0; } );')
    down = make(tmp_path, "down", 'interventions = ( { week = 0; brand = "A"; key = "quality"; value = 0.1; } );')
    (u,) = decision.compare(up, binary=BINARY, replications=3)
    (dn,) = decision.compare(down, binary=BINARY, replications=3)
    assert u["verdict"] == decision.WINS, u["figures"]["profit"]
    assert dn["verdict"] == decision.LOSES, dn["figures"]["profit"]
    assert u["figures"]["market_share"]["diff"] > 0 > dn["figures"]["market_share"]["diff"]
    assert u["seeds"] == [21, 22, 23] and u["reference"] == "the same scenario without A's policy"


def test_the_figures_are_paired_means_over_the_last_year(tmp_path):
    up = make(tmp_path, "up2", 'interventions = ( { week = 0; brand = "A"; key = "quality"; value = 1.0; } );')
    (c,) = decision.compare(up, binary=BINARY, replications=1)
    i = up["brands"].index("A")
    pol, ref = c["series"]["profit"]
    assert np.array_equal(pol, up["brand"]["profit"][:, i])
    f = c["figures"]["profit"]
    assert f["policy"] == pytest.approx(float(np.mean(pol[-52:])))
    assert f["reference"] == pytest.approx(float(np.mean(ref[-52:])))
    assert f["diff"] == pytest.approx(f["policy"] - f["reference"]) and f["half"] is None
    assert c["verdict"] == decision.UNCLEAR   # one seed: no interval, no verdict either way


def test_against_another_file_compares_the_brands_whose_policy_differs(tmp_path):
    base = make(tmp_path, "base")
    ramp = make(tmp_path, "ramp", "")  # the same market, then B automates
    cfg = tmp_path / "ramp.cfg"
    cfg.write_text(cfg.read_text().replace("automation = { start = 0.25; }",
                                           "automation = { start = 0.25; target = 0.8; ramp_start = 0; ramp_weeks = 20; }"))
    engine("run", cfg, "-o", tmp_path / "ramp.h5", "--quiet", "--force")
    ramp = io.read(tmp_path / "ramp.h5")
    comps = decision.compare(ramp, reference=base, binary=BINARY, replications=2)
    assert [c["brand"] for c in comps] == ["B"]
    assert comps[0]["reference"] == "base (base.h5)"
    assert comps[0]["figures"]["employees"]["diff"] < 0   # automating to 80 % takes jobs
    other = make(tmp_path, "other", "").copy()
    other["brands"] = ["X", "Y", "Z"]
    (bad,) = decision.compare(ramp, reference=other, binary=BINARY)
    assert "not a run of the same market" in bad["error"]


def test_without_a_binary_the_decision_says_why(tmp_path, monkeypatch):
    d = make(tmp_path, "nobin", 'interventions = ( { week = 0; brand = "A"; key = "quality"; value = 1.0; } );')
    monkeypatch.delenv("AANDACHT_BINARY", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    (c,) = decision.compare(d, binary=None)
    assert "no aandacht binary" in c["error"] and "--against" in c["error"]


def test_report_opens_with_the_decision_and_writes_its_table(tmp_path):
    up = make(tmp_path, "upr", 'interventions = ( { week = 0; brand = "A"; key = "quality"; value = 1.0; } );')
    out = tmp_path / "rep"
    res = report.build([up], out, binary=BINARY, replications=3)
    (c,) = res["decisions"]["upr"]
    page = res["html"].read_text(encoding="utf-8")
    # the decision is the first section, with the verdict's own colour class
    first = page.index("<h2")
    assert page[first:first + 40].startswith('<h2 id="decision">')
    assert 'class="decision win"' in page and "\u25b2 pays" in page
    assert "upr_decision_A" in page
    rows = list(csv.DictReader(open(out / "data" / "upr_decision.csv")))
    assert [r["figure"] for r in rows] == ["profit per week", "market share", "loyalty", "jobs"]
    prof = rows[0]
    assert float(prof["difference"]) == pytest.approx(c["figures"]["profit"]["diff"])
    assert float(prof["interval_low"]) > 0 and prof["verdict"] == decision.WINS
    assert (int(prof["first_week"]), int(prof["last_week"])) == (8, 59)


def test_a_report_replaces_its_old_charts_and_data(tmp_path, run_files):
    out = tmp_path / "rep"
    stale = [out / "charts" / "old_chart.png", out / "data" / "old.csv"]
    for p in stale:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("stale")
    (out / "notes.txt").write_text("mine")   # not the report's: kept
    report.build([io.read(run_files["calm"])], out, decide=False)
    assert not any(p.exists() for p in stale)
    assert (out / "notes.txt").read_text() == "mine"


def test_command_line_names_the_folder_of_a_comparison_and_checks_its_options(tmp_path, run_files):
    a, b = Path(run_files["calm"]), Path(run_files["tipshock"])
    r = engine("report", a, b, "--quiet", "--no-decision", cwd=tmp_path)
    assert (tmp_path / "out" / f"{a.stem}_vs_{b.stem}_report" / "report.html").exists()
    r = engine("report", a, "--replications", "0", cwd=tmp_path, check=False)
    assert r.returncode == 2 and "--replications 0: give 1 to 20" in r.stderr
    r = engine("report", a, "--against", tmp_path / "missing.h5", cwd=tmp_path, check=False)
    assert r.returncode == 2 and "--against" in r.stderr


def test_money_is_named_in_the_scenarios_currency(tmp_path):
    eur = make(tmp_path, "eur", 'interventions = ( { week = 0; brand = "A"; key = "quality"; value = 1.0; } );')
    cfg = tmp_path / "eur.cfg"
    cfg.write_text(cfg.read_text().replace('seed = 21;', 'seed = 21; currency = "EUR";'))
    engine("run", cfg, "-o", tmp_path / "eur.h5", "--quiet", "--force")
    eur = io.read(tmp_path / "eur.h5")
    plain = make(tmp_path, "plain", 'interventions = ( { week = 0; brand = "A"; key = "quality"; value = 1.0; } );')
    for d, word in ((eur, "EUR"), (plain, "money")):
        res = report.build([d], tmp_path / f"rep_{d['stem']}", binary=BINARY, replications=1)
        page = res["html"].read_text(encoding="utf-8")
        assert f"profit / week, {word}" in page and f"profit per week, {word}" in page
        profit = next(c for c in res["charts"] if c["stem"].endswith("_profit"))
        assert f" {word} a week" in profit["title"]
        (c,) = res["decisions"][d["stem"]]
        assert c["currency"] == word


def test_csv_cells_from_scenario_text_cannot_run_as_formulas(tmp_path):
    # a brand named like a formula and a description that starts like one
    text = MARKET.format(name="formula", extra="").replace('name = "A"', 'name = "=HYPERLINK(1)"')
    text = text.replace('seed = 21;', 'seed = 21; description = "+cmd|calc";')
    cfg = tmp_path / "formula.cfg"
    cfg.write_text(text + 'interventions = ( { week = 0; brand = "=HYPERLINK(1)"; key = "quality"; value = 1.0; } );\n')
    engine("run", cfg, "-o", tmp_path / "formula.h5", "--quiet")
    d = io.read(tmp_path / "formula.h5")
    out = tmp_path / "rep"
    report.build([d], out, binary=BINARY, replications=1)
    cells = [c for p in (out / "data").glob("*.csv") for row in csv.reader(open(p)) for c in row]
    risky = [c for c in cells if c and (c[0] in "=+@" or (c[0] == "-" and not re.fullmatch(r"-[\d.e+-]+", c)))]
    assert not risky, risky[:5]
    assert "'=HYPERLINK(1)" in cells and "'+cmd|calc" in cells
    assert any(re.fullmatch(r"-\d+\.\d+", c) for c in cells)   # negative numbers stay numbers


def test_the_market_share_chart_names_the_trends_that_move_shares(tmp_path):
    from aandacht import charts
    still = make(tmp_path, "still")                      # commoditisation 0, prices follow costs
    assert charts.trends_words(still) == "; the market's trends from week 0 move shares too: prices following costs"
    cfg = tmp_path / "still.cfg"
    cfg.write_text(cfg.read_text().replace("commoditisation = 0.0;", "commoditisation = 0.0; price_adjust = 0.0;"))
    engine("run", cfg, "-o", tmp_path / "none.h5", "--quiet")
    assert charts.trends_words(io.read(tmp_path / "none.h5")) == ""
