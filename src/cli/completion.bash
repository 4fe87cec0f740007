# bash completion for tare: commands, their options, and option values (formats, schema names,
# matrix names, directories, files).
# Installed by `cmake --install` as share/bash-completion/completions/tare; or source this file.
# tests/golden/commands.sh keeps it in step with `tare help`, the README and tare(1);
# tests/golden/install.sh completes through it.

# Matrix names: matrices/*.yaml here and in every directory of $TARE_MATRIX_PATH.
_tare_matrices() {
  local dir dirs=matrices
  [ -n "${TARE_MATRIX_PATH:-}" ] && dirs="$dirs ${TARE_MATRIX_PATH//:/ }"
  for dir in $dirs; do
    for f in "$dir"/*.yaml; do
      [ -e "$f" ] || continue
      f=${f##*/}
      echo "${f%.yaml}"
    done
  done
}

_tare() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev="" cmd="" i
  [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
  local commands="validate expand run merge verdict workload doctor inspect compare baseline report help"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in --*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac
  done
  if [ -z "$cmd" ]; then
    COMPREPLY=($(compgen -W "$commands --help --version --json" -- "$cur"))
    return
  fi
  # an option's value
  case $prev in
  --format)
    COMPREPLY=($(compgen -W "table json ndjson ci-matrix" -- "$cur"))
    return
    ;;
  --schema)
    COMPREPLY=($(compgen -W "matrix.v1 plan.v1 sample.v1 verdicts.v1 summary.v1 baseline.v1 run-index bmf chrome-trace otlp-trace workload-report cli.v1" -- "$cur")
      $(compgen -f -- "$cur"))
    return
    ;;
  --out | --resume | --work-dir)
    COMPREPLY=($(compgen -d -- "$cur"))
    return
    ;;
  --golden | --trace-out)
    COMPREPLY=($(compgen -f -- "$cur"))
    return
    ;;
  --cell | --tier | --shard | --shards | --ringbuf-size | --max-regression | --kernel-events | \
    --concurrency | --payload | --span-events | --span-event-limit | --rate | --extra-ns-per-event)
    return # a value only the user knows
    ;;
  esac
  local opts="" values=""
  case $cmd in
  validate) opts="--schema" values=$(_tare_matrices) ;;
  expand) opts="--cell --tier --shard --format --shards" values=$(_tare_matrices) ;;
  run) opts="--cell --tier --shard --out --golden --keep-captures --ringbuf-size --quiet --resume" values=$(_tare_matrices) ;;
  merge) opts="--out --golden --partial --force" ;;
  verdict) opts="check update show" ;;
  workload) opts="--kernel-events --concurrency --payload --work-dir --span-events --span-event-limit --trace-out --rate --extra-ns-per-event" ;;
  compare) opts="--base --current --max-regression --force --fail-on-unreliable" ;;
  baseline) opts="save" ;;
  report) opts="--out" ;;
  doctor) opts="--clean" ;;
  help) opts=$commands ;;
  esac
  COMPREPLY=($(compgen -W "$opts $values --json --help" -- "$cur"))
  # run directories and files for the commands that take them
  case $cmd in
  merge | inspect | compare | report | verdict | baseline) COMPREPLY+=($(compgen -d -- "$cur")) ;;
  esac
  [ ${#COMPREPLY[@]} = 0 ] && COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _tare tare
