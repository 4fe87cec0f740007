#!/usr/bin/env bash
# End to end: `tare run --shard I/N` executes exactly the dispatches `tare expand --shard I/N`
# lists, and records the shard in its plan.
. "$(dirname "$0")/lib.bash"
require_bpf
"$tare" expand smoke --shard 2/2 --format json >"$tmp/expected.json"
"$tare" run smoke --shard 2/2 --out "$tmp/run" --quiet 2>"$tmp/err"
check test $? = 0 || cat "$tmp/err"
check /usr/bin/python3 - "$tmp/expected.json" "$tmp/run" <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))
got = json.load(open(sys.argv[2] + "/plan.json"))
assert got["dispatches"] == want["dispatches"], "the run's plan is not expand's"
assert got["cells"] == want["cells"]
S = [json.loads(l) for l in open(sys.argv[2] + "/samples.jsonl")]
assert [s["index"] for s in S] == [d["index"] for d in want["dispatches"]]
assert {s["cell"] for s in S} == {c["name"] for c in want["cells"]}
PY
finish
