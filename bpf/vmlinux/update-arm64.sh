#!/usr/bin/env bash
# Regenerates bpf/vmlinux/arm64/vmlinux.h on any host: an arm64 kernel's BTF cannot be read from
# the running kernel here, so it is cut out of Debian's arm64 kernel image. The image (arm64 Image
# format, uncompressed) carries the same .BTF blob the kernel exposes as /sys/kernel/btf/vmlinux;
# it starts with the BTF header (magic 0xeb9f, version 1, header length 24), which gives its size.
# apt runs against a private state folder, so the host's architectures and lists stay untouched,
# and fetches from the Debian mirror the host's own apt sources use.
# usage: bpf/vmlinux/update-arm64.sh [PACKAGE]   (default: the newest linux-image-*-arm64-unsigned)
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/state/lists/partial" "$work/cache/archives/partial"
touch "$work/status"
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
mirror=$(apt-cache policy | awk -v s="$codename/main" '$3 == s && $2 ~ /^https?:/ { print $2; exit }')
[ -n "$mirror" ] || { echo "update-arm64.sh: no apt source for '$codename/main' on this host" >&2; exit 1; }
echo "deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $codename main" \
  >"$work/sources.list"
apt=(-o Dir::State="$work/state" -o Dir::State::status="$work/status" -o Dir::Cache="$work/cache"
  -o Dir::Etc::SourceList="$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o APT::Architecture=arm64 -o APT::Architectures::=arm64)
apt-get "${apt[@]}" update -qq
pkg=${1:-$(apt-cache "${apt[@]}" search --names-only '^linux-image-[0-9.]+-[0-9]+-arm64-unsigned$' |
  awk '{ print $1 }' | sort -V | tail -1)}
(cd "$work" && apt-get "${apt[@]}" -qq download "$pkg" 2>/dev/null)
dpkg-deb --fsys-tarfile "$work"/*.deb | tar -x -C "$work" --wildcards './boot/vmlinuz-*'
/usr/bin/python3 - "$work"/boot/vmlinuz-* "$work/vmlinux.btf" <<'PY'
import struct, sys
image = open(sys.argv[1], "rb").read()
head = b"\x9f\xeb\x01\x00\x18\x00\x00\x00"  # magic, version 1, flags 0, hdr_len 24
at = image.find(head)
if at < 0 or image.find(head, at + 1) >= 0:
    sys.exit("expected exactly one BTF header in the image")
type_off, type_len, str_off, str_len = struct.unpack_from("<IIII", image, at + 8)
end = at + 24 + max(type_off + type_len, str_off + str_len)
open(sys.argv[2], "wb").write(image[at:end])
PY
bpftool btf dump file "$work/vmlinux.btf" format c >"$work/vmlinux.h"
mv "$work/vmlinux.h" arm64/vmlinux.h
echo "bpf/vmlinux/arm64/vmlinux.h from $pkg"
