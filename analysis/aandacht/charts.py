"""Charts over time of one run file, one point per chart.

Every function takes io.read's dict of a run and an output directory, draws
one chart in the projector style (style.py), saves it as PNG and SVG and
returns {stem, title, caption, png, svg}; it returns None when the run has
nothing to show (no tipping, no shock). Titles are computed from the data:
they state what the chart shows, so they change with the run.

Time runs in years after the warm-up (week / 52; weeks for runs shorter
than two years). Noisy weekly series
(NPS, profit, tips) are shown as a trailing mean over a quarter (13 weeks),
which the subtitle says.
"""
import numpy as np

from . import style

QUARTER = 13


def years(d):
    """The time axis: years after the warm-up, or weeks for a run shorter
    than two years (fractions of a year read badly)."""
    return np.asarray(d["week"], dtype=float) / time_unit(d)[0]


def time_unit(d):
    """(weeks per unit, axis label) for a run's time axis."""
    return (52.0, "years after the warm-up") if len(d["week"]) >= 104 else (1.0, "weeks after the warm-up")


def smooth(x, k=QUARTER):
    """Trailing mean over k weeks (axis 0), NaN-aware; the first k-1 weeks
    average what there is."""
    x = np.asarray(x, dtype=float)
    ok = np.isfinite(x)
    v = np.where(ok, x, 0.0)
    c = np.cumsum(v, axis=0)
    n = np.cumsum(ok, axis=0).astype(float)
    c[k:] = c[k:] - c[:-k].copy()
    n[k:] = n[k:] - n[:-k].copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, c / np.maximum(n, 1), np.nan)


def ends(x):
    """(first-year mean, last-year mean) along axis 0, as in scorecard."""
    from .scorecard import window
    x = np.asarray(x, dtype=float)
    w = window(len(x))
    return np.nanmean(x[:w], axis=0), np.nanmean(x[-w:], axis=0)


def currency(d):
    """The scenario's currency (scenario.currency), or "money" (the model's
    money unit) when the scenario sets none."""
    c = str(d.get("parameters", {}).get("scenario.currency", "") or "").strip()
    return c or "money"


def window_words(d):
    """The window the figures of a chart's title are means over: "the last
    year", or "the last 11 weeks" of a short run (scorecard.window)."""
    from .scorecard import window
    w = window(len(d["week"]))
    return "the last year" if w == 52 else f"the last {w} weeks"


def smoothed_words(d):
    """What a smoothed chart's lines and its title's figures are."""
    return f"lines: 13-week trailing means; figures in the title: means over {window_words(d)}"


def footnote(d):
    a = d["attrs"]
    seed = f"seed {d['seed']}" if d["kind"] == "run" else f"sweep seed {d['seed']}"
    n = len(d["week"])
    return (f"scenario {d['scenario']} \u00b7 {seed} \u00b7 {int(a.get('customers', 0)):,} customers \u00b7 "
            f"{n} weeks after a {a.get('warmup', '?')}-week warm-up \u00b7 aandacht "
            f"{a.get('engine_version', '?')} ({a.get('git_commit', '?')})"
            + (f" \u00b7 file {d['stem']}" if d["stem"] != d["scenario"] else ""))


def pct(x):
    return f"{100 * x:.0f} %"


def _time_axes(ax, d, ylabel):
    t = years(d)
    ax.set_xlim(t[0], t[-1] if len(t) > 1 else t[0] + 1)
    ax.set_xlabel(time_unit(d)[1])
    ax.set_ylabel(ylabel)


