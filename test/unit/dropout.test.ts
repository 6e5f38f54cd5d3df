import { describe, expect, it } from "vitest";
import { Matrix, NonFiniteError, ShapeError } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradientArray, relError } from "../../lib/check/gradcheck.ts";
import {
  alphaDropoutBackward,
  alphaDropoutForward,
  bernoulliMask,
  classicDropoutBackward,
  classicDropoutForward,
  dropConnectBackward,
  dropConnectForward,
  dropoutBackward,
  dropoutForward,
  SELU_LAMBDA_ALPHA,
  spatialDropoutBackward,
  spatialDropoutForward,
  variationalDropoutBackward,
  variationalDropoutForward,
} from "../../lib/nn/layers/dropout.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/layers_dense.json" with { type: "json" };

const M = (a: number[][]) => Matrix.from(a);

/** Mean over `k` training passes of `forward`, each with a fresh mask from one seeded rng. */
function meanOutput(
  forward: (rng: Random) => Matrix,
  k: number,
  seed = 11,
): Matrix {
  const rng = new Random(seed);
  let acc: Matrix | undefined;
  for (let t = 0; t < k; t++) {
    const out = forward(rng);
    if (acc === undefined) acc = out.clone();
    else for (let i = 0; i < out.data.length; i++) acc.data[i] += out.data[i];
  }
  return acc!.map((v) => v / k);
}

describe("p = 1 drops everything: zeros out, zero gradient (as PyTorch's dropouts)", () => {
  const x = Matrix.from([[0.5, -2, 3], [1, 4, -0.25]]), dout = Matrix.filled(2, 3, 1);
  const rng = new Random(2);
  const cases = [
    ["dropoutForward", dropoutForward(x, { p: 1, rng }), dropoutBackward],
    ["spatialDropoutForward", spatialDropoutForward(x, 3, { p: 1, rng }), spatialDropoutBackward],
    ["alphaDropoutForward", alphaDropoutForward(x, { p: 1, rng }), alphaDropoutBackward],
    ["classicDropoutForward", classicDropoutForward(x, { p: 1, rng }), classicDropoutBackward],
  ] as const;
  for (const [name, fwd, backward] of cases) {
    it(name, () => {
      expect(fwd.out.data.every((v) => v === 0)).toBe(true);
      expect(backward(dout, fwd.cache).dx.data.every((v) => v === 0)).toBe(true);
    });
  }

  it("classic dropout in evaluation scales by 1 − p = 0", () => {
    const { out } = classicDropoutForward(x, { p: 1, training: false });
    expect(out.data.every((v) => v === 0)).toBe(true);
  });

  it("DropConnect with every weight dropped leaves the bias", () => {
    const w = Matrix.filled(2, 3, 1), b = Matrix.from([[0.5, -1]]);
    const { out, cache } = dropConnectForward(x, w, b, { p: 1, rng });
    expect(out.toArray()).toEqual([[0.5, -1], [0.5, -1]]);
    expect(dropConnectBackward(Matrix.filled(2, 2, 1), cache).dw.data.every((v) => v === 0))
      .toBe(true);
  });

  it("p and training default to PyTorch's 0.5 and true", () => {
    const mask = Matrix.from([[1, 0, 1], [0, 1, 1]]);
    expectClose(dropoutForward(x, { mask }).out, [[1, 0, 6], [0, 8, -0.5]], 0, 0);
  });
});

