#!/usr/bin/env bash
# The demo (./run demo): a local Salesforce org (sf-emulator with emulators/salesforce/orgs/demo.yaml),
# fakturad against it with config/examples/demo.yaml, the first sync, an invoice run for 2026-12-01 with
# progress, the write-back of invoices, lines and files to the org, and a summary. Everything it starts is
# stopped at the end (also on Ctrl-C or a failure). Running it again is idempotent: the org and the store
# persist in demo-state/, so nothing is billed twice and the summary says so.
#
# State: demo-state/ (store, org snapshot, logs). Output: demo-output/ (every PDF and XML produced).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${FAKTURAD_BIN_DIR:-build/bin}
config=config/examples/demo.yaml
state=demo-state
out=demo-output
port=47011
run_date=${FAKTURAD_DEMO_DATE:-2026-12-01}
mkdir -p "$state" "$out"
db="$state/fakturad.sqlite"

if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "demo: port $port is in use; stop whatever listens there (an earlier demo?) and try again" >&2
    exit 1
fi

pids=()
stop_all() {
    for pid in "${pids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
}
trap stop_all EXIT

fail() {
    echo "demo: $1" >&2
    echo "demo: logs: $state/sf-emulator.log, $state/fakturad.log" >&2
    tail -n 30 "$state/fakturad.log" >&2 || true
    exit 1
}

before_invoices=0
if [ -f "$db" ]; then
    before_invoices=$(sqlite3 "$db" "SELECT count(*) FROM invoices WHERE status <> 'draft'" 2>/dev/null || echo 0)
fi

echo "== starting sf-emulator (demo org) on 127.0.0.1:$port"
"$bin/sf-emulator" --listen "127.0.0.1:$port" --org emulators/salesforce/orgs/demo.yaml \
    --persist "$state/org.json" >"$state/sf-emulator.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
    grep -q "listening on" "$state/sf-emulator.log" && break
    kill -0 "${pids[0]}" 2>/dev/null || fail "sf-emulator exited during start-up"
    sleep 0.1
done

export FAKTURAD_DEMO_SF_SECRET=fakturad-demo-consumer-secret
"$bin/fakturad" --check-config --config "$config" >/dev/null || fail "the demo configuration is invalid"

echo "== checking the mappings against the org"
"$bin/fakturactl" --config "$config" mapping check || fail "mapping check failed"

echo "== starting fakturad"
"$bin/fakturad" --config "$config" >>"$state/fakturad.log" 2>&1 &
pids+=($!)
ctl() { "$bin/fakturactl" --config "$config" "$@"; }
status_field() { ctl status --json 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>/dev/null || true; }

echo "== waiting for the first sync"
for _ in $(seq 1 600); do
    kill -0 "${pids[1]}" 2>/dev/null || fail "fakturad exited"
    detail=$(status_field "d['sync']['detail']")
    state_now=$(status_field "d['sync']['state']")
    [ "$state_now" = "mapping errors" ] && fail "the daemon reports mapping errors"
    case "$detail" in "last pass:"*) break ;; esac
    sleep 0.2
done
case "$detail" in "last pass:"*) ;; *) fail "no sync pass within two minutes" ;; esac
echo "   first sync: ${detail#last pass: }"

echo "== invoice run for $run_date"
ctl invoice-run --date "$run_date" --finalize || echo "demo: some plans were not billed (see above)"

echo "== writing back to Salesforce"
for _ in $(seq 1 900); do
    pending=$(status_field "d['store']['outbox_pending'] + d['store']['outbox_in_flight']")
    [ "$pending" = "0" ] && break
    sleep 0.2
done
[ "$pending" = "0" ] || fail "the write-back did not finish ($pending outbox messages left)"
given_up=$(status_field "d['store']['outbox_failed']")
[ "$given_up" = "0" ] || echo "demo: $given_up write-back message(s) failed for good; see $state/fakturad.log" >&2

echo "== fakturactl status"
ctl status

accounts=$(sqlite3 "$db" "SELECT count(*) FROM accounts")
plans=$(sqlite3 "$db" "SELECT count(*) FROM billing_plans WHERE status <> 'cancelled'")
invoices=$(sqlite3 "$db" "SELECT count(*) FROM invoices WHERE status <> 'draft' AND type_code NOT IN ('credit_note', 'cancellation')")
credit_notes=$(sqlite3 "$db" "SELECT count(*) FROM invoices WHERE status <> 'draft' AND type_code IN ('credit_note', 'cancellation')")
quarantined=$(sqlite3 "$db" "SELECT count(*) FROM quarantine")
files=$(find "$out" -type f \( -name '*.pdf' -o -name '*.xml' \) | wc -l)
new_invoices=$(( invoices + credit_notes - before_invoices ))

echo
printf '%-24s %s\n' "accounts" "$accounts" "billing plans" "$plans" "invoices" "$invoices" \
    "credit notes" "$credit_notes" "files in $out/" "$files" "quarantined records" "$quarantined"
if [ "$before_invoices" -gt 0 ]; then
    if [ "$new_invoices" -eq 0 ]; then
        echo "this run billed nothing new: every period was billed by an earlier run (nothing billed twice)"
    else
        echo "this run issued $new_invoices new document(s) beside the $before_invoices of earlier runs"
    fi
fi
sqlite3 -separator '  ' "$db" \
    "SELECT number, issue_date, currency, total_gross FROM invoices WHERE status <> 'draft' ORDER BY id LIMIT 10" \
    2>/dev/null | sed 's/^/   /' || true

stop_all
trap - EXIT
echo "demo: accounts=$accounts plans=$plans invoices=$invoices credit_notes=$credit_notes files=$files quarantined=$quarantined out=$out"
