import { describe, expect, it } from "vitest";
import { relu, sigmoid, tanh } from "../../lib/nn/activations.ts";
import { numericalGradientArray, relError } from "../../lib/check/gradcheck.ts";
import { mlpForward } from "../../lib/nn/layers/mlp.ts";
import { matmul, Matrix, NonFiniteError, ShapeError, transpose } from "../../lib/core/matrix.ts";
import {
  appendBias,
  appendOnes,
  biasTrick,
  decisionBoundary,
  dot,
  layerBackward,
  layerForward,
  neuronForward,
  oneHiddenForward,
  signedDistance,
  unitGrid,
  windowBatch,
  windowVector,
} from "../../lib/nn/neuron.ts";
import { Random } from "../../lib/core/random.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/neuron.json" with { type: "json" };

const row = (v: number[]) => Matrix.from([v]);

describe("dot and neuronForward", () => {
  it("computes σ(w·x + b)", () => {
    expect(dot([1, 2, 3], [4, -5, 6])).toBe(12);
    const x = [0.5, -1.5, 2], w = [0.3, 0.2, -0.4], b = 0.1;
    const z = 0.15 - 0.3 - 0.8 + 0.1;
    expectClose(neuronForward(x, w, b), 1 / (1 + Math.exp(-z)), 1e-15);
  });

  it("is 0.5 on the boundary and agrees with one row of the PyTorch layer", () => {
    expect(neuronForward([2, 1], [1, -2], 0)).toBe(0.5);
    const { x, w, b, a } = ref.layer;
    for (let n = 0; n < x.length; n++) {
      for (let j = 0; j < w.length; j++) {
        expectClose(neuronForward(x[n], w[j], b[j]), a[n][j], 1e-12);
      }
    }
  });

  it("rejects mismatched lengths and non-finite values, naming the operation", () => {
    expect(() => dot([1], [1, 2])).toThrow(/^dot:/);
    expect(() => neuronForward([1, 2], [1], 0)).toThrow(ShapeError);
    expect(() => neuronForward([1, 2], [1], 0)).toThrow(/^neuronForward:/);
    expect(() => neuronForward([NaN], [1], 0)).toThrow(/^neuronForward: x\[0\]/);
    expect(() => neuronForward([1], [1], Infinity)).toThrow(/^neuronForward: b/);
  });
});

describe("the bias trick", () => {
  it("[w, b]·[x, 1] = w·x + b for one unit", () => {
    const rng = new Random(3);
    for (let k = 0; k < 20; k++) {
      const x = Array.from({ length: 6 }, () => rng.normal());
      const w = Array.from({ length: 6 }, () => rng.normal());
      const b = rng.normal();
      const aug = biasTrick(x, w, b);
      expect(aug.x).toEqual([...x, 1]);
      expect(aug.w).toEqual([...w, b]);
      expectClose(dot(aug.w, aug.x), dot(w, x) + b, 1e-13, 1e-14);
    }
    expect(() => biasTrick([1, 2], [1], 0)).toThrow(/^biasTrick:/);
  });

  it("appendOnes(X)·appendBias(W, b)ᵀ = X·Wᵀ + b for a layer", () => {
    const { x, w, b, z } = ref.layer;
    const X = Matrix.from(x), W = Matrix.from(w), B = row(b);
    const Xa = appendOnes(X), Wa = appendBias(W, B);
    expect(Xa.shape).toEqual([5, 5]);
    expect(Wa.shape).toEqual([3, 5]);
    expect(Xa.row(2)).toEqual([...x[2], 1]);
    expect(Wa.row(1)).toEqual([...w[1], b[1]]);
    expectClose(matmul(Xa, transpose(Wa)), z, 1e-12);
    expect(() => appendBias(W, row([1, 2]))).toThrow(/^appendBias:/);
  });
});

describe("layerForward / layerBackward", () => {
  const { x, w, b, dout, z, a, dx, dw, db } = ref.layer;
  const X = Matrix.from(x), W = Matrix.from(w), B = row(b);

  it("match torch.sigmoid(F.linear(x, w, b)) and its autograd gradients", () => {
    const fwd = layerForward(X, W, B);
    expectClose(fwd.z, z);
    expectClose(fwd.out, a);
    const g = layerBackward(Matrix.from(dout), fwd.cache);
    expectClose(g.dx, dx);
    expectClose(g.dw, dw);
    expectClose([...g.db.data], db);
  });

  it("pass a numerical gradient check (sigmoid and tanh)", () => {
    const rng = new Random(11);
    for (const act of [sigmoid, tanh]) {
      const xs = rng.randn(4, 3), ws = rng.randn(2, 3), bs = rng.randn(1, 2);
      const d = rng.randn(4, 2);
      const g = layerBackward(d, layerForward(xs, ws, bs, { activation: act }).cache);
      const f = () => layerForward(xs, ws, bs, { activation: act }).out;
      expect(relError(g.dx, numericalGradientArray(f, xs, d))).toBeLessThan(1e-7);
      expect(relError(g.dw, numericalGradientArray(f, ws, d))).toBeLessThan(1e-7);
      expect(relError(g.db, numericalGradientArray(f, bs, d))).toBeLessThan(1e-7);
    }
  });

  it("rejects a transposed weight and non-finite input", () => {
    expect(() => layerForward(X, transpose(W), B)).toThrow(ShapeError);
    expect(() => layerForward(X, transpose(W), B)).toThrow(/^linearForward:/);
    const bad = X.clone();
    bad.data[3] = NaN;
    expect(() => layerForward(bad, W, B)).toThrow(NonFiniteError);
  });
});

