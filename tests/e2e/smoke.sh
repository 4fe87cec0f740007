#!/usr/bin/env bash
# End to end: the smoke matrix runs for real; every output file validates against its schema
# (junit.xml against schemas/junit.xsd), trace.json has the structure Perfetto loads, the verdicts
# equal golden/smoke.verdicts.json, and a changed golden file fails with a readable diff.
. "$(dirname "$0")/lib.bash"
require_bpf
r=$tmp/run
"$tare" run smoke --out "$r" --golden golden/smoke.verdicts.json --quiet 2>"$tmp/err"
check test $? = 0 || cat "$tmp/err"
for f in plan.json:plan.v1 samples.jsonl:sample.v1 verdicts.json:verdicts.v1 summary.json:summary.v1 \
  bmf.json:bmf trace.json:chrome-trace; do
  check "$tare" validate --schema "${f#*:}" "$r/${f%%:*}"
done
check "$tare" validate --schema run-index "$TARE_RUNS_DIR/index.jsonl"
check xmllint --noout --schema schemas/junit.xsd "$r/junit.xml"
check test -s "$r/summary.md"
# the run wrote its report page, well-formed (tests/e2e/report_browser.sh renders one in a browser)
check xmllint --noout "$r/report.html"
# every dispatch of the plan ran once, in plan order, and the kernel counts are exact
check py "$r" "[s['index'] for s in S] == list(range(len(S))) and len(S) == 12"
check py "$r" "all(s['kernel']['observed'] == s['params']['kernel_events'] for s in S)"
check py "$r" "all(s['capture_counters']['dropped'] == 0 and s['valid'] for s in S)"
check py "$r" "all(s['self_report_agrees'] for s in S)"
# the trace as Perfetto reads it: complete events nest their phases inside the dispatch slice
check /usr/bin/python3 - "$r/trace.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
ev = t["traceEvents"]
names = {e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
assert {"cells", "runner-only", "dual-capture"} <= names, names
disp = [e for e in ev if e["ph"] == "X" and e["cat"] in ("calibrate", "measure")]
assert len(disp) == 12
for d in disp:
    inner = [e for e in ev if e["ph"] == "X" and e["cat"] == "phase" and e["tid"] == d["tid"]
             and d["ts"] <= e["ts"] and e["ts"] + e["dur"] <= d["ts"] + d["dur"] + 1e-3]
    assert {"attach", "workload", "drain", "detach"} <= {e["name"] for e in inner}, d
assert all(isinstance(v, (int, float)) for e in ev if e["ph"] == "C" for v in e["args"].values())
PY
# the verdicts are recomputed from the samples alone, identically
"$tare" verdict show "$r" >"$tmp/v.json"
check cmp -s "$tmp/v.json" "$r/verdicts.json"
# a golden file that expects something else fails with a per-cell diff
sed 's/"verdict": "healthy"/"verdict": "lossy"/' golden/smoke.verdicts.json >"$tmp/golden.json"
"$tare" verdict check "$tmp/golden.json" "$r" >"$tmp/diff"
check test $? = 1
check grep -q "cell smoke-low: expected lossy, got healthy" "$tmp/diff"
finish
