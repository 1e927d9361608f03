"""`aandacht explore`: the page with sliders, in a real browser (headless
Chromium driven by Selenium) and through its HTTP API under load.

The server runs a small market (20,000 customers, 104 recorded weeks after
26 warm-up weeks) with bounds given on its command line, as a strategist
would start it (`aandacht explore FILE.cfg`), on a free port."""
import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import h5py
import pytest

from browser_support import browser
from engine_support import BINARY, run

SCENARIO = """# explore_small: a small market for the explorer's tests
scenario = { name = "explore_small"; seed = 11; weeks = 104; warmup = 26; };
population = { customers = 20000; };
brands = (
  { name = "Robo";  share = 0.5; price = 48.0; automation = { start = 0.2; }; },
  { name = "Human"; share = 0.5; price = 52.0; hr_investment = 0.2; automation = { start = 0.1; }; }
);
"""


# ---------------------------------------------------------------- the server

class Explorer:
    """`aandacht explore` started in a folder of its own; stop() is Ctrl-C."""

    def __init__(self, folder, *extra):
        self.folder = Path(folder)
        (self.folder / "scenarios").mkdir(parents=True, exist_ok=True)
        self.cfg = self.folder / "scenarios" / "explore_small.cfg"
        self.cfg.write_text(SCENARIO)
        if not BINARY.exists():
            pytest.fail(f"aandacht binary not found at {BINARY}: build first (make test)")
        self.proc = subprocess.Popen([str(BINARY), "explore", "scenarios/explore_small.cfg", "--port", "0",
                                      "--max-customers", "60000", "--max-weeks", "400", *extra],
                                     cwd=self.folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=dict(os.environ, AANDACHT_BINARY=str(BINARY)))
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.proc.kill()
            pytest.fail(f"no address printed: {line!r} {self.proc.stderr.read()}")
        self.port = int(m.group(1))
        self.url = m.group(0)
        self.out = self.folder / "out" / "explore"

    def engines(self):
        """The engine processes the server runs now (its children)."""
        out = []
        for d in Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            try:
                stat = (d / "stat").read_text()
                cmd = (d / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.proc.pid and len(cmd) > 1 and cmd[1] == b"run":
                out.append(int(d.name))
        return out

    def leftovers(self):
        """Engine processes working in this explorer's folder, whoever their
        parent is now (after the server ended: none)."""
        out = []
        for d in Path("/proc").iterdir():
            try:
                if d.name.isdigit() and os.path.realpath(d / "cwd") == os.path.realpath(self.folder) and \
                        (d / "cmdline").read_bytes().split(b"\0")[1:2] == [b"run"]:
                    out.append(int(d.name))
            except OSError:
                continue
        return out

    def get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()

    def post(self, path, body):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        c.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        r = c.getresponse()
        return json.loads(r.read())

    def state(self, page):
        status, body = self.get(f"/api/state?page={page}")
        assert status == 200
        return json.loads(body)

    def stop(self):
        """Ctrl-C: the server stops its runs and ends with status 0."""
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=60)
        return self.proc.returncode, out, err


class Page:
    """A page as the server sees it: the event stream (server-sent events),
    read in a thread; close() is closing the tab."""

    def __init__(self, ex):
        self.ex = ex
        self.events = []
        self.conn = http.client.HTTPConnection("127.0.0.1", ex.port, timeout=300)
        self.conn.request("GET", "/api/events")
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200 and self.resp.getheader("Content-Type").startswith("text/event-stream")
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        self.page = self.wait(lambda e: e["type"] == "hello")["page"]

    def _read(self):
        try:
            for raw in self.resp:
                raw = raw.decode().strip()
                if raw.startswith("data: "):
                    self.events.append(json.loads(raw[6:]))
        except (OSError, ValueError, AttributeError):
            pass

    def wait(self, pred, timeout=180):
        t0 = time.monotonic()
        k = 0
        while time.monotonic() - t0 < timeout:
            while k < len(self.events):
                if pred(self.events[k]):
                    return self.events[k]
                k += 1
            time.sleep(0.02)
        pytest.fail(f"timed out; last events: {[e['type'] for e in self.events[-10:]]}")

    def move(self, levers, replications=1):
        return self.ex.post("/api/run", dict(page=self.page, levers=levers, replications=replications))

    def finished(self, run, timeout=180):
        ev = self.wait(lambda e: e.get("run") == run and e["type"] in ("finished", "failed"), timeout)
        assert ev["type"] == "finished", ev
        return ev

    def close(self):
        self.resp.close()
        self.conn.sock and self.conn.sock.close()
        self.conn.close()


