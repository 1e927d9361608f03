"""The Slurm scripts of scripts/slurm/ (docs/hpc.md, "Slurm") on a Slurm
cluster that answers here: `make test-slurm` makes this machine a one-node
cluster (scripts/slurm/one_node_cluster.sh, as root) and runs this file;
without a cluster (no `sinfo`, or no idle or mixed node) every test is
skipped. The jobs write into pytest's temporary directory, so the node must
see it (true of a one-node cluster).

- A job array of 3 shards of a tiny sweep (8 runs) submitted with
  submit_array.sh, whose task 1 fails once (AANDACHT is a wrapper that exits
  1 for shard 1/3 the first time): the merge job still runs (afterany),
  fails with exit status 2 and its log names the missing shard and the
  sbatch command that re-runs task 1 alone; that command, run as printed,
  finishes shard 1, and the merge command it prints next then writes the
  file the serial sweep writes.
- sweep_mpi.sbatch with 2 ranks of 2 CPUs each (--overcommit when the node
  has fewer than 4 CPUs): srun is called with --cpus-per-task=2, every
  rank is started with --threads 2 and OMP_NUM_THREADS=2, the job's summary
  line says "2 MPI ranks, 1 job x 2 threads per worker", and the file
  equals the serial sweep's.
- run_checkpointed.sbatch: SIGTERM to the batch shell makes the run save
  its state and exit 75, the job requeues itself and goes on from the
  state to the file of a run never stopped."""
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from engine_support import BINARY, SOURCE, run, small_scenario
from sweep_support import GRID, RUNS, assert_same_run, assert_same_sweep, mpi_build

SCRIPTS = SOURCE / "scripts" / "slurm"
NO_CLUSTER = "no Slurm cluster (make test-slurm starts a one-node one)"
WAIT = 150          # seconds a job may take to end (queue included) on a busy machine


def cluster_answers():
    """sinfo exits 0 and shows a node that can take a job now."""
    if not (shutil.which("sinfo") and shutil.which("sbatch") and shutil.which("squeue")):
        return False
    try:
        # (sinfo retries up to 60 s when it finds no configuration)
        r = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, timeout=15)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0 and bool({"idle", "mixed"} & set(r.stdout.split()))


pytestmark = pytest.mark.skipif(not cluster_answers(), reason=NO_CLUSTER)


@pytest.fixture
def jobs():
    """The ids of the jobs a test submits; any still queued or running at its
    end (a test that failed or timed out) is cancelled."""
    ids = []
    yield ids
    if ids:
        subprocess.run(["scancel", *ids], capture_output=True, timeout=30)


def submitted(text):
    m = re.search(r"Submitted batch job (\d+)", text)
    assert m, text
    return m.group(1)


def wait_for(ids, timeout=WAIT):
    """Waits until none of the jobs (an array's id covers its tasks) is
    queued or running; returns {job or job_task: (JobState, ExitCode)} from
    scontrol (which keeps ended jobs for MinJobAge, 300 s by default)."""
    deadline = time.monotonic() + timeout
    left = list(ids)
    while left:
        queued = ""
        for job in list(left):
            r = subprocess.run(["squeue", "-h", "-j", job, "-o", "%i %T %r"],
                               capture_output=True, text=True, timeout=30)
            if (r.returncode == 0 and not r.stdout.strip()) or "Invalid job id" in r.stderr:
                left.remove(job)     # ended (or ended long ago: purged)
            else:
                queued += r.stdout + r.stderr
        if left and time.monotonic() > deadline:
            pytest.fail(f"jobs {left} have not ended after {timeout} s:\n{queued}")
        if left:
            time.sleep(1)
    states = {}
    for job in ids:
        r = subprocess.run(["scontrol", "-o", "show", "job", job], capture_output=True, text=True, timeout=30)
        for line in r.stdout.splitlines():
            f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
            key = f"{job}_{f['ArrayTaskId']}" if f.get("ArrayTaskId", "(null)") != "(null)" else job
            states[key] = (f.get("JobState"), f.get("ExitCode"))
    return states


def log_of(path):
    assert path.exists(), f"no job log {path}"
    return path.read_text()


