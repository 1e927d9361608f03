"""The HTML of report.html: one page, its style sheet inline, images as data
URIs, nothing fetched from anywhere. Type is sized for a projector.

`page(sections, comparison_charts, cards)` renders what report.build
gathered; `kpi_rows(d)` computes the KPI table of one file.
"""
import html

import numpy as np

from . import scorecard as sc
from . import style

CSS = """
:root { --ink: #111; --muted: #555; --rule: #d9d9d9; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Verdana, "Segoe UI", sans-serif; font-size: 20px; line-height: 1.45;
       color: var(--ink); background: #fff; max-width: 1500px; margin: 0 auto; padding: 1.5rem 2rem 4rem; }
h1 { font-size: 2.3em; margin: 0.2em 0 0.1em; line-height: 1.15; }
h2 { font-size: 1.6em; margin: 2.2em 0 0.5em; padding-bottom: 0.2em; border-bottom: 3px solid var(--ink); }
h3 { font-size: 1.25em; margin: 1.6em 0 0.4em; }
p.meta, .small { color: var(--muted); font-size: 0.8em; }
p.lead { font-size: 1.2em; }
nav ol { columns: 2; font-size: 0.95em; }
a { color: #0072B2; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.45em 0.7em; border-bottom: 1px solid var(--rule); }
th { border-bottom: 2px solid var(--ink); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px; margin-right: 0.4em;
          vertical-align: -0.1em; }
.badge { display: inline-block; padding: 0.15em 0.55em; border-radius: 0.3em; color: #fff; font-weight: bold;
         white-space: nowrap; font-size: 0.9em; }
.badge.yes { background: #007a5a; } .badge.no { background: #b34700; } .badge.na { background: #6e6e6e; }
.badge.auto { background: #0072B2; }
.badge.win { background: #007a5a; } .badge.lose { background: #c0392b; } .badge.unclear { background: #6e6e6e; }
.decision { border: 3px solid var(--rule); border-radius: 0.5em; padding: 0.8em 1.2em; margin: 1em 0 1.6em; }
.decision.win { border-color: #007a5a; } .decision.lose { border-color: #c0392b; }
.decision h3 { margin: 0 0 0.3em; font-size: 1.5em; }
.decision table td.diff { font-weight: bold; }
table.matrix th:first-child { width: 34%; }
figure { margin: 2.2em 0; page-break-inside: avoid; }
figure img { width: 100%; height: auto; border: 1px solid var(--rule); display: block; }
figcaption { margin-top: 0.5em; font-size: 0.95em; }
figcaption .files { color: var(--muted); font-size: 0.8em; display: block; }
ul.notes { color: var(--muted); font-size: 0.9em; }
ul.details { margin: 0.3em 0 0.2em; padding-left: 1.2em; font-size: 0.9em; }
ul.details li { margin: 0.15em 0; }
.perfile { color: var(--muted); font-size: 0.85em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1.2em; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
@media print { body { font-size: 12pt; max-width: none; } h2 { page-break-before: always; } }
"""

KPIS = (("market_share", "market share", "pct"), ("mean_loyalty", "loyalty", "loyalty"),
        ("nps", "NPS, points", "nps"), ("brand_tip_rate", "tip rate", "pct"), ("profit", "profit / week", "int"))


# a warm-up whose shares moved more than this in its last year has not
# settled (the engine's AD_WARMUP_DRIFT_TOLERANCE)
WARMUP_DRIFT_TOLERANCE = 0.01
# below this many customers one run is not interpretable (the engine's
# AD_SEED_NOISE_CUSTOMERS)
SEED_NOISE_CUSTOMERS = 50000


def esc(x):
    return html.escape(str(x), quote=True)


def number(v, kind):
    if v is None or not np.isfinite(v):
        return "\u2013"
    if kind == "pct":
        return f"{100 * v:.1f}\u00a0%"
    if kind == "nps":
        return f"{v:+.0f}"
    if kind == "loyalty":
        return f"{v:.3f}"
    return f"{v:,.0f}"


