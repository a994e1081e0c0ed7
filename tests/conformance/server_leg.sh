#!/usr/bin/env bash
# Runs the official MCP conformance suite's server leg against a caf-mcp
# server over Streamable HTTP.
#   server_leg.sh NODE SUITE_JS SERVER_BINARY REQUIREMENTS [SCENARIO]
# Starts SERVER_BINARY --http 127.0.0.1:0, reads its port, runs every scenario
# of the REQUIREMENTS set (or one SCENARIO), and fails unless all pass,
# including those the set runs but does not score.
set -euo pipefail
node=$1 suite=$2 server=$3 requirements=$4 scenario=${5:-}
log=$(mktemp)
out=$(mktemp)
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -f "$log" "$out"
}
trap cleanup EXIT
"$server" --http 127.0.0.1:0 2>"$log" &
pid=$!
url=
for _ in $(seq 100); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*/mcp' "$log" || true)
  [ -n "$url" ] && break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "the server did not start:" >&2
  cat "$log" >&2
  exit 1
fi
if [ -n "$scenario" ]; then
  args=(--scenario "$scenario" --spec-version "$requirements")
else
  args=(--requirements "$requirements")
fi
set +e
"$node" "$suite" server --url "$url" "${args[@]}" >"$out" 2>&1
rc=$?
set -e
cat "$out"
if [ $rc -ne 0 ]; then
  echo "conformance suite failed (exit $rc)" >&2
  exit 1
fi
# Scenarios run but not scored must pass too; so must every check.
if grep -qE '^✗|[1-9][0-9]* failed' "$out"; then
  echo "a scenario failed" >&2
  exit 1
fi
if ! grep -qE '^Total: [1-9][0-9]* passed, 0 failed|Passed: [1-9][0-9]*/[0-9]+, 0 failed' "$out"; then
  echo "the suite reported no passed checks" >&2
  exit 1
fi
