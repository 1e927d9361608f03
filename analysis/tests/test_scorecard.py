"""The scorecard's verdicts follow from the data: constructed series where
each claim must come out supported, not supported or not testable."""
import numpy as np
import pytest

import report_runs  # noqa: F401  (puts the package on the import path)
from aandacht import scorecard as sc

W = 208          # four years of weeks: windows of 52
RNG = np.random.default_rng(1)


def ramp(a, b, n=W, start=52, weeks=104):
    """a until `start`, then linearly to b over `weeks`, then b."""
    t = np.arange(n)
    return a + (b - a) * np.clip((t - start) / weeks, 0, 1)


def noisy(x, sd=0.002):
    return np.asarray(x, dtype=float) + RNG.normal(0, sd, np.shape(x))


def verdict(ev):
    return sc.decide([ev.parts])[0] if ev.testable else sc.NOT_TESTABLE


def test_c1_scarcity_follows_automation():
    auto = ramp(0.3, 0.8)
    assert verdict(sc.c1_scarcity(auto, noisy(ramp(0.77, 0.89)), noisy(ramp(0.7, 0.8)))) == sc.SUPPORTED
    # automation rises, scarcity falls (people give more attention): not supported
    assert verdict(sc.c1_scarcity(auto, noisy(ramp(0.77, 0.65)), noisy(ramp(0.7, 0.6)))) == sc.NOT_SUPPORTED
    # a rise of half a point is below the 1-point minimum
    assert verdict(sc.c1_scarcity(auto, ramp(0.77, 0.775), ramp(0.7, 0.7))) == sc.NOT_SUPPORTED
    ev = sc.c1_scarcity(noisy(np.full(W, 0.3)), noisy(ramp(0.77, 0.9)), noisy(ramp(0.7, 0.8)))
    assert not ev.testable and "robot_rush" in ev.why_not


def test_c1_noise_must_not_pass_as_an_effect():
    """A 1.5-point difference in series with a weekly sd of 10 points is noise."""
    auto = ramp(0.3, 0.8)
    scar = np.full(W, 0.77) + np.where(np.arange(W) >= W - 52, 0.015, 0) + RNG.normal(0, 0.1, W)
    ev = sc.c1_scarcity(auto, scar, np.full(W, 0.7))
    assert ev.parts[0].threshold > 0.02       # twice the standard error, not the 1-point minimum
    assert verdict(ev) == sc.NOT_SUPPORTED


def test_c2_gap_must_widen_as_attention_gets_scarce():
    scar = ramp(0.77, 0.89)
    val = 1 + scar
    human = noisy(ramp(0.70, 0.74))
    assert verdict(sc.c2_value(scar, val, human, noisy(ramp(0.68, 0.66)))) == sc.SUPPORTED
    assert verdict(sc.c2_value(scar, val, human, noisy(ramp(0.68, 0.73)))) == sc.NOT_SUPPORTED
    ev = sc.c2_value(np.full(W, 0.77), np.full(W, 1.77), human, human - 0.02)
    assert not ev.testable


def test_c2_rests_on_the_human_premium_when_the_file_has_it():
    scar = ramp(0.77, 0.89)
    val = 1 + scar
    # loyalty gap narrowing (would say no), premium rising (says yes): the premium decides
    human, robot = noisy(ramp(0.70, 0.70)), noisy(ramp(0.68, 0.69))
    rising = noisy(ramp(0.12, 0.14))
    ev = sc.c2_value(scar, val, human, robot, rising)
    assert verdict(ev) == sc.SUPPORTED and "human premium" in ev.figure and "attention value" not in ev.figure
    assert verdict(sc.c2_value(scar, val, human, robot, noisy(ramp(0.12, 0.12)))) == sc.NOT_SUPPORTED
    # weeks without both kinds of contact are not a number: skipped
    gappy = rising.copy()
    gappy[::7] = np.nan
    assert verdict(sc.c2_value(scar, val, human, robot, gappy)) == sc.SUPPORTED
    # a file without the premium (all NaN, or none) falls back to the loyalty gap
    assert verdict(sc.c2_value(scar, val, human, robot, np.full(W, np.nan))) == sc.NOT_SUPPORTED
    assert verdict(sc.c2_value(scar, val, noisy(ramp(0.70, 0.74)), noisy(ramp(0.68, 0.66)), None)) == sc.SUPPORTED


