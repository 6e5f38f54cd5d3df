/**
 * The sandbox side of grading: runs inside a separate `deno run` process with narrowed
 * permissions (see sandbox.ts), imports the learner's file and answers calls.
 *
 * Protocol, one line each way per message:
 * - stdin, first line: a random token; then requests `{ "id", "fn", "args" }`.
 * - stdout: `TOKEN {"ready": true, "exports"}` or `TOKEN {"ready": false, "error"}` once the
 *   file is loaded, then `TOKEN {"id", "ok": true, "value"}` or `TOKEN {"id", "ok": false,
 *   "error", ...}` per request (see replies.ts for the fields).
 *
 * The token is read before the learner's module loads and never reaches its code: every
 * primitive the writer uses (JSON, TextEncoder, the typed-array length, the stdout writer,
 * string methods) is taken here first, and the frame around a value is built by string
 * concatenation, so patching globals or prototypes can neither read the token nor forge a
 * frame or an id. The learner's own `console` output goes to stderr.
 */

import { decode, encode, type Encoded, WireError } from "./wire.ts";
import { WIRE_MAX_CHARS } from "./limits.ts";

// ---- everything the protocol uses, taken before learner code runs ----
const bind = Function.prototype.bind;
/** `uncurry(f)(self, ...args)` calls the original `f`, whatever is patched later. */
const uncurry: <T, A extends unknown[], R>(f: (this: T, ...a: A) => R) => (
  self: T,
  ...a: A
) => R = bind.bind(Function.prototype.call);
const stringify = JSON.stringify;
const parse = JSON.parse;
const apply = Reflect.apply;
const isArray = Array.isArray;
const keys = Object.keys;
const U8 = Uint8Array;
const typedLength = uncurry(
  Object.getOwnPropertyDescriptor(Object.getPrototypeOf(U8.prototype), "length")!
    .get as (this: Uint8Array) => number,
);
const indexOf = uncurry(String.prototype.indexOf as (this: string, s: string) => number);
const slice = uncurry(String.prototype.slice as (this: string, a: number, b?: number) => string);
const encoder = new TextEncoder();
const textEncode = uncurry(TextEncoder.prototype.encode);
const stdout = Deno.stdout;
const stdoutWrite = uncurry(stdout.writeSync);
const exit = Deno.exit;
const fileUrl = Deno.args[0];
const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).values();
const nextChunk = lines.next.bind(lines);
// -----------------------------------------------------------------------

let pending = "";
async function readLine(): Promise<string | undefined> {
  while (indexOf(pending, "\n") < 0) {
    const { value, done } = await nextChunk();
    if (done) return undefined;
    pending += value;
  }
  const i = indexOf(pending, "\n");
  const line = slice(pending, 0, i);
  pending = slice(pending, i + 1);
  return line;
}

const token = await readLine();

/** Writes every byte, copying the rest by index if the pipe takes only part of it. */
function writeAll(bytes: Uint8Array): void {
  let rest = bytes;
  while (true) {
    const n = stdoutWrite(stdout, rest);
    const length = typedLength(rest);
    if (n >= length) return;
    const next = new U8(length - n);
    for (let i = 0; i < length - n; i++) next[i] = rest[n + i];
    rest = next;
  }
}

function send(line: string): void {
  writeAll(textEncode(encoder, token + " " + line + "\n"));
}

/** A message as a JSON string, cut to 2000 characters. */
function text(s: string): string {
  return stringify(slice(s, 0, 2000));
}

function describe(e: unknown): string {
  try {
    if (e instanceof Error) {
      const where = String(e.stack ?? "").split("\n").find((l) => l.includes(fileUrl));
      return `${e.name}: ${e.message}${where ? ` (${where.trim()})` : ""}`;
    }
    return `threw a non-Error value: ${String(e)}`;
  } catch {
    return "threw a value that cannot be described";
  }
}

/**
 * JSON of an encoded value (plain data made by `encode`), written here rather than by
 * `JSON.stringify` so that no `toJSON` the learner defines is consulted.
 */
function json(v: Encoded): string {
  if (v === null || typeof v === "boolean" || typeof v === "string") return stringify(v);
  if (typeof v === "number" && v - v === 0) return stringify(v);
  if (typeof v !== "object") throw new TypeError(`a ${typeof v} inside the encoded value`);
  let out = "";
  if (isArray(v)) {
    for (let i = 0; i < v.length; i++) out += (i ? "," : "") + json(v[i]);
    return "[" + out + "]";
  }
  const ks = keys(v);
  for (let i = 0; i < ks.length; i++) {
    out += (i ? "," : "") + stringify(ks[i]) + ":" + json(v[ks[i]]);
  }
  return "{" + out + "}";
}

function replyError(id: number, kind: string, error: string): void {
  send('{"id":' + id + ',"ok":false,"' + kind + '":true,"error":' + text(error) + "}");
}

function replyValue(id: number, value: unknown): void {
  let body: string;
  try {
    body = json(encode(value));
  } catch (e) {
    const problem = e instanceof WireError ? e.message : describe(e);
    return replyError(
      id,
      e instanceof WireError && e.tooLarge ? "tooLarge" : "unsendable",
      problem,
    );
  }
  if (body.length > WIRE_MAX_CHARS) {
    return replyError(
      id,
      "tooLarge",
      `the value is ${body.length} characters as JSON (at most ${WIRE_MAX_CHARS} can be sent back)`,
    );
  }
  send('{"id":' + id + ',"ok":true,"value":' + body + "}");
}

for (const method of ["log", "info", "debug", "warn", "table", "dir"] as const) {
  // deno-lint-ignore no-explicit-any
  (console as any)[method] = console.error;
}

let module: Record<string, unknown> = {};
try {
  module = await import(fileUrl);
  send('{"ready":true}');
} catch (e) {
  send('{"ready":false,"error":' + text(describe(e)) + "}");
  exit(0);
}

while (true) {
  const line = await readLine();
  if (line === undefined) break;
  const { id, fn, args } = parse(line) as { id: number; fn: string; args: Encoded[] };
  const f = module[fn];
  if (typeof f !== "function") {
    replyError(id, "missing", `does not export a function named ${fn}`);
    continue;
  }
  let value: unknown;
  try {
    const decoded: unknown[] = [];
    for (let i = 0; i < args.length; i++) decoded[i] = decode(args[i]);
    value = await apply(f, undefined, decoded);
  } catch (e) {
    const notImplemented = e instanceof Error && e.name === "NotImplementedError";
    replyError(id, notImplemented ? "notImplemented" : "threw", describe(e));
    continue;
  }
  replyValue(id, value);
}
exit(0);
