/**
 * The grader's side of the sandbox: a child `deno run` process that may read only what
 * policy.ts allows (the graded file's folder, lib/'s core, the wire code) — no writes, no
 * network, no environment, no subprocesses — with a capped heap, capped memory and CPU time
 * (processes.ts), and a time limit per call.
 *
 * A call that times out or kills the process (an endless loop, `Deno.exit`, running out of
 * memory) costs only that call: the process is killed and a fresh one is started for the
 * next call. Only a reply carrying the id of the pending call answers it.
 */

import { kill, spawnDeno } from "./processes.ts";
import { replies, type Reply } from "./replies.ts";
import { encode } from "./wire.ts";
import { CPU_LIMIT_S, DATA_LIMIT_MB, HEAP_LIMIT_MB, LOAD_TIMEOUT_MS } from "./limits.ts";

export type CallOutcome =
  | { kind: "value"; value: unknown }
  | { kind: "threw"; error: string; notImplemented: boolean }
  | { kind: "missing"; error: string }
  | { kind: "unsendable"; error: string; tooLarge: boolean }
  /** `loading`: the time ran out while the file was loading (the caller's budget). */
  | { kind: "timeout"; ms: number; loading?: boolean }
  | { kind: "crashed"; error: string }
  | { kind: "unloadable"; error: string };

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

/** Signs in V8's stderr that it died for want of memory. */
const OUT_OF_MEMORY = /out of memory|Reached heap limit|Allocation failed/i;

type Next = Reply | "timeout" | "closed";

/** One learner file, served by a sandboxed process that is restarted when it dies. */
export class Sandbox {
  #file: string;
  #readable: string[];
  #script: string;
  #child?: Deno.ChildProcess;
  #writer?: WritableStreamDefaultWriter<Uint8Array>;
  #replies?: AsyncIterator<Reply>;
  #waiting?: Promise<IteratorResult<Reply>>;
  #stderr = "";
  #stderrDone?: Promise<void>;
  #outOfMemory = false;
  #nextId = 0;
  #loadError?: string;

  /**
   * `file` is the graded file; `readable` the paths its code may read (policy.ts); `child`
   * the script that serves it (tests give their own to play a forger).
   */
  constructor(file: string, readable: string[], child = `${ROOT}grader/child.ts`) {
    this.#file = file;
    this.#readable = readable;
    this.#script = child;
  }

