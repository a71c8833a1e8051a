#!/usr/bin/env bash
# Black-box test of `outdial import` and `outdial export` against a SQLite database seeded by
# `outdial serve --demo`: row errors with their row numbers, exit codes, the stored count, and an
# export that lists what was imported.
set -euo pipefail
bin=${1:?usage: contacts_cli.sh path/to/outdial}
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat >"$dir/outdial.toml" <<TOML
[server]
listen = "127.0.0.1:0"
password_hash = "minimal"
[database]
url = "sqlite://$dir/outdial.db"
TOML

# Seed the demo tenant (3 campaigns of 200 contacts), then stop the server.
"$bin" serve --demo --config "$dir/outdial.toml" >"$dir/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do grep -q "listening" "$dir/serve.log" && break; sleep 0.1; done
grep -q "listening" "$dir/serve.log" || { cat "$dir/serve.log"; fail "server did not start"; }
kill -TERM $pid; wait $pid || true

printf 'name,phone,timezone,priority,plan\r\n"Doe, Jane",+12015550199,America/Denver,7,gold\r\nBad,notaphone,,,\r\nKlaus,+493012345678,,,silver\r\nWrong zone,+12015550198,Mars/Base,,\r\n' >"$dir/list.csv"
set +e
"$bin" import --config "$dir/outdial.toml" --campaign 1 "$dir/list.csv" >"$dir/import.out" 2>"$dir/import.err"
rc=$?
set -e
cat "$dir/import.out" "$dir/import.err"
[[ $rc -eq 1 ]] || fail "import with bad rows should exit 1, got $rc"
grep -q "2 accepted, 2 rejected" "$dir/import.out" || fail "counts"
grep -q "^row 2, phone:" "$dir/import.err" || fail "row 2 phone error"
grep -q "^row 4, timezone:" "$dir/import.err" || fail "row 4 timezone error"
# Without a terminal the progress goes to stderr as structured lines; the last one is the total.
grep -q "^import campaign=1 state=done rows_read=4 accepted=2 rejected=2 .* percent=100" "$dir/import.err" ||
  fail "import progress line"

"$bin" export --config "$dir/outdial.toml" --campaign 1 --what contacts --out "$dir/contacts.csv" 2>"$dir/export.err"
lines=$(wc -l <"$dir/contacts.csv")
[[ $lines -eq 203 ]] || fail "export should have a header and 202 contacts, has $lines lines"
grep -q "Doe, Jane" "$dir/contacts.csv" || fail "imported contact missing from the export"
grep -q "Europe/Berlin" "$dir/contacts.csv" || fail "zone derived from +49 missing"
attempts_header='id,contact_id,campaign_id,agent_id,number,started_at,answered_at,connected_at,ended_at,wrapped_up_at,outcome,reason_code,sip_code,amd_result,disposition,notes'
"$bin" export --config "$dir/outdial.toml" --campaign 1 --what attempts | head -1 | tr -d '\r' | grep -qx "$attempts_header" || fail "attempts header"
# Attempts come out by contact, then by start time, from one walk over the campaign (not one query
# per contact): three attempts written straight into the database, out of order, and one of
# campaign 2 that must not appear.
if command -v sqlite3 >/dev/null; then
  sqlite3 "$dir/outdial.db" "
    INSERT INTO attempts (id, tenant_id, campaign_id, contact_id, agent_id, number, started_at, ended_at, outcome,
                          sip_code, disposition, notes)
    SELECT 9003, c.tenant_id, c.id, MIN(k.id) + 1, 0, '+12015550101', 3000, 3100, 'busy', 486, '', ''
      FROM contacts k, campaigns c WHERE c.id = 1 AND k.campaign_id = 1;
    INSERT INTO attempts (id, tenant_id, campaign_id, contact_id, agent_id, number, started_at, ended_at, outcome,
                          sip_code, disposition, notes)
    SELECT 9002, c.tenant_id, c.id, MIN(k.id), 0, '+12015550100', 2000, 2100, 'no_answer', 0, '', ''
      FROM contacts k, campaigns c WHERE c.id = 1 AND k.campaign_id = 1;
    INSERT INTO attempts (id, tenant_id, campaign_id, contact_id, agent_id, number, started_at, ended_at, outcome,
                          sip_code, disposition, notes)
    SELECT 9001, c.tenant_id, c.id, MIN(k.id), 0, '+12015550100', 1000, 1100, 'busy', 486, '', ''
      FROM contacts k, campaigns c WHERE c.id = 1 AND k.campaign_id = 1;
    INSERT INTO attempts (id, tenant_id, campaign_id, contact_id, agent_id, number, started_at, ended_at, outcome,
                          sip_code, disposition, notes)
    SELECT 9004, c.tenant_id, c.id, MIN(k.id), 0, '+12015550100', 500, 600, 'busy', 486, '', ''
      FROM contacts k, campaigns c WHERE c.id = 2 AND k.campaign_id = 2;"
  ids=$("$bin" export --config "$dir/outdial.toml" --campaign 1 --what attempts 2>"$dir/attempts.err" | tail -n +2 | cut -d, -f1 | grep '^900' | tr '\n' ' ')
  [[ "$ids" == "9001 9002 9003 " ]] || fail "attempts export order: got '$ids'"
  grep -q "exported [0-9]* attempts" "$dir/attempts.err" || fail "attempts export summary"
fi

# The export imports back into another campaign as the same contacts.
set +e
"$bin" import --config "$dir/outdial.toml" --campaign 2 "$dir/contacts.csv" >"$dir/reimport.out" 2>&1
rc=$?
set -e
[[ $rc -eq 0 ]] || { cat "$dir/reimport.out"; fail "re-import of the export should be clean, got $rc"; }
grep -q "202 accepted, 0 rejected" "$dir/reimport.out" || fail "re-import counts"

# Clear errors for what cannot be done at all.
set +e
"$bin" import --config "$dir/outdial.toml" --campaign 999 "$dir/list.csv" >"$dir/none.out" 2>&1; rc=$?
set -e
[[ $rc -eq 2 ]] && grep -q "campaign 999 is not in" "$dir/none.out" || fail "unknown campaign"
printf 'name\nx\n' >"$dir/nophone.csv"
set +e
"$bin" import --config "$dir/outdial.toml" --campaign 1 "$dir/nophone.csv" >"$dir/nophone.out" 2>&1; rc=$?
set -e
[[ $rc -eq 2 ]] || { cat "$dir/nophone.out"; fail "a list without a phone column should exit 2"; }
echo "contacts_cli: ok"
