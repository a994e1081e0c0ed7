// Interop: the TypeScript SDK v2 client (`@modelcontextprotocol/client`,
// pinned in package-lock.json) negotiates MCP 2026-07-28 with caf-mcp's
// everything server, over stdio or Streamable HTTP on 127.0.0.1, in `auto`
// mode (probe server/discover) or pinned to 2026-07-28, and uses it
// statelessly: tools, progress in order, and an elicitation round trip
// (multi-round-trip request fulfilled by the client's handler). Exits 1 on
// the first failed check.
//   usage: node ts_v2_stateless.mjs stdio|http auto|pin SERVER_BINARY
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { report, step, text } from "./steps.mjs";

const [transport, mode, server] = process.argv.slice(2);
if (!["stdio", "http"].includes(transport) || !["auto", "pin"].includes(mode)
    || !server) {
  console.error("usage: node ts_v2_stateless.mjs stdio|http auto|pin SERVER_BINARY");
  process.exit(2);
}

/// Starts the server on a free port; resolves with it and its URL.
function startHttpServer() {
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

let child = null;
let link;
if (transport === "http") {
  const started = await startHttpServer();
  child = started.child;
  link = new StreamableHTTPClientTransport(new URL(started.url));
} else {
  link = new StdioClientTransport({ command: server, args: [], stderr: "ignore" });
}
const client = new Client(
  { name: "ts-v2-stateless", version: "1.0.0" },
  {
    capabilities: { elicitation: {} },
    versionNegotiation: { mode: mode === "pin" ? { pin: "2026-07-28" } : "auto" },
  });
const asked = [];
client.setRequestHandler("elicitation/create", async (request) => {
  asked.push(request.params.message);
  return request.params.message.includes("colour")
    ? { action: "accept", content: { color: "blue" } }
    : { action: "accept", content: { name: "Alice" } };
});

try {
  await step(`connect (${mode}) and negotiate 2026-07-28`, async () => {
    await client.connect(link);
    assert.equal(client.getNegotiatedProtocolVersion(), "2026-07-28");
  });

  await step("list and call tools", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const name of ["echo", "add", "test_input_required_result_elicitation"])
      assert.ok(names.includes(name), `tools/list lacks ${name}`);
    assert.equal(text(await client.callTool({ name: "echo", arguments: { message: "hi" } })), "hi");
    const sum = await client.callTool({ name: "add", arguments: { a: 2, b: 40 } });
    assert.deepEqual(sum.structuredContent, { sum: 42 });
  });

  await step("progress via onprogress, all in order, before the result", async () => {
    const seen = [];
    const res = await client.callTool(
      { name: "long-running-operation", arguments: { duration: 0.2, steps: 5 } },
      { onprogress: (p) => seen.push(p.progress) });
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    assert.match(text(res), /completed/i);
  });

  await step("an elicitation round trip through the client's handler", async () => {
    const res = await client.callTool({
      name: "test_input_required_result_elicitation", arguments: {} });
    assert.equal(text(res), "Hello, Alice!");
    assert.deepEqual(asked, ["What is your name?"]);
  });

  await step("multi-round requests carry earlier answers", async () => {
    const res = await client.callTool({
      name: "test_input_required_result_multi_round", arguments: {} });
    assert.equal(text(res), "Alice likes blue");
  });

  await client.close();
  report(`TypeScript SDK v2 client (${transport}, ${mode}) interop: all checks passed`);
} catch (err) {
  report(null, err);
  process.exitCode = 1;
} finally {
  child?.kill();
}
