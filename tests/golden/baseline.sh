#!/usr/bin/env bash
# Golden test of committed baselines: `tare baseline save` on the recorded runs in
# tests/fixtures/run-dirs/ writes a file valid against schemas/baseline.v1.schema.json, and `tare
# compare` given the baseline instead of the run directory prints the same comparison with the
# same exit code, refuses the same things; broken baselines fail with located errors
# (tests/golden/baseline/errors.out).
set -u
tare=$(realpath "$1")
src=$(realpath "$2")
cd "$src"
. tests/golden/lib.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r tests/fixtures/run-dirs/base tests/fixtures/run-dirs/current "$tmp/"
cd "$tmp"
fail=0 pass=0
check() { if "$@"; then pass=$((pass + 1)); else echo "FAIL: $*"; fail=$((fail + 1)); fi; }

check "$tare" baseline save base base.json
check "$tare" validate --schema baseline.v1 base.json
check "$tare" baseline save current current.json
# what it holds: every valid measured sample's wall time per cell and arm, the verdicts
check /usr/bin/python3 - <<'PY'
import json
b = json.load(open("base.json"))
S = [json.loads(l) for l in open("base/samples.jsonl")]
for c in b["cells"]:
    for a in c["arms"]:
        want = [s["timings_ns"]["wall"] for s in S if s["cell"] == c["cell"] and s["arm"] == a["arm"]
                and s["phase"] == "measure" and s["valid"]]
        assert a["wall_ns"] == want, (c["cell"], a["arm"])
assert b["matrix"]["yaml"] == open("base/matrix.yaml").read()
assert b["provenance"]["host_class"] == json.load(open("base/summary.json"))["provenance"]["host_class"]
PY
# compare: the baseline in place of either run directory, the same table and exit code
# (the lines naming the inputs left out)
compare() {
  local out
  out=$(mktemp -p "$tmp")
  "$tare" compare "$@" >"$out" 2>&1
  echo "exit $?" >>"$out"
  grep -vE '^(base|current): |"(base|current)": ' "$out"
}
check diff <(compare base current) <(compare base.json current)
check diff <(compare base current) <(compare base current.json)
check diff <(compare base current --json) <(compare base.json current --json)
check diff <(compare current base) <(compare current.json base.json)
# the same refusals: another host class in the baseline's provenance
sed 's/"host_class": "[^"]*"/"host_class": "linux-x86_64-6.1.0-other_cpu-64"/' base.json >other-host.json
"$tare" compare other-host.json current >/dev/null 2>&1
check test $? = 3
"$tare" compare other-host.json current --force >/dev/null 2>&1
check test $? = 0 # forced: compared; the recorded runs are unstable, so no reliable regression

# broken baselines: schema, strict JSON, a matrix copy that is not what the digest says
{
  /usr/bin/python3 -c 'import json; b = json.load(open("base.json")); del b["cells"]; json.dump(b, open("no-cells.json", "w"), indent=2)'
  echo "== no cells"; "$tare" compare no-cells.json current 2>&1; echo "exit $?"
  sed 's/"tare.baseline.v1"/"tare.baseline.v1",/' base.json >trailing-comma.json
  echo "== not strict JSON"; "$tare" compare current trailing-comma.json 2>&1 | head -3; echo "exit ${PIPESTATUS[0]}"
  /usr/bin/python3 -c 'import json; b = json.load(open("base.json")); b["matrix"]["yaml"] += "# edited\n"; json.dump(b, open("edited.json", "w"), indent=2)'
  echo "== an edited matrix copy"; "$tare" compare edited.json current 2>&1; echo "exit $?"
  echo "== usage"; "$tare" baseline base base.json 2>&1; echo "exit $?"
  echo "== not a run"; "$tare" baseline save nowhere x.json 2>&1; echo "exit $?"
} >errors.out
check golden_check "$src/tests/golden/baseline/errors.out" errors.out
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
