"""Verdicts that rest on comparing runs (files), as pure functions: no files,
no plotting. A single run cannot always decide a claim: in the baseline
automation does not change, so whether more automation makes attention
scarce shows only against a run that automates more.

Each function takes a list of runs, one dict per run file:

| key | value |
|---|---|
| `name` | the file's name (stem); unique |
| `market` | tuple of its brand names: runs are compared only with runs of the same brands |
| `automation`, `scarcity`, `deficit` | weekly market series: automation share, attention scarcity, mean attention deficit |
| `gap` | weekly loyalty of human-served minus robot-served customers |
| `tipping`, `tip_slope` | tipping on (bool); weekly tip rate per unit of attention |
| `brands` | brand names; `brand_automation`, `profit`: arrays (week, brand) |
| `customers` | the market's customers (population) |

Each run is summarised by its last window (the last year, or a quarter of a
short run; scorecard.window) and its standard error from the weekly values.
Within each market a reference run is chosen (least automation for C1,
least scarcity for C2, per brand the run where it automates least for A)
and every other run is compared with it. The choice depends on the figures
and names only, and runs are sorted by name first, so the same files in
another order give the same verdicts.

A comparison is a Part of scorecard: positive is the claimed direction, it
must reach its minimum (scorecard.MIN) and twice its standard error.
"""
import numpy as np

from .scorecard import MIN, NOT_TESTABLE, Evidence, Part, _needed, window


def late(x):
    """Mean of the last window (axis 0) and its standard error from the weekly values."""
    x = np.asarray(x, dtype=float)
    w = window(len(x))
    b = x[-w:]
    m = np.nanmean(b, axis=0)
    se = np.nanstd(b, axis=0, ddof=1) / np.sqrt(w) if w > 1 else np.zeros_like(m)
    return m, se


def markets(runs):
    """Runs grouped by market (brand names), each group sorted by name;
    only groups of two runs or more, in a fixed order."""
    groups = {}
    for r in sorted(runs, key=lambda r: r["name"]):
        groups.setdefault(tuple(r["market"]), []).append(r)
    return [groups[k] for k in sorted(groups) if len(groups[k]) >= 2]


def _files(names):
    return ", ".join(f"{n}.h5" for n in names)


def _no_market(claim, runs, tested_by):
    return Evidence(claim, False, f"no two of the files {_files(sorted(r['name'] for r in runs))} "
                                  "are runs of the same market (the same brands)",
                    why_not=f"compare runs of one market: {tested_by}")


def _pairs(runs, key, figure_of):
    """For each market: the reference run (least `key` in the last window,
    then name) and the others as (reference, run, their summaries)."""
    out = []
    for group in markets(runs):
        summ = {r["name"]: {k: late(r[k]) for k in figure_of} for r in group}
        ref = min(group, key=lambda r: (float(summ[r["name"]][key][0]), r["name"]))
        out += [(ref, r, summ[ref["name"]], summ[r["name"]]) for r in group if r is not ref]
    return out


def c1_across_files(runs):
    """C1 across files: a run that automates 5 points or more above the
    market's least automated run must have attention scarcity 1 point (and
    twice its standard error) above it."""
    pairs = _pairs(runs, "automation", ("automation", "scarcity", "deficit"))
    if not pairs:
        return _no_market("C1", runs, "baseline against robot_rush, which ramps automation to 80 %")
    parts, details, refs, compared = [], [], set(), []
    for ref, r, s0, s1 in pairs:
        (a0, _), (a1, _) = s0["automation"], s1["automation"]
        (c0, se0), (c1, se1) = s0["scarcity"], s1["scarcity"]
        (d0, _), (d1, _) = s0["deficit"], s1["deficit"]
        line = (f"{r['name']} against {ref['name']}: automation {100 * a1:.0f} % against {100 * a0:.0f} % "
                f"({100 * (a1 - a0):+.0f} points)")
        if a1 - a0 < MIN["automation_change"]:
            details.append(line + ": within 5 points, not compared")
            continue
        refs.add(ref["name"])
        compared.append(r["name"])
        details.append(line + f"; attention scarcity {c1:.3f} against {c0:.3f} ({100 * (c1 - c0):+.1f} points), "
                              f"customers' attention deficit {d1:.3f} against {d0:.3f}")
        parts.append(Part(f"scarcity, {r['name']} over {ref['name']}", float(c1 - c0),
                          _needed(MIN["scarcity_rise"], float(np.hypot(se0, se1))), "pt"))
    if not parts:
        return Evidence("C1", False, "the files' automation differs by less than 5 points", details=details,
                        why_not="compare with a run that automates more: robot_rush ramps it to 80 %")
    fig = (f"last year of each run: {_files(compared)} against {_files(sorted(refs))}, the run of the "
           f"same market with the least automation; more automation must come with scarcer attention")
    return Evidence("C1", True, fig, parts, details=details, values=dict(basis="files"))


