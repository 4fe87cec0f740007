#!/usr/bin/env bash
# End to end, the CI fan-out simulated on one machine: the starter matrix in the 3 shards `tare
# expand --format ci-matrix --shards 3` lists, run one after another, and again with two of them at
# once in separate directories; each set merged equals golden/starter.verdicts.json, the merged run
# is the full plan, and a baseline saved from it compares clean with it.
. "$(dirname "$0")/lib.bash"
require_bpf
"$tare" expand starter --format ci-matrix --shards 3 >"$tmp/jobs"
check /usr/bin/python3 -c 'import json, sys; j = json.load(open(sys.argv[1]))["include"]; assert [e["shard"] for e in j] == ["1/3", "2/3", "3/3"]' "$tmp/jobs"
for i in 1 2 3; do
  "$tare" run starter --shard "$i/3" --out "$tmp/seq-$i" --quiet 2>"$tmp/err-$i"
  check test $? = 0 || cat "$tmp/err-$i"
done
# a shard's run directory records its shard, the full plan's digest and the cells it owns
check /usr/bin/python3 - "$tmp" <<'PY'
import json, sys
jobs = json.load(open(sys.argv[1] + "/jobs"))["include"]
digests = set()
for i, job in enumerate(jobs, 1):
    plan = json.load(open(f"{sys.argv[1]}/seq-{i}/plan.json"))
    shard = plan["selection"]["shard"]
    assert (shard["index"], shard["count"]) == (i, 3)
    assert [c["name"] for c in plan["cells"]] == job["cells"]
    digests.add(shard["plan_sha256"])
assert len(digests) == 1
PY
"$tare" merge --out "$tmp/merged-seq" --golden golden/starter.verdicts.json "$tmp"/seq-{1,2,3} >"$tmp/out" 2>"$tmp/err"
check test $? = 0 || cat "$tmp/err"
check "$tare" verdict check golden/starter.verdicts.json "$tmp/merged-seq"
# two shards at once, each in its own directory, merged with the third
"$tare" run starter --shard 1/3 --out "$tmp/par-1" --quiet 2>"$tmp/err-p1" &
p1=$!
"$tare" run starter --shard 2/3 --out "$tmp/par-2" --quiet 2>"$tmp/err-p2" &
p2=$!
wait "$p1"
check test $? = 0 || cat "$tmp/err-p1"
wait "$p2"
check test $? = 0 || cat "$tmp/err-p2"
"$tare" merge --out "$tmp/merged-par" "$tmp/par-2" "$tmp/seq-3" "$tmp/par-1" >"$tmp/out" 2>"$tmp/err"
check test $? = 0 || cat "$tmp/err"
check "$tare" verdict check golden/starter.verdicts.json "$tmp/merged-par"
# the merged run is the full plan with every dispatch once, and valid as any run
"$tare" expand starter --format json >"$tmp/full.json"
check /usr/bin/python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
full = json.load(open(t + "/full.json"))
for m in ("merged-seq", "merged-par"):
    plan = json.load(open(f"{t}/{m}/plan.json"))
    assert plan["dispatches"] == full["dispatches"], m
    S = [json.loads(l) for l in open(f"{t}/{m}/samples.jsonl")]
    assert [s["index"] for s in S] == list(range(len(full["dispatches"]))), m
    for s in S:
        d = full["dispatches"][s["index"]]
        assert (d["cell"], d["phase"], d["round"], d["slot"], d["arm"]) == \
               (s["cell"], s["phase"], s["round"], s["slot"], s["arm"]), s["index"]
PY
for f in plan.json:plan.v1 samples.jsonl:sample.v1 verdicts.json:verdicts.v1 summary.json:summary.v1 \
  bmf.json:bmf trace.json:chrome-trace; do
  check "$tare" validate --schema "${f#*:}" "$tmp/merged-par/${f%%:*}"
done
check xmllint --noout --schema schemas/junit.xsd "$tmp/merged-par/junit.xml"
"$tare" verdict show "$tmp/merged-par" >"$tmp/v.json"
check cmp -s "$tmp/v.json" "$tmp/merged-par/verdicts.json"
# a baseline of the merged run: valid, and the run compares clean against it
check "$tare" baseline save "$tmp/merged-seq" "$tmp/baseline.json"
check "$tare" validate --schema baseline.v1 "$tmp/baseline.json"
"$tare" compare "$tmp/baseline.json" "$tmp/merged-seq" >"$tmp/cmp" 2>&1
check test $? = 0 || cat "$tmp/cmp"
finish
