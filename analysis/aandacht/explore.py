"""`aandacht explore [FILE.cfg]`: a local web page with sliders and live
charts, for a strategy session.

    aandacht explore scenarios/baseline.cfg [--port N] [--open]

A server on 127.0.0.1 (aiohttp) serves one page (explore_page/: HTML, CSS,
JavaScript and the vendored chart library uPlot, so no network is needed).
The page shows the scenario's levers: the market's (customers, tipping, the
claims' switches, a reputation shock) and each brand's (automation target
and ramp, routing, staffing, HR investment, markup). Moving one sends the
page's settings to the server, which

1. has the engine check them (`aandacht check FILE --set KEY=VALUE ...`): a
   value the engine refuses comes back with the engine's message, shown
   next to the lever, and nothing runs;
2. stops the page's run still going (SIGTERM; its OUT.h5.partial is
   deleted) and starts the new one, streaming each recorded week to the page
   as soon as the engine has done it (`aandacht run --stream`, read line by
   line; server-sent events to the page);
3. when the run is done, sends the decision card of the report (profit,
   market share, loyalty and jobs of each brand whose levers moved, against
   the reference; decision.py's figures on the finished files).

The reference is the scenario as loaded with the page's market settings
(customers, tipping, switches, shock) and no brand lever moved. It runs
once per market and seed and is kept in OUT/cache/ (with the state of its
market at the end of the warm-up, `--save-state`), so a lever move runs
only the recorded weeks: its run starts from that state (`--from`), which
gives the same bytes as the whole scenario run from the beginning (a brand
lever acts from week 0: automation by its ramp, the others as interventions
of week 0). "Save scenario" writes exactly that scenario (checked by the
engine's loader), so `aandacht run` of the saved file repeats the page's run.

Bounds: at most --max-customers customers and --max-weeks recorded (and
warm-up) weeks per run (a scenario above them is cut to them, and the page
says so), --max-replications seeds, one engine process per page at a time;
a closed page stops its run. Files: the page can name a scenario only by
its name in the scenario folder, saves only into the scenario folder or the
output folder, and is served only the reports in OUT/reports/.
"""
import asyncio
import datetime
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import webbrowser
from pathlib import Path

from . import explore_scenario as es
from .cli import CommandParser, UsageError

PAGE_DIR = Path(__file__).resolve().parent / "explore_page"
MARKET_FIGURES = ("attention_scarcity", "jobs", "tip_rate")
BRAND_FIGURES = ("market_share", "profit", "mean_loyalty", "brand_tip_rate", "employees")
NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$")

EXPLORE_HELP = """\
usage: aandacht explore [FILE.cfg] [--port N] [--open] [--out DIR] [--scenarios DIR]
                        [--max-customers N] [--max-weeks N] [--max-replications N]

Serves a page on http://127.0.0.1:PORT/ with the scenario's levers (each
brand's automation target and ramp, routing, staffing, HR investment and
markup; the market's customers, tipping, the claims' switches and a
reputation shock) and live charts: moving a lever runs the model and draws
each week as it comes (market share, profit, loyalty, attention scarcity,
jobs, tip rate) over the reference run (the scenario as loaded), with the
decision card of the report. "Save scenario" writes the levers as a
scenario file, "Make report" the HTML report of the run against its
reference, "Present" shows one chart at projector size. Nothing is opened
by itself unless --open; Ctrl-C stops the server and its runs.

  FILE.cfg              the scenario (default scenarios/baseline.cfg, else the
                        installed one)
  --port N              the port (default 8765, or a free one when it is taken;
                        0: any free port)
  --open                open the page in the web browser
  --out DIR             the output folder the explorer owns (default out/explore):
                        runs, the references' cache (cache/: delete it whenever
                        the explorer is not running), reports
  --scenarios DIR       the scenario folder: the page lists its scenarios and
                        saves into it (default scenarios)
  --max-customers N     customers a run may have (default 1000000; also
                        AANDACHT_EXPLORE_MAX_CUSTOMERS)
  --max-weeks N         recorded weeks, and warm-up weeks, a run may have
                        (default 1040; also AANDACHT_EXPLORE_MAX_WEEKS)
  --max-replications N  seeds a page may ask for, for bands (default 5)
  -h, --help            this help

Exit status: 0 stopped by Ctrl-C; 2 bad usage, a scenario the engine refuses,
a port that is taken, or a Python without aiohttp (the message says what to
install).
"""


def _now():
    return time.monotonic()


def _figures_of_line(obj):
    """The figures the page draws, from one --stream week line."""
    return dict(week=obj["week"], market={k: obj.get(k) for k in MARKET_FIGURES},
                brand={k: obj.get(k) for k in BRAND_FIGURES})


def _figures_of_file(d):
    """The same figures for every week of a run file read by io.read."""
    import numpy as np

    def clean(x):
        x = float(x)
        return x if np.isfinite(x) else None
    out = []
    for t, week in enumerate(d["week"]):
        out.append(dict(week=int(week), market={k: clean(d["market"][k][t]) for k in MARKET_FIGURES},
                        brand={k: [clean(v) for v in d["brand"][k][t]] for k in BRAND_FIGURES}))
    return out


