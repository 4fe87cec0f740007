#!/usr/bin/env bash
# Compiles the capture object for every architecture tare supports against the committed
# bpf/vmlinux/<arch>/vmlinux.h and checks it without loading it (arm64 cannot be run on this
# machine): the ELF is BPF, the programs, maps and BTF are there, syscall arguments are read by that
# architecture's registers, the syscall numbers match the kernel headers, and bpftool can build
# the skeleton tare embeds.
# usage: objects.sh CLANG BPFTOOL LLVM_OBJDUMP SOURCE_DIR
set -u
clang=$1 bpftool=$2 objdump=$3 src=$4
for tool in "$clang" "$bpftool" "$objdump"; do
  command -v "$tool" >/dev/null || { echo "skipped: '$tool' not found"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() {
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $arch: $*"; fi
}
has() { grep -qE -- "$1" "$2"; }
lacks() { ! grep -qE -- "$1" "$2"; }

# The numbers bpf/capture.h must hold, read from the kernel's UAPI headers as installed here
# (linux-libc-dev: asm-generic on every host, x86's table on x86 hosts). Empty when missing.
uapi_nr() { # HEADER NAME
  printf '#include <%s>\n' "$1" | cc -E -dM - 2>/dev/null | awk -v n="__NR_$2" '$2 == n { print $3 }'
}
declare -A header=([x86]=x86_64-linux-gnu/asm/unistd_64.h [arm64]=asm-generic/unistd.h)
# what the sys_enter program must read the path from: x86 pt_regs.si, arm64 user_pt_regs.regs[1]
declare -A regs_struct=([x86]="STRUCT 'pt_regs' size=168" [arm64]="STRUCT 'user_pt_regs' size=272")
declare -A other_struct=([x86]="STRUCT 'user_pt_regs'" [arm64]="STRUCT 'pt_regs' size=168")

for arch in x86 arm64; do
  obj=$tmp/capture.$arch.bpf.o
  check "$clang" -target bpf -g -O2 -Wall -D__TARGET_ARCH_$arch -I"$src/bpf/vmlinux/$arch" \
    -I"$src/bpf" -c "$src/bpf/capture.bpf.c" -o "$obj"
  [ -s "$obj" ] || continue

  "$objdump" -h "$obj" >"$tmp/sections"
  check has 'file format elf64-bpf' "$tmp/sections"
  for s in tp_btf/sys_enter tp_btf/sched_process_fork tp_btf/sched_process_exec \
    tp_btf/sched_process_exit license .maps .bss .rodata .BTF .BTF.ext; do
    check has " $s +[0-9a-f]+ " "$tmp/sections"
  done

  check "$bpftool" btf dump file "$obj" >"$tmp/btf"
  for f in on_sys_enter on_fork on_exec on_exit; do
    check has "FUNC '$f' .*linkage=global" "$tmp/btf"
  done
  for v in events counters scratch; do
    check has "VAR '$v'" "$tmp/btf"
  done
  check has "${regs_struct[$arch]}" "$tmp/btf"
  check lacks "${other_struct[$arch]}" "$tmp/btf"

  # the numbers the program compares the syscall id with
  printf '#include "capture.h"\n' |
    "$clang" -target bpf -D__TARGET_ARCH_$arch -I"$src/bpf" -E -dM -x c - >"$tmp/macros"
  "$objdump" -d --section=tp_btf/sys_enter "$obj" >"$tmp/code"
  for nr in openat openat2; do
    want=$(uapi_nr "${header[$arch]}" "$nr")
    got=$(awk -v n="CAPTURE_NR_${nr^^}" '$2 == n { print $3 }' "$tmp/macros")
    check test -n "$got"
    if [ -n "$want" ]; then
      check test "$got" = "$want"
    else
      echo "note: <${header[$arch]}> is not installed: $arch's $nr number is not checked against it"
    fi
    check has "if r[0-9]+ [!=]= $got goto" "$tmp/code"
  done

  check "$bpftool" gen skeleton "$obj" name capture_bpf >"$tmp/skel.h"
  check has 'capture_bpf__open_and_load' "$tmp/skel.h"
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
