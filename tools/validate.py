#!/usr/bin/env python3
"""Writes docs/validation.md from real runs: every calibration target of
docs/model.md with its source, the value measured and pass or fail, and
every claim C1-C7 with its switch on, off and at other doses.

    tools/validate.py [--binary build/aandacht] [--out docs/validation.md]
                      [--seeds 4] [--customers 100000] [--jobs 2]
    tools/validate.py --quick          # small and fast: a check, not the page

Needs h5py and numpy (Debian: python3-h5py). The page states the date, the
commit and the settings it was made from; `--quick` prints the tables
without writing the page unless --out is given. The runs go to a temporary
folder, deleted afterwards.
"""
import argparse
import concurrent.futures as cf
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[1]

# The market of the claim checks: four brands of different quality and price,
# the trends off, so that only the mechanism under test moves.
MARKET = """
scenario = {{ name = "validate"; seed = {seed}; weeks = {weeks}; warmup = 208; }};
population = {{ customers = {customers}; }};
market = {{ commoditisation = 0.0; price_adjust = 0.0; }};
brands = (
  {{ name = "A"; share = 0.3; quality = 0.7; price = 52.0; automation = {{ start = 0.15; }}; }},
  {{ name = "B"; share = 0.3; quality = 0.6; price = 50.0; automation = {{ start = 0.25; }}; }},
  {{ name = "C"; share = 0.2; quality = 0.5; price = 46.0; automation = {{ start = 0.35; }}; }},
  {{ name = "D"; share = 0.2; quality = 0.6; price = 48.0; automation = {{ start = 0.45; }}; }}
);
{extra}
"""

# Twin brands for C5: equal in everything, automating alike; one routes by need.
TWINS = """
scenario = {{ name = "validate"; seed = {seed}; weeks = {weeks}; warmup = 208; }};
population = {{ customers = {customers}; }};
market = {{ commoditisation = 0.0; price_adjust = 0.0; }};
brands = (
  {{ name = "N"; share = 0.3; quality = 0.65; price = 50.0; automation = {{ start = 0.55; }}; routing = "by_need"; }},
  {{ name = "U"; share = 0.3; quality = 0.65; price = 50.0; automation = {{ start = 0.55; }}; }},
  {{ name = "C"; share = 0.2; quality = 0.75; price = 53.0; automation = {{ start = 0.15; }}; }},
  {{ name = "D"; share = 0.2; quality = 0.50; price = 45.0; automation = {{ start = 0.35; }}; }}
);
{extra}
"""


class Runner:
    """Runs the binary on scenario texts in a temporary folder, a few at a
    time, and returns the observables asked for."""

    def __init__(self, binary, jobs, threads):
        self.binary = str(binary)
        self.dir = Path(tempfile.mkdtemp(prefix="aandacht-validate-"))
        self.pool = cf.ThreadPoolExecutor(max_workers=jobs)
        self.threads = threads
        self.count = 0

    def close(self):
        self.pool.shutdown()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _engine(self, cfg, out, sets):
        """aandacht run cfg -o out with the --set overrides; raises on failure."""
        args = [self.binary, "run", str(cfg), "-o", str(out), "--quiet", "--force", "--threads", str(self.threads)]
        for s in sets:
            args += ["--set", s]
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"aandacht run failed ({r.returncode}): {' '.join(args)}\n{r.stderr}")

    def _run(self, k, text, sets, names):
        cfg, out = self.dir / f"r{k}.cfg", self.dir / f"r{k}.h5"
        cfg.write_text(text)
        self._engine(cfg, out, sets)
        with h5py.File(out, "r") as f:
            data = {n: f[n][()] for n in names}
        out.unlink()
        cfg.unlink()
        return data

    def submit(self, text, sets, names):
        self.count += 1
        return self.pool.submit(self._run, self.count, text, list(sets), list(names))

    def _keep(self, k, path, sets):
        (self.dir / str(k)).mkdir()
        out = self.dir / str(k) / f"{Path(path).stem}.h5"  # the file's name as a user's run has it
        self._engine(path, out, sets)
        return out

    def submit_file(self, path, sets):
        """Runs scenario file path; the result is the output file's path
        (deleted with the runner's folder)."""
        self.count += 1
        return self.pool.submit(self._keep, self.count, path, list(sets))