def _clean(x):
    """x with every NaN or infinity as None (JSON has no word for them)."""
    if isinstance(x, float):
        return x if x == x and x not in (float("inf"), float("-inf")) else None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    return x


async def _surely(coro):
    """Awaits coro to its end even when the task awaiting it is cancelled
    meanwhile (a process being stopped is waited for, never left running);
    the cancel is passed on afterwards."""
    task = asyncio.ensure_future(coro)
    cancelled = False
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError()
    return task.result()


def _cancel(tasks):
    """Cancels each task once (a second cancel would cut short its clean-up)."""
    for t in tasks:
        if not t.done() and not t.cancelling():
            t.cancel()


def _remove(path):
    for p in (Path(path), Path(str(path) + ".partial")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


# ---------------------------------------------------------------- the engine

async def _spawn(args, **kw):
    """A process of args (no shell), with pipes. A cancel that comes while
    it is being started still gets the process (to stop it), never an
    engine left running unseen."""
    start = asyncio.ensure_future(asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL,
        start_new_session=True, **kw))
    try:
        return await asyncio.shield(start)
    except asyncio.CancelledError:
        try:
            proc = await start
        except Exception:
            raise asyncio.CancelledError()
        if proc.returncode is None:
            try:
                proc.kill()
            except ProcessLookupError:
                pass
            await proc.wait()
        raise


class Engine:
    """The aandacht binary, reached with argument lists (never a shell)."""

    def __init__(self, binary, tmp):
        self.binary = str(binary)
        self.tmp = Path(tmp)
        self.version = ""

    def start(self):
        r = subprocess.run([self.binary, "version"], capture_output=True, text=True)
        st = os.stat(self.binary)
        self.version = f"{r.stdout.strip()} {st.st_size} {st.st_mtime_ns}"
        r = subprocess.run([self.binary, "params", "--json"], capture_output=True, text=True)
        if r.returncode != 0:
            raise es.ScenarioError(f"{self.binary} params --json failed: {r.stderr.strip()}")
        self.params = json.loads(r.stdout)

    async def check(self, path, sets):
        """(ok, resolved text or the engine's message) of `check PATH --set ...`."""
        args = [self.binary, "check", str(path)]
        for s in sets:
            args += ["--set", s]
        proc = await _spawn(args)
        try:
            out, err = await proc.communicate()
        except asyncio.CancelledError:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            raise
        if proc.returncode == 0:
            return True, out.decode("utf-8", "replace")
        return False, err.decode("utf-8", "replace").strip()

    async def check_text(self, text, sets, name):
        path = self.tmp / f"{name}-{secrets.token_hex(4)}.cfg"
        path.write_text(text)
        try:
            return await self.check(path, sets)
        finally:
            path.unlink(missing_ok=True)


class Run:
    """One `aandacht run ... --stream` process: its week lines as they
    come, its exit status and message. stop() ends it (SIGTERM, then
    SIGKILL) and deletes the files it was writing."""

    def __init__(self, engine, cfg, out, sets=(), seed=None, warm=None, save_warm=None):
        self.out = Path(out)
        self.save_warm = Path(save_warm) if save_warm else None
        args = [engine.binary, "run", str(cfg), "-o", str(out), "--quiet", "--force", "--stream"]
        if seed is not None:
            args += ["--seed", str(seed)]
        if warm:
            args += ["--from", str(warm)]
        if save_warm:
            args += ["--save-state", str(save_warm), "--at", "-1"]
        for s in sets:
            args += ["--set", s]
        self.args = args
        self.proc = None
        self.stderr = b""
        self.done_line = None

    async def start(self):
        try:
            self.proc = await _spawn(self.args, limit=1 << 22)
        except asyncio.CancelledError:
            _remove(self.out)
            if self.save_warm:
                Path(str(self.save_warm) + ".partial").unlink(missing_ok=True)
            raise
        self._err = asyncio.ensure_future(self.proc.stderr.read())
        return self

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    async def lines(self):
        """Each JSON line of the stream, parsed."""
        while True:
            raw = await self.proc.stdout.readline()
            if not raw:
                return
            try:
                obj = json.loads(raw)
            except ValueError:
                continue
            if obj.get("event") == "done":
                self.done_line = obj
            yield obj

    async def wait(self):
        rc = await self.proc.wait()
        self.stderr = await self._err
        return rc

    def message(self):
        lines = [x for x in self.stderr.decode("utf-8", "replace").splitlines()
                 if x.strip() and "note: at" not in x and "warning:" not in x]
        return lines[-1] if lines else "the run failed"

    async def stop(self):
        """Ends the process (if it runs) and removes what it left unfinished."""
        if self.proc and self.proc.returncode is None:
            try:
                self.proc.terminate()
            except ProcessLookupError:
                pass
            try:
                await asyncio.wait_for(asyncio.shield(self.proc.wait()), 10)
            except asyncio.TimeoutError:
                try:
                    self.proc.kill()
                except ProcessLookupError:
                    pass
                await self.proc.wait()
        if self.proc and getattr(self, "_err", None):
            try:
                self.stderr = await self._err
            except Exception:
                pass
        if self.done_line is None:
            _remove(self.out)
            if self.save_warm:
                # a state is renamed from .partial only when whole: one saved
                # before the stop is good for the next run of this market
                Path(str(self.save_warm) + ".partial").unlink(missing_ok=True)


