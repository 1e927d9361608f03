"""Charts of a sweep file: what the swept parameters do to the outcomes.

    from aandacht import io, sweepcharts
    charts = sweepcharts.make_all(io.read("out/x_sweep.h5"), "report/")
    # [{"stem", "title", "caption", "png", "svg"}, ...]; index charts add "table"

For each outcome (by default attention scarcity, customer NPS, and the
market share and profit of the brand the sweep touches first), up to three
charts:

* over the weeks: the mean over replications with a 95 % t-interval band,
  one line per design point when there are at most six, else the points
  grouped by the parameter that moves the outcome most (its grid levels, or
  the low / middle / high third of its range);
* over two parameters (the two that move the outcome most): a heat map of
  cell means for a grid, else every design point as a dot coloured by its
  outcome; with one parameter, the outcome against it with its band;
* for saltelli and morris sweeps, the sensitivity indices of the stored
  design (indexcharts: Sobol first and total indices, Morris mu* and sigma,
  both with bootstrap intervals).

An outcome is one number per run: its mean over the last 52 recorded weeks
(all weeks when there are fewer); runs with status != 1 are left out and
counted in the footnote. Titles state the finding in words computed from the
data (sweepdata.trend_title: a direction only when its 95 % interval
excludes zero).
"""
import warnings

import numpy as np

from . import indexcharts
from . import sensitivity as sa
from . import style
from .sweepdata import (Sweep, default_outcomes, fmt, groups, influence, outcome_label, percent_axis,
                        ramp, saved, t_band, trend_title, units, value_text)

MAX_LINES = 6         # design points drawn one line each; more are grouped
MIN_BAND = 3          # replications (or grouped points) below which no band is drawn: points instead


def _time(sw):
    """(x values, axis label): years after the warm-up, or weeks for a run
    shorter than two years (as the run charts)."""
    w = np.asarray(sw.week, dtype=float)
    return (w / 52.0, "years after the warm-up") if len(w) >= 104 else (w, "weeks after the warm-up")


def _point_means(sw, outcome):
    """(points,) mean over replications of each point's outcome, and the (points, reps) table."""
    table = sw.per_point(sw.reducer(outcome)(sw.flat))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)     # a point with no finished run
        return np.nanmean(table, axis=1), table


def chart_time(sw, outcome, outdir):
    """Mean over replications with a 95 % band, over the weeks."""
    v = sw.series(*outcome)
    point_mean, table = _point_means(sw, outcome)
    j = int(np.argmax(influence(sw, point_mean)))
    label = outcome_label(outcome)
    fig, ax = style.new_figure("wide")
    lines = []
    t, tlabel = _time(sw)
    if sw.n_points <= MAX_LINES:
        vary = [i for i in range(len(sw.keys)) if np.ptp(sw.x[:, i]) > 0]
        for p in range(sw.n_points):
            runs = (sw.point == p) & sw.ok
            if not runs.any():
                continue
            mean, half = t_band(v[runs])
            color = style.PALETTE[p % len(style.PALETTE)]
            if runs.sum() >= MIN_BAND:
                ax.fill_between(t, mean - half, mean + half, color=color, alpha=0.15, linewidth=0)
            name = " · ".join(f"{sw.short[i]} {fmt(sw.x[p, i])}" for i in vary)
            lines.append(ax.plot(t, mean, color=color, label=name)[0])
        what = (f"(mean of {sw.n_reps} replications per design point, 95 % band)" if sw.n_reps >= MIN_BAND else
                f"(mean of {sw.n_reps} replication{'s' if sw.n_reps > 1 else ''} per design point; no band "
                f"below {MIN_BAND} replications)")
        legend = " · ".join(f"{sw.short[i]} = {sw.labels[i]}" for i in vary if sw.short[i] != sw.labels[i])
    else:
        per_point = np.full((sw.n_points, v.shape[1]), np.nan)
        for p in range(sw.n_points):
            runs = (sw.point == p) & sw.ok
            if runs.any():
                per_point[p] = np.nanmean(v[runs], axis=0)
        parts = groups(sw, j)
        for (sel, name), color in zip(parts, ramp(len(parts))):
            mean, half = t_band(per_point[sel])
            if np.sum(sel) >= MIN_BAND:
                ax.fill_between(t, mean - half, mean + half, color=color, alpha=0.15, linewidth=0)
            lines.append(ax.plot(t, mean, color=color, label=name)[0])
        what = f"by {sw.labels[j]}: mean of the design points in each group, 95 % band"
        legend = ""
    style.label_line_ends(ax, lines)
    percent_axis(ax.yaxis, outcome)
    ax.set_xlabel(tlabel)
    ax.set_xlim(t[0], t[-1])
    title = trend_title(sw, label, table, [j]) if sw.keys else label
    style.finish(fig, ax, title, subtitle=f"{label}{units(sw, outcome)} per week {what}",
                 footnote=sw.footnote(legend))
    how = (("one line per design point, the mean of its replications, with a 95 % t-interval band over them"
            if sw.n_reps >= MIN_BAND else
            f"one line per design point, the mean of its {sw.n_reps} replication{'s' if sw.n_reps > 1 else ''}, "
            f"without a band (fewer than {MIN_BAND} replications)")
           if sw.n_points <= MAX_LINES else
           f"the design points grouped by {sw.labels[j]}, the parameter that moves it most; each line the mean "
           "of its points' replication means, with a 95 % t-interval band over those points (the other "
           "parameters vary within a group, which widens the band)")
    by = sw.labels[j] if sw.keys else "the parameter"
    caption = (f"{label} over the weeks: {how}. The title's direction is the slope of {by} in a linear fit of "
               f"each run's mean over the last {sw.window} weeks on the swept parameters, said only when its "
               "95 % interval excludes zero.")
    return saved(outcome, "time", title, caption, fig, outdir)


