#!/usr/bin/env python3
"""Runs the shipped scenarios and prints the effect each is named for, as
docs/scenarios.md states them.

    tools/scenario_effects.py [--binary build/aandacht] [--out DIR] [--set KEY=VALUE]... [NAME...]

Needs h5py and numpy (Debian: python3-h5py). Each scenario runs with its own
seed and size unless --set overrides them.
"""
import argparse
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[1]


class Run:
    def __init__(self, path):
        self.f = h5py.File(path, "r")
        self.brands = [b.decode() if isinstance(b, bytes) else str(b) for b in self.f["brand"][()]]

    def m(self, name):
        return self.f[name][()]

    def b(self, name, brand):
        return self.f[name][()][:, self.brands.index(brand)]


def yr(x, y):
    """mean over recorded year y (0-based)"""
    return float(np.mean(x[52 * y:52 * y + 52]))


def baseline(r):
    s = r.m("market_share")
    churn = np.average(r.m("churn_rate"), axis=1, weights=s.mean(0))
    return [
        f"largest change of a market share over the first two years: {100 * np.abs(s[104] - s[0]).max():.2f} points, "
        f"over ten years: {100 * np.abs(s[-1] - s[0]).max():.2f} points",
        f"engaged staff {100 * r.m('engaged_share').mean():.1f} %, yearly churn {100 * (1 - np.prod(1 - churn[:52])):.1f} %, "
        f"promoters {100 * r.m('promoter_share').mean():.1f} % vs detractors {100 * r.m('detractor_share').mean():.1f} %, "
        f"customer NPS {r.m('customer_nps').mean():+.1f}",
        f"attention scarcity {r.m('attention_scarcity').mean():.3f} at automation {100 * r.m('automation_share').mean():.1f} %",
    ]


def robot_rush(r):
    e = r.m("engaged_share")
    prof = r.m("profit").sum(1)
    return [
        f"automation {100 * yr(r.m('automation_share'), 0):.0f} % -> {100 * yr(r.m('automation_share'), 9):.0f} % (year 1 -> 10)",
        f"attention scarcity {yr(r.m('attention_scarcity'), 0):.3f} -> {yr(r.m('attention_scarcity'), 9):.3f}; "
        f"attention value {yr(r.m('attention_value'), 0):.3f} -> {yr(r.m('attention_value'), 9):.3f}; "
        f"mean attention deficit {yr(r.m('mean_attention_deficit'), 0):.3f} -> {yr(r.m('mean_attention_deficit'), 9):.3f}",
        f"engaged staff {100 * yr(e, 0):.1f} % -> {100 * min(yr(e, 1), yr(e, 2), yr(e, 3)):.1f} % during the ramp "
        f"-> {100 * yr(e, 9):.1f} % in year 10",
        f"jobs {r.m('jobs')[0]:.0f} -> {r.m('jobs')[-1]:.0f} ({r.m('jobs_displaced')[-1]:.0f} displaced)",
        f"market profit per week {yr(prof, 0):.0f} -> {max(yr(prof, y) for y in range(10)):.0f} at its best year "
        f"-> {yr(prof, 9):.0f} in year 10 (prices follow unit cost)",
        f"loyalty of robot-served vs human-served customers in year 10: {yr(r.m('loyalty_robot_served'), 9):.3f} vs "
        f"{yr(r.m('loyalty_human_served'), 9):.3f}",
    ]


def human_touch(r):
    c = "Classic"
    others = [b for b in r.brands if b != c]
    return [
        f"{c} market share {100 * yr(r.b('market_share', c), 0):.1f} % -> {100 * yr(r.b('market_share', c), 9):.1f} % "
        f"(year 1 -> 10); NPS {yr(r.b('nps', c), 0):+.1f} -> {yr(r.b('nps', c), 9):+.1f}",
        f"{c} profit per week {yr(r.b('profit', c), 0):.0f} -> {yr(r.b('profit', c), 9):.0f}; others' "
        + ", ".join(f"{o} {yr(r.b('profit', o), 0):.0f} -> {yr(r.b('profit', o), 9):.0f}" for o in others),
        f"differentiation relational {yr(r.m('differentiation_relational'), 0):.3f} -> {yr(r.m('differentiation_relational'), 9):.3f}, "
        f"functional {yr(r.m('differentiation_functional'), 0):.3f} -> {yr(r.m('differentiation_functional'), 9):.3f}",
    ]


def twins(r, a, b, extra=()):
    out = []
    for name in ("engagement", "mean_attention", "relational_human_share", "mean_loyalty", "nps", "reputation",
                 "market_share", "profit") + tuple(extra):
        x, y = r.b(name, a), r.b(name, b)
        out.append(f"{name}: {a} {yr(x, 0):.3f} -> {yr(x, 9 if len(x) >= 520 else len(x) // 52 - 1):.3f}, "
                   f"{b} {yr(y, 0):.3f} -> {yr(y, 9 if len(y) >= 520 else len(y) // 52 - 1):.3f}")
    return out


