"""aandacht run and sweep files as xarray Datasets and pandas frames.

    import aandacht
    ds = aandacht.open_run("out/baseline.h5")              # xarray.Dataset over week, brand
    ds.market_share.sel(brand="Classic")
    sw = aandacht.open_sweep("out/sweep_workstation_sweep.h5")   # over run, week, brand, ...
    sw.groupby("point").mean()                                   # point, seed, ... are coordinates of run
    summ = aandacht.open_sweep("out/sweep_workstation_sweep.h5", group="summary")  # one row per run
    runs = aandacht.run_table("out/sweep_workstation_sweep.h5")  # pandas.DataFrame, index run

The files are read with h5py (h5netcdf is not needed): every variable of the
file's root with its named dimensions (docs/output.md), the dimension scales
(`week`, `brand`, and in a sweep `run`, `design_point`, `parameter`) as the
coordinates, the brand names and other text as str, and the attributes of
the file and of each variable decoded (text as str). The `_FillValue` of a
variable goes to its `encoding`, as xarray's own readers put it, and so
does its `coordinates`: the variables it names (in a sweep `point`,
`replication`, `seed` and the swept values) become coordinates, as in
`xarray.open_dataset`. A sweep's `/summary` group (its runs as a table)
opens with `open_sweep(FILE, group="summary")`; the other groups
(`/parameters`, `/snapshots`, `/agents`) are left to `io.read` or
`xarray.open_dataset(FILE, engine="h5netcdf", group=...)`.

A run file cut short (`OUT.h5.partial`) is read up to its `weeks_written`
weeks, as `io.read` does. Everything is read into memory; for a large sweep,
`variables=[...]` names the observables to read (the coordinates, the
per-run variables and the design are always read).

xarray and pandas are imported only when these functions are called, so the
rest of the package works without them. A file that is not an aandacht file,
or not of the kind asked for, raises `io.ReadError` naming the file.
"""

# the dimension-scale and netCDF bookkeeping attributes: not the data's
_BOOKKEEPING = {"CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST", "_Netcdf4Dimid",
                "_Netcdf4Coordinates", "_NCProperties", "_nc3_strict"}
# the per-run variables a run table starts with, in this order
_RUN_FIRST = ("point", "replication", "seed", "status")
# a sweep file's table of its runs (docs/output.md, "Sweep files")
SUMMARY = "summary"


def _need(module):
    """Imports xarray or pandas, or says how to install it in this Python."""
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError as e:
        from .cli import install_hint
        raise ImportError(f"aandacht.open_run, open_sweep and run_table need {module}; "
                          f"{install_hint([module])}") from e


def _attr(v):
    """An HDF5 attribute value as xarray's readers give it: text as str, a
    text array as a list of str, numbers as numpy scalars and arrays."""
    import numpy as np
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return _attr(v[()])
        if v.dtype.kind in "OSU":
            return [_attr(x) for x in v.tolist()]
    return v


def _names(f):
    """The root's links in the order they were written (the file tracks it),
    else by name."""
    import h5py
    names = []
    try:
        f.id.links.iterate(lambda n: names.append(n.decode()), idx_type=h5py.h5.INDEX_CRT_ORDER)
        return names
    except (ValueError, RuntimeError, KeyError):
        return list(f)


