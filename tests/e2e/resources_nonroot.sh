#!/usr/bin/env bash
# End to end: without privileges (no cgroup leaf) the figures come from tare's spawn helper and
# are the workload's own. A program that writes a known amount of memory and burns a known CPU
# time runs under /usr/bin/time in each dispatch; the sample's peak must be /usr/bin/time's max
# RSS of that process within 5% (64 MiB), never tare's own 30-odd MiB (0 MiB: a few MiB, at the
# helper's stated floor), and its CPU /usr/bin/time's within 5% + 20 ms. `tare doctor` names the
# source, and the floor agrees with the helper's VmHWM in /proc. SIGTERM and SIGKILL of tare mid-dispatch leave nothing of the workload running.
# (Before the helper, these figures were null: "no cgroup leaf".)
. "$(dirname "$0")/lib.bash"
as_user=()
if [ "$(id -u)" = 0 ]; then
  command -v setpriv >/dev/null || { echo "skipped: setpriv (util-linux) is missing"; exit 77; }
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
fi
run_as() { "${as_user[@]}" "$@"; }
run_as test -x "$tare" || { echo "skipped: '$tare' is not executable by uid 65534"; exit 77; }
[ -x /usr/bin/time ] || { echo "skipped: needs /usr/bin/time (Debian package time)"; exit 77; }
cc=$(command -v cc || command -v gcc) || { echo "skipped: needs a C compiler for the workload"; exit 77; }
chmod 0777 "$tmp"
check "$cc" -O2 -o "$tmp/touch_mib" tests/e2e/fixtures/touch_mib.c
sed -e "s#@TIME_LOG@#$tmp/time.log#" -e "s#@TOUCH@#$tmp/touch_mib#" tests/e2e/matrices/resources-nonroot.yaml >"$tmp/m.yaml"
chmod a+r "$tmp/m.yaml"
r=$tmp/run
run_as "$tare" run "$tmp/m.yaml" --out "$r" --quiet 2>"$tmp/err"
check test $? = 0 || cat "$tmp/err"
check "$tare" validate --schema sample.v1 "$r/samples.jsonl"
check "$tare" validate --schema summary.v1 "$r/summary.json"
check "$tare" validate --schema bmf "$r/bmf.json"
run_as "$tare" doctor --json >"$tmp/doctor.json"
# the helper's own few MiB; a sanitizer build's runtime and quarantine add several more
floor_max=8192
ldd "$tare" 2>/dev/null | grep -q libasan && floor_max=32768
check /usr/bin/python3 - "$r" "$tmp/time.log" "$tmp/doctor.json" "$floor_max" <<'PY'
import json, sys
run, log, doctor, floor_max = sys.argv[1:]
S = [json.loads(l) for l in open(run + "/samples.jsonl")]
T = [l.split() for l in open(log) if l.strip()]
assert len(T) == len(S) > 0, (len(T), len(S))
res = [c for c in json.load(open(doctor))["checks"] if c["check"] == "resources"][0]
assert res["detail"].startswith("source rusage-helper:"), res
for s, (rss, user, sys_) in zip(S, T):
    r = s["resources"]
    assert r["source"] == "rusage-helper" and r["reason"] is None, r
    # the helper's own few MiB, not tare's 30-odd
    assert 0 < r["memory_floor_kib"] < int(floor_max), r
    cpu = (r["cpu_user_us"] + r["cpu_sys_us"]) / 1e6
    tm = float(user) + float(sys_)
    assert abs(cpu - tm) <= 0.05 * tm + 0.02, ("cpu", s["index"], cpu, tm)
    if s["cell"] == "m0":
        # below the floor the figure is the floor: "at most this", and never tare's size
        assert r["memory_peak_kib"] <= max(int(rss), r["memory_floor_kib"]) + 256, ("m0", r, rss)
    else:
        assert abs(r["memory_peak_kib"] - int(rss)) <= 0.05 * int(rss), ("m64", r, rss)
print("m64 peaks %s KiB vs /usr/bin/time %s KiB; floor %s KiB" % (
    [s["resources"]["memory_peak_kib"] for s in S if s["cell"] == "m64"],
    [t[0] for s, t in zip(S, T) if s["cell"] == "m64"],
    sorted({s["resources"]["memory_floor_kib"] for s in S})))
PY
check grep -q "from the wait4 of tare's spawn helper (rusage-helper)" "$r/summary.md"

# the floor, read independently: each workload reads its parent's (the helper's) high-water mark
# from /proc while it runs; the sample's floor, taken by the helper's getrusage after the reap,
# agrees within 512 KiB (getrusage read up to 224 KiB *below* /proc here: docs/dispatch.md)
hwm=$tmp/hwm.yaml
sed -e "s#command: .*#command: [/bin/sh, -c, 'grep VmHWM /proc/\$PPID/status >>$tmp/hwm.log']#" "$tmp/m.yaml" >"$hwm"
chmod a+r "$hwm"
run_as "$tare" run "$hwm" --out "$tmp/hwm" --quiet 2>"$tmp/hwm.err"
check test $? = 0 || cat "$tmp/hwm.err"
check /usr/bin/python3 - "$tmp/hwm/samples.jsonl" "$tmp/hwm.log" <<'PY'
import json, sys
S = [json.loads(l)["resources"] for l in open(sys.argv[1])]
H = [int(l.split()[1]) for l in open(sys.argv[2])]
assert len(S) == len(H) > 0, (len(S), len(H))
for r, h in zip(S, H):
    assert r["source"] == "rusage-helper", r
    assert abs(r["memory_floor_kib"] - h) <= 512, ("floor against /proc VmHWM", r, h)
print("helper floor %s KiB, /proc VmHWM %s KiB" % (sorted({r["memory_floor_kib"] for r in S}), sorted(set(H))))
PY
check py "$r" "V['cells'][0]['verdict'] == 'healthy'"

# interrupt SIG: a dispatch that sleeps is in flight when tare gets SIG; SIGTERM ends the run
# (130), SIGKILL ends tare at once and the helper kills the workload itself
sleeper=$tmp/sleep.yaml
sed -e 's#command: .*#command: [/bin/sleep, "30"]#' -e 's#timeout: 60s#timeout: 120s#' "$tmp/m.yaml" >"$sleeper"
chmod a+r "$sleeper"
interrupt() {
  local sig=$1 run=$tmp/$2 pid rc
  # not through run_as: $! must be tare itself (setpriv execs it)
  "${as_user[@]}" "$tare" run "$sleeper" --out "$run" --quiet 2>"$run.err" &
  pid=$!
  for _ in $(seq 1 200); do
    [ -d "$run/work" ] && [ -n "$(ls "$run/work" 2>/dev/null)" ] && break
    sleep 0.05
  done
  sleep 0.2
  local t0=$SECONDS
  kill -"$sig" "$pid"
  wait "$pid"
  rc=$?
  check test "$rc" = "$3"
  check test $((SECONDS - t0)) -le 3
  sleep 0.5
  check no_process_under "$run"
}
interrupt TERM term 130
interrupt KILL kill 137
finish
