"""Every `units` attribute aandacht writes is a UDUNITS-2 string, as the
file's Conventions = "CF-1.8" promise (docs/output.md, "Units"): checked
with udunits2 (Debian's udunits-bin) on a run file with snapshots and the
raw customer arrays, a sweep shard and the sweep merged from its shards.
The sweep sweeps one parameter of every unit of the parameter table, so
each unit's UDUNITS form is checked too. Money variables carry the
attribute currency (scenario.currency, or "money"), and only they do."""
import functools
import json
import shutil
import subprocess

import h5py
import pytest

from engine_support import run, small_scenario

UDUNITS2 = shutil.which("udunits2")
needs_udunits = pytest.mark.skipif(UDUNITS2 is None, reason="udunits2 is not installed (Debian package "
                                                            "udunits-bin; tools/install-deps installs it)")

# the observables in money (sim/observables.h, ad_market_money and ad_brand_money)
MONEY = {"tips_total", "price", "revenue", "cost", "profit", "tips"}
# parameters not swept: they set the run's size, seed or output (the scenario sets them)
NOT_SWEPT = ("scenario.", "output.", "population.customers")


@functools.lru_cache(maxsize=None)
def udunits_accepts(unit):
    """Does udunits2 parse `unit`? udunits2 -H takes an amount and a unit and
    would read the leading number of "1/week" as the amount: so the unit
    goes after an amount of 1. -W '' asks for its definition; exit status 1
    and "Don't recognize" when it is not a unit."""
    r = subprocess.run([UDUNITS2, "-H", f"1 {unit}", "-W", ""], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60)
    return r.returncode == 0 and "recognize" not in r.stderr + r.stdout


def every_units(path):
    """{object path: (units, attrs)} for every group and dataset of a file with
    a units attribute, and the datasets without one (string coordinates)."""
    found, without = {}, []

    def visit(name, obj):
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in obj.attrs.items()}
        if "units" in attrs:
            found[name] = (attrs["units"], attrs)
        elif isinstance(obj, h5py.Dataset):
            without.append(name)

    with h5py.File(path, "r") as f:
        visit("/", f)
        f.visititems(visit)
    return found, without


def assert_udunits(path):
    found, without = every_units(path)
    assert found, path
    bad = sorted({u for u, _ in found.values() if not (isinstance(u, str) and u and udunits_accepts(u))})
    where = {u: [n for n, (v, _) in found.items() if v == u][:5] for u in bad}
    assert not bad, f"{path.name}: units udunits2 does not accept: {where}"
    # only string variables (brand coordinates, the parameter names, resolved_config) go without
    for name in without:
        with h5py.File(path, "r") as f:
            assert f[name].dtype.kind in "OS", f"{path.name}: {name} has no units"
    return found


def assert_currency(found, currency, swept_money=()):
    """Money observables (and the swept money parameters) carry currency; nothing else does."""
    have = {n.split("/")[-1] for n, (_, a) in found.items() if "currency" in a}
    want = {n for n in MONEY if n in found} | set(swept_money)
    assert MONEY <= {n.split("/")[-1] for n in found}, "a money observable is missing"
    assert have == want
    for n, (_, a) in found.items():
        if "currency" in a:
            assert a["currency"] == currency, n


@needs_udunits
def test_the_check_rejects_what_is_not_a_unit():
    # the units files had before, which CF tools refused
    for u in ("contact/week", "money/week", "money/contact", "customer", "employee", "contact", "logit"):
        assert not udunits_accepts(u), u
    for u in ("1", "week-1", "1/week", "year-1", "week", "percent", "s", "0.001"):
        assert udunits_accepts(u), u


@needs_udunits
def test_the_walk_finds_a_wrong_unit_deep_in_a_file(tmp_path):
    path = tmp_path / "wrong.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("week", data=[0, 1]).attrs["units"] = "week"
        f.create_dataset("agents/week_000001/visits", data=[1.0]).attrs["units"] = "contact/week"
    with pytest.raises(AssertionError, match="contact/week"):
        assert_udunits(path)


@needs_udunits
def test_run_file_units(tmp_path):
    cfg = small_scenario(tmp_path, weeks=12, warmup=8, customers=1500,
                         extra="output = { snapshot_every = 5; raw_agents = true; };")
    out = tmp_path / "run.h5"
    run("run", cfg, "-o", out, "--quiet", check=True)
    found = assert_udunits(out)
    # the groups a run can have are all there: their units were checked
    assert "snapshots/brand_satisfaction" in found and "agents/week_000010/loyalty" in found
    assert found["week"][0] == "week" and found["snapshots/snapshot_week"][0] == "week"
    assert found["profit"][0] == "week-1" and found["price"][0] == "1" and found["customers"][0] == "1"
    assert "customers" in found["snapshots/loyalty"][1]["long_name"]      # what a count counts
    assert_currency(found, "money")                                    # no scenario.currency: "money"


def one_parameter_per_unit():
    """{unit: parameter} for every unit of the numeric parameters (REAL and
    INT, the ones a sweep can vary), from aandacht params --json."""
    params = json.loads(run("params", "--json", check=True).stdout)["parameters"]
    numeric = [p for p in params if p["type"] in ("real", "int")]
    chosen = {}
    for p in numeric:
        if not p["key"].startswith(NOT_SWEPT):
            chosen.setdefault(p["unit"], p)
    units = {p["unit"] for p in numeric if not p["key"].startswith(NOT_SWEPT)}
    assert set(chosen) == units
    return chosen


@needs_udunits
def test_sweep_shard_and_merged_units(tmp_path):
    chosen = one_parameter_per_unit()
    assert {"1/week", "money/(employee week)", "employee/1000 customer", "customer"} <= set(chosen)
    keys = [("brands.[0]." + p["key"]) if p["per_brand"] else p["key"] for p in chosen.values()]
    point = ", ".join(repr(float(p["default"])) for p in chosen.values())
    sweep = "sweep = { design = \"list\"; replications = 1; parameters = (\n%s\n); points = ( [%s], [%s] ); };" % (
        ",\n".join(f'  {{ key = "{k}"; }}' for k in keys), point, point)
    cfg = small_scenario(tmp_path, weeks=6, warmup=4, customers=800, extra=sweep)
    shards = []
    for i in range(2):
        shards.append(tmp_path / f"s.shard{i}of2.h5")
        run("sweep", cfg, "-o", tmp_path / "s.h5", "--shard", f"{i}/2", "--quiet",
            "--set", "scenario.currency=EUR", check=True)
    merged = tmp_path / "merged.h5"
    run("merge", *shards, "-o", merged, "--quiet", check=True)
    for path in (shards[0], merged):
        found = assert_udunits(path)
        swept = {}
        for n, (_, a) in found.items():
            if "key" in a:
                swept[a["key"]] = n
        assert set(swept) == set(keys)
        money = []
        for key, p in zip(keys, chosen.values()):
            name = swept[key]
            units, attrs = found[name]
            if p["unit"] not in ("", "1", units):   # the table's unit, for people, in the long_name
                assert f"({p['unit']})" in attrs["long_name"], (key, attrs["long_name"])
            if "money" in p["unit"]:
                money.append(name)
        assert found[swept["population.contact_rate"]][0] == "week-1"
        assert found[swept["brands.[0].staff_per_1000"]][0] == "0.001"
        assert found[swept["brands.[0]." + chosen["money/(employee week)"]["key"]]][0] == "week-1"
        assert_currency(found, "EUR", money)