def _cell_text(ax, im, cells, outcome):
    """Each cell's value on it, white on dark colours and black on light ones."""
    for (r, c), val in np.ndenumerate(cells):
        if np.isfinite(val):
            red, green, blue, _ = im.cmap(im.norm(val))
            light = 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.45
            ax.text(c, r, value_text(val, outcome), ha="center", va="center", fontsize=style.BASE_SIZE,
                    fontweight="bold", color="#111111" if light else "white")


def chart_map(sw, outcome, outdir):
    """Outcome over the two most influential parameters (or against the only one)."""
    point_mean, table = _point_means(sw, outcome)
    if len(sw.keys) == 1:
        return _chart_response(sw, outcome, table, point_mean, outdir)
    label = outcome_label(outcome)
    a, b = sorted(np.argsort(-influence(sw, point_mean), kind="stable")[:2])
    fig, ax = style.new_figure("wide")
    if sw.design == "grid":
        xa, xb = np.unique(sw.x[:, a]), np.unique(sw.x[:, b])
        cells = np.full((len(xb), len(xa)), np.nan)
        for r, vb in enumerate(xb):
            for c, va in enumerate(xa):
                sel = (sw.x[:, a] == va) & (sw.x[:, b] == vb) & np.isfinite(point_mean)
                if sel.any():
                    cells[r, c] = point_mean[sel].mean()
        im = ax.imshow(cells, origin="lower", aspect="auto", cmap="viridis")
        ax.set_xticks(range(len(xa)), [fmt(x) for x in xa])
        ax.set_yticks(range(len(xb)), [fmt(x) for x in xb])
        ax.grid(False)
        if cells.size <= 64:
            _cell_text(ax, im, cells, outcome)
        how = "a heat map of the grid, each cell the mean over replications" + \
              (" and over the other parameters' levels" if len(sw.keys) > 2 else "")
    else:
        good = np.isfinite(point_mean)
        im = ax.scatter(sw.x[good, a], sw.x[good, b], c=point_mean[good], cmap="viridis", s=300,
                        edgecolors="white", linewidths=1.5)
        pad_a, pad_b = 0.04 * (sw.hi[a] - sw.lo[a]), 0.04 * (sw.hi[b] - sw.lo[b])
        ax.set_xlim(sw.lo[a] - pad_a, sw.hi[a] + pad_a)
        ax.set_ylim(sw.lo[b] - pad_b, sw.hi[b] + pad_b)
        ax.grid(True, axis="both")
        how = "each dot a design point, coloured by its mean over replications" + \
              (" (the other parameters vary from dot to dot)" if len(sw.keys) > 2 else "")
    bar = fig.colorbar(im, ax=ax, pad=0.02)
    bar.ax.tick_params(labelsize=style.BASE_SIZE - 1)
    bar.outline.set_visible(False)
    percent_axis(bar.ax.yaxis, outcome)
    ax.set_xlabel(sw.labels[a])
    ax.set_ylabel(sw.labels[b])
    title = trend_title(sw, label, table, [a, b])
    style.finish(fig, ax, title, subtitle=f"{label}{units(sw, outcome)}, mean of the last {sw.window} weeks "
                 "(colour)", footnote=sw.footnote())
    caption = (f"{label} (mean of the last {sw.window} weeks) over {sw.labels[a]} and {sw.labels[b]}, the two "
               f"parameters that move it most: {how}.")
    return saved(outcome, "map", title, caption, fig, outdir)


