#!/usr/bin/env bash
# Crash test (PRODUCT.md §8): the engine dials continuously on simulated telephony against a SQLite
# file; it is killed with SIGKILL at random moments (sometimes during its start-up recovery and
# load), restarted on the same database, and after every kill `check` runs the recovery a restart
# runs and proves: per-state counts add up to the number imported, no contact stays in_progress,
# no two attempts of a contact overlap in time, every acknowledged action is in the database.
#
# usage: crash_test.sh path/to/store_crash_driver
# OUTDIAL_CRASH_KILLS=N (default 20) for a longer run.
set -euo pipefail
driver=${1:?usage: crash_test.sh path/to/store_crash_driver}
kills=${OUTDIAL_CRASH_KILLS:-20}
contacts=2000
dir=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
db=$dir/crash.db
acks=$dir/acks.log
: >"$acks"

"$driver" seed --db "$db" --contacts $contacts --agents 40
"$driver" check --db "$db" --acks "$acks" --contacts $contacts

early=0
for i in $(seq 1 "$kills"); do
  "$driver" run --db "$db" --acks "$acks" --seconds 120 --seed "$i" >"$dir/run.log" 2>&1 &
  pid=$!
  if ((i % 5 == 0)); then
    # Kill during start-up: recovery and load must themselves survive a crash.
    sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.3f", (r % 300) / 1000 }')"
    early=$((early + 1))
  else
    ready=0
    for _ in $(seq 1 600); do
      if grep -q '^ready' "$dir/run.log"; then ready=1; break; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    if ((ready == 0)); then
      echo "FAIL: run $i did not get ready"; cat "$dir/run.log"; exit 1
    fi
    sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.3f", 0.3 + (r % 2200) / 1000 }')"
  fi
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
  if ! "$driver" check --db "$db" --acks "$acks" --contacts $contacts; then
    echo "FAIL: after kill $i"; cat "$dir/run.log"; exit 1
  fi
done
total=$(wc -l <"$acks")
if ((total < kills)); then
  echo "FAIL: only $total acknowledged actions in $kills runs: the engine was not dialing"; exit 1
fi
echo "crash test: $kills kills ($early during start-up), $total acknowledged actions, all durable"
