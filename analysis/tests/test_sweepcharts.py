"""Sweep charts on tiny sweep files made by the engine, one per design kind:
every chart is made, its PNG decodes to a non-blank 16:9 image and its SVG
parses; failed runs are left out and said; titles follow from the data on
constructed sweeps."""
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from aandacht import io, sweepcharts, sweepdata

OUTCOMES = [("market_share", "Budget")]          # one outcome: every kind of chart once
KINDS = {"grid": {"time", "map"}, "grid1": {"time", "map"}, "lhs": {"time", "map"},
         "saltelli": {"time", "map", "sobol"}, "morris": {"time", "map", "morris"}}


def check_chart(chart):
    assert chart["title"] and chart["caption"] and chart["stem"].startswith("sweep_")
    with Image.open(chart["png"]) as im:
        im.load()
        assert abs(im.size[0] / im.size[1] - 16 / 9) < 0.01 and im.size[1] == 1125
        pixels = np.asarray(im.convert("L"), dtype=float)
    ink = np.mean(pixels < 200)                  # share of pixels that are not near-white
    assert 0.01 < ink < 0.6, (chart["stem"], ink)
    root = ET.parse(chart["svg"]).getroot()
    assert root.tag.endswith("svg")
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 20


@pytest.mark.parametrize("name", list(KINDS))
def test_every_chart_of_each_design(sweep_file, tmp_path, name):
    d = io.read(sweep_file(name))
    charts = sweepcharts.make_all(d, tmp_path, outcomes=OUTCOMES, resamples=200)
    kinds = {c["stem"].split("_")[1] for c in charts}
    assert kinds == KINDS[name]
    assert len(charts) == len(OUTCOMES) * len(KINDS[name])
    assert len({c["stem"] for c in charts}) == len(charts)
    for c in charts:
        check_chart(c)
        if c["stem"].split("_")[1] in ("sobol", "morris"):
            assert [row["parameter"] for row in c["table"]] == [s["key"] for s in d["swept"]]
            assert all(np.isfinite(v) for row in c["table"] for key, v in row.items() if key != "parameter")
        assert f"sweep seed {d['attrs']['sweep_seed']}" in sweepdata.Sweep(d).footnote()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        n for c in charts for n in (c["png"].name, c["svg"].name))


def test_default_outcomes_follow_the_swept_brand(sweep_file):
    sw = sweepdata.Sweep(io.read(sweep_file("morris")))
    # brands.[2].automation.target is swept first: Budget is the brand the charts follow
    assert sweepdata.default_outcomes(sw) == [("attention_scarcity", None), ("customer_nps", None),
                                              ("market_share", "Budget"), ("profit", "Budget")]
    assert sw.labels == ["Budget automation target", "satisfaction.theta", "Classic price"]


def test_failed_runs_are_left_out_and_said(sweep_file, tmp_path):
    d = io.read(sweep_file("saltelli"))
    status = d["runs"]["status"].copy()
    status[[0, 7]] = -1                      # point 0 (row 0 of A) and point 3 (row 3 of A)
    d["runs"]["status"] = status
    d["ok"] = status == 1
    for name in d["market"]:
        d["market"][name][[0, 7]] = np.nan
    for name in d["brand"]:
        d["brand"][name][[0, 7]] = np.nan
    charts = sweepcharts.make_all(d, tmp_path, outcomes=[("attention_scarcity", None)], resamples=100)
    assert len(charts) == 3
    sobol = charts[2]
    assert "2 base rows dropped for failed runs" in sobol["caption"]
    assert "2 failed runs left out" in sweepdata.Sweep(d).footnote()
    for c in charts:
        check_chart(c)


def test_a_file_that_is_not_a_sweep_is_refused(sweep_file):
    d = io.read(sweep_file("grid"))
    with pytest.raises(KeyError, match="no brand observable 'market_share' of brand 'Nobody'"):
        sweepcharts.make_all(d, "unused", outcomes=[("market_share", "Nobody")])
    with pytest.raises(ValueError, match="not a sweep file"):
        sweepdata.Sweep(dict(d, kind="run"))


# ---- titles on constructed sweeps ---------------------------------------------------

def fake_grid(outcome_of_u, levels=4, reps=3, noise=0.002, seed=0):
    """An io.read-like dict of a 2-parameter grid sweep whose market
    observable 'hhi' is outcome_of_u(u) plus noise, flat over 10 weeks."""
    u1 = np.linspace(0, 1, levels)
    u = np.array([(a, b) for a in u1 for b in u1])
    P = len(u)
    point = np.repeat(np.arange(P), reps)
    rng = np.random.default_rng(seed)
    y = outcome_of_u(u)[point] + noise * rng.standard_normal(P * reps)
    weeks = 10
    lo, hi = np.array([0.0, 10.0]), np.array([1.0, 20.0])
    x = lo + u * (hi - lo)
    return dict(kind="sweep", path="fake.h5", scenario="fake", brands=["A", "B"], week=np.arange(weeks),
                attrs=dict(sweep_design="grid", sweep_seed=9, sweep_points=P, sweep_replications=reps,
                           customers=1000),
                swept=[dict(name="p_a", key="p.a", min=0.0, max=1.0), dict(name="p_b", key="p.b", min=10.0,
                                                                             max=20.0)],
                runs=dict(point=point, replication=np.tile(np.arange(reps), P), status=np.ones(P * reps)),
                design=dict(design_u=u, design_x=x, parameter=["p.a", "p.b"]),
                market=dict(hhi=np.repeat(y[:, None], weeks, axis=1)),
                brand=dict(market_share=np.full((P * reps, weeks, 2), 0.5)),
                units=dict(hhi="1"), long_name={})


def test_titles_say_what_the_data_show(tmp_path):
    rising = fake_grid(lambda u: 0.2 + 0.3 * u[:, 0])
    charts = sweepcharts.make_all(rising, tmp_path, outcomes=[("hhi", None)])
    assert charts[0]["title"] == "Hhi rises with p.a"
    assert charts[1]["title"] == "Hhi rises with p.a, not clearly with p.b"
    for f, title in ((lambda u: 0.5 - 0.2 * u[:, 1] + 0.1 * u[:, 0], "Hhi rises with p.a and falls with p.b"),
                     (lambda u: 0.5 + 0.2 * u[:, 1] + 0.1 * u[:, 0], "Hhi rises with p.a and p.b"),
                     (lambda u: np.full(len(u), 0.3), "Hhi: no clear trend with p.a or p.b")):
        sw = sweepdata.Sweep(fake_grid(f, noise=0.01))
        table = sw.per_point(sw.reducer(("hhi", None))(sw.flat))
        assert sweepdata.trend_title(sw, "Hhi", table, [0, 1]) == title


def test_bands_only_from_three_replications(sweep_file, tmp_path):
    # the session's sweeps have 2 replications: lines and points, no band, and
    # the captions say so; the time axis is in the run charts' unit
    d = io.read(sweep_file("grid1"))
    made = sweepcharts.make_all(d, tmp_path)
    time = next(c for c in made if "_time_" in c["stem"])
    resp = next(c for c in made if "_map_" in c["stem"])
    assert "without a band (fewer than 3 replications)" in time["caption"]
    assert "without a band (fewer than 3 replications)" in resp["caption"]
    # 20 recorded weeks: weeks, as a run chart of that length (years from two years on)
    assert sweepcharts._time(sweepcharts.Sweep(d))[1] == "weeks after the warm-up"
