/**
 * The grader's reading of the sandbox's stdout: framed lines (`TOKEN {json}`, see child.ts)
 * become checked {@link Reply} records; every other line (the learner may write to stdout) is
 * ignored. Nothing here throws on what the sandbox sends: a line that is too long, not JSON,
 * of the wrong shape or with an undecodable value becomes a reply that says so.
 */

import { decode, WireError } from "./wire.ts";
import { WIRE_MAX_CHARS } from "./limits.ts";

/** What a function call (or the load) came to, as the sandbox reported it. */
export type Reply =
  | { kind: "ready" }
  | { kind: "unloadable"; error: string }
  | { kind: "value"; id: number; value: unknown }
  | {
    kind: "threw" | "notImplemented" | "missing" | "tooLarge" | "unsendable" | "unreadable";
    id: number;
    error: string;
  }
  /** A framed line the grader cannot read, with no id to trust: it answers the pending call. */
  | { kind: "malformed"; error: string };

const ERROR_KINDS = ["notImplemented", "missing", "tooLarge", "unsendable", "threw"] as const;
/** Room for the frame and an error message around the largest value. */
const LINE_MAX_CHARS = WIRE_MAX_CHARS + 8_192;

const message = (x: unknown) => (typeof x === "string" ? x : "(no message)");

/** The reply a framed line's JSON text stands for. */
export function parseReply(text: string): Reply {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return { kind: "malformed", error: "the sandbox sent a reply that is not JSON" };
  }
  if (!m || typeof m !== "object" || Array.isArray(m)) {
    return { kind: "malformed", error: "the sandbox sent a reply of the wrong shape" };
  }
  const r = m as Record<string, unknown>;
  if ("ready" in r) {
    return r.ready === true ? { kind: "ready" } : { kind: "unloadable", error: message(r.error) };
  }
  const id = r.id;
  if (typeof id !== "number" || !Number.isSafeInteger(id)) {
    return { kind: "malformed", error: "the sandbox sent a reply without an id" };
  }
  if (r.ok === true) {
    try {
      return { kind: "value", id, value: decode(r.value) };
    } catch (e) {
      const error = e instanceof WireError ? e.message : String(e);
      return { kind: "unreadable", id, error };
    }
  }
  const kind = ERROR_KINDS.find((k) => r[k] === true);
  if (kind) return { kind, id, error: message(r.error) };
  return { kind: "malformed", error: "the sandbox sent a reply of the wrong shape" };
}

/**
 * The replies framed with `token` on `stdout`, in order. Lines are cut at newlines; a line
 * longer than the largest possible reply is dropped as it arrives (never held in memory),
 * and reported as malformed if it was framed.
 */
export async function* replies(
  stdout: ReadableStream<Uint8Array>,
  token: string,
  maxChars = LINE_MAX_CHARS,
): AsyncGenerator<Reply> {
  const prefix = token + " ";
  let line = "";
  let dropping: "" | "framed" | "other" = "";
  for await (const chunk of stdout.pipeThrough(new TextDecoderStream())) {
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf("\n", start);
      if (!dropping) {
        line += nl < 0 ? chunk.slice(start) : chunk.slice(start, nl);
        if (line.length > maxChars) {
          dropping = line.startsWith(prefix) ? "framed" : "other";
          line = "";
        }
      }
      if (nl < 0) break;
      if (dropping === "framed") {
        yield {
          kind: "malformed",
          error: `the sandbox sent a reply longer than ${maxChars} characters`,
        };
      } else if (!dropping && line.startsWith(prefix)) {
        yield parseReply(line.slice(prefix.length));
      }
      line = "";
      dropping = "";
      start = nl + 1;
    }
  }
}
