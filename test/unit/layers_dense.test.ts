import { describe, expect, it } from "vitest";
import { Matrix, NonFiniteError, ShapeError } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradientArray, relError } from "../../lib/check/gradcheck.ts";
import { linearBackward, linearForward } from "../../lib/nn/layers/linear.ts";
import { mlpBackward, mlpForward, mlpInit } from "../../lib/nn/layers/mlp.ts";
import { type Activation, relu } from "../../lib/nn/activations.ts";
import {
  batchnormBackward,
  batchnormForward,
  batchnormRunningInit,
} from "../../lib/nn/layers/batchnorm.ts";
import { layernormBackward, layernormForward } from "../../lib/nn/layers/layernorm.ts";
import { softmaxBackward, softmaxForward } from "../../lib/nn/layers/softmax.ts";
import { mlpDeltas } from "../../lib/nn/backprop.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/layers_dense.json" with { type: "json" };

const M = (a: number[][]) => Matrix.from(a);

const tanh: Activation = {
  name: "tanh",
  f: Math.tanh,
  df: (x) => 1 - Math.tanh(x) ** 2,
};

describe("linear", () => {
  const r = ref.linear;
  it("matches PyTorch F.linear forward and autograd", () => {
    const { out, cache } = linearForward(M(r.x), M(r.w), M(r.b));
    expectClose(out, r.out);
    const { dx, dw, db } = linearBackward(M(r.dout), cache);
    expectClose(dx, r.dx);
    expectClose(dw, r.dw);
    expectClose(db, r.db);
    expect(dw.shape).toEqual([3, 5]); // PyTorch layout: out×in, like w
  });
  it("passes a numerical gradient check for x, w and b", () => {
    const x = M(r.x), w = M(r.w), b = M(r.b), dout = M(r.dout);
    const f = () => linearForward(x, w, b).out;
    const { dx, dw, db } = linearBackward(dout, linearForward(x, w, b).cache);
    expect(relError(dx, numericalGradientArray(f, x, dout))).toBeLessThan(1e-7);
    expect(relError(dw, numericalGradientArray(f, w, dout))).toBeLessThan(1e-7);
    expect(relError(db, numericalGradientArray(f, b, dout))).toBeLessThan(1e-7);
  });
  it("rejects bad input, naming the operation", () => {
    const w = new Matrix(3, 5), b = new Matrix(1, 3);
    expect(() => linearForward(new Matrix(2, 4), w, b)).toThrow(ShapeError);
    expect(() => linearForward(new Matrix(2, 4), w, b)).toThrow(/^linearForward: x is 2×4/);
    expect(() => linearForward(new Matrix(2, 5), w, new Matrix(3, 1))).toThrow(
      /^linearForward: b must be 1×3/,
    );
    expect(() => linearForward(new Matrix(0, 5), w, b)).toThrow(/^linearForward: empty batch/);
    expect(() => linearForward(Matrix.filled(2, 5, NaN), w, b)).toThrow(NonFiniteError);
    const { cache } = linearForward(new Matrix(2, 5), w, b);
    expect(() => linearBackward(new Matrix(2, 4), cache)).toThrow(/^linearBackward: dout/);
  });
});

