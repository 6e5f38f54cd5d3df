import { describe, expect, it } from "vitest";
import { matmul, Matrix, ShapeError, sum, transpose } from "../../lib/core/matrix.ts";
import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import { type Activation, relu, sigmoid, tanh } from "../../lib/nn/activations.ts";
import type { LayerParams } from "../../lib/nn/layers/mlp.ts";
import { mlpBackward, mlpForward } from "../../lib/nn/layers/mlp.ts";
import { softmaxCrossEntropy } from "../../lib/nn/losses.ts";
import { Random } from "../../lib/core/random.ts";
import {
  backwardOneExample,
  forwardOneExample,
  mlpDeltas,
  seedSummedGradient,
  twoLayerLoss,
} from "../../lib/nn/backprop.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/backprop.json" with { type: "json" };

const M = (a: number[][]) => Matrix.from(a);
const ACTS: Record<string, Activation> = { sigmoid, tanh, relu };

type OneRef = (typeof ref.oneExample)[number];
const netOf = (r: OneRef): LayerParams[] => r.params.map((p) => ({ w: M(p.w), b: M(p.b) }));

describe("forwardOneExample / backwardOneExample", () => {
  for (const r of ref.oneExample) {
    const sizes = [r.x.length, ...r.params.map((p) => p.w.length)].join("-");
    it(`${sizes} ${r.act}: z, scores, δ and every gradient match PyTorch autograd`, () => {
      const params = netOf(r), act = ACTS[r.act];
      const fwd = forwardOneExample(r.x, params, act);
      expectClose(fwd.z.slice(1), r.z);
      expectClose(fwd.a[params.length], r.s);
      const bwd = backwardOneExample(fwd, params, act, r.dout);
      expectClose(bwd.delta.slice(1), r.delta);
      expectClose(bwd.dW, r.dW);
      expectClose(bwd.db, r.db.map((b) => b));
      expectClose(bwd.dx, r.dx);
    });
  }

  it("weight rule ∂J/∂W_ij = δ_i a_j, bias rule ∂J/∂b_i = δ_i, agree with numerical gradients", () => {
    const r = ref.oneExample[1];
    const params = netOf(r), act = tanh;
    const J = () => {
      const s = forwardOneExample(r.x, params, act).a[params.length];
      return s.reduce((t, v, k) => t + v * r.dout[k], 0);
    };
    const bwd = backwardOneExample(forwardOneExample(r.x, params, act), params, act, r.dout);
    params.forEach(({ w, b }, l) => {
      expect(relError(M(bwd.dW[l]), numericalGradient(J, w))).toBeLessThan(1e-7);
      expect(relError(M([bwd.db[l]]), numericalGradient(J, b))).toBeLessThan(1e-7);
    });
  });

  it("error sharing: a unit's collected error is Σ_i δ_i W_ij over all the units it feeds", () => {
    const r = ref.oneExample[1];
    const params = netOf(r);
    const bwd = backwardOneExample(forwardOneExample(r.x, params, tanh), params, tanh, r.dout);
    // layer 1 has 4 units, each feeding both units of layer 2
    const w = params[1].w;
    for (let j = 0; j < w.cols; j++) {
      const byHand = bwd.delta[2][0] * w.get(0, j) + bwd.delta[2][1] * w.get(1, j);
      expect(bwd.shared[1][j]).toBeCloseTo(byHand, 14);
      expect(bwd.delta[1][j]).toBeCloseTo(
        tanh.df(forwardOneExample(r.x, params, tanh).z[1][j]) * byHand,
        14,
      );
    }
  });

  it("erratum 5: the seed's summed ∂s/∂W_ij is the same for every i and disagrees with the numeric gradient", () => {
    const r = ref.oneExample[0];
    const params = netOf(r);
    const fwd = forwardOneExample(r.x, params, sigmoid);
    const wrong = seedSummedGradient(fwd, params, sigmoid);
    const right = backwardOneExample(fwd, params, sigmoid, [1]).dW[0];
    expectClose(right, r.dW[0]);
    expect(wrong[0]).toEqual(wrong[1]);
    // the summed version is the column sum of the right one, in every row
    expectClose(wrong[0], [right[0][0] + right[1][0], right[0][1] + right[1][1]]);
    expect(relError(M(wrong), M(r.dW[0]))).toBeGreaterThan(0.05);
    expect(() =>
      seedSummedGradient(
        forwardOneExample([1, 2, 3], netOf(ref.oneExample[1]), tanh),
        netOf(ref.oneExample[1]),
        tanh,
      )
    )
      .toThrow(/^seedSummedGradient:/);
  });

  it("rejects bad input, naming the operation", () => {
    const params = netOf(ref.oneExample[0]);
    expect(() => forwardOneExample([1, 2, 3], params, sigmoid)).toThrow(ShapeError);
    expect(() => forwardOneExample([1, 2, 3], params, sigmoid)).toThrow(
      /^forwardOneExample: layer 1/,
    );
    expect(() => forwardOneExample([1, NaN], params, sigmoid)).toThrow(
      /^forwardOneExample: x\[1\]/,
    );
    expect(() => forwardOneExample([1, 2], [], sigmoid)).toThrow(/^forwardOneExample: params/);
    const bad = [{ w: params[0].w, b: new Matrix(2, 1) }, params[1]];
    expect(() => forwardOneExample([1, 2], bad, sigmoid)).toThrow(
      /^forwardOneExample: layer 1 needs b/,
    );
    const fwd = forwardOneExample([1, 2], params, sigmoid);
    expect(() => backwardOneExample(fwd, params, sigmoid, [1, 2])).toThrow(
      /^backwardOneExample: dout/,
    );
    expect(() => backwardOneExample(fwd, params.slice(1), sigmoid, [1])).toThrow(
      /^backwardOneExample:/,
    );
  });
});

