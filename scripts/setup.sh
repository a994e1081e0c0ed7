#!/usr/bin/env bash
# Sets up, builds and runs caf-mcp on Debian 12. Installs what it needs
# (apt packages as root or through sudo, then the pinned npm packages).
#
#   scripts/setup.sh demo    build (release) and run the progress demo
#                            against this project's own server (needs
#                            neither node nor the network beyond apt)
#   scripts/setup.sh test    build and run every test, then again under
#                            AddressSanitizer + UndefinedBehaviorSanitizer,
#                            then each libFuzzer target for a bounded time
#   scripts/setup.sh deps    only install what the others need
#   scripts/setup.sh build   only build (release) into build/
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)

log() { printf '\n== %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "error: need root or sudo to run: $*" >&2
    exit 1
  fi
}

# What building needs; the tests need python3 (schema checks) and node with
# the pinned npm peers (interop) too, the demo does not.
build_packages=(
  g++ make cmake pkg-config ca-certificates
  libcaf-dev libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpcre2-dev
)
test_packages=(python3 python3-jsonschema clang libclang-rt-14-dev)

# install_deps [with-peers]: installs what is missing; with `with-peers` also
# python3, Node.js/npm and the pinned npm packages.
install_deps() {
  local wanted=("${build_packages[@]}")
  local peers=${1:-}
  [ -n "$peers" ] && wanted+=("${test_packages[@]}")
  local missing=()
  for p in "${wanted[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ -n "$peers" ] \
     && { ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; }; then
    missing+=(nodejs npm)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  [ -n "$peers" ] || return 0
  if [ ! -f node_modules/.package-lock.json ] \
     || ! cmp -s package-lock.json node_modules/.package-lock.json.caf-mcp; then
    log "installing pinned npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.package-lock.json.caf-mcp
  fi
}

# build DIR BUILD_TYPE [extra cmake args...]
build() {
  local dir=$1 type=$2
  shift 2
  log "building $dir ($type)"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

# Every build sets each option it relies on: a cache left by another command
# (the demo turns tests off) must not change what a command builds.
release_options=(-DCAF_MCP_BUILD_TESTS=ON -DCAF_MCP_BUILD_EXAMPLES=ON
                 -DCAF_MCP_SANITIZE=OFF)

# A build that finds no tests fails (ctest alone would pass it).
run_tests() {
  local dir=$1
  log "testing $dir"
  (cd "$dir" && ctest --output-on-failure --timeout 600 --no-tests=error)
}

case "${1:-}" in
  deps)
    install_deps with-peers
    ;;
  build)
    install_deps with-peers
    build build Release "${release_options[@]}"
    ;;
  demo)
    install_deps
    build build Release -DCAF_MCP_BUILD_TESTS=OFF -DCAF_MCP_BUILD_EXAMPLES=ON \
      -DCAF_MCP_SANITIZE=OFF
    log "running the progress demo"
    shift
    ./build/examples/progress_demo "$@"
    ;;
  test)
    install_deps with-peers
    build build Release "${release_options[@]}"
    run_tests build
    build build-asan Debug -DCAF_MCP_SANITIZE=ON -DCAF_MCP_BUILD_TESTS=ON \
      -DCAF_MCP_BUILD_EXAMPLES=OFF
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS="suppressions=$root/tests/ubsan.supp:halt_on_error=1:print_stacktrace=1"
    run_tests build-asan
    # The parsers under libFuzzer (clang), each for a bounded time.
    log "building build-fuzz (libFuzzer targets)"
    CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCAF_MCP_BUILD_FUZZERS=ON -DCAF_MCP_BUILD_TESTS=OFF \
      -DCAF_MCP_BUILD_EXAMPLES=OFF -DCAF_MCP_SANITIZE=OFF >/dev/null
    cmake --build build-fuzz -j "$jobs" --target fuzzers
    ASAN_OPTIONS=detect_leaks=1 run_tests build-fuzz
    log "all tests passed (release, sanitizer and fuzz builds)"
    ;;
  *)
    sed -n '2,12p' "$0"
    exit 2
    ;;
esac