def kpi_rows(d):
    """KPI table of a file: per brand, the mean over the first window of
    recorded weeks against the mean over the last (a year each, as in the
    charts' titles and the scorecard; a quarter of a short run). For a
    sweep: mean over finished runs and the range of the middle 95 %."""
    w = sc.window(len(d["week"]))
    tipping = bool(np.nanmax(np.nan_to_num(d["market"]["tip_rate"])) > 0)
    from .charts import currency
    cols = [(n, f"{label}, {currency(d)}" if n == "profit" else label, kind) for n, label, kind in KPIS
            if n != "brand_tip_rate" or tipping]
    colors = style.brand_colors(d["brands"])
    rows = []
    for i, b in enumerate(d["brands"]):
        vals = []
        for name, _, kind in cols:
            x = d["brand"][name]
            if d["kind"] == "run":
                vals.append((np.nanmean(x[:w, i]), np.nanmean(x[-w:, i]), None, None))
            else:
                ok = d["ok"]
                f, l_ = np.nanmean(x[ok, :w, i], axis=1), np.nanmean(x[ok, -w:, i], axis=1)
                rng = lambda v: tuple(np.nanpercentile(v, [2.5, 97.5])) if len(v) else None  # noqa: E731
                vals.append((np.nanmean(f) if len(f) else np.nan, np.nanmean(l_) if len(l_) else np.nan,
                             rng(f), rng(l_)))
        rows.append(dict(brand=b, color=colors[b], values=vals))
    wk = d["week"]
    return dict(columns=cols, rows=rows, first=(int(wk[0]), int(wk[w - 1])), last=(int(wk[-w]), int(wk[-1])),
                window=w)


SHORT = {sc.NOT_TESTABLE: "not testable", "automation wins on profit": "wins on profit",
         "automation loses on profit": "loses on profit", "no clear winner on profit": "no clear winner"}


def _badge(verdict, short=False):
    cls = {sc.SUPPORTED: "yes", sc.NOT_SUPPORTED: "no", sc.NOT_TESTABLE: "na"}.get(verdict, "auto")
    mark = {"yes": "\u2713 ", "no": "\u2717 ", "na": "\u2013 "}.get(cls, "")
    words = SHORT.get(verdict, verdict) if short else verdict
    return f'<span class="badge {cls}">{mark}{esc(words)}</span>'


def _kpi_table(k, sweep):
    head = "".join(f'<th colspan="2" style="text-align:center">{esc(label)}</th>' for _, label, _ in k["columns"])
    span = "year" if k["window"] == 52 else f'{k["window"]} weeks'
    sub = "".join(f'<th class="num">first {span}</th><th class="num">last {span}</th>' for _ in k["columns"])
    body = []
    for r in k["rows"]:
        cells = []
        for (f, l_, fr, lr), (_, _, kind) in zip(r["values"], k["columns"]):
            for v, rg in ((f, fr), (l_, lr)):
                extra = (f'<br><span class="small">{number(rg[0], kind)} to {number(rg[1], kind)}</span>'
                         if sweep and rg else "")
                cells.append(f'<td class="num">{number(v, kind)}{extra}</td>')
        body.append(f'<tr><td><span class="swatch" style="background:{r["color"]}"></span>'
                    f'{esc(r["brand"])}</td>{"".join(cells)}</tr>')
    note = ("Mean over the sweep's finished runs; below it the range of the middle 95 % of runs."
            if sweep else f"Means over the first {span} (weeks {k['first'][0]}\u2013{k['first'][1]}) and the last "
            f"(weeks {k['last'][0]}\u2013{k['last'][1]}), the figures the charts' titles give.")
    return (f'<table><thead><tr><th>brand</th>{head}</tr><tr><th></th>{sub}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table><p class="small">{note}</p>')


def _evidence(c, across=None):
    """A card's evidence cell: the figure, one line per brand or file
    compared, then the uncertainty or how to test it."""
    out = [esc(c["figure"])]
    if c.get("details"):
        out.append('<ul class="details">' + "".join(f"<li>{esc(x)}</li>" for x in c["details"]) + "</ul>")
    if c["verdict"] == sc.NOT_TESTABLE:
        if c["why_not"]:
            out.append(f'{"" if c.get("details") else "<br>"}<b>To test it:</b> {esc(c["why_not"])}')
        if across and across["verdict"] != sc.NOT_TESTABLE:
            out.append(f'<br><b>Across the files:</b> {esc(across["verdict"])} (above)')
    elif c["uncertainty"]:
        out.append(f'{"" if c.get("details") else "<br>"}<span class="small">{esc(c["uncertainty"])}</span>')
    return "".join(out)


