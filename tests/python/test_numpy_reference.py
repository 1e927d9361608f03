"""bench/numpy_reference.py, the plain numpy version of the customer step
that the engine's speed is set beside (make bench, README): it must run the
model, and give the engine's workload (contacts per customer-week) on the
same market, or the comparison means nothing."""
import importlib.util
import subprocess
import sys

import h5py

from conftest import SOURCE, run

spec = importlib.util.spec_from_file_location("numpy_reference", SOURCE / "bench" / "numpy_reference.py")
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

# make bench's market (bench/bench_engine.c, default_market) as a scenario file
BENCH_MARKET = """
scenario = { name = "bench_market"; seed = 5; weeks = 10; warmup = 52; };
population = { customers = 20000; };
brands = (
  { name = "A"; share = 0.25; automation = { start = 0.1; }; },
  { name = "B"; share = 0.25; automation = { start = 0.3; }; },
  { name = "C"; share = 0.25; automation = { start = 0.5; }; },
  { name = "D"; share = 0.25; automation = { start = 0.7; }; }
);
"""


def reference_weeks(n=20000, warm=20, weeks=10, seed=2):
    m = ref.Market(n, seed=seed)
    for _ in range(warm):
        m.step()
    m.stats.update(contacts=0, recon=0, weeks=0)
    return m, [m.step() for _ in range(weeks)]


def test_reference_keeps_the_model_in_range():
    m, weeks = reference_weeks()
    for s in weeks:
        assert s["customers"].sum() == m.n
        assert (s["human"] + s["auto"] - s["esc"] == s["visits"]).all()  # escalations counted in both
        assert (s["prom"] + s["det"] <= s["visits"]).all()
    assert 0 <= m.loyalty.min() and m.loyalty.max() <= 1
    assert 0 <= m.deficit.min() and m.deficit.max() <= 1
    assert 0 <= m.eng.min() and m.eng.max() <= 1
    assert 0 < m.stats["recon"] / (m.n * m.stats["weeks"]) <= ref.P["nu"]  # nu: the highest weekly probability


def test_reference_has_the_engines_workload(tmp_path):
    cfg = tmp_path / "bench_market.cfg"
    cfg.write_text(BENCH_MARKET)
    out = tmp_path / "bench_market.h5"
    r = run("run", cfg, "-o", out, "--quiet")
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        engine = f["visits"][:].sum() / f["customers"][:].sum()
    m, _ = reference_weeks()
    mine = m.stats["contacts"] / (m.n * m.stats["weeks"])
    assert abs(mine - engine) < 0.02, (mine, engine)


def test_reference_prints_its_rate_and_memory():
    r = subprocess.run([sys.executable, str(SOURCE / "bench" / "numpy_reference.py"), "5000", "2", "2"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[1].startswith("median ") and "million customer-weeks per second on one core" in lines[1]
    assert float(lines[1].split()[1]) > 0
    assert "contacts" in lines[2] and "bytes per customer" in lines[3]
