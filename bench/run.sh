#!/usr/bin/env bash
# Builds the benchmarks (release) and measures caf-mcp and the official
# TypeScript SDK side by side, in one run, on the same machine:
#
#   clients  caf-mcp client vs TypeScript client, both against the same
#            minimal C++ server (bench_server: the server costs ~nothing)
#   servers  the same client (TypeScript, then caf-mcp) against the caf-mcp
#            server vs the TypeScript server (caf_bench_server,
#            ts_bench_server.mjs: the same tools)
#   pairs    caf-mcp client + caf-mcp server vs TypeScript client +
#            TypeScript server
#   floors   the physical floor of a sequential call, in C: a socket-pair
#            line ping-pong (stdio_floor) and a keep-alive HTTP echo
#            (http_floor); each caf-mcp sequential figure is also given as a
#            fraction of its floor
#   alone    each server under pipelined calls from a client that costs
#            ~nothing (server_load.py)
#   http     Streamable HTTP: the caf-mcp client and the TypeScript clients
#            (v1, v2) against the caf-mcp and TypeScript servers (sequential
#            calls over keep-alive, 64 sessions at once, a progress burst
#            over one SSE stream, memory per idle session), and the floor: a
#            minimal keep-alive HTTP echo in C (http_floor)
#
# Prints every figure and the ratios (caf-mcp / TypeScript; for spawn,
# TypeScript / caf-mcp, so that above 1 means caf-mcp is better).
#   bench/run.sh [--quick]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh deps >/dev/null
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCAF_MCP_BUILD_BENCHMARKS=ON \
  -DCAF_MCP_BUILD_TESTS=OFF -DCAF_MCP_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" \
  --target client_bench bench_server caf_bench_server http_bench http_floor \
  stdio_floor \
  >/dev/null

out=$(mktemp -d)
c_server=(build-bench/bench/bench_server)
caf_server=(build-bench/bench/caf_bench_server)
ts_server=(node bench/ts_bench_server.mjs)

# measure NAME caf|ts SERVER...: runs one client against one server.
measure() {
  local name=$1 client=$2
  shift 2
  echo "== $name"
  if [ "$client" = caf ]; then
    build-bench/bench/client_bench "${opts[@]}" -- "$@" | tee "$out/$name"
  else
    node bench/ts_bench.mjs "${opts[@]}" -- "$@" | tee "$out/$name"
  fi
}

# ratio CAF TS: prints the ratios of two measurements.
ratio() {
  echo "== ratio $1 / $2"
  awk 'NR==FNR { caf[$1] = $2; next }
       ($1 in caf) && $2 > 0 && caf[$1] > 0 {
         if ($1 == "spawn_initialize_median") printf "%-28s %8.1fx\n", $1, $2 / caf[$1];
         else if ($1 != "progress_burst_lost") printf "%-28s %8.1fx\n", $1, caf[$1] / $2;
       }' "$out/$1" "$out/$2"
}

opts=("$@")
echo "== stdio-floor"
build-bench/bench/stdio_floor 50000 | tee "$out/stdio-floor"
echo "TypeScript SDK $(node -p 'require("./node_modules/@modelcontextprotocol/sdk/package.json").version') on node $(node --version)"
measure caf-client-c-server caf "${c_server[@]}"
measure ts-client-c-server ts "${c_server[@]}"
measure ts-client-caf-server ts "${caf_server[@]}"
measure ts-client-ts-server ts "${ts_server[@]}"
measure caf-client-caf-server caf "${caf_server[@]}"
measure caf-client-ts-server caf "${ts_server[@]}"
ratio caf-client-c-server ts-client-c-server
ratio ts-client-caf-server ts-client-ts-server
ratio caf-client-caf-server caf-client-ts-server
ratio caf-client-caf-server ts-client-ts-server
stdio_floor=$(awk '{print $2}' "$out/stdio-floor")
for name in caf-client-c-server caf-client-caf-server; do
  awk -v floor="$stdio_floor" -v name="$name" '$1 == "sequential_calls" {
    printf "%-28s %8.1f%% of the stdio floor (%s round trips/s)\n", name, 100 * $2 / floor, floor }' \
    "$out/$name"
done
load_calls=100000
[ "${1:-}" = --quick ] && load_calls=10000
for name in caf ts; do
  echo "== $name-server-alone"
  if [ $name = caf ]; then server=("${caf_server[@]}"); else server=("${ts_server[@]}"); fi
  python3 bench/server_load.py --calls $load_calls -- "${server[@]}" | tee "$out/$name-server-alone"
done
ratio caf-server-alone ts-server-alone

# -- Streamable HTTP ----------------------------------------------------------
node22=node_modules/.bin/node
# http_server NAME CMD...: starts a server on a free port; sets url and pid.
http_server() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$@" --http "$port" 2>/dev/null &
  pid=$!
  url="http://127.0.0.1:$port/mcp"
  for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1',$port))" 2>/dev/null && return
    sleep 0.1
  done
  echo "the $1 server did not start" >&2
  exit 1
}
http_measure() {
  local name=$1 client=$2
  echo "== $name"
  case $client in
    caf) build-bench/bench/http_bench "${opts[@]}" "$url" ;;
    idle) build-bench/bench/http_bench "${opts[@]}" --idle-only --server-pid "$3" "$url" ;;
    ts1) NODE_NO_WARNINGS=1 node bench/ts_http_bench.mjs v1 "${opts[@]}" "$url" ;;
    ts2) NODE_NO_WARNINGS=1 "$node22" bench/ts_http_bench.mjs v2 "${opts[@]}" "$url" ;;
  esac | tee "$out/$name"
}
echo "== http-floor"
build-bench/bench/http_floor 20000 | tee "$out/http-floor"
http_server build-bench/bench/caf_bench_server
http_measure http-caf-client-caf-server caf
http_measure http-ts1-client-caf-server ts1
http_measure http-ts2-client-caf-server ts2
http_measure http-caf-server-idle idle "$pid"
kill "$pid"
http_server node bench/ts_bench_server.mjs
http_measure http-caf-client-ts-server caf
http_measure http-ts1-client-ts-server ts1
http_measure http-ts2-client-ts-server ts2
http_measure http-ts-server-idle idle "$pid"
kill "$pid"
ratio http-caf-client-caf-server http-ts1-client-ts-server
ratio http-caf-client-caf-server http-ts2-client-ts-server
ratio http-ts1-client-caf-server http-ts1-client-ts-server
ratio http-caf-client-caf-server http-caf-client-ts-server
awk 'NR==FNR { caf = $2; next } { printf "%-28s %8.1fx less memory per idle session (%.1f vs %.1f KiB)\n", "caf vs ts server", $2 / caf, caf, $2 }' \
  "$out/http-caf-server-idle" "$out/http-ts-server-idle"
floor=$(awk '{print $2}' "$out/http-floor")
awk -v floor="$floor" '$1 == "http_sequential_calls" {
  printf "%-28s %8.1f%% of the HTTP floor (%s round trips/s)\n", "caf sequential", 100 * $2 / floor, floor }' \
  "$out/http-caf-client-caf-server"
rm -rf "$out"
