// The benchmark server built on the official TypeScript SDK: the same tools
// as bench_server.cpp and caf_bench_server.cpp.
//   usage: node ts_bench_server.mjs [--http PORT]   (stdio by default; with
//          --http, Streamable HTTP at http://127.0.0.1:PORT/mcp)
import { randomUUID } from "node:crypto";
import http from "node:http";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";

function makeServer() {
const server = new Server(
  { name: "ts-bench", version: "1" },
  { capabilities: { tools: {} } },
);
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    { name: "echo", inputSchema: { type: "object" } },
    { name: "burst", inputSchema: { type: "object" } },
  ],
}));
server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
  if (req.params.name === "burst") {
    const count = req.params.arguments.count;
    const token = req.params._meta?.progressToken;
    for (let i = 1; i <= count; ++i)
      await extra.sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress: i, total: count },
      });
    return { content: [{ type: "text", text: "burst done" }] };
  }
  return { content: [{ type: "text", text: "ok" }] };
});
return server;
}

const at = process.argv.indexOf("--http");
if (at < 0) {
  await makeServer().connect(new StdioServerTransport());
} else {
  const sessions = new Map();
  http.createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const parsed = body ? JSON.parse(body) : undefined;
    let transport = sessions.get(req.headers["mcp-session-id"]);
    if (!transport) {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => sessions.set(id, transport),
      });
      transport.onclose = () => sessions.delete(transport.sessionId);
      await makeServer().connect(transport);
    }
    await transport.handleRequest(req, res, parsed);
  }).listen(Number(process.argv[at + 1]), "127.0.0.1", () =>
    console.error(`listening on http://127.0.0.1:${process.argv[at + 1]}/mcp`));
}
