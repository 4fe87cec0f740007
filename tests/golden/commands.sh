#!/usr/bin/env bash
# The command table, the README's command list and the bash completion agree: every command
# `tare --help` lists is documented and completed, and every option a command's help mentions is
# completed for it.
set -u
tare=$1
cd "$2"
pass=0 fail=0
check() { if "$@"; then pass=$((pass + 1)); else echo "FAIL: $*"; fail=$((fail + 1)); fi; }
comp=src/cli/completion.bash
commands=$("$tare" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{on=0}')
check test -n "$commands"
for c in $commands; do
  check grep -q "| \`tare $c" README.md
  check grep -Eq "commands=\".*\\b$c\\b" "$comp"
  for opt in $("$tare" help "$c" | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
    [ "$opt" = --help ] || [ "$opt" = --json ] && continue
    check grep -Eq "^ *$c\\).*$opt\\b" "$comp"
  done
done
# and nothing is completed or documented that the binary does not have
for c in $(sed -n 's/^  local commands="\(.*\)"/\1/p' "$comp"); do
  [ "$c" = help ] && continue
  check "$tare" help "$c" >/dev/null
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
