#!/usr/bin/env bash
# Keeps the one-way layering of docs/architecture.md: no source file includes a layer above its own,
# the dispatcher half of run/ does not judge or serialise, and only util/ reads the clock.
set -uo pipefail
src=${2:?usage: layers.sh TARE SOURCE_DIR}/src

# rank of each folder: a file may include its own folder and folders of a lower or equal-but-listed rank
declare -A rank=([util]=0 [yaml]=1 [jsonin]=1 [jsonschema]=1 [stats]=1 [workload]=1 [otlp]=1 [matrix]=2 [plan]=3
  [sample]=4 [gate]=5 [report]=6 [run]=7 [cli]=8)

fail=0
for dir in "${!rank[@]}"; do
  [ -d "$src/$dir" ] || continue
  for file in "$src/$dir"/*.[ch]; do
    while IFS= read -r inc; do
      to=${inc%%/*}
      [ "$to" = "$dir" ] && continue
      [ "$to" = bpf ] && [ "$dir" = run ] && continue
      if [ -z "${rank[$to]+x}" ]; then
        echo "${file#"$src"/}: includes \"$inc\" from an unknown folder"; fail=1; continue
      fi
      if (( rank[$to] >= rank[$dir] )); then
        echo "${file#"$src"/}: includes \"$inc\": $to is not below $dir"; fail=1
      fi
    done < <(sed -n 's/^#include "\([a-z_]*\/[^"]*\)".*/\1/p' "$file")
  done
done

# the dispatcher (everything in run/ but the session and its outputs) observes; it does not judge or write reports
for file in "$src"/run/*.[ch]; do
  case $(basename "$file") in session* | outputs* | judge* | run_index* | run_dir_create*) continue ;; esac
  if grep -Hn '^#include "\(gate\|report\)/' "$file"; then
    echo "  ^ the dispatcher side of run/ must not include gate/ or report/"; fail=1
  fi
done

# one clock
if grep -rn 'clock_gettime' "$src" --include='*.c' --include='*.h' | grep -v "^$src/util/"; then
  echo "  ^ only src/util/clock.c reads the clock"; fail=1
fi

# gate returns plain structs
if grep -rln 'json-c\|json_object' "$src"/gate/; then
  echo "  ^ gate/ takes and returns plain structs: no json-c"; fail=1
fi

if ((fail)); then exit 1; fi
echo "layers: every include points down; one clock; plain gates"
