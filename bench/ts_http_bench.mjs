// Streamable HTTP benchmarks of an official TypeScript SDK client (v1
// `@modelcontextprotocol/sdk`, or v2 `@modelcontextprotocol/client` in its
// legacy negotiation mode) against a server at URL: the figures of
// http_bench.cpp, with the same names.
//   usage: node ts_http_bench.mjs v1|v2 [--quick] URL
const args = process.argv.slice(2);
const sdk = args[0];
const quick = args.includes("--quick");
const url = args[args.length - 1];
const scale = quick ? 10 : 1;

let Client, Transport, callTool;
if (sdk === "v2") {
  ({ Client, StreamableHTTPClientTransport: Transport } = await import(
    "@modelcontextprotocol/client"));
  callTool = (c, params, options) => c.callTool(params, options);
} else {
  ({ Client } = await import("@modelcontextprotocol/sdk/client/index.js"));
  ({ StreamableHTTPClientTransport: Transport } = await import(
    "@modelcontextprotocol/sdk/client/streamableHttp.js"));
  callTool = (c, params, options) => c.callTool(params, undefined, options);
}

function report(name, value, unit) {
  console.log(`${name.padEnd(28)} ${value.toFixed(1).padStart(12)} ${unit}`);
}

async function connect() {
  const client = sdk === "v2"
    ? new Client({ name: "bench", version: "1" }, { versionNegotiation: { mode: "legacy" } })
    : new Client({ name: "bench", version: "1" });
  await client.connect(new Transport(new URL(url)));
  return client;
}

const echo = { name: "echo", arguments: { text: "hi" } };
const client = await connect();
{
  const n = 2000 / scale;
  for (let i = 0; i < 100; ++i) await callTool(client, echo);
  const t0 = performance.now();
  for (let i = 0; i < n; ++i) await callTool(client, echo);
  report("http_sequential_calls", n / ((performance.now() - t0) / 1000), "calls/s");
}
{
  const sessions = [];
  for (let i = 0; i < 64; ++i) sessions.push(await connect());
  const per = 200 / scale;
  const t0 = performance.now();
  await Promise.all(sessions.map(async (c) => {
    for (let i = 0; i < per; ++i) await callTool(c, echo);
  }));
  report("http_64_sessions_calls", 64 * per / ((performance.now() - t0) / 1000), "calls/s");
  await Promise.all(sessions.map((c) => c.close()));
}
{
  const n = 10000 / scale;
  let got = 0;
  const t0 = performance.now();
  await callTool(client, { name: "burst", arguments: { count: n } },
    { onprogress: () => ++got, timeout: 120000 });
  const dt = (performance.now() - t0) / 1000;
  report("http_progress_burst", got / dt, "notifications/s");
  report("http_progress_burst_lost", n - got, "notifications");
}
await client.close();
