import { describe, expect, it } from "vitest";
import { Matrix, NonFiniteError, ShapeError } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import {
  type CellParams,
  gruCellBackward,
  gruCellForward,
  lstmCellForward,
} from "../../lib/nn/layers/rnn.ts";
import {
  type CellKind,
  gruBackward,
  gruForward,
  lstmBackward,
  lstmForward,
  rnnBackward,
  rnnForward,
  type SequenceGrads,
  stateJacobians,
} from "../../lib/nn/layers/rnn_sequence.ts";
import { orthogonal } from "../../lib/nn/init.ts";
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
const expectMatrix = (a: Matrix, e: Stored) => {
  expect(a.shape).toEqual(e.shape);
  expectClose(a, e.data);
};
function expectGrads(g: SequenceGrads, s: { grads: Record<string, Stored>; dx: Stored[] }) {
  for (const k of ["dwIh", "dwHh", "dbIh", "dbHh"] as const) expectMatrix(g[k], s.grads[k]);
  g.dxs.forEach((d, t) => expectMatrix(d, s.dx[t]));
}

function randomParams(rng: Random, gates: number, I: number, H: number): CellParams {
  return {
    wIh: rng.randn(gates * H, I, 0.5),
    wHh: rng.randn(gates * H, H, 0.5),
    bIh: rng.randn(1, gates * H, 0.5),
    bHh: rng.randn(1, gates * H, 0.5),
  };
}

describe("rnnForward / rnnBackward", () => {
  const s = ref.rnnSequence;
  it("match torch.nn.RNN over 4 steps (outputs and BPTT gradients)", () => {
    const { hs, cache } = rnnForward(s.x.map(matrix), matrix(s.h0), params(s.params));
    hs.forEach((h, t) => expectMatrix(h, s.out[t]));
    const g = rnnBackward(s.dout.map(matrix), cache);
    expectMatrix(g.dh0, s.dh0);
    expect(g.dh[0]).toBe(g.dh0);
    expectGrads(g, s);
  });
});

describe("gruForward / gruBackward", () => {
  const s = ref.gruSequence;
  it("match torch.nn.GRU over 4 steps", () => {
    const { hs, cache } = gruForward(s.x.map(matrix), matrix(s.h0), params(s.params));
    hs.forEach((h, t) => expectMatrix(h, s.out[t]));
    const g = gruBackward(s.dout.map(matrix), cache);
    expectMatrix(g.dh0, s.dh0);
    expectGrads(g, s);
  });
});

describe("lstmForward / lstmBackward", () => {
  const s = ref.lstmSequence;
  it("match torch.nn.LSTM over 3 steps (outputs, c_n, and gradients with dc_n)", () => {
    const { hs, cs, cache } = lstmForward(
      s.x.map(matrix),
      matrix(s.h0),
      matrix(s.c0),
      params(s.params),
    );
    hs.forEach((h, t) => expectMatrix(h, s.out[t]));
    expectMatrix(cs[cs.length - 1], s.cn);
    const g = lstmBackward(s.dout.map(matrix), cache, { dcN: matrix(s.dcn) });
    expectMatrix(g.dh0, s.dh0);
    expectMatrix(g.dc0, s.dc0);
    expectGrads(g, s);
  });
});

/** sum over steps of hs[t] ⊙ dhs[t] (undefined entries skipped), for numerical gradients. */
function dotLoss(hs: Matrix[], dhs: (Matrix | undefined)[]): number {
  let s = 0;
  hs.forEach((h, t) => {
    const d = dhs[t];
    if (d) { for (let k = 0; k < h.data.length; k++) s += h.data[k] * d.data[k]; }
  });
  return s;
}

