"""bench_state.py: what saved states and shared warm-ups save (make bench).

    bench_state.py AANDACHT_BINARY SCENARIO [REPEATS] [--customers N] [--state-millions M]

1. Branching. A sweep of 16 policy variants of SCENARIO (a 4 x 4 grid of
   the automation targets of its first and last brand, from week 0 on) at N
   customers (default 200,000), one replication, run REPEATS times (default
   3) with sweep.branch_from_warmup = true, each time paired with the same
   sweep run with --no-branching (every run warms up on its own), one job
   and one thread. It prints the median core-seconds (user + system CPU
   time) per variant of each, their ratio, the share of the plain sweep's
   time saved, and whether both wrote the same numbers (every variable but
   wall_time, byte for byte).
2. State files. SCENARIO at M million customers (default 1): the time to
   save its state at the end of the warm-up, the time to load it, and the
   file's size, each per million customers (medians of REPEATS).

Rates and ratios, not assertions: the machine may be shared and noisy.
"""
import argparse
import os
import re
import resource
import statistics
import subprocess
import tempfile
from pathlib import Path

import h5py

SWEEP = """
@include "{scenario}"
sweep = {{
  design = "grid"; replications = 1; branch_from_warmup = true;
  parameters = (
    {{ key = "brands.[0].automation.target"; min = 0.2; max = 0.8; levels = 4; }},
    {{ key = "brands.[{last}].automation.target"; min = 0.2; max = 0.8; levels = 4; }}
  );
}};
"""


def core_seconds(cmd):
    """CPU seconds (user + system) of the command and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{r.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), r


def same_numbers(a, b):
    with h5py.File(a, "r") as x, h5py.File(b, "r") as y:
        for k in x:
            if k == "wall_time" or not isinstance(x[k], h5py.Dataset):
                continue
            u, v = x[k][()], y[k][()]
            if (u.tolist() != v.tolist()) if u.dtype == object else (u.tobytes() != v.tobytes()):
                return False
    return True


def brands_of(exe, scenario):
    """The scenario's brands, counted in its resolved configuration (aandacht check)."""
    r = subprocess.run([exe, "check", scenario], capture_output=True, text=True, check=True)
    listed = r.stdout.split("\nbrands = (", 1)[1].split("\n);", 1)[0]
    return len(re.findall(r"^    \{$", listed, re.M))


def branching(exe, scenario, customers, repeats, d):
    cfg = d / "branch.cfg"
    # @include is relative to the including file
    rel = os.path.relpath(Path(scenario).resolve(), d.resolve())
    cfg.write_text(SWEEP.format(scenario=rel, last=brands_of(exe, scenario) - 1))
    common = [exe, "sweep", str(cfg), "--quiet", "--force", "--jobs", "1", "--threads", "1",
              "--set", f"population.customers={customers}"]
    t = {"branched": [], "plain": []}
    same = True
    for _ in range(repeats):
        s, _ = core_seconds(common + ["-o", str(d / "b.h5")])
        t["branched"].append(s / 16)
        s, _ = core_seconds(common + ["-o", str(d / "p.h5"), "--no-branching"])
        t["plain"].append(s / 16)
        same = same and same_numbers(d / "b.h5", d / "p.h5")
    b, p = statistics.median(t["branched"]), statistics.median(t["plain"])
    print(f"16 policy variants of {Path(scenario).name} at {customers:,} customers, 1 job x 1 thread, "
          f"{repeats} pairs:")
    print(f"  with branch_from_warmup   {b:7.2f} core-s per variant (median)")
    print(f"  every warm-up run         {p:7.2f} core-s per variant (median)")
    print(f"  ratio {b / p:.3f}: {100 * (1 - b / p):.1f} % of the plain sweep's time saved")
    print(f"  same numbers, byte for byte: {'yes' if same else 'NO'}")


def state_files(exe, scenario, millions, repeats, d):
    n = int(millions * 1_000_000)
    save, load, size = [], [], []
    for _ in range(repeats):
        st = d / "state.h5"
        r = subprocess.run([exe, "run", scenario, "-o", str(d / "s.h5"), "--force", "--weeks", "1",
                            "--set", f"population.customers={n}", "--save-state", str(st)],
                           capture_output=True, text=True, check=True)
        save.append(float(re.search(r"saved the state .* \(([0-9.]+) s\)", r.stderr).group(1)))
        size.append(st.stat().st_size)
        r = subprocess.run([exe, "run", scenario, "-o", str(d / "f.h5"), "--force", "--weeks", "1",
                            "--set", f"population.customers={n}", "--from", str(st)],
                           capture_output=True, text=True, check=True)
        load.append(float(re.search(r"loaded the state .* in ([0-9.]+) s", r.stderr).group(1)))
        st.unlink()
    m = n / 1e6
    print(f"state files of {Path(scenario).name} at {n:,} customers ({repeats} runs, medians):")
    print(f"  save {statistics.median(save) / m:6.2f} s, load {statistics.median(load) / m:6.2f} s, "
          f"size {statistics.median(size) / m / 2**20:6.1f} MiB, per million customers")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("scenario")
    ap.add_argument("repeats", nargs="?", type=int, default=3)
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--state-millions", type=float, default=1.0)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        branching(a.binary, a.scenario, a.customers, a.repeats, d)
        state_files(a.binary, a.scenario, a.state_millions, a.repeats, d)


if __name__ == "__main__":
    main()
