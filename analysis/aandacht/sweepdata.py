"""A sweep file as the sweep charts need it, and the small statistics they share.

`Sweep(io.read(path))` gathers, once, what every sweep chart uses: the swept
parameters (key, readable label, range), each design point's coordinates
(from the stored design, or from the runs' swept values in a file written
before the design was stored), which runs finished, and one number per run
for an outcome (`Sweep.reducer`: its mean over the last 52 recorded weeks,
or all weeks when there are fewer).

The statistics behind titles and bands:
* `t_band`: mean and 95 % t-interval half-width (NaN below two values);
* `influence`: |Spearman rho| between a parameter's unit-cube coordinate and
  the point means, to pick the parameter(s) a chart is organised by;
* `direction` / `trend_title`: "rises with" or "falls with" only when the
  95 % interval of the parameter's slope, in a linear fit of every run's
  outcome on every parameter's u, excludes zero.
"""
import re
import warnings

import matplotlib
import numpy as np
from matplotlib.ticker import PercentFormatter
from scipy import stats

from . import sensitivity as sa
from . import style

WINDOW = 52
PERCENT = {"market_share", "attention_scarcity", "automation_share", "human_contact_share", "tip_rate",
           "engaged_share", "brand_engaged_share", "relational_human_share", "churn_rate", "brand_tip_rate",
           "mean_attention_deficit", "promoter_share", "detractor_share", "stated_avoidance", "automation"}
NAMES = {"attention_scarcity": "Attention scarcity", "customer_nps": "Customer NPS",
         "market_share": "Market share", "profit": "Weekly profit", "tip_rate": "Tip rate",
         "mean_loyalty": "Mean loyalty", "attention_value": "Attention value", "nps": "NPS"}
MAX_GROUPS = 5        # grid levels shown as their own group; more are cut into thirds


class Sweep:
    """What every chart needs of an io.read sweep dict, computed once."""

    def __init__(self, d):
        if d.get("kind") != "sweep":
            raise ValueError(f"{d.get('path', 'the file')} is not a sweep file")
        self.d, a = d, d["attrs"]
        self.flat = sa.flat_sweep(d)
        self.design = str(a.get("sweep_design", "?"))
        self.brands = list(d["brands"])
        self.keys = [s["key"] for s in d["swept"]]
        self.labels = [param_label(key, self.brands) for key in self.keys]
        short = [key.rsplit(".", 1)[-1].replace("_", " ") for key in self.keys]
        self.short = short if len(set(short)) == len(short) else self.labels
        self.lo = np.array([s["min"] for s in d["swept"]], dtype=float)
        self.hi = np.array([s["max"] for s in d["swept"]], dtype=float)
        runs = d["runs"]
        self.point = np.asarray(runs["point"], dtype=int)
        self.rep = np.asarray(runs["replication"], dtype=int)
        self.ok = np.asarray(runs["status"]) == 1
        self.n_points = int(a.get("sweep_points", self.point.max() + 1))
        self.n_reps = int(a.get("sweep_replications", self.rep.max() + 1))
        if "design_x" in d["design"]:
            self.x = np.asarray(d["design"]["design_x"], dtype=float)
            self.u = np.asarray(d["design"]["design_u"], dtype=float)
        else:       # a file without its design: the swept values of each point's runs
            self.x = np.full((self.n_points, len(self.keys)), np.nan)
            for j, s in enumerate(d["swept"]):
                self.x[self.point, j] = np.asarray(runs[s["name"]], dtype=float)
            self.u = (self.x - self.lo) / (self.hi - self.lo)
        self.week = np.asarray(d["week"])
        self.window = min(WINDOW, len(self.week))
        self.failed = int(np.count_nonzero(~self.ok))

    def series(self, name, brand=None):
        """(runs, weeks) of an observable; failed runs NaN."""
        if brand is None:
            v = np.array(self.d["market"][name], dtype=float)
        else:
            v = np.array(self.d["brand"][name][:, :, self.brands.index(brand)], dtype=float)
        v[~self.ok] = np.nan
        return v

    def reducer(self, outcome):
        return sa.mean_over_last_weeks(outcome[0], self.window, brand=outcome[1])

    def per_point(self, values):
        """(points, reps) table of per-run values, NaN where missing."""
        table = np.full((self.n_points, self.n_reps), np.nan)
        table[self.point[self.ok], self.rep[self.ok]] = values[self.ok]
        return table

    def footnote(self, extra=""):
        a = self.d["attrs"]
        bits = [f"Scenario {self.d['scenario']}",
                f"{self.design} design, {self.n_points} points × {self.n_reps} replications",
                f"sweep seed {a.get('sweep_seed', '?')}", f"{a.get('customers', '?')} customers"]
        if self.failed:
            bits.append(f"{self.failed} failed runs left out")
        return " · ".join(bits) + (f" · {extra}" if extra else "")


