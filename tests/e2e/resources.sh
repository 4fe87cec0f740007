#!/usr/bin/env bash
# End to end: resources are the workload's own. A program that writes a known amount of memory
# and burns a known CPU time runs under /usr/bin/time inside each dispatch, with and without
# capture; the sample's peak memory must be /usr/bin/time's max RSS of that same process plus a
# constant base (within 5%), never tare's own 30-odd MiB, the same in both arms, and its CPU
# /usr/bin/time's within 5% + 20 ms. `tare doctor` must name the source the samples record.
. "$(dirname "$0")/lib.bash"
require_bpf
[ -x /usr/bin/time ] || { echo "skipped: needs /usr/bin/time (Debian package time)"; exit 77; }
cc=$(command -v cc || command -v gcc) || { echo "skipped: needs a C compiler for the workload"; exit 77; }
check "$cc" -O2 -o "$tmp/touch_mib" tests/e2e/fixtures/touch_mib.c
sed -e "s#@TIME_LOG@#$tmp/time.log#" -e "s#@TOUCH@#$tmp/touch_mib#" tests/e2e/matrices/resources.yaml >"$tmp/resources.yaml"
r=$tmp/run
"$tare" run "$tmp/resources.yaml" --out "$r" --quiet 2>"$tmp/err" &
run_pid=$!
wait $run_pid
check test $? = 0 || cat "$tmp/err"
check "$tare" validate --schema sample.v1 "$r/samples.jsonl"
check "$tare" validate --schema summary.v1 "$r/summary.json"
check "$tare" validate --schema bmf "$r/bmf.json"
"$tare" doctor --json >"$tmp/doctor.json"
check /usr/bin/python3 - "$r" "$tmp/time.log" "$tmp/doctor.json" <<'PY'
import json, statistics, sys
run, log, doctor = sys.argv[1:]
S = [json.loads(l) for l in open(run + "/samples.jsonl")]
T = [l.split() for l in open(log) if l.strip()]
assert len(T) == len(S) == 16, (len(T), len(S))
src = {s["resources"]["source"] for s in S}
assert len(src) == 1, src
src = src.pop()
# the source doctor names is the one the samples record
res = [c for c in json.load(open(doctor))["checks"] if c["check"] == "resources"][0]
assert res["detail"].startswith("source " + src + ":"), (res, src)
if src == "cgroup2-cpu":
    print("skipped: memory: this host gives no memory figure:", S[0]["resources"]["reason"])
base = []
for s, (rss, user, sys_) in zip(S, T):
    r = s["resources"]
    # CPU of the whole tree (the program and /usr/bin/time) against /usr/bin/time's 10 ms figures
    cg = (r["cpu_user_us"] + r["cpu_sys_us"]) / 1e6
    tm = float(user) + float(sys_)
    assert abs(cg - tm) <= 0.05 * tm + 0.02, ("cpu", s["index"], cg, tm)
    assert (r["capture_memory_kib"] is not None) == (s["capture"] == "ebpf"), r
    if src == "cgroup2-cpu":
        assert r["memory_peak_kib"] is None and r["reason"], r
        continue
    assert r["reason"] is None, r
    if s["cell"] == "m0":
        # tare's own 30-odd MiB would show here if its high-water mark were reported
        assert r["memory_peak_kib"] < 8 * 1024, ("not the workload's", r)
        base.append(r["memory_peak_kib"] - int(rss))
if src != "cgroup2-cpu":
    b = statistics.median(base)
    for s, (rss, _, _) in zip(S, T):
        if s["cell"] != "m64":
            continue
        peak, want = s["resources"]["memory_peak_kib"], int(rss) + b
        assert abs(peak - want) <= 0.05 * int(rss), ("peak", s["index"], peak, rss, b)
    for cell in ("m0", "m64"):
        med = {arm: statistics.median(s["resources"]["memory_peak_kib"] for s in S
                                      if s["cell"] == cell and s["arm"] == arm)
               for arm in ("bare", "captured")}
        assert abs(med["bare"] - med["captured"]) <= 0.05 * max(med.values()) + 256, (cell, med)
    print("base %d KiB; m64 peaks %s KiB vs /usr/bin/time %s KiB" % (b,
          [s["resources"]["memory_peak_kib"] for s in S if s["cell"] == "m64"],
          [t[0] for s, t in zip(S, T) if s["cell"] == "m64"]))
cap = [s["resources"]["capture_memory_kib"] for s in S if s["capture"] == "ebpf"]
assert min(cap) >= 16 * 1024, cap  # the 16 MiB ring at least
PY
# summary per arm: the figures and the capture's memory beside them
check /usr/bin/python3 - "$r/summary.json" <<'PY'
import json, sys
arms = {(c["cell"], a["arm"]): a for c in json.load(open(sys.argv[1]))["cells"] for a in c["arms"]}
assert arms[("m64", "captured")]["capture_memory_kib"] >= 16 * 1024
assert arms[("m64", "bare")]["capture_memory_kib"] is None
m = arms[("m64", "bare")]["memory_peak_kib"]
assert m["source"] and (m["median"] is None) == (m["reason"] is not None), m
PY
check grep -q "peak memory KiB (median) | capture KiB" "$r/summary.md"
# nothing of the run's cgroups is left, in either hierarchy
check test -z "$(find /sys/fs/cgroup -maxdepth 6 -name "tare.$run_pid" 2>/dev/null)"
finish
