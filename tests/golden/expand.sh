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
# the shards as a CI job matrix (balanced by estimated time, empty shards left out), and the
# option combinations it refuses; each --shard I/N plans exactly the cells its entry lists
for args in "starter --shards 3" "starter --shards 1" "smoke --shards 5" "boundary --shards 4"; do
  echo "== $args" >>"$tmp/ci"
  # shellcheck disable=SC2086
  "$tare" expand $args --format ci-matrix >>"$tmp/ci" 2>&1; echo "exit $?" >>"$tmp/ci"
done
for args in "starter --format ci-matrix" "starter --shards 3" "starter --format ci-matrix --shards 3 --shard 1/3" \
  "starter --format ci-matrix --shards 0"; do
  echo "== $args" >>"$tmp/ci"
  # shellcheck disable=SC2086
  "$tare" expand $args >>"$tmp/ci" 2>&1; echo "exit $?" >>"$tmp/ci"
done
check golden_check tests/golden/expand/ci-matrix.out "$tmp/ci"
"$tare" expand starter --format ci-matrix --shards 3 >"$tmp/jobs"
for i in 1 2 3; do "$tare" expand starter --shard "$i/3" --format json >"$tmp/shard$i.json"; done
check /usr/bin/python3 - "$tmp" <<'PY'
import json, sys
jobs = json.load(open(sys.argv[1] + "/jobs"))["include"]
seen = []
for job in jobs:
    i = job["shard"].split("/")[0]
    plan = json.load(open(f"{sys.argv[1]}/shard{i}.json"))
    assert [c["name"] for c in plan["cells"]] == job["cells"], job
    assert len(plan["dispatches"]) == job["dispatches"], job
    seen += job["cells"]
assert sorted(seen) == sorted(["control", "kernel-high", "span-high", "kernel-concurrent", "corner"])
assert len({json.load(open(f"{sys.argv[1]}/shard{i}.json"))["selection"]["shard"]["plan_sha256"] for i in "123"}) == 1
PY
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
