#!/bin/sh
# submit_array.sh: submits a sweep to Slurm as a job array of N shards and a
# merge job that starts when all of them have succeeded.
#
#   scripts/slurm/submit_array.sh FILE.cfg N [OUTDIR] [-- SBATCH OPTIONS...]
#
# e.g. scripts/slurm/submit_array.sh scenarios/sweep_cluster.cfg 64 out -- --partition=short
# The result is OUTDIR/<name>_sweep.h5 (default OUTDIR: out).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cfg=${1:?usage: submit_array.sh FILE.cfg N [OUTDIR] [-- SBATCH OPTIONS...]}
n=${2:?usage: submit_array.sh FILE.cfg N [OUTDIR] [-- SBATCH OPTIONS...]}
shift 2
outdir=out
if [ $# -gt 0 ] && [ "$1" != "--" ]; then outdir=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
case $n in ''|*[!0-9]*) echo "submit_array: N must be a whole number, not '$n'" >&2; exit 2;; esac
[ "$n" -ge 1 ] || { echo "submit_array: N must be at least 1" >&2; exit 2; }
${AANDACHT:-aandacht} check "$cfg" >/dev/null
array=$(sbatch --parsable --array=0-$((n - 1)) "$@" "$here/sweep_array.sbatch" "$cfg" "$outdir")
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterok:"$array" "$@" "$here/sweep_merge.sbatch" "$cfg" "$n" "$outdir")
echo "submitted shards as job array $array (0-$((n - 1))) and the merge as job ${merge%%;*}"
echo "result: $outdir/<scenario name>_sweep.h5"