describe("linear: checks and reuse that change no number", () => {
  const rng = new Random(21);
  const bits = (m: Matrix) => Array.from(m.data);
  it("finds NaN or ±Infinity in x, w or b, also where it meets a zero weight", () => {
    const cases: [string, number, number][] = [["x", 7, NaN], ["w", 3, Infinity], [
      "b",
      1,
      -Infinity,
    ]];
    for (const [name, at, bad] of cases) {
      const x = rng.randn(4, 3), w = rng.randn(2, 3), b = rng.randn(1, 2);
      ({ x, w, b })[name as "x" | "w" | "b"].data[at] = bad;
      expect(() => linearForward(x, w, b)).toThrow(NonFiniteError);
      expect(() => linearForward(x, w, b)).toThrow(/^linearForward: entry \(\d, \d\) is /);
    }
    const x = rng.randn(2, 3), w = rng.randn(2, 3);
    x.data[1] = Infinity;
    w.data[1] = w.data[4] = 0; // ∞·0 = NaN in every output of that row
    expect(() => linearForward(x, w, new Matrix(1, 2))).toThrow(
      "linearForward: entry (0, 1) is Infinity",
    );
  });
  it("lets an overflow of finite inputs through, as PyTorch does", () => {
    const { out } = linearForward(
      Matrix.filled(1, 2, 1e200),
      Matrix.filled(1, 2, 1e200),
      new Matrix(1, 1),
    );
    expect(out.data[0]).toBe(Infinity);
  });
  it("finds NaN or ±Infinity in dout", () => {
    const { cache } = linearForward(rng.randn(3, 2), rng.randn(4, 2), rng.randn(1, 4));
    for (const bad of [NaN, Infinity, -Infinity]) {
      const dout = rng.randn(3, 4);
      dout.set(2, 1, bad);
      expect(() => linearBackward(dout, cache)).toThrow(`linearBackward: entry (2, 1) is ${bad}`);
    }
    const huge = Matrix.filled(3, 4, 1e308); // its column sums overflow: no error, as before
    expect(linearBackward(huge, cache).db.data[0]).toBe(Infinity);
  });
  it("skips dx when needsInputGrad is false; dw and db are the same bit for bit", () => {
    const x = rng.randn(5, 4), w = rng.randn(3, 4), dout = rng.randn(5, 3);
    const { cache } = linearForward(x, w, rng.randn(1, 3));
    const all = linearBackward(dout, cache);
    const some = linearBackward(dout, cache, { needsInputGrad: false });
    expect(some.dx).toBeNull();
    expect(bits(some.dw)).toEqual(bits(all.dw));
    expect(bits(some.db)).toEqual(bits(all.db));
  });
  it("reuse overwrites an earlier result that fits, bit for bit, and allocates when it does not", () => {
    const w = rng.randn(3, 4), b = rng.randn(1, 3);
    const x = rng.randn(5, 4), dout = rng.randn(5, 3);
    const fresh = linearForward(x, w, b), grads = linearBackward(dout, fresh.cache);
    const old = linearForward(rng.randn(5, 4), w, b);
    const oldGrads = linearBackward(rng.randn(5, 3), old.cache);
    const again = linearForward(x, w, b, { reuse: old.out });
    expect(again.out).toBe(old.out);
    expect(bits(again.out)).toEqual(bits(fresh.out));
    const g = linearBackward(dout, again.cache, { reuse: oldGrads });
    expect(g.dx).toBe(oldGrads.dx);
    expect(g.dw).toBe(oldGrads.dw);
    expect(g.db).toBe(oldGrads.db);
    expect([bits(g.dx), bits(g.dw), bits(g.db)]).toEqual([
      bits(grads.dx),
      bits(grads.dw),
      bits(grads.db),
    ]);
    // a batch of another size: out and dx are new, dw and db still fit
    const small = linearForward(rng.randn(2, 4), w, b, { reuse: old.out });
    expect(small.out).not.toBe(old.out);
    expect(small.out.shape).toEqual([2, 3]);
    const sg = linearBackward(rng.randn(2, 3), small.cache, { reuse: oldGrads });
    expect(sg.dx).not.toBe(oldGrads.dx);
    expect(sg.dw).toBe(oldGrads.dw);
  });
});

