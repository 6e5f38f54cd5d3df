/**
 * One epoch of Fashion-MNIST-sized data with the course's layers, as a training loop runs it:
 * 60,000 rows of 784 values, shuffled, mini-batches of 64, each one step of
 * `mlpForward` → `softmaxCrossEntropy` → `mlpBackward` → `sgd` (bench/mlp_step.ts stepLayersSgd),
 * last step's matrices reused. The data are random numbers of the real data's shape (the
 * timing does not depend on the values); bench/bench_torch.py times PyTorch on the same shape.
 *
 * @module
 */
import { Matrix } from "../lib/core/matrix.ts";
import { Random } from "../lib/core/random.ts";
import { MAIN, makeMlp, type MlpState, stepLayersSgd } from "./mlp_step.ts";

/** Random images in [0, 1) and labels in 0…9, `rows` of them. */
export function fakeFashionMnist(rows: number, seed = 1): { x: Matrix; labels: number[] } {
  const rng = new Random(seed);
  return {
    x: rng.rand(rows, MAIN.input),
    labels: Array.from({ length: rows }, () => rng.int(MAIN.output)),
  };
}

/**
 * One epoch over `data` with the 784-256-10 MLP and mini-batches of `batch`, to be run in
 * parts: `run(from, to)` takes the steps of batches `from`…`to − 1` (in a shuffled order)
 * and returns their seconds, so that the epoch can take turns with PyTorch's.
 */
export function epoch(data: { x: Matrix; labels: number[] }, batch = 64) {
  const { x, labels } = data;
  const st: MlpState = makeMlp({ ...MAIN, batch }, 3);
  for (let i = 0; i < 3; i++) stepLayersSgd(st); // warm-up on the state's own batch
  const order = new Random(2).shuffle(Array.from({ length: x.rows }, (_, n) => n));
  const cols = x.cols;
  return {
    batches: Math.ceil(x.rows / batch),
    run(from: number, to: number): number {
      const t0 = performance.now();
      for (let start = from * batch; start < Math.min(to * batch, x.rows); start += batch) {
        const idx = order.slice(start, start + batch);
        if (st.x.rows !== idx.length) st.x = new Matrix(idx.length, cols); // a short last batch
        idx.forEach((r, n) => st.x.data.set(x.data.subarray(r * cols, (r + 1) * cols), n * cols));
        st.labels = idx.map((r) => labels[r]);
        stepLayersSgd(st);
      }
      return (performance.now() - t0) / 1000;
    },
  };
}

if (import.meta.main) {
  const data = fakeFashionMnist(60_000);
  for (let i = 0; i < 3; i++) {
    const e = epoch(data);
    console.log(`${e.run(0, e.batches).toFixed(2)} s`);
  }
}
