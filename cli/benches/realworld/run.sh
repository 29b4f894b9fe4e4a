#!/usr/bin/env bash
# Robustness run over real-world repositories: audits every repository listed in repos.txt
# (beside this script) whose checkout exists, one at a time, and prints a Markdown table of
# exit code, wall time and peak memory, then a summary line.
#
# usage: run.sh CHECKOUTS_DIR [MATURITY_BINARY]
#
#   CHECKOUTS_DIR    holds one checkout per repository, named owner+name (e.g. pallets+flask),
#                    ideally at the commit listed in repos.txt. This script never downloads
#                    anything: the checkouts are made by hand. A listed repository without a
#                    checkout is reported as `missing`.
#   MATURITY_BINARY  the binary to run (default: target/release/maturity of this workspace,
#                    built with `cargo build --release -p maturity` if absent).
#
# Each audit runs as `maturity audit CHECKOUT --no-store --no-progress -f json -o FILE` under
# `timeout` (300 s, or $REALWORLD_TIMEOUT) and `/usr/bin/time`. A repository fails when the
# audit panics, times out, exits with a code other than 0 or 1, or writes no valid JSON report.
# Exit status: 0 when nothing failed, 1 otherwise, 2 on a usage error.
# Needs: bash, coreutils `timeout`, GNU time (/usr/bin/time), python3. Not run in CI.
set -euo pipefail

usage() { echo "usage: $0 CHECKOUTS_DIR [MATURITY_BINARY]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
checkouts=$1
[ -d "$checkouts" ] || { echo "$0: $checkouts: not a directory" >&2; exit 2; }
checkouts=$(cd "$checkouts" && pwd)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
list=$here/repos.txt
root=$(cd "$here/../../.." && pwd)
limit=${REALWORLD_TIMEOUT:-300}

if [ $# -eq 2 ]; then
  bin=$2
  case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
else
  bin=${CARGO_TARGET_DIR:-$root/target}/release/maturity
  case $bin in /*) ;; *) bin=$root/$bin ;; esac
  if [ ! -x "$bin" ]; then
    echo "building $bin" >&2
    (cd "$root" && cargo build --release -p maturity) >&2
  fi
fi
[ -x "$bin" ] || { echo "$0: $bin: not an executable" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "$0: GNU time (/usr/bin/time) is required" >&2; exit 2; }
command -v timeout >/dev/null || { echo "$0: coreutils timeout is required" >&2; exit 2; }
command -v python3 >/dev/null || { echo "$0: python3 is required" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

audited=0 missing=0 panics=0 timeouts=0 unexpected=0 badjson=0
details=()

echo "| repository | stack | files | exit | seconds | MiB | result |"
echo "| --- | --- | ---: | ---: | ---: | ---: | --- |"
while read -r repo commit stack files _; do
  case $repo in ''|'#'*) continue ;; esac
  dir=$checkouts/${repo/\//+}
  if [ ! -d "$dir" ]; then
    echo "| $repo | $stack | $files | | | | missing |"
    missing=$((missing + 1))
    continue
  fi
  echo "auditing $repo" >&2
  json=$work/report.json err=$work/stderr timing=$work/time
  rm -f "$json" "$err" "$timing"
  code=0 secs="" kib=""
  /usr/bin/time -f '%e %M' -o "$timing" \
    timeout -k 10 "$limit" "$bin" audit "$dir" --no-store --no-progress -f json -o "$json" \
    </dev/null >/dev/null 2>"$err" || code=$?
  read -r secs kib < <(tail -n 1 "$timing" 2>/dev/null || true) || true
  secs=${secs:-?}
  mib=$([ -n "${kib:-}" ] && echo $(( (kib + 1023) / 1024 )) || echo '?')
  audited=$((audited + 1))

  result=ok
  if grep -q 'panicked' "$err"; then
    result=PANIC; panics=$((panics + 1))
    details+=("$repo: $(grep -m1 -A1 'panicked' "$err" | tr '\n' ' ')")
  elif [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
    result=TIMEOUT; timeouts=$((timeouts + 1))
  elif [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
    result="exit $code"; unexpected=$((unexpected + 1))
    details+=("$repo: $(tail -n 3 "$err" | tr '\n' ' ')")
  elif ! python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$json" 2>/dev/null; then
    result="bad JSON"; badjson=$((badjson + 1))
  fi
  if [ "$result" = ok ] && [ -n "$commit" ] && [ -e "$dir/.git" ]; then
    head=$(git -C "$dir" rev-parse HEAD 2>/dev/null || true)
    [ -z "$head" ] || [ "$head" = "$commit" ] || result="ok (checkout at ${head:0:12}, not the listed commit)"
  fi
  echo "| $repo | $stack | $files | $code | $secs | $mib | $result |"
done < "$list"

echo
echo "$audited audited, $missing missing, $panics panics, $timeouts timeouts, $unexpected exit codes other than 0/1, $badjson without a valid JSON report"
if [ ${#details[@]} -gt 0 ]; then
  echo
  for d in "${details[@]}"; do echo "- $d"; done
fi
[ $((panics + timeouts + unexpected + badjson)) -eq 0 ]
