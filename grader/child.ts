/**
 * The sandbox side of grading: runs inside a separate `deno run` process with narrowed
 * permissions (see sandbox.ts), imports the learner's file and answers calls.
 *
 * Protocol, one JSON object per line:
 * - stdin, first line: a random token; then requests `{ "id", "fn", "args" }`.
 * - stdout: `TOKEN {"ready": true}` or `TOKEN {"ready": false, "error"}` once the file is
 *   loaded, then `TOKEN {"id", "ok": true, "value"}` or `TOKEN {"id", "ok": false, "error"}`.
 *
 * Everything the protocol needs is captured before the learner's module runs, and the learner
 * never sees the token, so printing or patching globals cannot forge a reply. The learner's own
 * `console` output goes to stderr.
 */

import { encode } from "./wire.ts";
import { decode } from "./wire.ts";
import type { Encoded } from "./wire.ts";

const stringify = JSON.stringify;
const parse = JSON.parse;
const encoder = new TextEncoder();
const encodeText = encoder.encode.bind(encoder);
const stdout = Deno.stdout;
const writeSync = stdout.writeSync.bind(stdout);
const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).values();

let pending = "";
async function readLine(): Promise<string | undefined> {
  while (!pending.includes("\n")) {
    const { value, done } = await lines.next();
    if (done) return undefined;
    pending += value;
  }
  const i = pending.indexOf("\n");
  const line = pending.slice(0, i);
  pending = pending.slice(i + 1);
  return line;
}

const token = await readLine();

function reply(message: Record<string, Encoded>): void {
  const bytes = encodeText(`${token} ${stringify(message)}\n`);
  let written = 0;
  while (written < bytes.length) written += writeSync(bytes.subarray(written));
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const where = (e.stack ?? "").split("\n").find((l) =>
      l.includes("/exercises/") || l.includes("/solutions/")
    );
    return `${e.name}: ${e.message}${where ? ` (${where.trim().replace(/^at /, "at ")})` : ""}`;
  }
  return `threw a non-Error value: ${String(e)}`;
}

for (const method of ["log", "info", "debug", "warn", "table", "dir"] as const) {
  // deno-lint-ignore no-explicit-any
  (console as any)[method] = console.error;
}

let module: Record<string, unknown>;
try {
  module = await import(Deno.args[0]);
  reply({ ready: true, exports: Object.keys(module) });
} catch (e) {
  reply({ ready: false, error: describe(e) });
  Deno.exit(0);
}

while (true) {
  const line = await readLine();
  if (line === undefined) break;
  const { id, fn, args } = parse(line) as { id: number; fn: string; args: Encoded[] };
  const f = module[fn];
  if (typeof f !== "function") {
    reply({ id, ok: false, missing: true, error: `does not export a function named ${fn}` });
    continue;
  }
  try {
    const value = await f(...args.map(decode));
    reply({ id, ok: true, value: encode(value) });
  } catch (e) {
    reply({
      id,
      ok: false,
      error: describe(e),
      notImplemented: e instanceof Error && e.name === "NotImplementedError",
    });
  }
}
