"""The report on small files made by the engine: every chart is drawn and
decodes, the CSV files hold the HDF5 values, the page is self-contained and
shows the claims scorecard and every chart in headless Chromium, and the
claims card matches what the run did. (One module, so that the report is
built once per session.)"""
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


# how the tests run Chromium: headless, nothing fetched from the network, a
# fresh profile each time (--user-data-dir, added by each test)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars"]


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium; tools/install-deps installs it)")


def _headless(browser, profile, *args):
    cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def _webdriver(profile, width=1600, height=1000):
    """Headless Chromium driven by Selenium through chromedriver; skips
    without Chromium, chromedriver or Selenium (Debian: chromium,
    chromium-driver, python3-selenium; tools/install-deps installs them)."""
    browser = _chromium()
    driver = shutil.which("chromedriver")
    if not driver:
        pytest.skip("chromedriver is not installed (Debian: apt-get install chromium-driver)")
    pytest.importorskip("selenium", reason="Selenium is not installed (Debian: apt-get install python3-selenium)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={profile}", f"--window-size={width},{height}"]:
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=driver), options=opts)


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
    r = _headless(browser, tmp_path / "profile", "--virtual-time-budget=5000", "--dump-dom", probe.as_uri())
    assert "IMAGES=" in r.stdout, r.stderr[-2000:]
    assert f"IMAGES={n_img + 1} BROKEN=1" in r.stdout, r.stdout[-300:]


def _charts_on_disk(out):
    """{path in the report directory without suffix: (width, height) of its
    PNG} for every chart in the report's charts/, each drawn as PNG and SVG."""
    pngs = {p.relative_to(out).with_suffix("").as_posix(): p for p in (out / "charts").rglob("*.png")}
    svgs = {p.relative_to(out).with_suffix("").as_posix() for p in (out / "charts").rglob("*.svg")}
    assert pngs and set(pngs) == svgs, set(pngs) ^ svgs
    return {rel: mpimg.imread(p).shape[1::-1] for rel, p in pngs.items()}


# where an element is on the page, and whether it is what one sees at its centre
# once scrolled there (not hidden, covered or outside the page)
SEEN = """var e = arguments[0];
e.scrollIntoView({block: "center"});
var r = e.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
var top = document.elementFromPoint(x, y);
return {width: r.width, height: r.height, seen: top !== null && (top === e || e.contains(top)),
        complete: e.complete === undefined ? true : e.complete,
        naturalWidth: e.naturalWidth || 0, naturalHeight: e.naturalHeight || 0};"""