def _cards_table(cards, across=()):
    by_claim = {c["claim"]: c for c in across}
    rows = []
    for c in cards:
        rows.append(f'<tr><td><b>{esc(c["claim"])}</b></td><td>{esc(c["text"])}</td>'
                    f'<td>{_badge(c["verdict"])}</td><td>{_evidence(c, by_claim.get(c["claim"]))}</td></tr>')
    return ('<table><thead><tr><th>#</th><th>claim</th><th>verdict</th><th>evidence</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _matrix(cards, across=()):
    stems = list(cards)
    claims_ = [c["claim"] for c in cards[stems[0]]]
    by_claim = {c["claim"]: c for c in across}
    head = "".join(f"<th>{esc(s)}</th>" for s in stems) + ("<th>across files</th>" if across else "")
    body = []
    for i, cl in enumerate(claims_):
        cells = "".join(f"<td>{_badge(cards[s][i]['verdict'], True)}</td>" for s in stems)
        if across:
            cells += (f"<td>{_badge(by_claim[cl]['verdict'], True)}</td>" if cl in by_claim
                      else '<td><span class="perfile">per file only</span></td>')
        body.append(f"<tr><td><b>{esc(cl)}</b> {esc(sc.CLAIMS[cl])}</td>{cells}</tr>")
    return (f'<table class="matrix"><thead><tr><th>claim</th>{head}</tr></thead><tbody>{"".join(body)}</tbody>'
            '</table><p class="small">Not testable: with these runs; the cards below say which run would test it. '
            'Automation (A): who wins on profit.</p>')


def _figure(c):
    return (f'<figure id="{esc(c.get("rel", c["stem"]))}"><img src="{c["uri"]}" alt="{esc(c["title"])}">'
            f'<figcaption>{esc(c.get("caption", ""))}'
            f'<span class="files">{esc(c.get("rel", c["stem"]))}.png and .svg</span></figcaption></figure>')


def _setting(iv):
    """An intervention's new value as a person writes it (0.7, not 0.69999999999999996)."""
    text = str(iv.get("value_text", ""))
    try:
        float(text)
    except ValueError:
        return text or iv.get("value")
    return f"{float(iv.get('value', text)):g}"


def _event(e):
    return (f"week {e.get('week')}: {str(e.get('type', '')).replace('_', ' ')} of {e.get('brand')} "
            f"({100 * float(e.get('stated', 0)):.0f} % say they avoid it, visits fall "
            f"{100 * float(e.get('visits', 0)):.0f} %, half-life {float(e.get('half_life', 0)):g} weeks)")


def _intervention(i):
    return f"week {i.get('week')}: {i.get('brand')} sets {i.get('key')} = {_setting(i)}"


def _trends(d):
    """The trends that run from week 0 (the warm-up holds them still), in words."""
    p = d.get("parameters", {})
    c, k = float(p.get("market.commoditisation", 0) or 0), float(p.get("market.price_adjust", 0) or 0)
    out = []
    if c > 0:
        out.append(f"commoditisation: each brand's quality, promotion and place close about "
                   f"{100 * (1 - (1 - c / 52) ** 52):.0f} % of their gap to the market's mean a year "
                   f"(market.commoditisation = {c:g})")
    if k > 0:
        out.append(f"prices follow unit cost plus markup, closing about {100 * (1 - (1 - min(k, 52) / 52) ** 52):.0f} % "
                   f"of the gap a year (market.price_adjust = {k:g})")
    if not out:
        return ("none: the market starts at its steady state and stays there without policy changes "
                "(market.commoditisation = 0, market.price_adjust = 0)")
    return "; ".join(out) + ". Shares move with them from week 0: that drift is the trends' doing, not a policy's."


def _warmup(d):
    """Whether the warm-up settled (root attribute warmup_share_drift), or None if not recorded."""
    v = d["attrs"].get("warmup_share_drift")
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    if v != v:  # NaN: no warm-up, or not finished
        return None
    tol = 100 * WARMUP_DRIFT_TOLERANCE
    if 100 * v > tol:
        return (f"did not settle: a brand's market share still moved {100 * v:.1f} points in its last year "
                f"(more than {tol:.1f}); early weeks include the market still finding its level. "
                "Lengthen scenario.warmup or raise scenario.warmup_speedup")
    return f"settled: no brand's market share moved more than {100 * v:.1f} points in its last year"


def _seed_noise(d):
    """The seed noise of the market's size (root attribute seed_noise), in words, or None."""
    a = d["attrs"]
    try:
        v = float(a.get("seed_noise"))
    except (TypeError, ValueError):
        return None
    if v != v:
        return None
    n = int(a.get("customers", 0) or 0)
    text = (f"at {n:,} customers the seed alone moves a brand's market share by about {100 * v:.1f} points "
            "(one standard deviation)")
    if n < SEED_NOISE_CUSTOMERS and d["kind"] != "sweep":
        text += ("; below 50,000 customers a single run is not interpretable: compare runs with "
                 "replications (a sweep), not one seed")
    return text


def _scenario(d):
    a = d["attrs"]
    facts = [("file", d["path"]), ("kind", "sweep" if d["kind"] == "sweep" else "single run"),
             ("seed", d["seed"]), ("customers", f"{int(a.get('customers', 0)):,}"),
             ("weeks recorded", f"{len(d['week'])} after a {a.get('warmup', '?')}-week warm-up"),
             ("warm-up", _warmup(d) or "not measured (no warm-up, or a file written by an older engine)"),
             ("seed noise", _seed_noise(d) or "not recorded (a file written by an older engine, or a sweep)"),
             ("trends from week 0", _trends(d)),
             ("complete", "yes" if d["complete"] else "no: an interrupted run, read up to weeks_written"),
             ("engine", f"aandacht {a.get('engine_version', '?')} ({a.get('git_commit', '?')})")]
    if d["kind"] == "sweep":
        facts.insert(2, ("design", f"{a.get('sweep_design', '?')}: {a.get('sweep_points', '?')} points \u00d7 "
                                   f"{a.get('sweep_replications', '?')} replications, "
                                   f"{int(np.sum(d['ok']))} of {len(d['ok'])} runs finished"))
        facts.insert(3, ("swept", "; ".join(f"{s['key']} from {s['min']} to {s['max']}" for s in d["swept"])))
    colors = style.brand_colors(d["brands"])
    brands = " ".join(f'<span class="swatch" style="background:{colors[b]}"></span>{esc(b)}'
                      for b in d["brands"])
    facts.append(("brands", None))
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{brands if v is None else esc(v)}</dd>" for k, v in facts)
    ev = [_event(e) for e in d["events"]]
    iv = [_intervention(i) for i in d["interventions"]]
    lists = "".join(f"<h3>{t}</h3><ul>{''.join(f'<li>{esc(x)}</li>' for x in xs)}</ul>"
                    for t, xs in (("Events", ev), ("Interventions", iv)) if xs)
    desc = esc(d["description"]) or "<i>no description in the scenario file</i>"
    return f'<p class="lead">{desc}</p><dl class="facts">{dl}</dl>{lists}'


def _scenarios(datas):
    """Several files: one row each, then the events and interventions of each."""
    rows = []
    for d in datas:
        a = d["attrs"]
        colors = style.brand_colors(d["brands"])
        brands = " ".join(f'<span class="swatch" style="background:{colors[b]}"></span>{esc(b)}'
                          for b in d["brands"])
        kind = (f"sweep ({a.get('sweep_design', '?')}, {len(d['ok'])} runs)" if d["kind"] == "sweep"
                else f"seed {d['seed']}")
        rows.append(f"<tr><td><b>{esc(d['scenario'])}</b><br><span class=\"small\">{esc(d['path'])}</span></td>"
                    f"<td>{esc(d['description'])}<br><span class=\"small\">{brands}</span>"
                    f"<br><span class=\"small\">trends from week 0: {esc(_trends(d))}</span>"
                    + (f"<br><span class=\"small\"><b>warm-up {esc(w)}</b></span>" if (w := _warmup(d)) and
                       w.startswith("did not") else "") + "</td>"
                    f"<td class=\"num\">{esc(kind)}<br>{int(a.get('customers', 0)):,} customers<br>"
                    f"{len(d['week'])} weeks</td></tr>")
    out = [f"<table><thead><tr><th>scenario</th><th>description</th><th class=\"num\">run</th></tr></thead>"
           f"<tbody>{''.join(rows)}</tbody></table>"]
    for d in datas:
        ev = [_event(e) for e in d["events"]] + [_intervention(i) for i in d["interventions"]]
        if ev:
            out.append(f"<h3>{esc(d['scenario'])}</h3><ul>{''.join(f'<li>{esc(x)}</li>' for x in ev)}</ul>")
    return "".join(out)


def _index_table(t):
    head = "".join(f"<th>{esc(h)}</th>" for h in t["header"])
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in t["rows"])
    return (f"<h3>{esc(t['title'])}</h3><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<p class=\"small\">Bootstrap intervals; the chart <a href=\"#{esc(t.get('anchor', t['stem']))}\">below</a> "
            "shows the same numbers.</p>")


