import { describe, expect, it } from "vitest";
import { Matrix, NonFiniteError, ShapeError } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradient, numericalGradientArray, relError } from "../../lib/check/gradcheck.ts";
import { flatView, Tensor } from "../../lib/core/tensor.ts";
import { conv2dBackward, conv2dForward, im2col } from "../../lib/nn/layers/conv2d.ts";
import {
  conv2dNaiveBackward,
  conv2dNaiveForward,
  flipKernel,
} from "../../lib/nn/layers/conv2d_naive.ts";
import { avgpoolBackward, avgpoolForward } from "../../lib/nn/layers/avgpool.ts";
import { maxpoolBackward, maxpoolForward } from "../../lib/nn/layers/maxpool.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/layers_spatial.json" with { type: "json" };

type Stored = { shape: number[]; data: number[] };
const tensor = (r: Stored) => new Tensor(r.shape, r.data);
const matrix = (r: Stored) => new Matrix(r.shape[0], r.shape[1], r.data);
type Pair = number | [number, number];

/** Checks a tensor against a stored PyTorch tensor: same shape, values within 1e-10. */
function expectTensor(actual: Tensor, expected: Stored): void {
  expect(actual.shape).toEqual(expected.shape);
  expectClose(actual.data, expected.data);
}

function randomTensor(rng: Random, shape: number[]): Tensor {
  const t = new Tensor(shape);
  for (let k = 0; k < t.size; k++) t.data[k] = rng.normal();
  return t;
}

/** A tensor or matrix as a 1×size Matrix sharing its data (for gradcheck and relError). */
const flatOf = (m: Tensor | Matrix) =>
  m instanceof Tensor ? flatView(m) : new Matrix(1, m.data.length, m.data);

/** Numerical gradient of `sum(f() ⊙ dout)` with respect to tensor or matrix `x` (in place). */
function numericGrad(f: () => Tensor | Matrix, x: Tensor | Matrix, dout: Tensor | Matrix) {
  return numericalGradientArray(() => flatOf(f()), flatOf(x), flatOf(dout));
}

