#!/usr/bin/env python3
"""Measures a stdio MCP server alone: N `tools/call` echo requests written
back to back by one thread while another reads the responses, so that the
client costs almost nothing and the server's throughput shows.

    server_load.py [--calls N] -- SERVER CMD...

Prints `pipelined_calls <rate> calls/s` in the format of client_bench."""

import os
import subprocess
import sys
import threading
import time


def request(rid, method, params):
    return ('{"jsonrpc":"2.0","id":%d,"method":"%s","params":%s}\n'
            % (rid, method, params)).encode()


def main():
    argv = sys.argv[1:]
    if "--" not in argv or argv.index("--") + 1 >= len(argv):
        sys.exit("usage: server_load.py [--calls N] -- SERVER...")
    sep = argv.index("--")
    calls = 100000
    if "--calls" in argv[:sep]:
        calls = int(argv[argv.index("--calls") + 1])
    proc = subprocess.Popen(argv[sep + 1:], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, bufsize=0)
    proc.stdin.write(request(0, "initialize",
                             '{"protocolVersion":"2025-11-25",'
                             '"capabilities":{},'
                             '"clientInfo":{"name":"load","version":"1"}}'))
    if b'"result"' not in proc.stdout.readline():
        sys.exit("server_load.py: initialize failed")
    proc.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    body = b"".join(request(i, "tools/call",
                            '{"name":"echo","arguments":{"text":"hello"}}')
                    for i in range(1, calls + 1))
    start = time.perf_counter()
    writer = threading.Thread(target=proc.stdin.write, args=(body,))
    writer.start()
    lines = 0
    errors = 0
    deadline = start + 120
    while lines < calls:
        chunk = os.read(proc.stdout.fileno(), 1 << 16)
        if not chunk or time.perf_counter() > deadline:
            sys.exit("server_load.py: got %d of %d responses" % (lines, calls))
        lines += chunk.count(b"\n")
        errors += chunk.count(b'"error"')
    elapsed = time.perf_counter() - start
    writer.join()
    proc.stdin.close()
    proc.wait(timeout=30)
    if errors:
        sys.exit("server_load.py: %d error responses" % errors)
    print("%-28s %12.1f calls/s" % ("pipelined_calls", calls / elapsed))


if __name__ == "__main__":
    main()
