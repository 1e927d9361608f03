"""Reads aandacht run and sweep files (HDF5, docs/output.md) into plain
numpy arrays and dicts, so that charts, tables and the scorecard never touch
h5py.

    from aandacht import io
    d = io.read("out/baseline.h5")       # raises io.ReadError naming the file

`read` returns a dict:

| key | value |
|---|---|
| `path`, `stem` | the file (str) and its name without `.h5` |
| `kind` | `"run"` or `"sweep"` |
| `scenario`, `description` | scenario name and description (str) |
| `seed` | int for a run; the sweep seed for a sweep |
| `complete` | bool: the root attribute `complete` |
| `attrs` | every root attribute: text as str, arrays as lists, numbers as int/float |
| `week` | int array (n_week,) |
| `brands` | list of brand names, in the file's order |
| `market` | {name: float array}: (n_week,) for a run, (n_run, n_week) for a sweep |
| `brand` | {name: float array}: (n_week, n_brand), or (n_run, n_week, n_brand) |
| `units`, `long_name` | {variable: str} for every observable: units are UDUNITS strings (`1`, `week-1`, `percent`) |
| `currency` | {variable: str} for every observable in money (attribute `currency`: scenario.currency, or `money`) |
| `parameters` | {key: value}: every attribute of `/parameters`, decoded |
| `resolved_config` | the resolved scenario text ("" if absent) |
| `events` | list of {week, brand, type, stated, visits, half_life, stated_half_life} |
| `interventions` | list of {week, brand, key, value, value_text} |
| `snapshots` | {`week`: int array (n_snapshot,), `bin`: bin centres (20,), then each histogram of `/snapshots` as a float array: (n_snapshot, n_bin) market-wide, (n_snapshot, n_brand, n_bin) per brand}; {} when the file has none (sweeps) |

Sweep files add:

| key | value |
|---|---|
| `runs` | {name: array (n_run,)}: `point`, `replication`, `seed`, `status`, `wall_time`, `message` and one per swept parameter (by variable name) |
| `ok` | bool array (n_run,): status == 1 (the run finished) |
| `swept` | list of {name, key, min, max}: swept parameters in `sweep_keys` order |
| `design` | {name: array}: `design_u`, `design_x` (n_point, n_param) and the other design variables present (`saltelli_block`, `morris_delta`, ...); {} for files without a stored design |

A run file that was cut short (`OUT.h5.partial`) is read up to its
`weeks_written` weeks. Runs of a sweep that did not finish keep their rows
(NaN) and are marked False in `ok`.
"""
from pathlib import Path

import numpy as np

try:
    import h5py
except ImportError as e:   # pragma: no cover - reported by the CLI
    from .cli import install_hint
    raise ImportError(f"h5py is needed to read aandacht files; {install_hint(['h5py'])}") from e


class ReadError(Exception):
    """A file that cannot be read as an aandacht run or sweep file. The
    message names the file and says what is wrong."""


def _value(v):
    """An attribute value as plain Python: str, int, float or list."""
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return _value(v[()])
        return [_value(x) for x in v.tolist()]
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, list):
        return [_value(x) for x in v]
    return v


def _attrs(obj):
    return {k: _value(obj.attrs[k]) for k in obj.attrs}


def _dims(ds):
    """Names of the dimension scales attached to a dataset's axes."""
    names = []
    for d in ds.dims:
        names.append(d[0].name.rsplit("/", 1)[-1] if len(d) else "")
    return names


def _strings(ds):
    return [str(x) for x in ds.asstr()[()]]


def _table(params, prefix, fields):
    """Parallel `prefix.field` attributes as a list of dicts."""
    n = int(params.get(f"{prefix}.count", 0) or 0)
    rows = []
    for i in range(n):
        row = {}
        for f in fields:
            v = params.get(f"{prefix}.{f}")
            if isinstance(v, list) and i < len(v):
                row[f] = v[i]
            elif v is not None and not isinstance(v, list):
                row[f] = v
        rows.append(row)
    return rows


def _open(path):
    p = Path(path)
    if not p.exists():
        raise ReadError(f"{path}: no such file")
    if p.is_dir():
        raise ReadError(f"{path}: is a directory, not an aandacht file")
    try:
        return h5py.File(p, "r")
    except OSError as e:
        raise ReadError(f"{path}: not an aandacht file (not HDF5: {e})") from None


def _snapshots(f, n_brand, weeks):
    """The histograms of `/snapshots` taken in the weeks read (see read)."""
    g = f.get("snapshots")
    if not isinstance(g, h5py.Group) or "snapshot_week" not in g or "bin" not in g or not len(weeks):
        return {}
    hist = {name: np.asarray(ds[()], dtype=float) for name, ds in g.items()
            if isinstance(ds, h5py.Dataset) and _dims(ds) in (["snapshot", "bin"], ["snapshot", "brand", "bin"])}
    hist = {k: x for k, x in hist.items() if x.ndim == 2 or x.shape[1] == n_brand}
    week = np.asarray(g["snapshot_week"][()], dtype=np.int64)
    n = min([len(week)] + [len(x) for x in hist.values()])   # a cut-short file may differ
    keep = np.flatnonzero(week[:n] <= weeks[-1])              # only the weeks read
    out = {"week": week[keep], "bin": np.asarray(g["bin"][()], dtype=float)}
    out.update({k: x[keep] for k, x in hist.items()})
    return out


