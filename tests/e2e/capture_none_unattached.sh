#!/usr/bin/env bash
# End to end: an arm without capture runs with nothing of tare attached, even right after a
# capture dispatch, and a capture dispatch after a capture dispatch finds the programs still
# attached (kept for it). The workload counts its parent's open BPF links (fdinfo "link_type").
. "$(dirname "$0")/lib.bash"
require_bpf
r=$tmp/run
"$tare" run tests/e2e/matrices/attached-links.yaml --out "$r" --keep-captures --quiet 2>"$tmp/err"
check test $? = 0 || cat "$tmp/err"
/usr/bin/python3 - "$r" >"$tmp/links" <<'PY'
import json, sys
r = sys.argv[1]
for l in open(f"{r}/samples.jsonl"):
    s = json.loads(l)
    out = open(f"{r}/logs/{s['index']:06d}.stdout").read().strip()
    print(s["index"], s["arm"], out)
PY
check test "$(wc -l <"$tmp/links")" = 24
check test "$(grep -c ' bare links=0$' "$tmp/links")" = 12
check test "$(grep -c ' ebpf links=4$' "$tmp/links")" = 12
# the plan has an ebpf dispatch right after an ebpf one, and a bare one right after an ebpf one
check py "$r" "any(a['arm'] == b['arm'] == 'ebpf' for a, b in zip(S, S[1:]))"
check py "$r" "any(a['arm'] == 'ebpf' and b['arm'] == 'bare' for a, b in zip(S, S[1:]))"
# nothing of tare was left attached between a bare dispatch's start and its end
check py "$r" "all(s['timings_ns']['attach'] == s['timings_ns']['detach'] == 0 for s in S if s['arm'] == 'bare')"
finish