def _per_brand(d, outdir, stem, series, ylabel, title, subtitle, caption, scale=1.0, k=1, from_zero=False):
    """One line per brand (brand colours), labelled at the ends."""
    fig, ax = style.new_figure()
    colors = style.brand_colors(d["brands"])
    y = smooth(series, k) if k > 1 else np.asarray(series, dtype=float)
    lines = [ax.plot(years(d), scale * y[:, i], color=colors[b], label=b)[0]
             for i, b in enumerate(d["brands"])]
    _time_axes(ax, d, ylabel)
    if from_zero:
        ax.set_ylim(0, 1.15 * np.nanmax(scale * y))
    if np.nanmax(np.abs(scale * y)) >= 10000:
        style.thousands(ax)
    style.label_line_ends(ax, lines)
    style.finish(fig, ax, title, subtitle=subtitle, footnote=footnote(d))
    return dict(stem=stem, title=title, caption=caption, **style.save(fig, outdir, stem))


def _name_of(d, stem):
    return f"{d['stem']}_{stem}"


def automation_scarcity(d, outdir):
    m = d["market"]
    a0, a1 = ends(m["automation_share"])
    s0, s1 = ends(m["attention_scarcity"])
    if abs(a1 - a0) >= 0.05:
        title = (f"Automation {'rose' if a1 > a0 else 'fell'} from {pct(a0)} to {pct(a1)} of contacts; "
                 f"attention scarcity {'rose' if s1 > s0 else 'fell'} from {s0:.2f} to {s1:.2f}")
    else:
        title = f"Automation stayed near {pct(a1)} of contacts and attention scarcity near {s1:.2f}"
    fig, ax = style.new_figure()
    t = years(d)
    l1, = ax.plot(t, m["automation_share"], color=style.PALETTE[0], label="automation share")
    l2, = ax.plot(t, m["attention_scarcity"], color=style.PALETTE[1], label="attention scarcity")
    ax.set_ylim(0, 1)
    _time_axes(ax, d, "0 to 1")
    style.label_line_ends(ax, [l1, l2])
    style.finish(fig, ax, title, subtitle="automation share: the share of contacts first handled by a machine; "
                 "attention scarcity: an index, 1 \u2212 mean attention per contact (0: every contact fully "
                 f"attentive, 1: none); figures in the title: means over the first and {window_words(d)}",
                 footnote=footnote(d))
    caption = ("C1: does automation make attentive contact scarce? Attention scarcity is one minus "
               "the mean attention a contact received; a contact with a machine receives none.")
    stem = _name_of(d, "automation_scarcity")
    return dict(stem=stem, title=title, caption=caption, **style.save(fig, outdir, stem))


def attention_value(d, outdir):
    v = d["market"]["attention_value"]
    v0, v1 = ends(v)
    verb = "rose" if v1 - v0 > 0.01 else "fell" if v0 - v1 > 0.01 else "stayed"
    title = (f"The value of attention {verb} from {v0:.2f} to {v1:.2f}" if verb != "stayed"
             else f"The value of attention stayed near {v1:.2f}")
    fig, ax = style.new_figure()
    t = years(d)
    ax.plot(t, v, color=style.PALETTE[0])
    ax.axhline(1.0, color=style.GREY, lw=1.5, ls=":")
    _time_axes(ax, d, "attention value")
    style.finish(fig, ax, title, subtitle="attention value = 1 + \u03b8 \u00d7 scarcity: the weight of a unit "
                 "of attention in satisfaction and brand choice (1 = no scarcity premium)",
                 footnote=footnote(d))
    caption = ("C2: what is scarce gains value. The market-wide premium on attention follows "
               "scarcity by construction; the scorecard tests whether customers' loyalty follows.")
    stem = _name_of(d, "attention_value")
    return dict(stem=stem, title=title, caption=caption, **style.save(fig, outdir, stem))


def _mover(d, name):
    """(brand, first, last) of the brand whose yearly mean moved most."""
    x0, x1 = ends(d["brand"][name])
    i = int(np.nanargmax(np.abs(x1 - x0)))
    return d["brands"][i], x0[i], x1[i], x0, x1