def test_c3_relational_share_of_differentiation():
    f, r = ramp(0.10, 0.05), ramp(0.10, 0.20)
    assert verdict(sc.c3_relation(f, r, 0.1)) == sc.SUPPORTED
    assert verdict(sc.c3_relation(r, f, 0.1)) == sc.NOT_SUPPORTED     # function wins ground
    assert not sc.c3_relation(f, r, 0.0).testable                       # nothing commoditises


def brand_panel(eng, loyalty_slope, profit_slope, noise=0.0):
    """(week, brand) series: engagement levels per brand; loyalty and profit
    linear in engagement with the given slopes."""
    e = np.tile(np.asarray(eng, dtype=float), (W, 1)) + RNG.normal(0, 0.01, (W, len(eng)))
    loy = 0.6 + loyalty_slope * e + RNG.normal(0, noise, e.shape)
    nps = 100 * (loy - 0.55)
    prof = 1000 + profit_slope * e
    return e, loy, nps, prof


def test_c4_engagement_loyalty_and_profit():
    assert verdict(sc.c4_engagement(*brand_panel([0.1, 0.2, 0.4, 0.6], 0.3, 5000))) == sc.SUPPORTED
    # loyal, but it does not pay: not supported, and the figure says why
    ev = sc.c4_engagement(*brand_panel([0.1, 0.2, 0.4, 0.6], 0.3, -5000))
    assert verdict(ev) == sc.NOT_SUPPORTED and "profit r = -" in ev.figure
    assert verdict(sc.c4_engagement(*brand_panel([0.1, 0.2, 0.4, 0.6], -0.3, 5000))) == sc.NOT_SUPPORTED
    assert not sc.c4_engagement(*brand_panel([0.2, 0.2, 0.2], 0.3, 5000)).testable


def twins_panel(edge):
    """Two twins at 55 % automation (brand 0 by need, 1 uniform), a third brand."""
    visits = np.full((W, 3), 1000.0)
    automated = np.column_stack([np.full(W, 550.0), np.full(W, 550.0), np.full(W, 200.0)])
    loy = np.column_stack([noisy(np.full(W, 0.64 + edge)), noisy(np.full(W, 0.64)), np.full(W, 0.6)])
    nps = 100 * (loy - 0.5)
    profit = 1000 * loy
    return visits, automated, loy, nps, profit


def test_c5_by_need_against_uniform_twin():
    names = ["N", "U", "X"]
    routing = ["by_need", "uniform", "uniform"]
    v, a, loy, nps, p = twins_panel(0.05)
    assert verdict(sc.c5_routing(names, routing, a, v, loy, nps, p, [(0, 1)])) == sc.SUPPORTED
    v, a, loy, nps, p = twins_panel(-0.02)
    assert verdict(sc.c5_routing(names, routing, a, v, loy, nps, p, [(0, 1)])) == sc.NOT_SUPPORTED
    # no twins, or twins at unequal automation: not testable
    assert not sc.c5_routing(names, routing, a, v, loy, nps, p, []).testable
    a2 = a.copy()
    a2[:, 1] = 300.0
    assert not sc.c5_routing(names, routing, a2, v, loy, nps, p, [(0, 1)]).testable
    assert not sc.c5_routing(names, ["uniform"] * 3, a, v, loy, nps, p, [(0, 1)]).testable


def shock_series(fall_later):
    """Visits at 1000 a week (1 % noise), a 7 % fall at week 104 that decays
    to `fall_later` by months 4-6."""
    t = np.arange(W)
    fall = np.where(t >= 104, fall_later + (0.07 - fall_later) * 0.5 ** ((t - 104) / 4.0), 0.0)
    visits = 1000 * (1 - fall) * (1 + RNG.normal(0, 0.01, W))
    stated = np.where(t >= 104, 0.13 * 0.5 ** ((t - 104) / 60.0), 0.0)
    return visits, stated


