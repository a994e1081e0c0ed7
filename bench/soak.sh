#!/usr/bin/env bash
# A soak of mixed traffic against the everything server over Streamable
# HTTP, memory recorded every second (release builds).
#   usage: bench/soak.sh [SECONDS]   (default 600)
# Writes build-bench/soak.csv and prints the summary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-600}
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release \
  -DCAF_MCP_BUILD_BENCHMARKS=ON -DCAF_MCP_BUILD_TESTS=ON \
  -DCAF_MCP_BUILD_EXAMPLES=OFF -DCAF_MCP_SANITIZE=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" --target soak everything_server
build-bench/bench/soak --seconds "$seconds" --csv build-bench/soak.csv -- \
  build-bench/tests/fixtures/everything_server
