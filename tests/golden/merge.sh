#!/usr/bin/env bash
# Golden test of `tare merge`, no root needed: the recorded run tests/fixtures/run-dirs/report is cut
# into the 3 shards `tare run --shard I/3` would have written (each shard's plan from `tare expand
# --shard`, its samples under the shard's own indices), merged back, and must give the very run it
# came from (samples.jsonl byte for byte, the verdicts `tare verdict show` gives for the whole run,
# every output valid against its schema, one trace process per shard). Then every refusal, each
# with its golden error (tests/golden/merge/refusals.out), and --force / --partial.
set -u
tare=$(realpath "$1")
src=$(realpath "$2")
cd "$src"
. tests/golden/lib.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TARE_RUNS_DIR=$tmp/runs
fail=0 pass=0
check() { if "$@"; then pass=$((pass + 1)); else echo "FAIL: $*"; fail=$((fail + 1)); fi; }

# split WHOLE N SEL... : shards WHOLE/../shard-I-of-N (SEL: extra selection options)
split() {
  local whole=$1 n=$2 i
  shift 2
  for ((i = 1; i <= n; i++)); do
    local dir=$tmp/shard-$i-of-$n${SUFFIX:-}
    mkdir -p "$dir"
    cp "$whole/matrix.yaml" "$whole/summary.json" "$dir/"
    "$tare" expand "$whole/matrix.yaml" "$@" --shard "$i/$n" --format json >"$dir/plan.json" || return 1
    /usr/bin/python3 - "$whole/samples.jsonl" "$dir" <<'PY' || return 1
import json, sys
plan = json.load(open(sys.argv[2] + "/plan.json"))
at = {(d["cell"], d["phase"], d["round"], d["slot"]): d["index"] for d in plan["dispatches"]}
with open(sys.argv[2] + "/samples.jsonl", "w") as out:
    for line in open(sys.argv[1]):
        s = json.loads(line)
        key = (s["cell"], s["phase"], s["round"], s["slot"])
        if key in at:
            s["index"] = at[key]
            out.write(json.dumps(s, separators=(",", ":"), ensure_ascii=False) + "\n")
PY
  done
}

whole=$tmp/whole
cp -r tests/fixtures/run-dirs/report "$whole"
check split "$whole" 3
cd "$tmp"

# the shards merged are the run they were cut from
"$tare" merge --out merged shard-3-of-3 shard-1-of-3 shard-2-of-3 >merged.out 2>merged.err
check test $? = 1 # the fixture's span cell is lossy: exit 1 as `tare run` would
check cmp whole/samples.jsonl merged/samples.jsonl
"$tare" verdict show whole >whole.verdicts.json
check cmp whole.verdicts.json merged/verdicts.json
check "$tare" verdict check whole.verdicts.json merged
for f in plan.json:plan.v1 samples.jsonl:sample.v1 verdicts.json:verdicts.v1 summary.json:summary.v1 \
  bmf.json:bmf trace.json:chrome-trace; do
  check "$tare" validate --schema "${f#*:}" "merged/${f%%:*}"
done
check "$tare" validate --schema run-index "$TARE_RUNS_DIR/index.jsonl"
check xmllint --noout --schema "$src/schemas/junit.xsd" merged/junit.xml
check xmllint --noout merged/report.html
"$tare" expand whole/matrix.yaml --format json >full-plan.json
check /usr/bin/python3 - <<'PY'
import json
full, merged = json.load(open("full-plan.json")), json.load(open("merged/plan.json"))
assert merged["dispatches"] == full["dispatches"] and merged["cells"] == full["cells"]
trace = json.load(open("merged/trace.json"))["traceEvents"]
names = sorted(e["args"]["name"] for e in trace if e["name"] == "process_name")
assert names == ["tare run report-fixture shard %d/3" % i for i in (1, 2, 3)], names
plan = {d["index"]: d for d in full["dispatches"]}
shard_of = {}
for i in (1, 2, 3):
    for c in json.load(open("shard-%d-of-3/plan.json" % i))["cells"]:
        shard_of[c["name"]] = i
order = {"3/3": 1, "1/3": 2, "2/3": 3}  # pid = position on the command line
for e in trace:
    if e["ph"] == "X" and e["cat"] in ("calibrate", "measure"):
        assert order["%d/3" % shard_of[e["args"]["cell"]]] == e["pid"], e
prov = json.load(open("merged/summary.json"))["provenance"]
assert [s["shard"] for s in prov["merge"]["shards"]] == ["3/3", "1/3", "2/3"]
assert prov["merge"]["forced"] == [] and prov["merge"]["missing_cells"] == []
PY

# a merged run is as disturbed as its busiest shard: the largest other_cpu_fraction, with its
# figures; a shard without the field (recorded before it existed) removes it
for i in 1 2 3; do
  cp -r shard-$i-of-3 cpu-$i
  /usr/bin/python3 - cpu-$i/summary.json "$i" <<'PY'
