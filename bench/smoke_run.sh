#!/usr/bin/env bash
# `make run` on a fresh clone must serve the home page (HTTP 200) within 3 minutes.
# Not part of CI (it installs a whole virtualenv); run by hand: bash bench/smoke_run.sh [repo] [limit-seconds]
set -euo pipefail

REPO="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
LIMIT="${2:-180}"
WORK="$(mktemp -d /tmp/fansub-smoke.XXXXXX)"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
LOG="$WORK/make-run.log"
PGID=""

cleanup() {
  if [ -n "$PGID" ]; then
    kill -TERM -- "-$PGID" 2>/dev/null || true  # make, the site and its worker: the group started below
    for _ in $(seq 20); do kill -0 -- "-$PGID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$PGID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

git clone -q "$REPO" "$WORK/app"
cd "$WORK/app"
echo "fresh clone of $REPO in $WORK/app; make run on port $PORT (limit ${LIMIT}s)"

started=$(date +%s.%N)
setsid env PORT="$PORT" make run >"$LOG" 2>&1 < /dev/null &
PGID=$!

status=000
while :; do
  elapsed=$(python3 -c "print(f'{$(date +%s.%N) - $started:.1f}')")
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/" || true)
  if [ "$status" = "200" ]; then
    echo "OK: / answered 200 after ${elapsed}s"
    break
  fi
  if ! kill -0 "$PGID" 2>/dev/null; then
    echo "FAIL: make run exited before serving / (last status $status); log:" >&2
    tail -40 "$LOG" >&2
    exit 1
  fi
  if python3 -c "import sys; sys.exit(0 if $elapsed > $LIMIT else 1)"; then
    echo "FAIL: / did not answer 200 within ${LIMIT}s (last status $status); log tail:" >&2
    tail -40 "$LOG" >&2
    exit 1
  fi
  sleep 1
done

# The worker that `make run` starts beside the site must consume from the embedded filesystem broker:
# beat sends telemetry.publish_outbox at start-up, and the worker must run it.
grep -q "Background worker started" "$LOG" || { echo "FAIL: make run did not start its background worker" >&2; exit 1; }
WORKER_LOG="$WORK/app/var/worker.log"
for _ in $(seq 90); do
  if grep -q "telemetry.publish_outbox.*succeeded" "$WORKER_LOG" 2>/dev/null; then
    elapsed=$(python3 -c "print(f'{$(date +%s.%N) - $started:.1f}')")
    echo "OK: the worker ran telemetry.publish_outbox through the filesystem broker after ${elapsed}s"
    exit 0
  fi
  if grep -q "Unrecoverable error" "$WORKER_LOG" 2>/dev/null; then break; fi
  sleep 1
done
echo "FAIL: the worker did not run telemetry.publish_outbox; worker log tail:" >&2
tail -40 "$WORKER_LOG" >&2 || true
exit 1
