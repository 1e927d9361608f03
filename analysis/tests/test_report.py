"""The report on small files made by the engine: every chart is drawn and
decodes, the CSV files hold the HDF5 values, the page is self-contained and
shows every image in headless Chromium, and the claims card matches what
the run did. (One module, so that the report is built once per session.)"""
import csv
import os
import re
import shutil
import subprocess
from pathlib import Path
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import h5py
import numpy as np
import pytest
from matplotlib import image as mpimg

from report_runs import built_report, run_files, sweepfile  # noqa: F401  (fixtures)
from aandacht import charts, claims, compare, io, relations, report, style, tables


def test_every_chart_is_drawn(built_report, run_files):
    res, out = built_report
    stems = {c["stem"] for c in res["charts"]}
    for fn in charts.TIME_CHARTS + relations.RELATION_CHARTS:
        assert f"tipshock_{fn.__name__}" in stems, fn.__name__
    # the calm run has no tipping and no shock: those charts are left out, the rest drawn
    assert "calm_tip_rate" not in stems and "calm_shock_visits" not in stems
    assert "calm_market_share" in stems
    for spec in compare.FIGURES:
        if spec[0] != "tip_rate":
            assert f"compare_{spec[0]}" in stems
    assert "compare_tip_rate" in stems     # one of the two runs tips


def test_charts_decode_and_are_not_blank(built_report):
    res, _ = built_report
    for c in res["charts"]:
        img = mpimg.imread(c["png"])
        assert img.shape[0] >= 1000 and img.shape[1] >= 1100, c["stem"]
        assert float(np.std(img[..., :3])) > 0.05, f"{c['stem']} is blank"
        root = ET.parse(c["svg"]).getroot()
        assert root.tag.endswith("svg")
        assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 20, c["stem"]
        assert c["title"] and c["caption"]


def test_svg_is_the_same_bytes_twice(run_files, tmp_path):
    style.apply()
    d = io.read(run_files["tipshock"])
    a = charts.market_share(d, tmp_path / "a")
    b = charts.market_share(d, tmp_path / "b")
    assert a["svg"].read_bytes() == b["svg"].read_bytes()
    assert b"<dc:date>" not in a["svg"].read_bytes()


def _read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def _num(cell):
    return np.nan if cell == "" else float(cell)


def test_csv_holds_the_hdf5_values(built_report, run_files):
    _, out = built_report
    path = run_files["tipshock"]
    with h5py.File(path, "r") as f:
        brands = list(f["brand"].asstr()[()])
        head, rows = _read_csv(out / "data" / "tipshock_market.csv")
        assert head[0] == "week" and len(rows) == len(f["week"])
        for j, name in enumerate(head[1:], start=1):
            got = np.array([_num(r[j]) for r in rows])
            np.testing.assert_array_equal(got, f[name][()], err_msg=name)
        head, rows = _read_csv(out / "data" / "tipshock_brands.csv")
        assert head[:2] == ["week", "brand"] and len(rows) == len(f["week"]) * len(brands)
        assert [r[1] for r in rows[:len(brands)]] == brands
        for j, name in enumerate(head[2:], start=2):
            got = np.array([_num(r[j]) for r in rows]).reshape(len(f["week"]), len(brands))
            np.testing.assert_array_equal(got, f[name][()], err_msg=name)
        market = [k for k, v in f.items() if isinstance(v, h5py.Dataset) and v.ndim == 1
                  and k not in ("week", "brand")]
        assert set(market) == set(_read_csv(out / "data" / "tipshock_market.csv")[0][1:])
        params = dict(_read_csv(out / "data" / "tipshock_parameters.csv")[1])
        assert params["scenario.seed"] == str(f["parameters"].attrs["scenario.seed"])


