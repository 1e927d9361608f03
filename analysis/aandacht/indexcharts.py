"""Sensitivity charts of a sweep: Sobol indices as bars, Morris (mu*, sigma).

Both draw a result of aandacht.sensitivity (computed from the sweep's stored
design) for one outcome, with its bootstrap intervals; their entry carries
the rows as `table` (one dict per parameter, for a CSV file). The title names
the parameter(s) that matter most: one when its interval clears every
other's, the top two when together they clear the rest, else that no
parameter stands out; when the typical Sobol interval is wider than the
whole 0-1 scale, that the runs are too few to tell.
"""
import matplotlib.patches
import numpy as np

from . import style
from .sweepdata import lc, outcome_label, percent_axis, saved


_CLEAR = dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none", alpha=0.8)  # behind labels


def _leader(names, value, ci):
    """Who matters most, as far as the intervals tell: [X] when X's interval
    clears every other's, [X, Y] when the top two together clear the rest,
    else [] (no parameter stands out with these runs)."""
    order = np.argsort(-value)
    if len(order) == 1 or ci[order[0], 0] > np.max(ci[order[1:], 1]):
        return [names[order[0]]]
    if len(order) == 2 or min(ci[order[0], 0], ci[order[1], 0]) > np.max(ci[order[2:], 1]):
        return [names[order[0]], names[order[1]]]
    return []


