#!/usr/bin/env bash
# The command table, the README's command list, the man page tare(1) and the bash completion
# agree: every command `tare --help` lists is documented, has its section in tare(1) and is
# completed, and every option a command's help mentions is completed for it and in its section of
# the man page.
set -u
tare=$1
cd "$2"
pass=0 fail=0
check() { if "$@"; then pass=$((pass + 1)); else echo "FAIL: $*"; fail=$((fail + 1)); fi; }
comp=src/cli/completion.bash
man=docs/man/tare.1
# man_section CMD: the text of CMD's section of tare(1), roff escapes undone
man_section() { awk -v c="$1" '/^\.SS /{on = ($2 == c); next} /^\.SH /{on=0} on' "$man" | sed 's/\\-/-/g'; }
commands=$("$tare" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{on=0}')
check test -n "$commands"
for c in $commands; do
  check grep -q "| \`tare $c" README.md
  check grep -Eq "commands=\".*\\b$c\\b" "$comp"
  section=$(man_section "$c")
  check test -n "$section"
  for opt in $("$tare" help "$c" | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
    [ "$opt" = --help ] || [ "$opt" = --json ] && continue
    check grep -Eq "^ *$c\\).*$opt\\b" "$comp"
    check grep -q -- "$opt" <<<"$section"
  done
  # the man page has the synopsis `tare help` gives
  check grep -qF -- "$("$tare" help "$c" | sed -n '1s/^usage: //p')" <<<"$section"
done
# and nothing is completed or documented that the binary does not have
for c in $(sed -n 's/^  local commands="\(.*\)"/\1/p' "$comp"); do
  [ "$c" = help ] && continue
  check "$tare" help "$c" >/dev/null
done
# and tare(1) has no section for a command the binary does not have
for c in $(sed -n 's/^\.SS //p' "$man"); do
  check "$tare" help "$c" >/dev/null
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