def mean_sd(xs):
    xs = np.asarray(xs, float)
    return float(np.mean(xs)), float(np.std(xs, ddof=1)) if len(xs) > 1 else 0.0


# --- the claims ------------------------------------------------------------
#
# Each claim: its switch (a parameter of the table, tagged with the claim in
# `aandacht params --json`), the value that switches it off, the doses, the
# effect measured (a function of the runs at one dose and seed) and what
# "present" and "absent" mean for that effect.


def c1_effect(R, sets, seed, size):
    """Rise of attention scarcity when every brand goes from 10 % to 90 %
    automation."""
    def at(a):
        s = sets + [f"brands.[{b}].automation.start={a}" for b in range(4)]
        return R.submit(MARKET.format(seed=seed, weeks=52, customers=size, extra=""), s, ["attention_scarcity"])
    lo, hi = at(0.1), at(0.9)
    return lambda: float(hi.result()["attention_scarcity"].mean() - lo.result()["attention_scarcity"].mean())


def c2_effect(R, sets, seed, size):
    """Rise of the human premium (satisfaction of a person's relational
    contacts over a machine's) from 10 % to 90 % automation of every brand."""
    def at(a):
        s = sets + [f"brands.[{b}].automation.start={a}" for b in range(4)]
        return R.submit(MARKET.format(seed=seed, weeks=78, customers=size, extra=""), s, ["human_premium"])
    lo, hi = at(0.1), at(0.9)
    return lambda: float(np.nanmean(hi.result()["human_premium"]) - np.nanmean(lo.result()["human_premium"]))


def c3_effect(R, sets, seed, size):
    """Change of the relational share of differentiation, relational /
    (functional + relational), from the first recorded year to the fourth."""
    f = R.submit(MARKET.format(seed=seed, weeks=208, customers=size, extra=""), sets,
                 ["differentiation_functional", "differentiation_relational"])

    def value():
        d = f.result()
        share = d["differentiation_relational"] / (d["differentiation_functional"] + d["differentiation_relational"])
        return float(share[156:208].mean() - share[0:52].mean())
    return value


def c4_effect(R, sets, seed, size):
    """Loyalty gained by a brand that invests in engagement (HR investment
    1 against 0, its twin otherwise): mean loyalty of its customers, second
    recorded year."""
    extra = ""
    text = TWINS.replace('routing = "by_need"; ', "")
    s = sets + ["brands.[0].hr_investment=1", "brands.[0].hr_cost=0"]
    f = R.submit(text.format(seed=seed, weeks=104, customers=size, extra=extra), s, ["mean_loyalty"])

    def value():
        l = f.result()["mean_loyalty"]
        return float(l[52:104, 0].mean() - l[52:104, 1].mean())
    return value


def c5_effect(R, sets, seed, size):
    """Loyalty edge of routing by need over uniform routing, twin brands at
    the same automation share (55 %), second recorded year."""
    f = R.submit(TWINS.format(seed=seed, weeks=104, customers=size, extra=""), sets, ["mean_loyalty"])

    def value():
        l = f.result()["mean_loyalty"]
        return float(l[52:104, 0].mean() - l[52:104, 1].mean())
    return value


SHOCK = '\nevents = ( { type = "reputation_shock"; brand = "A"; week = 26; } );\n'


def c6_effect(R, sets, seed, size):
    """How far the shocked brand's visits stay below the same market without
    the shock, 7 to 12 months after it (weeks 30-52 after; the visits dent
    itself has a half-life of 8 weeks): a share of its visits."""
    with_shock = R.submit(MARKET.format(seed=seed, weeks=104, customers=size, extra=SHOCK), sets, ["visits"])
    without = R.submit(MARKET.format(seed=seed, weeks=104, customers=size, extra=""), sets, ["visits"])

    def value():
        a, b = with_shock.result()["visits"][56:78, 0], without.result()["visits"][56:78, 0]
        return float(1 - a.sum() / b.sum())
    return value


