#!/usr/bin/env bash
# End to end: a matrix of two env arms, neither capturing, runs as a user without privileges
# (exit 0, not 4): each arm's env reaches its workload merged over the workload's (the workload
# exits 1 otherwise), and with no cgroup leaf the resources come from tare's spawn helper (its
# few MiB as the stated floor); an interrupted run of it resumes without privileges too.
. "$(dirname "$0")/lib.bash"
if [ "$(id -u)" != 0 ]; then
  run_as() { "$@"; }
else
  command -v setpriv >/dev/null || { echo "skipped: setpriv (util-linux) is missing"; exit 77; }
  run_as() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
fi
run_as test -x "$tare" || { echo "skipped: '$tare' is not executable by uid 65534"; exit 77; }
chmod 0777 "$tmp"
r=$tmp/run
run_as env TARE_RUNS_DIR="$tmp/runs" "$tare" run tests/e2e/matrices/env-arms.yaml --out "$r" --quiet 2>"$tmp/err"
check test $? = 0 || cat "$tmp/err"
check "$tare" validate --schema sample.v1 "$r/samples.jsonl"
check py "$r" "len(S) == 16 and all(s['valid'] and s['exit_code'] == 0 for s in S)"
check py "$r" "{s['arm'] for s in S} == {'plain', 'tuned'}"
# the helper's own few MiB; a sanitizer build's runtime and quarantine add several more
floor_max=8192
ldd "$tare" 2>/dev/null | grep -q libasan && floor_max=32768
check py "$r" "all(s['resources']['source'] == 'rusage-helper' and s['resources']['memory_peak_kib'] >= 0 and 0 < s['resources']['memory_floor_kib'] < $floor_max and s['resources']['reason'] is None for s in S)"
check py "$r" "V['cells'][0]['verdict'] == 'healthy'"
# an interrupted run of it (its first 5 dispatches and a half line) resumes without privileges
mkdir "$tmp/resume"
cp "$r/matrix.yaml" "$r/plan.json" "$tmp/resume/"
head -n 5 "$r/samples.jsonl" >"$tmp/resume/samples.jsonl"
printf '{"schema":"tare.sample.v1","index":' >>"$tmp/resume/samples.jsonl"
chmod -R a+rwX "$tmp/resume"
run_as env TARE_RUNS_DIR="$tmp/runs" "$tare" run --resume "$tmp/resume" --quiet 2>"$tmp/err"
check test $? = 0 || cat "$tmp/err"
check py "$tmp/resume" "[s['index'] for s in S] == list(range(16)) and all(s['valid'] for s in S)"
# the same workload with an arm whose env does not match fails its health gate: the check is real
sed 's/SEEN: "{arm}"/SEEN: other/' tests/e2e/matrices/env-arms.yaml >"$tmp/mismatch.yaml"
chmod a+r "$tmp/mismatch.yaml"
run_as env TARE_RUNS_DIR="$tmp/runs" "$tare" run "$tmp/mismatch.yaml" --out "$tmp/mismatch" --quiet 2>"$tmp/err"
check test $? = 1
check py "$tmp/mismatch" "all(s['exit_code'] == (1 if s['arm'] == 'tuned' else 0) for s in S)"
# a capture arm still needs the privileges
run_as "$tare" run tests/golden/valid/timing-only-command.yaml --out "$tmp/capture" 2>"$tmp/err"
check test $? = 4
check grep -q "needs root" "$tmp/err"
finish