@pytest.fixture
def explorer(tmp_path):
    ex = Explorer(tmp_path)
    yield ex
    if ex.proc.poll() is None:
        code, out, err = ex.stop()
        assert code == 0, err
        assert "stopped" in out
    assert not ex.leftovers(), "engine processes left running after Ctrl-C"
    assert not no_partial_files(ex.folder)


def no_partial_files(folder):
    return [str(p) for p in Path(folder).rglob("*.partial")]


def weekly_bytes_equal(a, b):
    """Every weekly variable of two run files, byte for byte."""
    with h5py.File(a) as fa, h5py.File(b) as fb:
        names = [k for k in fa if isinstance(fa[k], h5py.Dataset) and k != "brand"]
        assert len(names) > 40 and set(names) <= set(fb)
        differ = [k for k in names if fa[k][()].tobytes() != fb[k][()].tobytes()]
        return differ


# ---------------------------------------------------------------- the API

def test_server_under_load_keeps_one_run_and_the_last_settings(explorer):
    page = Page(explorer)
    assert page.move({})["ok"]
    page.finished(1)
    # 20 lever moves in a second, each not waiting for the one before
    answers = []
    threads = []
    t0 = time.monotonic()
    for k in range(20):
        levers = {"brands.[1].hr_investment": f"{0.05 * k:.2f}",
                  "brands.[0].automation.target": f"{0.3 + 0.02 * k:.2f}"}
        th = threading.Thread(target=lambda lv=levers: answers.append((page.move(lv), lv)))
        th.start()
        threads.append(th)
        time.sleep(0.045)
        assert len(explorer.engines()) <= 1, "more than one engine process for one page"
    sent = time.monotonic() - t0
    for th in threads:
        th.join()
    assert sent < 1.5, f"the 20 moves took {sent:.2f} s to send"
    # the settings the server received last (the moves were sent 45 ms apart)
    assert len(answers) == 20 and sum(a["ok"] for a, _ in answers) >= 1
    newest, last = max(((a["run"], lv) for a, lv in answers), key=lambda x: x[0])
    assert all(a["ok"] or a.get("superseded") for a, _ in answers), answers
    most = 0
    while True:
        most = max(most, len(explorer.engines()))
        st = explorer.state(page.page)
        if not st["running"] and st["finished"] and st["finished"]["run"] == st["started"]:
            break
        time.sleep(0.03)
    assert most <= 1
    assert st["started"] == newest and st["settings"] == last, "the run that finished is not the last settings'"
    fin = page.finished(st["started"])
    assert fin["run"] == st["started"]
    # the page saw each run start, and each but the last stop or finish before the next began
    starts = [e["run"] for e in page.events if e["type"] == "start"]
    assert starts == sorted(starts) and starts[-1] == st["started"]
    for a, b in zip(starts, starts[1:]):
        i = next(i for i, e in enumerate(page.events) if e["type"] == "start" and e["run"] == b)
        assert any(e.get("run") == a and e["type"] in ("cancelled", "finished") for e in page.events[:i]), (a, b)
        assert not any(e.get("run") == a and e["type"] == "week" for e in page.events[i:]), "weeks of a stopped run"
    # the file of the run finished holds the last settings
    pol, ref, seed = st["finished"]["pairs"][0]
    with h5py.File(pol) as f:
        p = f["parameters"].attrs
        assert float(p["brands.Robo.automation.target"]) == float(last["brands.[0].automation.target"])
        ivs = list(zip([str(k) for k in p["interventions.key"]], p["interventions.value"]))
    want = float(last["brands.[1].hr_investment"])
    assert ivs == ([("hr_investment", want)] if want != 0.2 else []), ivs   # 0.2: Human's own, not moved
    assert not explorer.engines()
    assert not no_partial_files(explorer.out)
    page.close()


def test_a_closed_page_stops_its_run(explorer):
    page = Page(explorer)
    assert page.move({})["ok"]
    page.finished(1)
    # another market: a whole run with its own warm-up, 60,000 customers
    assert page.move({"population.customers": "60000", "brands.[0].automation.target": "0.7"})["ok"]
    page.wait(lambda e: e.get("run") == 2 and e["type"] in ("warmup", "ref-series", "running"))
    assert explorer.engines(), "no engine process running"
    page.close()
    t0 = time.monotonic()
    while explorer.engines() and time.monotonic() - t0 < 15:
        time.sleep(0.05)
    assert not explorer.engines(), "the run of a closed page goes on"
    time.sleep(0.3)
    assert not no_partial_files(explorer.out), "a stopped run left its files"
    assert not list((explorer.out / "pages").iterdir()), "a closed page left its runs"


