#!/usr/bin/env bash
# REST under wrk on loopback: GET /api/v1/campaigns/{id}/stats (admin) and POST /api/v1/agent/state
# toggling idle/available (agent1; the demo campaigns paused so that Available gets no work), then
# bench_minimal_beast_server answering the very same stats body to GET. Prints req/s, p99 and
# the ratio of the stats GET to the minimal server's GET (goal >= 0.5).
#   bash bench/rest_bench.sh          # DURATION=10 CONNECTIONS=32 REPEAT=1 DB=memory:
source "$(dirname "$0")/api_bench_lib.sh"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
WRK=(wrk -t"${WRK_THREADS:-1}" -c"$CONNECTIONS" -d"${DURATION}s" --latency)
api() { curl -sf -H 'Content-Type: application/json' "$@"; }
# "Requests/sec" and the 99% line of wrk --latency, as "rps p99_ms non2xx".
wrk_figures() {
  python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", t)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
print(f"{rps:.0f} {p99:.2f} {bad.group(1) if bad else 0}")
PY
}
for run in $(seq 1 "${REPEAT:-1}"); do
  start_outdial "${DB:-memory:}"
  base="http://127.0.0.1:$SERVER_PORT/api/v1"
  admin=$(api -X POST "$base/login" -d '{"tenant":"demo","username":"admin","password":"admin"}' | jq -r .token)
  agent=$(api -X POST "$base/login" -d '{"tenant":"demo","username":"agent1","password":"agent"}' | jq -r .token)
  for c in $(api -H "Authorization: Bearer $admin" "$base/campaigns" | jq -r '.items[] | select(.status=="running") | .id'); do
    api -X POST -H "Authorization: Bearer $admin" "$base/campaigns/$c/pause" -d '{}' > /dev/null
  done
  cid=$(api -H "Authorization: Bearer $admin" "$base/campaigns" | jq -r '.items[0].id')
  path="/api/v1/campaigns/$cid/stats"
  api -H "Authorization: Bearer $admin" "http://127.0.0.1:$SERVER_PORT$path" > "$WORK/stats.json"
  "${WRK[@]}" -H "Authorization: Bearer $admin" "http://127.0.0.1:$SERVER_PORT$path" > "$WORK/wrk_stats.txt"
  TOKEN="$agent" "${WRK[@]}" -s "$ROOT/bench/wrk_agent_state.lua" "http://127.0.0.1:$SERVER_PORT/" > "$WORK/wrk_state.txt"
  stop_server
  start_minimal --http-body "$WORK/stats.json"
  "${WRK[@]}" "http://127.0.0.1:$SERVER_PORT$path" > "$WORK/wrk_minimal.txt"
  stop_server
  read -r s_rps s_p99 s_bad <<< "$(wrk_figures "$WORK/wrk_stats.txt")"
  read -r a_rps a_p99 a_bad <<< "$(wrk_figures "$WORK/wrk_state.txt")"
  read -r m_rps m_p99 m_bad <<< "$(wrk_figures "$WORK/wrk_minimal.txt")"
  echo "run $run ($(wc -c < "$WORK/stats.json") byte body, $CONNECTIONS connections, ${DURATION}s, db ${DB:-memory:}):"
  echo "  GET stats          outdial $s_rps req/s p99 $s_p99 ms (non-2xx $s_bad)"
  echo "  POST agent/state   outdial $a_rps req/s p99 $a_p99 ms (non-2xx $a_bad)"
  echo "  GET same body      minimal Beast $m_rps req/s p99 $m_p99 ms (non-2xx $m_bad)"
  echo "  ratio GET stats / minimal: $(ratio "$s_rps" "$m_rps"); agent/state / minimal: $(ratio "$a_rps" "$m_rps")"
done
