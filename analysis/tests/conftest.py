"""Fixtures for the analysis tests: the package on the import path, the
aandacht binary (AANDACHT_BINARY, set by `make test` and ctest, or
build/aandacht beside the sources), and tiny sweep files made by the engine
once per test session, one per design kind."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ANALYSIS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ANALYSIS))
SOURCE = Path(os.environ.get("AANDACHT_SOURCE", ANALYSIS.parent))
BINARY = Path(os.environ.get("AANDACHT_BINARY", SOURCE / "build" / "aandacht"))

SCENARIO = """
scenario = {{ name = "{name}"; seed = 3; weeks = {weeks}; warmup = 10; }};
population = {{ customers = 2000; }};
brands = (
  {{ name = "Classic"; share = 0.3; quality = 0.75; price = 53.0; automation = {{ start = 0.15; target = 0.5; ramp_start = 5; ramp_weeks = 20; }}; }},
  {{ name = "Service"; share = 0.3; quality = 0.65; price = 50.0; automation = {{ start = 0.25; }}; routing = "by_need"; }},
  {{ name = "Budget";  share = 0.4; quality = 0.50; price = 45.0; cogs = 27.0; automation = {{ start = 0.35; }}; }}
);
sweep = {{
  design = "{design}"; seed = 5; replications = 2; {extra}
  parameters = (
    {parameters}
  );
}};
"""
PARAMETERS = ['{{ key = "brands.[2].automation.target"; min = 0.2; max = 0.9; {levels} }}',
              '{{ key = "satisfaction.theta"; min = 0.0; max = 2.0; {levels} }}',
              '{{ key = "brands.Classic.price"; min = 45.0; max = 60.0; {levels} }}']

# name -> (design, its keys besides parameters, per-parameter keys, parameters swept)
DESIGNS = {
    "grid": ("grid", "", "levels = 3;", 2),
    "grid1": ("grid", "", "levels = 4;", 1),
    "lhs": ("lhs", "n = 10;", "", 3),
    "saltelli": ("saltelli", "n = 8;", "", 3),
    "morris": ("morris", "trajectories = 6; levels = 4;", "", 3),
}


def engine(*args):
    """Runs the aandacht binary; fails the test with its output if it fails."""
    if not BINARY.exists():
        pytest.fail(f"aandacht binary not found at {BINARY}: build first (make test)")
    r = subprocess.run([str(BINARY), *map(str, args)], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        pytest.fail(f"aandacht {' '.join(map(str, args))} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
    return r


@pytest.fixture(scope="session")
def sweep_file(tmp_path_factory):
    """sweep_file(name) -> path of a tiny sweep named in DESIGNS (2000
    customers, 20 weeks, 2 replications; made once per session)."""
    made = {}

    def make(name):
        if name not in made:
            design, extra, levels, k = DESIGNS[name]
            d = tmp_path_factory.mktemp(f"sweep_{name}")
            cfg = d / f"{name}.cfg"
            params = ",\n    ".join(p.format(levels=levels) for p in PARAMETERS[:k])
            cfg.write_text(SCENARIO.format(name=f"tiny_{name}", weeks=20, design=design, extra=extra,
                                           parameters=params))
            out = d / f"{name}.h5"
            engine("sweep", cfg, "-o", out, "--jobs", 2, "--quiet")
            made[name] = out
        return made[name]
    return make
