"""The decision a report opens with: for each brand that changes a policy
(its automation schedule, or any intervention), what the policy does against
a reference run of the same market without it.

    comps = decision.compare(d, reference=None, binary=None, replications=3)

The reference is, by default, the file's own scenario (its resolved
configuration, stored in the file) with that brand's policy reset: no
interventions for the brand and its automation held at its starting share.
With `reference` (another run file of the same market, `aandacht report
run.h5 --against baseline.h5`) it is that file's scenario, and the brands
compared are those whose policy differs between the two.

Both sides run again at further seeds (seed + 1, ...), so that each figure
is a mean of paired differences with a 95 % interval: replications = 3 means
the file itself and two more seeds. The runs need the aandacht binary
(`binary`, else $AANDACHT_BINARY, which `aandacht report` sets); without one,
and without runs to reuse, a comparison says so instead of guessing.

Every figure of the decision is a mean over the same window: the last
recorded year (WINDOW weeks, all of them for a shorter run).
"""
import math
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from . import io

WINDOW = 52

# (observable, label, unit, how to write a difference)
FIGURES = (("profit", "profit per week", "money", "money"),
           ("market_share", "market share", "points", "points"),
           ("mean_loyalty", "loyalty", "loyalty", "loyalty"),
           ("employees", "jobs", "people", "people"))

WINS, LOSES, UNCLEAR = "wins on profit", "loses on profit", "no clear difference in profit"

# two-sided 95 % quantiles of Student's t for 1..30 degrees of freedom
_T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
        2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
        2.045, 2.042)


class NoReference(Exception):
    """The reference cannot be made (no binary, a run that failed)."""


def window(n):
    """Weeks of the decision window in a run of n recorded weeks."""
    return min(WINDOW, n)


def _automation(p, b):
    s = float(p.get(f"brands.{b}.automation.start", 0))
    t = float(p.get(f"brands.{b}.automation.target", -1))
    return s, (s if t < 0 else t)


def policy(d, b):
    """Brand b's policy in file d, in words: [] when it changes nothing."""
    p = d["parameters"]
    out = []
    s, t = _automation(p, b)
    if abs(t - s) > 1e-12:
        w0 = int(float(p.get(f"brands.{b}.automation.ramp_start", 0)))
        n = int(float(p.get(f"brands.{b}.automation.ramp_weeks", 0)))
        out.append(f"automation {100 * s:.0f} % \u2192 {100 * t:.0f} % of contacts"
                   + (f" over weeks {w0}\u2013{w0 + n}" if n > 0 else f" from week {w0}"))
    for iv in d["interventions"]:
        if iv.get("brand") == b:
            text = str(iv.get("value_text", iv.get("value")))
            try:
                text = f"{float(text):g}"
            except ValueError:
                pass
            out.append(f"week {iv.get('week')}: {iv.get('key')} = {text}")
    return out


def _interventions_block(ivs):
    lines = []
    for iv in ivs:
        v = str(iv.get("value_text", iv.get("value")))
        lines.append(f'    {{ week = {int(iv["week"])}; brand = "{iv["brand"]}"; key = "{iv["key"]}"; value = {v}; }}')
    return "interventions = (\n" + ",\n".join(lines) + ("\n" if lines else "") + ");\n"


def without_policy(d, b):
    """Scenario text of file d with brand b's policy reset."""
    text = d.get("resolved_config") or ""
    if "interventions = (" not in text:
        raise NoReference(f"{d['path']} holds no resolved configuration to run again (a file of an older engine)")
    keep = [iv for iv in d["interventions"] if iv.get("brand") != b]
    text = re.sub(r"interventions = \(.*?\n\);\n?", lambda m: _interventions_block(keep), text, flags=re.S)
    return text, [f"brands.[{d['brands'].index(b)}].automation.target=-1"]


def _binary(binary):
    b = binary or os.environ.get("AANDACHT_BINARY")
    if b and Path(b).exists():
        return str(b)
    found = shutil.which("aandacht")
    return found


class _Runs:
    """Runs scenario texts at given seeds in a temporary folder; reads what
    the decision needs."""

    def __init__(self, binary, log):
        self.binary, self.log = binary, log
        self.dir = Path(tempfile.mkdtemp(prefix="aandacht-decision-"))
        self.k = 0

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run(self, text, sets, seed, what):
        if not self.binary:
            raise NoReference("no aandacht binary to run the reference (give --against FILE.h5, or run "
                              "`aandacht report`, which knows its binary)")
        self.k += 1
        cfg, out = self.dir / f"r{self.k}.cfg", self.dir / f"r{self.k}.h5"
        cfg.write_text(text)
        self.log(f"decision: running {what} at seed {seed}")
        args = [self.binary, "run", str(cfg), "-o", str(out), "--quiet", "--force", "--seed", str(seed)]
        for s in sets:
            args += ["--set", s]
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode != 0:
            raise NoReference(f"the run of {what} failed: {r.stderr.strip()}")
        return io.read(out)


def _figures(d, b):
    """Brand b's decision figures of file d: {name: mean over the window}."""
    i = d["brands"].index(b)
    w = window(len(d["week"]))
    return {name: float(np.nanmean(np.asarray(d["brand"][name], dtype=float)[-w:, i])) for name, *_ in FIGURES}


