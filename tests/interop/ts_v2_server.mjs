// A dual-era MCP server written with the TypeScript SDK v2
// (`@modelcontextprotocol/server`, pinned in package-lock.json): the peer
// that caf-mcp's client talks to in tests/integration/ts_v2_server_test.cpp.
// It serves initialize (2025 clients) and per-request _meta (2026-07-28) on
// stdio (`serveStdio`) or on Streamable HTTP at 127.0.0.1 (`createMcpHandler`),
// and prints "listening on http://127.0.0.1:PORT/mcp" to stderr for HTTP.
//   usage: node ts_v2_server.mjs stdio | http [PORT]
// Tools:
//   add {a, b}            the sum as text
//   count {steps}         one progress notification per step, then "counted"
//   confirm {}            asks the client to confirm (elicitation: a
//                         server-to-client request under 2025, an
//                         InputRequiredResult under 2026-07-28), answers
//                         "confirmed: <yes|no>"
import http from "node:http";
import { McpServer, createMcpHandler, inputRequired, inputResponse }
  from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import * as z from "zod";

const mode = process.argv[2];
if (!["stdio", "http"].includes(mode)) {
  console.error("usage: node ts_v2_server.mjs stdio | http [PORT]");
  process.exit(2);
}

const text = (t) => ({ content: [{ type: "text", text: t }] });
const confirmSchema = {
  type: "object",
  properties: { ok: { type: "boolean" } },
  required: ["ok"],
};

function build() {
  const server = new McpServer({ name: "ts-v2-server", version: "2.4.0" },
                               { capabilities: { tools: {} } });
  server.registerTool("add", {
    description: "Adds two numbers",
    inputSchema: z.object({ a: z.number(), b: z.number() }),
  }, async ({ a, b }) => text(String(a + b)));
  server.registerTool("count", {
    description: "Reports one progress notification per step",
    inputSchema: z.object({ steps: z.number().int() }),
  }, async ({ steps }, ctx) => {
    const token = ctx.mcpReq._meta?.progressToken;
    for (let i = 1; i <= steps && token !== undefined; ++i)
      await ctx.mcpReq.notify({
        method: "notifications/progress",
        params: { progressToken: token, progress: i, total: steps,
                  message: `step ${i}` },
      });
    return text("counted");
  });
  server.registerTool("confirm", {
    description: "Asks the client to confirm",
    inputSchema: z.object({}),
  }, async (_args, ctx) => {
    const request = { message: "confirm?", requestedSchema: confirmSchema };
    if (ctx.mcpReq.envelope === undefined) {
      const res = await ctx.mcpReq.elicitInput(request);
      return text(`confirmed: ${res.content?.ok ? "yes" : "no"}`);
    }
    const answer = inputResponse(ctx.mcpReq.inputResponses, "confirm");
    if (answer.kind !== "elicit")
      return inputRequired({ inputRequests: { confirm: inputRequired.elicit(request) } });
    return text(`confirmed: ${answer.content?.ok ? "yes" : "no"}`);
  });
  return server;
}

if (mode === "stdio") {
  serveStdio(build);
} else {
  const handler = createMcpHandler(build);
  const httpServer = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req)
      chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers))
      headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body: ["GET", "HEAD"].includes(req.method) ? undefined : body,
    });
    const response = await handler.fetch(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body === null) {
      res.end();
      return;
    }
    const reader = response.body.getReader();
    req.on("close", () => reader.cancel().catch(() => {}));
    for (;;) {
      const { done, value } = await reader.read();
      if (done)
        break;
      res.write(value);
    }
    res.end();
  });
  httpServer.listen(Number(process.argv[3] ?? 0), "127.0.0.1", () => {
    console.error(`listening on http://127.0.0.1:${httpServer.address().port}/mcp`);
  });
}
