/**
 * The second thread of bench/threads.ts: waits on a shared control word, computes its half of
 * one of the step's two large products with its own instance of the WebAssembly kernel, and
 * says it is done. All operands and results live in `SharedArrayBuffer`s set up once.
 *
 * @module
 */
import { gemmWasm } from "../lib/kernels/matmul_wasm.ts";
import { type Half, halfProduct, type Shared } from "./threads_split.ts";

/** The global scope of a module worker, as far as this file needs it. */
declare const self: {
  onmessage: ((e: MessageEvent<Shared>) => void) | null;
  postMessage(message: string): void;
};

self.onmessage = (e) => {
  const shared = e.data;
  const ctl = new Int32Array(shared.control);
  self.postMessage("ready");
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, 0, seen);
    seen = Atomics.load(ctl, 0);
    const op = Atomics.load(ctl, 1);
    if (op === 0) return; // stop
    halfProduct(shared, op as 1 | 2, 1 as Half, gemmWasm);
    Atomics.store(ctl, 2, seen);
    Atomics.notify(ctl, 2);
  }
};