def test_c6_lingering_shock():
    assert verdict(sc.c6_shock(*shock_series(0.03), 104, "B")) == sc.SUPPORTED
    assert verdict(sc.c6_shock(*shock_series(0.0), 104, "B")) == sc.NOT_SUPPORTED
    v, s = shock_series(0.03)
    assert not sc.c6_shock(v, s, 190, "B").testable    # too little after
    assert not sc.c6_shock(v, s, 5, "B").testable      # too little before


def test_c6_follows_the_pre_shock_trend():
    """A brand already losing 1 % of its visits a quarter is not 'lingering' for that."""
    t = np.arange(W)
    visits = 1000 * (1 - 0.01 * t / 13) * (1 + RNG.normal(0, 0.003, W))
    assert verdict(sc.c6_shock(visits, np.zeros(W), 104, "B")) == sc.NOT_SUPPORTED


def test_c7_tips_and_attention():
    tip = np.full(W, 0.18)
    assert verdict(sc.c7_tips(True, tip, noisy(np.full(W, 0.06), 0.01))) == sc.SUPPORTED
    assert verdict(sc.c7_tips(True, tip, noisy(np.full(W, 0.0), 0.01))) == sc.NOT_SUPPORTED
    assert not sc.c7_tips(False, np.zeros(W), np.zeros(W)).testable
    assert not sc.c7_tips(True, np.zeros(W), np.zeros(W)).testable   # tipping on but nobody tips


def test_automation_card_says_when_automation_wins():
    names = ["Tablet", "Bistro"]
    auto = np.column_stack([ramp(0.05, 0.6), np.full(W, 0.05)])
    share = np.column_stack([ramp(0.3, 0.5), ramp(0.7, 0.5)])
    win = np.column_stack([ramp(5000, 15000), ramp(9000, 6000)])
    ev = sc.automation_pays(names, auto, win, share)
    assert sc.automation_verdict(sc.decide([ev.parts])[1]) == "automation wins on profit"
    assert "Tablet 5 % \u2192 60 % automated" in ev.figure
    lose = win[:, ::-1]
    ev = sc.automation_pays(names, auto, lose, share)
    assert sc.automation_verdict(sc.decide([ev.parts])[1]) == "automation loses on profit"
    ev = sc.automation_pays(names, np.full((W, 2), 0.3), win, share)
    assert not ev.testable


def test_replications_need_an_interval_clear_of_zero():
    def parts(v):
        return [sc.Part("x", v, 0.01)]
    verdict, s = sc.decide([parts(0.05), parts(0.06), parts(0.055)])
    assert verdict == sc.SUPPORTED and s[0]["lo"] > 0 and s[0]["n"] == 3
    # the mean passes the minimum, but the replications disagree in sign
    verdict, s = sc.decide([parts(0.20), parts(-0.15), parts(0.02)])
    assert verdict == sc.NOT_SUPPORTED and s[0]["mean"] >= 0.01 and s[0]["lo"] < 0
    assert sc.decide([])[0] == sc.NOT_TESTABLE


def test_interval_is_student_t():
    m, lo, hi = sc.interval([1.0, 2.0, 3.0])
    assert m == 2.0
    assert hi - m == pytest.approx(4.302653 * 1.0 / np.sqrt(3), rel=1e-5)
    assert np.isnan(sc.interval([1.0])[1])


# ---- C1 within one run, across brands (cross-sectional) ---------------------------

def brands_panel(automation, attention_per_human, visits=1000.0):
    """(week, brand) series of brands with constant automation; a brand's
    attention per contact is its attention per human contact times the share
    of contacts people serve (automated contacts get none)."""
    a = np.asarray(automation, dtype=float)
    vis = np.full((W, len(a)), visits)
    automated = vis * a
    attention = noisy(np.tile(np.asarray(attention_per_human) * (1 - a), (W, 1)))
    return automated, vis, attention


