#!/usr/bin/env bash
# End to end: workloads that exit non-zero, hang past the timeout, ignore SIGTERM, leave a child
# behind, or produce fewer or more events than declared each get the verdict they must get, and
# an uncalibrated cell records no timing.
. "$(dirname "$0")/lib.bash"
require_bpf
sed "s|@FIXTURE@|$PWD/tests/e2e/fixtures/misbehave.sh|" tests/e2e/matrices/failing-workloads.yaml >"$tmp/fw.yaml"
"$tare" run "$tmp/fw.yaml" --out "$tmp/run" --quiet 2>"$tmp/err"
check test $? = 0   # every cell got the verdict its expect: names
cat "$tmp/err" | tail -12
r=$tmp/run
check py "$r" "all(s['exit_code'] == 3 for s in S if s['cell'] == 'nonzero')"
check py "$r" "all(s['timed_out'] and s['exit_code'] == 124 and not s['valid'] for s in S if s['cell'] == 'hang')"
# SIGTERM ignored: killed after the grace period, still recorded as a timeout
check py "$r" "all(s['timed_out'] for s in S if s['cell'] == 'ignore-term')"
check py "$r" "all(s['orphans'] >= 1 and not s['valid'] for s in S if s['cell'] == 'fork-away')"
# no process of any dispatch survives: the orphaned sleep was killed with its cgroup
check no_process_under "$tmp"
# uncalibrated cells run their calibration only: no timing recorded
check py "$r" "[s['phase'] for s in S if s['cell'] == 'fewer'] == ['calibrate', 'calibrate']"
check py "$r" "all(s['kernel']['agreement'] == 'drift' and s['kernel']['observed'] == 2 for s in S if s['cell'] == 'fewer')"
check py "$r" "all(s['kernel']['observed'] == 5 for s in S if s['cell'] == 'more')"
check py "$r" "all(s['valid'] for s in S if s['cell'] == 'ok') and len([s for s in S if s['cell'] == 'ok']) == 6"
# invalid dispatches keep their output for diagnosis
check test -d "$r/logs"
check "$tare" validate --schema sample.v1 "$r/samples.jsonl"
finish