def test_ctrl_c_stops_the_server_and_the_run_going_on(explorer):
    page = Page(explorer)
    assert page.move({"population.customers": "60000"})["ok"]
    page.wait(lambda e: e.get("run") == 1 and e["type"] in ("warmup", "ref-series"))
    assert explorer.engines()
    code, out, err = explorer.stop()
    assert code == 0 and "aandacht explore: stopped" in out, err
    assert not explorer.leftovers() and not no_partial_files(explorer.folder)
    page.close()


def test_bad_values_get_the_engines_message_and_run_nothing(explorer):
    page = Page(explorer)
    assert page.move({})["ok"]
    page.finished(1)
    cases = {"brands.[1].hr_investment": ("1.5", "brands.[1].hr_investment = 1.5 is out of range: allowed 0 to 1"),
             "brands.[0].routing": ("sideways", 'use one of "uniform", "by_need"'),
             "population.customers": ("many", "population.customers expects a whole number"),
             "brands.[0].automation.ramp_weeks": ("-3", "brands.[0].automation.ramp_weeks = -3 is out of range"),
             "shock.week": ("900", "events.[0].week = 900 is out of range")}
    for lever, (value, words) in cases.items():
        levers = {lever: value}
        if lever.startswith("shock"):
            levers["shock.brand"] = "Human"
        r = page.move(levers)
        assert not r["ok"] and words in r["errors"][lever], r
    r = page.move({"population.customers": "70000"})    # above the bound the server was started with
    assert not r["ok"] and "at most 60000" in r["errors"]["population.customers"], r
    assert explorer.state(page.page)["started"] == 1, "a refused value started a run"
    # names outside the scenario and output folders are refused
    r = explorer.post("/api/save", dict(page=page.page, name="../escape"))
    assert not r["ok"] and not (explorer.folder / "escape.cfg").exists()
    r = explorer.post("/api/scenario", dict(page=page.page, file="/etc/passwd"))
    assert not r["ok"]
    assert explorer.get("/files/reports/../../scenarios/explore_small.cfg")[0] in (403, 404)
    assert explorer.get("/static/../../explore.py")[0] in (403, 404)
    page.close()


# ---------------------------------------------------------------- the browser

def wait_for(d, script, timeout=180):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        v = d.execute_script(script)
        if v:
            return v
        time.sleep(0.1)
    shown = d.execute_script("return document.getElementById('status').textContent")
    pytest.fail(f"timed out waiting for: {script}; status: {shown}")


def finished_run(d):
    return int(d.execute_script("return document.body.dataset.finished || 0"))


def type_into(d, lever, value):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    box = d.find_element(By.CSS_SELECTOR, f'#levers input[type=text][data-id="{lever}"]')
    panel = d.execute_script("return arguments[0].closest('.panel')", box)
    if panel is not None and not panel.is_displayed():
        brand = panel.get_attribute("data-brand")
        d.find_element(By.CSS_SELECTOR, f'#brand-levers .tabs [data-brand="{brand}"]').click()
    box.clear()
    box.send_keys(value, Keys.ENTER)