def market_share(d, outdir):
    b, s0, s1, x0, x1 = _mover(d, "market_share")
    if abs(s1 - s0) < 0.02:
        title = f"Market shares hold: no brand moves more than {100 * abs(s1 - s0):.0f} points"
    else:
        title = f"{b} {'gains' if s1 > s0 else 'loses'} most: from {pct(s0)} to {pct(s1)} of customers"
    return _per_brand(d, outdir, _name_of(d, "market_share"), d["brand"]["market_share"],
                      "% of customers", title, "market share per brand, % of customers; figures in the title: "
                      f"means over the first and {window_words(d)}" + trends_words(d),
                      "Who wins the customers. First-year and last-year shares are in the KPI table.",
                      scale=100)


def trends_words(d):
    """'; trends from week 0: ...' when the market's trends run (shares then
    move without any policy), else ''."""
    p = d.get("parameters", {})
    c, k = float(p.get("market.commoditisation", 0) or 0), float(p.get("market.price_adjust", 0) or 0)
    parts = ([f"commoditisation {100 * c:g} % a year"] if c > 0 else []) + (["prices following costs"] if k > 0 else [])
    return f"; the market's trends from week 0 move shares too: {' and '.join(parts)}" if parts else ""


def loyalty(d, outdir):
    _, l1 = ends(d["brand"]["mean_loyalty"])
    hi, lo = int(np.nanargmax(l1)), int(np.nanargmin(l1))
    names = d["brands"]
    title = (f"{names[hi]} keeps the most loyal customers ({l1[hi]:.2f}), "
             f"{names[lo]} the least ({l1[lo]:.2f})")
    return _per_brand(d, outdir, _name_of(d, "loyalty"), d["brand"]["mean_loyalty"],
                      "mean loyalty (0 to 1)", title,
                      "mean loyalty of each brand's customers (0 = none, 1 = complete)",
                      "C4: loyalty is what engaged, attentive service earns; loyal customers buy more often.")


def nps(d, outdir):
    _, n1 = ends(d["brand"]["nps"])
    hi, lo = int(np.nanargmax(n1)), int(np.nanargmin(n1))
    names = d["brands"]
    title = (f"{names[hi]} makes the most promoters: NPS {n1[hi]:+.0f} in {window_words(d)}, "
             f"against {n1[lo]:+.0f} for {names[lo]}")
    return _per_brand(d, outdir, _name_of(d, "nps"), d["brand"]["nps"], "net promoter score",
                      title, f"net promoter score of each brand's contacts, points; {smoothed_words(d)}",
                      "Net promoter score: promoters minus detractors among the week's contacts, in points.",
                      k=QUARTER)


def engagement(d, outdir):
    _, e1 = ends(d["brand"]["engagement"])
    hi, lo = int(np.nanargmax(e1)), int(np.nanargmin(e1))
    names = d["brands"]
    title = (f"{names[hi]}'s staff are the most engaged ({e1[hi]:.2f}), "
             f"{names[lo]}'s the least ({e1[lo]:.2f})")
    return _per_brand(d, outdir, _name_of(d, "engagement"), d["brand"]["engagement"],
                      "mean engagement (0 to 1)", title,
                      "mean engagement of each brand's active employees (engaged from 0.65)",
                      "C4: engagement drives the attention employees give; advancing automation "
                      "threatens it, reciprocity from customers raises it.")


def engaged_share(d, outdir):
    _, e1 = ends(d["brand"]["brand_engaged_share"])
    _, m1 = ends(d["market"]["engaged_share"])
    hi = int(np.nanargmax(e1))
    names = d["brands"]
    title = f"{pct(m1)} of all staff are engaged; at {names[hi]} {pct(e1[hi])}"
    fig, ax = style.new_figure()
    colors = style.brand_colors(names)
    t = years(d)
    es = smooth(d["brand"]["brand_engaged_share"])
    lines = [ax.plot(t, 100 * es[:, i], color=colors[b], label=b, lw=2.2, alpha=0.85)[0]
             for i, b in enumerate(names)]
    lines.append(ax.plot(t, 100 * smooth(d["market"]["engaged_share"]), color="#000000", ls="--",
                         lw=4.5, label="all staff")[0])
    _time_axes(ax, d, "% of staff engaged")
    style.label_line_ends(ax, lines)
    style.finish(fig, ax, title, subtitle="share of active employees who are engaged (engagement \u2265 0.65), "
                 f"per brand and for all staff (dashed); {smoothed_words(d)}", footnote=footnote(d))
    stem = _name_of(d, "engaged_share")
    caption = "Gallup finds 13 % of European and about 21-23 % of all employees engaged."
    return dict(stem=stem, title=title, caption=caption, **style.save(fig, outdir, stem))


