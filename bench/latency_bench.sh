#!/usr/bin/env bash
# Event push latency: N (default 1000) agents work a preview_standard campaign on `outdial serve`
# (simulated stations and customers: reservation answered after 1 s, customer after ANSWER_MS=500;
# the client accepts every offer, ends the call after 1 s, wraps up). Latency of every event =
# received (client wall clock) - `emitted_at_us` (stamped on the engine thread when the event is
# mapped). Then bench_minimal_beast_server pushes the same number of frames per second, stamped
# the same way on its own "engine" thread, to N WebSockets of the same client. Prints p50/p99.
# The agents act with a human-like random spread; LATENCY_ARGS=--no-jitter makes them act at once
# (1,000 cycles in lockstep: bursts of ~1,000 events); the minimal server then pushes in rounds
# of one frame to every connection at once, at the same rate.
#   bash bench/latency_bench.sh       # N=1000 DURATION=20 REPEAT=1
source "$(dirname "$0")/api_bench_lib.sh"
N="${N:-1000}"
DURATION="${DURATION:-20}"
for run in $(seq 1 "${REPEAT:-1}"); do
  start_outdial
  client --mode users --count "$N" --parallel 8 > /dev/null
  client --mode campaign --contacts "${CONTACTS:-30000}" > "$WORK/campaign.json"
  echo "campaign: $(cat "$WORK/campaign.json")" >&2
  # shellcheck disable=SC2086  # LATENCY_ARGS="--no-jitter": all agents in lockstep
  client --mode latency --count "$N" --server-pid "$SERVER_PID" --duration-s "$DURATION" ${LATENCY_ARGS:-} > "$WORK/outdial_lat.json"
  stop_server
  rate=$(jq .events_per_s "$WORK/outdial_lat.json")
  burst=0; [[ "${LATENCY_ARGS:-}" == *--no-jitter* ]] && burst=1
  start_minimal --push-rate "$rate" --frame-bytes 400 --burst "$burst"
  client --mode latency --no-auth --ws-path /ws --count "$N" --server-pid "$SERVER_PID" --duration-s "$DURATION" > "$WORK/minimal_lat.json"
  stop_server
  echo "run $run: outdial $(cat "$WORK/outdial_lat.json")"
  echo "run $run: minimal $(cat "$WORK/minimal_lat.json")"
  op50=$(jq .push_latency.p50_ms "$WORK/outdial_lat.json"); op99=$(jq .push_latency.p99_ms "$WORK/outdial_lat.json")
  mp50=$(jq .push_latency.p50_ms "$WORK/minimal_lat.json"); mp99=$(jq .push_latency.p99_ms "$WORK/minimal_lat.json")
  printf 'run %s: %.0f events/s; push latency outdial p50 %.2f ms p99 %.2f ms; minimal Beast p50 %.2f ms p99 %.2f ms; p99 ratio %s; ack round trip outdial p50 %s ms p99 %s ms\n' \
    "$run" "$rate" "$op50" "$op99" "$mp50" "$mp99" "$(ratio "$op99" "$mp99")" \
    "$(jq .ack_round_trip.p50_ms "$WORK/outdial_lat.json")" "$(jq .ack_round_trip.p99_ms "$WORK/outdial_lat.json")"
done