def param_label(key, brands):
    """'brands.[2].automation.target' -> 'Budget automation target'; other keys as written."""
    m = re.match(r"brands\.(?:\[(\d+)\]|([^.]+))\.(.+)$", key)
    if not m:
        return key
    name = brands[int(m.group(1))] if m.group(1) is not None and int(m.group(1)) < len(brands) else m.group(2)
    return f"{name} {m.group(3).replace('.', ' ').replace('_', ' ')}"


def outcome_label(outcome):
    name, brand = outcome
    base = NAMES.get(name, name.replace("_", " ").capitalize())
    return f"{base} of {brand}" if brand else base


def default_outcomes(sw):
    """Attention scarcity, customer NPS, market share and profit of the first brand swept."""
    focus = sw.brands[0]
    for key in sw.keys:
        m = re.match(r"brands\.(?:\[(\d+)\]|([^.]+))\.", key)
        if m:
            focus = sw.brands[int(m.group(1))] if m.group(1) is not None else m.group(2)
            break
    return [("attention_scarcity", None), ("customer_nps", None), ("market_share", focus), ("profit", focus)]


def fmt(v):
    return f"{v:.3g}"


def lc(text):
    """Lower-cases the first letter for use mid-sentence, unless it starts an acronym (NPS)."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def ramp(n):
    """n ordered colours, low to high (viridis, stopping before its faint yellow)."""
    return [matplotlib.colors.to_hex(c) for c in matplotlib.colormaps["viridis"](np.linspace(0, 0.78, n))]


def stem(outcome):
    name, brand = outcome
    return name + (f"_{re.sub(r'[^A-Za-z0-9]+', '_', brand)}" if brand else "")


def percent_axis(axis, outcome):
    """Percent for shares, thousands separators for large numbers (profit)."""
    if outcome[0] in PERCENT:
        axis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    else:
        from matplotlib.ticker import FuncFormatter
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}"))


def value_text(v, outcome):
    return f"{100 * v:.1f} %" if outcome[0] in PERCENT else fmt(v)


def t_band(values, axis=0):
    """Mean and 95 % t half-width over axis, ignoring NaN; half-width NaN below 2 values."""
    n = np.sum(np.isfinite(values), axis=axis)
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(values, axis=axis)
        sd = np.nanstd(values, axis=axis, ddof=1)
        half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    return mean, np.where(n >= 2, half, np.nan)


def influence(sw, point_means):
    """|Spearman rho| of each parameter's u with the point means (NaN points left out)."""
    good = np.isfinite(point_means)
    rho = np.zeros(sw.u.shape[1])
    for j in range(sw.u.shape[1]):
        uj = sw.u[good, j]
        if good.sum() > 2 and np.ptp(uj) > 0 and np.ptp(point_means[good]) > 0:
            rho[j] = abs(stats.spearmanr(uj, point_means[good])[0])
    return rho


