import { describe, expect, it } from "vitest";
import { add, Matrix, NonFiniteError, ShapeError } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradientArray, relError } from "../../lib/check/gradcheck.ts";
import {
  type CellParams,
  gruCellBackward,
  gruCellForward,
  lstmCellBackward,
  lstmCellForward,
  rnnCellBackward,
  rnnCellForward,
} from "../../lib/nn/layers/rnn.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/layers_recurrent.json" with { type: "json" };

type Stored = { shape: number[]; data: number[] };
const matrix = (r: Stored) => new Matrix(r.shape[0], r.shape[1], r.data);
const params = (p: Record<"wIh" | "wHh" | "bIh" | "bHh", Stored>): CellParams => ({
  wIh: matrix(p.wIh),
  wHh: matrix(p.wHh),
  bIh: matrix(p.bIh),
  bHh: matrix(p.bHh),
});

/** Same shape as the stored PyTorch matrix and values within rtol 1e-10. */
function expectMatrix(actual: Matrix, expected: Stored): void {
  expect(actual.shape).toEqual(expected.shape);
  expectClose(actual, expected.data);
}

type Grads = { dwIh: Matrix; dwHh: Matrix; dbIh: Matrix; dbHh: Matrix };
function expectGrads(actual: Grads, expected: Record<keyof Grads, Stored>): void {
  for (const key of ["dwIh", "dwHh", "dbIh", "dbHh"] as const) {
    expectMatrix(actual[key], expected[key]);
  }
}

function randomParams(rng: Random, gates: number, I: number, H: number): CellParams {
  return {
    wIh: rng.randn(gates * H, I, 0.5),
    wHh: rng.randn(gates * H, H, 0.5),
    bIh: rng.randn(1, gates * H, 0.5),
    bHh: rng.randn(1, gates * H, 0.5),
  };
}

/** Every input of a cell (x, h, maybe c, the four parameters) with its analytic gradient. */
type Checked = [name: string, value: Matrix, analytic: Matrix][];

function expectGradcheck(f: () => Matrix, dout: Matrix, checked: Checked): void {
  for (const [name, value, analytic] of checked) {
    const err = relError(numericalGradientArray(f, value, dout), analytic);
    expect(err, `d${name}`).toBeLessThan(1e-7);
  }
}

describe("rnnCell (tanh)", () => {
  const c = ref.rnn;
  it("matches torch.nn.RNNCell and autograd", () => {
    const { out, cache } = rnnCellForward(matrix(c.x), matrix(c.h), params(c.params));
    expectMatrix(out, c.out);
    const g = rnnCellBackward(matrix(c.dout), cache);
    expectMatrix(g.dx, c.dx);
    expectMatrix(g.dhPrev, c.dhPrev);
    expectGrads(g, c.grads);
  });

  it("passes a numerical gradient check", () => {
    const rng = new Random(21);
    const x = rng.randn(3, 4), h = rng.randn(3, 5), p = randomParams(rng, 1, 4, 5);
    const dout = rng.randn(3, 5);
    const g = rnnCellBackward(dout, rnnCellForward(x, h, p).cache);
    expectGradcheck(() => rnnCellForward(x, h, p).out, dout, [
      ["x", x, g.dx],
      ["h", h, g.dhPrev],
      ["wIh", p.wIh, g.dwIh],
      ["wHh", p.wHh, g.dwHh],
      ["bIh", p.bIh, g.dbIh],
      ["bHh", p.bHh, g.dbHh],
    ]);
  });
});

