#!/usr/bin/env bash
# End to end: SIGINT in the middle of a run ends the dispatch in flight, removes its cgroup and
# exits 130 with every finished dispatch on disk; --resume finishes the run, and the result has
# the shape of an uninterrupted run (every plan index exactly once).
. "$(dirname "$0")/lib.bash"
require_bpf
sed "s|@FIXTURE@|$PWD/tests/e2e/fixtures/misbehave.sh|" tests/e2e/matrices/resume.yaml >"$tmp/m.yaml"
"$tare" run "$tmp/m.yaml" --out "$tmp/run" --quiet 2>"$tmp/err" &
pid=$!
# interrupt once a few dispatches are recorded (each one sleeps, so one is in flight)
for _ in $(seq 1 200); do
  [ -f "$tmp/run/samples.jsonl" ] && [ "$(wc -l <"$tmp/run/samples.jsonl")" -ge 3 ] && break
  sleep 0.05
done
kill -INT "$pid"
wait "$pid"
check test $? = 130
check grep -q "resume" "$tmp/err"
n=$(wc -l <"$tmp/run/samples.jsonl")
check test "$n" -ge 3
check test ! -f "$tmp/run/verdicts.json"
# nothing of the interrupted dispatch is left running, and its cgroup is gone
check no_process_under "$tmp"
check test -z "$(find /sys/fs/cgroup/ -maxdepth 3 -name "tare.$pid" 2>/dev/null)"
"$tare" run --resume "$tmp/run" --quiet 2>>"$tmp/err"
check test $? = 0
total=$(/usr/bin/python3 -c "import json; print(len(json.load(open('$tmp/run/plan.json'))['dispatches']))")
check py "$tmp/run" "sorted(s['index'] for s in S) == list(range($total))"
check test -f "$tmp/run/verdicts.json"
# resuming a finished run adds nothing
"$tare" run --resume "$tmp/run" --quiet 2>>"$tmp/err"
check test "$(wc -l <"$tmp/run/samples.jsonl")" = "$total"
# a run directory that already holds a run is refused, not overwritten
"$tare" run "$tmp/m.yaml" --out "$tmp/run" --quiet 2>"$tmp/err2"
check test $? = 2
check grep -q "already holds a run" "$tmp/err2"
finish