def tip_rate(d, outdir):
    m = d["market"]["tip_rate"]
    if not np.nanmax(np.nan_to_num(m)) > 0:
        return None
    _, r1 = ends(d["brand"]["brand_tip_rate"])
    _, m1 = ends(m)
    names = d["brands"]
    hi, lo = int(np.nanargmax(r1)), int(np.nanargmin(r1))
    if r1[hi] - r1[lo] < 0.01:
        title = f"Guests tip about {100 * m1:.0f} % of the bill at every brand that serves them in person"
    else:
        title = (f"Tips are {100 * m1:.0f} % of the bill; {names[hi]}'s guests tip most "
                 f"({100 * r1[hi]:.1f} %), {names[lo]}'s least ({100 * r1[lo]:.1f} %)")
    return _per_brand(d, outdir, _name_of(d, "tip_rate"), d["brand"]["brand_tip_rate"],
                      "tips, % of the bill", title,
                      f"tips as a share of the bills of contacts served by a person; {smoothed_words(d)}",
                      "C7: people pay voluntarily for attention. Tipping studies find 15-20 % where "
                      "tipping is the norm. The axis starts at zero: differences of a few tenths of a "
                      "point are noise.", scale=100, k=QUARTER, from_zero=True)


def differentiation(d, outdir):
    m = d["market"]
    f0, f1 = ends(m["differentiation_functional"])
    r0, r1 = ends(m["differentiation_relational"])
    h0, h1 = r0 / (r0 + f0), r1 / (r1 + f1)
    moved = "up" if h1 > h0 else "down"
    title = (f"Relation makes {pct(h1)} of the differences between brands at the end, "
             f"{moved} from {pct(h0)}" if abs(h1 - h0) >= 0.005
             else f"Relation makes {pct(h1)} of the differences between brands throughout")
    fig, ax = style.new_figure()
    t = years(d)
    l1, = ax.plot(t, m["differentiation_functional"], color=style.PALETTE[4], label="functional (3 P's)")
    l2, = ax.plot(t, m["differentiation_relational"], color=style.PALETTE[2], label="relational (the R)")
    ax.set_ylim(bottom=0)
    _time_axes(ax, d, "spread across brands")
    style.label_line_ends(ax, [l1, l2])
    style.finish(fig, ax, title, subtitle="spread across brands of the utility customers draw from "
                 "product, promotion and place (price apart), and from relation", footnote=footnote(d))
    caption = (f"C3: as the 4 P's commoditise, do brands differentiate on relation? Relational "
               f"{r0:.2f} \u2192 {r1:.2f}, functional {f0:.2f} \u2192 {f1:.2f} (first year \u2192 last).")
    stem = _name_of(d, "differentiation")
    return dict(stem=stem, title=title, caption=caption, **style.save(fig, outdir, stem))


