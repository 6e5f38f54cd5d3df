/**
 * The grader's side of the sandbox: a child `deno run` process that may read only the
 * learner's folder, lib/ and the grader's wire code — no writes, no network, no environment,
 * no subprocesses, no reading solutions/ — with a capped heap, and a time limit per call.
 *
 * A call that times out or kills the process (an endless loop, `Deno.exit`, running out of
 * memory) costs only that call: the process is killed and a fresh one is started for the
 * next call.
 */

import { decode, encode, type Encoded } from "./wire.ts";

export const HEAP_LIMIT_MB = 256;
export const DATA_LIMIT_MB = 1024;

const HAS_PRLIMIT = await (async () => {
  try {
    return (await new Deno.Command("prlimit", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output()).success;
  } catch {
    return false;
  }
})();

export type CallOutcome =
  | { kind: "value"; value: unknown }
  | { kind: "threw"; error: string; notImplemented: boolean }
  | { kind: "missing"; error: string }
  | { kind: "timeout"; ms: number }
  | { kind: "crashed"; error: string }
  | { kind: "unloadable"; error: string };

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

interface Reply {
  ready?: boolean;
  id?: number;
  ok?: boolean;
  value?: Encoded;
  error?: string;
  missing?: boolean;
  notImplemented?: boolean;
}

/** One learner file, served by a sandboxed process that is restarted when it dies. */
export class Sandbox {
  #file: string;
  #loadTimeoutMs: number;
  #child?: Deno.ChildProcess;
  #writer?: WritableStreamDefaultWriter<Uint8Array>;
  #replies?: AsyncIterator<Reply>;
  #stderr = "";
  #nextId = 0;
  #loadError?: string;

  constructor(file: string, loadTimeoutMs = 10_000) {
    this.#file = file;
    this.#loadTimeoutMs = loadTimeoutMs;
  }

  async #start(): Promise<void> {
    const dir = this.#file.slice(0, this.#file.lastIndexOf("/"));
    const token = crypto.randomUUID();
    // prlimit caps all memory (typed arrays live outside the V8 heap), where it is installed.
    const [cmd, ...prefix] = HAS_PRLIMIT
      ? ["prlimit", `--data=${DATA_LIMIT_MB * 1024 * 1024}`, Deno.execPath()]
      : [Deno.execPath()];
    const child = new Deno.Command(cmd, {
      args: [
        ...prefix,
        "run",
        "--no-config",
        "--no-remote",
        "--no-npm",
        "--no-prompt",
        `--allow-read=${dir},${ROOT}lib,${ROOT}grader`,
        `--v8-flags=--max-old-space-size=${HEAP_LIMIT_MB}`,
        `${ROOT}grader/child.ts`,
        this.#file,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    this.#child = child;
    this.#stderr = "";
    this.#writer = child.stdin.getWriter();
    this.#replies = replies(child.stdout, token);
    (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        this.#stderr = (this.#stderr + chunk).slice(-4000);
      }
    })().catch(() => {});
    await this.#send(token);
    const first = await this.#next(this.#loadTimeoutMs);
    if (first === "timeout") {
      this.#loadError = `loading the file took more than ${this.#loadTimeoutMs / 1000} s ` +
        "(does code at the top level loop forever?)";
    } else if (first === "closed") {
      this.#loadError = `the process exited while loading the file: ${await this.#death()}`;
    } else if (!first.ready) {
      this.#loadError = `the file could not be loaded: ${first.error}`;
    }
    if (this.#loadError) this.close();
  }

  async #send(line: string): Promise<void> {
    await this.#writer!.write(new TextEncoder().encode(line + "\n"));
  }

  async #next(ms: number): Promise<Reply | "timeout" | "closed"> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), ms);
    });
    try {
      const next = this.#replies!.next().then((r) => (r.done ? "closed" as const : r.value));
      return await Promise.race([next, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Why the process died, from its exit status and the end of its stderr. */
  async #death(): Promise<string> {
    const status = await this.#child!.status;
    await new Promise((r) => setTimeout(r, 20)); // let the stderr reader catch up
    const err = this.#stderr;
    if (/heap out of memory|Allocation failed|Reached heap limit/i.test(err)) {
      return `it ran out of memory (the sandbox allows a ${HEAP_LIMIT_MB} MB heap)`;
    }
    const tail = err.trim().split("\n").slice(-3).join(" | ");
    if (status.signal) return `it was killed by ${status.signal}${tail ? `: ${tail}` : ""}`;
    return `it exited with code ${status.code} (did the code call Deno.exit?)${
      tail ? `; last output: ${tail}` : ""
    }`;
  }

  /** Calls `fn(...args)` in the sandbox, waiting at most `ms`. */
  async call(fn: string, args: unknown[], ms: number): Promise<CallOutcome> {
    if (this.#loadError) return { kind: "unloadable", error: this.#loadError };
    if (!this.#child) await this.#start();
    if (this.#loadError) return { kind: "unloadable", error: this.#loadError };
    const id = this.#nextId++;
    try {
      await this.#send(JSON.stringify({ id, fn, args: args.map((a) => encode(a)) }));
    } catch {
      const error = await this.#death();
      this.close();
      return { kind: "crashed", error };
    }
    const reply = await this.#next(ms);
    if (reply === "timeout") {
      this.close();
      return { kind: "timeout", ms };
    }
    if (reply === "closed") {
      const error = await this.#death();
      this.close();
      return { kind: "crashed", error };
    }
    if (reply.ok) return { kind: "value", value: decode(reply.value ?? null) };
    if (reply.missing) return { kind: "missing", error: reply.error ?? "" };
    return { kind: "threw", error: reply.error ?? "", notImplemented: !!reply.notImplemented };
  }

  /** Kills the process; the next call starts a fresh one. */
  close(): void {
    try {
      this.#child?.kill("SIGKILL");
    } catch { /* already gone */ }
    this.#writer?.releaseLock();
    this.#child = undefined;
  }
}

async function* replies(stdout: ReadableStream<Uint8Array>, token: string): AsyncIterator<Reply> {
  let buffer = "";
  for await (const chunk of stdout.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let i;
    while ((i = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      if (line.startsWith(token + " ")) yield JSON.parse(line.slice(token.length + 1));
    }
  }
}
