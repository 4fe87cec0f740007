#!/usr/bin/env bash
# End to end: one run per directory. While a run holds its directory, a second run into it (a
# resume, or a fresh run with the same --out) is exit 2 naming the holder's pid and changes
# nothing; once the holder is gone, the run resumes. A work directory tare did not create stops
# the dispatch that needs it, and survives.
. "$(dirname "$0")/lib.bash"
require_bpf
sed "s|@FIXTURE@|$PWD/tests/e2e/fixtures/misbehave.sh|" tests/e2e/matrices/resume.yaml >"$tmp/m.yaml"
"$tare" run "$tmp/m.yaml" --out "$tmp/run" --quiet 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 200); do
  [ -f "$tmp/run/samples.jsonl" ] && [ "$(wc -l <"$tmp/run/samples.jsonl")" -ge 1 ] && break
  sleep 0.05
done
"$tare" run --resume "$tmp/run" --quiet 2>"$tmp/err2"
check test $? = 2
check grep -q "in use by another tare run (pid $pid)" "$tmp/err2"
"$tare" run "$tmp/m.yaml" --out "$tmp/run" --quiet 2>"$tmp/err3"
check test $? = 2
kill -INT "$pid"
wait "$pid"
check test $? = 130
# the refused runs wrote nothing: every line is the holder's, each index once
check py "$tmp/run" "[s['index'] for s in S] == list(range(len(S)))"
# a work directory that is not tare's stops the dispatch that would use it, and stays
n=$(wc -l <"$tmp/run/samples.jsonl")
work=$(printf '%s/run/work/%06d' "$tmp" "$n")
mkdir -p "$work" && echo "mine" >"$work/notes.txt"
"$tare" run --resume "$tmp/run" --quiet 2>"$tmp/err4"
check test $? = 4
check grep -q "work directory already exists" "$tmp/err4"
check test "$(cat "$work/notes.txt")" = mine
rm -r "$work"
"$tare" run --resume "$tmp/run" --quiet 2>>"$tmp/err4"
check test $? = 0
check test -f "$tmp/run/verdicts.json"
finish
