/**
 * `deno task bench --only threads`: does a second thread pay for the 784-256-10 step?
 *
 * The kernel step of bench/mlp_step.ts (`stepFast`) runs two ways on the same weights and
 * batch: its two large products on one thread, and split between the main thread and one
 * worker (bench/threads_split.ts: each thread packs and multiplies its half of W1 / dW1 with
 * its own WebAssembly instance; `Atomics.wait`/`notify` hand over). The two ways take turns in
 * slices of 50 ms, so a change in the machine's load falls on both alike; the table gives the
 * steps per second of each and their ratio, turn by turn, and the load average before and
 * after. The two-thread step is first checked equal, bit for bit, to the one-thread step.
 *
 * @module
 */
import { Matrix } from "../lib/core/matrix.ts";
import { gemmWasm } from "../lib/kernels/matmul_wasm.ts";
import { quantile } from "../lib/train/significance.ts";
import { type LargeProducts, MAIN, makeMlp, type MlpState, stepFast } from "./mlp_step.ts";
import { halfProduct, type Shared, sharedFor } from "./threads_split.ts";

/** The worker and the shared memory of a two-thread step. */
export class TwoThreads implements LargeProducts {
  readonly shared: Shared;
  readonly #ctl: Int32Array;
  readonly #worker: Worker;
  #seq = 0;

  private constructor(shared: Shared, worker: Worker) {
    this.shared = shared;
    this.#ctl = new Int32Array(shared.control);
    this.#worker = worker;
  }

  /** Starts the worker; resolves once it waits for work. */
  static async start(input: number, hidden: number, batch: number): Promise<TwoThreads> {
    const shared = sharedFor(input, hidden, batch);
    const worker = new Worker(new URL("./threads_worker.ts", import.meta.url), { type: "module" });
    const ready = new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (e) => reject(new Error(`threads: the worker failed: ${e.message}`));
    });
    worker.postMessage(shared);
    await ready;
    return new TwoThreads(shared, worker);
  }

  /** Both halves of op 1 or 2: the worker's in the worker, the main thread's here. */
  #run(op: 1 | 2) {
    const ctl = this.#ctl, seq = ++this.#seq;
    Atomics.store(ctl, 1, op);
    Atomics.store(ctl, 0, seq);
    Atomics.notify(ctl, 0);
    halfProduct(this.shared, op, 0, gemmWasm);
    for (let done = Atomics.load(ctl, 2); done !== seq; done = Atomics.load(ctl, 2)) {
      Atomics.wait(ctl, 2, done);
    }
  }

  forward(): void {
    this.#run(1);
  }

  weightGrad(): void {
    this.#run(2);
  }

  /** Tells the worker to stop and ends it. */
  stop(): void {
    Atomics.store(this.#ctl, 1, 0);
    Atomics.store(this.#ctl, 0, ++this.#seq);
    Atomics.notify(this.#ctl, 0);
    this.#worker.terminate();
  }
}

/** An MLP state whose x, W1, h, dh and dW1 live in `two`'s shared memory (copied from `st`). */
function onShared(st: MlpState, two: TwoThreads): MlpState {
  const s = two.shared;
  const copy = (from: Float64Array, to: SharedArrayBuffer) => {
    const view = new Float64Array(to);
    view.set(from);
    return view;
  };
  return {
    ...st,
    x: new Matrix(st.x.rows, st.x.cols, copy(st.x.data, s.x)),
    w1: new Matrix(st.w1.rows, st.w1.cols, copy(st.w1.data, s.w1)),
    b1: st.b1.clone(),
    w2: st.w2.clone(),
    b2: st.b2.clone(),
    h: copy(st.h, s.h),
    dh: copy(st.dh, s.dh),
    dw1: copy(st.dw1, s.dw1),
  };
}

const same = (a: Float64Array, b: Float64Array) =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** Steps per second of `f`, one way and the other, over `turns` alternating slices. */
function inTurns(fs: (() => void)[], turns: number, sliceMs: number): number[][] {
  const per: number[][] = fs.map(() => []);
  for (let t = 0; t < turns; t++) {
    fs.forEach((f, i) => {
      let n = 0;
      const t0 = performance.now();
      let now = t0;
      while (now - t0 < sliceMs) {
        f();
        n++;
        now = performance.now();
      }
      per[i].push(n / ((now - t0) / 1000));
    });
  }
  return per;
}

const median = (v: number[]) => quantile([...v].sort((a, b) => a - b), 0.5);

/** Runs the comparison and returns its markdown report. */
export async function threadsReport(seconds = 10, loadAverage?: () => string): Promise<string> {
  const { input, hidden, batch } = MAIN;
  const two = await TwoThreads.start(input, hidden, batch);
  try {
    const one = makeMlp(MAIN, 1), shared = onShared(makeMlp(MAIN, 1), two);
    for (let i = 0; i < 5; i++) {
      stepFast(one);
      stepFast(shared, two);
    }
    for (const k of ["w1", "w2", "b1", "b2"] as const) {
      if (!same(one[k].data, shared[k].data)) {
        throw new Error(`threads: after 5 steps, ${k} differs between one and two threads`);
      }
    }
    const before = loadAverage?.() ?? "–";
    const sliceMs = 50, turns = Math.round((seconds * 1000) / (2 * sliceMs));
    const [r1, r2] = inTurns([() => stepFast(one), () => stepFast(shared, two)], turns, sliceMs);
    const ratios = r2.map((v, i) => v / r1[i]).sort((a, b) => a - b);
    const q = (f: number) => quantile(ratios, f);
    const after = loadAverage?.() ?? "–";
    const epochOne = 938 / median(r1), epochTwo = 938 / median(r2);
    return [
      `## One thread or two: the 784-256-10 kernel step, batch 64 (\`deno task bench --only threads\`)`,
      "",
      `${turns} turns of ${sliceMs} ms each way; load average before: ${before}, after: ${after}.`,
      "The two-thread step was checked equal, bit for bit, to the one-thread step after 5 steps.",
      "",
      "| way | steps/s (median of turns) | one epoch of 938 steps |",
      "| --- | ---: | ---: |",
      `| one thread (stepFast) | ${median(r1).toFixed(0)} | ${epochOne.toFixed(2)} s |`,
      `| two threads (main + one worker) | ${median(r2).toFixed(0)} | ${epochTwo.toFixed(2)} s |`,
      "",
      `Two threads ÷ one thread, turn by turn: median ${q(0.5).toFixed(2)}×, quartiles ` +
      `${q(0.25).toFixed(2)}–${q(0.75).toFixed(2)}, min–max ${ratios[0].toFixed(2)}–` +
      `${ratios[ratios.length - 1].toFixed(2)} (${ratios.length} turns).`,
    ].join("\n");
  } finally {
    two.stop();
  }
}
