#!/usr/bin/env bash
# Golden test: JSON inputs to `tare validate --schema` are strict JSON. Every file in
# tests/golden/json/cases/ (.json whole, .jsonl line by line) is checked against
# tests/golden/json/check.schema.json; its exact output and exit code are in NAME.expected.
set -u
tare=$1
cd "$2"
. tests/golden/lib.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 pass=0
for f in tests/golden/json/cases/*.json tests/golden/json/cases/*.jsonl; do
  { "$tare" validate --schema tests/golden/json/check.schema.json "$f" 2>&1 >/dev/null; echo "exit $?"; } >"$tmp/out"
  if golden_check "${f%.*}.expected" "$tmp/out"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
# a valid JSON file and a valid JSON Lines file pass
printf '{"name": "a", "count": 0}\n' >"$tmp/ok.json"
printf '{"name": "a"}\r\n\n{"name": "b", "count": 2}\n' >"$tmp/ok.jsonl"
for f in "$tmp/ok.json" "$tmp/ok.jsonl"; do
  if "$tare" validate --schema tests/golden/json/check.schema.json "$f" 2>"$tmp/err"; then
    pass=$((pass + 1)); else echo "expected valid: $f"; cat "$tmp/err"; fail=$((fail + 1)); fi
done
# a schema file is JSON input too
printf '{"type": "object",}\n' >"$tmp/bad.schema.json"
"$tare" validate --schema "$tmp/bad.schema.json" "$tmp/ok.json" 2>"$tmp/err"
if [ $? = 3 ] && grep -q "bad.schema.json:1:19: error: invalid JSON: trailing comma" "$tmp/err"; then
  pass=$((pass + 1)); else echo "a lax schema file was accepted:"; cat "$tmp/err"; fail=$((fail + 1)); fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
