"""Relation charts of one run file: one variable against another across
brands, each point a brand's yearly mean, each brand's years joined in its
colour from its first year (small) to its last (large, labelled).

- engagement_loyalty: engaged share of staff against customer loyalty (C4);
- attention_tips: attention delivered against the tip rate (C7; only where
  tipping is on).

Each returns {stem, title, caption, png, svg} like charts.py, or None.
"""
import numpy as np

from . import style
from .charts import footnote
from .scorecard import _yearly


def _scatter(d, outdir, stem, x, y, xlabel, ylabel, title, subtitle, caption, xscale=1.0, yscale=1.0):
    fig, ax = style.new_figure()
    colors = style.brand_colors(d["brands"])
    xs, ys = xscale * _yearly(x), yscale * _yearly(y)     # (n_years, n_brands)
    ends = []
    for i, b in enumerate(d["brands"]):
        c = colors[b]
        ax.plot(xs[:, i], ys[:, i], color=c, lw=1.8, alpha=0.6, zorder=2)
        ax.scatter(xs[:-1, i], ys[:-1, i], s=40, color=c, alpha=0.6, zorder=3, linewidths=0)
        ax.scatter(xs[-1:, i], ys[-1:, i], s=260, color=c, zorder=4, edgecolors="white", linewidths=2)
        ax.scatter(xs[:1, i], ys[:1, i], s=90, facecolors="white", edgecolors=c, linewidths=2.5, zorder=4)
        ends.append((b, xs[-1, i], ys[-1, i], c))
    for b, xe, ye, c in ends:
        ax.annotate(b, xy=(xe, ye), xytext=(14, 0), textcoords="offset points", va="center",
                    color=c, fontsize=style.LABEL_SIZE, fontweight="bold")
    ax.grid(True, axis="both")
    ax.margins(x=0.12, y=0.1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    style.finish(fig, ax, title, subtitle=subtitle, footnote=footnote(d))
    return dict(stem=stem, title=title, caption=caption, **style.save(fig, outdir, stem))


def engagement_loyalty(d, outdir):
    b = d["brand"]
    if len(d["brands"]) < 2:
        return None
    e, loy = _yearly(b["brand_engaged_share"]).ravel(), _yearly(b["mean_loyalty"]).ravel()
    ok = np.isfinite(e) & np.isfinite(loy)
    r = float(np.corrcoef(e[ok], loy[ok])[0, 1]) if ok.sum() > 2 and np.std(e[ok]) > 0 else float("nan")
    if r >= 0.3:
        title = f"Brands with more engaged staff keep more loyal customers (r\u00a0=\u00a0{r:+.2f})"
    elif r > 0:
        title = f"Engaged staff and loyal customers go together only weakly here (r\u00a0=\u00a0{r:+.2f})"
    elif np.isfinite(r):
        title = f"Here more engaged staff do not mean more loyal customers (r\u00a0=\u00a0{r:+.2f})"
    else:
        title = "Engagement does not vary enough across brands to relate it to loyalty"
    return _scatter(d, outdir, f"{d['stem']}_engagement_loyalty", b["brand_engaged_share"], b["mean_loyalty"],
                    "engaged staff, % of employees", "customers' mean loyalty (0 to 1)", title,
                    "each dot a brand's yearly mean; open circle the first year, large dot the last",
                    "C4: engaged employees make loyal customers? Harter et al. (2002) find r of about "
                    ".33 between engagement and customer metrics across business units.", xscale=100)


def attention_tips(d, outdir):
    m, b = d["market"], d["brand"]
    if not np.nanmax(np.nan_to_num(m["tip_rate"])) > 0:
        return None
    sl = m["tip_attention_slope"][np.isfinite(m["tip_attention_slope"])]
    slope = float(np.mean(sl)) if len(sl) else float("nan")
    if slope > 0:
        title = f"Tips rise with attention: +{100 * slope:.1f} % of the bill per unit of attention delivered"
    else:
        title = f"Tips do not rise with attention here ({100 * slope:+.1f} % of the bill per unit)"
    note = ("C7: people pay voluntarily for attention. Attentive behaviours (introducing "
            "oneself, smiling, squatting at the table) raise tips in field experiments.")
    rs = m.get("tip_satisfaction_r")  # files before aandacht 0.1.0 of 2026-12 lack it
    rs = np.asarray(rs, dtype=float)[np.isfinite(rs)] if rs is not None else np.array([])
    if len(rs):
        note += (f" Tips follow satisfaction only weakly here (r\u00a0=\u00a0{float(np.mean(rs)):.2f} over "
                 "single human contacts; Lynn and McCall find about .11).")
    # mean_attention counts machine contacts as 0: per contact with a person instead
    hc = np.asarray(b["human_contacts"], dtype=float)
    att = np.divide(b["mean_attention"] * b["visits"], hc, out=np.full_like(hc, np.nan), where=hc > 0)
    return _scatter(d, outdir, f"{d['stem']}_attention_tips", att, b["brand_tip_rate"],
                    "attention per contact with a person (0 to 1)", "tips, % of the bill", title,
                    "each dot a brand's yearly mean; the slope in the title is fitted over single "
                    "human contacts, week by week",
                    note, yscale=100)


RELATION_CHARTS = (engagement_loyalty, attention_tips)
