"""Verdicts on the claims C1-C7 of the model (MODEL.md), as pure functions
over numpy arrays: no files, no plotting.

Each claim function takes the weekly series a run wrote and returns an
Evidence: whether the run can test the claim at all (and if not, why and
which scenario would), the figures, and one or more Parts. A Part is a
number oriented so that positive means "in the claimed direction", with the
threshold it must reach. `decide` turns the Parts of one run, or of several
replications, into a verdict:

- one run: every Part's value >= its threshold -> "supported";
- replications: every Part's mean over replications >= its threshold and
  the lower end of its 95 % interval (Student t) above zero -> "supported";
- otherwise "not supported"; a claim no run can test is "not testable with
  these runs".

Thresholds (docs/report.md lists them with their reasons): a change is
measured between the first and the last year of the run (a quarter of the
run when it is shorter than four years), and must be at least the minimum
in MIN below and at least twice its standard error (from the weekly values
of the two windows), so that noise in a small run does not pass as an
effect.
"""
from dataclasses import dataclass, field

import numpy as np

SUPPORTED = "supported"
NOT_SUPPORTED = "not supported"
NOT_TESTABLE = "not testable with these runs"

# the smallest effect that counts, in the unit of each Part
MIN = {
    "automation_change": 0.05,   # C1: automation share must move 5 points to test anything
    "scarcity_rise": 0.01,       # C1: scarcity rises 1 point (of 100) with automation
    "brand_automation_spread": 0.05,  # C1 across brands: least and most automated brand 5 points apart
    "r_cross_brand": 0.5,        # C1 across brands: automation and scarcity go together across brands
    "scarcity_change": 0.02,     # C2: scarcity must move 2 points to test C2
    "gap_widening": 0.01,        # C2 (files without human_premium): loyalty gap human- vs robot-served widens 1 point
    "premium_rise": 0.005,       # C2: human premium in satisfaction rises half a point
    "tip_value_rise": 0.01,      # C2 across files: tips per unit of attention +1 % of the bill
    "relational_share": 0.02,    # C3: relational part of differentiation gains 2 points
    "engagement_spread": 0.02,   # C4: engaged share must vary (sd) across brand-years
    "r_loyalty": 0.3,            # C4: engagement-loyalty correlation (Harter et al.: .33)
    "r_profit": 0.1,             # C4: engagement-profit correlation (Harter et al.: .17)
    "equal_automation": 0.05,    # C5: twins' automated shares within 5 points
    "loyalty_edge": 0.01,        # C5: by-need twin 1 loyalty point ahead
    "lingering_fall": 0.01,      # C6: visits 1 % below the pre-shock trend months later
    "tip_slope": 0.01,           # C7: +1 % of the bill per unit of attention
    "profit_edge": 0.05,         # automation card: 5 points of profit growth
}

# where a run of the same market that differs would decide the claim
TOGETHER = " (or report this run together with robot_rush, and the scorecard compares them)"

CLAIMS = {
    "C1": "Automation makes attentive human contact scarce",
    "C2": "What is scarce gains value: attention is worth more as it gets rarer",
    "C3": "As the 4 P's commoditise, brands differentiate on relation",
    "C4": "Engaged employees make engaged, loyal customers, and that pays",
    "C5": "Automate the transactional contact, keep the relational contact human",
    "C6": "A reputation shock lingers: months later customers still visit less",
    "C7": "People pay voluntarily for attention: tips rise with attentive behaviour",
    "A": "Does automation pay? (who wins on profit)",
}


@dataclass
class Part:
    """One number a verdict rests on; positive is the claimed direction."""
    name: str
    value: float
    threshold: float
    unit: str = ""        # "" plain, "%" shown as percent, "pt" points of 100

    def passes(self):
        return bool(np.isfinite(self.value) and self.value >= self.threshold)


@dataclass
class Evidence:
    """What one run says about one claim."""
    claim: str
    testable: bool
    figure: str = ""      # the figures, in words
    parts: list = field(default_factory=list)
    why_not: str = ""     # when not testable: why, and which scenario tests it
    values: dict = field(default_factory=dict)   # named figures for titles and tables
    details: list = field(default_factory=list)  # one line per brand or file compared, after the figure


