#!/usr/bin/env bash
# Layering of src/ (ARCHITECTURE §2): a folder includes only folders below it, and gate/ works on
# plain structs, without json-c. A violation prints the offending include line.
set -u
cd "$2"
# util <- {yaml, jsonschema, stats, workload} <- matrix <- plan <- sample <- gate <- report <- run <- cli
declare -A rank=([util]=0 [yaml]=1 [jsonschema]=1 [stats]=1 [workload]=1 [matrix]=2 [plan]=3
  [sample]=4 [gate]=5 [report]=6 [run]=7 [cli]=8)
fail=0
for dir in "${!rank[@]}"; do
  for f in src/"$dir"/*.[ch]; do
    [ -e "$f" ] || continue
    while IFS= read -r line; do
      target=${line#*\"}
      target=${target%%/*}
      [ "$target" = "$dir" ] && continue
      [ -n "${rank[$target]+set}" ] || continue # bpf/, generated headers
      if [ "${rank[$target]}" -ge "${rank[$dir]}" ]; then
        echo "$f: $dir/ must not include $target/: $line"
        fail=1
      fi
    done < <(grep -E '^#include "[a-z_]+/' "$f")
  done
done
if grep -n -E 'json-c|json_object' src/gate/*.[ch]; then
  echo "src/gate/ uses json-c (it takes and gives plain structs; JSON belongs to report/)"
  fail=1
fi
[ "$fail" = 0 ] && echo "layers ok"
exit "$fail"
