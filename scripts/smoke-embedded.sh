#!/usr/bin/env bash
# Boots the built server the way the README's quick start does (no DATABASE_URL, no
# REDIS_URL, no configuration), waits for /health/ready, stops it with SIGTERM,
# restarts it on the same data and checks it comes back. Prints, for the first start and the
# restart, the time to ready, the idle RSS (2 s after ready) and the peak RSS (VmHWM): the
# figures quoted in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${SMOKE_PORT:-38123}
data=$(mktemp -d)
log=$(mktemp)
trap 'kill $pid 2>/dev/null || true; rm -rf "$data" "$log"' EXIT

start() {
  local t0=$(date +%s%N)
  env -u DATABASE_URL -u REDIS_URL DATA_DIR="$data" PORT="$port" LOG_LEVEL=warn node dist/src/main.js >>"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    if curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; then
      echo "ready in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
      return 0
    fi
    kill -0 $pid 2>/dev/null || { echo "server exited during start-up:"; cat "$log"; return 1; }
    sleep 0.1
  done
  echo "not ready after 60 s:"; cat "$log"; return 1
}

stop() {
  kill -TERM $pid
  local code=0
  wait $pid || code=$?
  [ "$code" -eq 0 ] || { echo "SIGTERM exit code $code:"; cat "$log"; return 1; }
  echo "stopped cleanly on SIGTERM"
}

# Resident memory of the server, in MiB: now (VmRSS) and the most it has held (VmHWM).
memory() {
  local rss hwm
  rss=$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM:/ { print int($2 / 1024) }' "/proc/$pid/status")
  echo "idle RSS: $rss MiB, peak RSS: $hwm MiB"
}

echo "== first start (fresh DATA_DIR)"
start
sleep 2
memory
stop
echo "== restart on the same DATA_DIR"
start
sleep 2
memory
stop
echo "== a bad variable stops start-up with a message naming it"
if env -u DATABASE_URL PORT=eighty DATA_DIR="$data" node dist/src/main.js >"$log" 2>&1; then
  echo "started with PORT=eighty"; exit 1
fi
grep -q 'PORT must be an integer' "$log" || { cat "$log"; exit 1; }
echo "refused PORT=eighty: $(grep PORT "$log")"
