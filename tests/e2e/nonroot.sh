#!/usr/bin/env bash
# End to end: a capture run without privileges fails up front with exit 4 and advice, and leaves
# no run directory; a resume without privileges changes nothing in the run directory, even where
# the user may write; an invalid matrix is still exit 3 for an unprivileged user.
. "$(dirname "$0")/lib.bash"
if [ "$(id -u)" != 0 ]; then
  # already unprivileged: test directly
  run_as() { "$@"; }
else
  command -v setpriv >/dev/null || { echo "skipped: setpriv (util-linux) is missing"; exit 77; }
  run_as() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
fi
chmod 0777 "$tmp"
run_as "$tare" run matrices/smoke.yaml --out "$tmp/run" 2>"$tmp/err"
check test $? = 4
check grep -q "needs root" "$tmp/err"
check test ! -e "$tmp/run"
# an interrupted run (a recorded one, with the half line an interruption leaves), writable by all
cp -r tests/fixtures/verdicts/healthy-and-lossy "$tmp/resume"
printf '{"schema":"tare.sample.v1","index":' >>"$tmp/resume/samples.jsonl"
chmod -R a+rwX "$tmp/resume"
cp "$tmp/resume/samples.jsonl" "$tmp/samples.before"
run_as "$tare" run --resume "$tmp/resume" 2>"$tmp/err"
check test $? = 4
check grep -q "needs root" "$tmp/err"
check cmp -s "$tmp/samples.before" "$tmp/resume/samples.jsonl"
check test ! -e "$tmp/resume/run.lock"
run_as "$tare" run tests/golden/invalid/zero-repetitions.yaml --out "$tmp/run" 2>/dev/null
check test $? = 3
# the unprivileged commands work for anyone
run_as "$tare" expand smoke >/dev/null
check test $? = 0
finish
