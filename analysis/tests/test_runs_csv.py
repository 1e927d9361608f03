"""A sweep's runs as one table (docs/output.md, "Sweep files", /summary):
`aandacht.run_table` holds the file's per-run variables and then the
figures of /summary, a per-brand figure as one column per brand; the
report writes the same table as S_runs.csv (one row per run, swept
parameters headed by their keys, numbers that read back to the file's
float64, NaN as an empty cell, text through tables.text_cell) with
S_runs_columns.csv, which gives each column's variable, units, currency
and meaning, and lists both on the page; a file without /summary still
gives its run columns."""
import csv
import shutil

import h5py
import numpy as np
import pytest

from report_runs import engine, sweepfile  # noqa: F401  (fixture)
import aandacht
from aandacht import io, report, tables

MARKET = ["attention_scarcity", "automation_share", "tip_rate", "customer_nps", "jobs"]
BRAND = ["market_share", "profit", "mean_loyalty", "nps", "employees"]
FIRST = ["point", "replication", "seed", "status"]


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def _num(cell):
    return float("nan") if cell == "" else float(cell)


def _expected(f):
    """{column: values (n_run,)} of the summary figures, flat, from h5py."""
    g = f["summary"]
    brands = g["brand"].asstr()[()].tolist()
    out = {"weeks_averaged": g["weeks_averaged"][()]}
    out.update({m: g[m][()] for m in MARKET})
    for b_name in BRAND:
        for b, brand in enumerate(brands):
            out[f"{b_name}_{brand}"] = g[b_name][:, b]
    return out, brands


def test_run_table_has_the_summary_columns(sweepfile):
    df = aandacht.run_table(sweepfile)
    with h5py.File(sweepfile, "r") as f:
        want, brands = _expected(f)
        keys = [k.decode() if isinstance(k, bytes) else str(k) for k in np.atleast_1d(f.attrs["sweep_keys"])]
        n_run = f["run"].shape[0]
        swept = [n for n in f if isinstance(f[n], h5py.Dataset) and "key" in f[n].attrs]
        cols = list(df.columns)
        # the run's own columns first, as before; then the figures, in the file's order
        assert cols[:4 + len(swept)] == FIRST + swept
        assert cols[4 + len(swept):4 + len(swept) + 3] == ["wall_time", "warmup_share_drift", "message"]
        assert cols[-len(want):] == list(want)
        assert len(df) == n_run and list(df.index) == list(range(n_run))
        for col, values in want.items():
            np.testing.assert_array_equal(df[col].to_numpy(), values, err_msg=col)
        np.testing.assert_array_equal(df.profit_Robo.to_numpy(), f["summary/profit"][:, brands.index("Robo")])
    assert [df.attrs["swept"][c] for c in swept] == keys
    info = df.attrs["columns"]
    assert info["profit_Classic"] == {"variable": "summary/profit", "brand": "Classic", "units": "week-1",
                                      "currency": "money", "long_name": info["profit_Classic"]["long_name"]}
    assert "52 recorded weeks" in info["profit_Classic"]["long_name"]
    assert info["jobs"]["brand"] is None and info["jobs"]["units"] == "1"
    assert info["customer_nps"]["units"] == "percent" and info["weeks_averaged"]["units"] == "week"
    assert info[swept[0]]["key"] == keys[0] and info["wall_time"]["units"] == "s"
    # the last year of each run, as numbers: every run finished
    assert (df.weeks_averaged == 44).all() and (df.status == 1).all()
    shares = df[[f"market_share_{b}" for b in brands]].sum(axis=1).to_numpy()
    np.testing.assert_allclose(shares, 1, rtol=1e-12)


def test_runs_csv_is_the_table(sweepfile, tmp_path):
    d = io.read(sweepfile)
    files = {t["name"]: t for t in tables.write_csvs(d, tmp_path)}
    assert {"tinysweep_runs.csv", "tinysweep_runs_columns.csv"} <= set(files)
    assert "52 recorded weeks" in files["tinysweep_runs.csv"]["description"]
    head, rows = _read_csv(files["tinysweep_runs.csv"]["path"])
    with h5py.File(sweepfile, "r") as f:
        want, brands = _expected(f)
        n_run = f["run"].shape[0]
        swept = {f[n].attrs["key"].decode(): n for n in f if isinstance(f[n], h5py.Dataset) and "key" in f[n].attrs}
        assert len(rows) == n_run and all(len(r) == len(head) for r in rows)
        assert head[:5] == ["run", *FIRST]
        assert head[5:5 + len(swept)] == list(swept)      # headed by the keys: brands.Robo.automation.target
        assert head[5 + len(swept):5 + len(swept) + 3] == ["wall_time", "warmup_share_drift", "message"]
        assert head[-len(want):] == list(want)
        col = {h: j for j, h in enumerate(head)}
        assert [int(r[col["run"]]) for r in rows] == list(range(n_run))
        for name in FIRST:
            assert [int(r[col[name]]) for r in rows] == f[name][()].tolist(), name
        for key, var in swept.items():
            np.testing.assert_array_equal([float(r[col[key]]) for r in rows], f[var][()], err_msg=key)
        for name, values in want.items():
            got = np.array([_num(r[col[name]]) for r in rows])
            np.testing.assert_array_equal(got, values, err_msg=name)    # repr round-trips float64
        assert all(r[col["message"]] == "" for r in rows)
        # the columns file: one row per column, with the file's units
        chead, crows = _read_csv(files["tinysweep_runs_columns.csv"]["path"])
        assert chead == ["column", "variable", "key", "brand", "units", "currency", "meaning"]
        assert [r[0] for r in crows] == head
        by = {r[0]: dict(zip(chead, r)) for r in crows}
        assert by["profit_Robo"]["variable"] == "summary/profit" and by["profit_Robo"]["brand"] == "Robo"
        assert by["profit_Robo"]["units"] == f["summary/profit"].attrs["units"].decode() == "week-1"
        assert by["profit_Robo"]["currency"] == "money"
        for key, var in swept.items():
            assert by[key]["variable"] == var and by[key]["key"] == key
        for h in head:
            var = by[h]["variable"]
            assert by[h]["units"] == f[var].attrs["units"].decode(), h
            assert by[h]["meaning"] == f[var].attrs["long_name"].decode(), h