import json, sys
i = int(sys.argv[2])
s = json.load(open(sys.argv[1]))
s["provenance"]["other_cpu_fraction"] = {1: 0.01, 2: 0.14, 3: 0.03}[i]  # shard 2 the busiest
s["provenance"]["other_cpu"] = {"elapsed_s": 10.0, "cores": 2, "machine_busy_s": float(i), "run_s": 0.0}
json.dump(s, open(sys.argv[1], "w"))
PY
done
"$tare" merge --out merged-cpu cpu-1 cpu-2 cpu-3 >/dev/null 2>&1
check /usr/bin/python3 -c '
import json, sys
p = json.load(open("merged-cpu/summary.json"))["provenance"]
sys.exit(0 if p["other_cpu_fraction"] == 0.14 and p["other_cpu"]["machine_busy_s"] == 2.0 else 1)'
check "$tare" validate --schema summary.v1 merged-cpu/summary.json
"$tare" merge --out merged-cpu-old cpu-1 shard-2-of-3 cpu-3 >/dev/null 2>&1
check /usr/bin/python3 -c '
import json, sys
p = json.load(open("merged-cpu-old/summary.json"))["provenance"]
sys.exit(0 if "other_cpu_fraction" not in p and "other_cpu" not in p else 1)'

# refusals: each shard set below differs from the three above in one respect
cp -r shard-1-of-3 other-host && sed -i 's/"host_class": "[^"]*"/"host_class": "linux-x86_64-6.1.0-other_cpu-64"/' other-host/summary.json
cp -r shard-1-of-3 other-version && sed -i 's/"tare_version": "[^"]*"/"tare_version": "0.0.9"/' other-version/summary.json
cp -r shard-1-of-3 other-bpf && sed -i 's/"bpf_object_sha256": "[^"]*"/"bpf_object_sha256": "'"$(printf '0%.0s' {1..64})"'"/' other-bpf/summary.json
cp -r shard-1-of-3 other-digest && echo "# edited: another sha256" >>other-digest/matrix.yaml
cp -r shard-1-of-3 unfinished && rm unfinished/summary.json
cp -r "$src/tests/fixtures/run-dirs/base" other-matrix
SUFFIX=-k check split "$whole" 2 --cell 'k*' # another selection: another plan
mv shard-1-of-2-k other-plan
refuse() {
  local name=$1
  shift
  { echo "== $name"; "$tare" merge "$@" 2>&1; echo "exit $?"; } >>refusals.out
}
refuse "different matrices" --out m1 shard-1-of-3 other-matrix shard-3-of-3
refuse "different matrix digests" --out m2 shard-2-of-3 other-digest shard-3-of-3
refuse "different plans" --out m3 shard-2-of-3 other-plan shard-3-of-3
refuse "different tare versions" --out m4 shard-2-of-3 other-version shard-3-of-3
refuse "different BPF objects" --out m5 shard-2-of-3 other-bpf shard-3-of-3
refuse "different host classes" --out m6 shard-2-of-3 other-host shard-3-of-3
refuse "overlapping cells" --out m7 shard-1-of-3 shard-2-of-3 shard-3-of-3 shard-2-of-3
refuse "a missing cell" --out m8 shard-1-of-3 shard-3-of-3
refuse "an unfinished shard" --out m9 shard-2-of-3 unfinished shard-3-of-3
refuse "an output directory that is not empty" --out shard-1-of-3 shard-2-of-3 shard-3-of-3
refuse "no --out" shard-1-of-3
for m in m1 m2 m3 m4 m5 m6 m7 m8 m9; do [ -e "$m" ] && echo "refused, yet $m was written" >>refusals.out; done
check golden_check "$src/tests/golden/merge/refusals.out" refusals.out

# --force merges other host classes and says so; --partial merges without a shard and says so
"$tare" merge --force --out forced shard-2-of-3 other-host shard-3-of-3 >/dev/null 2>forced.err
check test $? = 1
check grep -q "merge.host-class" forced.err
check /usr/bin/python3 -c '
import json
m = json.load(open("forced/summary.json"))["provenance"]["merge"]
assert len(m["forced"]) == 1 and "other_cpu" in m["forced"][0], m'
"$tare" merge --partial --out partial shard-1-of-3 shard-3-of-3 >/dev/null 2>partial.err
check test $? = 1
check grep -q "cell 'k800-c4' is in no shard: merged without its samples (--partial)" partial.err
check /usr/bin/python3 -c '
import json
assert json.load(open("partial/verdicts.json"))["missing_cells"] == ["k800-c4"]
assert json.load(open("partial/summary.json"))["provenance"]["merge"]["missing_cells"] == ["k800-c4"]
assert "k800-c4" in open("partial/summary.md").read().split("## Provenance")[1]'
check "$tare" validate --schema verdicts.v1 partial/verdicts.json
check "$tare" validate --schema summary.v1 partial/summary.json
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
