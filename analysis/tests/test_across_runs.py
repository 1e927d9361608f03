"""Claims judged across files and across brands on small files the engine
makes from the shipped scenarios: baseline and robot_rush at 3,000
customers, 60 weeks after a year's warm-up, robot_rush ramping within them."""
import pytest

from report_runs import SOURCE, engine
from aandacht import claims, io
from aandacht import scorecard as sc

SMALL = ["--set", "population.customers=3000", "--weeks", "60", "--set", "scenario.warmup=52", "--quiet"]
# robot_rush ramps from week 52 over three years: here from week 0 over 30 weeks
RAMP = [x for k in range(4) for x in ("--set", f"brands.[{k}].automation.ramp_start=0",
                                      "--set", f"brands.[{k}].automation.ramp_weeks=30")]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    d = tmp_path_factory.mktemp("across")
    out = {}
    for name, extra in (("baseline", []), ("robot_rush", RAMP)):
        out[name] = d / f"{name}.h5"
        engine("run", SOURCE / "scenarios" / f"{name}.cfg", "-o", out[name], *SMALL, *extra)
    return {k: io.read(v) for k, v in out.items()}


def test_several_files_decide_c1(shipped):
    base, rush = shipped["baseline"], shipped["robot_rush"]
    cards = {c["claim"]: c for c in claims.across([base, rush])}
    assert set(cards) == {"C1", "C2", "A"}
    c1 = cards["C1"]
    assert c1["verdict"] in (sc.SUPPORTED, sc.NOT_SUPPORTED)
    assert "robot_rush.h5 against baseline.h5" in c1["figure"]
    assert c1["details"][0].startswith("robot_rush against baseline: automation 8")
    assert c1["files"] == ["baseline", "robot_rush"]
    assert cards["A"]["verdict"] in ("automation wins on profit", "automation loses on profit",
                                     "no clear winner on profit")
    # the same files in the other order: the same cards
    assert repr(claims.across([rush, base])) == repr(claims.across([base, rush]))   # repr: nan == nan


def test_baseline_alone_judges_c1_across_brands(shipped):
    c1 = claims.scorecard(shipped["baseline"])[0]
    assert c1["claim"] == "C1" and c1["verdict"] in (sc.SUPPORTED, sc.NOT_SUPPORTED)
    assert "cross-sectional" in c1["figure"] and len(c1["details"]) == 4
    assert c1["details"][0].startswith("Classic: 15 % automated")


def test_one_file_has_no_cards_across(shipped):
    assert claims.across([shipped["baseline"]]) == []