def c7_effect(R, sets, seed, size):
    """Tip (share of the bill) per unit of attention: the slope of tip on the
    attention of a person's contact, where tipping is the norm."""
    f = R.submit(MARKET.format(seed=seed, weeks=26, customers=size, extra=""), sets + ["tipping.enabled=true"],
                 ["tip_attention_slope"])
    return lambda: float(f.result()["tip_attention_slope"].mean())


CLAIMS = [
    dict(id="C1", text="automation makes attentive human contact scarce", doses=[0.0, 0.5, 1.0], effect=c1_effect, unit="points of scarcity",
         scale=100, present=2.0, absent=1.0,
         measure="rise of attention scarcity (1 - mean attention per contact) when every brand goes from 10 % "
                 "to 90 % automation"),
    dict(id="C2", text="what is scarce gains value", doses=[0.0, 1.0, 2.0, 4.0], effect=c2_effect, unit="satisfaction points",
         scale=100, present=0.5, absent=0.5,
         measure="rise of the human premium (satisfaction of relational contacts a person served over those a "
                 "machine solved) from 10 % to 90 % automation of every brand"),
    dict(id="C3", text="as the 4 P's commoditise, brands differentiate on relation", doses=[0.0, 0.1, 0.3], effect=c3_effect, unit="points of the differentiation",
         scale=100, present=1.0, absent=0.5,
         measure="change of the relational share of brand differentiation from recorded year 1 to year 4"),
    dict(id="C4", text="engaged employees make engaged, loyal customers", doses=[0.0, 0.5, 1.0, 1.5], effect=c4_effect, unit="loyalty points",
         scale=100, present=0.5, absent=0.3,
         measure="mean loyalty of a brand with HR investment 1 (no HR cost) over its twin without, year 2"),
    dict(id="C5", text="automate the transactional contact, keep the relational contact human",
         doses=[0.0, 0.5, 1.0], effect=c5_effect,
         unit="loyalty points", scale=100, present=1.0, absent=0.5,
         measure="mean loyalty of the twin routing by need over the twin routing uniformly, both at 55 % "
                 "automation, year 2"),
    dict(id="C6", text="a reputation shock lingers", doses=[0.0, 1.0, 2.0], effect=c6_effect, unit="% of visits",
         scale=100, present=1.0, absent=0.5,
         measure="the shocked brand's visits below the same market without the shock, 7-12 months after it "
                 "(the visits dent itself halves every 8 weeks)"),
    dict(id="C7", text="people pay voluntarily for attention", doses=[0.0, 0.35, 0.7], effect=c7_effect, unit="% of the bill per unit of attention",
         scale=100, present=1.0, absent=0.3,
         measure="slope of the tip (share of the bill) on the attention of the contact, tipping on"),
]


def switches(binary):
    """Each claim's text, switch, default and off value from the parameter
    table (`aandacht params --json`), into CLAIMS."""
    table = json.loads(subprocess.run([binary, "params", "--json"], capture_output=True, text=True,
                                      check=True).stdout)
    by_id = {c["id"]: c for c in table["claims"]}
    for c in CLAIMS:
        t = by_id[c["id"]]
        c.update(key=t["switch"], on=t["on"], off=t["off"], text=t["text"])
        assert c["on"] in c["doses"] and c["off"] in c["doses"], c["id"]


def claims(R, seeds, size):
    """Each claim at each dose and seed: {id: {dose: [values]}}."""
    pending = {}
    for c in CLAIMS:
        for d in c["doses"]:
            for s in seeds:
                pending[(c["id"], d, s)] = c["effect"](R, [f"{c['key']}={d}"], s, size)
    out = {c["id"]: {d: [] for d in c["doses"]} for c in CLAIMS}
    for (cid, d, s), v in pending.items():
        out[cid][d].append(v())
    return out