describe("inverted dropout (PyTorch F.dropout)", () => {
  const r = ref.dropout;
  it("matches PyTorch with the same mask, and is the identity in eval", () => {
    const { out, cache } = dropoutForward(M(r.x), { p: r.p, training: true, mask: M(r.mask) });
    expectClose(out, r.out);
    expectClose(dropoutBackward(M(r.dout), cache).dx, r.dx);
    const ev = dropoutForward(M(r.x), { p: r.p, training: false });
    expectClose(ev.out, r.out_eval);
    expectClose(dropoutBackward(M(r.dout), ev.cache).dx, r.dout);
  });
  it("passes a numerical gradient check", () => {
    const x = M(r.x), dout = M(r.dout), mask = M(r.mask);
    const f = () => dropoutForward(x, { p: r.p, training: true, mask }).out;
    const { dx } = dropoutBackward(dout, dropoutForward(x, { p: r.p, training: true, mask }).cache);
    expect(relError(dx, numericalGradientArray(f, x, dout))).toBeLessThan(1e-7);
  });
  it("keeps each unit with probability 1 − p (the mask is Bernoulli(1 − p), not Bernoulli(p))", () => {
    const p = 0.2, rng = new Random(5);
    const mask = bernoulliMask(200, 500, 1 - p, rng);
    const kept = mask.data.reduce((s, v) => s + v, 0) / mask.data.length;
    // std of the fraction: √(0.8·0.2/100000) ≈ 0.0013
    expect(Math.abs(kept - 0.8)).toBeLessThan(0.006);
    const { out } = dropoutForward(Matrix.filled(200, 500, 1), { p, training: true, rng });
    const nonzero = out.data.filter((v) => v !== 0).length / out.data.length;
    expect(Math.abs(nonzero - 0.8)).toBeLessThan(0.006);
  });
  it("preserves the mean activation: E[training output] = x = eval output", () => {
    const x = M(r.x), p = 0.5, k = 20000;
    const avg = meanOutput((rng) => dropoutForward(x, { p, training: true, rng }).out, k);
    const evalOut = dropoutForward(x, { p, training: false }).out;
    // each average has std |x|·√(p/(1−p)/k) = |x|/141; allow 5 of them
    for (let i = 0; i < x.data.length; i++) {
      expect(Math.abs(avg.data[i] - evalOut.data[i])).toBeLessThan(
        5 * Math.abs(x.data[i]) / Math.sqrt(k) + 1e-12,
      );
    }
  });
  it("is repeatable for a seed and needs no rng when p = 0", () => {
    const x = M(r.x);
    const a = dropoutForward(x, { p: 0.5, training: true, rng: new Random(3) }).out;
    const b = dropoutForward(x, { p: 0.5, training: true, rng: new Random(3) }).out;
    expect(a.toArray()).toEqual(b.toArray());
    expect(dropoutForward(x, { p: 0, training: true }).out.toArray()).toEqual(x.toArray());
  });
  it("rejects bad input, naming the operation", () => {
    const x = new Matrix(2, 3);
    for (const p of [-0.1, 1.5, NaN]) {
      expect(() => dropoutForward(x, { p, training: true, rng: new Random(1) })).toThrow(
        RangeError,
      );
      expect(() => dropoutForward(x, { p, training: false })).toThrow(/^dropoutForward: p \(drop/);
    }
    expect(() => dropoutForward(x, { p: 0.5, training: true, mask: new Matrix(3, 2) })).toThrow(
      ShapeError,
    );
    expect(() => dropoutForward(x, { p: 0.5, training: true, mask: Matrix.filled(2, 3, 0.5) }))
      .toThrow(/^dropoutForward: mask entries must be 0 or 1/);
    expect(() => dropoutForward(x, { p: 0.5, training: true })).toThrow(/needs a mask or an rng/);
    expect(() => dropoutForward(new Matrix(0, 3), { p: 0.5, training: false })).toThrow(
      /^dropoutForward: empty batch/,
    );
    expect(() => dropoutForward(Matrix.filled(2, 3, NaN), { p: 0.5, training: false })).toThrow(
      NonFiniteError,
    );
    const { cache } = dropoutForward(x, { p: 0.5, training: true, rng: new Random(1) });
    expect(() => dropoutBackward(new Matrix(3, 3), cache)).toThrow(/^dropoutBackward: dout/);
  });
});

describe("classic dropout (scale by 1 − p at test time)", () => {
  const r = ref.dropout;
  it("masks without rescaling in training and scales by 1 − p in eval", () => {
    const { out, cache } = classicDropoutForward(M(r.x), {
      p: r.p,
      training: true,
      mask: M(r.mask),
    });
    expectClose(out, r.classic_out);
    expectClose(classicDropoutBackward(M(r.dout), cache).dx, r.classic_dx);
    const ev = classicDropoutForward(M(r.x), { p: r.p, training: false });
    expectClose(ev.out, r.classic_out_eval);
    expectClose(classicDropoutBackward(M(r.dout), ev.cache).dx, M(r.dout).map((v) => v * 0.7));
  });
  it("passes a numerical gradient check (training and eval)", () => {
    const x = M(r.x), dout = M(r.dout), mask = M(r.mask);
    for (const training of [true, false]) {
      const f = () => classicDropoutForward(x, { p: r.p, training, mask }).out;
      const { dx } = classicDropoutBackward(
        dout,
        classicDropoutForward(x, { p: r.p, training, mask }).cache,
      );
      expect(relError(dx, numericalGradientArray(f, x, dout))).toBeLessThan(1e-7);
    }
  });
  it("agrees with inverted dropout on expected activations (train vs test), never both scalings", () => {
    const x = M(r.x), p = 0.3, k = 20000;
    const classicTrain = meanOutput(
      (rng) => classicDropoutForward(x, { p, training: true, rng }).out,
      k,
    );
    const classicEval = classicDropoutForward(x, { p, training: false }).out;
    const invertedTrain = meanOutput((rng) => dropoutForward(x, { p, training: true, rng }).out, k);
    const invertedEval = dropoutForward(x, { p, training: false }).out;
    const tol = (v: number) => 5 * Math.abs(v) / Math.sqrt(k) + 1e-12;
    for (let i = 0; i < x.data.length; i++) {
      // each convention: what the next layer sees on average in training = what it sees at test
      expect(Math.abs(classicTrain.data[i] - classicEval.data[i])).toBeLessThan(tol(x.data[i]));
      expect(Math.abs(invertedTrain.data[i] - invertedEval.data[i])).toBeLessThan(tol(x.data[i]));
      // the two conventions differ only by the constant factor 1 − p
      expectClose(classicEval.data[i], (1 - p) * invertedEval.data[i]);
      // mixing them (inverted training, classic test scaling) is off by the factor 1 − p
      const mixedEval = classicEval.data[i];
      expect(Math.abs(invertedTrain.data[i] - mixedEval)).toBeGreaterThan(
        0.25 * Math.abs(x.data[i]),
      );
    }
  });
  it("rejects bad input, naming the operation", () => {
    expect(() => classicDropoutForward(new Matrix(2, 2), { p: 1.5, training: false })).toThrow(
      /^classicDropoutForward: p/,
    );
  });
});

describe("spatial dropout (Dropout1d / Dropout2d)", () => {
  for (const key of ["ncl", "nchw"] as const) {
    const r = ref.spatial_dropout[key];
    it(`matches PyTorch ${key === "ncl" ? "F.dropout1d (N×C×L)" : "F.dropout2d (N×C×H×W)"}`, () => {
      const { out, cache } = spatialDropoutForward(M(r.x), r.channels, {
        p: r.p,
        training: true,
        mask: M(r.mask),
      });
      expectClose(out, r.out);
      expectClose(spatialDropoutBackward(M(r.dout), cache).dx, r.dx);
      const ev = spatialDropoutForward(M(r.x), r.channels, { p: r.p, training: false });
      expectClose(ev.out, r.x);
    });
    it(`passes a numerical gradient check (${key})`, () => {
      const x = M(r.x), dout = M(r.dout), mask = M(r.mask);
      const f = () => spatialDropoutForward(x, r.channels, { p: r.p, training: true, mask }).out;
      const { cache } = spatialDropoutForward(x, r.channels, { p: r.p, training: true, mask });
      const { dx } = spatialDropoutBackward(dout, cache);
      expect(relError(dx, numericalGradientArray(f, x, dout))).toBeLessThan(1e-7);
    });
  }
  it("drops whole channels, each with probability p, and preserves the mean", () => {
    const n = 400, c = 5, s = 6, p = 0.4;
    const rng = new Random(9);
    const { out } = spatialDropoutForward(Matrix.filled(n, c * s, 1), c, {
      p,
      training: true,
      rng,
    });
    let keptMaps = 0;
    for (let i = 0; i < n; i++) {
      for (let ch = 0; ch < c; ch++) {
        const map = out.row(i).slice(ch * s, ch * s + s);
        expect(new Set(map).size).toBe(1); // the whole map shares one decision
        if (map[0] !== 0) {
          expectClose(map[0], 1 / (1 - p));
          keptMaps++;
        }
      }
    }
    // std of the kept fraction: √(0.6·0.4/2000) ≈ 0.011
    expect(Math.abs(keptMaps / (n * c) - (1 - p))).toBeLessThan(0.05);
    const mean = out.data.reduce((a, v) => a + v, 0) / out.data.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.1);
  });
  it("rejects bad input, naming the operation", () => {
    const x = new Matrix(2, 6);
    expect(() => spatialDropoutForward(x, 4, { p: 0.5, training: false })).toThrow(
      /^spatialDropoutForward: channels must be a positive integer dividing/,
    );
    expect(() => spatialDropoutForward(x, 3, { p: 0.5, training: true, mask: new Matrix(2, 6) }))
      .toThrow(/^spatialDropoutForward: mask must be 2×3/);
    expect(() => spatialDropoutForward(x, 3, { p: -1, training: false })).toThrow(RangeError);
  });
});

