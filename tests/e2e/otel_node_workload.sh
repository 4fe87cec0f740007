#!/usr/bin/env bash
# End to end, without tare's receiver: examples/otel-node/workload.js does the built-in's file
# work (N files, payload bytes each, one per task directory), prints a self-report that the
# workload-report schema accepts, loads no OpenTelemetry module when OTEL_SDK_DISABLED=true,
# refuses bad usage with exit 2, and exits 1 naming the cause when its export cannot be delivered.
# The exports tare receives are checked by tests/e2e/otel_node.sh (the matrix, for real).
. "$(dirname "$0")/lib.bash"
w=examples/otel-node/workload.js
# the OpenTelemetry settings of the caller's environment would change what the SDK does
for v in $(compgen -e | grep '^OTEL_'); do unset "$v"; done
command -v node >/dev/null || { echo "skipped: node is not installed (ci/setup installs it)"; exit 77; }
[ -d examples/otel-node/node_modules/@opentelemetry/sdk-trace-base ] ||
  { echo "skipped: examples/otel-node/node_modules is missing (ci/setup runs npm ci there)"; exit 77; }

# no SDK: 50 files over 3 tasks, 7 bytes each, and not one @opentelemetry module loaded
NODE_DEBUG=module OTEL_SDK_DISABLED=true "$w" --kernel-events 50 --concurrency 3 --payload 7 \
  --span-events 0 --work-dir "$tmp/bare" >"$tmp/bare.json" 2>"$tmp/bare.err"
check test $? = 0
check test "$(find "$tmp/bare/sweep" -type f -name 'event-*' | wc -l)" = 50
check test "$(find "$tmp/bare/sweep" -type f -name 'event-*' -size 7c | wc -l)" = 50
check test "$(ls "$tmp/bare/sweep")" = "$(printf 'worker-0\nworker-1\nworker-2')"
check test -f "$tmp/bare/sweep/worker-1/event-49"   # task i % C, as the built-in's workers
grep -q 'Module._load' "$tmp/bare.err" || bad "NODE_DEBUG=module printed nothing: the check below would be empty"
! grep -q opentelemetry "$tmp/bare.err" || bad "an OpenTelemetry module was loaded with OTEL_SDK_DISABLED=true"
check "$tare" validate --schema schemas/workload-report.schema.json "$tmp/bare.json"
check /usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["kernel_events"] == {"requested": 50, "done": 50, "failed": 0}, r
assert r["span_events"] is None and r["latency_ns"]["count"] == 50, r' "$tmp/bare.json"

# usage errors: exit 2 with the problem named
"$w" --kernel-events 1 --concurrency 0 --payload 0 --work-dir "$tmp/u" 2>"$tmp/u.err"
check test $? = 2
check grep -q "concurrency must be at least 1" "$tmp/u.err"
"$w" --kernel-events ten --work-dir "$tmp/u" 2>"$tmp/u.err"
check test $? = 2
check grep -q "kernel-events needs a non-negative integer, not 'ten'" "$tmp/u.err"
OTEL_SDK_DISABLED=TRUE "$w" --span-events 3 --work-dir "$tmp/u" 2>"$tmp/u.err"
check test $? = 2
check grep -q "span-events needs the SDK" "$tmp/u.err"

# the SDK on, nobody listening (port 9 refuses on loopback): the files are still made, the span
# counted in the self-report, and the failed export is exit 1 with its cause
OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:9/v1/traces OTEL_EXPORTER_OTLP_TRACES_TIMEOUT=2000 \
  "$w" --kernel-events 4 --concurrency 1 --payload 0 --span-events 200 --work-dir "$tmp/sdk" \
  >"$tmp/sdk.json" 2>"$tmp/sdk.err"
check test $? = 1
check grep -q "export failed: connect ECONNREFUSED" "$tmp/sdk.err"
check test "$(find "$tmp/sdk/sweep" -type f | wc -l)" = 4
check "$tare" validate --schema schemas/workload-report.schema.json "$tmp/sdk.json"
check /usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["span_events"] == {"added": 200, "retained": 128, "dropped": 72, "limit": 128}, r' "$tmp/sdk.json"
finish