def test_the_page_moves_a_lever_saves_presents_and_reports(explorer, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    d = browser(tmp_path / "profile")
    try:
        d.get(explorer.url)
        wait_for(d, "return document.body.dataset.finished")
        first = finished_run(d)
        # the levers of both brands, the market's, the shock and the claims' switches
        ids = d.execute_script("return [...document.querySelectorAll('#levers [data-id]')].map(e => e.dataset.id)")
        for lever in ("brands.[0].automation.target", "brands.[0].automation.ramp_start",
                      "brands.[0].automation.ramp_weeks", "brands.[1].routing", "brands.[1].staffing",
                      "brands.[1].hr_investment", "brands.[1].markup", "population.customers", "tipping.enabled",
                      "shock.brand", "shock.week", "shock.size", "channel.attention_gap", "satisfaction.theta"):
            assert lever in ids, lever
        assert len(d.find_elements(By.CSS_SELECTOR, "#charts .chart canvas")) == 6
        # every script and style comes from the explorer itself: no network
        loaded = d.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
        assert any(u.endswith("uPlot.iife.min.js") for u in loaded)
        assert all(u.startswith(explorer.url) for u in loaded), loaded
        assert "No brand lever is moved" in d.find_element(By.ID, "decision").text
        share = "return exploreState.charts.share.u.data[2].slice()"   # Robo with the page's levers
        before = d.execute_script(share)
        assert sum(v is not None for v in before) == 104

        # move a lever: the chart and the decision card change
        type_into(d, "brands.[0].automation.target", "0.8")
        wait_for(d, f"return +(document.body.dataset.finished || 0) > {first}")
        after = d.execute_script(share)
        assert sum(v is not None for v in after) == 104 and after != before
        card = d.find_element(By.CSS_SELECTOR, "#decision .decision")
        assert card.text.startswith("Robo:") and "automation 20 % \u2192 80 % of contacts" in card.text
        assert re.search(r"profit per week, money\s+[\d,]+\s+[\d,]+\s+[\u2212+][\d,]+", card.text), card.text
        timing = d.execute_script(f"return exploreTimings[{finished_run(d)}]")
        assert timing["firstDrawn"] >= timing["posted"] and timing["finished"] >= timing["firstDrawn"]

        # a second lever of the other brand, acting from week 0
        moved = finished_run(d)
        type_into(d, "brands.[1].hr_investment", "0.6")
        wait_for(d, f"return +(document.body.dataset.finished || 0) > {moved}")
        cards = d.find_elements(By.CSS_SELECTOR, "#decision .decision")
        assert [c.text.split(":")[0] for c in cards] == ["Robo", "Human"]
        assert "week 0: hr_investment = 0.6" in cards[1].text

        # a bad value: the engine's message next to the lever, and no run
        done = finished_run(d)
        type_into(d, "brands.[1].hr_investment", "1.5")
        msg = wait_for(d, "const m = document.querySelector('#levers .msg[data-for=\"brands.[1].hr_investment\"]')"
                          ".textContent; return m.includes('1.5') && m")
        assert "brands.[1].hr_investment = 1.5 is out of range: allowed 0 to 1" in msg
        time.sleep(1)
        assert finished_run(d) == done and explorer.state(
            d.execute_script("return exploreState.page"))["started"] == done
        type_into(d, "brands.[1].hr_investment", "0.6")   # back to the settings of the run shown
        wait_for(d, "return !document.querySelector('#levers .msg[data-for=\"brands.[1].hr_investment\"]')"
                    ".textContent")
        wait_for(d, f"return +(document.body.dataset.finished || 0) > {done}")

        # save the scenario: aandacht run of it gives the page's run, byte for byte
        name = d.find_element(By.ID, "save-name")
        name.clear()
        name.send_keys("from_the_room")
        d.find_element(By.ID, "save-button").click()
        saved = explorer.folder / "scenarios" / "from_the_room.cfg"
        wait_for(d, "return document.getElementById('save-msg').textContent.startsWith('Saved')")
        assert saved.exists() and "from_the_room" in d.find_element(By.ID, "save-msg").text
        assert run("check", saved).returncode == 0
        state = explorer.state(d.execute_script("return exploreState.page"))
        pol = state["finished"]["pairs"][0][0]
        again = tmp_path / "again.h5"
        run("run", saved, "-o", again, "--quiet", check=True)
        assert weekly_bytes_equal(pol, again) == []

        # present: one chart at projector size, Esc leaves
        d.find_elements(By.CSS_SELECTOR, "#charts .chart h3 button")[1].click()
        wait_for(d, "return !document.getElementById('presenter').hidden")
        size = d.execute_script("const c = document.querySelector('#presenter-chart canvas');"
                                "const r = c.getBoundingClientRect();"
                                "return [r.width, r.height, innerWidth, innerHeight]")
        assert size[0] >= 0.9 * size[2] and size[1] >= 0.6 * size[3], size
        assert "Profit" in d.find_element(By.ID, "presenter-title").text
        d.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
        wait_for(d, "return document.getElementById('presenter').hidden")

        # make report: the HTML report of the run against its reference
        d.find_element(By.ID, "report-button").click()
        link = wait_for(d, "const a = document.getElementById('report-link'); return a && a.href", timeout=300)
        html = explorer.folder / d.find_element(By.ID, "report-link").text    # as the server names it
        assert html.exists() and html.resolve().is_relative_to((explorer.out / "reports").resolve())
        d.get(link)
        assert d.find_elements(By.TAG_NAME, "h2")[0].get_attribute("id") == "decision"
        assert "Robo" in d.find_element(By.TAG_NAME, "body").text
    finally:
        d.quit()