def _variables(path, kind, keep, group=None):
    """Reads the root (or `group`) of an aandacht file of `kind` ("run" or
    "sweep"). Returns (root attributes, or the group's, [(name, dims,
    values, attrs, encoding, is_scale)]) for every variable whose name and
    dims `keep(name, dims)` accepts (dimension scales always)."""
    import h5py
    import numpy as np

    from . import io
    try:
        with io._open(path) as f:
            attrs = {k: _attr(f.attrs[k]) for k in f.attrs}
            if "week" not in f or "brand" not in f or "engine_version" not in attrs:
                raise io.ReadError(f"{path}: not an aandacht file (no 'week', 'brand' or "
                                   "'engine_version'; was it written by aandacht run or sweep?)")
            sweep = "run" in f and "sweep_design" in attrs
            if kind == "run" and sweep:
                raise io.ReadError(f"{path}: a sweep file, not a run file: read it with open_sweep")
            if kind == "sweep" and not sweep:
                raise io.ReadError(f"{path}: a run file, not a sweep file: read it with open_run")
            nweek = f["week"].shape[0]
            if kind == "run" and "weeks_written" in attrs:
                nweek = min(nweek, int(attrs["weeks_written"]))
            where = f
            if group is not None:
                where = f.get(group)
                if not isinstance(where, h5py.Group):
                    raise io.ReadError(f"{path}: no group /{group} (a file of aandacht "
                                       f"{attrs.get('engine_version', '?')}, written before sweep files had it?)")
                attrs = {k: _attr(where.attrs[k]) for k in where.attrs}
            out = []
            for name in _names(where):
                ds = where.get(name)
                if not isinstance(ds, h5py.Dataset):
                    continue
                scale = h5py.h5ds.is_scale(ds.id)
                dims = (name,) if scale else tuple(io._dims(ds))
                if len(dims) != ds.ndim or "" in dims:
                    continue                          # an axis without a named dimension
                if not scale and not keep(name, dims):
                    continue
                if h5py.check_string_dtype(ds.dtype) is not None:
                    values = np.array(ds.asstr()[()], dtype=object)
                else:
                    values = np.asarray(ds[()])
                if "week" in dims:                    # a cut-short run: its weeks written
                    values = values[tuple(slice(0, nweek) if d == "week" else slice(None) for d in dims)]
                var_attrs = {k: _attr(ds.attrs[k]) for k in ds.attrs if k not in _BOOKKEEPING}
                encoding = {"_FillValue": var_attrs.pop("_FillValue")} if "_FillValue" in var_attrs else {}
                out.append((name, dims, values, var_attrs, encoding, scale))
            return attrs, out
    except io.ReadError:
        raise
    except (OSError, KeyError, ValueError, TypeError, IndexError, RuntimeError) as e:
        raise io.ReadError(f"{path}: damaged: it cannot be read ({type(e).__name__}: {e})") from None


def _coordinates(found):
    """The names the variables' attribute `coordinates` lists (of those
    read), the attribute moved to each variable's encoding: the CF way, as
    xarray's readers decode it."""
    names = {name for name, *_ in found}
    listed = set()
    for _, _, _, var_attrs, encoding, _ in found:
        if "coordinates" in var_attrs:
            encoding["coordinates"] = str(var_attrs.pop("coordinates"))
            listed.update(n for n in encoding["coordinates"].split() if n in names)
    return listed


def _dataset(path, kind, variables, group=None):
    xr = _need("xarray")
    wanted = None if variables is None else set([variables] if isinstance(variables, str) else variables)

    def keep(name, dims):
        # the chosen observables (those over week), and everything else
        return wanted is None or "week" not in dims or name in wanted

    attrs, found = _variables(path, kind, keep, group)
    if wanted is not None:
        missing = wanted - {name for name, *_ in found}
        if missing:
            raise ValueError(f"{path}: no variable {', '.join(sorted(missing))}")
    listed = _coordinates(found)
    coords, data = {}, {}
    for name, dims, values, var_attrs, encoding, scale in found:
        (coords if scale or name in listed else data)[name] = xr.Variable(dims, values, var_attrs, encoding)
    return xr.Dataset(data, coords=coords, attrs=attrs)


def open_run(path, *, variables=None):
    """A run file (docs/output.md) as an xarray.Dataset: every weekly
    observable over `week`, or (`week`, `brand`), with the coordinates
    `week` (int) and `brand` (the brand names, str), each variable's `units`
    and `long_name`, and the file's attributes (`scenario`, `seed`,
    `complete`, ...) in `ds.attrs`. `variables`: only these observables."""
    return _dataset(path, "run", variables)


def open_sweep(path, *, variables=None, group=None):
    """A sweep (or shard) file (docs/output.md, "Sweep files") as an
    xarray.Dataset: the observables over (`run`, `week`) and (`run`,
    `week`, `brand`), NaN where a run recorded nothing; the per-run
    variables over `run` (`point`, `replication`, `seed`, `status`, each
    swept parameter, `wall_time`, `message`, ...); the design over
    `design_point` and `parameter`. Coordinates: `run`, `week`, `brand`
    (str), `design_point`, `parameter` (the swept keys, str), and along
    `run` `point`, `replication`, `seed` and each swept parameter (what the
    file's attribute `coordinates` lists), so `ds.groupby("point")`,
    `ds.where(ds.satisfaction_theta == 2, drop=True)` and
    `ds.set_index(run=["point", "replication"])` work at once.
    `variables`: only these observables (the per-run variables and the
    design come always).

    `group="summary"`: the file's table of its runs instead, over `run`
    and (`run`, `brand`): the same coordinates, `status`,
    `weeks_averaged` and each outcome figure, the mean of an observable
    over the run's last 52 recorded weeks (docs/output.md). Its
    attributes are the group's (`title`, `summary_weeks`)."""
    if group is not None and variables is not None:
        raise ValueError("open_sweep: variables= picks observables of the root; /summary has none over week")
    return _dataset(path, "sweep", variables, group)


