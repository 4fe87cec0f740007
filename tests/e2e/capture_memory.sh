#!/usr/bin/env bash
# End to end: a capture arm's capture_memory_kib is the kernel's own accounting of the BPF maps
# tare holds (their fdinfo memlock, read by the workload from /proc/<tare>/fdinfo while the
# dispatch runs) plus the consumer's buffers, which are a few KiB: never less than the maps, and
# never more than the maps and 16 KiB. A second run with a 1 MiB ring must move both by the same
# amount.
. "$(dirname "$0")/lib.bash"
require_bpf
for ring in 16MiB 1MiB; do
  sed -e "s#@LOG@#$tmp/maps-$ring.log#" -e "s#@SCRIPT@#$PWD/tests/e2e/fixtures/parent_bpf_maps.sh#" \
    tests/e2e/matrices/capture-memory.yaml >"$tmp/m.yaml"
  check "$tare" run "$tmp/m.yaml" --out "$tmp/run-$ring" --ringbuf-size "$ring" --quiet
done
check /usr/bin/python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
maps_kib = {}
for ring in ("16MiB", "1MiB"):
    S = [json.loads(l) for l in open(f"{tmp}/run-{ring}/samples.jsonl")]
    blocks, cur = {}, None
    for line in open(f"{tmp}/maps-{ring}.log"):
        f = line.split()
        if f[0] == "W":
            cur = blocks.setdefault(f[1], {})
        else:
            cur[int(f[1])] = int(f[2])  # by map id: two fds of one map count once
    assert len(blocks) == len(S) >= 4, (len(blocks), len(S))
    for s in S:
        work = [w for w in blocks if w.endswith("/" + "work/%06d" % s["index"])]
        assert len(work) == 1, (s["index"], list(blocks))
        maps = blocks[work[0]]
        kib = s["resources"]["capture_memory_kib"]
        if s["capture"] != "ebpf":
            assert kib is None, s["resources"]
            continue
        memlock = sum(maps.values())
        # the ring, counters, scratch and the .bss/.rodata arrays at least
        assert len(maps) >= 5, maps
        extra = kib * 1024 - memlock
        assert 0 <= extra <= 16 * 1024, ("capture_memory_kib is not the kernel's maps + the "
                                         "consumer's buffers", s["index"], kib, memlock, extra)
        maps_kib.setdefault(ring, set()).add(kib)
        print(f"{ring} ring: capture_memory_kib {kib}, maps' memlock {memlock} bytes "
              f"({len(maps)} maps), consumer {extra} bytes")
# the ring is the only map whose size moved: 15 MiB of data pages and the kernel's page array
a, b = maps_kib["16MiB"], maps_kib["1MiB"]
assert len(a) == len(b) == 1, (a, b)
d = a.pop() - b.pop()
assert 15 * 1024 <= d <= 15 * 1024 + 256, d
PY
finish
