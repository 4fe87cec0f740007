#!/usr/bin/env bash
# ci/setup as a non-root user with a package missing: it says what it installs and hands apt-get
# DEBIAN_FRONTEND through sudo (which resets the environment); without sudo it says what to do.
# dpkg-query, id, sudo and apt-get are stand-ins that record their calls: nothing is installed.
set -u
cd "$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi; }

mkdir "$tmp/bin"
cat >"$tmp/bin/dpkg-query" <<'SH'
#!/bin/sh
# every package installed but cmake
for a; do :; done
[ "$a" = cmake ] && exit 1
printf 'install ok installed'
SH
printf '#!/bin/sh\necho 1000\n' >"$tmp/bin/id"
printf '#!/bin/sh\necho "sudo $*" >>"%s/calls"\n' "$tmp" >"$tmp/bin/sudo"
printf '#!/bin/sh\necho "apt-get DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >>"%s/calls"\n' "$tmp" >"$tmp/bin/apt-get"
chmod +x "$tmp/bin"/*

PATH=$tmp/bin:$PATH bash ci/setup >"$tmp/out" 2>&1
check test $? = 0
check grep -qx 'ci/setup: installing 1 missing packages: cmake' "$tmp/out"
check grep -qx 'sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq' "$tmp/calls"
check grep -qx 'sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends cmake' "$tmp/calls"

# no sudo: the bash builtin `command -v` must not find one, so PATH holds only the stand-ins
# and the few tools the script itself calls
rm "$tmp/bin/sudo" "$tmp/calls"
for t in grep env; do ln -s "$(command -v $t)" "$tmp/bin/$t"; done
# node and npm present (setup looks them up by name; their absence would add nodejs and npm)
for t in node npm; do printf '#!/bin/sh\n' >"$tmp/bin/$t" && chmod +x "$tmp/bin/$t"; done
PATH=$tmp/bin "$(command -v bash)" ci/setup >"$tmp/out" 2>&1
check test $? = 1
check grep -qx 'ci/setup: missing packages (cmake): run as root, or install sudo' "$tmp/out"
check test ! -e "$tmp/calls"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
