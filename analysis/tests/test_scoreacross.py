"""Verdicts across files follow from the data: constructed runs where C1, C2
and the automation card must come out supported, not supported or not
testable, whatever the order of the files."""
import itertools
import re

import numpy as np

import report_runs  # noqa: F401  (puts the package on the import path)
from aandacht import scoreacross as sca
from aandacht import scorecard as sc

W = 104
RNG = np.random.default_rng(7)
BRANDS = ("Classic", "Service", "Budget", "Digital")


def flat(level, sd=0.002):
    """W weeks at `level` with weekly noise of sd."""
    return level + RNG.normal(0, sd, W)


def run(name, automation=0.30, scarcity=0.78, gap=0.02, tip_slope=0.0, tipping=False, premium=None,
        brand_automation=(0.15, 0.25, 0.35, 0.45), profit=(2000, 1000, 1500, 2000), customers=3000,
        brands=BRANDS, sd=0.002):
    """A run file as scoreacross reads it: constant levels plus weekly noise."""
    k = len(brands)
    return dict(name=name, market=tuple(brands), brands=list(brands),
                automation=flat(automation), scarcity=flat(scarcity, sd), deficit=flat(scarcity - 0.05),
                gap=flat(gap), premium=None if premium is None else flat(premium), tipping=tipping,
                tip_slope=flat(tip_slope, 0.01),
                brand_automation=np.tile(np.asarray(brand_automation, dtype=float), (W, 1)),
                profit=np.tile(np.asarray(profit, dtype=float), (W, 1)) * (1 + RNG.normal(0, 0.01, (W, k))),
                customers=customers)


def verdict(ev):
    return sc.decide([ev.parts])[0] if ev.testable else sc.NOT_TESTABLE


def same_in_every_order(fn, runs):
    """The verdict, parts and details of fn on every order of the runs: all equal."""
    seen = set()
    for order in itertools.permutations(runs):
        ev = fn(list(order))
        seen.add((verdict(ev), tuple((p.name, p.value, p.threshold) for p in ev.parts), tuple(ev.details)))
    assert len(seen) == 1, seen
    return fn(runs)


def test_c1_more_automation_scarcer_attention():
    base, rush = run("baseline"), run("robot_rush", automation=0.80, scarcity=0.89)
    ev = same_in_every_order(sca.c1_across_files, [rush, base])
    assert verdict(ev) == sc.SUPPORTED
    assert "robot_rush.h5 against baseline.h5" in ev.figure
    assert ev.details[0].startswith("robot_rush against baseline: automation 80 % against 30 %")


def test_c1_more_automation_without_scarcity_is_not_supported():
    base = run("baseline")
    touch = run("human_touch", automation=0.41, scarcity=0.64)       # automates more, scarcity falls
    rush = run("robot_rush", automation=0.80, scarcity=0.89)
    assert verdict(sca.c1_across_files([base, touch])) == sc.NOT_SUPPORTED
    # one scenario agrees, one contradicts: every comparison must hold
    ev = same_in_every_order(sca.c1_across_files, [touch, rush, base])
    assert verdict(ev) == sc.NOT_SUPPORTED
    assert {p.name for p in ev.parts} == {"scarcity, human_touch over baseline", "scarcity, robot_rush over baseline"}


def test_c1_noise_is_not_an_effect():
    """1.5 points more scarcity in weekly series with an sd of 10 points."""
    base = run("baseline", sd=0.1)
    rush = run("robot_rush", automation=0.80, scarcity=0.795, sd=0.1)
    ev = sca.c1_across_files([base, rush])
    assert ev.parts[0].threshold > 0.02 and verdict(ev) == sc.NOT_SUPPORTED


def test_c1_across_files_not_testable():
    # the files automate alike
    ev = sca.c1_across_files([run("baseline"), run("baseline_seed2", automation=0.32, scarcity=0.80)])
    assert not ev.testable and "robot_rush" in ev.why_not and "within 5 points" in ev.details[0]
    # different markets are not compared
    tips = run("hospitality_tips", automation=0.8, scarcity=0.9, brands=("Bistro", "Trattoria", "Tablet"),
               brand_automation=(0.05, 0.05, 0.6), profit=(900, 200, 1400))
    ev = sca.c1_across_files([run("baseline"), tips])
    assert not ev.testable and "same market" in ev.figure
    # runs of two markets: each compared within its own
    pair = [run("baseline"), run("robot_rush", automation=0.8, scarcity=0.89), tips,
            run("tips_rush", automation=0.9, scarcity=0.95, brands=tips["brands"], brand_automation=(0.9,) * 3,
                profit=(900, 200, 1400))]
    ev = same_in_every_order(sca.c1_across_files, pair)
    assert verdict(ev) == sc.SUPPORTED and len(ev.parts) == 2
    assert {p.name for p in ev.parts} == {"scarcity, robot_rush over baseline", "scarcity, tips_rush over hospitality_tips"}


