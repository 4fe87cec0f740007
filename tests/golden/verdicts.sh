#!/usr/bin/env bash
# Golden test of the verdict logic: `tare verdict show` on recorded sample fixtures (no BPF, no
# root), byte for byte; each output, every committed fixture and golden file also validates,
# as strict JSON, against its schema.
set -u
tare=$1
cd "$2"
. tests/golden/lib.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi; }
for dir in tests/fixtures/verdicts/*/; do
  dir=${dir%/}
  "$tare" verdict show "$dir" >"$tmp/out.json" 2>&1
  check golden_check "$dir/expected.verdicts.json" "$tmp/out.json"
  # .json: validated as strict JSON, not through the YAML loader
  check "$tare" validate --schema verdicts.v1 "$tmp/out.json"
done
# the committed fixtures and golden files are strict JSON that their schemas accept
for f in tests/fixtures/*/*/plan.json; do check "$tare" validate --schema plan.v1 "$f" 2>/dev/null; done
for f in tests/fixtures/*/*/samples.jsonl; do check "$tare" validate --schema sample.v1 "$f" 2>/dev/null; done
for f in tests/fixtures/*/*/summary.json; do check "$tare" validate --schema summary.v1 "$f" 2>/dev/null; done
for f in tests/fixtures/verdicts/*/expected.verdicts.json golden/*.verdicts.json; do
  check "$tare" validate --schema verdicts.v1 "$f" 2>/dev/null
done
# check against its own expectation passes; against another fixture's, it fails with a diff
check "$tare" verdict check tests/fixtures/verdicts/inconclusive/expected.verdicts.json tests/fixtures/verdicts/inconclusive >/dev/null
"$tare" verdict check tests/fixtures/verdicts/misbehaving/expected.verdicts.json tests/fixtures/verdicts/inconclusive >"$tmp/diff"
check test $? = 1
check grep -q "matrix: expected 'failing-workloads', got 'single-repetition'" "$tmp/diff"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
