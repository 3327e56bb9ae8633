#!/usr/bin/env bash
# Follows one service's log file, pretty-printed: tail-service-log.sh <service> [--raw] [-n LINES]
# Used by the tail-<service>-log.sh scripts. The file is logs/<service>/application.log under the
# repository root (or under $LOG_DIR when set), whatever the current directory. `tail -F` keeps
# following across the daily roll (rename + new file) and waits for a file that does not exist yet.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
service="${1:?usage: $0 <service> [--raw] [-n LINES]}"
shift

raw=false
lines=100
while [[ $# -gt 0 ]]; do
  case "$1" in
    --raw) raw=true ;;
    -n) lines="${2:?-n needs a number}"; shift ;;
    -h|--help) echo "usage: $(basename "$0") [--raw] [-n LINES]"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

log_dir="${LOG_DIR:-logs}"
[[ "$log_dir" = /* ]] || log_dir="$root/$log_dir"
file="$log_dir/$service/application.log"

if [[ ! -e "$file" ]]; then
  echo "No log file yet: $file" >&2
  echo "Start $service from the repository root (it writes logs/$service/application.log there);" >&2
  echo "waiting for the file to appear (Ctrl-C to stop)..." >&2
fi

if $raw; then
  exec tail -n "$lines" -F "$file"
fi
tail -n "$lines" -F "$file" | node "$root/scripts/pretty-log.ts"
