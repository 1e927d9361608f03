"""Sensitivity tables of a sweep for report.html and the CSV files: the
Sobol indices (saltelli sweeps) or Morris measures (morris sweeps) that the
sweep's index charts drew, each with its bootstrap interval.

The index charts of aandacht.sweepcharts carry their numbers as `table`
(one dict per parameter: `parameter, S1, S1_low, S1_high, ST, ST_low,
ST_high` or `parameter, mu, mu_low, mu_high, mu_star, ..., sigma_high`), so
nothing is computed twice. `index_tables(charts)` turns them into
{title, stem, header, rows, raw} with formatted cells for the page;
`write_index_csvs(tables, outdir, prefix)` writes each as
`<prefix>_<chart stem>.csv` with
the numbers in full.
"""
import csv
from pathlib import Path

import numpy as np

from .tables import text_cell

# (column of the value, its interval's columns, header)
SOBOL = (("S1", "S1_low", "S1_high", "first-order S1"), ("ST", "ST_low", "ST_high", "total ST"))
MORRIS = (("mu_star", "mu_star_low", "mu_star_high", "mu*"), ("sigma", "sigma_low", "sigma_high", "sigma"),
          ("mu", "mu_low", "mu_high", "mu"))


def _cell(row, v, lo, hi):
    x = row.get(v, np.nan)
    if x is None or not np.isfinite(x):
        return "\u2013"
    return f"{x:.3g} [{row.get(lo, np.nan):.3g}, {row.get(hi, np.nan):.3g}]"


def index_tables(charts):
    """The tables of the sweep charts that carry one."""
    out = []
    for c in charts:
        rows = c.get("table")
        if not rows:
            continue
        cols = SOBOL if "S1" in rows[0] else MORRIS
        header = ["parameter"] + [f"{label} [95 % interval]" for _, _, _, label in cols]
        cells = [[str(r.get("parameter", ""))] + [_cell(r, *col[:3]) for col in cols] for r in rows]
        out.append(dict(title=c["title"], stem=c["stem"], anchor=c.get("rel", c["stem"]), header=header, rows=cells, raw=rows,
                        note=c.get("caption", "")))
    return out


def write_index_csvs(tables, outdir, prefix):
    """Each table as OUTDIR/<prefix>_<chart stem>.csv; returns {name, path, description} entries."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    files = []
    for t in tables:
        path = outdir / f"{prefix}_{Path(t['stem']).name}.csv"
        keys = list(t["raw"][0])
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(keys)
            for r in t["raw"]:
                w.writerow(["" if isinstance(r[k], float) and not np.isfinite(r[k])
                            else repr(float(r[k])) if isinstance(r[k], (float, np.floating))
                            else text_cell(r[k]) if isinstance(r[k], str) else r[k]
                            for k in keys])
        files.append(dict(name=path.name, path=path, description=f"sensitivity indices: {t['title']}"))
    return files
