#!/usr/bin/env bash
# Builds the benchmarks (release) and runs caf-mcp and the TypeScript SDK
# against the same minimal server in one run; prints both and the ratios.
#   bench/run.sh [--quick]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh deps >/dev/null
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCAF_MCP_BUILD_BENCHMARKS=ON \
  -DCAF_MCP_BUILD_TESTS=OFF -DCAF_MCP_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" --target client_bench bench_server >/dev/null
server=build-bench/bench/bench_server
echo "== caf-mcp"
build-bench/bench/client_bench "$@" -- "$server" | tee /tmp/caf-mcp-bench.txt
echo "== TypeScript SDK $(node -p 'require("./node_modules/@modelcontextprotocol/sdk/package.json").version') on node $(node --version)"
node bench/ts_bench.mjs "$@" -- "$server" | tee /tmp/ts-sdk-bench.txt
echo "== ratio (caf-mcp / TypeScript SDK; for spawn, TypeScript / caf-mcp)"
awk 'NR==FNR { caf[$1] = $2; next }
     ($1 in caf) && $2 > 0 {
       if ($1 == "spawn_initialize_median") printf "%-28s %8.1fx\n", $1, $2 / caf[$1];
       else if ($1 != "progress_burst_lost") printf "%-28s %8.1fx\n", $1, caf[$1] / $2;
     }' /tmp/caf-mcp-bench.txt /tmp/ts-sdk-bench.txt
