"""CSV files of every observable of a run or sweep file, for spreadsheets.

For a file with stem S, `write_csvs(d, outdir)` writes

- `S_market.csv`: one row per week, a column per market observable (wide);
- `S_brands.csv`: one row per (week, brand), a column per brand observable
  (long in brand, wide in observables: the layout of xarray's
  `to_dataframe()` and of a pivot table's source);
- `S_parameters.csv`: key, value: every parameter of the scenario;
- for a sweep, in front of the week columns, the run's columns `run`,
  `point`, `replication`, `seed`, `status` and one per swept parameter
  (so each row says which run it belongs to), and `S_runs.csv` with one row
  per run (also `wall_time` and `message`).

Numbers are written so that they read back to the same float64
(Python's shortest round-trip repr); a value not recorded (NaN) is an empty
cell. Text from the scenario (brand names, descriptions, messages) that a
spreadsheet would take for a formula gets a leading apostrophe (text_cell).
Returns a list of {name, path, description}.
"""
import csv
from pathlib import Path

import numpy as np

RUN_COLS = ("point", "replication", "seed", "status")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(s):
    """User text (a brand name, a description) as a spreadsheet shows it
    without running it: a cell that begins like a formula (=, +, -, @, tab,
    carriage return) gets a leading apostrophe, which spreadsheets read as
    "text" and do not display; a number written as text stays as it is."""
    s = str(s)
    if s.startswith(FORMULA_START):
        try:
            float(s)
        except ValueError:
            return "'" + s
    return s


def _cell(v):
    if isinstance(v, (float, np.floating)):
        return "" if not np.isfinite(v) else repr(float(v))
    if isinstance(v, (np.integer,)):
        return str(int(v))
    return text_cell(v)


def _run_columns(d):
    """Names and (n_run,) arrays of the per-run columns of a sweep."""
    cols = ["run"] + [c for c in RUN_COLS if c in d["runs"]]
    cols += [s["name"] for s in d["swept"] if s["name"] in d["runs"]]
    n = len(d["ok"])
    vals = [np.arange(n)] + [np.asarray(d["runs"][c]) for c in cols[1:]]
    return cols, vals


def _write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([_cell(v) for v in row])


def _market_rows(d, names, run=None, prefix=()):
    week = d["week"]
    cols = [d["market"][n] if run is None else d["market"][n][run] for n in names]
    for t in range(len(week)):
        yield (*prefix, int(week[t]), *(c[t] for c in cols))


def _brand_rows(d, names, run=None, prefix=()):
    week = d["week"]
    cols = [d["brand"][n] if run is None else d["brand"][n][run] for n in names]
    for t in range(len(week)):
        for k, b in enumerate(d["brands"]):
            yield (*prefix, int(week[t]), b, *(c[t, k] for c in cols))


def write_csvs(d, outdir):
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    s = d["stem"]
    market, brand = list(d["market"]), list(d["brand"])
    out = []
    if d["kind"] == "run":
        p = outdir / f"{s}_market.csv"
        _write(p, ["week", *market], _market_rows(d, market))
        out.append(dict(name=p.name, path=p, description="market observables, one row per week"))
        p = outdir / f"{s}_brands.csv"
        _write(p, ["week", "brand", *brand], _brand_rows(d, brand))
        out.append(dict(name=p.name, path=p, description="brand observables, one row per week and brand"))
    else:
        rcols, rvals = _run_columns(d)
        runs = range(len(d["ok"]))

        def rows(kind):
            for r in runs:
                pre = tuple(v[r] for v in rvals)
                yield from (_market_rows(d, market, r, pre) if kind == "m" else _brand_rows(d, brand, r, pre))
        p = outdir / f"{s}_market.csv"
        _write(p, [*rcols, "week", *market], rows("m"))
        out.append(dict(name=p.name, path=p, description="market observables, one row per run and week"))
        p = outdir / f"{s}_brands.csv"
        _write(p, [*rcols, "week", "brand", *brand], rows("b"))
        out.append(dict(name=p.name, path=p,
                        description="brand observables, one row per run, week and brand"))
        extra = [c for c in ("wall_time", "message") if c in d["runs"]]
        p = outdir / f"{s}_runs.csv"
        _write(p, [*rcols, *extra], (tuple(v[r] for v in rvals) + tuple(d["runs"][c][r] for c in extra)
                                     for r in runs))
        out.append(dict(name=p.name, path=p, description="one row per run: design point, seed, status"))
    p = outdir / f"{s}_parameters.csv"
    _write(p, ["key", "value"], ((k, "; ".join(map(str, v)) if isinstance(v, list) else v)
                                 for k, v in d["parameters"].items()))
    out.append(dict(name=p.name, path=p, description="every parameter of the (base) scenario"))
    return out
