"""The claims scorecard: feeds each run's series (io.read's dict) to the
pure verdict functions of scorecard.py and scoreacross.py and gathers the
verdicts.

    cards = claims.scorecard(d)       # one card per claim C1..C7 and "A" of a file
    cards = claims.across(datas)      # C1, C2 and A judged by comparing run files

A card is a dict: claim, text, verdict, figure (the evidence in words),
details (lines: one per brand or file compared), uncertainty (words; "" for
a single run), why_not (when not testable), parts (scorecard.decide's
summary), source (the file's stem, or "across files") and files (the stems
the card rests on). For a sweep every finished run is judged; each
replication's value of a Part is the mean over the runs of that replication
that can test the claim, and the verdict rests on the mean and 95 %
interval over replications.
"""
import re

import numpy as np

from . import scoreacross as sca
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


def brand_deficit(d, first_week):
    """Mean attention deficit of each brand's customers at the last snapshot
    taken from `first_week` on (histogram means), or None without one."""
    snap = d.get("snapshots") or {}
    h = snap.get("brand_deficit")
    if h is None or not len(snap["week"]) or snap["week"][-1] < first_week:
        return None
    last = h[-1]
    n = last.sum(axis=1)
    return np.divide(last @ snap["bin"], n, out=np.full(len(n), np.nan), where=n > 0)


def evidence(d, r=None):
    """{claim: Evidence} for one run (r = None) or run r of a sweep."""
    m, b = _series(d, r)
    p = _params(d, r)
    names = d["brands"]
    n = len(d["week"])
    last = int(d["week"][max(0, n - sc.window(n))]) if n else 0
    ev = {
        "C1": sc.c1_run(m["automation_share"], m["attention_scarcity"], m["mean_attention_deficit"],
                        names, b["automated_contacts"], b["visits"], b["mean_attention"],
                        brand_deficit(d, last) if r is None else None),
        "C2": sc.c2_value(m["attention_scarcity"], m["attention_value"],
                          m["loyalty_human_served"], m["loyalty_robot_served"], m.get("human_premium")),
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


def _card(claim, d, verdict, figure, summary, why_not, details=()):
    if claim == "A" and verdict != sc.NOT_TESTABLE:
        verdict = sc.automation_verdict(summary)
    return dict(claim=claim, text=sc.CLAIMS[claim], verdict=verdict, figure=figure, details=list(details),
                uncertainty=uncertainty_text(summary) if summary else "",
                why_not=why_not, parts=summary, source=d["stem"], scenario=d["scenario"], files=[d["stem"]])


def _one_basis(per_run, c, testable):
    """Runs of a sweep may test a claim on different grounds (C1 over time in
    runs whose automation changes, across brands in the others); their
    figures are not pooled. Keeps the runs of the most common ground (ties:
    that of the first run) and says what was left out."""
    ground = {r: tuple(p.name for p in per_run[r][c].parts) for r in testable}
    kinds = sorted(set(ground.values()), key=lambda g: (-sum(v == g for v in ground.values()),
                                                        min(r for r in testable if ground[r] == g)))
    if len(kinds) == 1:
        return testable, ""
    keep = [r for r in testable if ground[r] == kinds[0]]
    other = sorted(set(testable) - set(keep))
    one = len(other) == 1
    return keep, (f" on the same grounds; {len(other)} more {'tests' if one else 'test'} it on other grounds "
                  f"({per_run[other[0]][c].parts[0].name}, e.g. run {other[0]}) and "
                  f"{'is' if one else 'are'} not pooled with these")


def _run_series(d):
    """A run file as scoreacross wants it."""
    m, b = d["market"], d["brand"]
    return dict(name=d["stem"], market=tuple(d["brands"]), brands=list(d["brands"]),
                automation=m["automation_share"], scarcity=m["attention_scarcity"],
                deficit=m["mean_attention_deficit"],
                gap=np.asarray(m["loyalty_human_served"]) - np.asarray(m["loyalty_robot_served"]),
                premium=m.get("human_premium"),
                tipping=bool(d["parameters"].get("tipping.enabled", 0))
                and bool(np.nanmax(np.nan_to_num(m["tip_rate"])) > 0),
                tip_slope=m["tip_attention_slope"], brand_automation=b["automation"], profit=b["profit"],
                customers=float(d["attrs"].get("customers", 0) or np.nansum(b["customers"][0])))


ACROSS = {"C1": sca.c1_across_files, "C2": sca.c2_across_files, "A": sca.automation_pays_across_files}


def across(datas):
    """Cards of the claims that comparing run files can decide (C1, C2, A),
    or [] with fewer than two run files. Sweep files are judged alone."""
    runs = [_run_series(d) for d in datas if d["kind"] == "run"]
    if len(runs) < 2:
        return []
    names = sorted(r["name"] for r in runs)
    cards = []
    for c, fn in ACROSS.items():
        e = fn(runs)
        if e.testable:
            verdict, summary = sc.decide([e.parts])
            if c == "A":
                verdict = sca.automation_verdict_across(summary)
        else:
            verdict, summary = sc.NOT_TESTABLE, []
        cards.append(dict(claim=c, text=sc.CLAIMS[c], verdict=verdict, figure=e.figure, details=e.details,
                          uncertainty=uncertainty_text(summary) if summary else "", why_not=e.why_not,
                          parts=summary, source="across files", scenario="", files=names))
    return cards


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
            cards.append(_card(c, d, verdict, e.figure, summary, "", e.details))
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
        testable, basis = _one_basis(per_run, c, testable)
        replicates = []
        for k in sorted(set(rep[testable])):
            rs = [r for r in testable if rep[r] == k]
            parts = [sc.Part(p.name, float(np.nanmean([per_run[r][c].parts[i].value for r in rs])),
                             float(np.mean([per_run[r][c].parts[i].threshold for r in rs])), p.unit)
                     for i, p in enumerate(per_run[rs[0]][c].parts)]
            replicates.append(parts)
        verdict, summary = sc.decide(replicates)
        figure = (f"{len(testable)} of {len(runs)} finished runs can test it{basis}; "
                  f"for example run {testable[0]}: {per_run[testable[0]][c].figure}")
        cards.append(_card(c, d, verdict, figure, summary, ""))
    return cards
