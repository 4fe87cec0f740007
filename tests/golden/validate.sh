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
# the dispatch limit is inclusive: 50 cells × 2 arms × (1 calibrate + 99,999 measure) rounds is
# exactly 10,000,000 (tests/golden/invalid/too-many-dispatches.yaml is over it)
{ printf 'tare: 1\nname: at-limit\narms:\n  a: {capture: none, spans: false}\n'
  printf '  b: {capture: ebpf, spans: false}\ndefaults: {warmups: 0, repetitions: 99999}\n'
  printf 'sweeps:\n  - {name: "k{kernel_events}", kernel_events: [%s]}\n' "$(seq -s, 1 50)"
} >"$tmp/at-limit.yaml"
if "$tare" validate "$tmp/at-limit.yaml" 2>"$tmp/err"; then pass=$((pass + 1)); else
  echo "expected valid at the dispatch limit"; cat "$tmp/err"; fail=$((fail + 1)); fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
