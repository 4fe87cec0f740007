# Shared by the end-to-end tests: they need root and BPF, and say why when they skip (exit 77).
export LC_ALL=C
tare=$1
cd "$2" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TARE_RUNS_DIR=$tmp/runs   # the run index of a test stays in its temp dir

require_bpf() {
  if [ "$(id -u)" != 0 ]; then echo "skipped: needs root for BPF and cgroups (running as $(id -un))"; exit 77; fi
  if [ ! -r /sys/kernel/btf/vmlinux ]; then echo "skipped: the kernel has no BTF (/sys/kernel/btf/vmlinux)"; exit 77; fi
  if ! grep -q cgroup2 /proc/self/mountinfo; then echo "skipped: no cgroup v2 hierarchy mounted"; exit 77; fi
}

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
check() { if "$@"; then ok; else bad "$*"; fi; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" = 0 ]; }

# py EXPR FILE...: evaluates a Python expression over the parsed JSON Lines of samples.jsonl
# (bound to S) and the run's verdicts (V); true/false becomes the exit status.
py() {
  local dir=$1 expr=$2
  /usr/bin/python3 - "$dir" "$expr" <<'PYEOF'
import json, sys
d, expr = sys.argv[1], sys.argv[2]
S = [json.loads(l) for l in open(d + "/samples.jsonl") if l.strip()]
V = json.load(open(d + "/verdicts.json")) if __import__("os").path.exists(d + "/verdicts.json") else None
ok = eval(expr)
if not ok:
    print("assertion failed:", expr, file=sys.stderr)
sys.exit(0 if ok else 1)
PYEOF
}

# no_process_under DIR: true when no process has its working directory below DIR (a workload's
# cwd is its dispatch's work directory, so this finds survivors of this test's runs only).
no_process_under() {
  local p
  for p in /proc/[0-9]*; do
    case $(readlink "$p/cwd" 2>/dev/null) in "$1"/*) echo "survivor: $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)"; return 1 ;; esac
  done
  return 0
}