# ---------------------------------------------------------------- references

class Reference:
    """The reference run of one market text, shock and seed, and the state
    of its market at the end of the warm-up: files in the cache, made once.
    Pages follow it while it runs (its weeks as they come)."""

    def __init__(self, key, warm_key, text_path, warm, out, seed):
        self.key, self.warm_key = key, warm_key
        self.text_path, self.warm, self.out, self.seed = text_path, warm, out, seed
        self.weeks = []          # figures of each week so far
        self.warmup = None       # (warm-up week done, of) while it warms up
        self.listeners = set()   # an asyncio.Event of each page that follows it
        self.task = None
        self.error = None
        self.run = None

    def ready(self):
        return self.out.exists() and self.warm.exists()

    def tell(self):
        for ev in list(self.listeners):
            ev.set()


class References:
    """Every reference, made at most once at a time per market (a lock per
    warm-up), stopped when no page wants it any more."""

    def __init__(self, engine, cache):
        self.engine, self.cache = engine, Path(cache)
        self.refs = {}
        self.locks = {}
        self.pinned = set()

    def get(self, market_text, ref_text, seed):
        warm_key = es.digest(self.engine.version, market_text, seed)
        key = es.digest(self.engine.version, ref_text, seed)
        ref = self.refs.get(key)
        if ref is None:
            text_path = self.cache / f"ref_{key}.cfg"
            if not text_path.exists():
                text_path.write_text(ref_text)
            ref = Reference(key, warm_key, text_path, self.cache / f"warm_{warm_key}.h5",
                            self.cache / f"ref_{key}.h5", seed)
            self.refs[key] = ref
        if ref.task is None or (ref.task.done() and not ref.ready()):
            ref.error = None
            ref.weeks = []
            ref.warmup = None
            ref.task = asyncio.ensure_future(self._make(ref))
            ref.task.add_done_callback(lambda t: t.cancelled() or t.exception())
            ref.task.add_done_callback(lambda t: ref.tell())
        return ref

    async def _make(self, ref):
        if ref.ready():
            from . import io
            d = await asyncio.to_thread(io.read, ref.out)
            ref.weeks = _figures_of_file(d)
            ref.tell()
            return
        lock = self.locks.setdefault(ref.warm_key, asyncio.Lock())
        async with lock:
            full = not ref.warm.exists()
            run = Run(self.engine, ref.text_path, ref.out, seed=ref.seed,
                      warm=None if full else ref.warm, save_warm=ref.warm if full else None)
            ref.run = run
            try:
                await run.start()
                async for obj in run.lines():
                    ev = obj.get("event")
                    if ev == "warmup":
                        ref.warmup = (obj["step"], obj["of"])
                        ref.tell()
                    elif ev == "week":
                        ref.weeks.append(_figures_of_line(obj))
                        ref.tell()
                rc = await run.wait()
                if rc != 0 or run.done_line is None:
                    ref.error = run.message()
                    raise es.ScenarioError(ref.error)
            finally:
                await _surely(run.stop())
                ref.run = None

    async def prune(self, wanted):
        """Stops the references no page wants (nor the pinned one), and
        waits until their processes have ended."""
        stopped = []
        for key, ref in list(self.refs.items()):
            if key not in wanted and key not in self.pinned and ref.task and not ref.task.done():
                _cancel([ref.task])
                stopped.append(ref.task)
                ref.task = None
        if stopped:
            await asyncio.wait(stopped)

    def processes(self):
        return [r.run.pid for r in self.refs.values() if r.run and r.run.pid]


# ---------------------------------------------------------------- pages

class Prepared:
    """A page's settings as the engine will run them."""

    def __init__(self, settings, market_text, ref_text, pol_path, auto_sets, save_base):
        self.settings = settings
        self.market_text, self.ref_text = market_text, ref_text
        self.pol_path, self.auto_sets = pol_path, auto_sets
        self.save_base = save_base       # resolved text of the run (check)


class Page:
    def __init__(self, server, sc):
        self.server = server
        self.id = secrets.token_hex(8)
        self.sc = sc
        self.queue = asyncio.Queue()
        self.seq = 0               # settings received
        self.started = 0           # the newest run started
        self.job = None
        self.jobs = set()          # this page's runs not yet ended
        self.run = None            # the engine process of this page's run
        self.prep = None           # the settings being run (or last run)
        self.finished = None       # dict of the last finished run
        self.want = set()          # reference keys of the run going on
        self.dir = server.out / "pages" / self.id
        self.dir.mkdir(parents=True, exist_ok=True)
        self.reporting = None
        self.n_files = 0

    def send(self, kind, **data):
        data.update(type=kind)
        self.queue.put_nowait(_clean(data))

    async def close(self):
        self.want = set()
        await self.cancel()
        if self.reporting and not self.reporting.done():
            self.reporting.cancel()
        await self.server.refs.prune(self.server.wanted())
        shutil.rmtree(self.dir, ignore_errors=True)

    async def cancel(self):
        self.job = None
        old = [t for t in self.jobs if not t.done()]
        _cancel(old)
        if old:
            await asyncio.wait(old)

    def running(self):
        return self.job is not None and not self.job.done()