def profit(d, outdir):
    p0, p1 = ends(d["brand"]["profit"])
    names = d["brands"]
    hi = int(np.nanargmax(p1))
    growth = np.where(np.abs(p0) > 0, p1 / np.where(p0 == 0, 1, p0) - 1, np.nan)
    g = int(np.nanargmax(growth)) if np.isfinite(growth).any() else hi
    title = f"{names[hi]} earns the most, {p1[hi]:,.0f} {currency(d)} a week in {window_words(d)}"
    if g != hi and p0[g] > 0:
        title += f"; {names[g]} grows most ({100 * growth[g]:+.0f} %)"
    elif p0[hi] > 0:
        title += f" ({100 * growth[hi]:+.0f} % on the first year)"
    return _per_brand(d, outdir, _name_of(d, "profit"), d["brand"]["profit"], f"profit per week, {currency(d)}",
                      title, "profit per brand (revenue minus goods, wages, automation, HR), "
                      f"{currency(d)} per week; {smoothed_words(d)}",
                      "Profit after prices have followed costs: savings every brand makes are competed away.",
                      k=QUARTER)


def shock_visits(d, outdir):
    """Visits of the shocked brand against its pre-shock trend, and stated
    avoidance, from a year before the shock to a year and a half after."""
    from . import scorecard as sc
    ev = [e for e in d["events"] if e.get("type") == "reputation_shock" and e.get("brand") in d["brands"]]
    if not ev:
        return None
    e = ev[0]
    k = d["brands"].index(e["brand"])
    w = int(np.searchsorted(d["week"], int(e["week"])))
    v = d["brand"]["visits"][:, k]
    fit = sc.shock_trend(v, w)
    if fit is None:
        return None
    slope, icpt, _, pre0 = fit
    stop = min(len(v), w + 78)
    idx = np.arange(pre0, stop)
    change = 100 * (smooth(v, 4)[idx] / (slope * idx + icpt) - 1)
    stated = 100 * d["brand"]["stated_avoidance"][idx, k]
    ev6 = sc.c6_shock(v, d["brand"]["stated_avoidance"][:, k], w, e["brand"])
    said = float(np.nanmax(stated))
    if ev6.testable:
        title = (f"{said:.0f} % said they would avoid {e['brand']}; visits fell up to "
                 f"{100 * ev6.values['peak']:.0f} % and were still {100 * ev6.values['fall']:.1f} % "
                 "below trend 4-6 months later")
    else:
        title = f"{said:.0f} % said they would avoid {e['brand']} after its reputation shock"
    fig, ax = style.new_figure()
    x = idx - w
    colors = style.brand_colors(d["brands"])
    l1, = ax.plot(x, change, color=colors[e["brand"]], label="visits")
    l2, = ax.plot(x, -stated, color=style.GREY, ls="--", label="say they avoid it")
    ax.axhline(0, color="#444444", lw=1.2)
    ax.axvline(0, color=style.GREY, lw=1.5, ls=":")
    ax.axvspan(sc.LATER[0], sc.LATER[1], color=style.LIGHT, alpha=0.6, lw=0)
    ax.annotate("months 4-6", xy=(sum(sc.LATER) / 2, 0.0), xycoords=("data", "axes fraction"),
                xytext=(0, 6), textcoords="offset points", ha="center", va="bottom",
                color=style.GREY, fontsize=style.BASE_SIZE - 3)
    ax.set_xlim(x[0], x[-1])
    ax.set_xlabel(f"weeks after the shock (week {int(e['week'])})")
    ax.set_ylabel("% against before the shock")
    style.label_line_ends(ax, [l1, l2])
    style.finish(fig, ax, title, subtitle=f"{e['brand']}'s visits against their trend of the year before "
                 "the shock (4-week mean), and the share of its customers who say they avoid it, %",
                 footnote=footnote(d))
    caption = ("C6: a reputation shock lingers. What people say falls further than what they do "
               "(after the BP oil spill about 13 % said they would stop buying; volume fell a few percent).")
    stem = _name_of(d, "shock_visits")
    return dict(stem=stem, title=title, caption=caption, **style.save(fig, outdir, stem))


TIME_CHARTS = (automation_scarcity, attention_value, market_share, loyalty, nps, engagement,
               engaged_share, tip_rate, differentiation, profit, shock_visits)