def test_sweep_csv_has_run_columns(sweepfile, tmp_path):
    d = io.read(sweepfile)
    files = {t["name"]: t["path"] for t in tables.write_csvs(d, tmp_path)}
    head, rows = _read_csv(files["tinysweep_brands.csv"])
    assert head[:5] == ["run", "point", "replication", "seed", "status"]
    assert "brands_Robo_automation_target" in head
    with h5py.File(sweepfile, "r") as f:
        n_run, n_week, n_brand = f["market_share"].shape
        assert len(rows) == n_run * n_week * n_brand
        col = head.index("market_share")
        got = np.array([_num(r[col]) for r in rows]).reshape(n_run, n_week, n_brand)
        np.testing.assert_array_equal(got, f["market_share"][()])
        seeds = np.array([int(r[3]) for r in rows]).reshape(n_run, n_week, n_brand)[:, 0, 0]
        np.testing.assert_array_equal(seeds, f["seed"][()])
        t = head.index("brands_Robo_automation_target")
        x = np.array([float(r[t]) for r in rows]).reshape(n_run, n_week, n_brand)[:, 0, 0]
        np.testing.assert_array_equal(x, f["brands_Robo_automation_target"][()])
    head, rows = _read_csv(files["tinysweep_runs.csv"])
    assert len(rows) == n_run and "wall_time" in head


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs, self.external, self.tags = [], [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        for key in ("src", "href"):
            v = a.get(key) or ""
            if re.match(r"(https?:)?//", v) or (tag in ("link", "script") and v):
                self.external.append(v)


def test_page_is_self_contained(built_report):
    res, out = built_report
    text = res["html"].read_text(encoding="utf-8")
    p = _Page()
    p.feed(text)
    assert len(p.imgs) == len(res["charts"])
    assert all(s.startswith("data:image/png;base64,") for s in p.imgs)
    assert not p.external, p.external
    assert "link" not in p.tags and "script" not in p.tags
    for words in ("Robo automates; Classic suffers a shock; guests tip.", "Claims scorecard",
                  "Key figures per brand", "C7", "not testable with these runs"):
        assert words in text, words


def test_scorecard_of_the_runs(run_files):
    cards = {c["claim"]: c for c in claims.scorecard(io.read(run_files["calm"]))}
    # nothing changes in the calm market: the claims about change cannot be tested,
    # but its brands automate 15 to 25 %, so C1 is judged across them
    assert cards["C1"]["verdict"] != "not testable with these runs" and "cross-sectional" in cards["C1"]["figure"]
    assert cards["C2"]["verdict"] == "not testable with these runs"
    assert cards["C6"]["verdict"] == "not testable with these runs" and "reputation_shock" in cards["C6"]["why_not"]
    assert cards["C7"]["verdict"] == "not testable with these runs" and "hospitality_tips" in cards["C7"]["why_not"]
    assert cards["C5"]["verdict"] == "not testable with these runs" and "hybrid_split" in cards["C5"]["why_not"]
    cards = {c["claim"]: c for c in claims.scorecard(io.read(run_files["tipshock"]))}
    assert cards["C1"]["verdict"] != "not testable with these runs"
    assert cards["C6"]["verdict"] != "not testable with these runs"
    assert cards["C7"]["verdict"] != "not testable with these runs"
    assert cards["A"]["verdict"] in ("automation wins on profit", "automation loses on profit",
                                     "no clear winner on profit")
    assert "Robo" in cards["A"]["figure"]


def test_page_judges_across_files(built_report):
    """tipshock and calm are runs of one market: the page has a column and
    cards across the files, naming the files compared."""
    res, _ = built_report
    assert [c["claim"] for c in res["across"]] == ["C1", "C2", "A"]
    c1 = res["across"][0]
    assert c1["files"] == ["calm", "tipshock"]
    if c1["verdict"] != "not testable with these runs":
        assert "tipshock.h5 against calm.h5" in c1["figure"]
    text = res["html"].read_text(encoding="utf-8")
    for words in ('<th>across files</th>', 'id="across"', "per file only", '<ul class="details">'):
        assert words in text, words


def test_sweep_scorecard_uses_replications(sweepfile):
    d = io.read(sweepfile)
    cards = {c["claim"]: c for c in claims.scorecard(d)}
    c1 = cards["C1"]
    assert c1["verdict"] in ("supported", "not supported")
    assert c1["parts"][0]["n"] == 2 and "95 % interval" in c1["uncertainty"]


def test_sweep_report(sweepfile, tmp_path):
    res = report.build([io.read(sweepfile)], tmp_path)
    text = res["html"].read_text(encoding="utf-8")
    assert "lhs: 3 points" in text
    if report.sweepcharts is None:
        pytest.skip(f"aandacht.sweepcharts not importable: {report.SWEEP_IMPORT_ERROR}")
    assert res["charts"], "a sweep report without sweep charts"
    for c in res["charts"]:
        assert c["png"].exists() and c["svg"].exists()


# ---- the page in a browser --------------------------------------------------------

CHECK = """<script>
window.addEventListener('load', function () {
  var imgs = document.images, broken = 0, n = imgs.length;
  for (var i = 0; i < n; i++)
    if (!imgs[i].complete || imgs[i].naturalWidth === 0) broken++;
  document.body.innerHTML = '<p id="imgcheck">IMAGES=' + n + ' BROKEN=' + broken + '</p>';
});
</script></body>"""


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium; tools/install-deps installs it)")


