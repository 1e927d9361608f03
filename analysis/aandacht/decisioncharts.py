"""The decision's charts: for each brand with a policy, its profit, market
share, loyalty and jobs over time against the reference run (the file's
own seed), one panel each, with the decision window shaded; the title
states the verdict and the profit difference over that window, the same
figure as the decision card and table.

    chart = decisioncharts.brand_chart(d, comparison, outdir)
"""
import re

import numpy as np

from . import decision, style
from .charts import QUARTER, currency, footnote, smooth, time_unit

PANELS = (("profit", "profit a week, {currency}", 1.0, QUARTER),
          ("market_share", "market share, %", 100.0, 1),
          ("mean_loyalty", "loyalty (0 to 1)", 1.0, 1),
          ("employees", "jobs", 1.0, 1))


def money(v):
    return f"{v:+,.0f}".replace("+-", "\u2212").replace("-", "\u2212")


def difference_text(name, diff, half):
    """A difference with its 95 % interval, in the figure's unit."""
    def f(x, sign=True):
        if name == "market_share":
            s = f"{100 * x:+.1f}" if sign else f"{100 * x:.1f}"
            return s + " points"
        if name == "mean_loyalty":
            return f"{x:+.3f}" if sign else f"{x:.3f}"
        if name == "employees":
            return f"{x:+,.0f}" if sign else f"{x:,.0f}"
        return f"{x:+,.0f}" if sign else f"{x:,.0f}"
    text = f(diff)
    if half is not None:
        text += f" \u00b1 {f(half, sign=False)}"
    return text.replace("-", "\u2212")


def short_policy(comp):
    """The policy in a few words: the automation change, else the first
    intervention, and how many more changes there are."""
    pol = comp["policy"]
    auto = [x for x in pol if x.startswith("automation")]
    first = auto[0].split(" of contacts")[0] if auto else pol[0]
    more = len(pol) - 1
    return first + (f" and {more} more change{'s' if more > 1 else ''}" if more > 0 else "")


def title(comp):
    p = comp["figures"]["profit"]
    head = {decision.WINS: "pays", decision.LOSES: "costs profit"}.get(comp["verdict"],
                                                                        "makes no clear difference to profit")
    return (f"{comp['brand']}: {short_policy(comp)} {head} "
            f"({difference_text('profit', p['diff'], p['half'])} {comp.get('currency', 'money')} a week "
            "in the last year)")


def brand_chart(d, comp, outdir):
    """Four panels, the policy (brand colour) against the reference (grey)."""
    import matplotlib.pyplot as plt
    b = comp["brand"]
    color = style.brand_colors(d["brands"])[b]
    unit, xlabel = time_unit(d)
    t = np.asarray(comp["week"], dtype=float) / unit
    w = decision.window(len(t))
    fig, axes = plt.subplots(2, 2, figsize=style.SIZES["wide"], dpi=style.DPI, sharex=True)
    for ax, (name, label, scale, k) in zip(axes.ravel(), PANELS):
        pol, ref = comp["series"][name]
        pol = smooth(pol, k) if k > 1 else pol
        ref = smooth(ref, k) if k > 1 else ref
        ax.axvspan(t[-w], t[-1], color="#eeeeee", zorder=0)
        ax.plot(t, scale * ref, color=style.GREY, linestyle="--")
        ax.plot(t, scale * pol, color=color)
        f = comp["figures"][name]
        ax.set_title(f"{label.format(currency=currency(d))}: {difference_text(name, f['diff'], f['half'])}", loc="left",
                     fontsize=style.SUBTITLE_SIZE * 0.8)
        if np.nanmax(np.abs(scale * np.asarray(pol, dtype=float))) >= 10000:
            style.thousands(ax)
    for ax in axes[1]:
        ax.set_xlabel(xlabel)
    sub = (f"{b} (colour) against {comp['reference']} (grey, dashed); profit as a quarterly mean. "
           f"Differences: the last year (shaded), mean of {len(comp['seeds'])} seeds ± 95 % interval")
    style.finish(fig, list(axes.ravel()), title(comp), subtitle=sub, footnote=footnote(d))
    stem = f"{d['stem']}_decision_{re.sub(r'[^A-Za-z0-9_-]+', '_', b)}"
    return dict(stem=stem, title=title(comp), caption=(
        f"The decision for {b}: profit, market share, loyalty and jobs with its policy against the "
        f"reference. Lines are the file's own seed; the differences are over the last recorded year, "
        f"averaged over {len(comp['seeds'])} seeds."), **style.save(fig, outdir, stem))
