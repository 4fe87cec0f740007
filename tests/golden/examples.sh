#!/usr/bin/env bash
# Golden test: every matrix under examples/ is valid, and its plan (`tare expand`, table and
# JSON) is byte for byte the one in tests/golden/examples/; the JSON validates against plan.v1;
# the README's own-program matrix is valid.
set -u
tare=$1
cd "$2"
. tests/golden/lib.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 pass=0
check() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi; }
n=0
for m in examples/*/*.yaml; do
  n=$((n + 1))
  name=$(basename "$m" .yaml)
  { "$tare" validate "$m" 2>&1; echo "exit $?"; } >"$tmp/$name.validate"
  check golden_check "tests/golden/examples/$name.validate" "$tmp/$name.validate"
  "$tare" expand "$m" >"$tmp/$name.table" 2>&1
  check golden_check "tests/golden/examples/$name.table" "$tmp/$name.table"
  "$tare" expand "$m" --format json >"$tmp/$name.json" 2>/dev/null
  check golden_check "tests/golden/examples/$name.json" "$tmp/$name.json"
  check "$tare" validate --schema plan.v1 "$tmp/$name.json"
done
# the examples the README names are there, and the matrix its "Measure your own program" shows
# is valid
check test "$n" -ge 2
awk '/^## Measure your own program/{f=1} f&&/^```yaml/{g=1;next} g&&/^```/{exit} g' README.md >"$tmp/readme.yaml"
check test -s "$tmp/readme.yaml"
check "$tare" validate "$tmp/readme.yaml"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