def _headless(browser, *args):
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-dev-shm-usage", "--hide-scrollbars", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def test_page_in_chromium_has_no_broken_images(built_report, tmp_path):
    browser = _chromium()
    res, out = built_report
    page = res["html"].read_text(encoding="utf-8")
    n_img = page.count("<img ")
    # a copy of the page with a script that counts images that did not decode
    # (and then empties the page, so that --dump-dom prints little),
    # and one image that cannot decode, so that the probe is known not to be blind
    bad = '<img src="data:image/png;base64,AAAA" alt="deliberately broken">'
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", bad + CHECK, 1), encoding="utf-8")
    r = _headless(browser, "--virtual-time-budget=5000", "--dump-dom", probe.as_uri())
    assert "IMAGES=" in r.stdout, r.stderr[-2000:]
    assert f"IMAGES={n_img + 1} BROKEN=1" in r.stdout, r.stdout[-300:]


def test_page_screenshot(built_report):
    """A screenshot of the top of the page (beside the report as
    screenshot.png, or where AANDACHT_SCREENSHOT says, to look at): it
    renders and is not blank."""
    browser = _chromium()
    res, out = built_report
    shot = Path(os.environ.get("AANDACHT_SCREENSHOT", Path(out) / "screenshot.png"))
    r = _headless(browser, f"--screenshot={shot}", "--window-size=1600,1000", res["html"].as_uri())
    assert shot.exists(), r.stderr[-2000:]
    img = mpimg.imread(shot)
    assert img.shape[:2] == (1000, 1600)
    assert float(np.std(img[..., :3])) > 0.05


def test_index_tables_come_from_the_chart_entries(tmp_path):
    """Sensitivity tables of the page and their CSV files hold the numbers the index charts carry."""
    from aandacht import indextables
    sobol = [dict(parameter="satisfaction.theta", S1=0.25, S1_low=0.1, S1_high=0.4, ST=0.5, ST_low=0.3,
                  ST_high=0.7), dict(parameter="brands.[2].price", S1=float("nan"), S1_low=float("nan"),
                                     S1_high=float("nan"), ST=0.1, ST_low=0.0, ST_high=0.2)]
    charts_ = [dict(stem="sweep_time_x", title="t", caption="c"),
               dict(stem="sweep_sobol_x", title="Theta matters most", caption="c", table=sobol)]
    t = indextables.index_tables(charts_)
    assert len(t) == 1 and t[0]["header"][1].startswith("first-order S1")
    assert t[0]["rows"][0] == ["satisfaction.theta", "0.25 [0.1, 0.4]", "0.5 [0.3, 0.7]"]
    assert t[0]["rows"][1][1] == "\u2013"
    f = indextables.write_index_csvs(t, tmp_path, "sw")[0]
    head, rows = _read_csv(f["path"])
    assert f["name"] == "sw_sweep_sobol_x.csv" and head[:2] == ["parameter", "S1"]
    assert float(rows[0][1]) == 0.25 and rows[1][1] == ""


def test_tips_chart_tells_how_weakly_tips_follow_satisfaction(run_files, tmp_path):
    style.apply()
    d = io.read(run_files["tipshock"])
    r = float(np.mean(d["market"]["tip_satisfaction_r"]))
    c = relations.attention_tips(d, tmp_path / "with")
    assert f"r\u00a0=\u00a0{r:.2f} over single human contacts" in c["caption"]
    # a file written before the observable existed: the chart without the sentence
    del d["market"]["tip_satisfaction_r"]
    c = relations.attention_tips(d, tmp_path / "without")
    assert "satisfaction" not in c["caption"] and c["caption"].startswith("C7:")
