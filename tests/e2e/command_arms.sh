#!/usr/bin/env bash
# End to end: two command arms (sleep 0.010 vs sleep 0.015) report a +5 ms paired difference
# whose interval covers 5 ms and excludes 0; each arm ran its own argv. No arm captures, so this needs no BPF.
# The machines are shared: a burst of load can pull one run's estimate off, so the timing claim
# gets up to three runs; arms that ran the same program would fail all three (an interval around 0).
. "$(dirname "$0")/lib.bash"
command -v sleep >/dev/null || { echo "skipped: no sleep in PATH"; exit 77; }
timing_ok=1
for attempt in 1 2 3; do
  r=$tmp/run$attempt
  "$tare" run tests/e2e/matrices/command-arms.yaml --out "$r" --quiet 2>"$tmp/err"
  check test $? = 0 || cat "$tmp/err"
  check py "$r" "all(s['valid'] and s['argv'] == ['sleep', '0.010' if s['arm'] == 'fast' else '0.015'] for s in S)"
  if /usr/bin/python3 - "$r/summary.json" <<'PY'
import json, sys
pair = json.load(open(sys.argv[1]))["cells"][0]["pairs"][0]
print("fast → slow:", pair["sentence"])
assert (pair["baseline"], pair["candidate"]) == ("fast", "slow"), pair
lo, hi = pair["ci_ms"]
assert lo <= 5.0 <= hi, f"interval [{lo}, {hi}] does not cover 5 ms"
assert lo > 0, f"interval [{lo}, {hi}] does not exclude 0: no difference found"
PY
  then timing_ok=0; break; fi
done
check test $timing_ok = 0
finish