describe("oneHiddenForward", () => {
  const p = ref.one_hidden;
  const params = {
    w1: Matrix.from(p.w1),
    b1: row(p.b1),
    w2: Matrix.from(p.w2),
    b2: row(p.b2),
  };

  it("matches PyTorch: h = σ(W1 x + b1), s = W2 h + b2", () => {
    const { h, s } = oneHiddenForward(Matrix.from(p.x), params);
    expectClose(h, p.h);
    expectClose(s, p.s);
  });

  it("agrees with mlpForward for any activation", () => {
    const X = Matrix.from(p.x);
    const layers = [{ w: params.w1, b: params.b1 }, { w: params.w2, b: params.b2 }];
    for (const act of [sigmoid, relu]) {
      expectClose(
        oneHiddenForward(X, params, { activation: act }).s,
        mlpForward(X, layers, { activation: act }).out,
        1e-13,
      );
    }
  });

  it("rejects shapes that do not chain, naming the operation", () => {
    expect(() => oneHiddenForward(Matrix.zeros(2, 3), params)).toThrow(/^oneHiddenForward: x/);
    const broken = { ...params, w2: Matrix.zeros(2, 5) };
    expect(() => oneHiddenForward(Matrix.from(p.x), broken)).toThrow(/^oneHiddenForward: w2/);
  });
});

describe("windowVector / windowBatch", () => {
  const { E, windows, vectors } = ref.window;
  const emb = Matrix.from(E);

  it("match F.embedding(windows, E).reshape(N, n·d)", () => {
    const batch = windowBatch(emb, windows);
    expect(batch.shape).toEqual([4, 9]);
    expectClose(batch, vectors, 0, 0);
    expectClose(windowVector(emb, windows[2]), [vectors[2]], 0, 0);
  });

  it("concatenates in window order (slot k holds columns k·d … k·d + d − 1)", () => {
    const v = windowVector(emb, [7, 1]);
    expect(v.row(0)).toEqual([...E[7], ...E[1]]);
  });

  it("rejects bad windows, naming the operation", () => {
    expect(() => windowBatch(emb, [])).toThrow(/^windowBatch: empty batch/);
    expect(() => windowBatch(emb, [[1, 2], [3]])).toThrow(/^windowBatch: window 1/);
    expect(() => windowBatch(emb, [[1, 10]])).toThrow(/^windowBatch: word index 10/);
    expect(() => windowBatch(emb, [[1.5]])).toThrow(RangeError);
    expect(() => windowVector(emb, [])).toThrow(/^windowBatch:/);
  });
});

describe("decision boundary of one unit", () => {
  it("the segment lies on w·p + b = 0, where σ = 0.5", () => {
    const w: [number, number] = [1.5, -2], b = 0.7;
    const seg = decisionBoundary(w, b, [-3, 3]);
    for (let k = 0; k < 2; k++) {
      expectClose(w[0] * seg.x[k] + w[1] * seg.y[k] + b, 0, 0, 1e-14);
      expectClose(neuronForward([seg.x[k], seg.y[k]], w, b), 0.5, 1e-14);
    }
    expect(seg.x).toEqual([-3, 3]);
  });

  it("handles a vertical boundary and refuses w = 0", () => {
    expect(decisionBoundary([2, 0], -1, [-3, 3], [-1, 4])).toEqual({ x: [0.5, 0.5], y: [-1, 4] });
    expect(() => decisionBoundary([0, 0], 1, [0, 1])).toThrow(/^decisionBoundary:/);
  });

  it("unitGrid is σ(w·p + b) with rows along y", () => {
    const grid = unitGrid([1, 2], -1, [0, 1, 2], [-1, 0.5]);
    expect(grid.length).toBe(2);
    expect(grid[0].length).toBe(3);
    expectClose(grid[1][2], sigmoid.f(2 + 1 - 1), 1e-15);
    expectClose(grid[0][0], sigmoid.f(-2 - 1), 1e-15);
  });

  it("signedDistance is (w·p + b)/‖w‖ and its sign says which side σ > 0.5 is", () => {
    expectClose(signedDistance([3, 4], -5, [3, 4]), 4, 1e-15);
    expectClose(signedDistance([3, 4], -5, [0, 0]), -1, 1e-15);
    expect(neuronForward([3, 4], [3, 4], -5)).toBeGreaterThan(0.5);
    expect(() => signedDistance([0, 0], 1, [1, 1])).toThrow(/^signedDistance:/);
  });
});