def groups(sw, j):
    """Design points grouped by parameter j: its grid levels (up to 5), else thirds of u."""
    uj = sw.u[:, j]
    levels = np.unique(np.round(uj, 9))
    if sw.design == "grid" and len(levels) <= MAX_GROUPS:
        return [(np.isclose(uj, lv), fmt(sw.lo[j] + lv * (sw.hi[j] - sw.lo[j]))) for lv in levels]
    edges = np.array([0, 1 / 3, 2 / 3, 1.0])
    out = []
    for i, name in enumerate(("low", "middle", "high")):
        sel = (uj >= edges[i]) & ((uj < edges[i + 1]) if i < 2 else (uj <= 1))
        a, b = (sw.lo[j] + e * (sw.hi[j] - sw.lo[j]) for e in edges[i:i + 2])
        out.append((sel, f"{name} ({fmt(a)}–{fmt(b)})"))
    return [(sel, lab) for sel, lab in out if sel.any()]


def direction(sw, values, j):
    """'rises with' / 'falls with' parameter j, or None.

    values: the outcome per design point, (points,) or (points, replications)
    with NaN where missing. The sign of j's slope in a least-squares fit of
    every value on every parameter's u (so each slope holds the others
    fixed; replications count as separate observations), said only when the
    slope's 95 % t-interval excludes zero.
    """
    values = np.asarray(values, dtype=float).reshape(len(sw.u), -1)
    u = np.repeat(sw.u, values.shape[1], axis=0)
    y = values.ravel()
    good = np.isfinite(y) & np.all(np.isfinite(u), axis=1)
    y, X = y[good], np.column_stack([np.ones(good.sum()), u[good]])
    dof = len(y) - X.shape[1]
    if dof < 1 or np.ptp(X[:, j + 1]) == 0 or np.ptp(y) == 0:
        return None
    coef, _, rank, _ = np.linalg.lstsq(X, y, rcond=None)
    if rank < X.shape[1]:
        return None
    resid = y - X @ coef
    cov = np.linalg.inv(X.T @ X) * (resid @ resid) / dof
    half = stats.t.ppf(0.975, dof) * np.sqrt(cov[j + 1, j + 1])
    if coef[j + 1] - half > 0:
        return "rises with"
    if coef[j + 1] + half < 0:
        return "falls with"
    return None


def trend_title(sw, what, values, params):
    """'What rises with A and falls with B', 'What rises with A and B, not clearly
    with C', 'What: no clear trend with A or B' (see direction)."""
    verbs = [direction(sw, values, j) for j in params]
    said = [(v, sw.labels[j]) for v, j in zip(verbs, params) if v]
    unsaid = [sw.labels[j] for v, j in zip(verbs, params) if not v]
    if not said:
        return f"{what}: no clear trend with {' or '.join(unsaid)}"
    if len({v for v, _ in said}) == 1:
        title = f"{what} {said[0][0]} {' and '.join(name for _, name in said)}"
    else:
        title = f"{what} {' and '.join(f'{v} {name}' for v, name in said)}"
    return title + (f", not clearly with {' or '.join(unsaid)}" if unsaid else "")


# UDUNITS strings of the file (docs/output.md, "Units") in words
UNIT_WORDS = {"week-1": "per week", "year-1": "per year", "s": "seconds"}


def units(sw, outcome):
    """' (EUR per week)', ' (money)', ' (per week)' for an outcome with a unit
    worth saying, else ''. The file's units are UDUNITS strings: a count is
    "1", money figures carry their currency in the attribute currency."""
    name = outcome[0]
    u = sw.d["units"].get(name, "")
    if name in PERCENT:
        return ""
    words = UNIT_WORDS.get(u, "" if u in ("", "1") else u)
    money = sw.d.get("currency", {}).get(name, "")
    said = " ".join(w for w in (money, words) if w)
    return f" ({said})" if said else ""


def saved(outcome, kind, title, caption, fig, outdir):
    """Saves a chart as sweep_<kind>_<outcome>.png/.svg; returns its report entry."""
    name = f"sweep_{kind}_{stem(outcome)}"
    paths = style.save(fig, outdir, name)
    return dict(stem=name, title=title, caption=caption, png=paths["png"], svg=paths["svg"])
