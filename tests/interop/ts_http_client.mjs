// Interop: an official TypeScript SDK client (v1 `@modelcontextprotocol/sdk`
// or v2 `@modelcontextprotocol/client` in its legacy negotiation mode, both
// pinned in package-lock.json) drives caf-mcp's everything server over
// Streamable HTTP on 127.0.0.1 (v1-sse: v1 over the legacy HTTP+SSE
// transport). Exits 1 on the first failed check.
//   usage: node ts_http_client.mjs v1|v2|v1-sse SERVER_BINARY
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { report, step, text } from "./steps.mjs";

const [sdk, server] = process.argv.slice(2);
if (!["v1", "v2", "v1-sse"].includes(sdk) || !server) {
  console.error("usage: node ts_http_client.mjs v1|v2|v1-sse SERVER_BINARY");
  process.exit(2);
}


/// Starts the server on a free port; resolves with its URL.
function startServer() {
  const child = spawn(server, ["--http", "127.0.0.1:0"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`no URL: ${err}`)), 10000);
    child.stderr.on("data", (chunk) => {
      err += chunk;
      const m = err.match(/http:\/\/127\.0\.0\.1:\d+\/mcp/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[0] });
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited: ${code} ${err}`)));
  });
}

// v1 takes (params, resultSchema, options), v2 (params, options).
let Client, Transport, callTool;
if (sdk === "v1-sse") {
  ({ Client } = await import("@modelcontextprotocol/sdk/client/index.js"));
  ({ SSEClientTransport: Transport } = await import(
    "@modelcontextprotocol/sdk/client/sse.js"));
  callTool = (c, params, options) => c.callTool(params, undefined, options);
} else if (sdk === "v1") {
  ({ Client } = await import("@modelcontextprotocol/sdk/client/index.js"));
  ({ StreamableHTTPClientTransport: Transport } = await import(
    "@modelcontextprotocol/sdk/client/streamableHttp.js"));
  callTool = (c, params, options) => c.callTool(params, undefined, options);
} else {
  ({ Client, StreamableHTTPClientTransport: Transport } = await import(
    "@modelcontextprotocol/client"));
  callTool = (c, params, options) => c.callTool(params, options);
}

const { child, url } = await startServer();
const endpoint = sdk === "v1-sse" ? url.replace(/\/mcp$/, "/sse") : url;
const client = sdk !== "v2"
  ? new Client({ name: "ts-http-interop", version: "1.0.0" })
  : new Client({ name: "ts-http-interop", version: "1.0.0" },
      { versionNegotiation: { mode: "legacy" } });

try {
  await step("connect and initialize", async () => {
    await client.connect(new Transport(new URL(endpoint)));
    assert.equal(client.getServerVersion().name, "caf-mcp-everything");
  });

  await step("list and call tools", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const name of ["echo", "add", "long-running-operation"])
      assert.ok(names.includes(name), `tools/list lacks ${name}`);
    assert.equal(text(await callTool(client, { name: "echo", arguments: { message: "hi" } })), "hi");
    const sum = await callTool(client, { name: "add", arguments: { a: 2, b: 40 } });
    assert.deepEqual(sum.structuredContent, { sum: 42 });
  });

  await step("progress via onprogress, all in order", async () => {
    const seen = [];
    const result = await callTool(client,
      { name: "long-running-operation", arguments: { duration: 0.5, steps: 5 } },
      { onprogress: (p) => seen.push(p) });
    assert.match(text(result), /completed/);
    assert.ok(seen.every((p) => p.total === 5));
    // The v1 SSE client handles notifications a turn after responses, so
    // progress that shares a read with its response is lost there (its
    // Streamable HTTP client keeps it): over legacy SSE the updates must
    // come in order, the last one may be missing, and the burst is skipped.
    if (sdk === "v1-sse") {
      const values = seen.map((p) => p.progress);
      assert.ok(values.length >= 4, `only ${values.length} updates`);
      assert.deepEqual(values, [1, 2, 3, 4, 5].slice(0, values.length));
      return;
    }
    assert.deepEqual(seen.map((p) => p.progress), [1, 2, 3, 4, 5]);
    const burst = [];
    await callTool(client, { name: "progress_burst", arguments: { count: 200 } },
      { onprogress: (p) => burst.push(p.progress) });
    assert.equal(burst.length, 200);
    assert.ok(burst.every((x, i) => x === i + 1), "progress out of order");
  });

  await step("cancellation via AbortSignal", async () => {
    const stats = async () =>
      (await callTool(client, { name: "fixture_stats" })).structuredContent;
    const before = (await stats()).cancelled;
    const controller = new AbortController();
    const call = callTool(client, { name: "wait", arguments: { seconds: 30 } },
      { signal: controller.signal, onprogress: () => controller.abort("enough") });
    await assert.rejects(call);
    let after = before;
    for (let i = 0; i < 500 && after <= before; ++i) {
      await new Promise((r) => setTimeout(r, 10));
      after = (await stats()).cancelled;
    }
    assert.ok(after > before, "the server's handler did not stop");
    await client.ping();
  });

  if (sdk !== "v1-sse")
    await step("resumption after the server drops the stream", async () => {
      const result = await callTool(client, { name: "test_reconnection", arguments: {} });
      assert.match(text(result), /successfully/);
    });

  await client.close();
  report(`typescript sdk ${sdk} over http: all checks passed`);
  child.kill();
} catch (err) {
  report("", err);
  child.kill();
  process.exit(1);
}
