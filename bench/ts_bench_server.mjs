// The benchmark server built on the official TypeScript SDK: the same tools
// as bench_server.cpp and caf_bench_server.cpp.
//   usage: node ts_bench_server.mjs        (speaks MCP on stdin/stdout)
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";

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
await server.connect(new StdioServerTransport());
