#!/usr/bin/env bash
# Golden test: `--json` is total. Every command, succeeding and failing, prints exactly one JSON
# document on stdout that parses strictly (python3 json: no NaN, no duplicate keys, nothing
# after it); those of the common shape validate against schemas/cli.v1.schema.json (one
# diagnostic shape, a schema name), the streamed ones (expand's plan, its CI matrix) against
# their own. `tare --json run` is checked in tests/e2e/terminal.sh, where runs can run.
set -u
tare=$(realpath "$1")
src=$(realpath "$2")
cd "$src"
. tests/golden/lib.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r tests/fixtures/run-dirs/base tests/fixtures/run-dirs/current "$tmp/"
export TARE_RUNS_DIR=$tmp/runs
fail=0 pass=0

# one_doc FILE SCHEMA: FILE holds exactly one strict JSON object, whose "schema" is SCHEMA
one_doc() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
def no_dupes(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key in %r" % keys)
    return dict(pairs)
def no_constants(c):
    raise ValueError("not JSON: " + c)
doc, end = json.JSONDecoder(object_pairs_hook=no_dupes, parse_constant=no_constants).raw_decode(text.lstrip())
if text.lstrip()[end:].strip():
    sys.exit("more than one document: %r" % text.lstrip()[end:][:80])
if not isinstance(doc, dict) or doc.get("schema") != sys.argv[2]:
    sys.exit("expected schema %s, got %r" % (sys.argv[2], doc.get("schema") if isinstance(doc, dict) else doc))
PY
}

# case WANT_EXIT SCHEMA ARGS...: `tare --json ARGS` exits WANT_EXIT with one document of SCHEMA
# that validates against cli.v1 (or, for tare.plan.v1, against plan.v1)
case_() {
  local want=$1 schema=$2
  shift 2
  "$tare" --json "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$? check=cli.v1
  [ "$schema" = tare.plan.v1 ] && check=plan.v1
  if [ "$rc" = "$want" ] && one_doc "$tmp/out" "$schema" &&
    "$tare" validate --schema "$check" "$tmp/out" 2>>"$tmp/err"; then
    pass=$((pass + 1))
  else
    echo "FAIL: tare --json $* (exit $rc, wanted $want):"; head -c 2000 "$tmp/out"; cat "$tmp/err"
    fail=$((fail + 1))
  fi
}
D=tare.diagnostics.v1
# success
case_ 0 tare.help.v1 help
case_ 0 tare.help.v1 --help
case_ 0 tare.help.v1 help run
case_ 0 tare.help.v1 run --help
case_ 0 tare.version.v1 --version
case_ 0 $D validate matrices/smoke.yaml
case_ 0 $D validate --schema plan.v1 "$tmp/base/plan.json"
case_ 0 tare.plan.v1 expand smoke
case_ 0 tare.verdicts.v1 verdict show "$tmp/base"
"$tare" verdict show "$tmp/base" >"$tmp/golden.json"
case_ 0 tare.verdict-check.v1 verdict check "$tmp/golden.json" "$tmp/base"
case_ 0 tare.verdict-update.v1 verdict update "$tmp/updated.json" "$tmp/base"
case_ 0 tare.inspect.v1 inspect "$tmp/base"
case_ 0 tare.compare.v1 compare "$tmp/base" "$tmp/current"
# replicates: arrays of paths, the rows' run medians (copies: the same run twice is refused)
cp -r "$tmp/base" "$tmp/base-b" && cp -r "$tmp/current" "$tmp/current-b"
case_ 0 tare.compare.v1 compare --base "$tmp/base" --base "$tmp/base-b" --current "$tmp/current" --current "$tmp/current-b"
case_ 0 tare.baseline-save.v1 baseline save "$tmp/base" "$tmp/baseline.json"
case_ 0 tare.report.v1 report "$tmp/base" --out "$tmp/r.html"
# doctor: whatever the machine, one document (exit 4 when a capture cannot work here)
"$tare" --json doctor >"$tmp/out" 2>/dev/null
rc=$?
if { [ $rc = 0 ] || [ $rc = 4 ]; } && one_doc "$tmp/out" tare.doctor.v1 &&
  "$tare" validate --schema cli.v1 "$tmp/out" >/dev/null; then pass=$((pass + 1)); else
  echo "FAIL: doctor --json"; cat "$tmp/out"; fail=$((fail + 1)); fi
# the CI matrix is its own document
"$tare" --json expand smoke --format ci-matrix --shards 2 >"$tmp/out"
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert list(d) == ["include"]' "$tmp/out"; then
  pass=$((pass + 1)); else echo "FAIL: expand --format ci-matrix"; fail=$((fail + 1)); fi

# failure: usage, invalid input, missing files, differences
case_ 2 $D
case_ 2 $D no-such-command
case_ 2 $D help no-such-command
case_ 3 $D validate tests/golden/invalid/many-errors.yaml
case_ 2 $D expand
case_ 3 $D expand no-such-matrix
case_ 2 $D run
case_ 2 $D run smoke --ringbuf-size 3
case_ 2 $D merge
case_ 2 $D verdict
case_ 3 $D verdict show "$tmp/no-such-run"
sed 's/"verdict": "healthy"/"verdict": "lossy"/' "$tmp/golden.json" >"$tmp/other.json"
case_ 1 tare.verdict-check.v1 verdict check "$tmp/other.json" "$tmp/base"
case_ 3 $D verdict check "$tmp/no-such.json" "$tmp/base"
case_ 3 $D inspect "$tmp/no-such-run"
case_ 2 $D compare "$tmp/base"
case_ 2 $D baseline
case_ 2 $D report
case_ 2 $D doctor extra
case_ 2 $D workload
# a failing check lists each difference as its own string
"$tare" --json verdict check "$tmp/other.json" "$tmp/base" >"$tmp/out"
if /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["equal"] is False and d["ok"] is False and d["exit"] == 1
assert len(d["differences"]) >= 1 and all(x.startswith("cell ") for x in d["differences"]), d
' "$tmp/out"; then pass=$((pass + 1)); else echo "FAIL: differences"; cat "$tmp/out"; fail=$((fail + 1)); fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
