"""Small files made by the engine once per test session, for the report
tests: two run files and a sweep with replications. Test modules import the
fixtures from here (`from report_runs import ...`), so they do not depend on
another test module's conftest.

- `tipshock`: three brands, tipping on, one brand automating from week 8,
  a reputation shock on Classic in week 16, 44 recorded weeks: every run
  chart has something to show;
- `calm`: the same market without the ramp, the shock and tipping, to
  compare with;
- `sweepfile`: a Latin hypercube of 3 points x 2 replications over one
  brand's automation target.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ANALYSIS = Path(__file__).resolve().parents[1]
if str(ANALYSIS) not in sys.path:
    sys.path.insert(0, str(ANALYSIS))
SOURCE = Path(os.environ.get("AANDACHT_SOURCE", ANALYSIS.parent))
BINARY = Path(os.environ.get("AANDACHT_BINARY", SOURCE / "build" / "aandacht"))

MARKET = """
scenario = {{ name = "{name}"; description = "{description}"; seed = 11; weeks = 44; warmup = 26; }};
population = {{ customers = 3000; }};
tipping = {{ enabled = {tipping}; }};
brands = (
  {{ name = "Classic"; share = 0.4; quality = 0.75; price = 53.0; automation = {{ start = 0.15; }}; }},
  {{ name = "Service"; share = 0.3; quality = 0.65; price = 50.0; automation = {{ start = 0.25; }}; }},
  {{ name = "Robo";    share = 0.3; quality = 0.60; price = 48.0;
     automation = {{ start = 0.2; target = {target}; ramp_start = 8; ramp_weeks = 12; }}; }}
);
{extra}
"""
SHOCK = """events = ( { type = "reputation_shock"; brand = "Classic"; week = 16;
  stated = 0.13; visits = 0.07; half_life = 8.0; stated_half_life = 60.0; } );
interventions = ( { week = 4; brand = "Service"; key = "hr_marketing"; value = 0.7; } );"""
SWEEP = """sweep = { design = "lhs"; seed = 5; n = 3; replications = 2;
  parameters = ( { key = "brands.Robo.automation.target"; min = 0.3; max = 0.9; } ); };"""


def engine(*args, check=True, **kw):
    """Runs the aandacht binary (text mode); fails the test if it fails and check is set."""
    if not BINARY.exists():
        pytest.fail(f"aandacht binary not found at {BINARY}: build first (make test)")
    r = subprocess.run([str(BINARY), *map(str, args)], capture_output=True, text=True, timeout=600, **kw)
    if check and r.returncode != 0:
        pytest.fail(f"aandacht {' '.join(map(str, args))} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
    return r


def _make(dirpath, name, command="run", **fmt):
    cfg = Path(dirpath) / f"{name}.cfg"
    cfg.write_text(MARKET.format(name=name, **fmt))
    out = Path(dirpath) / f"{name}.h5"
    if command == "run":
        engine("run", cfg, "-o", out, "--quiet")
    else:
        engine("sweep", cfg, "-o", out, "--jobs", 2, "--quiet")
    return out


@pytest.fixture(scope="session")
def run_files(tmp_path_factory):
    """{"tipshock": path, "calm": path}"""
    d = tmp_path_factory.mktemp("report_runs")
    return {
        "tipshock": _make(d, "tipshock", description="Robo automates; Classic suffers a shock; guests tip.",
                          tipping="true", target=0.8, extra=SHOCK),
        "calm": _make(d, "calm", description="The same market, nothing happens.",
                      tipping="false", target=0.2, extra=""),
    }


@pytest.fixture(scope="session")
def sweepfile(tmp_path_factory):
    d = tmp_path_factory.mktemp("report_sweep")
    return _make(d, "tinysweep", command="sweep", description="Robo's automation target swept.",
                 tipping="false", target=0.5, extra=SWEEP)


@pytest.fixture(scope="session")
def built_report(run_files, tmp_path_factory):
    """The report of both run files, built once with the package: (result, outdir)."""
    from aandacht import io, report
    out = tmp_path_factory.mktemp("report_out")
    res = report.build([io.read(run_files["tipshock"]), io.read(run_files["calm"])], out)
    return res, out
