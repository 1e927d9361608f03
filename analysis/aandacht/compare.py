"""Several run files on the same axes: one line per file (scenario), the
same colour for a scenario in every comparison chart, in the order the
files were given (baseline against robot_rush against human_touch).

`compare_all(datas, outdir)` draws one chart per market figure below and
returns a list of {stem, title, caption, png, svg}. Lines are labelled by
scenario name, or by file name when two files share a scenario.
"""
import numpy as np

from . import style
from .charts import QUARTER, ends, smooth, smoothed_words, time_unit, window_words


def _labels(datas):
    names = [d["scenario"] for d in datas]
    if len(set(names)) < len(names):
        names = [d["stem"] for d in datas]
    return names


def _weighted(d, name):
    """Customer-weighted market mean of a brand observable, per week."""
    w = np.asarray(d["brand"]["customers"], dtype=float)
    x = np.asarray(d["brand"][name], dtype=float)
    tot = np.nansum(w, axis=1)
    return np.divide(np.nansum(np.where(np.isfinite(x), x * w, 0.0), axis=1), tot,
                     out=np.full(len(tot), np.nan), where=tot > 0)


def _fmt(v, kind):
    if kind == "pct":
        return f"{100 * v:.0f}\u00a0%"
    if kind == "nps":
        return f"{v:+.0f} points"
    if kind == "index":
        return f"{v:.2f}"
    if kind == "loyalty":
        return f"{v:.2f}"
    if kind == "dec":
        return f"{v:.1f}"
    return f"{v:,.0f}"


def _title(kind, template, labels, last):
    """The finding: who ends highest (or lowest, for "low:" templates)."""
    hi, lo = int(np.nanargmax(last)), int(np.nanargmin(last))
    a, b = last[hi], last[lo]
    if template == "profit":
        if b > 0 and a / b - 1 < 0.02:
            return "Market profit ends within 2\u00a0% in every scenario"
        rel = f"{100 * (a / b - 1):.0f}\u00a0% above" if b > 0 else "against"
        return f"{labels[hi]} ends with the most profit per customer, {rel} {labels[lo]}"
    if _fmt(a, kind) == _fmt(b, kind):
        # the same at the title's precision: say how close, in finer figures
        fine = {"pct": f"{100 * (a - b):.2f} points", "nps": f"{a - b:.1f} points", "loyalty": f"{a - b:.4f}",
                "index": f"{a - b:.4f}", "dec": f"{a - b:.2f}"}.get(kind, f"{a - b:,.1f}")
        return (f"{labels[hi]} and {labels[lo]} end within {fine} of each other "
                f"({_fmt(a, kind)}); the axis does not start at zero")
    if template.startswith("low:"):
        template = template[4:]
    return template.format(lo=labels[lo], hi=labels[hi], a=_fmt(a, kind), b=_fmt(b, kind))


def _per_1000(d, x):
    """x per 1,000 customers of the file's market: scenarios of different
    sizes compare fairly."""
    n = float(d["attrs"].get("customers", 0)) or float(np.nansum(d["brand"]["customers"][0]))
    return 1000.0 * np.asarray(x, dtype=float) / n


def _market_profit(d):
    return _per_1000(d, np.nansum(d["brand"]["profit"], axis=1))


