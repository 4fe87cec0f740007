#!/usr/bin/env bash
# Golden test: `cmake --install` puts bin/tare, the man page tare(1) and the bash completion
# where the system looks for them, and they work from there: the installed binary runs (its
# schemas are compiled in), man renders tare(1) without warnings, and the completion completes
# commands, option values (formats, schema names, directories) and matrix names.
set -u
tare=$(realpath "$1")
src=$(realpath "$2")
build=$(dirname "$tare")
if [ ! -f "$build/cmake_install.cmake" ]; then
  echo "skipped: $build is not a CMake build directory"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { if "$@"; then pass=$((pass + 1)); else echo "FAIL: $*"; fail=$((fail + 1)); fi; }
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/log" 2>&1
check test $? = 0 || cat "$tmp/log"
p=$tmp/prefix
check test -x "$p/bin/tare"
check test -f "$p/share/man/man1/tare.1"
check test -f "$p/share/bash-completion/completions/tare"
# the installed binary works away from the source tree
cd "$tmp"
check "$p/bin/tare" --version >/dev/null
check "$p/bin/tare" validate --schema plan.v1 "$src/tests/fixtures/run-dirs/base/plan.json" 2>/dev/null
# man finds and renders the page, with no roff warnings
if command -v groff >/dev/null; then
  check test -z "$(groff -man -ww -z "$p/share/man/man1/tare.1" 2>&1)"
fi
if command -v man >/dev/null; then
  MANPATH=$p/share/man man -P cat tare >"$tmp/man.txt" 2>"$tmp/man.err"
  check grep -q "tare run MATRIX" "$tmp/man.txt"
fi
# complete WORDS...: what the installed completion offers for the last word of `tare WORDS`
complete_() {
  ( cd "$src" && bash -c '
    . "$1"; shift
    COMP_WORDS=(tare "$@"); COMP_CWORD=$(($# ))
    _tare
    printf "%s\n" "${COMPREPLY[@]}"' _ "$p/share/bash-completion/completions/tare" "$@" )
}
check test "$(complete_ exp)" = expand
check test "$(complete_ expand smoke --format "" | sort | tr '\n' ' ')" = "ci-matrix json ndjson table "
check grep -qx "cli.v1" <(complete_ validate --schema c)
check grep -qx "smoke" <(complete_ run sm)
check grep -qx "matrices" <(complete_ run smoke --out mat)
check test -z "$(complete_ run smoke --out matrices/sm)" # directories only, not files
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
