// Named steps of an interop run: each is timed, and the report lists the
// steps that passed before the end or the failure.

const passed = [];

/// Runs `fn` as step `name`; a throw ends the run (see `report`).
export async function step(name, fn) {
  const t0 = performance.now();
  await fn();
  passed.push(`${name} (${(performance.now() - t0).toFixed(0)} ms)`);
}

/// Prints the steps that passed, then `summary` or the error (`err` set).
export function report(summary, err) {
  for (const s of passed) console.log(`ok: ${s}`);
  if (err) console.error(`FAILED: ${err?.stack ?? err}`);
  else console.log(summary);
}

/// The text of a tool result's first content item.
export const text = (result) => result.content[0].text;
