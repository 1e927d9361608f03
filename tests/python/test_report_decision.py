"""The question a strategist brings, "does automation pay for this brand?",
answered in the first screen of the report, checked in headless Chromium:
robot_rush against the baseline (`aandacht report robot_rush.h5 --against
baseline.h5`) and a scenario written by hand, against itself without the
policy (the default reference). Small runs (5,000 customers, five recorded
years): the page's layout does not depend on the size."""
import re
from pathlib import Path

import numpy as np

from browser_support import browser
from engine_support import SOURCE, run

SMALL = ["--set", "population.customers=5000", "--set", "scenario.weeks=260", "--set", "scenario.warmup=52"]

HANDMADE = """
# my_market: does automating Robo pay?
scenario = { name = "my_market"; seed = 8; weeks = 156; warmup = 52; };
population = { customers = 5000; };
brands = (
  { name = "Robo"; share = 0.5; price = 49.0;
    automation = { start = 0.2; target = 0.8; ramp_start = 13; ramp_weeks = 52; }; },
  { name = "Human"; share = 0.5; price = 50.0; automation = { start = 0.1; }; }
);
"""


def first_screen(html, profile, shot):
    """The decision cards of the page whose top is in the first screen: a
    list of (brand, verdict badge text, card text); and a screenshot."""
    from selenium.webdriver.common.by import By
    d = browser(profile)
    try:
        d.get(Path(html).as_uri())
        assert d.find_elements(By.TAG_NAME, "h2")[0].get_attribute("id") == "decision"
        height = d.execute_script("return window.innerHeight")
        out = []
        for card in d.find_elements(By.CSS_SELECTOR, "div.decision"):
            top = d.execute_script("return arguments[0].getBoundingClientRect().top", card)
            if top + 150 < height:   # its heading and first rows are on screen
                badge = card.find_element(By.CSS_SELECTOR, "h3 span.badge")
                out.append((card.find_element(By.TAG_NAME, "h3").text.split(":")[0], badge.text, card.text))
        assert d.save_screenshot(str(shot))
        return out
    finally:
        d.quit()


VERDICT = re.compile("^(\u25b2 pays|\u25bc costs profit|\u25cf no clear difference in profit)$")


def test_robot_rush_against_the_baseline_answers_in_the_first_screen(tmp_path):
    base, rush = tmp_path / "baseline.h5", tmp_path / "robot_rush.h5"
    run("run", SOURCE / "scenarios" / "baseline.cfg", "-o", base, "--quiet", *SMALL, check=True)
    run("run", SOURCE / "scenarios" / "robot_rush.cfg", "-o", rush, "--quiet", *SMALL, check=True)
    out = tmp_path / "rep"
    r = run("report", rush, "--against", base, "--replications", "2", "-o", out, "--quiet", check=True)
    seen = first_screen(out / "report.html", tmp_path / "profile", tmp_path / "rush.png")
    assert seen, "no decision card in the first screen"
    brand, verdict, text = seen[0]
    assert brand == "Classic" and VERDICT.match(verdict), seen[0]
    assert "automation 15 % \u2192 80 % of contacts" in text and "baseline (baseline.h5)" in text
    assert re.search(r"profit per week, money\s+[\d,]+\s+[\d,]+\s+[\u2212+][\d,]+ \u00b1 [\d,]+", text), text


def test_a_hand_made_scenario_answers_in_the_first_screen(tmp_path):
    cfg = tmp_path / "my_market.cfg"
    cfg.write_text(HANDMADE)
    h5 = tmp_path / "my_market.h5"
    run("run", cfg, "-o", h5, "--quiet", check=True)
    out = tmp_path / "rep"
    run("report", h5, "-o", out, "--quiet", check=True)
    seen = first_screen(out / "report.html", tmp_path / "profile", tmp_path / "mine.png")
    assert [s[0] for s in seen] == ["Robo"], seen
    _, verdict, text = seen[0]
    assert VERDICT.match(verdict)
    assert "the same scenario without Robo's policy" in text and "jobs" in text
    rows = (out / "data" / "my_market_decision.csv").read_text().splitlines()
    assert len(rows) == 5 and rows[1].startswith("Robo,")