# stem, series of a file, number format, title template ("low:" puts the
# lowest first), y label, subtitle, scale, smoothing weeks, caption
FIGURES = (
    ("automation_share", lambda d: d["market"]["automation_share"], "pct",
     "{hi} automates most: {a} of contacts, against {b} in {lo}", "% of contacts",
     "share of contacts first handled by a machine, %", 100, 1, "The lever each scenario pulls."),
    ("attention_scarcity", lambda d: d["market"]["attention_scarcity"], "index",
     "Attention is scarcest in {hi}: scarcity {a}, against {b} in {lo}", "attention scarcity (0 to 1)",
     "attention scarcity: 1 \u2212 mean attention per contact, an index from 0 (every contact fully attentive) "
     "to 1 (no attention)", 1, 1,
     "C1: where automation advances, attentive contact gets scarce."),
    ("loyalty", lambda d: _weighted(d, "mean_loyalty"), "loyalty",
     "{hi} ends with the most loyal customers: {a} against {b} in {lo}", "mean loyalty (0 to 1)",
     "mean loyalty of all customers (brands weighted by customers)", 1, 1,
     "C2, C4: what customers give back for attention."),
    ("customer_nps", lambda d: d["market"]["customer_nps"], "nps",
     "{hi} ends with the highest NPS: {a} against {b} in {lo}", "net promoter score, points",
     "net promoter score of all contacts", 1, QUARTER,
     "Promoters minus detractors among the week's contacts."),
    ("engaged_share", lambda d: d["market"]["engaged_share"], "pct",
     "{hi} ends with the most engaged staff: {a} against {b} in {lo}", "% of staff engaged",
     "share of active employees who are engaged", 100, QUARTER,
     "C4: automation that advances threatens jobs and engagement."),
    ("jobs", lambda d: _per_1000(d, d["market"]["jobs"]), "dec",
     "low:{lo} ends with the fewest jobs: {b} against {a} in {hi} (per 1,000 customers)",
     "employees per 1,000 customers",
     "active employees per 1,000 customers", 1, 1, "Jobs that remain as contacts go to machines."),
    ("profit", _market_profit, "int", "profit", "profit per week per 1,000 customers",
     "profit of all brands together per 1,000 customers, a week, in each scenario's currency (money: none set)",
     1, QUARTER,
     "Does automation pay for the market as a whole once prices follow costs?"),
    ("tip_rate", lambda d: d["market"]["tip_rate"], "pct",
     "{hi} ends with the highest tips: {a} of the bill against {b} in {lo}", "tips, % of the bill",
     "tips as a share of the bills of human-served contacts", 100, QUARTER,
     "C7: tips are what people pay of their own will for attention."),
)


def compare_chart(datas, outdir, fig_spec, prefix="compare"):
    """One comparison chart: a line per file, labelled at its end."""
    stem, get, kind, template, ylabel, subtitle, scale, k, caption = fig_spec
    series = [np.asarray(get(d), dtype=float) for d in datas]
    if stem == "tip_rate" and not any(np.nanmax(np.nan_to_num(s)) > 0 for s in series):
        return None
    labels = _labels(datas)
    colors = style.brand_colors(labels)
    first = [ends(s)[0] for s in series]
    last = [ends(s)[1] for s in series]
    title = _title(kind, template, labels, last)
    fig, ax = style.new_figure()
    lines = []
    longest = max(datas, key=lambda d: len(d["week"]))
    unit, xlabel = time_unit(longest)
    for d, s, lab in zip(datas, series, labels):
        y = smooth(s, k) if k > 1 else s
        lines.append(ax.plot(np.asarray(d["week"]) / unit, scale * y, color=colors[lab], label=lab)[0])
    ax.set_xlim(0, max(1, len(longest["week"]) - 1) / unit)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if np.nanmax([np.nanmax(np.abs(scale * s)) for s in series]) >= 10000:
        style.thousands(ax)
    style.label_line_ends(ax, lines)
    note = " \u00b7 ".join(f"{lab}: seed {d['seed']}, {int(d['attrs'].get('customers', 0)):,} customers"
                           for d, lab in zip(datas, labels))
    if k > 1:
        subtitle = f"{subtitle}; {smoothed_words(longest)}"
    else:
        subtitle = f"{subtitle}; figures in the title: means over {window_words(longest)}"
    style.finish(fig, ax, title, subtitle=subtitle, footnote=f"scenarios compared \u00b7 {note}")
    name = f"{prefix}_{stem}"
    change = "; ".join(f"{lab} {_fmt(a, kind)} \u2192 {_fmt(b, kind)}"
                       for lab, a, b in zip(labels, first, last))
    return dict(stem=name, title=title, caption=f"{caption} First year \u2192 last year: {change}.",
                **style.save(fig, outdir, name))


def compare_all(datas, outdir):
    """Comparison charts of several run files; [] for fewer than two."""
    runs = [d for d in datas if d["kind"] == "run"]
    if len(runs) < 2:
        return []
    out = []
    for spec in FIGURES:
        c = compare_chart(runs, outdir, spec)
        if c:
            out.append(c)
    return out
