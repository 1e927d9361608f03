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
  per run, the table of NetLogo's BehaviorSpace or Mesa's batch_run:
  `run`, `point`, `replication`, `seed`, `status`, each swept parameter
  (headed by its key, `brands.[2].automation.target`), `wall_time`,
  `warmup_share_drift`, `message`, then the outcome figures of the file's
  /summary (the means over each run's last 52 recorded weeks:
  `weeks_averaged`, the market-wide ones, `<observable>_<brand>` per
  brand), and `S_runs_columns.csv`, which says for each column of it its
  variable in the file, units, currency and meaning (write_runs).

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


RUN_COLUMNS_HEAD = ("column", "variable", "key", "brand", "units", "currency", "meaning")


def _file_run_columns(d):
    """The columns of a sweep's S_runs.csv, read again from its file
    (datasets.run_columns, h5py only); None when d has no readable file."""
    from . import datasets, io
    try:
        return datasets.run_columns(d["path"])
    except (KeyError, OSError, io.ReadError):
        return None


def write_runs(d, outdir, rcols=None, rvals=None):
    """`S_runs.csv`, one row per run of a sweep (d from io.read), and
    `S_runs_columns.csv`, one row per column of it: its name, the variable
    of the file it comes from (`summary/profit`), the swept key or brand
    it is of, its units (UDUNITS, as in the file), currency (money) and
    meaning (the variable's long_name). Swept parameters are headed by
    their keys; a per-brand outcome is `<observable>_<brand>`. Text cells
    and headers go through text_cell. A dict without a readable file
    gives the run columns of d alone (no summary, no columns file).
    Returns the {name, path, description} of the files written."""
    outdir = Path(outdir)
    s = d["stem"]
    if rcols is None:
        rcols, rvals = _run_columns(d)
    cols = _file_run_columns(d)
    p = outdir / f"{s}_runs.csv"
    if cols is None:
        extra = [c for c in ("wall_time", "message") if c in d["runs"]]
        _write(p, [*rcols, *extra], (tuple(v[r] for v in rvals) + tuple(d["runs"][c][r] for c in extra)
                                     for r in range(len(d["ok"]))))
        return [dict(name=p.name, path=p, description="one row per run: design point, seed, status")]
    head = [i.get("key", c) for c, _, i in cols]
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([text_cell(h) for h in head])
        for r in range(len(cols[0][1])):
            w.writerow([_cell(v[r]) for _, v, _ in cols])
    q = outdir / f"{s}_runs_columns.csv"
    _write(q, RUN_COLUMNS_HEAD, ((h, i["variable"], i.get("key", ""), i.get("brand") or "", i.get("units", ""),
                                 i.get("currency", ""), i.get("long_name", "")) for h, (_, _, i) in zip(head, cols)))
    return [dict(name=p.name, path=p,
                 description="one row per run: design point, seed, status, the swept parameters (headed by "
                             "their keys) and outcome figures, each the mean over the run's last 52 recorded "
                             "weeks (the table of BehaviorSpace or batch_run)"),
            dict(name=q.name, path=q, description=f"what each column of {p.name} is: the variable of the file "
                                                  "it comes from, units, currency and meaning")]


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
        out += write_runs(d, outdir, rcols, rvals)
    p = outdir / f"{s}_parameters.csv"
    _write(p, ["key", "value"], ((k, "; ".join(map(str, v)) if isinstance(v, list) else v)
                                 for k, v in d["parameters"].items()))
    out.append(dict(name=p.name, path=p, description="every parameter of the (base) scenario"))
    return out
