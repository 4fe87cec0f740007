# bash completion for tare: commands, their options, matrix names and directories.
# Install: source this file, or copy it to /usr/share/bash-completion/completions/tare.
# tests/golden/commands.sh keeps it in step with `tare help` and the README.
_tare() {
  local cur=${COMP_WORDS[COMP_CWORD]} cmd="" i
  local commands="validate expand run merge verdict workload doctor inspect compare baseline report help"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in --*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac
  done
  if [ -z "$cmd" ]; then
    COMPREPLY=($(compgen -W "$commands --help --version --json" -- "$cur"))
    return
  fi
  local opts=""
  case $cmd in
  validate) opts="--schema" ;;
  expand) opts="--cell --tier --shard --format --shards" ;;
  run) opts="--cell --tier --shard --out --golden --keep-captures --ringbuf-size --quiet --resume" ;;
  merge) opts="--out --golden --partial --force" ;;
  verdict) opts="check update show" ;;
  workload) opts="--kernel-events --concurrency --payload --work-dir --span-events --span-event-limit --trace-out --rate --extra-ns-per-event" ;;
  compare) opts="--max-regression --force --fail-on-unreliable" ;;
  baseline) opts="save" ;;
  report) opts="--out" ;;
  doctor) opts="--clean" ;;
  help) opts=$commands ;;
  esac
  local matrices=""
  case $cmd in validate | expand | run) matrices=$(ls matrices/*.yaml 2>/dev/null | sed 's|.*/||; s|\.yaml$||') ;; esac
  COMPREPLY=($(compgen -W "$opts $matrices --json --help" -- "$cur"))
  [ ${#COMPREPLY[@]} = 0 ] && COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _tare tare
