#!/usr/bin/env bash
# End to end: matrices/otel-node.yaml for real, as the README runs it. The verdicts equal
# golden/otel-node.verdicts.json; tare's receiver saw the real SDK's exports: under the default
# limit 128 of 500 span events with droppedEventsCount 372 (s500 lossy), all 500 with the limit
# raised through the arm's env (s500-limit1000 healthy), one export per SDK dispatch and none from
# the bare arms; the capture counted every file; the summary has each arm's cost with an interval,
# the slope over span events and the capture × SDK factorial.
. "$(dirname "$0")/lib.bash"
require_bpf
command -v node >/dev/null || { echo "skipped: node is not installed (ci/setup installs it)"; exit 77; }
[ -d examples/otel-node/node_modules/@opentelemetry/sdk-trace-base ] ||
  { echo "skipped: examples/otel-node/node_modules is missing (ci/setup runs npm ci there)"; exit 77; }
# the OpenTelemetry settings of the caller's environment would change what the SDK does
for v in $(compgen -e | grep '^OTEL_'); do unset "$v"; done

r=$tmp/otel-node
"$tare" run otel-node --golden golden/otel-node.verdicts.json --out "$r" --quiet 2>"$tmp/err"
check test $? = 0 || cat "$tmp/err"
check "$tare" validate --schema sample.v1 "$r/samples.jsonl"
sdk="s['arm'] in ('otel', 'otel-raised', 'dual')"
check py "$r" "all(s['valid'] for s in S if s['cell'] != 's500')"
# s500 stops at calibration: its otel dispatch is the clipped one (on_fail: skip-cell)
check py "$r" "[(s['phase'], s['arm'], s['valid']) for s in S if s['cell'] == 's500'] == [('calibrate', 'bare', True), ('calibrate', 'otel', False)]"
check py "$r" "all(s['otlp']['export_requests'] == 1 and s['otlp']['spans'] == 1 for s in S if $sdk)"
check py "$r" "all(s['otlp'] is None and s['span']['source'] is None for s in S if not ($sdk))"
check py "$r" "all(s['span']['source'] == 'otlp' for s in S if $sdk)"
check py "$r" "all((s['span']['retained'], s['span']['dropped']) == (128, 372) for s in S if s['cell'] == 's500' and $sdk)"
check py "$r" "all((s['span']['retained'], s['span']['dropped']) == (500, 0) for s in S if s['cell'] == 's500-limit1000' and $sdk)"
check py "$r" "all(s['span']['retained'] == s['params']['span_events'] for s in S if s['arm'] == 'otel-raised')"
check py "$r" "all(s['kernel']['matched_events'] == s['params']['kernel_events'] for s in S if s['capture'] == 'ebpf')"
check py "$r" "all(s['otlp']['late_exports'] == 0 and s['otlp']['unattributed'] == 0 for s in S if $sdk)"
check /usr/bin/python3 - "$r/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
cells = {c["cell"]: c for c in s["cells"]}
for name, c in cells.items():
    if name == "s500":  # lossy: skipped after calibration, no pairs
        assert c["pairs"][0]["n"] == 0, c
        continue
    for p in c["pairs"]:
        assert p["ci_ms"][0] is not None and p["ci_ms"][1] is not None, (name, p)
        print(f"{name}: {p['baseline']} → {p['candidate']}: {p['sentence']}")
for name in ("k100-s100", "k200-c4-s100"):
    f = cells[name]["factorial"]
    assert f is not None and f["n"] == 16, (name, f)
    print(f"{name}: {f['sentence']}")
slope = [x for x in s["slopes"] if x["axis"] == "span_events"]
assert len(slope) == 1 and slope[0]["pair"] == "bare → otel-raised", s["slopes"]
assert len(slope[0]["cells"]) == 6, slope[0]["cells"]
print("per span event:", slope[0]["sentence"])
PY
finish