def test_c1_across_brands_when_automation_does_not_change():
    names = ["Classic", "Service", "Budget", "Digital"]
    flat = noisy(np.full(W, 0.30))
    aut, vis, att = brands_panel([0.15, 0.25, 0.35, 0.45], [0.30, 0.30, 0.30, 0.30])
    ev = sc.c1_run(flat, noisy(np.full(W, 0.78)), noisy(np.full(W, 0.72)), names, aut, vis, att,
                   deficit=[0.70, 0.74, 0.77, 0.79])
    assert ev.values["basis"] == "brands" and "cross-sectional" in ev.figure
    assert verdict(ev) == sc.SUPPORTED
    assert [line.split(":")[0] for line in ev.details] == names          # least automated first
    assert "deficit 0.790" in ev.details[-1]
    # brands that automate more give so much more attention per human contact
    # that their contacts are less scarce: not supported
    aut, vis, att = brands_panel([0.15, 0.25, 0.35, 0.45], [0.20, 0.30, 0.42, 0.60])
    assert verdict(sc.c1_across_brands(names, aut, vis, att)) == sc.NOT_SUPPORTED
    # one brand with far more attention than the rest (hr_marketing's Twin-HR):
    # the fit may slope up, but automation and scarcity do not go together
    aut, vis, att = brands_panel([0.15, 0.25, 0.25, 0.35], [0.30, 0.30, 0.62, 0.30])
    ev = sc.c1_across_brands(names, aut, vis, att)
    assert verdict(ev) == sc.NOT_SUPPORTED and ev.parts[1].value < sc.MIN["r_cross_brand"]


def test_c1_across_brands_not_testable():
    names = ["A", "B", "C"]
    aut, vis, att = brands_panel([0.20, 0.22, 0.24], [0.3, 0.3, 0.3])    # 4 points apart
    ev = sc.c1_run(np.full(W, 0.22), np.full(W, 0.78), np.full(W, 0.7), names, aut, vis, att)
    assert not ev.testable and "baseline" in ev.why_not and "robot_rush" in ev.why_not
    aut, vis, att = brands_panel([0.15, 0.45], [0.3, 0.3])                 # two brands
    assert not sc.c1_across_brands(names[:2], aut, vis, att).testable
    aut, vis, att = brands_panel([0.15, 0.30, 0.45], [0.3, 0.3, 0.3])
    vis[:, 2] = 0.0                                                        # a brand without customers
    aut[:, 2] = 0.0
    assert not sc.c1_across_brands(names, aut, vis, att).testable


def test_c1_over_time_comes_first():
    """When the market's automation changes, C1 is judged over time, not across brands."""
    names = ["A", "B", "C"]
    aut, vis, att = brands_panel([0.15, 0.25, 0.35], [0.3, 0.3, 0.3])
    ev = sc.c1_run(ramp(0.3, 0.8), noisy(ramp(0.77, 0.65)), noisy(ramp(0.7, 0.6)), names, aut, vis, att)
    assert ev.testable and ev.values.get("basis") != "brands" and verdict(ev) == sc.NOT_SUPPORTED


def test_sweep_runs_on_different_grounds_are_not_pooled():
    """A sweep whose runs test C1 over time in some runs and across brands in
    others pools only the most common ground and says what it left out."""
    from aandacht import claims
    time_ = sc.Evidence("C1", True, "t", [sc.Part("scarcity change with automation", 0.03, 0.01)])
    brand = sc.Evidence("C1", True, "b", [sc.Part("scarcity across the brands' automation (fitted)", -0.2, 0.01),
                                          sc.Part("r automation-scarcity across brands", -0.9, 0.5)])
    per_run = {0: {"C1": brand}, 1: {"C1": time_}, 2: {"C1": time_}, 3: {"C1": brand}, 4: {"C1": time_}}
    keep, note = claims._one_basis(per_run, "C1", [0, 1, 2, 3, 4])
    assert keep == [1, 2, 4] and "2 more test it" in note and "e.g. run 0" in note
    keep, note = claims._one_basis(per_run, "C1", [1, 2])
    assert keep == [1, 2] and note == ""
    keep, note = claims._one_basis(per_run, "C1", [0, 1])       # a tie: the first run's ground
    assert keep == [0] and "1 more tests it" in note and "e.g. run 1" in note
