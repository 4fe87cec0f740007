#!/usr/bin/env bash
# report.html in a real browser: `tare report` builds the page of the recorded run in
# tests/fixtures/run-dirs/report/ and the comparison of base/ and current/; each must be well-formed
# XML, hold no reference to anything outside itself, and render in headless Chromium with every
# plot in the DOM, no console error and a screenshot that is not blank. The screenshots and pages
# stay in the build directory (printed below) as CI artifacts.
. "$(dirname "$0")/lib.bash"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then echo "skipped: no chromium (ci/setup installs Debian's 'chromium')"; exit 77; fi
art=$(dirname "$tare")/artifacts/report_browser
mkdir -p "$art"
echo "artifacts: $art"
fx=tests/fixtures/run-dirs

# chrome FILE ARGS...: headless Chromium on a local file, no profile or network of the user's
chrome() {
  local file=$1
  shift
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --disable-background-networking --disable-extensions --user-data-dir="$tmp/profile" \
    --enable-logging=stderr --v=0 "$@" "file://$file"
}

# page NAME HEIGHT IDS...: the checks every page gets
page() {
  local name=$1 height=$2 html=$art/$1.html
  shift 2
  check xmllint --noout "$html"
  # self-contained: no URL, no file it would load, no script; url(#…) is an in-page reference
  if grep -Eion 'https?://|(src|href)=|<script|<link|@import|url\([^#]' "$html"; then
    bad "$name.html refers to something outside itself"
  else
    ok
  fi
  chrome "$html" --dump-dom >"$tmp/$name.dom" 2>"$tmp/$name.dom.log"
  check test -s "$tmp/$name.dom"
  for id in "$@"; do
    grep -q "<svg id=\"$id\"" "$tmp/$name.dom" && ok || bad "$name.html: no plot '$id' in the DOM"
  done
  chrome "$html" --screenshot="$art/$name.png" --window-size=1000,"$height" >/dev/null 2>"$tmp/$name.shot.log"
  check test -s "$art/$name.png"
  # the page has no script, so any console message is the browser complaining about the page
  if grep -h 'CONSOLE' "$tmp/$name.dom.log" "$tmp/$name.shot.log"; then
    bad "$name.html: console messages"
  else
    ok
  fi
  check /usr/bin/python3 - "$art/$name.png" <<'PY'
# Not blank: decode the PNG (no imaging library needed) and count colours and ink.
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat = 8, b""
while pos < len(data):
    n, typ = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    pos += 12 + n
    if typ == b"IHDR":
        w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif typ == b"IDAT":
        idat += body
assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, p, colours, ink = bytearray(stride), 0, set(), 0
for y in range(h):
    f, line = raw[p], bytearray(raw[p + 1:p + 1 + stride])
    p += 1 + stride
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        px = bytes(line[x:x + 3])
        colours.add(px)
        ink += px != b"\xff\xff\xff"
    prev = line
share = ink / (w * h)
print(f"{sys.argv[1]}: {w}x{h}, {len(colours)} colours, {share:.1%} not white")
sys.exit(0 if len(colours) >= 50 and share >= 0.03 else 1)
PY
}

"$tare" report "$fx/report" --out "$art/report.html" 2>"$tmp/err"
check test $? = 0 || cat "$tmp/err"
page report 5400 forest wall-0 wall-1 wall-2 wall-3 slope-0 fidelity-plot memory-plot tail-1 tail-2 tail-3
# the skipped cell says why it has no timing, and the clip is drawn with its limit
check grep -q 'not measured (timing skipped)' "$art/report.html"
check grep -q 'class="fid clipped"' "$art/report.html"
check grep -q 'limit 128' "$art/report.html"

"$tare" report "$fx/base" "$fx/current" --out "$art/compare.html" 2>"$tmp/err"
check test $? = 0 || cat "$tmp/err"
page compare 1700 shift dist-0 dist-1
# the slowdown recorded in current/ (smoke-medium, dual-capture) is drawn with its status in words:
# both recorded runs are unstable, and over 4 rows its q is above 0.05
check grep -q 'not significant (q), unreliable' "$art/compare.html"
finish