describe("mlp: without the input gradient and with reuse", () => {
  const rng = new Random(22);
  const bits = (m: Matrix | null) => (m === null ? null : Array.from(m.data));
  const flat = (g: { dx: Matrix | null; grads: { dw: Matrix; db: Matrix }[] }) => [
    bits(g.dx),
    ...g.grads.flatMap((l) => [bits(l.dw), bits(l.db)]),
  ];
  for (const [name, act] of [["relu", relu], ["tanh", tanh]] as const) {
    it(`gives the same numbers bit for bit, into the earlier matrices (${name})`, () => {
      const ps = mlpInit([6, 5, 4, 3], rng, { init: "he" });
      const x = rng.randn(7, 6), dout = rng.randn(7, 3);
      const fresh = mlpForward(x, ps, { activation: act }), grads = mlpBackward(dout, fresh.cache);
      const old = mlpForward(rng.randn(7, 6), ps, { activation: act });
      const oldGrads = mlpBackward(rng.randn(7, 3), old.cache, { needsInputGrad: false });
      const again = mlpForward(x, ps, { activation: act, reuse: old.cache });
      expect(again.out).toBe(old.out);
      again.cache.layers.forEach((l, i) => {
        expect(l.z).toBe(old.cache.layers[i].z);
        expect(bits(l.z)).toEqual(bits(fresh.cache.layers[i].z));
        expect(bits(l.linear.x)).toEqual(bits(fresh.cache.layers[i].linear.x));
      });
      expect(again.cache.layers[0].linear.x).toBe(x); // the data itself is never overwritten
      const g = mlpBackward(dout, again.cache, { needsInputGrad: false, reuse: oldGrads });
      expect(g.dx).toBeNull();
      g.grads.forEach((l, i) => expect(l.dw).toBe(oldGrads.grads[i].dw));
      expect(flat(g)).toEqual(flat({ dx: null, grads: grads.grads }));
      const withDx = mlpBackward(dout, again.cache, { reuse: g });
      expect(flat(withDx)).toEqual(flat(grads));
    });
  }
  it("returns each layer's δ, equal bit for bit to mlpDeltas, and reuses them", () => {
    const ps = mlpInit([5, 6, 4, 3], rng, { init: "he" });
    const x = rng.randn(8, 5), dout = rng.randn(8, 3);
    const { cache } = mlpForward(x, ps, { activation: tanh });
    const g = mlpBackward(dout, cache);
    expect(g.deltas.length).toBe(3);
    expect(g.deltas[2]).toBe(dout);
    expect(g.deltas.map(bits)).toEqual(mlpDeltas(dout, cache).map(bits));
    const again = mlpBackward(rng.randn(8, 3), cache, { reuse: g });
    expect(again.deltas[0]).toBe(g.deltas[0]);
    expect(again.deltas[1]).toBe(g.deltas[1]);
  });
  it("allocates afresh for a batch of another size", () => {
    const ps = mlpInit([4, 3, 2], rng);
    const old = mlpForward(rng.randn(5, 4), ps);
    const small = mlpForward(rng.randn(2, 4), ps, { reuse: old.cache });
    expect(small.out.shape).toEqual([2, 2]);
    expect(small.out).not.toBe(old.out);
    expect(bits(small.out)).toEqual(bits(mlpForward(small.cache.layers[0].linear.x, ps).out));
  });
});

