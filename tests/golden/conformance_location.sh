#!/usr/bin/env bash
# The conformance suite tests read their data from $TARE_TESTDATA: a folder without the suites
# makes them skip (exit 77) saying where they looked; a folder with them is what they run.
set -u
tare=$1
cd "$2"
bindir=$(dirname "$tare")
for t in test_yaml_suite test_schema_suite; do
  [ -x "$bindir/$t" ] || { echo "skipped: $bindir/$t is not built"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi; }

for t in test_yaml_suite test_schema_suite; do
  TARE_TESTDATA=$tmp/none "$bindir/$t" >"$tmp/out" 2>&1
  check test $? = 77
  check grep -q "^skipped: conformance data not found at $tmp/none/.*; set TARE_TESTDATA$" "$tmp/out"
done

# one-case suites of each kind: the tests must judge these, not the default location's
mkdir -p "$tmp/data/yaml-test-suite/CASE" "$tmp/data/json-schema-test-suite/tests/draft2020-12/optional"
printf 'a: 1\n' >"$tmp/data/yaml-test-suite/CASE/in.yaml"
printf '{"a": 1}\n' >"$tmp/data/yaml-test-suite/CASE/in.json"
draft=$tmp/data/json-schema-test-suite/tests/draft2020-12
printf '[{"description": "d", "schema": {"type": "integer"}, "tests": [%s, %s]}]\n' \
  '{"description": "int", "data": 1, "valid": true}' \
  '{"description": "str", "data": "x", "valid": false}' >"$draft/type.json"
for f in anchor bignum ecmascript-regex float-overflow id no-schema non-bmp-regex \
  refOfUnknownKeyword unknownKeyword; do
  echo '[]' >"$draft/optional/$f.json"
done
TARE_TESTDATA=$tmp/data "$bindir/test_yaml_suite" >"$tmp/out" 2>&1
check test $? = 0
check grep -qx '1 passed, 0 failed, 0 skipped' "$tmp/out"
TARE_TESTDATA=$tmp/data "$bindir/test_schema_suite" >"$tmp/out" 2>&1
check test $? = 0
check grep -qx '2 passed, 0 failed, 0 skipped' "$tmp/out"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