def claim_verdict(c, by_dose):
    """(verdict, reason): present at the default, absent when off, growing
    with the dose (each dose's mean above the one before, within noise)."""
    k = c["scale"]
    on_m, on_sd = mean_sd(by_dose[c["on"]])
    off_m, off_sd = mean_sd(by_dose[c["off"]])
    reasons = []
    if not k * on_m >= c["present"]:
        reasons.append(f"with the switch on the effect is {k * on_m:.2f}, below {c['present']}")
    if not abs(k * off_m) <= c["absent"]:
        reasons.append(f"with the switch off the effect is {k * off_m:.2f}, beyond ±{c['absent']}")
    means = [np.mean(by_dose[d]) for d in c["doses"]]
    if not all(b > a for a, b in zip(means, means[1:])):
        reasons.append("the effect does not grow with every step of the dose")
    return ("pass" if not reasons else "fail"), "; ".join(reasons)


# --- the calibration targets -------------------------------------------------


def baseline_runs(R, seeds, size, weeks, sets=()):
    names = ["engaged_share", "churn_rate", "market_share", "promoter_share", "detractor_share"]
    text = (ROOT / "scenarios" / "baseline.cfg").read_text()
    return [R.submit(text, [f"scenario.seed={s}", f"population.customers={size}", f"scenario.weeks={weeks}",
                            *sets], names) for s in seeds]


ELASTICITY = """
scenario = {{ name = "el"; seed = {seed}; weeks = 520; warmup = 208; }};
population = {{ customers = {customers}; }};
market = {{ price_adjust = 0.0; }};
brands = (
  {{ name = "A"; share = 0.25; price = 50.0; }}, {{ name = "B"; share = 0.25; price = 50.0; }},
  {{ name = "C"; share = 0.25; price = 50.0; }}, {{ name = "D"; share = 0.25; price = 50.0; }}
);
{extra}
"""


def elasticity(R, seeds, size):
    """Brand A's share elasticity after a sustained 5 % price rise, against
    the same market without it: [(years 1-2, year 10)] per seed."""
    rise = 'interventions = ( { week = 0; brand = "A"; key = "price"; value = 52.5; } );'
    pairs = [(R.submit(ELASTICITY.format(seed=s, customers=size, extra=""), [], ["market_share"]),
              R.submit(ELASTICITY.format(seed=s, customers=size, extra=rise), [], ["market_share"])) for s in seeds]

    def value():
        out = []
        for a, b in pairs:
            x, y = a.result()["market_share"][:, 0], b.result()["market_share"][:, 0]
            el = (y - x) / x / 0.05
            out.append((float(el[:104].mean()), float(el[468:520].mean())))
        return out
    return value


def random_brands(R, size, markets):
    """Engagement against loyalty across markets of brands whose settings are
    drawn at random (tools/random_brands.py: market k draws with seed k)."""
    sys.path.insert(0, str(ROOT / "tools"))
    import random_brands as rb
    futures = [R.submit(rb.market(k, size), [], ["engagement", "mean_loyalty"]) for k in range(1, markets + 1)]
    return lambda: rb.correlations([f.result() for f in futures])


def tips(R, seeds, size):
    text = (ROOT / "scenarios" / "hospitality_tips.cfg").read_text()
    fs = [R.submit(text, [f"scenario.seed={s}", f"population.customers={size}", "scenario.weeks=104"],
                   ["tip_rate", "tip_satisfaction_r"]) for s in seeds]
    return lambda: [(float(f.result()["tip_rate"].mean()), float(np.nanmean(f.result()["tip_satisfaction_r"])))
                    for f in fs]


def shock(R, seeds, size):
    text = (ROOT / "scenarios" / "reputation_shock.cfg").read_text()
    fs = [R.submit(text, [f"scenario.seed={s}", f"population.customers={size}", "scenario.weeks=156"],
                   ["stated_avoidance", "visits"]) for s in seeds]
    calm = re.sub(r"\nevents\s*=\s*\(.*?\);", "\n", text, flags=re.S)
    base = [R.submit(calm, [f"scenario.seed={s}", f"population.customers={size}", "scenario.weeks=156"], ["visits"])
            for s in seeds]

    def value():
        out = []
        for f, g in zip(fs, base):
            st, v, v0 = f.result()["stated_avoidance"][:, 0], f.result()["visits"][:, 0], g.result()["visits"][:, 0]
            fall = 1 - v / v0
            out.append((float(st[104]), float(st[104 + 22]), float(fall[104:130].max())))
        return out
    return value


