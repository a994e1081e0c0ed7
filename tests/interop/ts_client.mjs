// Interop: the official TypeScript SDK client (pinned in package-lock.json)
// drives caf-mcp's everything server over stdio. Exits 1 on the first
// failed check.
//   usage: node ts_client.mjs SERVER_BINARY
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { report, step, text } from "./steps.mjs";

const server = process.argv[2];
if (!server) {
  console.error("usage: node ts_client.mjs SERVER_BINARY");
  process.exit(2);
}



async function fixtureCounter(client, key, atLeast) {
  for (let i = 0; i < 500; ++i) {
    const stats = await client.callTool({ name: "fixture_stats" });
    if (stats.structuredContent[key] >= atLeast) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

const client = new Client(
  { name: "ts-interop", version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: {}, roots: {} } },
);
client.setRequestHandler(CreateMessageRequestSchema, async (req) => ({
  role: "assistant",
  model: "ts-model",
  content: { type: "text", text: `echo of ${req.params.messages[0].content.text}` },
}));
client.setRequestHandler(ElicitRequestSchema, async (req) => {
  const content = {};
  for (const [key, field] of Object.entries(req.params.requestedSchema.properties))
    content[key] = field.default ?? (field.type === "string" ? `${key}!` : undefined);
  return { action: "accept", content };
});
client.setRequestHandler(ListRootsRequestSchema, async () => ({
  roots: [{ uri: "file:///tmp/ts-root", name: "ts" }],
}));

try {
  await step("connect and initialize", async () => {
    await client.connect(new StdioClientTransport({ command: server, args: [] }));
    assert.equal(client.getServerVersion().name, "caf-mcp-everything");
    const caps = client.getServerCapabilities();
    assert.ok(caps.tools && caps.resources && caps.prompts && caps.logging);
  });

  await step("list and call tools", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const name of ["echo", "add", "long-running-operation", "test_simple_text"])
      assert.ok(names.includes(name), `tools/list lacks ${name}`);
    assert.equal(text(await client.callTool({ name: "echo", arguments: { message: "hi" } })), "hi");
    // The SDK checks structuredContent against the tool's outputSchema.
    const sum = await client.callTool({ name: "add", arguments: { a: 2, b: 40 } });
    assert.deepEqual(sum.structuredContent, { sum: 42 });
    const invalid = await client.callTool({ name: "add", arguments: { a: 1 } });
    assert.equal(invalid.isError, true);
    assert.match(text(invalid), /"b"/);
  });

  await step("progress via onprogress, all in order", async () => {
    const seen = [];
    const result = await client.callTool(
      { name: "long-running-operation", arguments: { duration: 0.5, steps: 5 } },
      undefined,
      { onprogress: (p) => seen.push(p) },
    );
    assert.match(text(result), /completed/);
    assert.deepEqual(seen.map((p) => p.progress), [1, 2, 3, 4, 5]);
    assert.ok(seen.every((p) => p.total === 5));
    assert.deepEqual(seen.map((p) => p.message), [1, 2, 3, 4, 5].map((i) => `Step ${i} of 5`));
    const burst = [];
    await client.callTool(
      { name: "progress_burst", arguments: { count: 200 } },
      undefined,
      { onprogress: (p) => burst.push(p.progress) },
    );
    assert.equal(burst.length, 200);
    assert.ok(burst.every((x, i) => x === i + 1), "progress out of order");
  });

  await step("a prompt", async () => {
    const prompt = await client.getPrompt({
      name: "test_prompt_with_arguments",
      arguments: { arg1: "hello", arg2: "world" },
    });
    assert.equal(prompt.messages[0].content.text,
      "Prompt with arguments: arg1='hello', arg2='world'");
    const completion = await client.complete({
      ref: { type: "ref/prompt", name: "test_prompt_with_arguments" },
      argument: { name: "arg1", value: "par" },
    });
    assert.deepEqual(completion.completion.values, ["paris", "park", "party"]);
  });

  await step("a resource and a template", async () => {
    const text = await client.readResource({ uri: "test://static-text" });
    assert.equal(text.contents[0].text, "This is the content of the static text resource.");
    const data = await client.readResource({ uri: "test://template/7/data" });
    assert.equal(JSON.parse(data.contents[0].text).id, "7");
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.equal(resourceTemplates[0].uriTemplate, "test://template/{id}/data");
  });

  await step("cancellation via AbortSignal", async () => {
    const before = (await client.callTool({ name: "fixture_stats" })).structuredContent.cancelled;
    const controller = new AbortController();
    const call = client.callTool(
      { name: "wait", arguments: { seconds: 30 } },
      undefined,
      { signal: controller.signal, onprogress: () => controller.abort("enough") },
    );
    await assert.rejects(call);
    assert.ok(await fixtureCounter(client, "cancelled", before + 1),
      "the server's handler did not stop");
    await client.ping();
  });

  await step("the server asks the client", async () => {
    assert.equal(text(await client.callTool({ name: "test_sampling", arguments: { prompt: "x" } })),
      "LLM response: echo of x");
    const defaults = text(await client.callTool({ name: "test_elicitation_sep1034_defaults" }));
    assert.match(defaults, /action=accept/);
    assert.match(defaults, /"name":"John Doe"/);
    const roots = text(await client.callTool({ name: "roots" }));
    assert.match(roots, /file:\/\/\/tmp\/ts-root/);
  });

  await step("logging at a level", async () => {
    const logs = [];
    client.fallbackNotificationHandler = async (n) => {
      if (n.method === "notifications/message") logs.push(n.params.level);
    };
    await client.setLoggingLevel("error");
    const sent = text(await client.callTool({ name: "log_levels" }));
    assert.equal(sent, "4");
    await client.ping();
    assert.deepEqual(logs, ["error", "critical", "alert", "emergency"]);
  });

  await client.close();
  report("typescript sdk interop: all checks passed");
} catch (err) {
  report("", err);
  process.exit(1);
}
