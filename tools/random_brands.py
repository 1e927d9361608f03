#!/usr/bin/env python3
"""Markets of brands whose settings are drawn at random, to check what the
model says across brands rather than in one hand-made market: does a
brand's engagement go with its customers' loyalty (Harter, Schmidt & Hayes
2002 report r of about .33 between business-unit engagement and customer
outcomes)?

    tools/random_brands.py [--binary build/aandacht] [--markets 8] [--brands 8]
                           [--customers 80000] [--weeks 104] [--set KEY=VALUE]... [--write DIR]

Each market k (1, 2, ...) draws its brands from numpy's generator seeded
with k and runs with scenario seed k. Every setting a strategist chooses
for a brand is drawn: the four P's (quality, promotion, place, price),
automation share, routing, staffing rule and staff per 1,000 customers, HR
investment and HR-marketing integration, empowerment budget, ambassadors
and escalation. It prints, per market and pooled, the correlation over
brands of mean engagement with mean loyalty, NPS and profit per customer
(each centred on its market's mean before pooling). --write DIR writes the
scenario files instead of running them. tests/python/test_calibration.py
and tools/validate.py use market() and correlations().
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def draw_brand(r, b):
    """One brand's settings (scenario text) from generator r."""
    routing = "by_need" if r.random() < 0.5 else "uniform"
    staffing = ("fixed", "follow_automation", "follow_demand")[r.integers(3)]
    return (f'{{ name = "B{b}"; quality = {r.uniform(0.4, 0.9):.3f}; '
            f'promotion = {r.uniform(0.3, 0.8):.3f}; place = {r.uniform(0.3, 0.8):.3f}; '
            f'price = {r.uniform(42, 58):.2f}; automation = {{ start = {r.uniform(0.05, 0.7):.3f}; }}; '
            f'routing = "{routing}"; staffing = "{staffing}"; staff_per_1000 = {r.uniform(4, 10):.2f}; '
            f'hr_investment = {r.uniform(0, 1):.3f}; hr_marketing = {r.uniform(0, 1):.3f}; '
            f'empowerment = {r.uniform(0, 20):.2f}; ambassadors = {r.uniform(0, 0.3):.3f}; '
            f'escalation = {"true" if r.random() < 0.8 else "false"}; }}')


def market(k, customers, weeks=104, brands=8):
    """Scenario text of random market k (k >= 1)."""
    r = np.random.default_rng(k)
    body = ",\n  ".join(draw_brand(r, b) for b in range(brands))
    return (f'scenario = {{ name = "random_market_{k}"; seed = {k}; weeks = {weeks}; warmup = 208; }};\n'
            f'population = {{ customers = {customers}; }};\n'
            f'brands = (\n  {body}\n);\n')


def brand_means(d, name):
    """Mean over the recorded weeks of each brand (a brand that left the
    market is described by its weeks in it)."""
    return np.nanmean(d[name], axis=0)


def correlations(results, y="mean_loyalty"):
    """(pooled r, [r per market]) of brand engagement with y over brands;
    results: one dict per market with 'engagement' and y (weeks x brands)."""
    xs, ys, per = [], [], []
    for d in results:
        e, v = brand_means(d, "engagement"), brand_means(d, y)
        ok = np.isfinite(e) & np.isfinite(v)
        e, v = e[ok], v[ok]
        if len(e) >= 3:
            per.append(float(np.corrcoef(e, v)[0, 1]))
        xs.append(e - e.mean())
        ys.append(v - v.mean())
    x, yy = np.concatenate(xs), np.concatenate(ys)
    return float(np.corrcoef(x, yy)[0, 1]), per


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.environ.get("AANDACHT_BINARY", str(ROOT / "build" / "aandacht")))
    ap.add_argument("--markets", type=int, default=8)
    ap.add_argument("--brands", type=int, default=8)
    ap.add_argument("--customers", type=int, default=80000)
    ap.add_argument("--weeks", type=int, default=104)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a parameter in every market (repeatable)")
    ap.add_argument("--write", metavar="DIR", help="write the scenario files to DIR and stop")
    a = ap.parse_args()
    if a.write:
        Path(a.write).mkdir(parents=True, exist_ok=True)
        for k in range(1, a.markets + 1):
            (Path(a.write) / f"random_market_{k}.cfg").write_text(market(k, a.customers, a.weeks, a.brands))
        return 0
    import h5py
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(1, a.markets + 1):
            cfg, out = Path(tmp) / f"m{k}.cfg", Path(tmp) / f"m{k}.h5"
            cfg.write_text(market(k, a.customers, a.weeks, a.brands))
            sets = [x for kv in a.set for x in ("--set", kv)]
            subprocess.run([a.binary, "run", str(cfg), "-o", str(out), "--quiet", *sets], check=True)
            with h5py.File(out, "r") as f:
                results.append({n: f[n][()] for n in ("engagement", "mean_loyalty", "nps", "profit", "customers")})
    for d in results:
        d["profit_per_customer"] = d["profit"] / np.where(d["customers"] > 0, d["customers"], np.nan)
    for y in ("mean_loyalty", "nps", "profit_per_customer"):
        pooled, per = correlations(results, y)
        print(f"engagement ~ {y}: pooled r = {pooled:.2f}; per market " + " ".join(f"{r:+.2f}" for r in per)
              + f" (positive in {sum(r > 0 for r in per)} of {len(per)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
