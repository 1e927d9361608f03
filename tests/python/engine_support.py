"""What the end-to-end tests share: the aandacht binary, a small scenario,
running it, and reading what it writes to a terminal. The binary comes from AANDACHT_BINARY (set by `make test`
and ctest) or build/aandacht beside the sources.

Test modules import these from here (`from engine_support import ...`), not
from conftest: one pytest run collects tests/python and analysis/tests
together, and both folders have a conftest.py, so a module imported as
`conftest` would be whichever of the two pytest loaded last."""
import os
import subprocess
from pathlib import Path

import pytest

SOURCE = Path(os.environ.get("AANDACHT_SOURCE", Path(__file__).resolve().parents[2]))
BINARY = Path(os.environ.get("AANDACHT_BINARY", SOURCE / "build" / "aandacht"))

SMALL = """
scenario = {{ name = "{name}"; seed = {seed}; weeks = {weeks}; warmup = {warmup}; }};
population = {{ customers = {customers}; }};
brands = (
  {{ name = "Classic"; share = 0.3; quality = 0.75; price = 53.0; automation = {{ start = 0.15; target = 0.5; ramp_start = 5; ramp_weeks = 20; }}; }},
  {{ name = "Service"; share = 0.3; quality = 0.65; price = 50.0; automation = {{ start = 0.25; }}; routing = "by_need"; }},
  {{ name = "Budget";  share = 0.4; quality = 0.50; price = 45.0; cogs = 27.0; automation = {{ start = 0.35; }}; }}
);
{extra}
"""


def small_scenario(tmp_path, name="small", seed=3, weeks=30, warmup=30, customers=4000, extra=""):
    """Writes a small three-brand scenario and returns its path."""
    p = Path(tmp_path) / f"{name}.cfg"
    p.write_text(SMALL.format(name=name, seed=seed, weeks=weeks, warmup=warmup,
                              customers=customers, extra=extra))
    return p


def run(*args, check=False, **kw):
    """Runs the binary; returns the CompletedProcess (text mode)."""
    if not BINARY.exists():
        pytest.fail(f"aandacht binary not found at {BINARY}: build first (make test)")
    r = subprocess.run([str(BINARY), *map(str, args)], capture_output=True, text=True,
                       timeout=600, **kw)
    if check and r.returncode != 0:
        pytest.fail(f"aandacht {' '.join(map(str, args))} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
    return r


def read_to_end(fd):
    """What is left to read from fd, the master end of a pseudo-terminal,
    until it ends (the reading fails with EIO once the other end is closed)."""
    seen = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    return seen