def read(path):
    """Reads a run or sweep file into plain arrays and dicts (see module doc).
    A damaged file (an HDF5 error while reading, or parts that do not fit
    together) raises ReadError, as a file that is not an aandacht file."""
    try:
        return _read(path)
    except ReadError:
        raise
    except (OSError, KeyError, ValueError, TypeError, IndexError, RuntimeError) as e:
        raise ReadError(f"{path}: damaged: it cannot be read ({type(e).__name__}: {e})") from None


def _read(path):
    with _open(path) as f:
        attrs = _attrs(f)
        if "week" not in f or "brand" not in f or "engine_version" not in attrs:
            raise ReadError(f"{path}: not an aandacht file (no 'week', 'brand' or "
                            "'engine_version'; was it written by aandacht run or sweep?)")
        kind = "sweep" if "run" in f and "sweep_design" in attrs else "run"
        week = np.asarray(f["week"][()], dtype=np.int64)
        nweek = len(week)
        if kind == "run" and "weeks_written" in attrs:
            nweek = min(nweek, int(attrs["weeks_written"]))
        week = week[:nweek]
        brands = _strings(f["brand"])
        d = {
            "path": str(path), "stem": Path(path).name.split(".h5")[0],
            "kind": kind, "attrs": attrs,
            "scenario": str(attrs.get("scenario", Path(path).stem)),
            "description": str(attrs.get("description", "")),
            "seed": attrs.get("sweep_seed" if kind == "sweep" else "seed"),
            "complete": bool(attrs.get("complete", 0)),
            "week": week, "brands": brands,
            "market": {}, "brand": {}, "units": {}, "long_name": {}, "currency": {},
        }
        lead = ["run"] if kind == "sweep" else []
        runs, design = {}, {}
        for name, ds in f.items():
            if not isinstance(ds, h5py.Dataset) or h5py.h5ds.is_scale(ds.id):
                continue
            dims = _dims(ds)
            if dims == lead + ["week"]:
                d["market"][name] = np.asarray(ds[()], dtype=float)[..., :nweek]
            elif dims == lead + ["week", "brand"]:
                d["brand"][name] = np.asarray(ds[()], dtype=float)[..., :nweek, :]
            elif kind == "sweep" and dims == ["run"]:
                runs[name] = _strings(ds) if ds.dtype.kind == "O" else np.asarray(ds[()])
                continue
            elif dims and dims[0] == "design_point":
                design[name] = np.asarray(ds[()])
                continue
            else:
                continue
            d["units"][name] = _value(ds.attrs.get("units", b""))
            d["long_name"][name] = _value(ds.attrs.get("long_name", b""))
            if "currency" in ds.attrs:
                d["currency"][name] = _value(ds.attrs["currency"])
        if "parameters" in f:
            params = _attrs(f["parameters"])
            cfg = f["parameters"].get("resolved_config")
            resolved = str(cfg.asstr()[()]) if cfg is not None else ""
        else:
            params, resolved = {}, ""
        if kind == "sweep":
            keys = attrs.get("sweep_keys", [])
            keys = keys if isinstance(keys, list) else [keys]
            lo, hi = attrs.get("sweep_min", []), attrs.get("sweep_max", [])
            lo = lo if isinstance(lo, list) else [lo]
            hi = hi if isinstance(hi, list) else [hi]
            by_key = {_value(f[n].attrs["key"]): n for n in runs
                      if "key" in f[n].attrs}
            d["swept"] = [{"name": by_key.get(k, ""), "key": k,
                           "min": lo[i] if i < len(lo) else None,
                           "max": hi[i] if i < len(hi) else None}
                          for i, k in enumerate(keys)]
            if "parameter" in f:
                design["parameter"] = _strings(f["parameter"])
            d["runs"] = runs
            d["ok"] = np.asarray(runs.get("status", np.ones(0)), dtype=int) == 1
            d["design"] = design
        d["snapshots"] = _snapshots(f, len(brands), week) if kind == "run" else {}
    d["parameters"] = params
    d["resolved_config"] = resolved
    d["events"] = _table(params, "events", ["week", "brand", "type", "stated", "visits",
                                            "half_life", "stated_half_life"])
    d["interventions"] = _table(params, "interventions",
                                ["week", "brand", "key", "value", "value_text"])
    if not d["market"] or not d["brand"]:
        raise ReadError(f"{path}: not an aandacht file (no observables over 'week')")
    return d


def brand_param(d, brand, key, default=None):
    """A brand parameter (`brands.<brand>.<key>`) of the base scenario."""
    return d["parameters"].get(f"brands.{brand}.{key}", default)
