"""bench_explore.py: how long a strategist waits in `aandacht explore`.

    bench_explore.py AANDACHT_BINARY [SCENARIO.cfg] [--moves N] [--via browser|events]

Starts `aandacht explore SCENARIO` (default scenarios/baseline.cfg: 200,000
customers, 520 recorded weeks after 260 warm-up weeks) on a free port, in a
temporary output folder, opens the page, and waits for the first run: the
reference of the scenario as loaded, which warms the market up once
(timed, and printed). Then it moves a lever N times (default 5; each an
automation target of Classic, or an HR investment of Service, a new value
each time, typed and entered as a strategist would), and times each move:

  first week   from the lever move to the first week of the new run drawn
               on the page (its charts redrawn with it);
  whole run    from the lever move to the page told that the run is done
               (every week drawn, the decision card updated).

--via browser (the default when Chromium, chromedriver and Selenium are
there) measures in headless Chromium with the page's own clock
(window.exploreTimings); --via events measures at an HTTP client of the
server's event stream instead (no drawing: a frame less). It prints every
move's times, their median and range, and the machine (processor, cores,
load average). Times, not assertions: the machine may be shared.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

MOVES = [("brands.[0].automation.target", v) for v in ("0.5", "0.7", "0.3", "0.6", "0.8", "0.4", "0.55")]
MOVES = [m for pair in zip(MOVES, [("brands.[1].hr_investment", v)
                                   for v in ("0.4", "0.8", "0.2", "0.6", "0.3", "0.7", "0.5")]) for m in pair]


def machine():
    cpu = "unknown processor"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    return f"{cpu}, {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"


def start(binary, scenario, folder):
    proc = subprocess.Popen([binary, "explore", str(scenario), "--port", "0", "--out", str(folder / "out")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, AANDACHT_BINARY=binary))
    line = proc.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        proc.kill()
        sys.exit(f"bench_explore: the explorer did not start: {line} {proc.stderr.read()}")
    return proc, int(m.group(1)), m.group(0)


def stop(proc):
    proc.send_signal(signal.SIGINT)
    try:
        proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()


def summary(name, xs):
    return (f"{name}: median {statistics.median(xs):.2f} s (range {min(xs):.2f} to {max(xs):.2f} s, "
            f"{len(xs)} moves)")


# ------------------------------------------------------------ in the browser

def via_browser(url, moves, folder):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    opts = webdriver.ChromeOptions()
    opts.binary_location = next(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                                if shutil.which(n))
    for f in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
              "--disable-background-networking", f"--user-data-dir={folder / 'profile'}", "--window-size=1600,1000"):
        opts.add_argument(f)
    d = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=opts)
    try:
        t0 = time.monotonic()
        d.get(url)
        while not d.execute_script("return document.body.dataset.finished"):
            time.sleep(0.1)
        first = time.monotonic() - t0
        out = []
        for k in range(moves):
            lever, value = MOVES[k % len(MOVES)]
            done = int(d.execute_script("return +document.body.dataset.finished"))
            box = d.find_element(By.CSS_SELECTOR, f'#levers input[type=text][data-id="{lever}"]')
            if not box.is_displayed():
                brand = re.match(r"brands\.\[(\d+)\]", lever).group(1)
                d.find_element(By.CSS_SELECTOR, f'#brand-levers .tabs [data-brand="{brand}"]').click()
            box.clear()
            box.send_keys(value, Keys.ENTER)
            while int(d.execute_script("return +(document.body.dataset.finished || 0)")) <= done:
                time.sleep(0.05)
            run = int(d.execute_script("return +document.body.dataset.finished"))
            t = d.execute_script(f"return exploreTimings[{run}]")
            out.append(((t["firstDrawn"] - t["moved"]) / 1000, (t["finished"] - t["moved"]) / 1000, lever, value))
        return first, out
    finally:
        d.quit()


# ------------------------------------------------------------ at the event stream

def via_events(port, moves):
    events = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    conn.request("GET", "/api/events")
    resp = conn.getresponse()

    def read():
        try:
            for raw in resp:
                raw = raw.decode().strip()
                if raw.startswith("data: "):
                    events.append((time.monotonic(), json.loads(raw[6:])))
        except (OSError, ValueError, AttributeError):   # the stream closed at the end
            pass
    threading.Thread(target=read, daemon=True).start()

    def wait(pred, since=0):
        while True:
            for t, e in events[since:]:
                if pred(e):
                    return t, e
            time.sleep(0.01)

    _, hello = wait(lambda e: e["type"] == "hello")
    page = hello["page"]

    def post(levers):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        c.request("POST", "/api/run", json.dumps(dict(page=page, levers=levers)), {"Content-Type": "application/json"})
        return json.loads(c.getresponse().read())

    t0 = time.monotonic()
    run = post({})["run"]
    wait(lambda e: e.get("run") == run and e["type"] == "finished")
    first = time.monotonic() - t0
    out, levers = [], {}
    for k in range(moves):
        lever, value = MOVES[k % len(MOVES)]
        levers[lever] = value
        n = len(events)
        t0 = time.monotonic()
        run = post(dict(levers))["run"]
        t1, _ = wait(lambda e: e.get("run") == run and e["type"] == "week", n)
        t2, _ = wait(lambda e: e.get("run") == run and e["type"] in ("finished", "failed"), n)
        out.append((t1 - t0, t2 - t0, lever, value))
    conn.close()
    return first, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("scenario", nargs="?", default="scenarios/baseline.cfg")
    ap.add_argument("--moves", type=int, default=5)
    have_browser = (shutil.which("chromedriver") and any(shutil.which(n) for n in ("chromium", "chromium-browser",
                                                                                   "google-chrome")))
    try:
        import selenium  # noqa: F401  (only whether it is there)
    except ImportError:
        have_browser = False
    ap.add_argument("--via", choices=("browser", "events"), default="browser" if have_browser else "events")
    a = ap.parse_args()
    binary = str(Path(a.binary).resolve())
    with tempfile.TemporaryDirectory(prefix="bench-explore-") as tmp:
        folder = Path(tmp)
        proc, port, url = start(binary, Path(a.scenario).resolve(), folder)
        try:
            print(f"machine: {machine()}")
            where = "in headless Chromium" if a.via == "browser" else "at the event stream"
            print(f"aandacht explore {a.scenario}, measured {where}")
            first, out = via_browser(url, a.moves, folder) if a.via == "browser" else via_events(port, a.moves)
        finally:
            stop(proc)
    print(f"the page's first run, the reference with its warm-up (once per market): {first:.1f} s")
    for fw, whole, lever, value in out:
        print(f"  {lever} = {value}: first week {fw:.2f} s, whole run {whole:.2f} s")
    print(summary("lever move to the first week drawn" if a.via == "browser" else "lever move to the first week",
                  [x[0] for x in out]))
    print(summary("lever move to the whole run", [x[1] for x in out]))
    print(f"machine after: {machine()}")


if __name__ == "__main__":
    main()
