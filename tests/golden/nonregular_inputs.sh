#!/usr/bin/env bash
# Inputs that are not regular files (a directory, a character device, a FIFO) are refused with
# "not a regular file" before anything is read: no hang on a FIFO, no unbounded read of
# /dev/zero, for matrices and for `validate --schema` files alike; a JSON Lines line is capped.
set -u
tare=$1
cd "$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
mkdir "$tmp/dir" "$tmp/dir.json"
mkfifo "$tmp/fifo.yaml" "$tmp/fifo.json" "$tmp/fifo.jsonl"
ln -s /dev/zero "$tmp/zero.json"
ln -s /dev/zero "$tmp/zero.jsonl"

# expect EXIT PATTERN -- COMMAND...: the command ends within 10 s with EXIT and stderr matching
expect() {
  local want=$1 pattern=$2
  shift 3
  timeout 10 "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" = "$want" ] && grep -q -- "$pattern" "$tmp/err"; then pass=$((pass + 1)); else
    echo "FAIL ($rc, want $want): $*"; cat "$tmp/err"; fail=$((fail + 1)); fi
}
schema=tests/golden/json/check.schema.json
expect 3 "^$tmp/dir: error: not a regular file (a directory) (io.not-regular)" -- "$tare" validate "$tmp/dir"
expect 3 "^/dev/null: error: not a regular file (a character device)" -- "$tare" expand /dev/null
expect 3 "^$tmp/fifo.yaml: error: not a regular file (a FIFO)" -- "$tare" validate "$tmp/fifo.yaml"
expect 3 "^$tmp/fifo.yaml: error: not a regular file (a FIFO)" -- "$tare" expand "$tmp/fifo.yaml"
expect 3 "^$tmp/dir.json: error: not a regular file (a directory)" -- "$tare" validate --schema "$schema" "$tmp/dir.json"
expect 3 "^$tmp/zero.json: error: not a regular file (a character device)" -- "$tare" validate --schema "$schema" "$tmp/zero.json"
expect 3 "^$tmp/zero.jsonl: error: not a regular file (a character device)" -- "$tare" validate --schema "$schema" "$tmp/zero.jsonl"
expect 3 "^$tmp/fifo.json: error: not a regular file (a FIFO)" -- "$tare" validate --schema "$schema" "$tmp/fifo.json"
expect 3 "^$tmp/fifo.jsonl: error: not a regular file (a FIFO)" -- "$tare" validate --schema "$schema" "$tmp/fifo.jsonl"
expect 3 "^$tmp/fifo.yaml: error: not a regular file (a FIFO)" -- "$tare" validate --schema "$schema" "$tmp/fifo.yaml"
expect 3 "^$tmp/fifo.json: error: not a regular file (a FIFO)" -- "$tare" validate --schema "$tmp/fifo.json" "$schema"
# a run directory whose files are not regular files
mkdir "$tmp/run"
cp tests/fixtures/run-dirs/base/matrix.yaml "$tmp/run/"
mkfifo "$tmp/run/plan.json"
expect 3 "^$tmp/run/plan.json: error: not a regular file (a FIFO)" -- "$tare" inspect "$tmp/run"
rm "$tmp/run/plan.json"
cp tests/fixtures/run-dirs/base/plan.json "$tmp/run/"
ln -s /dev/zero "$tmp/run/samples.jsonl"
expect 3 "^$tmp/run/samples.jsonl: error: not a regular file (a character device)" -- "$tare" verdict show "$tmp/run"
# one JSON Lines line over the 4 MiB cap is an error at its line, read no further
{ echo '{"name": "a"}'; head -c 5000000 /dev/zero | tr '\0' 'x'; echo; } >"$tmp/long.jsonl"
expect 3 "^$tmp/long.jsonl:2: error: line longer than 4194304 bytes (io.line-too-long)" -- "$tare" validate --schema "$schema" "$tmp/long.jsonl"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
