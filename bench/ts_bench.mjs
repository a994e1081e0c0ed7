// The same measurements as client_bench.cpp, made with the official
// TypeScript SDK client against the same server, for a side-by-side ratio.
//   usage: node ts_bench.mjs [--quick] -- SERVER CMD...
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const sep = argv.indexOf("--");
if (sep < 0 || sep + 1 >= argv.length) {
  console.error("usage: node ts_bench.mjs [--quick] -- SERVER...");
  process.exit(2);
}
const [command, ...args] = argv.slice(sep + 1);
const scale = quick ? 10 : 1;

function report(name, value, unit) {
  console.log(`${name.padEnd(28)} ${value.toFixed(1).padStart(12)} ${unit}`);
}

async function start() {
  const client = new Client({ name: "ts-bench", version: "1" });
  await client.connect(new StdioClientTransport({ command, args }));
  return client;
}

const echo = { name: "echo", arguments: { text: "hello" } };

{
  const times = [];
  for (let i = 0; i < 20; ++i) {
    const t0 = performance.now();
    const c = await start();
    times.push(performance.now() - t0);
    await c.close();
  }
  times.sort((a, b) => a - b);
  report("spawn_initialize_median", times[10], "ms");
}

const client = await start();
{
  const n = 2000 / scale;
  for (let i = 0; i < 200 / scale; ++i) await client.callTool(echo);
  const t0 = performance.now();
  for (let i = 0; i < n; ++i) await client.callTool(echo);
  report("sequential_calls", n / ((performance.now() - t0) / 1000), "calls/s");
}
{
  const n = 20000 / scale;
  let sent = 0;
  const t0 = performance.now();
  async function lane() {
    while (sent < n) {
      ++sent;
      await client.callTool(echo);
    }
  }
  await Promise.all(Array.from({ length: 64 }, lane));
  report("in_flight_64_calls", n / ((performance.now() - t0) / 1000), "calls/s");
}
{
  const n = 10000 / scale;
  let got = 0;
  const t0 = performance.now();
  await client.callTool({ name: "burst", arguments: { count: n } }, undefined, {
    onprogress: () => { ++got; },
    timeout: 60000,
  });
  const dt = (performance.now() - t0) / 1000;
  report("progress_burst_delivered", got / dt, "notifications/s");
  report("progress_burst_lost", n - got, "notifications");
}
await client.close();