class Server:
    def __init__(self, args, engine, sc):
        self.args = args
        self.engine = engine
        self.out = Path(args.out)
        self.scenarios = Path(args.scenarios)
        self.max_customers, self.max_weeks = args.max_customers, args.max_weeks
        self.max_reps = args.max_replications
        self.default = sc
        self.loaded = {str(sc.path): sc}
        self.pages = {}
        self.refs = References(engine, self.out / "cache")
        self.market_texts = {}

    def describe(self, sc):
        """The scenario as the page builds its levers from it, with the
        report's brand colours."""
        from .style import brand_colors
        d = sc.describe(self.max_customers)
        d["colors"] = list(brand_colors(sc.brands).values())
        return d

    def wanted(self):
        w = set()
        for p in self.pages.values():
            w |= p.want
        return w

    # -- scenarios
    def scenario_files(self):
        files = {}
        if self.scenarios.is_dir():
            for p in sorted(self.scenarios.glob("*.cfg")):
                files[p.name] = p
        files.setdefault(Path(self.default.path).name, Path(self.default.path))
        return files

    async def load(self, path):
        path = str(path)
        if path in self.loaded:
            return self.loaded[path]
        sc = await load_scenario(self.engine, path, self.max_customers, self.max_weeks)
        self.loaded[path] = sc
        return sc

    # -- settings to runs
    async def market_text(self, sc, sets):
        key = (sc.path, tuple(sets))
        if key not in self.market_texts:
            ok, text = await self.engine.check(sc.path, sets)
            if not ok:
                raise es.ScenarioError(text)
            self.market_texts[key] = text
        return self.market_texts[key]

    async def prepare(self, page, settings):
        """(Prepared, None) or (None, {lever: message}): every value checked
        by the engine."""
        sc = page.sc
        if settings.unknown:
            return None, {k: f"'{k}' is not a lever of this scenario" for k in settings.unknown}
        if not 1 <= settings.replications <= self.max_reps:
            return None, {"replications": f"replications: give 1 to {self.max_reps}"}
        msets = settings.market_sets()
        ok, out = await self.engine.check(sc.path, msets + settings.brand_sets())
        if not ok:
            lever, msg = es.lever_of_message(sc, settings, out)
            return None, {lever or "scenario": msg}
        checked = es.parse(out)
        n = int(checked["population"]["customers"])
        if n > self.max_customers:
            return None, {"population.customers": f"population.customers = {n} is above the explorer's bound: at most "
                                                  f"{self.max_customers} (aandacht explore --max-customers)"}
        market = await self.market_text(sc, msets)
        ref_text = es.reference_text(market, sc, settings)
        pol_text = es.policy_text(ref_text, checked, sc, settings)
        page.n_files += 1
        pol_path = page.dir / f"settings{page.n_files}.cfg"
        pol_path.write_text(pol_text)
        auto = settings.automation_sets()
        ok, out = await self.engine.check(pol_path, auto)
        if not ok:
            pol_path.unlink(missing_ok=True)
            lever, msg = es.lever_of_message(sc, settings, out)
            return None, {lever or "scenario": msg}
        return Prepared(settings, market, ref_text, pol_path, auto, out), None

    def start(self, page, seq, prep):
        # every run of the page still going is stopped now, and the new one
        # starts its engine only when they have ended (one process per page)
        old = [t for t in page.jobs if not t.done()]
        _cancel(old)
        page.started = seq
        page.prep = prep
        page.want = set()
        page.job = asyncio.ensure_future(self._job(page, seq, prep, old))
        page.jobs.add(page.job)
        page.job.add_done_callback(page.jobs.discard)

    async def _job(self, page, seq, prep, old):
        if old:
            await asyncio.wait(old)
        sc, st = page.sc, prep.settings
        reps = st.replications
        t0 = _now()
        page.send("start", run=seq, replications=reps, weeks=sc.weeks, brands=sc.brands,
                  moved=[f"brands.[{i}].{k}" for i, k, _ in st.moved()])
        pairs = []
        first = None
        try:
            for k in range(reps):
                seed = sc.seed + k
                ref = self.refs.get(prep.market_text, prep.ref_text, seed)
                page.want.add(ref.key)
                await self.refs.prune(self.wanted())
                await self._follow(page, seq, k, ref)
                run_dir = page.dir / f"run{seq}"
                run_dir.mkdir(exist_ok=True)
                out = run_dir / f"{sc.name}_explored_seed{seed}.h5"
                run = Run(self.engine, prep.pol_path, out, sets=prep.auto_sets, seed=seed, warm=ref.warm)
                page.run = run
                try:
                    await run.start()
                    page.send("running", run=seq, replication=k, seed=seed, pid=run.pid)
                    async for obj in run.lines():
                        if obj.get("event") == "week":
                            if first is None:
                                first = _now() - t0
                            page.send("week", run=seq, replication=k, figures=_figures_of_line(obj))
                    rc = await run.wait()
                    if rc != 0 or run.done_line is None:
                        page.send("failed", run=seq, message=run.message())
                        return
                finally:
                    await _surely(run.stop())
                    page.run = None
                pairs.append((str(out), str(ref.out), seed))
                cards = await asyncio.to_thread(decision_cards, sc, st, pairs)
                page.send("decision", run=seq, replications_done=k + 1, **cards)
            page.finished = dict(run=seq, pairs=pairs, prep=prep, seconds=_now() - t0, first_week=first)
            page.send("finished", run=seq, seconds=round(_now() - t0, 3),
                      first_week=None if first is None else round(first, 3))
            # the runs before this one are of no use any more
            for d in page.dir.glob("run*"):
                if d.name != f"run{seq}" and d.is_dir():
                    shutil.rmtree(d, ignore_errors=True)
        except asyncio.CancelledError:
            page.send("cancelled", run=seq)
            raise
        except es.ScenarioError as e:
            page.send("failed", run=seq, message=str(e))

    async def _follow(self, page, seq, k, ref):
        """Forwards the reference's weeks to the page (in batches, as they
        come) until it is made."""
        ev = asyncio.Event()
        ref.listeners.add(ev)
        sent, shown = 0, 0.0
        try:
            while True:
                ev.clear()
                task = ref.task
                n = len(ref.weeks)
                if n > sent:
                    page.send("ref-series", run=seq, replication=k, weeks=ref.weeks[sent:n])
                    sent = n
                elif ref.warmup and _now() - shown > 0.3:
                    shown = _now()
                    page.send("warmup", run=seq, replication=k, step=ref.warmup[0], of=ref.warmup[1])
                if task is None or task.cancelled():
                    raise es.ScenarioError("the reference run was stopped")
                if task.done():
                    if len(ref.weeks) > sent:
                        continue
                    exc = task.exception()
                    if exc:
                        raise exc if isinstance(exc, es.ScenarioError) else es.ScenarioError(str(exc))
                    page.send("ref-done", run=seq, replication=k)
                    return
                waiter = asyncio.ensure_future(ev.wait())
                try:
                    await asyncio.wait([waiter, task], timeout=0.35, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    waiter.cancel()
        finally:
            ref.listeners.discard(ev)

    def processes(self):
        out = self.refs.processes()
        out += [p.run.pid for p in self.pages.values() if p.run and p.run.pid]
        return out


def decision_cards(sc, settings, pairs):
    """The report's decision card for each brand whose levers moved: its
    figures with the page's settings against the reference, over the last
    recorded year, a pair of runs per seed (decision.py's arithmetic, the
    report's card)."""
    import numpy as np
    from . import decision, io
    from .page import _decision_card
    pols = [io.read(p) for p, _, _ in pairs]
    refs = [io.read(r) for _, r, _ in pairs]
    seeds = [s for _, _, s in pairs]
    d = pols[0]
    n = len(d["week"])
    w = decision.window(n)
    cards = []
    for i in sorted({i for i, _, _ in settings.moved()}):
        b = sc.brands[i]
        figs = {}
        for name, *_ in decision.FIGURES:
            pol = [decision._figures(x, b)[name] for x in pols]
            ref = [decision._figures(x, b)[name] for x in refs]
            m, h = decision._summary(np.subtract(pol, ref))
            figs[name] = dict(policy=float(np.mean(pol)), reference=float(np.mean(ref)), diff=m, half=h,
                              per_seed=[float(x) for x in np.subtract(pol, ref)])
        words = [x for x in decision.policy(d, b) if x not in decision.policy(refs[0], b)]
        comp = dict(brand=b, policy=words or ["levers moved back to where the scenario has them"],
                    reference=f"the scenario as loaded ({sc.name}) in the same market", seeds=seeds,
                    figures=figs, verdict=decision.verdict(figs["profit"]["diff"], figs["profit"]["half"]),
                    currency=str(d["parameters"].get("scenario.currency", "") or "").strip() or "money")
        cards.append(dict(brand=b, verdict=comp["verdict"], html=_decision_card(comp, None),
                          figures={k: {kk: vv for kk, vv in v.items()} for k, v in figs.items()}))
    span = "the last recorded year" if w == 52 else "all the recorded weeks"
    lead = (f"Each card sets a brand with the page's levers against the reference; every figure is a mean over "
            f"{span} (weeks {int(d['week'][n - w])}\u2013{int(d['week'][-1])}).")
    return dict(cards=cards, lead=lead)


# ---------------------------------------------------------------- loading

async def load_scenario(engine, path, max_customers, max_weeks):
    ok, text = await engine.check(path, [])
    if not ok:
        raise es.ScenarioError(text)
    cfg = es.parse(text)
    caps, capped = [], []
    n = int(cfg["population"]["customers"])
    if n > max_customers:
        caps.append(f"population.customers={max_customers}")
        capped.append(f"customers {n:,} \u2192 {max_customers:,}")
    for key in ("weeks", "warmup"):
        v = int(cfg["scenario"][key])
        if v > max_weeks:
            caps.append(f"scenario.{key}={max_weeks}")
            capped.append(f"{'recorded weeks' if key == 'weeks' else 'warm-up weeks'} {v:,} \u2192 {max_weeks:,}")
    if caps:
        ok, text = await engine.check(path, caps)
        if not ok:
            raise es.ScenarioError(f"{text} (with the explorer's bounds: {', '.join(capped)}; start it with a "
                                   "larger --max-weeks or --max-customers)")
    return es.Scenario(path, text, engine.params, caps, capped)


# ---------------------------------------------------------------- HTTP

def _json(data, status=200):
    from aiohttp import web
    return web.json_response(_clean(data), status=status,
                             dumps=lambda x: json.dumps(x, allow_nan=False, default=str))


def make_app(server):
    from aiohttp import web

    @web.middleware
    async def guard(request, handler):
        # only this machine's pages: the Host a browser sends for 127.0.0.1
        # (no DNS rebinding), and JSON for every change (no form posted by
        # another site)
        port = request.app["port"]
        if request.host not in (f"127.0.0.1:{port}", f"localhost:{port}"):
            return web.Response(status=403, text="aandacht explore answers only on 127.0.0.1")
        if request.method == "POST" and request.content_type != "application/json":
            return web.Response(status=415, text="send JSON")
        return await handler(request)

    app = web.Application(middlewares=[guard])
    app["server"] = server

    async def index(request):
        return web.FileResponse(PAGE_DIR / "index.html", headers={"Cache-Control": "no-store"})

    async def events(request):
        sc = server.default
        page = Page(server, sc)
        server.pages[page.id] = page
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                                           "X-Accel-Buffering": "no"})
        await resp.prepare(request)
        page.send("hello", page=page.id, scenario=server.describe(sc),
                  scenarios=sorted(server.scenario_files()), limits=limits(server))
        try:
            while True:
                try:
                    item = await asyncio.wait_for(page.queue.get(), 2.0)
                except asyncio.TimeoutError:
                    await resp.write(b": alive\n\n")
                    continue
                if item is None:     # the server stops
                    break
                await resp.write(b"data: " + json.dumps(item, allow_nan=False).encode() + b"\n\n")
        except (ConnectionResetError, asyncio.CancelledError, RuntimeError):
            pass
        finally:
            server.pages.pop(page.id, None)
            await page.close()
        return resp

    async def body_of(request):
        try:
            body = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="send a JSON object")
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="send a JSON object")
        return body

    def page_of(body):
        page = server.pages.get(str(body.get("page", "")))
        if page is None:
            raise web.HTTPNotFound(text="no such page (reload it)")
        return page

    async def run(request):
        body = await body_of(request)
        page = page_of(body)
        page.seq += 1
        seq = page.seq
        from .explore_scenario import Settings
        try:
            settings = Settings(page.sc, body.get("levers", {}), int(body.get("replications", 1)))
        except (TypeError, ValueError):
            return _json(dict(ok=False, errors={"scenario": "send levers as an object of values and replications "
                                                           "as a whole number"}))
        prep, errors = await server.prepare(page, settings)
        if seq <= page.started or page.id not in server.pages:
            return _json(dict(ok=False, superseded=True, run=seq))
        if errors:
            page.send("invalid", run=seq, errors=errors)
            return _json(dict(ok=False, errors=errors, run=seq))
        server.start(page, seq, prep)
        return _json(dict(ok=True, run=seq))

    async def scenario(request):
        body = await body_of(request)
        page = page_of(body)
        files = server.scenario_files()
        name = str(body.get("file", ""))
        if name not in files:
            return _json(dict(ok=False, error=f"'{name}' is not a scenario of {server.scenarios}/"), 400)
        try:
            sc = await server.load(files[name])
        except es.ScenarioError as e:
            return _json(dict(ok=False, error=str(e)))
        await page.cancel()
        page.started = page.seq = page.seq + 1
        page.sc, page.prep, page.finished = sc, None, None
        page.want = set()
        await server.refs.prune(server.wanted())
        return _json(dict(ok=True, scenario=server.describe(sc)))

    async def save(request):
        body = await body_of(request)
        page = page_of(body)
        name = str(body.get("name", "")).strip()
        if not NAME.match(name):
            return _json(dict(ok=False, error="a name of letters, digits, _, . and - (at most 63, not starting "
                                              "with . or -)"))
        if page.prep is None:
            return _json(dict(ok=False, error="no settings run yet: move a lever first"))
        where = server.scenarios if body.get("where", "scenarios") == "scenarios" else server.out / "scenarios"
        target = where / f"{name}.cfg"
        if target.exists() and not body.get("replace"):
            return _json(dict(ok=False, exists=True, error=f"{target} exists: choose another name or replace it"))
        try:
            text = await saved_text(server, page, name)
        except es.ScenarioError as e:
            return _json(dict(ok=False, error=str(e)))
        where.mkdir(parents=True, exist_ok=True)
        tmp = where / f".{name}.cfg.{secrets.token_hex(4)}"
        tmp.write_text(text)
        ok, msg = await server.engine.check(tmp, [])
        if not ok:
            tmp.unlink(missing_ok=True)
            return _json(dict(ok=False, error=msg))
        os.replace(tmp, target)
        return _json(dict(ok=True, path=str(target), run=f"aandacht run {target}"))

    async def report(request):
        body = await body_of(request)
        page = page_of(body)
        fin = page.finished
        if not fin or page.running() or fin["run"] != page.started:
            return _json(dict(ok=False, error="wait for the run to finish, then make its report"))
        if page.reporting and not page.reporting.done():
            return _json(dict(ok=False, error="a report is being written"))
        page.reporting = asyncio.ensure_future(make_report(server, page, fin))
        try:
            res = await asyncio.shield(page.reporting)
        except asyncio.CancelledError:
            raise
        return _json(res)

    async def state(request):
        page = server.pages.get(request.query.get("page", ""))
        if page is None:
            raise web.HTTPNotFound(text="no such page")
        fin = page.finished
        return _json(dict(page=page.id, scenario=page.sc.path, started=page.started, running=page.running(),
                          settings=page.prep.settings.values if page.prep else None,
                          replications=page.prep.settings.replications if page.prep else None,
                          finished=dict(run=fin["run"], seconds=fin["seconds"],
                                        pairs=[[os.path.abspath(a), os.path.abspath(b), s] for a, b, s in fin["pairs"]],
                                        first_week=fin["first_week"]) if fin else None,
                          processes=server.processes()))

    app.router.add_get("/", index)
    app.router.add_get("/api/events", events)
    app.router.add_post("/api/run", run)
    app.router.add_post("/api/scenario", scenario)
    app.router.add_post("/api/save", save)
    app.router.add_post("/api/report", report)
    app.router.add_get("/api/state", state)
    app.router.add_static("/static/", PAGE_DIR, show_index=False, follow_symlinks=False)
    (server.out / "reports").mkdir(parents=True, exist_ok=True)
    app.router.add_static("/files/reports/", server.out / "reports", show_index=False, follow_symlinks=False)

    async def on_shutdown(app):
        for page in list(server.pages.values()):
            page.queue.put_nowait(None)
            await page.close()
        for ref in server.refs.refs.values():
            if ref.task and not ref.task.done():
                ref.task.cancel()
                await asyncio.wait([ref.task])

    app.on_shutdown.append(on_shutdown)
    return app