describe("mlp", () => {
  const r = ref.mlp;
  const params = () => r.params.map((p) => ({ w: M(p.w), b: M(p.b) }));
  for (const [name, act] of [["relu", relu], ["tanh", tanh]] as const) {
    it(`matches PyTorch for a 3-layer ${name} network`, () => {
      const { out, cache } = mlpForward(M(r.x), params(), { activation: act });
      const expected = r[name];
      expectClose(out, expected.out);
      const { dx, grads } = mlpBackward(M(r.dout), cache);
      expectClose(dx, expected.dx);
      expect(grads.length).toBe(3);
      grads.forEach((g, l) => {
        expectClose(g.dw, expected.grads[l].dw);
        expectClose(g.db, expected.grads[l].db);
      });
    });
    it(`passes a numerical gradient check for every W, b and x (${name})`, () => {
      const x = M(r.x), ps = params(), dout = M(r.dout);
      const { cache } = mlpForward(x, ps, { activation: act });
      // Keep the ReLU check away from its kink: no pre-activation near 0.
      if (name === "relu") {
        for (const { z } of cache.layers) {
          for (const v of z.data) expect(Math.abs(v)).toBeGreaterThan(1e-3);
        }
      }
      const f = () => mlpForward(x, ps, { activation: act }).out;
      const { dx, grads } = mlpBackward(dout, cache);
      expect(relError(dx, numericalGradientArray(f, x, dout))).toBeLessThan(1e-7);
      ps.forEach((p, l) => {
        expect(relError(grads[l].dw, numericalGradientArray(f, p.w, dout))).toBeLessThan(1e-7);
        expect(relError(grads[l].db, numericalGradientArray(f, p.b, dout))).toBeLessThan(1e-7);
      });
    });
  }
  it("uses ReLU by default, with ReLU'(0) = 0 as in PyTorch", () => {
    expect(relu.df(0)).toBe(0);
    const { out } = mlpForward(M(r.x), params());
    expectClose(out, r.relu.out);
  });
  it("initialises with the requested shapes and scales", () => {
    const sizes = [200, 100, 50, 10];
    for (const init of ["torch", "he", "xavier", "xavier-normal"] as const) {
      const ps = mlpInit(sizes, new Random(1), { init });
      expect(ps.map((p) => [p.w.shape, p.b.shape])).toEqual([
        [[100, 200], [1, 100]],
        [[50, 100], [1, 50]],
        [[10, 50], [1, 10]],
      ]);
      const w = ps[0].w.data;
      const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
      const expected = {
        torch: 1 / (3 * 200), // uniform on ±1/√in has variance (1/√in)²/3
        he: 2 / 200,
        xavier: 2 / 300,
        "xavier-normal": 2 / 300,
      }[init];
      expect(Math.abs(variance / expected - 1)).toBeLessThan(0.05);
      if (init === "torch") {
        expect(Math.max(...ps[0].b.data.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(200));
        expect(Math.max(...ps[0].b.data.map(Math.abs))).toBeGreaterThan(0);
      } else expect(ps.every((p) => p.b.data.every((v) => v === 0))).toBe(true);
    }
    // repeatable for a seed
    expect(mlpInit([3, 2], new Random(7)).map((p) => p.w.toArray())).toEqual(
      mlpInit([3, 2], new Random(7)).map((p) => p.w.toArray()),
    );
  });
  it("keeps the pre-activation variance through 6 ReLU layers with He init, not Xavier", () => {
    const meanSq = (m: Matrix) => m.data.reduce((s, v) => s + v * v, 0) / m.data.length;
    const ratio = (init: "he" | "xavier") => {
      const rng = new Random(3);
      const ps = mlpInit([200, 200, 200, 200, 200, 200, 200], rng, { init });
      const { cache } = mlpForward(rng.randn(500, 200), ps);
      return meanSq(cache.layers[5].z) / meanSq(cache.layers[0].z);
    };
    expect(Math.abs(ratio("he") - 1)).toBeLessThan(0.35); // ReLU halves, 2/n doubles back
    expect(ratio("xavier")).toBeLessThan(0.1); // about (1/2)^5 ≈ 0.03
  });
  it("rejects bad input, naming the operation", () => {
    expect(() => mlpInit([3], new Random(1))).toThrow(/^mlpInit: /);
    expect(() => mlpInit([3, 0], new Random(1))).toThrow(RangeError);
    const ps = mlpInit([3, 4, 2], new Random(1));
    expect(() => mlpForward(new Matrix(2, 5), ps)).toThrow(/^mlpForward: layer 0 expects 3/);
    expect(() => mlpForward(new Matrix(2, 3), [])).toThrow(/^mlpForward: /);
    expect(() => mlpForward(new Matrix(0, 3), ps)).toThrow(/empty batch/);
    const { cache } = mlpForward(new Matrix(2, 3), ps);
    expect(() => mlpBackward(new Matrix(2, 3), cache)).toThrow(/^mlpBackward: dout must be 2×2/);
  });
});

describe("batchnorm (BatchNorm1d)", () => {
  const r = ref.batchnorm;
  it("matches PyTorch over 3 training steps: outputs, gradients, running statistics", () => {
    let running = batchnormRunningInit(4);
    for (const s of r.steps) {
      const fwd = batchnormForward(M(s.x), M(r.gamma), M(r.beta), running, { training: true });
      expectClose(fwd.out, s.out);
      running = fwd.running;
      expectClose(running.mean, s.running_mean);
      expectClose(running.var, s.running_var); // updated with the unbiased variance
      const { dx, dgamma, dbeta } = batchnormBackward(M(s.dout), fwd.cache);
      expectClose(dx, s.dx);
      expectClose(dgamma, s.dgamma);
      expectClose(dbeta, s.dbeta);
    }
    const e = r.eval;
    const fwd = batchnormForward(M(e.x), M(r.gamma), M(r.beta), running, { training: false });
    expectClose(fwd.out, e.out);
    expect(fwd.running).toBe(running); // eval leaves the statistics alone
    const { dx, dgamma, dbeta } = batchnormBackward(M(e.dout), fwd.cache);
    expectClose(dx, e.dx);
    expectClose(dgamma, e.dgamma);
    expectClose(dbeta, e.dbeta);
  });
  it("shows the batch mean and biased variance it normalised with (PyTorch's running update)", () => {
    const s = r.steps[0], n = s.x.length;
    const { cache } = batchnormForward(M(s.x), M(r.gamma), M(r.beta), batchnormRunningInit(4), {
      training: true,
    });
    // From mean 0 and variance 1, one step with momentum 0.1 gives running_mean = 0.1·μ and
    // running_var = 0.9 + 0.1·σ²·n/(n − 1): torch's numbers recover the batch statistics.
    expectClose(cache.mean, [s.running_mean[0].map((m: number) => m / 0.1)], 1e-12);
    expectClose(
      cache.var,
      [s.running_var[0].map((v: number) => (v - 0.9) / 0.1 * (n - 1) / n)],
      1e-9,
    );
  });
  it("does not modify the running statistics it is given", () => {
    const running = batchnormRunningInit(4);
    const s = r.steps[0];
    batchnormForward(M(s.x), M(r.gamma), M(r.beta), running, { training: true });
    expect(Array.from(running.mean.data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(running.var.data)).toEqual([1, 1, 1, 1]);
  });
  for (const training of [true, false]) {
    it(`passes a numerical gradient check (${training ? "training" : "eval"})`, () => {
      const s = r.steps[1];
      const x = M(s.x), gamma = M(r.gamma), beta = M(r.beta), dout = M(s.dout);
      const running = { mean: M(r.steps[0].running_mean), var: M(r.steps[0].running_var) };
      const f = () => batchnormForward(x, gamma, beta, running, { training }).out;
      const { cache } = batchnormForward(x, gamma, beta, running, { training });
      const { dx, dgamma, dbeta } = batchnormBackward(dout, cache);
      expect(relError(dx, numericalGradientArray(f, x, dout))).toBeLessThan(1e-7);
      expect(relError(dgamma, numericalGradientArray(f, gamma, dout))).toBeLessThan(1e-7);
      expect(relError(dbeta, numericalGradientArray(f, beta, dout))).toBeLessThan(1e-7);
    });
  }
  it("rejects bad input, naming the operation", () => {
    const g = Matrix.filled(1, 3, 1), b = new Matrix(1, 3), run = batchnormRunningInit(3);
    const train = { training: true };
    expect(() => batchnormForward(new Matrix(4, 2), g, b, run, train)).toThrow(ShapeError);
    expect(() => batchnormForward(new Matrix(4, 2), g, b, run, train)).toThrow(
      /^batchnormForward: gamma must be 1×2/,
    );
    expect(() => batchnormForward(new Matrix(0, 3), g, b, run, train)).toThrow(
      /^batchnormForward: empty batch/,
    );
    expect(() => batchnormForward(new Matrix(1, 3), g, b, run, train)).toThrow(
      /^batchnormForward: training needs at least 2/,
    );
    expect(() => batchnormForward(new Matrix(1, 3), g, b, run, { training: false })).not.toThrow();
    expect(() => batchnormForward(new Matrix(2, 3), g, b, run, { training: true, momentum: 2 }))
      .toThrow(/^batchnormForward: momentum/);
    expect(() => batchnormForward(new Matrix(2, 3), g, b, run, { training: true, eps: 0 }))
      .toThrow(RangeError);
    expect(() => batchnormForward(Matrix.filled(2, 3, Infinity), g, b, run, train)).toThrow(
      NonFiniteError,
    );
    const { cache } = batchnormForward(new Matrix(2, 3), g, b, run, train);
    expect(() => batchnormBackward(new Matrix(3, 3), cache)).toThrow(/^batchnormBackward: dout/);
  });
});

describe("layernorm", () => {
  const r = ref.layernorm;
  it("matches PyTorch nn.LayerNorm forward and autograd", () => {
    const { out, cache } = layernormForward(M(r.x), M(r.gamma), M(r.beta));
    expectClose(out, r.out);
    const { dx, dgamma, dbeta } = layernormBackward(M(r.dout), cache);
    expectClose(dx, r.dx);
    expectClose(dgamma, r.dgamma);
    expectClose(dbeta, r.dbeta);
  });
  it("passes a numerical gradient check", () => {
    const x = M(r.x), gamma = M(r.gamma), beta = M(r.beta), dout = M(r.dout);
    const f = () => layernormForward(x, gamma, beta).out;
    const { dx, dgamma, dbeta } = layernormBackward(dout, layernormForward(x, gamma, beta).cache);
    expect(relError(dx, numericalGradientArray(f, x, dout))).toBeLessThan(1e-7);
    expect(relError(dgamma, numericalGradientArray(f, gamma, dout))).toBeLessThan(1e-7);
    expect(relError(dbeta, numericalGradientArray(f, beta, dout))).toBeLessThan(1e-7);
  });
  it("shows each row's mean and biased variance in its cache", () => {
    const { cache } = layernormForward(M(r.x), M(r.gamma), M(r.beta));
    r.x.forEach((row: number[], i: number) => {
      const mean = row.reduce((s, t) => s + t, 0) / row.length;
      expectClose(cache.mean.get(i, 0), mean, 1e-14);
      expectClose(cache.var.get(i, 0), row.reduce((s, t) => s + (t - mean) ** 2, 0) / row.length);
    });
    expect([cache.mean.rows, cache.mean.cols]).toEqual([r.x.length, 1]);
  });
  it("normalises each example on its own (a batch of one works)", () => {
    const x = M([r.x[0]]);
    const { out } = layernormForward(x, Matrix.filled(1, 5, 1), new Matrix(1, 5));
    const biasedVar = (v: number[]) => {
      const mean = v.reduce((s, t) => s + t, 0) / v.length;
      return { mean, variance: v.reduce((s, t) => s + (t - mean) ** 2, 0) / v.length };
    };
    const { mean, variance } = biasedVar(Array.from(out.data));
    const sigma2 = biasedVar(r.x[0]).variance;
    expect(Math.abs(mean)).toBeLessThan(1e-12);
    expectClose(variance, sigma2 / (sigma2 + 1e-5)); // ε keeps it just below 1
  });
  it("rejects bad input, naming the operation", () => {
    const g = Matrix.filled(1, 3, 1), b = new Matrix(1, 3);
    expect(() => layernormForward(new Matrix(2, 4), g, b)).toThrow(/^layernormForward: gamma/);
    expect(() => layernormForward(new Matrix(0, 3), g, b)).toThrow(/^layernormForward: empty/);
    expect(() => layernormForward(Matrix.filled(2, 3, NaN), g, b)).toThrow(NonFiniteError);
    expect(() => layernormForward(new Matrix(2, 3), g, b, { eps: -1 })).toThrow(
      /^layernormForward: eps/,
    );
    const { cache } = layernormForward(new Matrix(2, 3), g, b);
    expect(() => layernormBackward(new Matrix(2, 2), cache)).toThrow(/^layernormBackward: dout/);
  });
});

describe("softmax", () => {
  const r = ref.softmax;
  it("matches PyTorch F.softmax and autograd, including rows shifted by ±1000", () => {
    const { out, cache } = softmaxForward(M(r.x));
    expectClose(out, r.out);
    for (let i = 0; i < out.rows; i++) {
      expect(Math.abs(out.row(i).reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-14);
    }
    expectClose(softmaxBackward(M(r.dout), cache).dx, r.dx);
  });
  it("passes a numerical gradient check", () => {
    const x = M(r.x.slice(0, 1).concat(r.x.slice(3))), dout = M([r.dout[0], r.dout[3]]);
    const f = () => softmaxForward(x).out;
    const { dx } = softmaxBackward(dout, softmaxForward(x).cache);
    expect(relError(dx, numericalGradientArray(f, x, dout))).toBeLessThan(1e-7);
  });
  it("rejects bad input, naming the operation", () => {
    expect(() => softmaxForward(new Matrix(0, 3))).toThrow(/^softmaxForward: empty batch/);
    expect(() => softmaxForward(Matrix.filled(1, 3, -Infinity))).toThrow(NonFiniteError);
    const { cache } = softmaxForward(new Matrix(2, 3));
    expect(() => softmaxBackward(new Matrix(3, 2), cache)).toThrow(/^softmaxBackward: dout/);
  });
});