def c2_across_files(runs):
    """C2 across files: in a run whose attention scarcity is 2 points or more
    above the market's least scarce run, the human premium (satisfaction a
    person adds over a machine on a relational contact, within each brand)
    must be half a point higher, and where both runs tip, tips per unit of
    attention 1 % of the bill higher. Files without the human premium (older
    engines) use the loyalty gap of human- over robot-served customers,
    which must be 1 point wider."""
    premium = all(r.get("premium") is not None for r in runs)
    key = "premium" if premium else "gap"
    pairs = _pairs(runs, "scarcity", ("scarcity", key, "tip_slope"))
    if not pairs:
        return _no_market("C2", runs, "baseline against robot_rush, where attention gets scarce")
    parts, details, refs, compared = [], [], set(), []
    for ref, r, s0, s1 in pairs:
        (c0, _), (c1, _) = s0["scarcity"], s1["scarcity"]
        (g0, sg0), (g1, sg1) = s0[key], s1[key]
        line = (f"{r['name']} against {ref['name']}: attention scarcity {c1:.3f} against {c0:.3f} "
                f"({100 * (c1 - c0):+.1f} points)")
        if c1 - c0 < MIN["scarcity_change"]:
            details.append(line + ": within 2 points, not compared")
            continue
        refs.add(ref["name"])
        compared.append(r["name"])
        if premium:
            line += f"; human premium in satisfaction {g1:+.3f} against {g0:+.3f}"
            parts.append(Part(f"human premium, {r['name']} over {ref['name']}", float(g1 - g0),
                              _needed(MIN["premium_rise"], float(np.hypot(sg0, sg1))), "pt"))
        else:
            line += f"; loyalty of human- over robot-served customers {g1:+.3f} against {g0:+.3f}"
            parts.append(Part(f"loyalty gap, {r['name']} over {ref['name']}", float(g1 - g0),
                              _needed(MIN["gap_widening"], float(np.hypot(sg0, sg1))), "pt"))
        if r["tipping"] and ref["tipping"]:
            (t0, st0), (t1, st1) = s0["tip_slope"], s1["tip_slope"]
            line += (f"; tips per unit of attention {100 * t1:.1f} % against {100 * t0:.1f} % of the bill")
            parts.append(Part(f"tips per unit of attention, {r['name']} over {ref['name']}", float(t1 - t0),
                              _needed(MIN["tip_value_rise"], float(np.hypot(st0, st1))), "%"))
        details.append(line)
    if not parts:
        return Evidence("C2", False, "the files' attention scarcity differs by less than 2 points",
                        details=details, why_not="compare with a run where attention gets scarce: robot_rush")
    fig = (f"last year of each run: {_files(compared)} against {_files(sorted(refs))}, the run of the same "
           f"market with the least scarce attention; where attention is scarcer, "
           + ("a person's relational contacts must satisfy more over a machine's (the human premium)"
              if premium else "customers served by people must be more loyal than those served by machines by a "
              "wider margin")
           + (" and tips per unit of attention higher" if any(p.unit == "%" for p in parts) else ""))
    return Evidence("C2", True, fig, parts, details=details, values=dict(basis="files"))


