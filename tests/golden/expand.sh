#!/usr/bin/env bash
# Golden test: `tare expand` output (table and plan JSON) for each committed matrix and the valid
# examples, byte for byte; the JSON also validates against schemas/plan.v1.schema.json and is
# byte-identical across two runs. Warnings (too few repetitions) go to stderr: the table golden
# holds them, the JSON golden is stdout alone and stderr must repeat the table's warnings.
set -u
tare=$1
cd "$2"
. tests/golden/lib.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 pass=0
check() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi; }
for m in matrices/*.yaml tests/golden/valid/*.yaml; do
  name=$(basename "$m" .yaml)
  "$tare" expand "$m" >"$tmp/$name.table" 2>&1
  check golden_check "tests/golden/expand/$name.table" "$tmp/$name.table"
  "$tare" expand "$m" --format json >"$tmp/$name.json" 2>"$tmp/$name.json.err"
  check golden_check "tests/golden/expand/$name.json" "$tmp/$name.json"
  "$tare" expand "$m" >/dev/null 2>"$tmp/$name.table.err"
  check cmp -s "$tmp/$name.json.err" "$tmp/$name.table.err"
  "$tare" expand "$m" --format json >"$tmp/$name.again" 2>/dev/null
  check cmp -s "$tmp/$name.json" "$tmp/$name.again"
  check "$tare" validate --schema plan.v1 "$tmp/$name.json"
done
# selection: a glob, a tier and a shard of the starter matrix, as ndjson
"$tare" expand starter --cell 'kernel-*' --format ndjson >"$tmp/sel" 2>&1
"$tare" expand starter --shard 2/2 --format ndjson >>"$tmp/sel" 2>&1
"$tare" expand boundary --tier 0 >>"$tmp/sel" 2>&1; echo "exit $?" >>"$tmp/sel"
"$tare" expand starter --cell 'nothing*' >>"$tmp/sel" 2>&1; echo "exit $?" >>"$tmp/sel"
check golden_check tests/golden/expand/selection.out "$tmp/sel"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
