#!/usr/bin/env bash
# The demo: starts fakturad on config/examples/demo.yaml, shows `fakturactl status`, stops it cleanly.
# State goes to demo-state/ (the store, the control socket, the daemon's log).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=build/bin
config=config/examples/demo.yaml
state=demo-state
mkdir -p "$state"
log="$state/fakturad.log"
: >"$log"

"$bin/fakturad" --check-config --config "$config"

"$bin/fakturad" --config "$config" >>"$log" 2>&1 &
pid=$!
stop() {
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        wait "$pid" || true
    fi
}
trap stop EXIT

for _ in $(seq 1 100); do
    if "$bin/fakturactl" --config "$config" status >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "demo: fakturad exited during start-up; its log:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.1
done

echo "== fakturactl status"
"$bin/fakturactl" --config "$config" status

echo "== stopping fakturad (SIGTERM)"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
trap - EXIT
echo "== fakturad log ($log)"
cat "$log"
if [ "$rc" -ne 0 ]; then
    echo "demo: fakturad exited with $rc" >&2
    exit "$rc"
fi
echo "demo: fakturad started, reported its status and stopped cleanly (exit 0)"
