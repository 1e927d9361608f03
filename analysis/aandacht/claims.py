"""The claims scorecard of a file: feeds each run's series (io.read's dict)
to the pure verdict functions of scorecard.py and gathers the verdicts.

    cards = claims.scorecard(d)     # one card per claim C1..C7 and "A"

A card is a dict: claim, text, verdict, figure (the evidence in words),
uncertainty (words; "" for a single run), why_not (when not testable),
parts (scorecard.decide's summary) and source (the file's stem). For a sweep
every finished run is judged; each replication's value of a Part is the
mean over the runs of that replication that can test the claim, and the
verdict rests on the mean and 95 % interval over replications.
"""
import re

import numpy as np

from . import scorecard as sc

# brand parameters that make up a brand's offer: twins agree on all of them
OFFER = ("quality", "promotion", "place", "price", "cogs", "markup", "staff_per_1000", "wage",
         "hr_investment", "hr_marketing", "empowerment", "ambassadors", "escalation", "staffing")


def _series(d, r):
    """market and brand arrays of run r (None for a run file)."""
    if r is None:
        return d["market"], d["brand"]
    return ({k: v[r] for k, v in d["market"].items()},
            {k: v[r] for k, v in d["brand"].items()})


def _params(d, r):
    """Parameters of run r: the base scenario with the run's swept values."""
    p = dict(d["parameters"])
    if r is None:
        return p
    for s in d.get("swept", []):
        if s["name"] in d["runs"]:
            key = s["key"]
            m = re.match(r"brands\.\[(\d+)\]\.(.*)", key)
            if m and int(m.group(1)) < len(d["brands"]):
                key = f"brands.{d['brands'][int(m.group(1))]}.{m.group(2)}"
            p[key] = float(d["runs"][s["name"]][r])
    return p


def _brand_setting(d, p, brand, key, until_week):
    """A brand parameter after the interventions applied before `until_week`."""
    v = p.get(f"brands.{brand}.{key}")
    for iv in d["interventions"]:
        if iv.get("brand") == brand and iv.get("key") == key and iv.get("week", 0) <= until_week:
            text = iv.get("value_text", "")
            v = text.strip('"') if key in ("routing", "staffing") else iv.get("value")
    return v


def evidence(d, r=None):
    """{claim: Evidence} for one run (r = None) or run r of a sweep."""
    m, b = _series(d, r)
    p = _params(d, r)
    names = d["brands"]
    n = len(d["week"])
    last = int(d["week"][max(0, n - sc.window(n))]) if n else 0
    ev = {
        "C1": sc.c1_scarcity(m["automation_share"], m["attention_scarcity"], m["mean_attention_deficit"]),
        "C2": sc.c2_value(m["attention_scarcity"], m["attention_value"],
                          m["loyalty_human_served"], m["loyalty_robot_served"]),
        "C3": sc.c3_relation(m["differentiation_functional"], m["differentiation_relational"],
                             float(p.get("market.commoditisation", 0.0) or 0.0)),
        "C4": sc.c4_engagement(b["brand_engaged_share"], b["mean_loyalty"], b["nps"], b["profit"]),
        "C7": sc.c7_tips(bool(p.get("tipping.enabled", 0)), m["tip_rate"], m["tip_attention_slope"]),
        "A": sc.automation_pays(names, b["automation"], b["profit"], b["market_share"]),
    }
    routing = [_brand_setting(d, p, x, "routing", last) for x in names]
    offers = [tuple(_brand_setting(d, p, x, k, last) for k in OFFER) for x in names]
    twins = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))
             if offers[i] == offers[j]]
    ev["C5"] = sc.c5_routing(names, routing, b["automated_contacts"], b["visits"], b["mean_loyalty"],
                             b["nps"], b["profit"], twins)
    shocks = [e for e in d["events"] if e.get("type") == "reputation_shock" and e.get("brand") in names]
    if shocks:
        e = shocks[0]
        k = names.index(e["brand"])
        wk = int(np.searchsorted(d["week"], int(e["week"])))
        ev["C6"] = sc.c6_shock(b["visits"][:, k], b["stated_avoidance"][:, k], wk, e["brand"])
    else:
        ev["C6"] = sc.Evidence("C6", False, "no reputation shock in this run",
                               why_not="needs a reputation event: reputation_shock")
    return ev


def _fmt(x, unit):
    if not np.isfinite(x):
        return "n/a"
    if unit == "%":
        return f"{100 * x:+.1f} %"
    if unit == "pt":
        return f"{100 * x:+.1f} points"
    return f"{x:+.2f}"


def uncertainty_text(summary):
    """The parts of a replicated verdict in words: mean (95 % interval) vs needed."""
    out = []
    for s in summary:
        txt = f"{s['name']}: {_fmt(s['mean'], s['unit'])}"
        if s["n"] >= 2:
            txt += (f" (95 % interval {_fmt(s['lo'], s['unit'])} to {_fmt(s['hi'], s['unit'])}, "
                    f"{s['n']} replications)")
        txt += f"; needs {_fmt(s['threshold'], s['unit'])}"
        out.append(txt)
    return "; ".join(out)


def _card(claim, d, verdict, figure, summary, why_not):
    if claim == "A" and verdict != sc.NOT_TESTABLE:
        verdict = sc.automation_verdict(summary)
    return dict(claim=claim, text=sc.CLAIMS[claim], verdict=verdict, figure=figure,
                uncertainty=uncertainty_text(summary) if summary else "",
                why_not=why_not, parts=summary, source=d["stem"], scenario=d["scenario"])


def scorecard(d):
    """One card per claim (C1..C7, then A) for a run or sweep file."""
    order = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "A"]
    if d["kind"] == "run":
        ev = evidence(d)
        cards = []
        for c in order:
            e = ev[c]
            if not e.testable:
                cards.append(_card(c, d, sc.NOT_TESTABLE, e.figure, [], e.why_not))
                continue
            verdict, summary = sc.decide([e.parts])
            cards.append(_card(c, d, verdict, e.figure, summary, ""))
        return cards
    runs = [int(r) for r in np.flatnonzero(d["ok"])]
    rep = np.asarray(d["runs"].get("replication", np.zeros(len(d["ok"]))), dtype=int)
    per_run = {r: evidence(d, r) for r in runs}
    cards = []
    for c in order:
        testable = [r for r in runs if per_run[r][c].testable]
        if not testable:
            why = per_run[runs[0]][c].why_not if runs else "no finished runs in the sweep"
            cards.append(_card(c, d, sc.NOT_TESTABLE, "", [], why))
            continue
        replicates = []
        for k in sorted(set(rep[testable])):
            rs = [r for r in testable if rep[r] == k]
            parts = [sc.Part(p.name, float(np.nanmean([per_run[r][c].parts[i].value for r in rs])),
                             float(np.mean([per_run[r][c].parts[i].threshold for r in rs])), p.unit)
                     for i, p in enumerate(per_run[rs[0]][c].parts)]
            replicates.append(parts)
        verdict, summary = sc.decide(replicates)
        figure = (f"{len(testable)} of {len(runs)} finished runs can test it; "
                  f"for example run {testable[0]}: {per_run[testable[0]][c].figure}")
        cards.append(_card(c, d, verdict, figure, summary, ""))
    return cards