describe("alpha dropout (PyTorch F.alpha_dropout)", () => {
  const r = ref.alpha_dropout;
  it("matches PyTorch with the same mask, and is the identity in eval", () => {
    const { out, cache } = alphaDropoutForward(M(r.x), { p: r.p, training: true, mask: M(r.mask) });
    expectClose(out, r.out);
    expectClose(alphaDropoutBackward(M(r.dout), cache).dx, r.dx);
    expectClose(alphaDropoutForward(M(r.x), { p: r.p, training: false }).out, r.out_eval);
  });
  it("sets dropped units to a·(−λα) + b", () => {
    const p = r.p, alpha = SELU_LAMBDA_ALPHA;
    const a = 1 / Math.sqrt((1 - p) * (1 + p * alpha ** 2)), b = a * alpha * p;
    const { out } = alphaDropoutForward(M(r.x), { p, training: true, mask: M(r.mask) });
    M(r.mask).data.forEach((m, k) => {
      if (m === 0) expectClose(out.data[k], -a * alpha + b);
      else expectClose(out.data[k], a * M(r.x).data[k] + b);
    });
  });
  it("passes a numerical gradient check", () => {
    const x = M(r.x), dout = M(r.dout), mask = M(r.mask);
    const f = () => alphaDropoutForward(x, { p: r.p, training: true, mask }).out;
    const { dx } = alphaDropoutBackward(
      dout,
      alphaDropoutForward(x, { p: r.p, training: true, mask }).cache,
    );
    expect(relError(dx, numericalGradientArray(f, x, dout))).toBeLessThan(1e-7);
  });
  it("keeps mean 0 and variance 1 for standard normal inputs", () => {
    const rng = new Random(21);
    const x = rng.randn(400, 500);
    for (const p of [0.1, 0.5]) {
      const { out } = alphaDropoutForward(x, { p, training: true, rng });
      const mean = out.data.reduce((s, v) => s + v, 0) / out.data.length;
      const variance = out.data.reduce((s, v) => s + (v - mean) ** 2, 0) / out.data.length;
      expect(Math.abs(mean)).toBeLessThan(0.01); // std of the mean ≈ 1/√200000 ≈ 0.0022
      expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    }
  });
  it("rejects bad input, naming the operation", () => {
    expect(() => alphaDropoutForward(new Matrix(2, 2), { p: -0.5, training: true })).toThrow(
      /^alphaDropoutForward: p/,
    );
    expect(() => alphaDropoutForward(new Matrix(0, 2), { p: 0.1, training: false })).toThrow(
      /^alphaDropoutForward: empty batch/,
    );
  });
});

