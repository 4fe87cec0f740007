#!/usr/bin/env bash
# End to end: a workload that leaves a detached child exporting after its exit (no cgroup leaf
# kills it: the run is unprivileged). The late export reaches the receiver while the next dispatch
# runs: that dispatch records it (otlp.late_exports) and counts only its own spans; a warning says
# so on stderr. Runs as uid 65534 when started as root.
. "$(dirname "$0")/lib.bash"
[ -x /usr/bin/python3 ] || { echo "skipped: /usr/bin/python3 is missing"; exit 77; }
if [ "$(id -u)" != 0 ]; then
  run_as() { "$@"; }
else
  command -v setpriv >/dev/null || { echo "skipped: setpriv (util-linux) is missing"; exit 77; }
  run_as() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
fi
run_as test -x "$tare" || { echo "skipped: '$tare' is not executable by uid 65534"; exit 77; }
chmod 0777 "$tmp"
cp tests/e2e/fixtures/otlp_post.py "$tmp/"
chmod a+r "$tmp/otlp_post.py"
sed "s|@FIXTURE@|$tmp/otlp_post.py|" tests/e2e/matrices/otlp-late.yaml >"$tmp/late.yaml"
chmod a+r "$tmp/late.yaml"
r=$tmp/run
run_as env TARE_RUNS_DIR="$tmp/runs" "$tare" run "$tmp/late.yaml" --out "$r" --quiet 2>"$tmp/err"
check test $? = 0 || cat "$tmp/err"
check "$tare" validate --schema sample.v1 "$r/samples.jsonl"
# every dispatch counted its own span and events only
check py "$r" "len(S) == 6 and all(s['otlp']['spans'] == 1 and s['span']['retained'] == 50 and s['valid'] for s in S)"
# the late child of dispatch 0, 2 and 4 exported while 1, 3 and 5 ran (order fixed: late, slow)
check py "$r" "[s['otlp']['late_exports'] for s in S] == [0, 1, 0, 1, 0, 1]"
check py "$r" "[s['otlp']['late_spans'] for s in S] == [0, 1, 0, 1, 0, 1]"
check grep -q "export(s) with 1 span(s) of earlier dispatches reached the receiver by dispatch 1" "$tmp/err"
check py "$r" "V['cells'][0]['verdict'] in ('healthy', 'inconclusive')"
finish