def limits(server):
    return dict(max_customers=server.max_customers, max_weeks=server.max_weeks,
                max_replications=server.max_reps)


async def saved_text(server, page, name):
    """The page's settings as a scenario file of its own: the resolved text
    of the run (the engine's `check` of it), named NAME, with a comment
    saying where it comes from."""
    prep = page.prep
    ok, out = await server.engine.check(prep.pol_path, prep.auto_sets + [f"scenario.name={name}"])
    if not ok:
        raise es.ScenarioError(out)
    body = "\n".join(x for x in out.splitlines() if not x.startswith(("# aandacht resolved configuration",
                                                                       "# from: ")))
    sc = page.sc
    moved = [f"{sc.brands[i]} {k} = {v}" for i, k, v in prep.settings.moved()]
    market = [s for s in prep.settings.market_sets()]
    shock = prep.settings.shock()
    head = [f"# {name}: saved by aandacht explore from {sc.path} on {datetime.date.today().isoformat()}",
            "#",
            "# Levers moved (brand levers act from week 0: automation by its ramp, the",
            "# others as interventions of week 0, after the scenario's own):",
            *(f"#   {x}" for x in (moved or ["none"])),
            f"# Market: {', '.join(market) if market else 'as in the scenario'}",
            f"# Reputation shock: {shock['brand'] + ' in week ' + str(shock['week']) if shock else 'none added'}",
            "#",
            f"# aandacht run of this file repeats the page's run (seed {sc.seed}).",
            ""]
    return "\n".join(head) + body.lstrip("\n") + ("\n" if not body.endswith("\n") else "")