describe("mlpDeltas", () => {
  it("Δ of each layer matches PyTorch's ∂J/∂z (retain_grad) and gives mlpBackward's gradients", () => {
    for (const r of ref.twoLayer) {
      const act = ACTS[r.act];
      const params = [{ w: M(r.W1), b: M(r.b1) }, { w: M(r.W2), b: M(r.b2) }];
      const { out, cache } = mlpForward(M(r.x), params, { activation: act });
      const { grad: dscores } = softmaxCrossEntropy(out, r.y);
      const deltas = mlpDeltas(dscores, cache);
      expectClose(deltas[0], r.delta1);
      expectClose(deltas[1], r.delta2);
      const { grads } = mlpBackward(dscores, cache);
      // ∇W_l = Δ_lᵀ A_{l−1}, ∇b_l = Σ_n Δ_l[n]
      expectClose(grads[0].dw, matmul(transpose(deltas[0]), M(r.x)));
      expectClose(grads[1].dw, matmul(transpose(deltas[1]), cache.layers[1].linear.x));
      expectClose(grads[1].db.data[0], sum(deltas[1].map((v, _i, j) => (j === 0 ? v : 0))));
    }
  });

  it("each row of Δ is the column recurrence δ(l) = (W(l+1)ᵀ δ(l+1)) ⊙ f'(z(l)) for that example", () => {
    const rng = new Random(3);
    const params = [4, 6, 5, 3].slice(1).map((o, l) => ({
      w: rng.randn(o, [4, 6, 5][l]),
      b: rng.randn(1, o),
    }));
    const x = rng.randn(7, 4), dout = rng.randn(7, 3);
    const { cache } = mlpForward(x, params, { activation: tanh });
    const deltas = mlpDeltas(dout, cache);
    for (let n = 0; n < 7; n++) {
      for (let l = 1; l >= 0; l--) {
        const above = Matrix.column(deltas[l + 1].row(n));
        const back = matmul(transpose(params[l + 1].w), above);
        const col = back.data.map((e, j) => e * tanh.df(cache.layers[l].z.get(n, j)));
        expectClose(deltas[l].row(n), col, 1e-12);
      }
    }
    expect(() => mlpDeltas(new Matrix(7, 2), cache)).toThrow(/^mlpDeltas: dout/);
  });
});

describe("twoLayerLoss", () => {
  for (const r of ref.twoLayer) {
    it(`${r.act}: loss and gradients match torch cross_entropy + autograd`, () => {
      const res = twoLayerLoss(
        M(r.x),
        r.y,
        { W1: M(r.W1), b1: M(r.b1), W2: M(r.W2), b2: M(r.b2) },
        ACTS[r.act],
      );
      expectClose(res.loss, r.loss);
      expectClose(res.dW1, r.dW1);
      expectClose(res.db1, r.db1);
      expectClose(res.dW2, r.dW2);
      expectClose(res.db2, r.db2);
      expect(res.dW1.shape).toEqual([r.W1.length, r.W1[0].length]);
    });
  }

  it("passes a numerical gradient check for every parameter (relu, away from the kink)", () => {
    const rng = new Random(11);
    const x = rng.randn(8, 3);
    const p = {
      W1: rng.randn(5, 3),
      b1: rng.randn(1, 5, 0.1),
      W2: rng.randn(4, 5),
      b2: rng.randn(1, 4),
    };
    const y = [0, 1, 2, 3, 0, 1, 2, 3];
    const z1 = mlpForward(x, [{ w: p.W1, b: p.b1 }], { activation: relu }).out;
    expect(Math.min(...Array.from(z1.data, Math.abs))).toBeGreaterThan(1e-3);
    const res = twoLayerLoss(x, y, p, relu);
    const f = () => twoLayerLoss(x, y, p, relu).loss;
    expect(relError(res.dW1, numericalGradient(f, p.W1))).toBeLessThan(1e-7);
    expect(relError(res.db1, numericalGradient(f, p.b1))).toBeLessThan(1e-7);
    expect(relError(res.dW2, numericalGradient(f, p.W2))).toBeLessThan(1e-7);
    expect(relError(res.db2, numericalGradient(f, p.b2))).toBeLessThan(1e-7);
  });

  it("rejects mismatched shapes, naming the failing operation", () => {
    const r = ref.twoLayer[0];
    const p = { W1: M(r.W1), b1: M(r.b1), W2: M(r.W2), b2: M(r.b2) };
    expect(() => twoLayerLoss(new Matrix(2, 9), [0, 1], p, sigmoid)).toThrow(
      /^twoLayerLoss: x is 2×9/,
    );
    expect(() => twoLayerLoss(M(r.x), [0], p, sigmoid)).toThrow(/^twoLayerLoss: 1 labels/);
    expect(() => twoLayerLoss(M(r.x), r.y, { ...p, b1: M(r.b2) }, sigmoid)).toThrow(
      /^twoLayerLoss: b1/,
    );
    expect(() => twoLayerLoss(M(r.x), r.y, { ...p, b2: M(r.b1) }, sigmoid)).toThrow(
      /^twoLayerLoss: b2/,
    );
    expect(() => twoLayerLoss(M(r.x), r.y, { ...p, W2: M(r.W1) }, sigmoid)).toThrow(
      /^twoLayerLoss: W2/,
    );
    expect(() => twoLayerLoss(M(r.x), r.y.map(() => 7), p, sigmoid)).toThrow(
      /^softmaxCrossEntropy: label/,
    );
  });
});