describe("DropConnect", () => {
  const r = ref.dropconnect;
  it("matches PyTorch autograd through F.linear(x, w ⊙ mask / (1 − p), b)", () => {
    const opts = { p: r.p, training: true, mask: M(r.mask) };
    const { out, cache } = dropConnectForward(M(r.x), M(r.w), M(r.b), opts);
    expectClose(out, r.out);
    const { dx, dw, db } = dropConnectBackward(M(r.dout), cache);
    expectClose(dx, r.dx);
    expectClose(dw, r.dw);
    expectClose(db, r.db);
    M(r.mask).data.forEach((m, k) => {
      if (m === 0) expect(Math.abs(dw.data[k])).toBe(0); // a dropped weight gets no gradient
    });
    const ev = dropConnectForward(M(r.x), M(r.w), M(r.b), { p: r.p, training: false });
    expectClose(ev.out, r.out_eval);
  });
  it("passes a numerical gradient check for x, w and b", () => {
    const x = M(r.x), w = M(r.w), b = M(r.b), dout = M(r.dout);
    const opts = { p: r.p, training: true, mask: M(r.mask) };
    const f = () => dropConnectForward(x, w, b, opts).out;
    const { dx, dw, db } = dropConnectBackward(dout, dropConnectForward(x, w, b, opts).cache);
    expect(relError(dx, numericalGradientArray(f, x, dout))).toBeLessThan(1e-7);
    expect(relError(dw, numericalGradientArray(f, w, dout))).toBeLessThan(1e-7);
    expect(relError(db, numericalGradientArray(f, b, dout))).toBeLessThan(1e-7);
  });
  it("preserves the expected output: E[training output] = eval output", () => {
    const x = M(r.x), w = M(r.w), b = M(r.b), k = 20000;
    const avg = meanOutput(
      (rng) => dropConnectForward(x, w, b, { p: r.p, training: true, rng }).out,
      k,
    );
    expectClose(avg, dropConnectForward(x, w, b, { p: r.p, training: false }).out, 0, 0.1);
  });
  it("rejects bad input, naming the operation", () => {
    const w = new Matrix(3, 5), b = new Matrix(1, 3), x = new Matrix(2, 5);
    expect(() => dropConnectForward(new Matrix(2, 4), w, b, { p: 0.5, training: false })).toThrow(
      /^dropConnectForward: x is 2×4/,
    );
    expect(() => dropConnectForward(x, w, b, { p: 0.5, training: true, mask: new Matrix(2, 5) }))
      .toThrow(/^dropConnectForward: mask must be 3×5/);
    expect(() => dropConnectForward(x, w, b, { p: 2, training: true })).toThrow(RangeError);
    const { cache } = dropConnectForward(x, w, b, { p: 0.5, training: true, rng: new Random(1) });
    expect(() => dropConnectBackward(new Matrix(2, 2), cache)).toThrow(
      /^dropConnectBackward: dout/,
    );
  });
});

