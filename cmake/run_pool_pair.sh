#!/usr/bin/env bash
# Runs the pool example pair as a test: a worker node, then the progress
# demo with the front as its server; the call must complete on the worker
# with progress drawn up to 100%.
#   run_pool_pair.sh POOL_WORKER POOL_FRONT PROGRESS_DEMO
set -euo pipefail
worker=$1 front=$2 demo=$3
port=$((20000 + RANDOM % 10000))
"$worker" --pool "127.0.0.1:$port" --name w1 </dev/null 2>worker.log &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
out=$(timeout 40 "$demo" --duration 1 --steps 4 -- "$front" --pool "$port")
echo "$out"
cat worker.log >&2
grep -q "100.0%" <<<"$out"
grep -q "Long running operation completed.*(ran on w1)" <<<"$out"