def test_c2_gap_and_tips_across_scarcity():
    calm, scarce = run("human_touch", scarcity=0.64, gap=0.02), run("robot_rush", scarcity=0.89, gap=0.05)
    ev = same_in_every_order(sca.c2_across_files, [scarce, calm])
    assert verdict(ev) == sc.SUPPORTED and "robot_rush.h5 against human_touch.h5" in ev.figure
    # the gap narrows where attention is scarce (the shipped scenarios)
    assert verdict(sca.c2_across_files([calm, run("robot_rush", scarcity=0.89, gap=0.016)])) == sc.NOT_SUPPORTED
    # with tipping in both runs, tips per unit of attention count too
    tc = run("bistro", scarcity=0.64, gap=0.02, tipping=True, tip_slope=0.06)
    up = run("tablet", scarcity=0.89, gap=0.05, tipping=True, tip_slope=0.10)
    same = run("tablet", scarcity=0.89, gap=0.05, tipping=True, tip_slope=0.06)
    ev = sca.c2_across_files([tc, up])
    assert verdict(ev) == sc.SUPPORTED and len(ev.parts) == 2 and "tips per unit of attention" in ev.details[0]
    assert verdict(sca.c2_across_files([tc, same])) == sc.NOT_SUPPORTED
    # scarcity within 2 points: not testable
    ev = sca.c2_across_files([calm, run("other", scarcity=0.65, gap=0.08)])
    assert not ev.testable and "robot_rush" in ev.why_not


def test_automation_pays_against_the_same_brand():
    base = run("baseline")
    win = run("robot_rush", brand_automation=(0.8,) * 4, profit=(2400, 1200, 1800, 2400))
    lose = run("human_touch", automation=0.41, brand_automation=(0.15, 0.75, 0.75, 0.75),
               profit=(4000, 600, 900, 1200))
    ev = same_in_every_order(sca.automation_pays_across_files, [win, base])
    _, s = sc.decide([ev.parts])
    assert sca.automation_verdict_across(s) == "automation wins on profit"
    assert re.search(r"Classic 80 % automated earns 2,\d{3} against [12],\d{3} in baseline \(15 %\)", ev.details[0])
    ev = sca.automation_pays_across_files([base, lose])
    assert sca.automation_verdict_across(sc.decide([ev.parts])[1]) == "automation loses on profit"
    # human_touch's Classic keeps 15 %, as in the baseline: only the others are compared
    assert "Classic" not in ev.details[0] and "Service 75 %" in ev.details[0]
    # one run wins, the other loses: no clear winner, and both are listed
    ev = same_in_every_order(sca.automation_pays_across_files, [lose, base, win])
    assert sca.automation_verdict_across(sc.decide([ev.parts])[1]) == "no clear winner on profit"
    assert len(ev.details) == 2


def test_automation_pays_reference_and_size():
    # Classic automates least (15 %) in both baseline and human_touch: the
    # run with less automation overall is its reference
    base = run("zz_baseline", automation=0.30, profit=(2000, 1000, 1500, 2000))
    touch = run("aa_touch", automation=0.41, brand_automation=(0.15, 0.75, 0.75, 0.75), profit=(9000, 1000, 1500, 2000))
    rush = run("robot_rush", brand_automation=(0.8,) * 4, profit=(2000, 1000, 1500, 2000))
    ev = sca.automation_pays_across_files([base, touch, rush])
    line = [x for x in ev.details if x.startswith("robot_rush")][0]
    assert re.search(r"Classic 80 % automated earns [\d,]+ against [\d,]+ in zz_baseline \(15 %\)", line)
    # a run of twice the customers with twice the profit earns the same per customer
    big = run("robot_rush", brand_automation=(0.8,) * 4, profit=(4000, 2000, 3000, 4000), customers=6000)
    ev = sca.automation_pays_across_files([run("baseline"), big])
    _, s = sc.decide([ev.parts])
    assert abs(s[0]["mean"]) < 0.02 and sca.automation_verdict_across(s) == "no clear winner on profit"
    assert "per 1,000 customers" in ev.details[0]


def test_automation_pays_not_testable():
    ev = sca.automation_pays_across_files([run("baseline"), run("baseline_seed2", brand_automation=(0.16, 0.26, 0.36, 0.46))])
    assert not ev.testable and "robot_rush" in ev.why_not
    assert sca.automation_verdict_across([]) == sc.NOT_TESTABLE


def test_c2_across_files_rests_on_the_human_premium_when_the_files_have_it():
    calm = run("human_touch", scarcity=0.64, gap=0.05, premium=0.020)
    scarce = run("robot_rush", scarcity=0.89, gap=0.01, premium=0.035)
    ev = same_in_every_order(sca.c2_across_files, [scarce, calm])
    # the loyalty gap narrows, but the premium rises: supported, on the premium
    assert verdict(ev) == sc.SUPPORTED and "human premium" in ev.figure
    assert [p.name for p in ev.parts] == ["human premium, robot_rush over human_touch"]
    flat_premium = run("robot_rush", scarcity=0.89, gap=0.08, premium=0.021)
    assert verdict(sca.c2_across_files([calm, flat_premium])) == sc.NOT_SUPPORTED
    # an older file without it: both fall back to the loyalty gap
    old = run("robot_rush", scarcity=0.89, gap=0.08)
    ev = sca.c2_across_files([calm, old])
    assert verdict(ev) == sc.SUPPORTED and "loyalty gap" in ev.parts[0].name