def _summary(diffs):
    """Mean and 95 % interval half-width of paired differences (None for one)."""
    x = np.asarray(diffs, dtype=float)
    m = float(np.mean(x))
    if len(x) < 2:
        return m, None
    t = _T95[min(len(x) - 1, len(_T95)) - 1]
    return m, t * float(np.std(x, ddof=1)) / math.sqrt(len(x))


def verdict(profit_mean, profit_half):
    """Wins when the whole 95 % interval of the profit difference is above
    zero, loses when below, else no clear difference (always so without an
    interval)."""
    if profit_half is None:
        return UNCLEAR
    if profit_mean - profit_half > 0:
        return WINS
    if profit_mean + profit_half < 0:
        return LOSES
    return UNCLEAR


def compare(d, reference=None, binary=None, replications=3, log=None):
    """The decision comparisons of run file d: one dict per brand with a
    policy (see the module's docstring). Each has brand, policy (words),
    reference (words), figures {name: dict(policy, reference, diff, half,
    per_seed)}, verdict, seeds, series {name: (policy weekly, reference
    weekly)} of the file's own seed, and error (words, when the reference
    could not be made; then no figures)."""
    log = log or (lambda m: None)
    if d["kind"] != "run":
        return []
    if reference is not None:
        if reference["kind"] != "run" or list(reference["brands"]) != list(d["brands"]):
            return [dict(brand=None, error=f"{reference['path']} is not a run of the same market "
                         f"(brands {', '.join(reference['brands'])})")]
        brands = [b for b in d["brands"] if policy(d, b) != policy(reference, b)]
    else:
        brands = [b for b in d["brands"] if policy(d, b)]
    if not brands:
        return []
    runs = _Runs(_binary(binary), log)
    seed = int(d["seed"])
    seeds = [seed + k for k in range(max(1, int(replications)))]
    out = []
    try:
        policy_runs = {seed: d}
        for b in brands:
            entry = dict(brand=b, policy=policy(d, b), seeds=seeds, error=None,
                         currency=str(d["parameters"].get("scenario.currency", "") or "").strip() or "money")
            try:
                if reference is not None:
                    entry["reference"] = f"{reference['scenario']} ({reference['stem']}.h5)"
                    ref_text, ref_sets = reference.get("resolved_config"), []
                    ref_runs = {int(reference["seed"]): reference}
                    if not ref_text:
                        raise NoReference(f"{reference['path']} holds no resolved configuration")
                else:
                    entry["reference"] = f"the same scenario without {b}'s policy"
                    ref_text, ref_sets = without_policy(d, b)
                    ref_runs = {}
                for s in seeds:
                    if s not in policy_runs:
                        policy_runs[s] = runs.run(d["resolved_config"], [], s, f"{d['scenario']}")
                    if s not in ref_runs:
                        ref_runs[s] = runs.run(ref_text, ref_sets, s, f"the reference for {b}")
                figs = {}
                for name, *_ in FIGURES:
                    pol = [_figures(policy_runs[s], b)[name] for s in seeds]
                    ref = [_figures(ref_runs[s], b)[name] for s in seeds]
                    m, h = _summary(np.subtract(pol, ref))
                    figs[name] = dict(policy=float(np.mean(pol)), reference=float(np.mean(ref)), diff=m, half=h,
                                      per_seed=list(np.subtract(pol, ref)))
                entry["figures"] = figs
                entry["verdict"] = verdict(figs["profit"]["diff"], figs["profit"]["half"])
                i = d["brands"].index(b)
                entry["series"] = {name: (np.asarray(d["brand"][name], dtype=float)[:, i],
                                          np.asarray(ref_runs[seeds[0]]["brand"][name], dtype=float)[:, i])
                                   for name, *_ in FIGURES}
                entry["week"] = np.asarray(d["week"])
            except NoReference as e:
                entry["error"] = str(e)
                entry.setdefault("reference", "")
            out.append(entry)
    finally:
        runs.close()
    return out


def write_csv(d, comps, outdir):
    """The decision as a table: one row per brand and figure, with the
    policy's and the reference's means over the window, the difference and
    its 95 % interval, and the difference at each seed. Returns the CSV
    dicts of tables.write_csvs."""
    import csv
    from .tables import text_cell
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / f"{d['stem']}_decision.csv"
    n = len(d["week"])
    w = window(n)
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["brand", "policy", "reference", "figure", "first_week", "last_week", "with_policy",
                      "reference_value", "difference", "interval_low", "interval_high", "seeds",
                      "difference_per_seed", "verdict"])
        for c in comps:
            if c.get("error"):
                continue
            for name, label, *_ in FIGURES:
                f_ = c["figures"][name]
                lo = f_["diff"] - f_["half"] if f_["half"] is not None else ""
                hi = f_["diff"] + f_["half"] if f_["half"] is not None else ""
                out.writerow([text_cell(c["brand"]), text_cell("; ".join(c["policy"])), text_cell(c["reference"]),
                              label, int(d["week"][n - w]),
                              int(d["week"][-1]), repr(f_["policy"]), repr(f_["reference"]), repr(f_["diff"]),
                              repr(lo) if lo != "" else "", repr(hi) if hi != "" else "",
                              " ".join(str(s) for s in c["seeds"]), " ".join(repr(x) for x in f_["per_seed"]),
                              c["verdict"]])
    return [dict(name=path.name, path=path, description="the decision: each policy against its reference, the last "
                 "recorded year, mean of the seeds with its 95 % interval")]