VERDICT_CLASS = {"wins on profit": ("win", "\u25b2 pays"), "loses on profit": ("lose", "\u25bc costs profit"),
                 "no clear difference in profit": ("unclear", "\u25cf no clear difference in profit")}


def _diff(name, f):
    from .decisioncharts import difference_text
    return difference_text(name, f["diff"], f["half"])


def _level(name, v):
    if name == "market_share":
        return f"{100 * v:.1f}\u00a0%"
    if name == "mean_loyalty":
        return f"{v:.3f}"
    return f"{v:,.0f}"


def _decision_card(c, figure):
    from .decision import FIGURES
    b = esc(c["brand"])
    if c.get("error"):
        return (f'<div class="decision"><h3>{b}</h3><p>{esc("; ".join(c.get("policy", [])))}</p>'
                f'<p><b>No reference:</b> {esc(c["error"])}</p></div>')
    cls, words = VERDICT_CLASS[c["verdict"]]
    rows = "".join(f'<tr><td>{esc(label)}{(", " + esc(c["currency"])) if name == "profit" else ""}</td>'
                   f'<td class="num">{_level(name, c["figures"][name]["policy"])}</td>'
                   f'<td class="num">{_level(name, c["figures"][name]["reference"])}</td>'
                   f'<td class="num diff">{esc(_diff(name, c["figures"][name]))}</td></tr>'
                   for name, label, *_ in FIGURES)
    n = len(c["seeds"])
    return (f'<div class="decision {cls}"><h3>{b}: <span class="badge {cls}">{esc(words)}</span></h3>'
            f'<p>Policy: {esc("; ".join(c["policy"]))}. Reference: {esc(c["reference"])}.</p>'
            f'<table><thead><tr><th>last recorded year, mean</th><th class="num">with the policy</th>'
            f'<th class="num">reference</th><th class="num">difference \u00b1 95\u00a0%</th></tr></thead>'
            f'<tbody>{rows}</tbody></table>'
            f'<p class="small">In this model run: mean of {n} seed{"s" if n > 1 else ""} '
            f'({", ".join(str(s) for s in c["seeds"])}), paired with the reference at the same seed. '
            f'The verdict is "pays" when the whole 95\u00a0% interval of the profit difference is above zero, '
            f'"costs profit" when it is below, otherwise "no clear difference".</p></div>'
            + (_figure(figure) if figure else ""))