describe("backpropagation through time agrees with numerical gradients", () => {
  const kinds: [CellKind, number, { resetAfter?: boolean }][] = [
    ["rnn", 1, {}],
    ["lstm", 4, {}],
    ["gru", 3, {}],
    ["gru", 3, { resetAfter: false }],
  ];
  for (const [kind, G, o] of kinds) {
    it(`${kind}${o.resetAfter === false ? " (reset before)" : ""}: 5 steps, loss on some steps`, () => {
      const rng = new Random(30 + G);
      const B = 2, I = 3, H = 4, T = 5;
      const p = randomParams(rng, G, I, H);
      const xs = Array.from({ length: T }, () => rng.randn(B, I));
      const h0 = rng.randn(B, H), c0 = rng.randn(B, H);
      const dhs = xs.map((_, t) => (t === 1 || t === T - 1 ? rng.randn(B, H) : undefined));
      const run = () =>
        kind === "rnn"
          ? rnnForward(xs, h0, p)
          : kind === "gru"
          ? gruForward(xs, h0, p, o)
          : lstmForward(xs, h0, c0, p);
      const loss = () => dotLoss(run().hs, dhs);
      const { cache } = run();
      const g = kind === "rnn"
        ? rnnBackward(dhs, cache as ReturnType<typeof rnnForward>["cache"])
        : kind === "gru"
        ? gruBackward(dhs, cache as ReturnType<typeof gruForward>["cache"])
        : lstmBackward(dhs, cache as ReturnType<typeof lstmForward>["cache"]);
      const checked: [Matrix, Matrix][] = [
        [p.wIh, g.dwIh],
        [p.wHh, g.dwHh],
        [p.bIh, g.dbIh],
        [p.bHh, g.dbHh],
        [h0, g.dh0],
        [xs[0], g.dxs[0]],
        [xs[3], g.dxs[3]],
      ];
      if (kind === "lstm") checked.push([c0, (g as ReturnType<typeof lstmBackward>).dc0]);
      for (const [x, d] of checked) {
        expect(relError(numericalGradient(loss, x), d)).toBeLessThan(1e-7);
      }
    });
  }

  it("the textbook GRU (reset before the product) differs from PyTorch's and is its own cell", () => {
    const rng = new Random(41);
    const p = randomParams(rng, 3, 2, 3);
    const x = rng.randn(2, 2), h = rng.randn(2, 3);
    const after = gruCellForward(x, h, p).out;
    const before = gruCellForward(x, h, p, { resetAfter: false });
    expect(relError(after, before.out)).toBeGreaterThan(1e-3);
    // n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn), written out for one row and unit
    const { r, z } = before.cache;
    const [i, j] = [1, 2], H = 3;
    let pre = p.bIh.get(0, 2 * H + j) + p.bHh.get(0, 2 * H + j);
    for (let k = 0; k < 2; k++) pre += p.wIh.get(2 * H + j, k) * x.get(i, k);
    for (let k = 0; k < H; k++) pre += p.wHh.get(2 * H + j, k) * r.get(i, k) * h.get(i, k);
    const expected = (1 - z.get(i, j)) * Math.tanh(pre) + z.get(i, j) * h.get(i, j);
    expect(before.out.get(i, j)).toBeCloseTo(expected, 14);
    // with r = 1 everywhere both forms agree: make the reset pre-activation huge
    const open = { ...p, bIh: p.bIh.map((v, _i, c) => (c < H ? 50 : v)) };
    expectClose(
      gruCellForward(x, h, open, { resetAfter: false }).out,
      gruCellForward(x, h, open).out,
    );
    // and its backward matches its forward (a single cell, through every parameter)
    const dout = rng.randn(2, 3);
    const g = gruCellBackward(dout, before.cache);
    const f = () => {
      const o = gruCellForward(x, h, p, { resetAfter: false }).out;
      return o.data.reduce((s, v, k) => s + v * dout.data[k], 0);
    };
    for (const [m, d] of [[p.wHh, g.dwHh], [p.bHh, g.dbHh], [h, g.dhPrev]] as const) {
      expect(relError(numericalGradient(f, m), d)).toBeLessThan(1e-7);
    }
  });
});