async def make_report(server, page, fin):
    """`aandacht report RUN.h5 --against REFERENCE.h5`: the HTML report of
    the page's finished run (its first seed) and its reference."""
    sc = page.sc
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"{sc.name}_explored_{stamp}"
    work = server.out / "reports" / name
    work.mkdir(parents=True, exist_ok=True)
    pol, ref, seed = fin["pairs"][0]
    a, b = work / f"{sc.name}_explored.h5", work / f"{sc.name}_reference.h5"
    for src, dst in ((pol, a), (ref, b)):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copyfile(src, dst)
    reps = fin["prep"].settings.replications
    args = [server.engine.binary, "report", str(a), "--against", str(b), "-o", str(work / "report"),
            "--replications", str(reps), "--quiet"]
    proc = await _spawn(args)
    try:
        _, err = await proc.communicate()
    except asyncio.CancelledError:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()
        raise
    if proc.returncode != 0:
        return dict(ok=False, error=err.decode("utf-8", "replace").strip() or "the report failed")
    html = work / "report" / "report.html"
    return dict(ok=True, path=str(html), url=f"/files/reports/{name}/report/report.html")


# ---------------------------------------------------------------- main

def _free_port(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _env_int(name, default):
    v = os.environ.get(name)
    return int(v) if v and v.strip().isdigit() else default


def default_scenario():
    p = Path("scenarios") / "baseline.cfg"
    if p.exists():
        return p
    inst = os.environ.get("AANDACHT_SCENARIOS_INSTALLED")
    if inst and (Path(inst) / "baseline.cfg").exists():
        return Path(inst) / "baseline.cfg"
    return p


OPTIONS = ("--port", "--open", "--out", "--scenarios", "--max-customers", "--max-weeks", "--max-replications",
           "--help")


def parse_args(argv):
    ap = CommandParser(prog="aandacht explore", allow_abbrev=False, options=OPTIONS, help_text=EXPLORE_HELP)
    ap.add_argument("file", nargs="?")
    ap.add_argument("--port", type=int)
    ap.add_argument("--open", action="store_true")
    ap.add_argument("--out", default=os.path.join("out", "explore"))
    ap.add_argument("--scenarios", default="scenarios")
    ap.add_argument("--max-customers", type=int, default=_env_int("AANDACHT_EXPLORE_MAX_CUSTOMERS", 1_000_000))
    ap.add_argument("--max-weeks", type=int, default=_env_int("AANDACHT_EXPLORE_MAX_WEEKS", 1040))
    ap.add_argument("--max-replications", type=int, default=5)
    a = ap.parse_args(argv)
    if a.port is not None and not 0 <= a.port <= 65535:
        raise UsageError(f"--port {a.port}: give 0 to 65535")
    for opt, v, lo, hi in (("--max-customers", a.max_customers, 1000, 100_000_000),
                           ("--max-weeks", a.max_weeks, 1, 10400), ("--max-replications", a.max_replications, 1, 20)):
        if not lo <= v <= hi:
            raise UsageError(f"{opt} {v}: give {lo} to {hi}")
    return a


def main(argv):
    try:
        a = parse_args(argv)
    except UsageError as e:
        print(f"aandacht explore: {e}\n\n{EXPLORE_HELP}", file=sys.stderr, end="")
        return 2
    try:
        from aiohttp import web
    except ImportError:
        from .cli import install_hint, python_kind
        hint = ("on Debian or Ubuntu: sudo apt-get install python3-aiohttp (or tools/install-deps)"
                if python_kind() == "debian" else install_hint(["aiohttp"]))
        print(f"aandacht explore: {sys.executable} lacks aiohttp, the web server of the explorer; {hint}",
              file=sys.stderr)
        return 2
    from .cli import missing_modules, install_hint
    missing = missing_modules()
    if missing:
        print(f"aandacht explore: {sys.executable} lacks {', '.join(missing)}; {install_hint(missing)}",
              file=sys.stderr)
        return 2
    from .decision import _binary
    binary = _binary(None)
    if not binary:
        print("aandacht explore: no aandacht binary (run `aandacht explore`, or set AANDACHT_BINARY)",
              file=sys.stderr)
        return 2
    if not (PAGE_DIR / "index.html").exists() or not (PAGE_DIR / "vendor" / "uplot" / "uPlot.iife.min.js").exists():
        print(f"aandacht explore: the page's files are missing from {PAGE_DIR} (this copy of the analysis "
              "package was installed without them): set AANDACHT_ANALYSIS to the sources' analysis/ folder, or "
              "pip install ./analysis from the sources", file=sys.stderr)
        return 2
    scenario = Path(a.file) if a.file else default_scenario()
    if not scenario.exists():
        print(f"aandacht explore: {scenario}: no such scenario file", file=sys.stderr)
        return 2
    out = Path(a.out)
    for sub in ("cache", "pages", "reports", "tmp"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    # what a stopped explorer left: its pages' runs, unfinished cache files
    for d in (out / "pages").iterdir():
        shutil.rmtree(d, ignore_errors=True)
    for p in list((out / "cache").glob("*.partial")) + list((out / "tmp").iterdir()):
        p.unlink(missing_ok=True)
    engine = Engine(binary, out / "tmp")
    try:
        engine.start()
        sc = asyncio.run(load_scenario(engine, scenario, a.max_customers, a.max_weeks))
    except es.ScenarioError as e:
        print(f"aandacht explore: {e}", file=sys.stderr)
        return 2
    if a.port is None:
        port = 8765 if _free_port(8765) else 0
    else:
        port = a.port
        if port and not _free_port(port):
            print(f"aandacht explore: port {port} is taken: give another with --port, or --port 0 for any",
                  file=sys.stderr)
            return 2
    server = Server(a, engine, sc)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    app = make_app(server)
    app["port"] = port
    url = f"http://127.0.0.1:{port}/"

    async def prewarm(app):
        # the reference of the scenario as loaded, made while the page opens,
        # and the modules of the decision card loaded (matplotlib is slow to import)
        import importlib
        app["imports"] = asyncio.ensure_future(asyncio.to_thread(importlib.import_module, "aandacht.page"))
        from .explore_scenario import Settings
        st = Settings(sc, {})
        try:
            market = await server.market_text(sc, st.market_sets())
        except es.ScenarioError:
            return
        ref = server.refs.get(market, es.reference_text(market, sc, st), sc.seed)
        server.refs.pinned.add(ref.key)

    def announce():
        capped = f"; cut to the explorer's bounds: {', '.join(sc.capped)}" if sc.capped else ""
        print(f"aandacht explore: {url}  (scenario {sc.path}: {len(sc.brands)} brands, "
              f"{sc.cfg['population']['customers']:,} customers, {sc.weeks} weeks{capped})", flush=True)
        print(f"aandacht explore: runs at most {a.max_customers:,} customers and {a.max_weeks:,} weeks, one at a "
              f"time per page; files in {out}/. Ctrl-C stops it.", flush=True)
        if a.open:
            webbrowser.open(url)

    async def serve():
        app.on_startup.append(prewarm)
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await runner.setup()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await web.SockSite(runner, sock, shutdown_timeout=5).start()
            announce()     # only now: the address answers
            await stop.wait()
        finally:
            await runner.cleanup()   # every page closed: its run stopped, its files removed

    asyncio.run(serve())
    print("aandacht explore: stopped", flush=True)
    return 0
