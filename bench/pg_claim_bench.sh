#!/usr/bin/env bash
# PostgreSQL claim benchmark (figures, not pass/fail): bench_store's ClaimContacts with 4
# concurrent claimers, beside pgbench running the same FOR UPDATE SKIP LOCKED statement with 4
# clients, on the same throwaway cluster (started here, stopped at the end).
# usage: bench/pg_claim_bench.sh path/to/bench_store [seconds]
set -euo pipefail
bench=${1:?usage: pg_claim_bench.sh path/to/bench_store [seconds]}
seconds=${2:-10}
bin=/usr/lib/postgresql/15/bin
dir=$(mktemp -d /tmp/outdial-pgbench-XXXXXX)
as=()
if [[ $(id -u) -eq 0 ]]; then chown postgres "$dir"; as=(runuser -u postgres --); fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() { "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"${as[@]}" "$bin/initdb" -A trust -U postgres -N -D "$dir/data" >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null
url="postgresql://postgres@127.0.0.1:$port/postgres"
psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -q -X postgres)
# Each run leaves dead row versions behind (every claim is an UPDATE); vacuum before each, so that
# neither side pays for the other's garbage. Order: outdial, pgbench, outdial again. pgbench
# takes the time from now() (stable: once per statement), as outdial binds it once per claim.
out=$("$bench" claim --url "$url" --seconds "$seconds")
campaign=$(echo "$out" | sed -n 's/^campaign_id=//p')
echo "outdial (1st): $(echo "$out" | grep -v campaign_id)"
cat >"$dir/claim.sql" <<SQL
UPDATE contacts SET claimed_by = 'pgbench' || :client_id, claimed_until = (extract(epoch from now()) * 1000)::bigint + 1 WHERE id IN (SELECT id FROM contacts WHERE campaign_id = :campaign AND state = 'callable' AND (claimed_until IS NULL OR claimed_until <= (extract(epoch from now()) * 1000)::bigint) ORDER BY id LIMIT 10 FOR UPDATE SKIP LOCKED) RETURNING id;
SQL
chmod 644 "$dir/claim.sql"
"${psql[@]}" -c "VACUUM FULL ANALYZE contacts"
echo "pgbench, same statement, 4 clients:"
"$bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -n -c 4 -j 4 -T "$seconds" -M prepared -D campaign="$campaign" \
  -f "$dir/claim.sql" postgres 2>&1 | grep -E "^tps|latency average"
"${psql[@]}" -c "VACUUM FULL ANALYZE contacts"
echo "outdial (2nd): $("$bench" claim --url "$url" --seconds "$seconds" --campaign "$campaign" | grep -v campaign_id)"