describe("stateJacobians", () => {
  it("dh[t] = ∂h_T/∂h_t and dx[t] = ∂h_T/∂x_t, by finite differences, for each cell", () => {
    for (const [kind, G] of [["rnn", 1], ["lstm", 4], ["gru", 3]] as const) {
      const rng = new Random(50 + G);
      const I = 2, H = 3, T = 4;
      const p = randomParams(rng, G, I, H);
      const xs = Array.from({ length: T }, () => rng.randn(1, I));
      const h0 = rng.randn(1, H);
      const { dh, dx } = stateJacobians(kind, xs, h0, p);
      expect(dh.length).toBe(T + 1);
      expectClose(dh[T], Matrix.identity(H).data);
      const last = (xsIn: Matrix[], hStart: Matrix, from: number) => {
        // h_T from state hStart at time `from` (the LSTM's c at `from` taken from the real run)
        if (kind === "lstm") {
          let h = h0, c = new Matrix(1, H);
          for (let t = 0; t < T; t++) {
            if (t === from) h = hStart;
            const r = lstmCellForward(xsIn[t], h, c, p);
            h = r.out;
            c = r.c;
          }
          return h;
        }
        const fwd = kind === "rnn" ? rnnForward : gruForward;
        return fwd(xsIn.slice(from), hStart, p).hs.at(-1)!;
      };
      for (let i = 0; i < H; i++) {
        // row i of dx[1]: the gradient of h_T[i] with respect to xs[1]
        const x1 = xs[1].clone();
        const xsVar = xs.map((x, t) => (t === 1 ? x1 : x));
        const num = numericalGradient(() => last(xsVar, h0, 0).data[i], x1);
        expectClose(dx[1].row(i), Array.from(num.data), 1e-6, 1e-9);
      }
      // dh[2]: perturb h_2 (the state after two steps) and run on
      const h2 = (kind === "lstm"
        ? lstmForward(xs, h0, new Matrix(1, H), p)
        : kind === "rnn"
        ? rnnForward(xs, h0, p)
        : gruForward(xs, h0, p)).hs[1].clone();
      for (let i = 0; i < H; i++) {
        const num = numericalGradient(() =>
          last(xs, h2, 2).data[i], h2);
        expectClose(dh[2].row(i), Array.from(num.data), 1e-6, 1e-9);
      }
    }
  });

  it("for a linear-regime RNN with W_hh = ρ·Q (Q orthogonal), ‖∂h_T/∂h_t‖ shrinks like ρ^(T−t)", () => {
    const rng = new Random(60);
    const H = 6, T = 10, rho = 0.7;
    const p = {
      wIh: new Matrix(H, 1),
      wHh: orthogonal(new Matrix(H, H), rng, { gain: rho }),
      bIh: new Matrix(1, H),
      bHh: new Matrix(1, H),
    };
    // zero input and zero state: tanh'(0) = 1 at every step, so ∂h_T/∂h_t = (ρQ)^(T−t)
    const { dh } = stateJacobians(
      "rnn",
      Array.from({ length: T }, () => new Matrix(1, 1)),
      new Matrix(1, H),
      p,
    );
    const fro = (m: Matrix) => Math.hypot(...m.data);
    dh.forEach((j, t) => expect(fro(j)).toBeCloseTo(Math.sqrt(H) * rho ** (T - t), 12));
  });
});

describe("orthogonal", () => {
  it("QᵀQ = gain²·I for square and tall matrices, QQᵀ for wide ones", () => {
    const rng = new Random(7);
    for (const [r, c] of [[5, 5], [6, 3], [3, 6]]) {
      const w = orthogonal(new Matrix(r, c), rng, { gain: 1.5 });
      const n = Math.min(r, c);
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          let dot = 0;
          for (let k = 0; k < Math.max(r, c); k++) {
            dot += r >= c ? w.get(k, a) * w.get(k, b) : w.get(a, k) * w.get(b, k);
          }
          expect(dot).toBeCloseTo(a === b ? 2.25 : 0, 12);
        }
      }
    }
    expect(() => orthogonal(new Matrix(2, 2), rng, { gain: -1 })).toThrow(/^orthogonal: gain/);
  });
});

describe("sequence layers reject bad input", () => {
  const rng = new Random(70);
  const p = randomParams(rng, 1, 3, 4);
  it("name the layer and the step", () => {
    const xs = [rng.randn(2, 3), rng.randn(2, 5)];
    expect(() => rnnForward(xs, rng.randn(2, 4), p)).toThrow(ShapeError);
    expect(() => rnnForward(xs, rng.randn(2, 4), p)).toThrow(
      "rnnForward: at step 1, rnnCellForward: wIh must be 4×5 for x 2×5 and h 2×4, got 4×3",
    );
    expect(() => rnnForward([], rng.randn(2, 4), p)).toThrow(/^rnnForward: xs must be a non-empty/);
    expect(() => rnnForward([Matrix.filled(2, 3, NaN)], rng.randn(2, 4), p)).toThrow(
      NonFiniteError,
    );
    const { cache } = rnnForward([rng.randn(2, 3), rng.randn(2, 3)], rng.randn(2, 4), p);
    expect(() => rnnBackward([undefined], cache)).toThrow(
      "rnnBackward: dhs must have one entry per step (2), got 1",
    );
    expect(() => rnnBackward([undefined, rng.randn(2, 3)], cache)).toThrow(
      "rnnBackward: dhs[1] is 2×3 but the outputs are 2×4",
    );
    expect(() => stateJacobians("rnn", [rng.randn(2, 3)], rng.randn(2, 4), p)).toThrow(
      /^stateJacobians: h0 and every xs\[t\] must be one row/,
    );
  });
});
