#!/usr/bin/env bash
# End to end: a custom command that counts no kernel events runs without kernel_match, under an
# arm that captures and one that does not; the capture arm observes the target of 0 exactly.
. "$(dirname "$0")/lib.bash"
require_bpf
r=$tmp/run
"$tare" run tests/golden/valid/timing-only-command.yaml --out "$r" --quiet 2>"$tmp/err"
check test $? = 0 || cat "$tmp/err"
check "$tare" validate --schema sample.v1 "$r/samples.jsonl"
check py "$r" "len(S) == 24 and all(s['valid'] and s['exit_code'] == 0 for s in S)"
check py "$r" "all(s['argv'] == ['/bin/sleep', '0.02'] for s in S)"
# sleep opens files (the loader's), none of which counts without a pattern
check py "$r" "all(s['kernel']['matched_events'] == 0 and s['capture_counters']['emitted'] > 0 for s in S if s['capture'] == 'ebpf')"
check py "$r" "all(s['timings_ns']['wall'] >= 20e6 for s in S)"
check py "$r" "V['cells'][0]['verdict'] == 'healthy'"
finish
