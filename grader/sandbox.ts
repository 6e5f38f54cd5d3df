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
  /** `cut`: the caller's budget ran out first, while the file was loading or fn running. */
  | { kind: "timeout"; ms: number; cut?: "loading" | "running" }
  /** `exhausted`: it died for want of memory or CPU time. */
  | { kind: "crashed"; error: string; exhausted?: "memory" | "cpu" }
  | { kind: "unloadable"; error: string };

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

/** Signs in V8's stderr that it died for want of memory. */
const OUT_OF_MEMORY = /out of memory|Reached heap limit|Allocation failed/i;

type Next = Reply | "timeout" | "closed";

/** One learner file, served by a sandboxed process that is restarted when it dies. */
export class Sandbox {
  #url: string;
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
   * `url` is the graded file's; `readable` the paths its code may read (policy.ts); `child`
   * the script that serves it (tests give their own to play a forger).
   */
  constructor(url: string, readable: string[], child = `${ROOT}grader/child.ts`) {
    this.#url = url;
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
        this.#url,
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
      this.#loadError = `the process exited while loading the file: ${(await this.#death()).error}`;
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
  async #death(): Promise<{ error: string; exhausted?: "memory" | "cpu" }> {
    const status = await this.#child!.status;
    await Promise.race([this.#stderrDone, new Promise((r) => setTimeout(r, 500))]);
    const tail = this.#stderr.trim().split("\n").slice(-3).join(" | ");
    // V8 stops with SIGTRAP on a fatal error, which here is running out of memory.
    if (this.#outOfMemory || status.signal === "SIGTRAP") {
      const error = `it ran out of memory (the sandbox allows a ${HEAP_LIMIT_MB} MB heap and ` +
        `${DATA_LIMIT_MB} MB in all)`;
      return { error, exhausted: "memory" };
    }
    if (status.signal === "SIGXCPU") {
      const error = `it used more than ${CPU_LIMIT_S} s of CPU time (the sandbox's limit)`;
      return { error, exhausted: "cpu" };
    }
    if (status.signal) {
      return { error: `it was killed by ${status.signal}${tail ? `: ${tail}` : ""}` };
    }
    return {
      error: `it exited with code ${status.code} (did the code call Deno.exit?)${
        tail ? `; last output: ${tail}` : ""
      }`,
    };
  }

  /**
   * Calls `fn(...args)` in the sandbox, waiting at most `ms` for the answer, and at most
   * `budgetMs` in all, a load included if the process has to be started first. A wait that
   * the budget cut short comes back as a timeout with `cut` saying when.
   */
  async call(fn: string, args: unknown[], ms: number, budgetMs = Infinity): Promise<CallOutcome> {
    const started = performance.now();
    if (!this.#child && !this.#loadError) {
      if (!(await this.#start(Math.min(LOAD_TIMEOUT_MS, budgetMs)))) {
        return { kind: "timeout", ms, cut: "loading" };
      }
    }
    if (this.#loadError) return { kind: "unloadable", error: this.#loadError };
    const left = budgetMs - (performance.now() - started);
    if (left <= 0) return { kind: "timeout", ms, cut: "loading" };
    const wait = Math.min(ms, left);
    const id = this.#nextId++;
    this.#send(JSON.stringify({ id, fn, args: args.map((a) => encode(a)) }));
    const reply = await this.#replyTo(id, wait);
    if (reply === "timeout") {
      this.close();
      return wait < ms ? { kind: "timeout", ms, cut: "running" } : { kind: "timeout", ms };
    }
    if (reply === "closed") {
      const death = await this.#death();
      this.close();
      return { kind: "crashed", ...death };
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
