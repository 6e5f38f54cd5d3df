/**
 * How bench/threads.ts splits the two large products of an MLP step between two threads, and
 * the shared memory both threads see.
 *
 * - op 1, the forward product `h = x·W1ᵀ` (batch×hidden): thread t takes its half of W1's rows,
 *   so it packs only that half of W1, computes `x·W1[t]ᵀ` into its own batch×(hidden/2) buffer
 *   and copies that into its columns of `h`.
 * - op 2, the weight gradient `dW1 = dhᵀ·x` (hidden×input): thread t takes its half of dW1's
 *   rows (contiguous in memory), from its half of dh's columns (copied into its own buffer).
 *
 * Every entry is summed by the same kernel over the same inner dimension in the same order as
 * the one-thread product, so the two-thread step equals the one-thread step bit for bit.
 *
 * @module
 */
import type { GemmKernel } from "../lib/kernels/gemm_types.ts";

/** Which half: 0 for the main thread, 1 for the worker. */
export type Half = 0 | 1;

/** The buffers both threads see (all `SharedArrayBuffer`s) and the step's sizes. */
export interface Shared {
  /** Int32 words: [0] request counter, [1] op (0 stop, 1 forward, 2 dW1), [2] done counter. */
  control: SharedArrayBuffer;
  input: number;
  hidden: number;
  batch: number;
  x: SharedArrayBuffer; // batch×input
  w1: SharedArrayBuffer; // hidden×input
  h: SharedArrayBuffer; // batch×hidden
  dh: SharedArrayBuffer; // batch×hidden
  dw1: SharedArrayBuffer; // hidden×input
  /** Per thread: batch×(its hidden columns), for op 1's product and op 2's slice of dh. */
  scratch: [SharedArrayBuffer, SharedArrayBuffer];
}

const F64 = Float64Array.BYTES_PER_ELEMENT;

/** Buffers for an MLP step of these sizes. */
export function sharedFor(input: number, hidden: number, batch: number): Shared {
  const sab = (n: number) => new SharedArrayBuffer(n * F64);
  const half = Math.ceil(hidden / 2);
  return {
    control: new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT),
    input,
    hidden,
    batch,
    x: sab(batch * input),
    w1: sab(hidden * input),
    h: sab(batch * hidden),
    dh: sab(batch * hidden),
    dw1: sab(hidden * input),
    scratch: [sab(batch * half), sab(batch * half)],
  };
}

/** Hidden units `[from, to)` that thread `t` owns. */
export function rowsOf(hidden: number, t: Half): [number, number] {
  const half = Math.ceil(hidden / 2);
  return t === 0 ? [0, half] : [half, hidden];
}

/** Thread `t`'s half of op 1 (forward) or op 2 (dW1), with kernel `gemm`. */
export function halfProduct(s: Shared, op: 1 | 2, t: Half, gemm: GemmKernel): void {
  const { input: IN, hidden: H, batch: B } = s;
  const [from, to] = rowsOf(H, t);
  const w = to - from;
  const buf = new Float64Array(s.scratch[t], 0, B * w);
  const x = new Float64Array(s.x);
  if (op === 1) {
    const w1 = new Float64Array(s.w1, from * IN * F64, w * IN);
    gemm({ m: B, n: w, k: IN, a: x, b: w1, c: buf, transB: true });
    const h = new Float64Array(s.h);
    for (let i = 0; i < B; i++) h.set(buf.subarray(i * w, (i + 1) * w), i * H + from);
  } else {
    const dh = new Float64Array(s.dh);
    for (let i = 0; i < B; i++) buf.set(dh.subarray(i * H + from, i * H + to), i * w);
    const dw1 = new Float64Array(s.dw1, from * IN * F64, w * IN);
    gemm({ m: w, n: IN, k: B, a: buf, b: x, c: dw1, transA: true });
  }
}