def _decision(sections):
    """The decision section: a card per brand with a policy, per run file."""
    out = []
    any_card = False
    for s in sections:
        comps = s.get("decision") or []
        d = s["data"]
        if len(sections) > 1:
            out.append(f"<h3>{esc(d['scenario'])} ({esc(d['stem'])})</h3>")
        if d["kind"] != "run":
            out.append("<p>A sweep: its policies are the swept parameters; see its sweep charts and "
                       "sensitivity tables below.</p>")
            continue
        if not comps:
            out.append("<p>No brand changes a policy in this run (automation stays at its starting share and "
                       "there are no interventions): nothing to decide here. To ask whether a policy pays, run "
                       "a scenario where a brand changes its automation or another setting, or compare two runs "
                       "with <code>aandacht report run.h5 --against baseline.h5</code>.</p>")
            continue
        n = len(d["week"])
        from .decision import window
        w = window(n)
        span = "the last recorded year" if w == 52 else "all the recorded weeks"
        out.append(f'<p class="lead">Does each brand\'s policy pay? Each card sets the brand with its policy '
                   f'against a reference run of the same market; every figure is a mean over {span} '
                   f'(weeks {int(d["week"][n - w])}\u2013{int(d["week"][-1])}).</p>')
        for c in comps:
            any_card = True
            out.append(_decision_card(c, s.get("decision_charts", {}).get(c["brand"])))
    return "".join(out), any_card


