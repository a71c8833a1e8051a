#!/usr/bin/env bash
# Black-box test of `outdial serve` with [telephony] driver = "sip": the server starts its SIP
# stack on the configured address (an OPTIONS ping is answered 200), stops cleanly on SIGTERM,
# stray and malformed SIP is answered or dropped and counted on /metrics, and a bad
# [telephony.sip] key is refused with the key named.
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
# Stray traffic is answered or dropped and counted on /metrics (outdial_sip_*, docs/sip.md).
http=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/out.log" | head -1)
metrics=$(timeout 10 python3 - "$port" "$http" <<'PY'
import socket, sys, time, urllib.request
port, http = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(2)
me = s.getsockname()[1]
bye = (f"BYE sip:outdial@127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bKsmoke2\r\n"
       f"From: <sip:smoke@127.0.0.1>;tag=1\r\nTo: <sip:outdial@127.0.0.1>;tag=2\r\nCall-ID: smoke-2\r\n"
       f"CSeq: 2 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
s.sendto(b"\x00\x01 definitely not SIP\r\n\r\n", ("127.0.0.1", port))
s.sendto(bye.encode(), ("127.0.0.1", port))
first = s.recv(4096).decode(errors="replace").split("\r\n")[0]
time.sleep(0.2)
text = urllib.request.urlopen(http + "/metrics", timeout=5).read().decode()
print(first)
for line in text.splitlines():
    if line.startswith("outdial_sip_"):
        print(line)
PY
)
expect() {
  grep -qxF "$1" <<<"$metrics" || { echo "FAIL: /metrics has no line '$1'"; echo "$metrics"; cat "$dir/out.log"; exit 1; }
}
expect 'SIP/2.0 481 Call/Transaction Does Not Exist'
expect 'outdial_sip_requests_received_total{method="OPTIONS"} 1'
expect 'outdial_sip_requests_received_total{method="BYE"} 1'
expect 'outdial_sip_unsolicited_requests_total{status="481"} 1'
expect 'outdial_sip_malformed_total{action="dropped"} 1'
expect 'outdial_sip_active_legs 0'
echo "serve with driver=sip: stray traffic answered or dropped and counted on /metrics"
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
