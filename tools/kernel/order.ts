/**
 * Puts the Deno kernel's outputs back in protocol order: every output of a cell reaches the
 * front end before the cell's `status: idle`, under the cell's own parent header.
 *
 * Why (Deno 2.9): the kernel sends `status`, `execute_input` and `execute_reply` from its
 * protocol loop, but a cell's `stream`, `display_data` and `execute_result` are produced on
 * the thread that runs the code and reach the wire through a queue drained by another loop,
 * which stamps each with the parent header current *when it is drained*. So an output can
 * leave after the cell's `idle` (front ends have stopped listening: the output is lost), or
 * after the next cell has started (it is shown under the next cell).
 *
 * The fix, for one request at a time:
 * 1. requests from the front end go to the kernel one at a time (the kernel runs them one at
 *    a time anyway), so "the current cell" is well defined;
 * 2. when the kernel replies to an `execute_request`, a silent barrier request is sent that
 *    puts a marker on the same output queue; the queue is first in, first out, so when the
 *    marker arrives every output of the cell has arrived before it;
 * 3. until then the cell's `idle` is held back, and outputs stamped with the barrier's header
 *    are given back the cell's header; the barrier's own messages never reach the front end.
 *
 * This module is the state machine only (no sockets), so that it can be tested message by
 * message; tools/kernel/proxy.ts connects it to Jupyter and the kernel.
 */

import { type Header, type Message, request } from "./wire.ts";

/** Where a message goes (the proxy signs every message afresh as it sends it). */
export interface Action {
  to: "kernel-shell" | "frontend-shell" | "frontend-iopub";
  msg: Message;
}

/** Messages of the barrier that say nothing to the front end. */
const BARRIER_BOOKKEEPING = new Set(["status", "execute_input", "execute_reply"]);

interface InFlight {
  request: Message;
  execute: boolean;
  idle?: Message;
}

interface Barrier {
  id: string;
  marker: string;
}

export class OutputOrder {
  #queue: Message[] = [];
  #inFlight?: InFlight;
  #barrier?: Barrier;
  /** Barrier message id → the header of the cell it closes (kept for stragglers). */
  #closes = new Map<string, Partial<Header>>();

  constructor(readonly session = crypto.randomUUID()) {}

  /** The id of the barrier being waited for, if any (the proxy times it out). */
  get waitingFor(): string | undefined {
    return this.#barrier?.id;
  }

  /** A request from the front end on the shell channel. */
  fromFrontendShell(msg: Message): Action[] {
    this.#queue.push(msg);
    return this.#next();
  }

  /** A reply from the kernel on the shell channel. */
  fromKernelShell(msg: Message): Action[] {
    const parent = msg.parent_header.msg_id ?? "";
    if (this.#closes.has(parent)) return []; // the barrier's own reply
    const actions: Action[] = [{ to: "frontend-shell", msg }];
    const current = this.#inFlight;
    if (!current || current.request.header.msg_id !== parent || this.#barrier) return actions;
    if (current.execute) actions.push(this.#startBarrier(current.request.header));
    else actions.push(...this.#done());
    return actions;
  }

  /** A message from the kernel on the IOPub channel. */
  fromKernelIopub(msg: Message): Action[] {
    const parent = msg.parent_header.msg_id ?? "";
    const type = msg.header.msg_type;
    const closes = this.#closes.get(parent);
    if (closes) {
      if (BARRIER_BOOKKEEPING.has(type)) return [];
      const actions: Action[] = [];
      let reached = false;
      if (type === "stream" && this.#barrier && parent === this.#barrier.id) {
        const text = String(msg.content.text ?? "");
        reached = text.includes(this.#barrier.marker);
        const rest = text.replace(this.#barrier.marker, "");
        msg = { ...msg, content: { ...msg.content, text: rest } };
        if (rest === "") return reached ? this.#done() : [];
      }
      // An output of the cell, drained after the barrier had started: give it back its cell.
      actions.push({ to: "frontend-iopub", msg: { ...msg, parent_header: closes } });
      if (reached) actions.push(...this.#done());
      return actions;
    }
    const current = this.#inFlight;
    if (
      current && current.request.header.msg_id === parent && type === "status" &&
      msg.content.execution_state === "idle"
    ) {
      if (current.execute) {
        current.idle = msg; // held until the barrier has passed
        return [];
      }
      return [{ to: "frontend-iopub", msg }, ...this.#done()];
    }
    return [{ to: "frontend-iopub", msg }];
  }

  /** Gives up waiting for the barrier (the kernel died or hangs): lets the cell finish. */
  expire(): Action[] {
    return this.#barrier ? this.#done() : [];
  }

  #startBarrier(cell: Partial<Header>): Action {
    const marker = `\u0000course-barrier-${crypto.randomUUID()}\u0000`;
    const msg = request("execute_request", {
      code: `Deno.jupyter.broadcast("stream", { name: "stdout", text: ${
        JSON.stringify(marker)
      } });`,
      silent: true,
      store_history: false,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: false,
    }, this.session);
    this.#barrier = { id: msg.header.msg_id, marker };
    this.#closes.set(msg.header.msg_id, cell);
    if (this.#closes.size > 64) this.#closes.delete(this.#closes.keys().next().value!);
    return { to: "kernel-shell", msg };
  }

  /** The current request is over: release its held idle, then send the next request. */
  #done(): Action[] {
    const idle = this.#inFlight?.idle;
    this.#inFlight = undefined;
    this.#barrier = undefined;
    const actions: Action[] = idle ? [{ to: "frontend-iopub", msg: idle }] : [];
    return [...actions, ...this.#next()];
  }

  #next(): Action[] {
    if (this.#inFlight || this.#barrier) return [];
    const msg = this.#queue.shift();
    if (!msg) return [];
    this.#inFlight = { request: msg, execute: msg.header.msg_type === "execute_request" };
    return [{ to: "kernel-shell", msg }];
  }
}