  /** Starts the process; false if `loadMs` (less than the load limit) ran out first. */
  async #start(loadMs: number): Promise<boolean> {
    const token = crypto.randomUUID();
    const child = spawnDeno(
      [
        "run",
        "--no-config",
        "--no-remote",
        "--no-npm",
        "--no-prompt",
        `--allow-read=${this.#readable.join(",")}`,
        `--v8-flags=--max-old-space-size=${HEAP_LIMIT_MB}`,
        this.#script,
        `file://${this.#file}`,
      ],
      { cpuSeconds: CPU_LIMIT_S, dataMb: DATA_LIMIT_MB },
    );
    this.#child = child;
    this.#stderr = "";
    this.#outOfMemory = false;
    this.#writer = child.stdin.getWriter();
    this.#replies = replies(child.stdout, token);
    this.#waiting = undefined;
    this.#stderrDone = (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        if (OUT_OF_MEMORY.test(chunk)) this.#outOfMemory = true;
        this.#stderr = (this.#stderr + chunk).slice(-4000);
      }
    })().catch(() => {});
    this.#send(token);
    const first = await this.#next(loadMs);
    if (first === "timeout" && loadMs < LOAD_TIMEOUT_MS) {
      this.close();
      return false;
    }
    if (first === "timeout") {
      this.#loadError = `loading the file took more than ${loadMs / 1000} s ` +
        "(does code at the top level loop forever?)";
    } else if (first === "closed") {
      this.#loadError = `the process exited while loading the file: ${await this.#death()}`;
    } else if (first.kind === "unloadable") {
      this.#loadError = `the file could not be loaded: ${first.error}`;
    } else if (first.kind !== "ready") {
      this.#loadError = "the sandbox did not report the file as loaded";
    }
    if (this.#loadError) this.close();
    return true;
  }

  /** Sends a line; a process that no longer reads shows up as a timeout or as closed. */
  #send(line: string): void {
    this.#writer!.write(new TextEncoder().encode(line + "\n")).catch(() => {});
  }

  /** The next reply, waiting at most `ms`; a reply still on its way is kept for next time. */
  async #next(ms: number): Promise<Next> {
    this.#waiting ??= this.#replies!.next();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), Math.max(0, ms));
    });
    try {
      const r = await Promise.race([this.#waiting, timeout]);
      if (r === "timeout") return r;
      this.#waiting = undefined;
      return r.done ? "closed" : r.value;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The reply to call `id`: replies to any other id are not its answer and are dropped. */
  async #replyTo(id: number, ms: number): Promise<Next> {
    const deadline = performance.now() + ms;
    while (true) {
      const r = await this.#next(deadline - performance.now());
      if (typeof r === "string" || r.kind === "malformed") return r;
      if ("id" in r && r.id === id) return r;
    }
  }

  /** Why the process died, from its exit status and the end of its stderr. */
  async #death(): Promise<string> {
    const status = await this.#child!.status;
    await Promise.race([this.#stderrDone, new Promise((r) => setTimeout(r, 500))]);
    const tail = this.#stderr.trim().split("\n").slice(-3).join(" | ");
    if (this.#outOfMemory || status.signal === "SIGTRAP") {
      return `it ran out of memory (the sandbox allows a ${HEAP_LIMIT_MB} MB heap and ` +
        `${DATA_LIMIT_MB} MB in all)`;
    }
    if (status.signal === "SIGXCPU") {
      return `it used more than ${CPU_LIMIT_S} s of CPU time (the sandbox's limit)`;
    }
    if (status.signal) return `it was killed by ${status.signal}${tail ? `: ${tail}` : ""}`;
    return `it exited with code ${status.code} (did the code call Deno.exit?)${
      tail ? `; last output: ${tail}` : ""
    }`;
  }

  /**
   * Calls `fn(...args)` in the sandbox, waiting at most `ms` for the answer and, if the
   * process has to be started, at most `loadMs` for the file to load.
   */
  async call(
    fn: string,
    args: unknown[],
    ms: number,
    loadMs = LOAD_TIMEOUT_MS,
  ): Promise<CallOutcome> {
    if (!this.#child && !this.#loadError && !(await this.#start(loadMs))) {
      return { kind: "timeout", ms: loadMs, loading: true };
    }
    if (this.#loadError) return { kind: "unloadable", error: this.#loadError };
    const id = this.#nextId++;
    this.#send(JSON.stringify({ id, fn, args: args.map((a) => encode(a)) }));
    const reply = await this.#replyTo(id, ms);
    if (reply === "timeout") {
      this.close();
      return { kind: "timeout", ms };
    }
    if (reply === "closed") {
      const error = await this.#death();
      this.close();
      return { kind: "crashed", error };
    }
    switch (reply.kind) {
      case "value":
        return { kind: "value", value: reply.value };
      case "missing":
        return { kind: "missing", error: reply.error };
      case "threw":
      case "notImplemented":
        return {
          kind: "threw",
          error: reply.error,
          notImplemented: reply.kind === "notImplemented",
        };
      case "tooLarge":
      case "unsendable":
      case "unreadable":
        return { kind: "unsendable", error: reply.error, tooLarge: reply.kind === "tooLarge" };
      default:
        // A framed line that cannot be read: the process cannot be trusted any more.
        this.close();
        return {
          kind: "crashed",
          error: "error" in reply ? reply.error : "it answered out of turn",
        };
    }
  }

  /** Kills the process; the next call starts a fresh one. */
  close(): void {
    if (this.#child) kill(this.#child);
    try {
      this.#writer?.releaseLock();
    } catch { /* already released */ }
    this.#child = undefined;
  }
}
