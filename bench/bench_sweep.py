"""bench_sweep.py: throughput and overhead of `aandacht sweep` (make bench).

    bench_sweep.py AANDACHT_BINARY [REPEATS]

Makes two sweeps (an LHS over two parameters, 52 warm-up and 52 recorded
weeks, no snapshots): 16 small runs of 5,000 customers, whose throughput is
what a sweep of many small runs gets, and 4 larger runs of 200,000
customers, where fixed costs per process and file are small beside the
computation, so the overhead measures the sweep machinery itself. Each is
timed REPEATS times, with one thread per run:

  alone     every run done on its own, one after the other, as a user would
            without the sweep command: `aandacht run FILE --sweep-point K`,
            one process and one output file per run;
  jobs 1    `aandacht sweep FILE --jobs 1 --threads 1`;
  jobs 2    `aandacht sweep FILE --jobs 2 --threads 2`.

It prints the median runs per second of each, the speed-up of jobs 2 over
jobs 1, and the overhead of the sweep machinery: median(jobs 1) /
median(alone) - 1 (aim: under 5 %; negative when the sweep is the faster).
Rates and ratios, not assertions: the machine may be shared and noisy. It
also checks that run 0 of the sweep holds the bytes of its lone run.
"""
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCENARIO = """
scenario = {{ name = "bench_sweep"; seed = 11; weeks = 52; warmup = 52; }};
population = {{ customers = {customers}; }};
output = {{ snapshot_every = 0; }};
brands = (
  {{ name = "A"; share = 0.4; automation = {{ start = 0.2; target = 0.6; ramp_start = 0; ramp_weeks = 26; }}; }},
  {{ name = "B"; share = 0.3; routing = "by_need"; automation = {{ start = 0.3; }}; }},
  {{ name = "C"; share = 0.3; price = 45.0; automation = {{ start = 0.4; }}; }}
);
sweep = {{
  design = "lhs"; n = {points}; replications = 2; seed = 3;
  parameters = (
    {{ key = "brands.A.automation.target"; min = 0.3; max = 0.9; }},
    {{ key = "satisfaction.theta"; min = 0.0; max = 2.0; }}
  );
}};
"""


def timed(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def bench(exe, d, runs, customers, repeats):
    cfg = d / f"bench_sweep_{customers}.cfg"
    cfg.write_text(SCENARIO.format(customers=customers, points=runs // 2))
    times = {"alone": [], "jobs 1": [], "jobs 2": []}
    for _ in range(repeats):
        t = 0.0
        for k in range(runs):
            t += timed([exe, "run", cfg, "--sweep-point", str(k), "--threads", "1", "--quiet",
                        "--force", "-o", d / f"run{k}.h5"])
        times["alone"].append(t)
        times["jobs 1"].append(timed([exe, "sweep", cfg, "--jobs", "1", "--threads", "1", "--quiet",
                                      "--force", "-o", d / "s1.h5"]))
        times["jobs 2"].append(timed([exe, "sweep", cfg, "--jobs", "2", "--threads", "2", "--quiet",
                                      "--force", "-o", d / "s2.h5"]))
    same = "not checked (no h5py)"
    try:
        import h5py
        with h5py.File(d / "run0.h5", "r") as a, h5py.File(d / "s1.h5", "r") as b:
            same = "yes" if (a["market_share"][...] == b["market_share"][0]).all() else "NO"
    except ImportError:
        pass
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"sweep of {runs} runs x {customers} customers x 104 weeks, median of {repeats}")
    for k in times:
        print(f"  {k:7s} {runs / med[k]:8.2f} runs/s   ({med[k]:.2f} s)")
    print(f"  speed-up jobs 2 / jobs 1: {med['jobs 1'] / med['jobs 2']:.2f}")
    print(f"  sweep overhead vs runs alone: {100 * (med['jobs 1'] / med['alone'] - 1):+.1f} % (aim: < 5 %)")
    print(f"  run 0 of the sweep equals its lone run: {same}")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    exe = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory(prefix="aandacht_bench_") as tmp:
        bench(exe, Path(tmp), 16, 5000, repeats)
        bench(exe, Path(tmp), 4, 200000, repeats)


if __name__ == "__main__":
    main()