describe("variational dropout (one mask for every time step)", () => {
  const rng = new Random(4);
  const xs = [rng.randn(3, 5), rng.randn(3, 5), rng.randn(3, 5), rng.randn(3, 5)];
  const p = 0.4;

  it("applies one mask, drawn as dropout draws it, at every step, scaled by 1/(1 − p)", () => {
    const { out, cache } = variationalDropoutForward(xs, { p, rng: new Random(9) });
    const mask = bernoulliMask(3, 5, 1 - p, new Random(9));
    expectClose(cache.step.mask!, mask, 0, 0);
    out.forEach((o, t) => expectClose(o, dropoutForward(xs[t], { p, mask }).out, 0, 0));
    // a dropped unit is dropped at every step; a kept one kept at every step
    for (let k = 0; k < mask.data.length; k++) {
      expect(new Set(out.map((o) => o.data[k] === 0))).toEqual(new Set([mask.data[k] === 0]));
    }
  });

  it("differs from per-step dropout, which draws a new mask for each step", () => {
    const r = new Random(9);
    const perStep = xs.map((x) => dropoutForward(x, { p, rng: r }).cache.mask!);
    expect(perStep.some((m) => m.data.some((v, k) => v !== perStep[0].data[k]))).toBe(true);
  });

  it("keeps a fraction 1 − p of the units, and E[out_t] = x_t", () => {
    const ones = [Matrix.filled(200, 100, 1), Matrix.filled(200, 100, 1)];
    const { out, cache } = variationalDropoutForward(ones, { p, rng: new Random(3) });
    const kept = cache.step.mask!.data.reduce((s, v) => s + v, 0) / 20000;
    expect(Math.abs(kept - (1 - p))).toBeLessThan(0.01);
    const mean = out[1].data.reduce((s, v) => s + v, 0) / 20000;
    expect(Math.abs(mean - 1)).toBeLessThan(0.02);
  });

  it("passes a numerical gradient check at every step; eval is the identity", () => {
    const mask = bernoulliMask(3, 5, 1 - p, new Random(2));
    const douts = xs.map((x) => x.map((v) => Math.cos(3 * v)));
    const { cache } = variationalDropoutForward(xs, { p, mask });
    const { dx } = variationalDropoutBackward(douts, cache);
    xs.forEach((x, t) => {
      const f = () => variationalDropoutForward(xs, { p, mask }).out[t];
      expect(relError(dx[t], numericalGradientArray(f, x, douts[t]))).toBeLessThan(1e-8);
    });
    const evalRun = variationalDropoutForward(xs, { p, training: false });
    evalRun.out.forEach((o, t) => expectClose(o, xs[t], 0, 0));
    variationalDropoutBackward(douts, evalRun.cache).dx.forEach((d, t) =>
      expectClose(d, douts[t], 0, 0)
    );
  });

  it("rejects bad input, naming the operation", () => {
    expect(() => variationalDropoutForward([], { p })).toThrow(/^variationalDropoutForward: xs/);
    expect(() => variationalDropoutForward([xs[0], new Matrix(3, 4)], { p, rng })).toThrow(
      /^variationalDropoutForward: every step must be 3×5 like step 0; step 1 is 3×4/,
    );
    expect(() => variationalDropoutForward(xs, { p })).toThrow(/needs a mask or an rng/);
    const { cache } = variationalDropoutForward(xs, { p, rng });
    expect(() => variationalDropoutBackward(xs.slice(1), cache)).toThrow(
      /^variationalDropoutBackward: douts must hold 4 steps/,
    );
    expect(() => variationalDropoutBackward([...xs.slice(1), new Matrix(2, 5)], cache)).toThrow(
      /^variationalDropoutBackward: dout must be 3×5/,
    );
  });
});