def test_failed_runs_are_empty_cells_and_text_cannot_run(tmp_path):
    """A brand named like a formula and a failed run's message: the
    columns file and the message cell get the leading apostrophe of
    text_cell; the failed run's figures are empty cells."""
    cfg = tmp_path / "formula.cfg"
    cfg.write_text("""
scenario = { name = "formula"; seed = 3; weeks = 8; warmup = 4; };
population = { customers = 800; };
brands = (
  { name = "Classic"; share = 0.5; quality = 0.75; price = 53.0; },
  { name = "-Robo"; share = 0.5; quality = 0.65; price = 50.0; }
);
sweep = { design = "list"; replications = 2; points = ( [0.0], [2.0] );
  parameters = ( { key = "satisfaction.theta"; } ); };
""")
    out = tmp_path / "formula.h5"
    engine("sweep", cfg, "-o", out, "--quiet")
    # run 1 made a failed run, as a sweep writes one: status -1, message, no figures
    with h5py.File(out, "r+") as f:
        for where in ("status", "summary/status"):
            f[where][1] = -1
        f["message"][1] = "=HYPERLINK(\"http://x\")"
        f["summary/weeks_averaged"][1] = 0
        for name in MARKET:
            f["summary"][name][1] = np.nan
        for name in BRAND:
            f["summary"][name][1] = np.nan
    files = {t["name"]: t["path"] for t in tables.write_csvs(io.read(out), tmp_path / "data")}
    head, rows = _read_csv(files["formula_runs.csv"])
    assert "market_share_-Robo" in head and "satisfaction.theta" in head
    col = {h: j for j, h in enumerate(head)}
    assert rows[1][col["status"]] == "-1"
    assert rows[1][col["message"]] == "'=HYPERLINK(\"http://x\")"
    assert rows[1][col["weeks_averaged"]] == "0"
    for name in MARKET + ["market_share_Classic", "profit_-Robo", "nps_-Robo"]:
        assert rows[1][col[name]] == "", name
        assert rows[0][col[name]] != "", name
    _, crows = _read_csv(files["formula_runs_columns.csv"])
    robo = [r for r in crows if r[0] == "market_share_-Robo"]
    assert robo and robo[0][3] == "'-Robo"
    df = aandacht.run_table(out)
    assert np.isnan(df.loc[1, "profit_-Robo"]) and df.loc[1, "status"] == -1


def test_a_file_without_summary_keeps_its_run_columns(sweepfile, tmp_path):
    old = tmp_path / "old.h5"
    shutil.copy(sweepfile, old)
    with h5py.File(old, "r+") as f:
        del f["summary"]
    df = aandacht.run_table(old)
    assert "weeks_averaged" not in df and "profit_Classic" not in df
    assert list(df.columns[:4]) == FIRST and "wall_time" in df and "message" in df
    files = {t["name"]: t["path"] for t in tables.write_csvs(io.read(old), tmp_path / "data")}
    head, rows = _read_csv(files["old_runs.csv"])
    assert head[:5] == ["run", *FIRST] and head[-1] == "message" and len(rows) == len(df)
    with pytest.raises(io.ReadError, match="no group /summary"):
        aandacht.open_sweep(old, group="summary")


def test_the_report_lists_the_runs_table(sweepfile, tmp_path):
    res = report.build([io.read(sweepfile)], tmp_path / "rep", decide=False)
    names = {c["name"] for c in res["csv"]}
    assert {"tinysweep_runs.csv", "tinysweep_runs_columns.csv"} <= names
    html = res["html"].read_text(encoding="utf-8")
    assert 'href="data/tinysweep_runs.csv"' in html and 'href="data/tinysweep_runs_columns.csv"' in html
    assert (tmp_path / "rep" / "data" / "tinysweep_runs_columns.csv").exists()


def test_a_dict_without_its_file_writes_the_runs_it_holds(sweepfile, tmp_path):
    """write_runs of an io.read dict whose file is gone: the run columns the
    dict holds, as before the table came from the file, and no columns file."""
    d = io.read(sweepfile)
    d["path"] = str(tmp_path / "gone.h5")
    files = tables.write_runs(d, tmp_path)
    assert [f["name"] for f in files] == ["tinysweep_runs.csv"]
    head, rows = _read_csv(files[0]["path"])
    assert head[:5] == ["run", *FIRST] and head[-2:] == ["wall_time", "message"]
    assert [int(r[4]) for r in rows] == d["runs"]["status"].tolist()
