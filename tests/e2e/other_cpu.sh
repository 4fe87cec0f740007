#!/usr/bin/env bash
# End to end: provenance other_cpu_fraction, measured by a run without privileges, agrees with an
# independent reading (/proc/stat read by this script around the run, minus tare's CPU as
# /usr/bin/time reports it), on the machine as it is and beside a CPU hog, which it must see.
. "$(dirname "$0")/lib.bash"
if [ "$(id -u)" != 0 ]; then
  run_as() { "$@"; }
else
  command -v setpriv >/dev/null || { echo "skipped: setpriv (util-linux) is missing"; exit 77; }
  run_as() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
fi
[ -x /usr/bin/time ] || { echo "skipped: /usr/bin/time (Debian package time) is missing"; exit 77; }
run_as test -x "$tare" || { echo "skipped: '$tare' is not executable by uid 65534"; exit 77; }
chmod 0777 "$tmp"
# a CPU-bound shell loop of ~0.2 s, 2 arms × 8 rounds: a run of a few seconds (the script's window
# also holds tare's start and its writing of the outputs, while the machine goes on: 0.08 of slack)
cat >"$tmp/busy.yaml" <<'YAML'
tare: 1
name: other-cpu
arms:
  a: {capture: none, spans: false}
  b: {capture: none, spans: false}
workload:
  command: [/bin/sh, -c, 'i=0; while [ $i -lt 60000 ]; do i=$((i+1)); done']
defaults: {repetitions: 8, warmups: 0}
cells:
  - name: loop
YAML
chmod a+r "$tmp/busy.yaml"
# measure NAME: runs the matrix into $tmp/NAME; prints "tare's fraction, the independent one"
measure() {
  local a b
  a=$(head -n 1 /proc/stat); t0=$(date +%s.%N)
  run_as /usr/bin/time -f '%U %S' -o "$tmp/$1.time" env TARE_RUNS_DIR="$tmp/runs" \
    "$tare" run "$tmp/busy.yaml" --out "$tmp/$1" --quiet 2>"$tmp/$1.err"
  local rc=$?
  b=$(head -n 1 /proc/stat); t1=$(date +%s.%N)
  [ $rc = 0 ] || { cat "$tmp/$1.err" >&2; return 1; }
  /usr/bin/python3 - "$a" "$b" "$t0" "$t1" "$tmp/$1" "$(getconf CLK_TCK)" "$(nproc)" <<'PY'
import json, sys
a, b = ([int(x) for x in s.split()[1:]] for s in sys.argv[1:3])
busy = lambda v: v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
elapsed = float(sys.argv[4]) - float(sys.argv[3])
user, system = (float(x) for x in open(sys.argv[5] + ".time").read().split()[-2:])
indep = ((busy(b) - busy(a)) / int(sys.argv[6]) - user - system) / (elapsed * int(sys.argv[7]))
p = json.load(open(sys.argv[5] + "/summary.json"))["provenance"]
print(p["other_cpu_fraction"], max(0.0, min(1.0, indep)))
PY
}
near() { /usr/bin/python3 -c "import sys; t, i = map(float, sys.argv[1:3]); sys.exit(0 if abs(t - i) <= 0.08 else 1)" $1; }
quiet=$(measure quiet) || bad "the run failed"
echo "as it is: tare, independent: $quiet"
check near "$quiet"
check "$tare" validate --schema summary.v1 "$tmp/quiet/summary.json"
check /usr/bin/python3 -c "
import json, sys
p = json.load(open(sys.argv[1]))['provenance']
o = p['other_cpu']
sys.exit(0 if o['cores'] >= 1 and o['run_s'] > 0 and o['elapsed_s'] > 0 and 0 <= p['other_cpu_fraction'] <= 1 else 1)" "$tmp/quiet/summary.json"
# the run takes at most one core (one workload at a time), so a hog has at least half of another
# whatever else runs: at least 0.5 / cores of the machine outside the run
(while :; do :; done) &
hog=$!
hogged=$(measure hog) || bad "the run beside a hog failed"
kill "$hog"
echo "beside a hog: tare, independent: $hogged"
check near "$hogged"
check /usr/bin/python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 0.5 / $(nproc) else 1)" "${hogged%% *}"
finish
