#!/usr/bin/env bash
# Run directories and golden files are read as strict JSON: a plan.json, samples.jsonl line,
# summary.json or golden verdicts file that only a lax parser would take is refused with
# file:line:col (a broken summary.json, which inspect only reads for provenance, is a warning).
set -u
tare=$1
cd "$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
# expect EXIT PATTERN -- COMMAND...: the command ends with EXIT and stderr matching PATTERN
expect() {
  local want=$1 pattern=$2
  shift 3
  timeout 30 "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" = "$want" ] && { [ -z "$pattern" ] || grep -q -- "$pattern" "$tmp/err"; }; then pass=$((pass + 1)); else
    echo "FAIL ($rc, want $want): $*"; cat "$tmp/err"; fail=$((fail + 1)); fi
}
fresh() { rm -rf "$tmp/run"; cp -r tests/fixtures/verdicts/inconclusive "$tmp/run"; }

fresh
expect 0 "" -- "$tare" verdict show "$tmp/run"
# a trailing comma in the second sample
sed -i '2s/}$/,}/' "$tmp/run/samples.jsonl"
expect 3 "^$tmp/run/samples.jsonl:2:[0-9]*: error: invalid JSON: trailing comma (json.syntax)" -- "$tare" verdict show "$tmp/run"
# a duplicate key in the third
fresh
sed -i '3s/^{/{"cell":"x",/' "$tmp/run/samples.jsonl"
expect 3 "^$tmp/run/samples.jsonl:3:[0-9]*: error: duplicate key 'cell' (first defined at 3:2)" -- "$tare" verdict show "$tmp/run"
# a comment in the plan
fresh
sed -i '2i // written by hand' "$tmp/run/plan.json"
expect 3 "^$tmp/run/plan.json:2:1: error: invalid JSON: comments are not allowed (json.syntax)" -- "$tare" inspect "$tmp/run"
# single quotes in the golden file
fresh
sed "0,/\"schema\"/s/\"schema\"/'schema'/" tests/fixtures/verdicts/inconclusive/expected.verdicts.json >"$tmp/golden.json"
expect 3 "^$tmp/golden.json:2:3: error: invalid JSON: single-quoted strings are not JSON" -- "$tare" verdict check "$tmp/golden.json" "$tmp/run"
expect 0 "" -- "$tare" verdict check tests/fixtures/verdicts/inconclusive/expected.verdicts.json "$tmp/run"
# an unquoted key in summary.json: inspect still reports, without the provenance, and says why
rm -rf "$tmp/run"
cp -r tests/fixtures/run-dirs/base "$tmp/run"
sed -i '0,/"provenance"/s/"provenance"/provenance/' "$tmp/run/summary.json"
expect 0 "^$tmp/run/summary.json:[0-9]*:[0-9]*: warning: invalid JSON: object keys must be double-quoted" -- "$tare" inspect "$tmp/run"
if grep -q "^host: unknown" "$tmp/out"; then pass=$((pass + 1)); else echo "FAIL: provenance of a broken summary.json used"; fail=$((fail + 1)); fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