describe("Tensor", () => {
  it("stores NCHW row-major, as PyTorch's contiguous layout", () => {
    const t = Tensor.from([[[[1, 2], [3, 4]]], [[[5, 6], [7, 8]]]]);
    expect(t.shape).toEqual([2, 1, 2, 2]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(t.get(1, 0, 1, 0)).toBe(7);
    t.set(0, 0, 0, 1, -2);
    expect(t.toArray()).toEqual([[[[1, -2], [3, 4]]], [[[5, 6], [7, 8]]]]);
    expect(t.clone().data).not.toBe(t.data);
  });
  it("flatView shares the data", () => {
    const t = Tensor.zeros(1, 2, 2, 2);
    flatView(t).data[5] = 3;
    expect(t.get(0, 1, 0, 1)).toBe(3);
  });
  it("rejects bad shapes and indices, naming the operation", () => {
    expect(() => new Tensor([2, 3, 4], [])).toThrow(ShapeError);
    expect(() => new Tensor([1, 1, 2, 2], [1, 2, 3])).toThrow(
      "Tensor: 3 values cannot fill a 1×1×2×2 tensor (needs 4)",
    );
    expect(() => Tensor.from([[[[1, 2], [3]]]])).toThrow(/^Tensor\.from: row \[0\]\[0\]\[1\]/);
    expect(() => Tensor.zeros(1, 1, 2, 2).get(0, 0, 2, 0)).toThrow(
      "Tensor.index: (0, 0, 2, 0) is outside a 1×1×2×2 tensor",
    );
  });
});

const conv2dForms = [
  { name: "im2col", forward: conv2dForward, backward: conv2dBackward },
  { name: "naive", forward: conv2dNaiveForward, backward: conv2dNaiveBackward },
] as const;

describe("conv2d", () => {
  for (const form of conv2dForms) {
    ref.conv.forEach((c, k) => {
      const params = { stride: c.stride as Pair, padding: c.padding as Pair };
      it(
        `${form.name}: matches torch conv2d forward and autograd, case ${k} (${
          JSON.stringify(params)
        })`,
        () => {
          const { out, cache } = form.forward(tensor(c.x), tensor(c.w), matrix(c.b), params);
          expectTensor(out, c.out);
          // deno-lint-ignore no-explicit-any
          const { dx, dw, db } = form.backward(tensor(c.dout), cache as any);
          expectTensor(dx, c.dx);
          expectTensor(dw, c.dw);
          expect(db.shape).toEqual(c.db.shape);
          expectClose(db, c.db.data);
        },
      );
    });
  }

  it("with the flipped kernel is a true convolution, as scipy.signal.convolve2d", () => {
    const c = ref.convolve2d;
    const x = new Tensor([1, 1, ...c.xShape], c.x), k = new Tensor([1, 1, ...c.kShape], c.k);
    const { out } = conv2dForward(x, flipKernel(k), Matrix.zeros(1, 1));
    expectClose(out.data, c.valid);
    expect(flipKernel(flipKernel(k)).data).toEqual(k.data);
  });

  it("dx is the full convolution of dout with the kernel: conv2d(dout, flipped and swapped w)", () => {
    const rng = new Random(9);
    const x = randomTensor(rng, [2, 3, 6, 5]), w = randomTensor(rng, [4, 3, 3, 2]);
    const { out, cache } = conv2dForward(x, w, rng.randn(1, 4), { padding: 1 });
    const dout = randomTensor(rng, out.shape);
    const { dx } = conv2dBackward(dout, cache);
    const flipped = flipKernel(w, { swapInOut: true });
    expect(flipped.shape).toEqual([3, 4, 3, 2]);
    const full = conv2dForward(dout, flipped, Matrix.zeros(1, 3), {
      padding: [3 - 1 - 1, 2 - 1 - 1],
    });
    expectClose(full.out.data, Array.from(dx.data));
  });

  it("im2col lays out the receptive fields as torch's F.unfold", () => {
    for (const c of ref.unfold) {
      const x = tensor(c.x);
      c.cols.forEach((expected, n) => {
        const cols = im2col(x, c.kernel as Pair, {
          stride: c.stride as Pair,
          padding: c.padding as Pair,
          image: n,
        });
        expect(cols.shape).toEqual([c.rows, c.colsCount]);
        expect(Array.from(cols.data)).toEqual(expected); // copies: exact
      });
    }
    expect(() => im2col(Tensor.zeros(2, 1, 3, 3), 2, { image: 2 })).toThrow(
      "im2col: image must be an index below 2, got 2",
    );
  });

  it("the im2col form equals the naive loops on random shapes, strides and paddings", () => {
    const rng = new Random(3);
    for (
      const [xs, ws, stride, padding] of [
        [[3, 2, 9, 7], [4, 2, 3, 3], 1, 1],
        [[2, 3, 11, 10], [2, 3, 5, 4], [2, 3], [2, 0]],
        [[1, 1, 28, 28], [8, 1, 3, 3], 1, 1],
        [[4, 5, 6, 6], [7, 5, 1, 1], 2, 0],
      ] as [number[], number[], Pair, Pair][]
    ) {
      const x = randomTensor(rng, xs), w = randomTensor(rng, ws), b = rng.randn(1, ws[0]);
      const fast = conv2dForward(x, w, b, { stride, padding });
      const naive = conv2dNaiveForward(x, w, b, { stride, padding });
      expectClose(fast.out.data, Array.from(naive.out.data));
      const dout = randomTensor(rng, fast.out.shape);
      const f = conv2dBackward(dout, fast.cache), s = conv2dNaiveBackward(dout, naive.cache);
      expectClose(f.dx.data, Array.from(s.dx.data));
      expectClose(f.dw.data, Array.from(s.dw.data));
      expectClose(f.db, Array.from(s.db.data));
      const noInput = conv2dBackward(dout, fast.cache, { needsInputGrad: false });
      expect(noInput.dx).toBeNull();
      expect(Array.from(noInput.dw.data)).toEqual(Array.from(f.dw.data));
    }
  });

  it("passes a numerical gradient check (stride 2, padding 1)", () => {
    const rng = new Random(7);
    const x = randomTensor(rng, [2, 3, 5, 6]);
    const w = randomTensor(rng, [2, 3, 3, 2]);
    const b = rng.randn(1, 2);
    const params = { stride: 2, padding: 1 };
    const { out, cache } = conv2dForward(x, w, b, params);
    const dout = randomTensor(rng, out.shape);
    const { dx, dw, db } = conv2dBackward(dout, cache);
    const f = () => conv2dForward(x, w, b, params).out;
    expect(relError(numericGrad(f, x, dout), flatView(dx))).toBeLessThan(1e-7);
    expect(relError(numericGrad(f, w, dout), flatView(dw))).toBeLessThan(1e-7);
    expect(relError(numericGrad(f, b, dout), flatOf(db))).toBeLessThan(1e-7);
  });

  it("is a cross-correlation (no kernel flip) and pads with zeros", () => {
    const x = Tensor.from([[[[1, 2], [3, 4]]]]);
    const w = Tensor.from([[[[1, 0], [0, 0]]]]); // picks the top-left of each window
    const { out } = conv2dForward(x, w, Matrix.from([[0.5]]), { padding: 1 });
    expect(out.toArray()).toEqual([[[[0.5, 0.5, 0.5], [0.5, 1.5, 2.5], [0.5, 3.5, 4.5]]]]);
  });

  it("rejects bad input with messages naming conv2d and the shapes", () => {
    const x = Tensor.zeros(2, 3, 5, 5), b = Matrix.zeros(1, 4);
    expect(() => conv2dForward(x, Tensor.zeros(4, 2, 3, 3), b)).toThrow(ShapeError);
    expect(() => conv2dForward(x, Tensor.zeros(4, 2, 3, 3), b)).toThrow(
      "conv2dForward: input 2×3×5×5 has 3 channels but weight 4×2×3×3 expects 2",
    );
    const w = Tensor.zeros(4, 3, 3, 3);
    expect(() => conv2dForward(x, w, Matrix.zeros(1, 3))).toThrow(
      "conv2dForward: bias must be 1×4 for weight 4×3×3×3, got 1×3",
    );
    expect(() => conv2dForward(x, Tensor.zeros(4, 3, 7, 3), b)).toThrow(
      /^conv2dForward: kernel 7×3 .* does not fit input 2×3×5×5/,
    );
    expect(() => conv2dForward(Tensor.zeros(0, 3, 5, 5), w, b)).toThrow(
      /^conv2dForward: empty batch/,
    );
    expect(() => conv2dForward(x, w, b, { stride: 0 })).toThrow(RangeError);
    expect(() => conv2dForward(x, w, b, { stride: 0 })).toThrow(/^conv2dForward: stride must be/);
    expect(() => conv2dForward(x, w, b, { padding: -1 })).toThrow(
      /^conv2dForward: padding must be/,
    );
    const bad = x.clone();
    bad.set(1, 2, 3, 4, NaN);
    expect(() => conv2dForward(bad, w, b)).toThrow(NonFiniteError);
    expect(() => conv2dForward(bad, w, b)).toThrow("conv2dForward: entry (1, 2, 3, 4) is NaN");
    const { cache } = conv2dForward(x, w, b);
    expect(() => conv2dBackward(Tensor.zeros(2, 4, 3, 2), cache)).toThrow(
      "conv2dBackward: dout is 2×4×3×2 but the output was 2×4×3×3",
    );
  });
});

describe("maxpool", () => {
  ref.maxpool.forEach((c, k) => {
    const params = { kernelSize: c.kernel as Pair, stride: c.stride as Pair };
    it(`matches torch max_pool2d and its gradient, case ${k} (${JSON.stringify(params)})`, () => {
      const { out, cache } = maxpoolForward(tensor(c.x), params);
      expect(Array.from(cache.argmax)).toEqual(c.indices); // PyTorch's return_indices, per plane
      expectTensor(out, c.out);
      expectTensor(maxpoolBackward(tensor(c.dout), cache).dx, c.dx);
    });
  });

  it("on ties gives the gradient to the first maximum in row-major order, as PyTorch", () => {
    // The same two cases are asserted against torch in gen_layers_spatial.py.
    const one = Tensor.from([[[[1]]]]);
    const a = maxpoolForward(Tensor.from([[[[1, 1], [1, 1]]]]), { kernelSize: 2 });
    const da = maxpoolBackward(one, a.cache).dx;
    expect(Array.from(da.data)).toEqual([1, 0, 0, 0]);
    const x = Tensor.from([[[[0, 2, 1], [2, 2, 0], [1, 0, 2]]]]);
    const b = maxpoolForward(x, { kernelSize: 3 });
    expect(b.out.data[0]).toBe(2);
    const db = maxpoolBackward(one, b.cache).dx;
    expect(Array.from(db.data)).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("stride defaults to the kernel size", () => {
    const { out } = maxpoolForward(Tensor.from([[[[1, 5, 2, 0], [3, 4, 8, 1]]]]), {
      kernelSize: 2,
    });
    expect(out.toArray()).toEqual([[[[5, 8]]]]);
  });

  it("passes a numerical gradient check with overlapping windows", () => {
    const rng = new Random(11);
    const x = randomTensor(rng, [2, 2, 7, 6]); // distinct values: no tie within ±1e-5
    const params = { kernelSize: 3, stride: 2 };
    const { out, cache } = maxpoolForward(x, params);
    const dout = randomTensor(rng, out.shape);
    const { dx } = maxpoolBackward(dout, cache);
    const num = numericGrad(() => maxpoolForward(x, params).out, x, dout);
    expect(relError(num, flatView(dx))).toBeLessThan(1e-7);
  });

  it("rejects bad input with messages naming maxpool", () => {
    const x = Tensor.zeros(1, 2, 3, 3);
    expect(() => maxpoolForward(x, { kernelSize: 4 })).toThrow(
      "maxpoolForward: kernel 4×4 is larger than input 1×2×3×3",
    );
    expect(() => maxpoolForward(x, { kernelSize: 2, stride: 0 })).toThrow(RangeError);
    expect(() => maxpoolForward(x, { kernelSize: 0 })).toThrow(
      /^maxpoolForward: kernelSize must be/,
    );
    expect(() => maxpoolForward(Tensor.zeros(0, 2, 3, 3), { kernelSize: 2 })).toThrow(
      /^maxpoolForward: empty batch/,
    );
    const bad = x.clone();
    bad.set(0, 1, 2, 2, Infinity);
    expect(() => maxpoolForward(bad, { kernelSize: 2 })).toThrow(NonFiniteError);
    const { cache } = maxpoolForward(x, { kernelSize: 2 });
    expect(() => maxpoolBackward(Tensor.zeros(1, 2, 2, 2), cache)).toThrow(
      "maxpoolBackward: dout is 1×2×2×2 but the output was 1×2×1×1",
    );
  });
});

describe("avgpool", () => {
  ref.avgpool.forEach((c, k) => {
    const params = { kernelSize: c.kernel as Pair, stride: (c.stride ?? undefined) as Pair };
    it(`matches torch avg_pool2d and its gradient, case ${k} (${JSON.stringify(params)})`, () => {
      const { out, cache } = avgpoolForward(tensor(c.x), params);
      expectTensor(out, c.out);
      expectTensor(avgpoolBackward(tensor(c.dout), cache).dx, c.dx);
    });
  });

  it("shares each gradient equally over its window; passes a numerical gradient check", () => {
    const { cache } = avgpoolForward(Tensor.zeros(1, 1, 2, 2), { kernelSize: 2 });
    expect(Array.from(avgpoolBackward(Tensor.from([[[[1]]]]), cache).dx.data)).toEqual([
      0.25,
      0.25,
      0.25,
      0.25,
    ]);
    const rng = new Random(12);
    const x = randomTensor(rng, [2, 2, 7, 6]), params = { kernelSize: 3, stride: 2 };
    const { out, cache: c2 } = avgpoolForward(x, params);
    const dout = randomTensor(rng, out.shape);
    const num = numericGrad(() => avgpoolForward(x, params).out, x, dout);
    expect(relError(num, flatView(avgpoolBackward(dout, c2).dx))).toBeLessThan(1e-7);
  });

  it("rejects bad input with messages naming avgpool", () => {
    const x = Tensor.zeros(1, 2, 3, 3);
    expect(() => avgpoolForward(x, { kernelSize: 4 })).toThrow(
      "avgpoolForward: kernel 4×4 is larger than input 1×2×3×3",
    );
    expect(() => avgpoolForward(x, { kernelSize: 2, stride: 0 })).toThrow(RangeError);
    const { cache } = avgpoolForward(x, { kernelSize: 2 });
    expect(() => avgpoolBackward(Tensor.zeros(1, 2, 2, 2), cache)).toThrow(
      "avgpoolBackward: dout is 1×2×2×2 but the output was 1×2×1×1",
    );
  });
});
// The checks above could fail: a gradient that is off by 1% is caught.
describe("gradient checks can fail", () => {
  it("detects a wrong conv2d gradient", () => {
    const rng = new Random(1);
    const x = randomTensor(rng, [1, 1, 3, 3]), w = randomTensor(rng, [1, 1, 2, 2]);
    const b = Matrix.zeros(1, 1);
    const { cache } = conv2dForward(x, w, b);
    const dout = randomTensor(rng, [1, 1, 2, 2]);
    const dw = conv2dBackward(dout, cache).dw.map((g) => g * 1.01);
    const loss = () => {
      const o = conv2dForward(x, w, b).out;
      return o.data.reduce((s, v, i) => s + v * dout.data[i], 0);
    };
    expect(relError(numericalGradient(loss, flatView(w)), flatView(dw))).toBeGreaterThan(1e-4);
  });
});
