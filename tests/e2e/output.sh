#!/usr/bin/env bash
# End to end: stdout/stderr go through pipes tare drains. A workload writing a 200 MiB file of its
# own runs unchanged and healthy (no RLIMIT_FSIZE); a 300 MiB flood is counted to the byte (checked
# against wc -c on the same command), marked output_truncated, and keeps at most 2 × 128 KiB of
# logs per dispatch; a child that keeps stdout open does not hold the run.
. "$(dirname "$0")/lib.bash"
require_bpf
fixture=$PWD/tests/e2e/fixtures/output.sh
sed "s|@FIXTURE@|$fixture|" tests/e2e/matrices/output.yaml >"$tmp/output.yaml"
start=$(date +%s)
"$tare" run "$tmp/output.yaml" --out "$tmp/run" --quiet 2>"$tmp/err"
rc=$?
check test $rc = 0 || cat "$tmp/err"   # every cell got the verdict its expect: names
elapsed=$(($(date +%s) - start))
r=$tmp/run
check "$tare" validate --schema sample.v1 "$r/samples.jsonl"
check py "$r" "all('stdout_bytes' in s and 'stderr_bytes' in s for s in S)"

# the large file: written whole, the workload healthy in both arms
check py "$r" "[s['arm'] for s in S if s['cell'] == 'bigfile' and s['valid']] != []"
check py "$r" "all(s['exit_code'] == 0 and s['health']['ok'] and not s['output_truncated'] for s in S if s['cell'] == 'bigfile')"
check py "$r" "all(s['self_report'] == {'file_bytes': 209715200} for s in S if s['cell'] == 'bigfile')"

# the flood: every byte counted, as wc -c counts the same command's output
want=$(/bin/sh "$fixture" flood 2>/dev/null | wc -c)
check test "$want" = 314572800
check py "$r" "all(s['stdout_bytes'] == $want and s['stderr_bytes'] == 8 and s['output_truncated'] for s in S if s['cell'] == 'flood')"
# its logs: at most 128 KiB per stream, so 2 × 128 KiB per dispatch, ending with the stream's
# last bytes; the marker line counts what is missing exactly
flood=$(/usr/bin/python3 -c "import json,sys; print(' '.join('%06d' % json.loads(l)['index'] for l in open(sys.argv[1]) if json.loads(l)['cell'] == 'flood'))" "$r/samples.jsonl")
check test -n "$flood"
for s in $flood; do
  out=$r/logs/$s.stdout err=$r/logs/$s.stderr
  check test "$(stat -c %s "$out")" -le 131072
  check test "$(($(stat -c %s "$out") + $(stat -c %s "$err")))" -le 262144
  check /usr/bin/python3 - "$out" "$want" <<'PY'
import re, sys
data, total = open(sys.argv[1], "rb").read(), int(sys.argv[2])
m = re.search(rb"\n\[\xe2\x80\xa6 (\d+) bytes not kept \xe2\x80\xa6\]\n", data)
assert m, "no marker line"
head, tail = data[:m.start()], data[m.end():]
assert head == b"\0" * len(head) and tail == b"\0" * 65536, (len(head), len(tail))
assert len(head) + int(m.group(1)) + len(tail) == total, (len(head), m.group(1), len(tail))
PY
  check test "$(cat "$err")" = flooded
done

# the child holding stdout: counted as left behind, killed with the leaf, and the run not held
check py "$r" "all(s['orphans'] >= 1 and s['stdout_bytes'] == 8 for s in S if s['cell'] == 'keeps-pipe')"
check no_process_under "$tmp"
echo "run took ${elapsed}s"
check test "$elapsed" -lt 60
finish