def _chart_response(sw, outcome, table, point_mean, outdir):
    """A one-parameter sweep: the outcome against the parameter, with its band."""
    label = outcome_label(outcome)
    mean, half = t_band(table, axis=1)
    order = np.argsort(sw.x[:, 0])
    x = sw.x[order, 0]
    fig, ax = style.new_figure("wide")
    band = sw.n_reps >= MIN_BAND
    if band:
        ax.fill_between(x, (mean - half)[order], (mean + half)[order], color=style.PALETTE[0], alpha=0.2,
                        linewidth=0)
        ax.plot(x, mean[order], color=style.PALETTE[0], marker="o")
    else:   # too few replications for a band: the points, and every run's value
        for k in range(table.shape[1]):
            ax.plot(sw.x[:, 0], table[:, k], linestyle="none", marker=".", color=style.GREY)
        ax.plot(x, mean[order], linestyle="none", marker="o", color=style.PALETTE[0])
    ax.set_xlabel(sw.labels[0])
    percent_axis(ax.yaxis, outcome)
    title = trend_title(sw, label, table, [0])
    style.finish(fig, ax, title, subtitle=f"{label}{units(sw, outcome)}, mean of the last {sw.window} weeks, "
                 + (f"with a 95 % band over {sw.n_reps} replications" if band else
                    f"the mean of {sw.n_reps} replication{'s' if sw.n_reps > 1 else ''} (large dots) and each run "
                    f"(small dots); no band below {MIN_BAND} replications"), footnote=sw.footnote())
    caption = (f"{label} (mean of the last {sw.window} weeks) against {sw.labels[0]}: the mean over "
               + ("replications at each design point, with a 95 % t-interval band." if band else
                  f"the {sw.n_reps} replication{'s' if sw.n_reps > 1 else ''} at each design point (large dots) and "
                  f"each run (small dots), without a band (fewer than {MIN_BAND} replications)."))
    return saved(outcome, "map", title, caption, fig, outdir)


def make_all(data, outdir, *, outcomes=None, resamples=sa.DEFAULT_RESAMPLES, seed=0):
    """Every chart of a sweep (io.read's dict) into outdir; returns their entries in order.

    outcomes: list of (observable, brand name or None); default: sweepdata.default_outcomes.
    resamples, seed: the bootstrap of the sensitivity intervals.
    """
    style.apply()
    sw = Sweep(data)
    charts = []
    for outcome in outcomes or default_outcomes(sw):
        where = data["brand"] if outcome[1] else data["market"]
        if outcome[0] not in where or (outcome[1] and outcome[1] not in sw.brands):
            raise KeyError(f"{data.get('path', 'the sweep')}: no {'brand' if outcome[1] else 'market'} "
                           f"observable {outcome[0]!r}" + (f" of brand {outcome[1]!r}" if outcome[1] else ""))
        charts.append(chart_time(sw, outcome, outdir))
        if sw.keys:
            charts.append(chart_map(sw, outcome, outdir))
        if sw.design in ("saltelli", "morris"):
            try:
                res = sa.sweep_sensitivity(data, sw.reducer(outcome), resamples=resamples, seed=seed)
            except (ValueError, KeyError) as e:
                warnings.warn(f"{data.get('path', 'sweep')}: no sensitivity chart of {outcome_label(outcome)}: {e}")
                continue
            draw = indexcharts.chart_sobol if sw.design == "saltelli" else indexcharts.chart_morris
            charts.append(draw(sw, outcome, outdir, res))
    return charts
