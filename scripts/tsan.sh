#!/usr/bin/env bash
# ThreadSanitizer on the actor and channel tests, with CAF 0.17.6 itself
# instrumented: Debian's libcaf is not, and TSan then takes every message
# handed between threads for a race. Fetches Debian's upstream tarball of
# actor-framework 0.17.6 (the source package's orig.tar.gz, through a
# private deb-src list: the system's apt sources stay as they are), builds
# libcaf_core and libcaf_io with -fsanitize=thread into $WORK/caf, then
# caf-mcp's actor_tests and transport_tests against them, and runs both.
# Needs what `scripts/setup.sh test` installs. About 40 minutes on 2 cores;
# not part of CI.
#
#   scripts/tsan.sh [WORK]     (default WORK: /tmp/caf-mcp-tsan)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/caf-mcp-tsan}
jobs=$(nproc)
mkdir -p "$work"

# -- CAF 0.17.6 with -fsanitize=thread ---------------------------------------
if [ ! -f "$work/caf/lib/libcaf_core.so" ]; then
  apt_dir="$work/apt"
  mkdir -p "$apt_dir/lists/partial"
  echo "deb-src http://deb.debian.org/debian bookworm main" \
    > "$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list"
            -o "Dir::Etc::sourceparts=-"
            -o "Dir::State::Lists=$apt_dir/lists")
  apt-get "${apt_opts[@]}" update
  tarball=$(ls "$apt_dir"/actor-framework_0.17.6.orig.tar.gz 2>/dev/null || true)
  if [ -z "$tarball" ]; then
    # Only the upstream tarball is needed; the Debian patch set may be
    # missing from the mirror (the one header it fixes is patched below).
    (cd "$apt_dir" && apt-get "${apt_opts[@]}" source --download-only \
       actor-framework=0.17.6-2.1 || true)
    tarball="$apt_dir/actor-framework_0.17.6.orig.tar.gz"
  fi
  test -f "$tarball"
  rm -rf "$work/src" && mkdir -p "$work/src"
  tar xzf "$tarball" -C "$work/src"
  src="$work/src/actor-framework-0.17.6"
  # As Debian's headers have it: receive_buffer.hpp uses numeric_limits.
  grep -q '#include <limits>' "$src/libcaf_io/caf/io/network/receive_buffer.hpp" \
    || sed -i '22a #include <limits>' \
         "$src/libcaf_io/caf/io/network/receive_buffer.hpp"
  cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_INSTALL_PREFIX="$work/caf" -DCAF_NO_OPENCL=ON -DCAF_NO_OPENSSL=ON \
    -DCAF_NO_PYTHON=ON -DCAF_NO_TOOLS=ON -DCAF_NO_EXAMPLES=ON \
    -DCAF_NO_UNIT_TESTS=ON -DCAF_NO_COMPILER_CHECK=ON \
    -DEXTRA_FLAGS="-fsanitize=thread" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread"
  make -C "$src/build" -j"$jobs" libcaf_core_shared libcaf_io_shared
  cmake --install "$src/build"
fi

# -- caf-mcp's actor and channel tests ---------------------------------------
build="$work/build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCAF_MCP_SANITIZE_THREAD=ON -DCAF_MCP_BUILD_EXAMPLES=OFF \
  -DCMAKE_PREFIX_PATH="$work/caf" -DCMAKE_BUILD_RPATH="$work/caf/lib"
make -C "$build" -j"$jobs" actor_tests transport_tests
ldd "$build/tests/actor_tests" | grep -q "$work/caf/lib/libcaf_core" \
  || { echo "actor_tests does not use the instrumented CAF" >&2; exit 1; }

status=0
for t in actor_tests transport_tests; do
  echo "== $t"
  TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1" \
    "$build/tests/$t" > "$work/$t.log" 2>&1 || status=1
  grep -E "tests:|checks:|success:" "$work/$t.log" || true
  echo "ThreadSanitizer reports: $(grep -c 'WARNING: ThreadSanitizer' "$work/$t.log" || true) (log: $work/$t.log)"
done
exit $status