describe("lstmCell", () => {
  const c = ref.lstm;
  it("matches torch.nn.LSTMCell (gates i, f, g, o) and autograd", () => {
    const r = lstmCellForward(matrix(c.x), matrix(c.h), matrix(c.c), params(c.params));
    expectMatrix(r.out, c.out);
    expectMatrix(r.c, c.cNext);
    const g = lstmCellBackward(matrix(c.dout), matrix(c.dc), r.cache);
    expectMatrix(g.dx, c.dx);
    expectMatrix(g.dhPrev, c.dhPrev);
    expectMatrix(g.dcPrev, c.dcPrev);
    expectGrads(g, c.grads);
  });

  it("passes a numerical gradient check through both h' and c'", () => {
    const rng = new Random(22);
    const x = rng.randn(2, 3), h = rng.randn(2, 4), cPrev = rng.randn(2, 4);
    const p = randomParams(rng, 4, 3, 4);
    const dh = rng.randn(2, 4), dc = rng.randn(2, 4);
    const g = lstmCellBackward(dh, dc, lstmCellForward(x, h, cPrev, p).cache);
    // Check the loss sum(h' ⊙ dh) + sum(c' ⊙ dc) by stacking [h' | c'] against [dh | dc].
    const both = () => {
      const r = lstmCellForward(x, h, cPrev, p);
      return hcat(r.out, r.c);
    };
    expectGradcheck(both, hcat(dh, dc), [
      ["x", x, g.dx],
      ["h", h, g.dhPrev],
      ["c", cPrev, g.dcPrev],
      ["wIh", p.wIh, g.dwIh],
      ["wHh", p.wHh, g.dwHh],
      ["bIh", p.bIh, g.dbIh],
      ["bHh", p.bHh, g.dbHh],
    ]);
  });

  it("unrolled over 3 steps matches torch.nn.LSTM (outputs, c_n and BPTT gradients)", () => {
    const s = ref.lstmSequence;
    const p = params(s.params);
    const xs = s.x.map(matrix);
    // Forward through time, keeping every step's cache.
    let h = matrix(s.h0), c = matrix(s.c0);
    const caches = xs.map((x, t) => {
      const r = lstmCellForward(x, h, c, p);
      expectMatrix(r.out, s.out[t]);
      h = r.out;
      c = r.c;
      return r.cache;
    });
    expectMatrix(c, s.cn);
    // Backward through time: the loss reads every h_t (dout[t]) and the final c (dcn).
    let dh = Matrix.zeros(h.rows, h.cols), dc = matrix(s.dcn);
    let grads: Grads | undefined;
    for (let t = xs.length - 1; t >= 0; t--) {
      const g = lstmCellBackward(add(dh, matrix(s.dout[t])), dc, caches[t]);
      expectMatrix(g.dx, s.dx[t]);
      dh = g.dhPrev;
      dc = g.dcPrev;
      grads = grads === undefined ? g : {
        dwIh: add(grads.dwIh, g.dwIh),
        dwHh: add(grads.dwHh, g.dwHh),
        dbIh: add(grads.dbIh, g.dbIh),
        dbHh: add(grads.dbHh, g.dbHh),
      };
    }
    expectMatrix(dh, s.dh0);
    expectMatrix(dc, s.dc0);
    expectGrads(grads!, s.grads);
  });
});

describe("gruCell", () => {
  const c = ref.gru;
  it("matches torch.nn.GRUCell (gates r, z, n) and autograd", () => {
    const { out, cache } = gruCellForward(matrix(c.x), matrix(c.h), params(c.params));
    expectMatrix(out, c.out);
    const g = gruCellBackward(matrix(c.dout), cache);
    expectMatrix(g.dx, c.dx);
    expectMatrix(g.dhPrev, c.dhPrev);
    expectGrads(g, c.grads);
  });

  it("passes a numerical gradient check", () => {
    const rng = new Random(23);
    const x = rng.randn(3, 2), h = rng.randn(3, 4), p = randomParams(rng, 3, 2, 4);
    const dout = rng.randn(3, 4);
    const g = gruCellBackward(dout, gruCellForward(x, h, p).cache);
    expectGradcheck(() => gruCellForward(x, h, p).out, dout, [
      ["x", x, g.dx],
      ["h", h, g.dhPrev],
      ["wIh", p.wIh, g.dwIh],
      ["wHh", p.wHh, g.dwHh],
      ["bIh", p.bIh, g.dbIh],
      ["bHh", p.bHh, g.dbHh],
    ]);
  });

  it("a wrong gradient fails the check (the check can fail)", () => {
    const rng = new Random(24);
    const x = rng.randn(2, 2), h = rng.randn(2, 3), p = randomParams(rng, 3, 2, 3);
    const dout = rng.randn(2, 3);
    const g = gruCellBackward(dout, gruCellForward(x, h, p).cache);
    const wrong = g.dwHh.map((v, i) => (i >= 6 ? 0 : v)); // drop the n-gate block
    const num = numericalGradientArray(() => gruCellForward(x, h, p).out, p.wHh, dout);
    expect(relError(num, wrong)).toBeGreaterThan(1e-2);
  });
});

