#!/usr/bin/env bash
# End to end: a kernel_match that hits pcre2's match limit is recorded as the cause in every
# sample (kernel.count_failed) and in the verdict sentence, and fails the cell even when it
# declares no kernel events (before, target 0 ignored it and the cell was healthy).
. "$(dirname "$0")/lib.bash"
require_bpf
"$tare" run tests/e2e/matrices/match-limit.yaml --out "$tmp/run" --quiet 2>"$tmp/err"
check test $? = 0   # each cell got the verdict its expect: names
r=$tmp/run
check py "$r" "len(S) > 0 and all(s['kernel']['count_failed'] == 'matching a captured path failed: match limit exceeded' for s in S)"
check py "$r" "all(not s['health']['ok'] and 'match limit exceeded' in s['health']['reason'] and not s['valid'] for s in S)"
check py "$r" "[c['verdict'] for c in V['cells']] == ['unhealthy', 'uncalibrated']"
check py "$r" "all('match limit exceeded' in c['sentence'] and 'nothing observed' not in c['sentence'] for c in V['cells'])"
check "$tare" validate --schema sample.v1 "$r/samples.jsonl"
check "$tare" validate --schema verdicts.v1 "$r/verdicts.json"
finish
