#!/usr/bin/env bash
# ctest: run serial (any tare run starting meanwhile would sweep the stale cgroup this test leaves
# on purpose before the test could look at it)
# End to end: tare killed with SIGKILL in the middle of a dispatch leaves its workload running in
# its leaf, writing into its work directory, beside the empty leaves of the two dispatches before
# it (finished leaves are removed in batches: docs/dispatch.md). 'tare doctor' lists that run cgroup and leaves it,
# 'tare doctor --clean' kills what runs in it and removes it, and so does any 'tare run' when it
# starts (here a --resume of the killed run), each saying so. The resume then redoes the
# half-done dispatch in an emptied work directory (its workload refuses to start where an earlier
# attempt wrote) and records every plan index once.
. "$(dirname "$0")/lib.bash"
require_bpf
mkdir "$tmp/hold"
sed "s|@FIXTURE@|$PWD/tests/e2e/fixtures/misbehave.sh|; s|@HOLD@|$tmp/hold|" \
  tests/e2e/matrices/linger.yaml >"$tmp/m.yaml"

# pids_under DIR: the processes whose working directory is below DIR
pids_under() {
  local p
  for p in /proc/[0-9]*; do
    case $(readlink "$p/cwd" 2>/dev/null) in "$1" | "$1"/*) echo "${p#/proc/}" ;; esac
  done
}
# alive PID...: whether any of them still runs (a killed orphan may stay a zombie until init
# reaps it; a zombie runs nothing)
alive() {
  local p state
  for p in "$@"; do
    state=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f1)
    [ -n "$state" ] && [ "$state" != Z ] && return 0
  done
  return 1
}
# the run parent of tare pid $1 below the cgroup v2 root, and on a hybrid host its v1 memory
# parent below this shell's v1 memory cgroup (where tare keeps one beside it), or nothing
for v2root in /sys/fs/cgroup /sys/fs/cgroup/unified; do [ -f "$v2root/cgroup.controllers" ] && break; done
v1base=/sys/fs/cgroup/memory$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
parent_of() { [ -d "$v2root/tare.$1" ] && echo "$v2root/tare.$1"; }
v1_parent_of() { [ -d "$v1base/tare.$1" ] && echo "$v1base/tare.$1"; }

# kill_mid_dispatch RUN_DIR: starts a run whose dispatch 2 lingers, SIGKILLs tare once that
# dispatch has begun; sets $tare_pid and $orphans
kill_mid_dispatch() {
  local run=$1
  : >"$tmp/hold/2"
  "$tare" run "$tmp/m.yaml" --out "$run" --quiet 2>"$run.err" &
  tare_pid=$!
  for _ in $(seq 1 400); do [ -f "$run/work/000002/ticks" ] && break; sleep 0.05; done
  orphans=$(pids_under "$run/work/000002")
  kill -KILL "$tare_pid"
  wait "$tare_pid" 2>/dev/null
  check test -n "$orphans"
  check test "$(wc -l <"$run/samples.jsonl")" = 2
  # nobody cleaned up: the workload lives on in its leaf and still writes
  sleep 0.2
  check alive $orphans
  check test -n "$(parent_of "$tare_pid")"
  v1_parent=$(v1_parent_of "$tare_pid")
  check test -f "$run/work/000002/.tare-work"
}

# resumed RUN_DIR: the killed run finished by --resume has every index once, all valid
resumed() {
  local total
  total=$(/usr/bin/python3 -c "import json; print(len(json.load(open('$1/plan.json'))['dispatches']))")
  check py "$1" "sorted(s['index'] for s in S) == list(range($total))"
  check py "$1" "all(s['valid'] and s['exit_code'] == 0 for s in S)"
  check test ! -e "$1/work/000002"
}

# 1. doctor lists, doctor --clean removes
kill_mid_dispatch "$tmp/a"
"$tare" doctor >"$tmp/doctor.out" 2>&1
check grep -q "^WARN  stale-cgroups: .*'$(parent_of "$tare_pid")' left by tare pid $tare_pid, which is gone (3 leaves, " "$tmp/doctor.out"
check alive $orphans   # doctor without --clean only looks
"$tare" --json doctor >"$tmp/doctor.json" 2>/dev/null
check /usr/bin/python3 -c "
import json, sys
c = [c for c in json.load(open('$tmp/doctor.json'))['checks'] if c['check'] == 'stale-cgroups'][0]
f = [f for f in c['found'] if f['pid'] == $tare_pid and f['path'] == '$v2root/tare.$tare_pid']
sys.exit(not (c['status'] == 'warn' and len(f) == 1 and f[0]['leaves'] == 3 and f[0]['processes'] >= 1 and not f[0]['removed']))"
parent=$(parent_of "$tare_pid")
"$tare" doctor --clean >"$tmp/clean.out" 2>"$tmp/clean.err"
check grep -q "^tare: killed and removed the run cgroup '$parent' left by tare pid $tare_pid, which is gone" "$tmp/clean.err"
check grep -q "^OK    stale-cgroups: killed and removed " "$tmp/clean.out"
check test ! -e "$parent"
check test ! -e "${v1_parent:-/nonexistent}"
check test -z "$(pids_under "$tmp/a")"
rm "$tmp/hold/2"
"$tare" run --resume "$tmp/a" --quiet 2>"$tmp/a.resume.err"
check test $? = 0
resumed "$tmp/a"

# 2. the next tare run (the resume itself) kills and removes it before it touches the directory
kill_mid_dispatch "$tmp/b"
parent=$(parent_of "$tare_pid")
"$tare" run --resume "$tmp/b" --quiet 2>"$tmp/b.resume.err" &
resume_pid=$!
for _ in $(seq 1 200); do grep -q "killed and removed" "$tmp/b.resume.err" && break; sleep 0.05; done
check grep -q "^tare: killed and removed the run cgroup '$parent' left by tare pid $tare_pid, which is gone (3 leaves, " "$tmp/b.resume.err"
check test ! -e "$parent"
check test ! -e "${v1_parent:-/nonexistent}"
check test "$(alive $orphans && echo alive)" = ""
# the redo of dispatch 2 runs in an emptied directory (else its workload exits 5) and lingers
for _ in $(seq 1 200); do [ -f "$tmp/b/work/000002/ticks" ] && break; sleep 0.05; done
check test -f "$tmp/b/work/000002/ticks"
rm "$tmp/hold/2"
wait "$resume_pid"
check test $? = 0
resumed "$tmp/b"
check no_process_under "$tmp"
finish