def page(sections, comparison, cards, across=()):
    names = [s["data"]["scenario"] for s in sections]
    kind = "sweep" if sections[0]["data"]["kind"] == "sweep" else "run"
    title = (f"{names[0]}: what the {kind} shows" if len(names) == 1
             else " against ".join(names) + ": what the runs show")
    a = sections[0]["data"]["attrs"]
    toc, body = [], []

    def section(anchor, heading, content):
        toc.append(f'<li><a href="#{anchor}">{esc(heading)}</a></li>')
        body.append(f'<h2 id="{anchor}">{esc(heading)}</h2>{content}')

    dec, _ = _decision(sections)
    section("decision", "The decision", dec)
    if len(sections) == 1:
        section(f"scenario-{sections[0]['data']['stem']}", f"Scenario {sections[0]['data']['scenario']}",
                _scenario(sections[0]["data"]))
    else:
        section("scenarios", "Scenarios", _scenarios([s["data"] for s in sections]))
    score = ['<p>What the claims of the model say <b>in this model run</b>: each claim is checked against each '
             'file (and, where a single run cannot decide, across runs of the same market). A verdict needs '
             'each figure to reach the minimum its card states ("needs ...") in the claimed direction, and, '
             'where there are replications, the lower end of its 95\u00a0% interval above zero. A verdict is '
             'about this model with these settings, not about the world. '
             '"A" says plainly who won on profit with automation, market-wide; the decision above says it '
             'per brand.</p>']
    if len(cards) > 1:
        score.append(_matrix(cards, across))
    if across:
        score.append('<h3 id="across">Across files</h3><p>Claims a single run cannot always decide, judged by '
                     'comparing the last year of runs of the same market (the same brands): C1 against the '
                     'run with the least automation, C2 against the one with the least scarce attention, '
                     'A each automating brand against the same brand where it automates least.</p>')
        score.append(_cards_table(across))
    for s in sections:
        if len(cards) > 1:
            score.append(f"<h3>{esc(s['data']['scenario'])} ({esc(s['data']['stem'])})</h3>")
        score.append(_cards_table(s["cards"], across))
    section("scorecard", "Claims scorecard", "".join(score))
    kp = []
    for s in sections:
        if len(sections) > 1:
            kp.append(f"<h3>{esc(s['data']['scenario'])}</h3>")
        kp.append(_kpi_table(s["kpis"], s["data"]["kind"] == "sweep"))
    section("kpis", "Key figures per brand", "".join(kp))
    if comparison:
        section("compare", "Scenarios compared", "".join(_figure(c) for c in comparison))
    for s in sections:
        if s.get("indices"):
            section(f"indices-{s['data']['stem']}", f"Sensitivity: {s['data']['scenario']}",
                    "".join(_index_table(t) for t in s["indices"]))
    for s in sections:
        notes = "".join(f"<li>{esc(n)}</li>" for n in s["notes"])
        content = "".join(_figure(c) for c in s["charts"]) + (
            f'<p>Not drawn:</p><ul class="notes">{notes}</ul>' if notes else "")
        section(f"charts-{s['data']['stem']}", f"Charts: {s['data']['scenario']}", content)
    files = "".join(f'<li><a href="data/{esc(f["name"])}">data/{esc(f["name"])}</a>: {esc(f["description"])}</li>'
                    for s in sections for f in s["csv"])
    if files:
        section("data", "Data files", f"<p>Next to this page, for spreadsheets (numbers in full precision; "
                f"an empty cell is a week not recorded):</p><ul>{files}</ul>")
    meta = (f"aandacht report \u00b7 engine {esc(a.get('engine_version', '?'))} "
            f"({esc(a.get('git_commit', '?'))}) \u00b7 "
            + ", ".join(esc(s["data"]["path"]) for s in sections))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{esc(title)}</h1><p class=\"meta\">{meta}</p>"
            f"<nav><ol>{''.join(toc)}</ol></nav>{''.join(body)}</body></html>\n")
