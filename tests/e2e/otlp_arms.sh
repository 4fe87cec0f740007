#!/usr/bin/env bash
# End to end: otlp arms with tare's receiver and a tiny exporter (tests/e2e/fixtures/otlp_post.py):
# a workload that flushes on exit is counted exactly (healthy under the limit, lossy over it,
# clipped at 128 of 500 as the receiver saw it), one that never posts is drift with the reason, one
# that posts protobuf is unhealthy with the fix; every output validates against its schema. No arm
# captures, so it runs with or without root (with root, in cgroup leaves).
. "$(dirname "$0")/lib.bash"
[ -x /usr/bin/python3 ] || { echo "skipped: /usr/bin/python3 is missing"; exit 77; }
sed "s|@FIXTURE@|$PWD/tests/e2e/fixtures/otlp_post.py|" tests/e2e/matrices/otlp.yaml >"$tmp/otlp.yaml"
r=$tmp/run
"$tare" run "$tmp/otlp.yaml" --out "$r" --quiet 2>"$tmp/err"
check test $? = 1 || cat "$tmp/err" # cells that are not healthy: exit 1
for f in plan.json:plan.v1 samples.jsonl:sample.v1 verdicts.json:verdicts.v1 summary.json:summary.v1 \
  bmf.json:bmf trace.json:chrome-trace; do
  check "$tare" validate --schema "${f#*:}" "$r/${f%%:*}"
done
check py "$r" "all(s['otlp'] is None and s['span']['source'] is None for s in S if s['arm'] == 'bare')"
check py "$r" "all(s['span']['source'] == 'otlp' and s['otlp'] is not None for s in S if s['arm'] != 'bare')"
# the one that flushes (s100: calibrate + 2 measured; s500: calibrate, lossy, skips its timing):
# one request, one span, every event the receiver got counted exactly
F="[s for s in S if s['arm'] == 'flush']"
check py "$r" "len($F) == 4 and all(s['otlp']['export_requests'] == 1 and s['otlp']['spans'] == 1 for s in $F)"
check py "$r" "all(s['otlp']['bytes'] > 0 and s['otlp']['last_export_after_exit_ms'] < 0 for s in $F)"
check py "$r" "all((s['span']['retained'], s['span']['dropped']) == ((100, 0) if s['cell'] == 's100' else (128, 372)) for s in $F)"
check py "$r" "all(s['otlp']['events_retained'] == s['span']['retained'] for s in $F)"
check py "$r" "all(s['health']['ok'] and s['otlp']['protobuf_refused'] == s['otlp']['malformed'] == s['otlp']['unattributed'] == 0 for s in $F)"
check py "$r" "all(s['valid'] for s in $F if s['cell'] == 's100')"
check py "$r" "all(s['span']['agreement'] == 'clipped' and s['span']['limit'] == 128 for s in $F if s['cell'] == 's500')"
# the env tare injects reached the workload: its span came back attributed to its dispatch
check py "$r" "all(not s['otlp']['late_exports'] for s in S if s['otlp'])"
C="{c['cell']: c for c in V['cells']}"
check py "$r" "$C['s100']['verdict'] in ('healthy', 'inconclusive')"
check py "$r" "$C['s500']['verdict'] == 'lossy' and 'clipped at 128 of 500 (limit 128) in arm flush' in $C['s500']['sentence']"
# the one that never flushed: drift, with the reason
check py "$r" "all(s['otlp']['spans'] == 0 and s['span']['agreement'] == 'drift' and s['health']['ok'] for s in S if s['arm'] == 'never')"
check py "$r" "$C['never']['verdict'] == 'uncalibrated' and 'no span reached the receiver: the workload exited before its exporter flushed' in $C['never']['sentence']"
check py "$r" "[x.get('detail') for x in $C['never']['reasons']] == ['no span reached the receiver: the workload exited before its exporter flushed']"
# the one that posted protobuf: refused, unhealthy, and the reason names the fix
P="[s for s in S if s['arm'] == 'protobuf']"
check py "$r" "$P and all(s['otlp']['protobuf_refused'] == 1 and not s['health']['ok'] for s in $P)"
check py "$r" "all('set OTEL_EXPORTER_OTLP_PROTOCOL=http/json' in s['health']['reason'] for s in $P)"
check py "$r" "'set OTEL_EXPORTER_OTLP_PROTOCOL=http/json' in $C['protobuf']['sentence']"
# what the exporter was answered (it exits 1 unless a JSON export gets 200, so the flush arm's
# health says that): 415 for protobuf, in the kept log of the invalid dispatch
check py "$r" "all(open('$r/logs/%06d.stdout' % s['index']).read() == '415\\n' for s in $P)"
# a run listens only when an arm has otlp: the workload looks at tare's descriptors and exits 3
# when tare listens on TCP (tests/e2e/fixtures/tare_listens.py); in an otlp arm it sees the receiver
sock=$PWD/tests/e2e/fixtures/tare_listens.py
cat >"$tmp/sock.yaml" <<YAML
tare: 1
name: sock
arms:
  a: {capture: none, spans: false}
  b: {capture: none, spans: false}
workload: {command: [/usr/bin/python3, '$sock']}
defaults: {warmups: 0, repetitions: 1}
cells: [{name: c}]
YAML
"$tare" run "$tmp/sock.yaml" --out "$tmp/sock" --quiet 2>/dev/null
check py "$tmp/sock" "[s['exit_code'] for s in S] == [0, 0, 0, 0]"
sed 's/b: {capture: none, spans: false}/b: {capture: none, spans: true, otlp: true}/' "$tmp/sock.yaml" >"$tmp/sock-otlp.yaml"
"$tare" run "$tmp/sock-otlp.yaml" --out "$tmp/sock-otlp" --quiet 2>/dev/null
check py "$tmp/sock-otlp" "sorted(s['exit_code'] for s in S) == [3, 3, 3, 3]"
finish
