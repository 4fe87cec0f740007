#!/usr/bin/env bash
# Golden test: an internal error is exit 5 in `tare run` as in `tare expand` (it was 2 in run).
# Out of memory is made real by a plan too large for the address space the test allows; xalloc
# dies with one message and exit 5.
set -u
tare=$1
cd "$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C TARE_RUNS_DIR=$tmp/runs
if ldd "$tare" 2>/dev/null | grep -q libasan; then
  echo "skipped: the sanitizer build reserves more address space than this test allows"
  exit 77
fi
fail=0 pass=0
check() { if "$@"; then pass=$((pass + 1)); else echo "FAIL: $*"; fail=$((fail + 1)); fi; }
# limit CMD...: runs a tare command in at most 400 MB of address space, output to $tmp/err
limit() { (ulimit -v 400000 && exec "$tare" "$@") >/dev/null 2>"$tmp/err"; }
limit expand tests/golden/run/oom.yaml
check test $? = 5
check grep -q "^tare: out of memory" "$tmp/err"
limit run tests/golden/run/oom.yaml --out "$tmp/run"
check test $? = 5
check grep -q "^tare: out of memory" "$tmp/err"
check test ! -e "$tmp/run"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