describe("recurrent cells reject bad input", () => {
  const rng = new Random(25);
  const x = rng.randn(2, 3), h = rng.randn(2, 4);
  it("names the cell and the shapes", () => {
    const p = randomParams(rng, 4, 3, 4);
    expect(() => lstmCellForward(x, h, Matrix.zeros(2, 5), p)).toThrow(ShapeError);
    expect(() => lstmCellForward(x, h, Matrix.zeros(2, 5), p)).toThrow(
      "lstmCellForward: cell state c 2×5 must have the shape of h 2×4",
    );
    expect(() => rnnCellForward(x, h, p)).toThrow(
      "rnnCellForward: wIh must be 4×3 for x 2×3 and h 2×4, got 16×3",
    );
    expect(() => gruCellForward(rng.randn(3, 3), h, randomParams(rng, 3, 3, 4))).toThrow(
      "gruCellForward: x 3×3 and h 2×4 have different batch sizes",
    );
    const q = randomParams(rng, 3, 3, 4);
    expect(() => gruCellForward(x, h, { ...q, bHh: Matrix.zeros(1, 4) })).toThrow(
      "gruCellForward: bHh must be 1×12, got 1×4",
    );
    expect(() => gruCellForward(x, h, { ...q, wHh: Matrix.zeros(12, 3) })).toThrow(
      "gruCellForward: wHh must be 12×4 for h 2×4, got 12×3",
    );
    expect(() => rnnCellForward(Matrix.zeros(0, 3), Matrix.zeros(0, 4), p)).toThrow(
      /^rnnCellForward: empty batch/,
    );
  });
  it("rejects NaN and a mis-shaped upstream gradient", () => {
    const p = randomParams(rng, 1, 3, 4);
    expect(() => rnnCellForward(x, Matrix.filled(2, 4, NaN), p)).toThrow(NonFiniteError);
    expect(() => rnnCellForward(x, Matrix.filled(2, 4, NaN), p)).toThrow(/^rnnCellForward: entry/);
    const { cache } = rnnCellForward(x, h, p);
    expect(() => rnnCellBackward(Matrix.zeros(2, 3), cache)).toThrow(
      "rnnCellBackward: dout is 2×3 but must be 2×4",
    );
    const l = lstmCellForward(x, h, h, randomParams(rng, 4, 3, 4));
    expect(() => lstmCellBackward(Matrix.zeros(2, 4), Matrix.zeros(1, 4), l.cache)).toThrow(
      "lstmCellBackward: dc is 1×4 but must be 2×4",
    );
  });
});

/** `[a | b]`: two matrices with the same rows side by side. */
function hcat(a: Matrix, b: Matrix): Matrix {
  const out = new Matrix(a.rows, a.cols + b.cols);
  for (let i = 0; i < a.rows; i++) {
    out.data.set(a.data.subarray(i * a.cols, (i + 1) * a.cols), i * out.cols);
    out.data.set(b.data.subarray(i * b.cols, (i + 1) * b.cols), i * out.cols + a.cols);
  }
  return out;
}
