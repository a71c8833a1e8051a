# Shared by bench/ws_bench.sh, bench/latency_bench.sh and bench/rest_bench.sh (sourced, not run):
# starts `outdial serve --demo` (memory: database, minimal password hashing for many users, log
# level warn) or bench_minimal_beast_server on a free port, and stops only what it started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD:-$ROOT/build/release}"
OUTDIAL="$BUILD/outdial"
CLIENT="$BUILD/bench/bench_ws_client"
MINIMAL="$BUILD/bench/bench_minimal_beast_server"
WORK="$(mktemp -d /tmp/outdial-apibench.XXXXXX)"
SERVER_PID=""
SERVER_PORT=""
for b in "$OUTDIAL" "$CLIENT" "$MINIMAL"; do
  [[ -x "$b" ]] || { echo "missing $b: build with cmake --build --preset release" >&2; exit 1; }
done
ulimit -n "$(ulimit -Hn)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() {
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "server did not listen on $1" >&2; return 1
}

# start_outdial [database url]: sets SERVER_PID and SERVER_PORT.
start_outdial() {
  local db="${1:-memory:}"
  SERVER_PORT="$(free_port)"
  cat > "$WORK/outdial.toml" <<TOML
[server]
listen = "127.0.0.1:$SERVER_PORT"
password_hash = "minimal"
http_threads = ${HTTP_THREADS:-2}
[log]
level = "warn"
[database]
url = "$db"
[datacenter]
max_concurrent_calls = 100000
[telephony]
driver = "sim"
[telephony.sim]
rules = [ { match = "*", outcome = "answer", after_ms = ${ANSWER_MS:-500} } ]
TOML
  "$OUTDIAL" serve --demo --config "$WORK/outdial.toml" > "$WORK/outdial.log" 2>&1 &
  SERVER_PID=$!
  wait_port "$SERVER_PORT"
}

# start_minimal [extra args]: sets SERVER_PID and SERVER_PORT.
start_minimal() {
  SERVER_PORT="$(free_port)"
  "$MINIMAL" --port "$SERVER_PORT" --threads "${HTTP_THREADS:-2}" "$@" > "$WORK/minimal.log" 2>&1 &
  SERVER_PID=$!
  wait_port "$SERVER_PORT"
}

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT

client() { "$CLIENT" --port "$SERVER_PORT" "$@"; }

ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}' if b else 'n/a')" "$1" "$2"; }
