#!/usr/bin/env bash
# Black-box test of `outdial serve` with [telephony] driver = "sip": the server starts its SIP
# stack on the configured address (an OPTIONS ping is answered 200), stops cleanly on SIGTERM,
# and a bad [telephony.sip] key is refused with the key named.
set -euo pipefail
bin=${1:?usage: serve_sip_smoke.sh path/to/outdial}
dir=$(mktemp -d)
pid=""
trap '[[ -n "$pid" ]] && kill -9 $pid 2>/dev/null; rm -rf "$dir"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
rtp=$((30000 + ($$ % 300) * 100))
cat >"$dir/outdial.toml" <<TOML
[server]
listen = "127.0.0.1:0"
[telephony]
driver = "sip"
[telephony.sip]
listen = "127.0.0.1:$port"
rtp_ports = "$rtp-$((rtp + 98))"
trunk = "sip:127.0.0.1:9"
username = "outdial"
password = "secret"
invite_timeout_ms = 2000
TOML

"$bin" serve --config "$dir/outdial.toml" >"$dir/out.log" 2>&1 </dev/null &
pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening' "$dir/out.log" && break
  sleep 0.1
done
grep -q 'listening' "$dir/out.log" || { echo "FAIL: server did not start"; cat "$dir/out.log"; exit 1; }
answer=$(timeout 10 python3 - "$port" <<'PY'
import socket, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(3)
me = s.getsockname()[1]
msg = (f"OPTIONS sip:outdial@127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bKsmoke\r\n"
       f"From: <sip:smoke@127.0.0.1>;tag=1\r\nTo: <sip:outdial@127.0.0.1>\r\nCall-ID: smoke-1\r\nCSeq: 1 OPTIONS\r\n"
       f"Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
s.sendto(msg.encode(), ("127.0.0.1", port))
print(s.recv(4096).decode(errors="replace").split("\r\n")[0])
PY
)
[[ "$answer" == "SIP/2.0 200 OK" ]] || { echo "FAIL: OPTIONS answered '$answer'"; cat "$dir/out.log"; exit 1; }
kill -TERM $pid
timeout 10 tail --pid=$pid -f /dev/null || { echo "FAIL: did not stop on SIGTERM"; exit 1; }
wait $pid || { echo "FAIL: exit status $?"; exit 1; }
pid=""
echo "serve with driver=sip: SIP stack up, OPTIONS answered, stopped cleanly"

sed 's/^rtp_ports = .*/rtp_ports = "20001-20000"/' "$dir/outdial.toml" >"$dir/bad.toml"
if "$bin" serve --config "$dir/bad.toml" >"$dir/bad.log" 2>&1 </dev/null; then
  echo "FAIL: a bad rtp_ports was accepted"; exit 1
fi
grep -q 'telephony.sip.rtp_ports' "$dir/bad.log" || { echo "FAIL: the error does not name the key"; cat "$dir/bad.log"; exit 1; }
echo "bad [telephony.sip] refused with the key named"
