#!/usr/bin/env bash
# Golden test: the exact error output and exit code of `tare validate` for every invalid matrix in
# tests/golden/invalid/, exit 0 for every matrix in tests/golden/valid/ and matrices/.
set -u
tare=$1
cd "$2"
. tests/golden/lib.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 pass=0
for m in tests/golden/invalid/*.yaml; do
  name=${m%.yaml}
  { "$tare" validate "$m" 2>&1 >/dev/null; echo "exit $?"; } >"$tmp/out"
  if golden_check "$name.expected" "$tmp/out"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
# the same diagnostics as JSON, for one file with many errors
"$tare" --json validate tests/golden/invalid/many-errors.yaml >"$tmp/json" 2>&1
if golden_check tests/golden/invalid/many-errors.json "$tmp/json"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
# every file is validated on its own: three copies of one invalid matrix are three failures
for i in 1 2 3; do cp tests/golden/invalid/unknown-level.yaml "$tmp/copy$i.yaml"; done
"$tare" validate "$tmp/copy1.yaml" "$tmp/copy2.yaml" "$tmp/copy3.yaml" 2>"$tmp/err"
rc=$?
for i in 1 2 3; do
  if [ $rc = 3 ] && grep -q "copy$i.yaml:9:31: error: unknown kernel_events level 'hgh'" "$tmp/err" &&
    ! grep -q "copy$i.yaml: valid" "$tmp/err"; then pass=$((pass + 1)); else
    echo "copy $i of an invalid matrix was not reported invalid:"; cat "$tmp/err"; fail=$((fail + 1)); fi
done
for m in tests/golden/valid/*.yaml matrices/*.yaml; do
  if "$tare" validate "$m" 2>"$tmp/err"; then pass=$((pass + 1)); else
    echo "expected valid: $m"; cat "$tmp/err"; fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