def test_a_failed_task_is_named_rerun_alone_and_merged(tmp_path, jobs):
    d = tmp_path
    small_scenario(d, name="tiny", weeks=10, warmup=5, customers=500, extra=GRID)
    run("sweep", "tiny.cfg", "-o", "serial.h5", "--quiet", "--threads", "1", cwd=d, check=True)
    flaky = d / "flaky.sh"
    flaky.write_text(f"""#!/bin/sh
# aandacht, but shard 1/3 fails the first time it runs (the marker file says it has)
case " $* " in
    *" --shard 1/3 "*)
        if [ ! -e '{d}/failed-once' ]; then
            : > '{d}/failed-once'
            echo "flaky: shard 1/3 fails this once" >&2
            exit 1
        fi ;;
esac
exec '{BINARY}' "$@"
""")
    flaky.chmod(0o755)
    env = dict(os.environ, AANDACHT=str(flaky))

    r = subprocess.run(["sh", str(SCRIPTS / "submit_array.sh"), "tiny.cfg", "3", "out", "--", "--time=00:10:00"],
                       cwd=d, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    m = re.search(r"job array (\d+) \(0-2\) and the merge as job (\d+)", r.stdout)
    assert m, r.stdout
    array, merge = m.groups()
    jobs += [array, merge]
    states = wait_for([array, merge])
    assert states.get(f"{array}_0", ("?",))[0] == "COMPLETED", states
    assert states.get(f"{array}_2", ("?",))[0] == "COMPLETED", states
    assert states.get(f"{array}_1") == ("FAILED", "1:0"), states
    assert "flaky: shard 1/3 fails this once" in log_of(d / f"aandacht-{array}_1.out")
    # the merge ran after the failed task (afterany), merged nothing and says what to run
    assert states.get(merge) == ("FAILED", "2:0"), states
    log = log_of(d / f"aandacht-merge-{merge}.out")
    assert "1 of 3 shards not done, nothing merged" in log, log
    assert "shard 1/3 missing (no out/tiny.shard1of3.h5)" in log, log
    rerun = f"sbatch --array=1 {SCRIPTS}/sweep_array.sbatch tiny.cfg 3 out"
    remerge = f"sbatch {SCRIPTS}/sweep_merge.sbatch tiny.cfg 3 out"
    lines = [x.strip() for x in log.splitlines()]
    assert rerun in lines and remerge in lines, log
    assert (d / "out" / "tiny.shard0of3.h5").exists() and (d / "out" / "tiny.shard2of3.h5").exists()
    assert not (d / "out" / "tiny_sweep.h5").exists()

    # task 1 alone, with the same N, by the command the merge printed
    r = subprocess.run(["bash", "-c", rerun], cwd=d, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    again = submitted(r.stdout)
    jobs.append(again)
    states = wait_for([again])
    assert states == {f"{again}_1": ("COMPLETED", "0:0")}, states
    task_log = log_of(d / f"aandacht-{again}_1.out")
    assert f"shard 1/3: {len(range(1, RUNS, 3))} of {RUNS} runs (3 ok, 0 failed)" in task_log, task_log
    assert (d / "out" / "tiny.shard1of3.h5").exists()

    # and the merge it printed next
    r = subprocess.run(["bash", "-c", remerge], cwd=d, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    merge2 = submitted(r.stdout)
    jobs.append(merge2)
    assert wait_for([merge2]) == {merge2: ("COMPLETED", "0:0")}
    log = log_of(d / f"aandacht-merge-{merge2}.out")
    assert f"merged 3 shards: {RUNS} runs ({RUNS} ok, 0 failed) -> out/tiny_sweep.h5" in log, log
    assert_same_sweep(d / "serial.h5", d / "out" / "tiny_sweep.h5")


def mpi_binary():
    exe = mpi_build()
    plugins = subprocess.run(["srun", "--mpi=list"], capture_output=True, text=True, timeout=60)
    if "pmix" not in plugins.stdout + plugins.stderr:
        pytest.skip("this Slurm's srun has no pmix plugin (srun --mpi=list), which sweep_mpi.sbatch uses")
    return exe


def test_an_mpi_job_gives_each_rank_its_cpus_as_threads(tmp_path, jobs):
    exe = mpi_binary()
    d = tmp_path
    small_scenario(d, name="tiny", weeks=10, warmup=5, customers=500, extra=GRID)
    r = subprocess.run([str(exe), "sweep", "tiny.cfg", "-o", "serial.h5", "--quiet", "--threads", "1"],
                       cwd=d, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    # the binary as each rank is started: what it was given, and by whom
    ranks = d / "ranks.log"
    wrapper = d / "rank.sh"
    wrapper.write_text(f"""#!/bin/sh
echo "rank=${{SLURM_PROCID:-}} step=${{SLURM_STEP_ID:-}} cpus=${{SLURM_CPUS_PER_TASK:-}} omp=${{OMP_NUM_THREADS:-}} args=$*" >> '{ranks}'
exec '{exe}' "$@"
""")
    wrapper.chmod(0o755)
    # srun as the script calls it: the one-node cluster binds no task to its
    # CPUs (TaskPlugin=task/none), so a rank started without --cpus-per-task
    # (which srun of Slurm 22.05 to 23.02 does not take from the job) looks
    # the same from inside; what the script passes shows
    bin_dir = d / "bin"
    bin_dir.mkdir()
    (bin_dir / "srun").write_text(f"""#!/bin/sh
echo "srun $*" >> '{d}/srun.log'
exec '{shutil.which("srun")}' "$@"
""")
    (bin_dir / "srun").chmod(0o755)
    # 2 ranks x 2 CPUs: on a node of fewer than 4 CPUs (the one-node cluster
    # of a 2-core machine) only with --overcommit
    cpus = subprocess.run(["sinfo", "-h", "-o", "%c"], capture_output=True, text=True, timeout=30).stdout.split()
    over = ["--overcommit"] if max(int(c.rstrip("+")) for c in cpus) < 4 else []
    r = subprocess.run(["sbatch", *over, "--ntasks=2", "--cpus-per-task=2", "--time=00:10:00",
                        f"--export=ALL,AANDACHT={wrapper},PATH={bin_dir}:{os.environ['PATH']}",
                        str(SCRIPTS / "sweep_mpi.sbatch"),
                        "tiny.cfg", "out/mpi.h5"],
                       cwd=d, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    job = submitted(r.stdout)
    jobs.append(job)
    states = wait_for([job])
    log = log_of(d / f"aandacht-mpi-{job}.out")
    assert states == {job: ("COMPLETED", "0:0")}, log
    assert "sweep_mpi: 2 ranks x 2 CPUs" in log, log
    assert f"tiny: {RUNS} runs ({RUNS} ok, 0 failed)" in log and "2 MPI ranks, 1 job x 2 threads per worker" in log, log
    assert " --cpus-per-task=2 " in log_of(d / "srun.log")
    started = [x for x in ranks.read_text().splitlines() if " args=sweep " in x]
    assert len(started) == 2, started
    assert sorted(re.search(r"rank=(\d*)", x).group(1) for x in started) == ["0", "1"], started
    for x in started:
        assert "step=0 " in x and "cpus=2 " in x and "omp=2 " in x and " --threads 2" in x, x
    assert_same_sweep(d / "serial.h5", d / "out" / "mpi.h5")


def test_a_checkpointed_run_is_requeued_after_sigterm_and_ends_as_if_never_stopped(tmp_path, jobs):
    """run_checkpointed.sbatch: the batch shell gets SIGTERM (what Slurm
    sends before pre-emption or the time limit; here scancel --batch
    --signal=TERM), passes it to the run, which saves its state and exits 75;
    the script requeues the job, which goes on from the state: the file
    equals that of a run that was never stopped."""
    cfg = small_scenario(tmp_path, weeks=200, warmup=40, customers=150000)
    whole = tmp_path / "whole.h5"
    run("run", cfg, "-o", whole, "--quiet", "--threads", "1", check=True)
    out = tmp_path / "ck.h5"
    log = tmp_path / "ck-%j.out"
    r = subprocess.run(["sbatch", f"--output={log}", "--cpus-per-task=1", f"--export=ALL,AANDACHT={BINARY}",
                        str(SCRIPTS / "run_checkpointed.sbatch"), str(cfg), str(out), "10", "--", "--quiet"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    job = submitted(r.stdout)
    jobs.append(job)
    ckpt = Path(str(out) + ".checkpoint")
    deadline = time.monotonic() + WAIT
    while not ckpt.exists():
        assert time.monotonic() < deadline, "no checkpoint appeared"
        time.sleep(0.2)
    subprocess.run(["scancel", "--batch", "--signal=TERM", job], check=True, timeout=30)
    deadline = time.monotonic() + 2 * WAIT
    while not (out.exists() and not Path(str(out) + ".partial").exists()):
        assert time.monotonic() < deadline, "the requeued job did not finish the run"
        time.sleep(1)
    text = Path(str(log).replace("%j", job)).read_text()
    assert "requeueing job" in text and "stopped by SIGTERM" in text, text
    assert not ckpt.exists()
    assert_same_run(whole, out)