def _outcomes(path):
    """The outcome figures of a sweep file's /summary, flat: [(column,
    values (n_run,), info)] in the file's order, a figure over (run, brand)
    as one column per brand, `<name>_<brand>`. info: variable (its path in
    the file), brand (None for the market-wide ones), units, long_name and,
    for money, currency. [] for a file without /summary."""
    import h5py
    from . import io
    with io._open(path) as f:
        if not isinstance(f.get(SUMMARY), h5py.Group):
            return []
    _, found = _variables(path, "sweep", lambda name, dims: True, SUMMARY)
    listed = _coordinates(found)
    brands = next((values for name, dims, values, *_ in found if name == "brand"), [])
    out = []
    for name, dims, values, var_attrs, _, scale in found:
        if scale or name in listed or name == "status" or dims[:1] != ("run",):
            continue
        info = {"variable": f"{SUMMARY}/{name}", "brand": None, "units": var_attrs.get("units", ""),
                "long_name": var_attrs.get("long_name", "")}
        if "currency" in var_attrs:
            info["currency"] = var_attrs["currency"]
        if dims == ("run",):
            out.append((name, values, info))
        elif dims == ("run", "brand"):
            for b, brand in enumerate(brands):
                out.append((f"{name}_{brand}", values[:, b], dict(info, brand=str(brand))))
    return out


def run_columns(path):
    """A sweep file's runs as the columns of a flat table, one row per run:
    [(column, values (n_run,), info)], `run` first, then `point`,
    `replication`, `seed`, `status`, each swept parameter (by its variable's
    name; info["key"] is the key), the file's other per-run variables
    (`wall_time`, `warmup_share_drift`, `message`), then the outcome figures
    of /summary (`weeks_averaged`, the market-wide ones, then each per-brand
    one as `<name>_<brand>`, brand by brand). info: variable (path in the
    file), units, long_name, and key, brand, currency where they apply.
    Needs h5py only: run_table and the report's S_runs.csv are made of it."""
    attrs, found = _variables(path, "sweep", lambda name, dims: dims == ("run",))
    per_run, run = {}, None
    for name, dims, values, var_attrs, _, scale in found:
        if name == "run":
            run = (values, var_attrs)
        elif dims == ("run",) and not scale:
            var_attrs.pop("coordinates", None)
            per_run[name] = (values, var_attrs)
    keys = attrs.get("sweep_keys", [])
    keys = keys if isinstance(keys, list) else [keys]
    by_key = {a["key"]: name for name, (_, a) in per_run.items() if "key" in a}
    swept = [by_key[k] for k in keys if k in by_key]
    swept += [name for name in by_key.values() if name not in swept]
    order = [n for n in _RUN_FIRST if n in per_run] + swept
    order += [n for n in per_run if n not in order]

    def info(name, a):
        i = {"variable": name, "brand": None, "units": a.get("units", ""), "long_name": a.get("long_name", "")}
        i.update({k: a[k] for k in ("key", "currency") if k in a})
        return i
    cols = [("run", run[0], info("run", run[1]))] + [(n, per_run[n][0], info(n, per_run[n][1])) for n in order]
    taken = {c for c, *_ in cols}
    for col, values, i in _outcomes(path):
        cols.append((col if col not in taken else f"{SUMMARY}_{col}", values, i))
    return cols


def run_table(path):
    """The runs of a sweep file as a pandas.DataFrame, one row per run,
    index `run`: `point`, `replication`, `seed`, `status` (1 ok, 0 not run,
    -1 failed), then each swept parameter's value in the run (column named as
    its variable in the file, `brands.[2].automation.target` as
    `brands_2_automation_target`, in the order of the sweep's keys), then the
    file's other per-run variables (`wall_time`, `warmup_share_drift`,
    `message`), then the outcome figures of the file's /summary: each the
    mean of an observable over the run's last 52 recorded weeks (NaN for a
    run that failed or did not run), `weeks_averaged`, the market-wide
    ones (`attention_scarcity`, ...) and the per-brand ones as
    `<observable>_<brand>` (`market_share_Classic`, ...). The table of
    BehaviorSpace or Mesa's batch_run. `df.attrs["swept"]` maps each swept
    column to its key, `df.attrs["columns"]` each column to its variable,
    units, long_name (and key, brand, currency where they apply)."""
    pd = _need("pandas")
    cols = run_columns(path)
    df = pd.DataFrame({c: v for c, v, _ in cols[1:]}, index=pd.Index(cols[0][1], name="run"))
    df.attrs["swept"] = {c: i["key"] for c, _, i in cols if "key" in i}
    df.attrs["columns"] = {c: i for c, _, i in cols}
    return df