def hybrid_split(r):
    auto = {t: r.b("automated_contacts", t)[-52:].sum() / r.b("visits", t)[-52:].sum() for t in ("Twin-N", "Twin-U")}
    return [f"automated share of contacts in year 10: Twin-N {100 * auto['Twin-N']:.1f} %, Twin-U {100 * auto['Twin-U']:.1f} %"] \
        + twins(r, "Twin-N", "Twin-U")


def hr_marketing(r):
    return twins(r, "Twin-HR", "Twin-0", ("brand_engaged_share",))


def social_ambassadors(r):
    return twins(r, "Twin-S", "Twin-0")


def reputation_shock(r):
    c, wk = "Classic", 104
    v = r.b("visits", c) / r.b("customers", c)
    pre = v[wk - 26:wk].mean()
    st = r.b("stated_avoidance", c)
    share = r.b("market_share", c)
    out = []
    base = Path(r.f.filename).with_name("baseline.h5")
    if base.exists():  # the same market without the shock (baseline runs it first)
        b = Run(base)
        bs = b.b("market_share", c)[:len(share)]
        bv = (b.b("visits", c) / b.b("customers", c))[:len(share)]
        out.append(f"against the same market without the shock: visits per customer {100 * (v[wk:wk + 4].mean() / bv[wk:wk + 4].mean() - 1):+.1f} % "
                   f"in the first month, {100 * (v[wk + 22:wk + 26].mean() / bv[wk + 22:wk + 26].mean() - 1):+.1f} % after five months; "
                   f"market share {100 * (share[wk + 52] - bs[wk + 52]):+.1f} points a year after, "
                   f"{100 * (share[-26:].mean() - bs[len(share) - 26:].mean()):+.1f} points at the end")
    return out + [
        f"stated avoidance peaks at {100 * st[wk:].max():.1f} % and is {100 * st[wk + 22]:.1f} % after five months",
        f"visits per customer fall at most {100 * (1 - v[wk:wk + 13].min() / pre):.1f} %, "
        f"{100 * (1 - v[wk + 22:wk + 26].mean() / pre):.1f} % below the pre-shock level after five months, "
        f"{100 * (1 - v[wk + 104:wk + 130].mean() / pre):.1f} % after two years",
        f"market share {100 * share[wk - 26:wk].mean():.1f} % before, {100 * share[wk + 52]:.1f} % a year after, "
        f"{100 * share[-26:].mean():.1f} % at the end",
    ]


def hospitality_tips(r):
    out = [f"tip rate {100 * r.m('tip_rate').mean():.1f} % of the bill; tip rate per unit of attention "
           f"(slope) {r.m('tip_attention_slope').mean():.3f}; correlation of tip and satisfaction "
           f"{r.m('tip_satisfaction_r').mean():.2f}"]
    for b in r.brands:
        tr, tips, att = r.b("brand_tip_rate", b), r.b("tips", b), r.b("mean_attention", b)
        out.append(f"{b}: tips per week {yr(tips, 0):.0f} -> {yr(tips, len(tips) // 52 - 1):.0f}, tip rate "
                   f"{100 * yr(tr, 0):.1f} % -> {100 * yr(tr, len(tr) // 52 - 1):.1f} %, attention {yr(att, 0):.3f} -> "
                   f"{yr(att, len(att) // 52 - 1):.3f}")
    for b in r.brands:
        sh, pr, price = r.b("market_share", b), r.b("profit", b), r.b("price", b)
        last = len(sh) // 52 - 1
        out.append(f"{b}: market share {100 * yr(sh, 0):.1f} % -> {100 * yr(sh, last):.1f} %, profit per week "
                   f"{yr(pr, 0):.0f} -> {yr(pr, last):.0f}, price {yr(price, 0):.1f} -> {yr(price, last):.1f}")
    return out


EFFECTS = {f.__name__: f for f in (baseline, robot_rush, human_touch, hybrid_split, hr_marketing, reputation_shock,
                                    hospitality_tips, social_ambassadors)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=str(ROOT / "build" / "aandacht"))
    ap.add_argument("--out", default=str(ROOT / "out" / "effects"))
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("names", nargs="*", default=list(EFFECTS))
    a = ap.parse_args()
    Path(a.out).mkdir(parents=True, exist_ok=True)
    for name in a.names:
        out = Path(a.out) / f"{name}.h5"
        cmd = [a.binary, "run", str(ROOT / "scenarios" / f"{name}.cfg"), "-o", str(out), "--force", "--quiet"]
        for s in a.set:
            cmd += ["--set", s]
        subprocess.run(cmd, check=True)
        print(f"## {name}")
        for line in EFFECTS[name](Run(out)):
            print(f"- {line}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
