#!/usr/bin/env bash
# Black-box test of the running binary: `outdial serve --demo` starts, answers /healthz and the
# status page, refuses a bad config with the key named, and stops cleanly on SIGTERM.
set -euo pipefail
bin=${1:?usage: serve_smoke.sh path/to/outdial}
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT

cat >"$dir/outdial.toml" <<'TOML'
[server]
listen = "127.0.0.1:0"
web_root = "WEBROOT"
[database]
url = "sqlite://DBDIR/outdial.db"
[datacenter]
name = "smoke-dc"
max_concurrent_calls = 20
[telephony.sim]
rules = [ { match = "+1201555001*", outcome = "busy", after_ms = 500 }, { match = "*", outcome = "answer", after_ms = 2000 } ]
TOML
# An empty web root: the server answers with its "UI not built" page, which shows the status.
mkdir -p "$dir/web"
sed -i "s|WEBROOT|$dir/web|; s|DBDIR|$dir|" "$dir/outdial.toml"

"$bin" serve --demo --config "$dir/outdial.toml" >"$dir/out.log" 2>&1 &
pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://[0-9.]*:[0-9]*/' "$dir/out.log" || true)
  [[ -n "$url" ]] && break
  sleep 0.1
done
[[ -n "$url" ]] || { echo "FAIL: no URL printed"; cat "$dir/out.log"; exit 1; }
health=$(curl -fsS "${url}healthz")
[[ "$health" == *'"status":"ok"'* ]] || { echo "FAIL: /healthz said $health"; exit 1; }
page=$(curl -fsS "$url")
[[ "$page" == *smoke-dc* ]] || { echo "FAIL: status page lacks the data centre name"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' "${url}api/v1/nope")
[[ "$code" == 404 ]] || { echo "FAIL: unknown API path answered $code"; exit 1; }
login=$(curl -fsS -X POST -d '{"tenant":"demo","username":"admin","password":"admin"}' "${url}api/v1/login")
[[ "$login" == *'"token"'* ]] || { echo "FAIL: demo admin login said $login"; exit 1; }
# The demo seed and the login committed: the SQLite checkpointer copies them back within its ticks.
checkpoints=0
for _ in $(seq 1 100); do
  checkpoints=$(curl -fsS "${url}metrics" | awk '$1 == "outdial_sqlite_checkpoints_total" {print $2}')
  [[ -n "$checkpoints" && "$checkpoints" != 0 ]] && break
  sleep 0.05
done
[[ -n "$checkpoints" && "$checkpoints" != 0 ]] || { echo "FAIL: /metrics shows no SQLite checkpoint ($checkpoints)"; exit 1; }
curl -fsS "${url}metrics" | grep -q '^outdial_sqlite_checkpoint_failures_total 0$' || { echo "FAIL: checkpoint failures"; exit 1; }
kill -TERM $pid
wait $pid
echo "serve --demo: started, answered, stopped cleanly"

printf '[datacenter]\nmax_concurrent_calls = 0\n' >"$dir/bad.toml"
if "$bin" serve --config "$dir/bad.toml" >"$dir/bad.log" 2>&1; then
  echo "FAIL: a bad config was accepted"; exit 1
fi
grep -q 'datacenter.max_concurrent_calls' "$dir/bad.log" || { echo "FAIL: error does not name the key"; cat "$dir/bad.log"; exit 1; }
echo "bad config: refused naming the key"
echo "1 passed, 0 failed"
