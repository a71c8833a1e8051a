#!/usr/bin/env bash
# Connections held: N (default 5000) authenticated agent WebSockets (API.md: REST login, then
# GET /api/v1/events?token=..., snapshot received) against `outdial serve`, and the server's RSS
# before (users created, tokens issued) and after. Beside it, the same client holds N WebSockets
# on bench_minimal_beast_server. Prints kB per connection and the ratio.
#   bash bench/ws_bench.sh            # N=5000 REPEAT=1; build first (cmake --build --preset release)
source "$(dirname "$0")/api_bench_lib.sh"
N="${N:-5000}"
for run in $(seq 1 "${REPEAT:-1}"); do
  start_outdial
  client --mode users --count "$N" --parallel 8 > "$WORK/users.json"
  echo "users: $(cat "$WORK/users.json")" >&2
  client --mode hold --count "$N" --server-pid "$SERVER_PID" --parallel 64 > "$WORK/outdial_hold.json"
  stop_server
  start_minimal
  client --mode hold --no-auth --ws-path /ws --count "$N" --server-pid "$SERVER_PID" --parallel 64 > "$WORK/minimal_hold.json"
  stop_server
  o=$(jq .rss_per_connection_kb "$WORK/outdial_hold.json"); m=$(jq .rss_per_connection_kb "$WORK/minimal_hold.json")
  echo "run $run: outdial $(cat "$WORK/outdial_hold.json")"
  echo "run $run: minimal $(cat "$WORK/minimal_hold.json")"
  printf 'run %s: RSS per connection: outdial %.1f kB, minimal Beast %.1f kB, ratio %s\n' "$run" "$o" "$m" "$(ratio "$o" "$m")"
done
