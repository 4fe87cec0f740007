#!/usr/bin/env bash
# A diagnostic flood stays small: a 1 MB single-line matrix with 200,000 duplicate keys prints the
# first 1,000 errors, each with a window of its line, and one "N more errors not shown" line, in
# text and in --json, quickly (it printed 15 GB before the cap and the window).
set -u
tare=$1
cd "$2"
py=/usr/bin/python3
[ -x "$py" ] || { echo "skipped: $py (Debian's python3, from ci/setup) is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { if "$@"; then pass=$((pass + 1)); else echo "FAIL: $*"; fail=$((fail + 1)); fi; }

f=$tmp/flood.yaml
"$py" -c 'import sys; sys.stdout.write("{" + ",".join(["a: 1"] * 200000) + "}\n")' >"$f"
check test "$(stat -c %s "$f")" -le 1048576

# head stops reading past the bound, so unbounded output fails fast instead of filling the disk
limit=400000
start=$(date +%s)
{ timeout 60 "$tare" validate "$f" 2>&1 >/dev/null; echo "exit $?" >"$tmp/rc"; } |
  head -c $((limit + 1)) >"$tmp/text"
elapsed=$(($(date +%s) - start))
bytes=$(stat -c %s "$tmp/text")
echo "text: $bytes bytes in ${elapsed}s"
check test "$bytes" -le "$limit"
check test "$elapsed" -le 30
check grep -qx 'exit 3' "$tmp/rc"
check test "$(grep -c '(yaml.duplicate-key)$' "$tmp/text")" = 1000
check test "$(tail -n 1 "$tmp/text")" = 'tare: note: 198999 more errors not shown (diag.not-shown)'
# every echoed line is a window, not the megabyte
check test "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$tmp/text")" -le 1000

{ timeout 60 "$tare" --json validate "$f" 2>/dev/null; echo "exit $?" >"$tmp/rc"; } |
  head -c $((limit + 1)) >"$tmp/json"
bytes=$(stat -c %s "$tmp/json")
echo "json: $bytes bytes"
check test "$bytes" -le "$limit"
check grep -qx 'exit 3' "$tmp/rc"
check "$py" - "$tmp/json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
d = doc["diagnostics"]
assert doc["ok"] is False
assert len(d) == 1001, len(d)
assert all(x["code"] == "yaml.duplicate-key" for x in d[:1000])
assert d[-1]["code"] == "diag.not-shown" and d[-1]["severity"] == "note", d[-1]
assert d[-1]["message"] == "198999 more errors not shown", d[-1]
PY

# the cap is the same for every kind: 20,000 semantic errors (one per cell) show 1,000 and count
# the rest, instead of stopping at a matrix-only "too many errors"
m=$tmp/many-cells.yaml
"$py" - >"$m" <<'PY'
print("tare: 1\nname: many\narms:\n  a: {capture: none, spans: false}\n"
      "  b: {capture: ebpf, spans: false}\ncells:")
for i in range(20000):
    print("  - {name: c%d, kernel_events: hgh}" % i)
PY
{ timeout 60 "$tare" validate "$m" 2>&1 >/dev/null; echo "exit $?" >"$tmp/rc"; } |
  head -c $((limit + 1)) >"$tmp/text"
check grep -qx 'exit 3' "$tmp/rc"
check test "$(grep -c '(matrix.unknown-level)$' "$tmp/text")" = 1000
check test "$(tail -n 1 "$tmp/text")" = 'tare: note: 19000 more errors not shown (diag.not-shown)'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