def automation_pays_across_files(runs):
    """Automation card across files: each brand automating 5 points or more
    above the run of its market where it automates least (ties within a
    point go to the run with the least automation overall, then by name)
    against the same brand there. One Part per run: the profit of its
    automating brands over theirs where they did not automate, relative.
    Profit is per customer of the market, so runs of different sizes compare."""
    parts, details, refs, compared = [], [], set(), []
    groups = markets(runs)
    if not groups:
        return _no_market("A", runs, "baseline against robot_rush, where every brand automates")
    for group in groups:
        same = len({float(r["customers"]) for r in group}) == 1
        unit = "a week" if same else "a week per 1,000 customers"
        scale = {r["name"]: 1.0 if same else 1000.0 / max(1.0, float(r["customers"])) for r in group}
        market_aut = {r["name"]: float(late(r["automation"])[0]) for r in group}
        aut = {r["name"]: late(r["brand_automation"])[0] for r in group}
        prof = {r["name"]: late(np.asarray(r["profit"], dtype=float) * scale[r["name"]]) for r in group}
        weekly = {r["name"]: np.asarray(r["profit"], dtype=float) * scale[r["name"]] for r in group}
        brands = list(group[0]["brands"])
        ref_of = []
        for k in range(len(brands)):
            low = min(aut[r["name"]][k] for r in group)
            ref_of.append(min((r for r in group if aut[r["name"]][k] <= low + 0.01),
                              key=lambda r: (market_aut[r["name"]], r["name"]))["name"])
        for r in group:
            n = r["name"]
            mine = [k for k in range(len(brands)) if aut[n][k] - aut[ref_of[k]][k] >= MIN["automation_change"]]
            if not mine:
                continue
            p1, se1 = late(weekly[n][:, mine].sum(axis=1))
            p0 = float(sum(prof[ref_of[k]][0][k] for k in mine))
            se0 = float(np.sqrt(sum(prof[ref_of[k]][1][k] ** 2 for k in mine)))
            g = float(p1 / p0 - 1.0) if p0 > 0 and p1 > 0 else float("nan")
            se = abs(1.0 + g) * float(np.hypot(se1 / p1, se0 / p0)) if np.isfinite(g) else float("nan")
            refs.update(ref_of[k] for k in mine)
            compared.append(n)
            each = "; ".join(f"{brands[k]} {100 * aut[n][k]:.0f} % automated earns {prof[n][0][k]:,.0f} against "
                             f"{prof[ref_of[k]][0][k]:,.0f} in {ref_of[k]} ({100 * aut[ref_of[k]][k]:.0f} %)"
                             for k in mine)
            details.append(f"{n}, profit {unit}: {each}; together {100 * g:+.0f} %")
            parts.append(Part(f"profit of {n}'s automating brands over the same brands not automating", g,
                              _needed(MIN["profit_edge"], se), "%"))
    if not parts:
        return Evidence("A", False, "no brand automates 5 points more in one file than in another",
                        why_not="compare with a run where brands automate: robot_rush")
    fig = (f"last year of each run: the brands that automate in {_files(compared)} against the same brands in "
           f"{_files(sorted(refs))}, where they automate least (the rest of the market differs too)")
    return Evidence("A", True, fig, parts, details=details, values=dict(basis="files"))


def automation_verdict_across(summary):
    """Words for the automation card across files: automation wins when at
    least one run's automating brands gain the minimum and none lose it;
    loses the other way round; else no clear winner."""
    if not summary:
        return NOT_TESTABLE
    win = any(s["mean"] >= s["threshold"] for s in summary)
    lose = any(s["mean"] <= -s["threshold"] for s in summary)
    if win and not lose:
        return "automation wins on profit"
    if lose and not win:
        return "automation loses on profit"
    return "no clear winner on profit"
