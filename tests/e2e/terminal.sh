#!/usr/bin/env bash
# End to end: what a person sees of a run in a 70-column terminal (a pseudo-terminal): no line
# wider than the window, the progress line redrawn in place, each cell's verdict with its arms'
# medians and paired delta, the boundary and the report's path at the end; colour only on a
# terminal and not with NO_COLOR; --quiet prints the final line only.
. "$(dirname "$0")/lib.bash"
require_bpf
# pty_run OUT ENV... -- ARGS...: runs tare on a 70x24 pseudo-terminal (stderr and stdout), its
# bytes into OUT
pty_run() {
  /usr/bin/python3 - "$tare" "$@" <<'PY'
import fcntl, os, pty, struct, sys, termios
tare, out = sys.argv[1], sys.argv[2]
rest = sys.argv[3:]
cut = rest.index("--")
env = dict(os.environ, COLUMNS="70")
for kv in rest[:cut]:
    k, v = kv.split("=", 1)
    env[k] = v
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 70, 0, 0))
    os.execve(tare, [tare] + rest[cut + 1:], env)
data = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
_, status = os.waitpid(pid, 0)
open(out, "wb").write(data)
sys.exit(os.waitstatus_to_exitcode(status))
PY
}
# lines_fit FILE WIDTH: every line as the terminal shows it (split at \r and \n, escape
# sequences taking no columns) is at most WIDTH columns
lines_fit() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read().decode()
width = int(sys.argv[2])
bad = [l for l in re.split(r"[\r\n]", re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", data)) if len(l) > width]
for l in bad:
    print("too wide (%d): %r" % (len(l), l))
sys.exit(1 if bad else 0)
PY
}
colour='\x1b\[3[0-9]m'

pty_run "$tmp/tty" TERM=xterm -- run smoke --out "$tmp/r1"
check test $? = 0 || cat -v "$tmp/tty"
check lines_fit "$tmp/tty" 70
check grep -qP "$colour" "$tmp/tty"
# the progress line is redrawn in place, with the time left
check grep -qP '\r\x1b\[K\[3/12\] [^\r\n]*~[^\r\n]* left  smoke-low measure r1' "$tmp/tty"
# each cell ends with its verdict, the medians and the paired delta with its interval
check grep -qP 'cell smoke-low: \x1b\[32mhealthy\x1b\[0m' "$tmp/tty"
check grep -qP '^(\r\x1b\[K)?    medians: runner-only [0-9.]+ ms, dual-capture [0-9.]+ ms\r?$' "$tmp/tty"
check grep -qP '    dual-capture [-+][0-9.]+ ms \[[-+][0-9.]+, [-+][0-9.]+\] \([-+][0-9.]+%\) vs' "$tmp/tty"
check grep -q 'boundary: all 2 cells healthy' "$tmp/tty"
check grep -qF "tare: 2 cells: 2 healthy; report $tmp/r1/report.html" "$tmp/tty"
check test -s "$tmp/r1/report.html"

# NO_COLOR: the same lines, no colour (clearing the line is not colour)
pty_run "$tmp/nocolor" TERM=xterm NO_COLOR=1 -- run smoke --out "$tmp/r2"
check test $? = 0
check lines_fit "$tmp/nocolor" 70
check grep -q 'cell smoke-medium: healthy' "$tmp/nocolor"
check bash -c "! grep -qP '$colour' '$tmp/nocolor'"

# not a terminal: no escape sequence at all, whole lines
"$tare" run smoke --out "$tmp/r3" 2>"$tmp/pipe"
check test $? = 0
check bash -c "! grep -qP '\x1b' '$tmp/pipe'"
check grep -q '^\[12/12\] smoke-medium measure r2' "$tmp/pipe"
check grep -q '^    medians: runner-only' "$tmp/pipe"

# --quiet: the final line only
pty_run "$tmp/quiet" TERM=xterm -- run smoke --out "$tmp/r4" --quiet
check test $? = 0
check test "$(tr -d '\r' <"$tmp/quiet" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | grep -c .)" = 1
check grep -qF "tare: 2 cells: 2 healthy; report $tmp/r4/report.html" "$tmp/quiet"

# --json: stdout is one document (tare.run.v1) with the verdicts, the golden comparison and the
# paths; stderr has no progress
"$tare" --json run smoke --out "$tmp/r5" --golden golden/smoke.verdicts.json >"$tmp/json" 2>"$tmp/json.err"
check test $? = 0
check test ! -s "$tmp/json.err"
check "$tare" validate --schema cli.v1 "$tmp/json"
check /usr/bin/python3 - "$tmp/json" "$tmp/r5" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "tare.run.v1" and d["ok"] and d["exit"] == 0 and d["diagnostics"] == []
assert d["run_dir"] == sys.argv[2] and d["report"] == sys.argv[2] + "/report.html"
assert [c["cell"] for c in d["cells"]] == ["smoke-low", "smoke-medium"]
assert d["golden"]["equal"] is True and d["golden"]["differences"] == []
assert d["boundary"] == json.load(open(sys.argv[2] + "/verdicts.json"))["boundary"]
PY
finish
