import { describe, expect, it } from "vitest";
import { gemm } from "../../lib/kernels/gemm.ts";
import { Random } from "../../lib/core/random.ts";
import { halfProduct, rowsOf, sharedFor } from "../../bench/threads_split.ts";

// bench/threads.ts splits the step's two large products between two threads; here both halves
// run on this thread, one after the other, against the whole product computed at once.
describe("bench/threads_split: the two halves make the one-thread product", () => {
  for (const [input, hidden, batch] of [[784, 256, 64], [37, 9, 5], [3, 1, 2]]) {
    it(`${input}-${hidden}, batch ${batch}`, () => {
      const rng = new Random(hidden);
      const s = sharedFor(input, hidden, batch);
      const x = new Float64Array(s.x), w1 = new Float64Array(s.w1), dh = new Float64Array(s.dh);
      x.set(rng.randn(batch, input).data);
      w1.set(rng.randn(hidden, input).data);
      dh.set(rng.randn(batch, hidden).data);
      for (const op of [1, 2] as const) {
        halfProduct(s, op, 0, gemm);
        halfProduct(s, op, 1, gemm);
      }
      const h = new Float64Array(batch * hidden), dw1 = new Float64Array(hidden * input);
      gemm({ m: batch, n: hidden, k: input, a: x, b: w1, c: h, transB: true });
      gemm({ m: hidden, n: input, k: batch, a: dh, b: x, c: dw1, transA: true });
      expect(new Float64Array(s.h)).toEqual(h);
      expect(new Float64Array(s.dw1)).toEqual(dw1);
      const [, mid] = rowsOf(hidden, 0);
      expect(rowsOf(hidden, 1)).toEqual([mid, hidden]);
    });
  }
});
