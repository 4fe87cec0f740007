#!/usr/bin/env bash
# End to end: SIGHUP (a dropped SSH session, also with its stderr pipe gone) and SIGQUIT interrupt
# a run like SIGINT: the dispatch in flight is ended, nothing of it is left running, its cgroup is
# removed, tare exits 130 with the resume hint, and --resume finishes the run with every plan
# index once. (Before, both signals ended tare at once and left the workload in its leaf.)
. "$(dirname "$0")/lib.bash"
require_bpf
sed "s|@FIXTURE@|$PWD/tests/e2e/fixtures/misbehave.sh|" tests/e2e/matrices/resume.yaml >"$tmp/m.yaml"

# interrupt SIG RUN_DIR [broken]: starts a run of cell 'first', sends SIG once two dispatches are
# recorded (each sleeps, so one is in flight), then checks what it left
interrupt() {
  local sig=$1 run=$2 broken=${3:-} pid rc
  if [ -n "$broken" ]; then
    # the session is gone: stderr is a pipe nobody reads any more
    "$tare" run "$tmp/m.yaml" --cell first --out "$run" 2> >(exec head -c 0) &
  else
    "$tare" run "$tmp/m.yaml" --cell first --out "$run" --quiet 2>"$run.err" &
  fi
  pid=$!
  for _ in $(seq 1 200); do
    [ -f "$run/samples.jsonl" ] && [ "$(wc -l <"$run/samples.jsonl")" -ge 2 ] && break
    sleep 0.05
  done
  kill -"$sig" "$pid"
  wait "$pid"
  rc=$?
  check test "$rc" = 130
  [ -z "$broken" ] && check grep -q "continue with 'tare run --resume $run'" "$run.err"
  check test ! -f "$run/verdicts.json"
  check no_process_under "$run"
  check test -z "$(find /sys/fs/cgroup/ -maxdepth 3 -name "tare.$pid" 2>/dev/null)"
  "$tare" run --resume "$run" --quiet 2>>"$tmp/resume.err"
  check test $? = 0
  local total
  total=$(/usr/bin/python3 -c "import json; print(len(json.load(open('$run/plan.json'))['dispatches']))")
  check py "$run" "sorted(s['index'] for s in S) == list(range($total))"
}

interrupt HUP "$tmp/hup"
interrupt QUIT "$tmp/quit"
interrupt HUP "$tmp/hup-nopipe" broken
finish
