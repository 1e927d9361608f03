"""io.read: run and sweep files into plain arrays; files it must refuse."""
import shutil

import h5py
import numpy as np
import pytest

from report_runs import run_files, sweepfile  # noqa: F401  (fixtures)
from aandacht import io


def test_run_file(run_files):
    d = io.read(run_files["tipshock"])
    assert d["kind"] == "run" and d["scenario"] == "tipshock" and d["seed"] == 11
    assert d["brands"] == ["Classic", "Service", "Robo"]
    n = len(d["week"])
    assert d["market"]["automation_share"].shape == (n,)
    assert d["brand"]["market_share"].shape == (n, 3)
    assert d["units"]["profit"] == "week-1" and d["currency"]["profit"] == "money"
    assert d["events"][0]["brand"] == "Classic" and d["events"][0]["week"] == 16
    assert d["interventions"][0]["key"] == "hr_marketing"
    assert d["parameters"]["tipping.enabled"] == 1
    assert "tipshock" in d["resolved_config"]
    with h5py.File(run_files["tipshock"], "r") as f:
        np.testing.assert_array_equal(d["brand"]["profit"], f["profit"][()])
        np.testing.assert_array_equal(d["snapshots"]["brand_deficit"], f["snapshots/brand_deficit"][()])
    snap = d["snapshots"]
    assert list(snap["week"]) == [0] and snap["bin"].shape == (20,)
    assert snap["brand_deficit"].shape == (1, 3, 20) and snap["deficit"].shape == (1, 20)
    assert snap["brand_deficit"].sum() == 3000          # every customer, by brand


def test_sweep_file(sweepfile):
    d = io.read(sweepfile)
    assert d["kind"] == "sweep" and d["seed"] == 5
    n_run = len(d["ok"])
    assert n_run == 6 and d["ok"].all()
    assert d["market"]["attention_scarcity"].shape[0] == n_run
    assert d["swept"][0]["key"] == "brands.Robo.automation.target"
    assert d["swept"][0]["name"] == "brands_Robo_automation_target"
    assert d["runs"]["brands_Robo_automation_target"].shape == (n_run,)
    assert d["design"]["design_u"].shape == (3, 1)
    assert d["snapshots"] == {}


def test_partial_file_is_read_up_to_weeks_written(run_files, tmp_path):
    part = tmp_path / "cut.h5.partial"
    shutil.copy(run_files["calm"], part)
    with h5py.File(part, "r+") as f:
        f.attrs["weeks_written"] = np.int64(20)
        f.attrs["complete"] = np.int8(0)
    d = io.read(part)
    assert not d["complete"] and len(d["week"]) == 20
    assert d["brand"]["visits"].shape == (20, 3) and d["stem"] == "cut"


def test_refuses_what_is_not_an_aandacht_file(tmp_path):
    with pytest.raises(io.ReadError, match="nothere.h5: no such file"):
        io.read(tmp_path / "nothere.h5")
    with pytest.raises(io.ReadError, match="is a directory"):
        io.read(tmp_path)
    (tmp_path / "t.h5").write_text("text")
    with pytest.raises(io.ReadError, match="t.h5: not an aandacht file"):
        io.read(tmp_path / "t.h5")
    with h5py.File(tmp_path / "x.h5", "w") as f:
        f["week"] = np.arange(3)
    with pytest.raises(io.ReadError, match="x.h5: not an aandacht file"):
        io.read(tmp_path / "x.h5")