def window(n):
    """Weeks in the first/last window: a year, or a quarter of a short run."""
    return int(min(52, max(1, n // 4)))


def _ends(x):
    """Means over the first and last window (axis 0) and the standard error
    of their difference from the weekly values."""
    x = np.asarray(x, dtype=float)
    w = window(len(x))
    a, b = x[:w], x[-w:]
    m0, m1 = np.nanmean(a, axis=0), np.nanmean(b, axis=0)
    se = np.sqrt(np.nanvar(a, axis=0, ddof=1) / max(1, w)
                 + np.nanvar(b, axis=0, ddof=1) / max(1, w)) if w > 1 else np.zeros_like(m0)
    return m0, m1, se


def _needed(minimum, se):
    return float(max(minimum, 2.0 * (se if np.isfinite(se) else 0.0)))


def c1_scarcity(automation_share, attention_scarcity, attention_deficit):
    a0, a1, _ = _ends(automation_share)
    s0, s1, se = _ends(attention_scarcity)
    d0, d1, _ = _ends(attention_deficit)
    if abs(a1 - a0) < MIN["automation_change"]:
        return Evidence("C1", False, f"automation share stayed at {100 * a1:.0f} %",
                        why_not="automation did not change; robot_rush ramps it to 80 %")
    sign = 1.0 if a1 > a0 else -1.0
    fig = (f"automation {100 * a0:.0f} % \u2192 {100 * a1:.0f} %: attention scarcity "
           f"{s0:.3f} \u2192 {s1:.3f}, customers' attention deficit {d0:.3f} \u2192 {d1:.3f}")
    return Evidence("C1", True, fig, [Part("scarcity change with automation", sign * (s1 - s0),
                                           _needed(MIN["scarcity_rise"], se), "pt")])


def c1_across_brands(names, automated, visits, attention, deficit=None):
    """C1 within one run, across brands (cross-sectional): in the last window,
    do brands that automate more give less attention per contact? Arrays
    (week, brand): `automated` and `visits` contacts, `attention` the mean
    attention per contact (automated contacts count as none). `deficit`:
    mean attention deficit of each brand's customers (brand,), shown with
    the figures, or None.

    Each week, scarcity (1 - attention per contact) is fitted on automation
    across brands (least squares); the Part is the fitted scarcity
    difference across the brands' range of automation, mean over the
    window's weeks, and must reach MIN["scarcity_rise"] and twice its
    standard error; a second Part, the correlation across brands of the
    window means, must reach MIN["r_cross_brand"] (one odd brand alone does
    not make a relation)."""
    aut_w = np.asarray(automated, dtype=float)
    vis_w = np.asarray(visits, dtype=float)
    w = window(len(vis_w))
    vis = np.nansum(vis_w[-w:], axis=0)
    ok = np.flatnonzero(vis > 0)
    aut = np.nansum(aut_w[-w:], axis=0)[ok] / vis[ok]
    if len(ok) < 3:
        return Evidence("C1", False, f"{len(ok)} brand(s) with customers: too few to compare across brands",
                        why_not="needs automation that changes (robot_rush ramps it to 80 %) "
                                "or three brands that automate differently (baseline), or a report of "
                                "this run together with a run of the same market that automates more")
    spread = float(aut.max() - aut.min())
    if spread < MIN["brand_automation_spread"]:
        return Evidence("C1", False, f"brands automate alike ({100 * aut.min():.0f} % to {100 * aut.max():.0f} %)",
                        why_not="needs automation that changes (robot_rush ramps it to 80 %) "
                                "or brands 5 points or more apart in automation (baseline: 15-45 %), or a "
                                "report of this run together with a run of the same market that automates more")
    with np.errstate(invalid="ignore", divide="ignore"):
        aw = aut_w[-w:][:, ok] / vis_w[-w:][:, ok]
    scar_w = 1.0 - np.asarray(attention, dtype=float)[-w:][:, ok]
    effect = []
    for x, y in zip(aw, scar_w):
        good = np.isfinite(x) & np.isfinite(y)
        if good.sum() >= 3 and np.ptp(x[good]) > 0:
            effect.append(np.polyfit(x[good], y[good], 1)[0] * spread)
    effect = np.asarray(effect)
    m = float(np.mean(effect)) if len(effect) else float("nan")
    se = float(np.std(effect, ddof=1) / np.sqrt(len(effect))) if len(effect) > 1 else 0.0
    scar = np.nanmean(scar_w, axis=0)
    r = _corr(aut, scar)
    dfc = np.asarray(deficit, dtype=float)[ok] if deficit is not None else None
    fig = (f"cross-sectional (automation did not change over time): across {len(ok)} brands in the last "
           f"{w} weeks, a brand's automated share and the attention scarcity of its contacts go together "
           f"with r = {r:+.2f}; the fit puts {100 * m:+.1f} points of scarcity between its least and most "
           f"automated brand")
    if dfc is not None:
        fig += f"; automation and the attention deficit of the brands' customers: r = {_corr(aut, dfc):+.2f}"
    fig += ". Brands differ in more than automation (staffing, HR), so this is an association"
    details = [f"{names[ok[i]]}: {100 * aut[i]:.0f} % automated, scarcity {scar[i]:.3f}"
               + (f", customers' deficit {dfc[i]:.3f}" if dfc is not None else "")
               for i in np.argsort(aut, kind="stable")]
    return Evidence("C1", True, fig,
                    [Part("scarcity across the brands' automation (fitted)", m, _needed(MIN["scarcity_rise"], se), "pt"),
                     Part("r automation-scarcity across brands", r, MIN["r_cross_brand"])],
                    values=dict(basis="brands", spread=spread, r=r), details=details)


def c1_run(automation_share, attention_scarcity, attention_deficit, names, automated, visits, attention,
           deficit=None):
    """C1 of one run: over time when the market's automation changes (c1_scarcity),
    else across its brands (c1_across_brands), else not testable."""
    ev = c1_scarcity(automation_share, attention_scarcity, attention_deficit)
    if ev.testable:
        return ev
    eb = c1_across_brands(names, automated, visits, attention, deficit)
    if eb.testable:
        return eb
    return Evidence("C1", False, f"{ev.figure}; {eb.figure}", why_not=eb.why_not)


def c2_value(attention_scarcity, attention_value, loyalty_human, loyalty_robot, human_premium=None):
    """C2 within a run: as attention gets scarcer, does a person's attention
    add more to a relational contact than a machine's service (the human
    premium in satisfaction, within brands)? attention_value (1 + theta
    scarcity) is shown for reference, never as evidence. Files written
    before the human premium was recorded fall back to the loyalty gap of
    human- and robot-served customers."""
    s0, s1, _ = _ends(attention_scarcity)
    if abs(s1 - s0) < MIN["scarcity_change"]:
        return Evidence("C2", False, f"attention scarcity stayed at {s1:.3f}",
                        why_not="attention did not get scarcer or more plentiful; robot_rush makes it scarce"
                                f"{TOGETHER}")
    sign = 1.0 if s1 > s0 else -1.0
    prem = None if human_premium is None else np.asarray(human_premium, dtype=float)
    if prem is not None and np.isfinite(prem).sum() > 1:
        p0, p1, se = _ends(prem)
        if np.isfinite(p0) and np.isfinite(p1):
            fig = (f"scarcity {s0:.3f} \u2192 {s1:.3f}; human premium (satisfaction of relational contacts a "
                   f"person served over those a machine solved) {p0:+.3f} \u2192 {p1:+.3f}")
            return Evidence("C2", True, fig, [Part("human premium change with scarcity", sign * (p1 - p0),
                                                   _needed(MIN["premium_rise"], se), "pt")])
    v0, v1, _ = _ends(attention_value)
    g0, g1, se = _ends(np.asarray(loyalty_human) - np.asarray(loyalty_robot))
    fig = (f"scarcity {s0:.3f} \u2192 {s1:.3f}; attention value {v0:.2f} \u2192 {v1:.2f} "
           f"(1 + \u03b8 scarcity, by construction); loyalty of human-served over robot-served "
           f"customers {g0:+.3f} \u2192 {g1:+.3f}")
    return Evidence("C2", True, fig, [Part("loyalty gap change with scarcity", sign * (g1 - g0),
                                           _needed(MIN["gap_widening"], se), "pt")])


def c3_relation(diff_functional, diff_relational, commoditisation):
    f = np.asarray(diff_functional, dtype=float)
    r = np.asarray(diff_relational, dtype=float)
    if not commoditisation > 0:
        return Evidence("C3", False, "commoditisation is off (market.commoditisation = 0)",
                        why_not="the 4 P's do not commoditise; baseline has market.commoditisation = 0.1")
    tot = f + r
    share = np.divide(r, tot, out=np.full_like(tot, np.nan), where=tot > 0)
    f0, f1, _ = _ends(f)
    r0, r1, _ = _ends(r)
    h0, h1, se = _ends(share)
    fig = (f"functional differentiation {f0:.3f} \u2192 {f1:.3f}, relational {r0:.3f} \u2192 {r1:.3f}: "
           f"relation {100 * h0:.0f} % \u2192 {100 * h1:.0f} % of the differences between brands")
    return Evidence("C3", True, fig, [Part("relational share of differentiation", h1 - h0,
                                           _needed(MIN["relational_share"], se), "pt")])


def _yearly(x):
    """Means over whole years (rows), axis 0: (n_years, ...)."""
    x = np.asarray(x, dtype=float)
    w = window(len(x))
    k = len(x) // w
    return np.nanmean(x[:k * w].reshape(k, w, *x.shape[1:]), axis=1)


def _corr(x, y):
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3 or np.std(x[ok]) == 0 or np.std(y[ok]) == 0:
        return float("nan")
    return float(np.corrcoef(x[ok], y[ok])[0, 1])


def c4_engagement(engaged_share, loyalty, nps, profit):
    """Arrays (week, brand). Correlates yearly brand means across brands and
    years. Profit is the brand's whole profit, so that customers won count."""
    e = _yearly(engaged_share).ravel()
    loy = _yearly(loyalty).ravel()
    n = _yearly(nps).ravel()
    prof = _yearly(profit).ravel()
    if np.asarray(engaged_share).shape[1] < 2 or np.nanstd(e) < MIN["engagement_spread"]:
        return Evidence("C4", False, f"engaged share hardly varies (sd {np.nanstd(e):.3f})",
                        why_not="brands do not differ in engagement; hr_marketing gives one twin engaged staff")
    r_l, r_n, r_p = _corr(e, loy), _corr(e, n), _corr(e, prof)
    w = window(len(np.asarray(engaged_share)))
    unit = "brand-years" if w == 52 else f"brand-periods of {w} weeks"
    fig = (f"across {len(e)} {unit}: engaged share against loyalty r = {r_l:+.2f}, "
           f"against NPS r = {r_n:+.2f}, against profit r = {r_p:+.2f}")
    return Evidence("C4", True, fig, [Part("r engagement-loyalty", r_l, MIN["r_loyalty"]),
                                      Part("r engagement-profit", r_p, MIN["r_profit"])])


def c5_routing(names, routing, automated, visits, loyalty, nps, profit, twins):
    """`routing`: each brand's routing in the last window; `twins`: pairs of
    brand indices whose offers are equal. Arrays (week, brand)."""
    w = window(len(np.asarray(visits)))
    aut = np.nansum(np.asarray(automated)[-w:], axis=0) / np.maximum(1.0, np.nansum(np.asarray(visits)[-w:], axis=0))
    best = None
    for i, j in twins:
        if routing[i] == routing[j] or "by_need" not in (routing[i], routing[j]):
            continue
        n_, u_ = (i, j) if routing[i] == "by_need" else (j, i)
        gap = abs(aut[n_] - aut[u_])
        if gap <= MIN["equal_automation"] and aut[n_] >= 0.1 and (best is None or gap < best[2]):
            best = (n_, u_, gap)
    if best is None:
        return Evidence("C5", False, "no brand routing by need has a uniform twin at equal automation",
                        why_not="needs a by_need and a uniform brand alike in all else: hybrid_split")
    n_, u_, _ = best
    l = np.asarray(loyalty, dtype=float)
    ln0, ln1, sen = _ends(l[:, n_])
    lu0, lu1, seu = _ends(l[:, u_])
    pn, pu = np.nanmean(np.asarray(profit)[-w:, n_]), np.nanmean(np.asarray(profit)[-w:, u_])
    nn, nu = np.nanmean(np.asarray(nps)[-w:, n_]), np.nanmean(np.asarray(nps)[-w:, u_])
    ratio = f"{pn / pu:.1f} times" if pu > 0 else f"{pn:.0f} against {pu:.0f}"
    fig = (f"{names[n_]} (by need) and {names[u_]} (uniform) automate {100 * aut[n_]:.0f} % and "
           f"{100 * aut[u_]:.0f} %: loyalty {ln1:.3f} against {lu1:.3f}, NPS {nn:+.0f} against "
           f"{nu:+.0f}, profit {ratio}")
    se = float(np.hypot(np.nanstd(l[-w:, n_], ddof=1), np.nanstd(l[-w:, u_], ddof=1)) / np.sqrt(w)) if w > 1 else 0.0
    return Evidence("C5", True, fig, [Part("loyalty edge of routing by need", ln1 - lu1,
                                           _needed(MIN["loyalty_edge"], se), "pt")])


def shock_trend(visits, week):
    """Linear trend of visits over the year before the shock (at least 13
    weeks): (slope, intercept, residual sd, first week of the fit), or None."""
    v = np.asarray(visits, dtype=float)
    pre0 = max(0, week - 52)
    if week - pre0 < 13:
        return None
    x = np.arange(pre0, week, dtype=float)
    slope, icpt = np.polyfit(x, v[pre0:week], 1)
    s = float(np.std(v[pre0:week] - (slope * x + icpt), ddof=2))
    return float(slope), float(icpt), s, pre0


LATER = (17, 26)   # months 4-6 after the shock: weeks 17 .. 25


def c6_shock(visits, stated, week, brand):
    """`visits`, `stated`: the shocked brand's weekly series; `week`: index of
    the shock. Compares months 4-6 after it with the pre-shock trend."""
    v = np.asarray(visits, dtype=float)
    fit = shock_trend(v, week)
    if fit is None or week + LATER[1] > len(v):
        return Evidence("C6", False, f"the shock in week {week} leaves too little before or after it",
                        why_not="needs 13 weeks before and 26 after the shock: reputation_shock")
    slope, icpt, s, pre0 = fit
    x = np.arange(pre0, week, dtype=float)
    xw = np.arange(week + LATER[0], week + LATER[1], dtype=float)
    pred = float(np.mean(slope * xw + icpt))
    sxx = float(np.sum((x - x.mean()) ** 2))
    se_pred = s * np.sqrt(1.0 / len(x) + (xw.mean() - x.mean()) ** 2 / sxx)
    se = float(np.sqrt(s * s / len(xw) + se_pred ** 2) / pred) if pred > 0 else float("nan")
    fall = 1.0 - float(np.mean(v[week + LATER[0]:week + LATER[1]])) / pred if pred > 0 else float("nan")
    peak = 1.0 - float(np.min(v[week:week + 13] / (slope * np.arange(week, week + 13) + icpt)))
    st = np.asarray(stated, dtype=float)
    fig = (f"{brand}, week {week}: up to {100 * np.nanmax(st[week:]):.0f} % say they avoid it; "
           f"visits fall up to {100 * peak:.1f} % below the pre-shock trend and are "
           f"{100 * fall:.1f} % below it 4 to 6 months later")
    return Evidence("C6", True, fig, [Part("visits below pre-shock trend, months 4-6", fall,
                                           _needed(MIN["lingering_fall"], se), "%")],
                    values=dict(peak=peak, fall=fall, stated=float(np.nanmax(st[week:]))))


def c7_tips(tipping_enabled, tip_rate, tip_attention_slope):
    t = np.asarray(tip_rate, dtype=float)
    if not tipping_enabled or not np.nanmax(np.nan_to_num(t)) > 0:
        return Evidence("C7", False, "no tipping in this market",
                        why_not="tipping is off; hospitality_tips is a market where tipping is the norm")
    sl = np.asarray(tip_attention_slope, dtype=float)
    sl = sl[np.isfinite(sl)]
    m, se = float(np.mean(sl)), float(np.std(sl, ddof=1) / np.sqrt(len(sl))) if len(sl) > 1 else 0.0
    fig = (f"tips are {100 * np.nanmean(t):.1f} % of the bill and rise {100 * m:.1f} % of the "
           f"bill per unit of attention delivered (weekly slope, {len(sl)} weeks)")
    return Evidence("C7", True, fig, [Part("tip rate per unit of attention", m,
                                           _needed(MIN["tip_slope"], se), "%")])


def automation_pays(names, automation, profit, market_share):
    """Did the brands that automated gain profit against those that did not
    (or, when all automated, against their own first year)? Arrays (week, brand)."""
    a0, a1, _ = _ends(automation)
    p0, p1, _ = _ends(profit)
    s0, s1, _ = _ends(market_share)
    auto = (a1 - a0) >= MIN["automation_change"]
    if not auto.any():
        return Evidence("A", False, "no brand changed its automation",
                        why_not="no brand automated during the run; robot_rush or hospitality_tips do"
                                f"{TOGETHER}")
    def growth(mask):
        return float(np.sum(p1[mask]) / np.sum(p0[mask]) - 1.0) if np.sum(p0[mask]) > 0 else float("nan")
    ga = growth(auto)
    who = ", ".join(f"{names[i]} {100 * a0[i]:.0f} % \u2192 {100 * a1[i]:.0f} % automated, profit "
                    f"{p0[i]:,.0f} \u2192 {p1[i]:,.0f} a week, share {100 * s0[i]:.0f} % \u2192 {100 * s1[i]:.0f} %"
                    for i in np.flatnonzero(auto))
    if auto.all():
        return Evidence("A", True, f"all brands automated: {who}; market profit {100 * ga:+.0f} %",
                        [Part("profit growth of automating brands", ga, MIN["profit_edge"], "%")])
    go = growth(~auto)
    return Evidence("A", True, f"{who}; the others' profit {100 * go:+.0f} %, the automating brands' {100 * ga:+.0f} %",
                    [Part("profit growth of automating over other brands", ga - go, MIN["profit_edge"], "%")])


def interval(values):
    """Mean and 95 % Student-t interval of replicate values (nan interval for one)."""
    from scipy import stats
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(np.mean(v))
    if len(v) < 2:
        return m, float("nan"), float("nan")
    h = float(stats.t.ppf(0.975, len(v) - 1) * np.std(v, ddof=1) / np.sqrt(len(v)))
    return m, m - h, m + h


def decide(replicates):
    """Verdict from a list of part lists, one per replication (one for a run).

    Returns (verdict, summary) where summary is a list of dicts
    {name, mean, lo, hi, threshold, unit, passes}.
    """
    reps = [r for r in replicates if r]
    if not reps:
        return NOT_TESTABLE, []
    summary = []
    for k, part in enumerate(reps[0]):
        vals = [r[k].value for r in reps]
        m, lo, hi = interval(vals)
        thr = float(np.mean([r[k].threshold for r in reps]))
        ok = np.isfinite(m) and m >= thr and (len(reps) < 2 or (np.isfinite(lo) and lo > 0))
        summary.append(dict(name=part.name, mean=m, lo=lo, hi=hi, threshold=thr,
                            unit=part.unit, passes=bool(ok), n=len(vals)))
    verdict = SUPPORTED if all(s["passes"] for s in summary) else NOT_SUPPORTED
    return verdict, summary


def automation_verdict(summary):
    """Words for the automation card: who wins on profit."""
    if not summary:
        return NOT_TESTABLE
    s = summary[0]
    if s["mean"] >= s["threshold"] and (s["n"] < 2 or s["lo"] > 0):
        return "automation wins on profit"
    if s["mean"] <= -s["threshold"] and (s["n"] < 2 or s["hi"] < 0):
        return "automation loses on profit"
    return "no clear winner on profit"