def test_page_in_chromium_shows_the_scorecard_and_every_chart(built_report, tmp_path):
    """The report opened in headless Chromium (Selenium): the claims
    scorecard is shown with every file's verdicts; every chart of the
    report's charts/ directory is on the page, decoded at its PNG's size,
    laid out at a readable width and visible. Screenshots of the top of the
    page and of the scorecard (beside the report as screenshot.png and
    screenshot_scorecard.png, or where AANDACHT_SCREENSHOT says, to look
    at) are not blank."""
    res, out = built_report
    on_disk = _charts_on_disk(Path(out))
    assert set(on_disk) == {c["rel"] for c in res["charts"]}
    driver = _webdriver(tmp_path / "profile")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    try:
        driver.get(res["html"].as_uri())
        WebDriverWait(driver, 30).until(lambda d: d.execute_script(
            "return document.readyState === 'complete' && Array.from(document.images).every(i => i.complete)"))

        shot = Path(os.environ.get("AANDACHT_SCREENSHOT", Path(out) / "screenshot.png"))
        assert driver.save_screenshot(str(shot))
        img = mpimg.imread(shot)
        assert img.shape[0] > 500 and img.shape[1] >= 1500, img.shape
        assert float(np.std(img[..., :3])) > 0.05

        # the decision first: the page's first section, its first card (brand,
        # verdict in the verdict's own colour) in the first screen
        assert driver.find_elements(By.TAG_NAME, "h2")[0].get_attribute("id") == "decision"
        cards = driver.find_elements(By.CSS_SELECTOR, "div.decision")
        expected = [c for cs in res["decisions"].values() for c in cs]
        assert expected and len(cards) == len(expected)
        top = driver.execute_script("window.scrollTo(0, 0); var r = arguments[0].getBoundingClientRect();"
                                    "return [r.top, r.top + 120, window.innerHeight];", cards[0])
        assert top[1] < top[2], f"the first decision card starts below the first screen: {top}"
        for card, c in zip(cards, expected):
            badge = card.find_element(By.CSS_SELECTOR, "h3 span.badge")
            cls = badge.get_attribute("class").split()[1]
            assert cls == {"wins on profit": "win", "loses on profit": "lose"}.get(c["verdict"], "unclear")
            assert card.text.startswith(c["brand"] + ":")
        colours = {cls: driver.execute_script(
            "var e = document.createElement('span'); e.className = 'badge ' + arguments[0];"
            "document.body.appendChild(e); var c = getComputedStyle(e).backgroundColor; e.remove(); return c;", cls)
            for cls in ("win", "lose", "unclear")}
        assert len(set(colours.values())) == 3, colours

        # the scorecard: its heading, the matrix of claims by file, and each file's cards
        heading = driver.find_element(By.ID, "scorecard")
        assert heading.tag_name == "h2" and heading.text == "Claims scorecard"
        assert driver.execute_script(SEEN, heading)["seen"]
        # and a second screenshot, from the scorecard's heading down
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", heading)
        card_shot = shot.with_name(shot.stem + "_scorecard.png")
        assert driver.save_screenshot(str(card_shot))
        assert float(np.std(mpimg.imread(card_shot)[..., :3])) > 0.05
        matrix = heading.find_element(By.XPATH, "following-sibling::table[contains(@class, 'matrix')][1]")
        seen = driver.execute_script(SEEN, matrix)
        assert seen["seen"] and seen["width"] > 600, seen
        files = list(res["cards"])   # in the order of the report's files
        head = [th.text for th in matrix.find_elements(By.CSS_SELECTOR, "thead th")]
        assert head[1:1 + len(files)] == files, head
        rows = matrix.find_elements(By.CSS_SELECTOR, "tbody tr")
        claim_ids = [c["claim"] for c in res["cards"][files[0]]]
        assert [r.find_element(By.TAG_NAME, "b").text for r in rows] == claim_ids
        for r in rows:
            assert len(r.find_elements(By.CSS_SELECTOR, "span.badge")) >= len(files)
        for stem in files:
            sub = driver.find_element(By.XPATH, f"//h2[@id='scorecard']/following-sibling::h3[contains(., '({stem})')]")
            table = sub.find_element(By.XPATH, "following-sibling::table[1]")
            assert driver.execute_script(SEEN, table)["seen"], stem
            # the badge: a mark (tick, cross or dash) and the verdict
            shown = {r.find_element(By.TAG_NAME, "b").text:
                     re.sub("^[\u2713\u2717\u2013] ", "", r.find_element(By.CSS_SELECTOR, "span.badge").text)
                     for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")}
            assert shown == {c["claim"]: c["verdict"] for c in res["cards"][stem]}, stem

        # every chart: in the page once, decoded at its PNG's size, laid out and visible
        assert len(driver.find_elements(By.TAG_NAME, "img")) == len(on_disk)
        figures = {f.get_attribute("id"): f for f in driver.find_elements(By.TAG_NAME, "figure")}
        assert set(figures) == set(on_disk), set(figures) ^ set(on_disk)
        for rel, size in sorted(on_disk.items()):
            img_el = figures[rel].find_element(By.TAG_NAME, "img")
            assert img_el.is_displayed(), rel
            seen = driver.execute_script(SEEN, img_el)
            assert seen["complete"] and (seen["naturalWidth"], seen["naturalHeight"]) == size, (rel, seen, size)
            assert seen["width"] > 600 and seen["height"] > 300, (rel, seen)
            assert seen["seen"], f"{rel} is covered or off the page: {seen}"
    finally:
        driver.quit()


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
