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
# Every scenario must pass, scored or not, except the extensions a set runs
# for visibility (2026-07-28: tasks, skills), which the script reports.
if [ -n "$scenario" ]; then
  if ! grep -qE 'Passed: [1-9][0-9]*/[0-9]+, 0 failed' "$out"; then
    echo "the scenario failed or reported no passed checks" >&2
    exit 1
  fi
  exit 0
fi
extensions=$(grep -oE '^  [✗✓] [^ ]+ \(extension\)' "$out" | awk '{print $2}' || true)
bad=0
while read -r name; do
  [ -z "$name" ] && continue
  if ! printf '%s\n' "$extensions" | grep -qxF "$name"; then
    echo "scenario $name failed" >&2
    bad=1
  fi
done < <(grep -E '^✗ ' "$out" | awk '{print $2}' | tr -d ':')
if [ $bad -ne 0 ]; then
  exit 1
fi
if ! grep -qE '^✓ ' "$out"; then
  echo "the suite reported no passed scenario" >&2
  exit 1
fi
if [ -n "$extensions" ]; then
  echo "extension scenarios (run for visibility, not required):"
  grep -E '^[✗✓] ' "$out" | grep -F -f <(printf '%s\n' "$extensions") || true
fi
