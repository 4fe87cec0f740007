#!/usr/bin/env bash
# Golden test: what `tare run` refuses before it writes anything or needs privileges — the
# selection (one parser with `tare expand`: same values, same messages), an --out that is empty
# or holds someone else's files (left exactly as they were), a --resume of a folder that holds no
# run. Runs the same as root and as anyone: every case stops before the privilege check.
set -u
tare=$1
cd "$2"
. tests/golden/lib.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TARE_RUNS_DIR=$tmp/runs
fail=0 pass=0
check() { if "$@"; then pass=$((pass + 1)); else echo "FAIL: $*"; fail=$((fail + 1)); fi; }
out=$tmp/out
# case TITLE CMD...: the title, the combined output with the temp dir named TMP, the exit code
case_() {
  local title=$1
  shift
  echo "== $title" >>"$out"
  "$@" >"$tmp/one" 2>&1
  echo "exit $?" >>"$tmp/one"
  sed "s|$tmp|TMP|g" "$tmp/one" >>"$out"
}
# a folder that is not tare's: a matrix, a summary and a work directory of the user's own
user=$tmp/user
mkdir -p "$user/work/000000"
echo "tare: 1 # the user's own" >"$user/matrix.yaml"
echo "# the user's summary" >"$user/summary.md"
echo "notes" >"$user/work/000000/notes.txt"
(cd "$user" && find . -type f -exec sha256sum {} + | sort) >"$tmp/before"

case_ "expand: a tier out of range" "$tare" expand smoke --tier 7
case_ "run: the same tier, the same message" "$tare" run smoke --tier 7 --out "$user"
case_ "expand: a bad shard" "$tare" expand smoke --shard 2of4
case_ "run: the same shard, the same message" "$tare" run smoke --shard 2of4 --out "$user"
case_ "expand: a shard outside 1..N" "$tare" expand smoke --shard 3/2
case_ "run: the same" "$tare" run smoke --shard 3/2 --out "$user"
globs=()
for i in $(seq 1 70); do globs+=(--cell "smoke-*"); done
case_ "run: 70 --cell options are fine (the folder is what is refused)" "$tare" run smoke "${globs[@]}" --out "$user"
case_ "run: --out a folder of the user's" "$tare" run smoke --out "$user"
case_ "run: --out ''" "$tare" run smoke --out ""
case_ "run: --resume ''" "$tare" run --resume ""
case_ "run: --resume of a folder without a run" "$tare" run --resume "$user"
case_ "run: --out a file" "$tare" run smoke --out "$user/summary.md"
check golden_check tests/golden/run/refusals.out "$out"
# nothing of the user's was touched, and no run started anywhere
(cd "$user" && find . -type f -exec sha256sum {} + | sort) >"$tmp/after"
check cmp -s "$tmp/before" "$tmp/after"
check test ! -e "$user/plan.json"
check test ! -e "$user/run.lock"
check test ! -e "$TARE_RUNS_DIR"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