def calibration(R, seeds, size, quick):
    """[(pattern, target, source, measured text, pass)]"""
    base = baseline_runs(R, seeds, size, 156)
    # the steady state is asked of 200,000 customers (the shipped size), where
    # the seed moves a share by about a point
    still = baseline_runs(R, seeds, 100000 if quick else 200000, 520,
                          ["market.commoditisation=0", "market.price_adjust=0"])
    el = elasticity(R, seeds, max(size // 2, 20000) if quick else size)
    tp = tips(R, seeds, max(size // 2, 20000))
    sh = shock(R, seeds, size)
    rb = random_brands(R, 80000, 8)
    rows = []

    b = [f.result() for f in base]
    eng = [float(d["engaged_share"].mean()) for d in b]
    m, s = mean_sd(eng)
    rows.append(("engaged share of staff", "10-25 %", "Gallup, State of the Global Workplace; PIM (2011)",
                 f"{100 * m:.1f} % (sd {100 * s:.1f})", all(0.10 <= e <= 0.25 for e in eng)))
    churn = []
    for d in b:
        weekly = np.average(d["churn_rate"], axis=1, weights=d["market_share"].mean(axis=0))
        churn.append(1 - np.prod(1 - weekly[:52]))
    m, s = mean_sd(churn)
    rows.append(("yearly churn", "3-25 % (single digits to low tens)", "retention literature (general)",
                 f"{100 * m:.1f} % (sd {100 * s:.1f})", all(0.03 <= c <= 0.25 for c in churn)))
    ratio = [float(d["promoter_share"].mean() / d["detractor_share"].mean()) for d in b]
    m, s = mean_sd(ratio)
    rows.append(("positive to negative word of mouth", "about 3 : 1 (2 to 5)", "East, Hammond & Wright (2007)",
                 f"{m:.2f} : 1 (sd {s:.2f})", all(2 <= r <= 5 for r in ratio)))
    e = el()
    short = [x for x, _ in e]
    long_run = [y for _, y in e]
    m, s = mean_sd(short)
    rows.append(("price elasticity of share, years 1-2", "-1.5 to -3.5", "Tellis (1988); Bijmolt, van Heerde & "
                 "Pieters (2005)", f"{m:.2f} (sd {s:.2f}; four equal brands, 5 % rise)",
                 all(-3.5 <= x <= -1.5 for x in short)))
    m, s = mean_sd(long_run)
    rows.append(("price elasticity of share, year 10", "-1.0 to -4.5", "the same; reference prices: Kalyanaram & "
                 "Winer (1995), Mazumdar, Raj & Sinha (2005)", f"{m:.2f} (sd {s:.2f})",
                 all(-4.5 <= y <= -1.0 for y in long_run)))
    drift = []
    for f in still:
        sh_ = f.result()["market_share"]  # first and last four weeks
        drift.append(float(np.abs(sh_[-4:].mean(0) - sh_[:4].mean(0)).max()))
    m, s = mean_sd(drift)
    rows.append(("share drift without policy change, trends off, ten years (200,000 customers)", "under 2 points",
                 "the run's own steady state", f"{100 * max(drift):.2f} points at most (mean {100 * m:.2f})",
                 max(drift) < 0.02))
    t = tp()
    rate = [x for x, _ in t]
    r = [y for _, y in t]
    m, s = mean_sd(rate)
    rows.append(("tip rate where tipping is the norm", "15-20 % of the bill", "Lynn (1996)",
                 f"{100 * m:.1f} % (sd {100 * s:.1f}; hospitality_tips)", all(0.15 <= x <= 0.20 for x in rate)))
    m, s = mean_sd(r)
    rows.append(("service quality against tip", "weak, r about .11 (.06 to .20)", "Lynn & McCall (2000)",
                 f"r = {m:.3f} (sd {s:.3f})", all(0.06 <= x <= 0.20 for x in r)))
    pooled, per_market = rb()
    positive = sum(1 for x in per_market if x > 0)
    rows.append(("engagement against loyalty across randomly drawn brands", "pooled r 0.15-0.5, positive in most "
                 "markets", "Harter, Schmidt & Hayes (2002): r about .33",
                 f"pooled r = {pooled:.2f}; positive in {positive} of {len(per_market)} markets "
                 f"(per market {min(per_market):.2f} to {max(per_market):.2f}; 8 brands each)",
                 0.15 <= pooled <= 0.5 and positive > len(per_market) / 2))
    s_ = sh()
    st0 = [x[0] for x in s_]
    st22 = [x[1] for x in s_]
    peak = [x[2] for x in s_]
    rows.append(("reputation shock: stated avoidance", "about 13 %, about 10 % five months later",
                 "BP after Deepwater Horizon (MODEL.md; PIM trend report)",
                 f"{100 * np.mean(st0):.1f} % at the shock, {100 * np.mean(st22):.1f} % after 22 weeks",
                 all(0.11 <= x <= 0.15 for x in st0) and all(0.08 <= x <= 0.12 for x in st22)))
    rows.append(("reputation shock: visits", "fall a few per cent (peak about 7 %)", "the same",
                 f"peak fall {100 * np.mean(peak):.1f} % (sd {100 * np.std(peak):.1f})",
                 all(0.03 <= x <= 0.12 for x in peak)))
    return rows


SCENARIOS = ["baseline", "robot_rush", "human_touch", "hybrid_split", "hr_marketing", "reputation_shock",
             "hospitality_tips", "social_ambassadors"]


def scenario_cards(R, size):
    """The report's scorecard of each shipped scenario (its own seed, at size
    customers), and the cards across baseline, robot_rush and human_touch:
    ({scenario: {claim: verdict}}, [(claim, verdict, figure)])."""
    sys.path.insert(0, str(ROOT / "analysis"))
    from aandacht import claims as cl
    from aandacht import io
    files = {n: R.submit_file(ROOT / "scenarios" / f"{n}.cfg", [f"population.customers={size}"]) for n in SCENARIOS}
    data = {n: io.read(f.result()) for n, f in files.items()}
    per = {n: {c["claim"]: c["verdict"] for c in cl.scorecard(d)} for n, d in data.items()}
    across = [(c["claim"], c["verdict"], c["figure"])
              for c in cl.across([data["baseline"], data["robot_rush"], data["human_touch"]])]
    return per, across


def git(*args):
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def page(rows, claim_rows, settings, cards=None):
    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    today = datetime.date.today().isoformat()
    L = ["# Validation", "",
         f"Generated by `tools/validate.py` on {today} from commit {commit}{dirty}, with {settings}. "
         "Every figure below comes from runs of that commit; run the script again to check them "
         "(`make validate`).", "",
         "## Calibration targets", "",
         "Each pattern the defaults were set to reproduce (docs/model.md, 1.2 and section 10): the target, "
         "where it comes from, what the runs gave and whether every seed is within the target.", "",
         "| pattern | target | source | measured | |", "|---|---|---|---|---|"]
    for pat, tgt, src, meas, ok in rows:
        L.append(f"| {pat} | {tgt} | {src} | {meas} | {'pass' if ok else '**fail**'} |")
    L += ["", "## Claims", "",
          "Each claim of docs/model.md (1.1) has one switch: a parameter that removes the claim's mechanism "
          "from every path it takes (satisfaction, choice, tips, staff); `aandacht params --json` tags it "
          "with the claim. For each claim the effect is measured with the switch at its default (on), "
          "switched off, and at other doses, in the same markets and seeds (the trends off). A claim "
          "passes when its effect is there with the switch on, within the stated band of zero with it "
          "off, and grows with every step of the dose. The figures are means over the seeds, with their "
          "standard deviation.", ""]
    for c, by_dose, verdict, why in claim_rows:
        L += [f"### {c['id']}: {c['text']}", "",
              f"Switch `{c['key']}` (on: {c['on']:g}, off: {c['off']:g}). Effect: {c['measure']}, in "
              f"{c['unit']}; present means at least {c['present']:g}, absent within ±{c['absent']:g}.", "",
              "| `" + c["key"] + "` | effect | seeds |", "|---|---|---|"]
        for d in c["doses"]:
            m, s = mean_sd(by_dose[d])
            mark = " (off)" if d == c["off"] else " (default)" if d == c["on"] else ""
            L.append(f"| {d:g}{mark} | {c['scale'] * m:+.2f} (sd {c['scale'] * s:.2f}) | {len(by_dose[d])} |")
        L += ["", f"Verdict: **{verdict}**" + (f" ({why})." if why else "."), ""]
    if cards:
        per, across, size = cards
        order = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "A"]
        L += ["## The shipped scenarios' scorecards", "",
              f"The claims scorecard of `aandacht report` (docs/report.md) for each shipped scenario, run with "
              f"its own seed and weeks at {size:,} customers (at their shipped size a verdict near its minimum "
              "may differ). These are what the scenarios show, with the market's trends on: a claim can be "
              "true of the mechanism (above) and still not show in a scenario that does not exercise it. "
              "(–: not testable with this run.)", "",
              "| scenario | " + " | ".join(order[:-1]) + " | automation |",
              "|---" * (len(order) + 1) + "|"]
        for n, v in per.items():
            cells = [v.get(c, "") for c in order]
            cells = ["\u2013" if x.startswith("not testable") else x for x in cells]
            L.append(f"| {n} | " + " | ".join(cells) + " |")
        L += ["", "Across files (baseline, robot_rush, human_touch; `aandacht report` with the three files):", "",
              "| card | verdict | figure |", "|---|---|---|"]
        for c, v, f in across:
            L.append(f"| {c} | {v} | {f} |")
        L.append("")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.environ.get("AANDACHT_BINARY", str(ROOT / "build" / "aandacht")))
    ap.add_argument("--out", help="page to write (default docs/validation.md; with --quick none)")
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--customers", type=int, default=100000)
    ap.add_argument("--jobs", type=int, default=2, help="runs at a time")
    ap.add_argument("--threads", type=int, default=1, help="threads of each run")
    ap.add_argument("--quick", action="store_true", help="2 seeds, 20,000 customers: a check of the script")
    ap.add_argument("--only", choices=["claims", "calibration"], help="one part only")
    a = ap.parse_args()
    if a.quick:
        a.seeds, a.customers = 2, 20000
    if not Path(a.binary).exists():
        sys.exit(f"validate: no aandacht binary at {a.binary}: build it (make build) or give --binary")
    seeds = list(range(1, a.seeds + 1))
    switches(a.binary)
    R = Runner(a.binary, a.jobs, a.threads)
    try:
        rows, claim_rows = [], []
        if a.only != "calibration":
            res = claims(R, seeds, a.customers)
            for c in CLAIMS:
                verdict, why = claim_verdict(c, res[c["id"]])
                claim_rows.append((c, res[c["id"]], verdict, why))
                print(f"{c['id']} {c['key']}: " + ", ".join(
                    f"{d:g}: {c['scale'] * np.mean(v):+.2f}" for d, v in res[c["id"]].items()) + f" -> {verdict} {why}",
                    flush=True)
        if a.only != "claims":
            rows = calibration(R, seeds, a.customers, a.quick)
            for r in rows:
                print(f"{r[0]}: {r[3]} -> {'pass' if r[4] else 'FAIL'}", flush=True)
        cards = None
        if not a.only:
            size = 20000 if a.quick else 50000
            per, across = scenario_cards(R, size)
            cards = (per, across, size)
            for n, v in per.items():
                print(n, " ".join(f"{c}:{x}" for c, x in v.items()), flush=True)
    finally:
        R.close()
    out = a.out or (None if a.quick or a.only else str(ROOT / "docs" / "validation.md"))
    if out:
        settings = (f"{a.customers:,} customers per run (some calibration runs half of that), seeds 1-{a.seeds}")
        Path(out).write_text(page(rows, claim_rows, settings, cards))
        print(f"validate: wrote {out} ({R.count} runs)")
    fails = sum(1 for r in rows if not r[4]) + sum(1 for c in claim_rows if c[2] != "pass")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
