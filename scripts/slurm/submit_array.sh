#!/bin/sh
# submit_array.sh: submits a sweep to Slurm as a job array of N shards and a
# merge job that starts when all of them have ended, whether they succeeded
# or not (--dependency=afterany).
#
#   scripts/slurm/submit_array.sh FILE.cfg N [OUTDIR] [-- SBATCH OPTIONS...]
#
# e.g. scripts/slurm/submit_array.sh scenarios/sweep_cluster.cfg 64 out -- --partition=short
# The result is OUTDIR/<name>_sweep.h5 (default OUTDIR: out). If a task
# failed, the merge job fails too (exit status 2) and its log
# (aandacht-merge-<job>.out) names the shards missing or incomplete and
# prints the sbatch commands that re-run just those tasks and then merge.
# The SBATCH OPTIONS go to both jobs. Run it from the directory the paths
# are relative to: the jobs run there and write their logs there.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: submit_array.sh FILE.cfg N [OUTDIR] [-- SBATCH OPTIONS...]"
cfg=${1:?$usage}
n=${2:?$usage}
shift 2
outdir=out
if [ $# -gt 0 ] && [ "$1" != "--" ]; then outdir=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
case $n in ''|*[!0-9]*) echo "submit_array: N must be a whole number, not '$n'" >&2; exit 2;; esac
[ "$n" -ge 1 ] || { echo "submit_array: N must be at least 1" >&2; exit 2; }
${AANDACHT:-aandacht} check "$cfg" >/dev/null
array=$(sbatch --parsable --array=0-$((n - 1)) "$@" "$here/sweep_array.sbatch" "$cfg" "$n" "$outdir")
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterany:"$array" "$@" "$here/sweep_merge.sbatch" "$cfg" "$n" "$outdir")
echo "submitted shards as job array $array (0-$((n - 1))) and the merge as job ${merge%%;*}"
echo "result: $outdir/<scenario name>_sweep.h5 (log of the merge: aandacht-merge-${merge%%;*}.out)"
