#!/usr/bin/env bash
# Golden test: `tare inspect` and `tare compare` on the recorded run directories in
# tests/fixtures/run-dirs/ (see its README), byte for byte with their exit codes, including the
# refusals (other host, other matrix), --force, --max-regression, --fail-on-unreliable, a run on
# a loaded machine, an interrupted run, and replicate runs per side (--base/--current).
set -u
tare=$(realpath "$1")
src=$(realpath "$2")
cd "$src"
. tests/golden/lib.bash
for c in inspect compare; do
  if ! "$tare" help "$c" >/dev/null 2>&1; then
    echo "skipped: this tare binary has no '$c' command"
    exit 77
  fi
done
expected=$src/tests/fixtures/run-dirs/expected
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r tests/fixtures/run-dirs/base tests/fixtures/run-dirs/current "$tmp/"
cd "$tmp"
# variants made here rather than committed: another host class, another matrix, an interrupted run
cp -r current other-host
sed -i 's/"host_class": "[^"]*"/"host_class": "linux-x86_64-6.1.0-other_cpu-64"/' other-host/summary.json
# the same current run, recorded as if the machine had been busy (CPU hogs: 1-minute load 3.9 on 2 cores)
cp -r current loaded
sed -i '/"load_end"/,/]/{s/^\( *\)[0-9.][0-9.]*\(,\?\)$/\13.9\2/}' loaded/summary.json
cp -r current other-matrix
echo "# an edited copy: the matrix sha256 changes" >>other-matrix/matrix.yaml
mkdir interrupted
cp base/matrix.yaml base/plan.json interrupted/
head -n 10 base/samples.jsonl >interrupted/samples.jsonl
# replicates: second runs made from the recorded ones, every wall time scaled (a run-level shift:
# 1.03 and 0.98 are ordinary, 1.34 the largest measured on an idle machine, docs/compare.md)
scale() { # scale RUN FACTOR NEW
  mkdir "$3"
  cp "$1/matrix.yaml" "$1/plan.json" "$1/summary.json" "$3/"
  /usr/bin/python3 -c '
import json, sys
with open(sys.argv[2], "w") as o:
    for l in open(sys.argv[1]):
        s = json.loads(l)
        s["timings_ns"]["wall"] = round(s["timings_ns"]["wall"] * float(sys.argv[3]))
        o.write(json.dumps(s, separators=(",", ":")) + "\n")' "$1/samples.jsonl" "$3/samples.jsonl" "$2"
}
scale base 1.03 base-b
scale current 0.98 current-b
scale current 1.34 current-slow
mkdir runs
printf '{"schema":"tare.run-index.v1","out_dir":"base"}\n' >runs/index.jsonl

fail=0 pass=0
# check NAME ARGS...: stdout, stderr and the exit code of `tare ARGS` against expected/NAME
check() {
  local name=$1
  shift
  { TARE_RUNS_DIR=runs "$tare" "$@" 2>"$tmp/err"; echo "exit $?"; echo "-- stderr"; cat "$tmp/err"; } >"$tmp/out"
  if golden_check "$expected/$name" "$tmp/out"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}
check inspect-base.txt inspect base
check inspect-base.json --json inspect base
check inspect-latest.txt inspect
check inspect-interrupted.txt inspect interrupted
check inspect-missing.txt inspect no-such-run
check inspect-usage.txt inspect base current
check compare-regression.txt compare base current
check compare-regression.json --json compare base current
check compare-threshold.txt compare base current --max-regression 50
check compare-strict.txt compare base current --fail-on-unreliable
check compare-loaded.txt compare base loaded
check compare-loaded.json --json compare base loaded
check compare-same.txt compare base base
check compare-other-host.txt compare base other-host
check compare-other-host-forced.txt compare base other-host --force
check compare-other-matrix.txt compare base other-matrix
check compare-usage.txt compare base
check compare-replicates.txt compare --base base --base base-b --current current --current current-b
check compare-replicates.json --json compare --base base --base base-b --current current --current current-b
check compare-replicates-shift.txt compare --base base --base base-b --current current --current current-slow
check compare-replicates-one-current.txt compare --base base --base base-b --current current-slow
check compare-replicates-strict.txt compare --base base --base base-b --current current --current current-b --fail-on-unreliable
check compare-replicates-usage.txt compare --base base current
check compare-replicates-twice.txt compare --base base --base ./base/ --current current
check compare-replicates-loaded.txt compare --base base --base base-b --current current --current loaded
check compare-replicates-other-matrix.txt compare --base base --base other-matrix --current current --current current-b
check compare-bad-pct.txt compare base current --max-regression lots
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