def _overlap(a, b):
    """Area two display boxes share."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _label_points(ax, xs, ys, names, colors, obstacles):
    """Names each point beside it, at the first of a few places where the name
    stays inside the axes and covers no other name, point or error bar (if
    none is free, where it covers least); far places get a leader line."""
    from matplotlib.text import Text
    renderer = ax.figure.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    taken = list(obstacles)
    places = [(12, 10, "left", "bottom"), (12, -10, "left", "top"), (-12, 10, "right", "bottom"),
              (-12, -10, "right", "top"), (0, 22, "center", "bottom"), (0, -22, "center", "top"),
              (12, 40, "left", "bottom"), (-12, 40, "right", "bottom"), (12, -40, "left", "top"),
              (-12, -40, "right", "top"), (30, 70, "left", "bottom"), (-30, 70, "right", "bottom")]
    for i in np.argsort(-np.asarray(xs)):
        best = None
        for dx, dy, ha, va in places:
            far = dict(arrowprops=dict(arrowstyle="-", color=colors[i], linewidth=1.2, shrinkA=0, shrinkB=9)) \
                if abs(dy) > 30 else {}
            t = ax.annotate(names[i], xy=(xs[i], ys[i]), xytext=(dx, dy), textcoords="offset points", ha=ha,
                            va=va, color=colors[i], fontsize=style.LABEL_SIZE, fontweight="bold", bbox=_CLEAR,
                            **far)
            t.update_positions(renderer)
            box = Text.get_window_extent(t, renderer)           # the words alone, not the leader line
            out = max(inside.x0 - box.x0, 0) + max(box.x1 - inside.x1, 0) + \
                max(inside.y0 - box.y0, 0) + max(box.y1 - inside.y1, 0)
            cost = sum(_overlap(box, b) for b in taken) + 1e4 * out
            if best is None or cost < best[0]:
                if best is not None:
                    best[1].remove()
                best = (cost, t, box)
            else:
                t.remove()
            if cost == 0:
                break
        taken.append(best[2])


def _errorbar_boxes(ax, xs, ys, xci, yci, radius_pt):
    """Display boxes of the markers and the error bars, for label placement."""
    from matplotlib.transforms import Bbox
    to = ax.transData.transform
    r = radius_pt * ax.figure.dpi / 72.0
    boxes = []
    for x, y, (xl, xh), (yl, yh) in zip(xs, ys, xci, yci):
        (px, py), (ax0, _), (ax1, _), (_, ay0), (_, ay1) = to([(x, y), (xl, y), (xh, y), (x, yl), (x, yh)])
        boxes += [Bbox([[px - r, py - r], [px + r, py + r]]), Bbox([[ax0, py - 3], [ax1, py + 3]]),
                  Bbox([[px - 3, ay0], [px + 3, ay1]])]
    return boxes


def chart_morris(sw, outcome, outdir, res):
    """Morris mu* against sigma, each parameter a labelled point with its bootstrap intervals."""
    label = outcome_label(outcome)
    names = list(sw.labels)
    colors = [style.PALETTE[j % len(style.PALETTE)] for j in range(len(names))]
    fig, ax = style.new_figure("wide")
    top = max(np.nanmax(res.mu_star_ci), np.nanmax(res.sigma_ci), np.nanmax(res.mu_star), 1e-12) * 1.1
    ax.plot([0, top], [0, top], color=style.GREY, linestyle="--", linewidth=1.5)
    floor = np.isfinite(res.noise_mu_star) and np.isfinite(res.noise_sigma)
    if floor:     # what replication noise alone would give: effects in here are not told from noise
        ax.add_patch(matplotlib.patches.Rectangle((0, 0), res.noise_mu_star, res.noise_sigma, color=style.LIGHT,
                                                  alpha=0.8, linewidth=0, zorder=0.5))
    for j in range(len(names)):
        ax.errorbar(res.mu_star[j], res.sigma[j], xerr=np.abs(res.mu_star_ci[[j]].T - res.mu_star[j]),
                    yerr=np.abs(res.sigma_ci[[j]].T - res.sigma[j]), fmt="o", color=colors[j], markersize=14,
                    elinewidth=2.5, capsize=6)
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.grid(True, axis="both")
    ax.set_xlabel("μ*: mean absolute effect")
    ax.set_ylabel("σ: spread of the effect")
    percent_axis(ax.xaxis, outcome)
    percent_axis(ax.yaxis, outcome)
    who = _leader(names, res.mu_star, res.mu_star_ci)
    title = (f"{' and '.join(who)} {'move' if len(who) > 1 else 'moves'} {lc(label)} most" if who else
             f"No parameter stands out in moving {lc(label)} with these runs")
    pct = int(round(100 * res.level))
    style.finish(fig, ax, title, subtitle=f"Morris: change in {lc(label)} (last {sw.window} weeks) over each "
                 "parameter's range", footnote=sw.footnote(
                     f"{res.trajectories} trajectories, bootstrap {pct} % intervals"))
    fig.canvas.draw()
    box = ax.get_window_extent()
    ax.annotate("σ = μ*", xy=(0.93 * top, 0.93 * top), xytext=(-4, 4), textcoords="offset points", ha="right",
                va="bottom", rotation=np.degrees(np.arctan2(box.height, box.width)), rotation_mode="anchor",
                color=style.GREY, fontsize=style.BASE_SIZE - 2)
    obstacles = _errorbar_boxes(ax, res.mu_star, res.sigma, res.mu_star_ci, res.sigma_ci, 8)
    if floor and res.noise_mu_star > 0.12 * top:
        t = ax.annotate("noise alone", xy=(res.noise_mu_star, res.noise_sigma), xytext=(-6, -6),
                        textcoords="offset points", ha="right", va="top", color=style.GREY,
                        fontsize=style.BASE_SIZE - 2)
        obstacles.append(t.get_window_extent(ax.figure.canvas.get_renderer()))
    _label_points(ax, res.mu_star, res.sigma, names, colors, obstacles)
    caption = (f"Morris elementary effects on {lc(label)} (mean of the last {sw.window} weeks, averaged over "
               "replications): μ* is the mean absolute change when a parameter moves across its whole range, "
               "σ how much that change differs from one place in the design to another (near or above the "
               f"dashed line: interaction or curvature as large as the effect itself). Bars: {pct} % bootstrap "
               f"intervals over {res.trajectories} trajectories ({res.resamples} resamples)"
               + (f"; {res.dropped} trajectories dropped for failed runs" if res.dropped else "")
               + (". The grey corner is what replication noise alone would give (μ* "
                  f"{res.noise_mu_star:.3g}, σ {res.noise_sigma:.3g}): a parameter inside it is not told apart "
                  "from noise" if floor else "") + ".")
    return dict(saved(outcome, "morris", title, caption, fig, outdir), table=res.table())


def chart_sobol(sw, outcome, outdir, res):
    """First-order and total Sobol indices per parameter, bars with bootstrap error bars."""
    label = outcome_label(outcome)
    order = np.argsort(res.ST)                       # largest at the top
    y = np.arange(len(order))
    fig, ax = style.new_figure("wide")
    h = 0.38
    for off, val, ci, color, name in ((h / 2, res.ST, res.ST_ci, style.PALETTE[0], "total (with interactions)"),
                                      (-h / 2, res.S1, res.S1_ci, style.PALETTE[4], "first order (alone)")):
        err = np.abs(ci[order].T - val[order])
        ax.barh(y + off, val[order], height=h, color=color, label=name,
                xerr=err, error_kw=dict(ecolor="#333333", elinewidth=2, capsize=5))
    ax.set_yticks(y, [sw.labels[j] for j in order])
    ax.axvline(0, color="#444444", linewidth=1.4)
    ax.grid(True, axis="x")
    ax.grid(False, axis="y")
    ax.set_xlabel("share of the outcome's variance")
    ax.set_xlim(min(0.0, np.nanmin(res.S1_ci), np.nanmin(res.ST_ci)) - 0.02,
                max(1.0, np.nanmax(res.S1_ci), np.nanmax(res.ST_ci)) + 0.02)
    ax.legend(loc="best", fontsize=style.BASE_SIZE)
    who = _leader(sw.labels, res.ST, res.ST_ci)
    if np.median(res.ST_ci[:, 1] - res.ST_ci[:, 0]) > 1:     # wider than the whole scale: says nothing
        title = f"Too few runs to tell what drives {lc(label)}"
    elif who:
        title = f"{' and '.join(who)} {'drive' if len(who) > 1 else 'drives'} most of the variation in {lc(label)}"
    else:
        title = f"No parameter stands out in driving {lc(label)} with these runs"
    noise = (f"; replication noise ({100 * res.noise_share:.0f} % of the variance) taken out"
             if res.denoised and np.isfinite(res.noise_share) else "")
    pct = int(round(100 * res.level))
    style.finish(fig, ax, title, subtitle=f"Sobol indices of {lc(label)} (last {sw.window} weeks){noise}",
                 footnote=sw.footnote(f"N = {res.n_base} base rows, bootstrap {pct} % intervals"))
    caption = (f"Sobol indices of {lc(label)} (mean of the last {sw.window} weeks, averaged over replications): "
               "the first-order index is the share of its variance a parameter explains alone, the total index "
               "adds its interactions. Estimators: Saltelli et al. (2010) for first order, Jansen (1999) for "
               f"total; error bars: {pct} % bootstrap intervals over {res.n_base} base rows ({res.resamples} "
               "resamples)" + (f"; {res.dropped} base rows dropped for failed runs" if res.dropped else "")
               + (f". Replication noise left in the point means ({100 * res.noise_share:.0f} % of their "
                  "variance, estimated from the replications of each point) is taken out of the variance and "
                  "the total-index numerators" if res.denoised and np.isfinite(res.noise_share) else "") + ".")
    return dict(saved(outcome, "sobol", title, caption, fig, outdir), table=res.table())
