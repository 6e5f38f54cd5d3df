/**
 * lib/nas/reinforce.ts and darts.ts: the REINFORCE gradient against the numerical gradient of
 * the exact expected reward, the baseline's effect on variance, the controller finding the best
 * choices; DARTS' mixed operation and supernet gradients against numerical ones, the
 * first-order α step, discretisation skipping `none`, and a search on spirals.
 */

import { describe, expect, it } from "vitest";
import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import { softmaxCrossEntropy } from "../../lib/nn/losses.ts";
import { adam, sgd } from "../../lib/optim/optimizers.ts";
import { categorical, space } from "../../lib/search/space.ts";
import { optimize } from "../../lib/search/trial.ts";
import { spirals } from "../../lib/data/synthetic.ts";
import { trainValSplit } from "../../lib/data/split.ts";
import {
  expectedReward,
  logProbability,
  logProbabilityGrad,
  policyProbabilities,
  reinforceSampler,
  reinforceStep,
  sampleChoices,
} from "../../lib/nas/reinforce.ts";
import {
  dartsSearch,
  discretise,
  mixedOpBackward,
  mixedOpForward,
  supernet,
} from "../../lib/nas/darts.ts";
import { OPS } from "../../lib/nas/ops.ts";
import { cellSpace } from "../../lib/nas/space.ts";

const rows = (m: Matrix) =>
  Array.from({ length: m.rows }, (_, i) => [...m.data.subarray(i * m.cols, (i + 1) * m.cols)]);

describe("REINFORCE", () => {
  const logits = [[0.3, -0.5, 1.1], [0.0, 0.7, -0.2]];
  const table = [[0.2, 0.5, 0.9], [0.4, 0.1, 0.6], [0.8, 0.3, 0.7]];
  const reward = (a: number[]) => table[a[0]][a[1]];

  it("∇log π = onehot − π, as the numerical gradient of log π", () => {
    const th = Matrix.from(logits);
    const num = numericalGradient(() => logProbability(rows(th), [2, 1]), th);
    expect(relError(Matrix.from(logProbabilityGrad(logits, [2, 1])), num)).toBeLessThan(1e-8);
  });

  it("E[(R − b)∇log π] is the numerical gradient of the exact J(θ), for any baseline b", () => {
    const th = Matrix.from(logits);
    const numerical = numericalGradient(() => expectedReward(rows(th), reward), th);
    for (const b of [0, 0.5, 3]) {
      const exact = new Matrix(2, 3);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const p = Math.exp(logProbability(logits, [i, j]));
          logProbabilityGrad(logits, [i, j]).flat().forEach((g, k) =>
            exact.data[k] += p * (reward([i, j]) - b) * g
          );
        }
      }
      expect(relError(exact, numerical), `baseline ${b}`).toBeLessThan(1e-7);
    }
  });

  it("sampled estimates average to that gradient; a baseline near J shrinks their variance", () => {
    const rng = new Random(4), n = 10000, J = expectedReward(logits, reward);
    const th = Matrix.from(logits);
    const truth = numericalGradient(() => expectedReward(rows(th), reward), th).data;
    // rewards shifted by +10: the same gradient, far noisier estimates without a baseline
    const shifted = (a: number[]) => reward(a) + 10;
    const stats = (b: number) => {
      const sum = new Float64Array(6), sq = new Float64Array(6);
      for (let t = 0; t < n; t++) {
        const a = sampleChoices(logits, rng);
        logProbabilityGrad(logits, a).flat().forEach((g, k) => {
          const v = (shifted(a) - b) * g;
          sum[k] += v;
          sq[k] += v * v;
        });
      }
      const mean = [...sum].map((s) => s / n);
      return { mean, variance: [...sq].map((s, k) => s / n - mean[k] ** 2) };
    };
    const withBaseline = stats(J + 10), without = stats(0);
    withBaseline.mean.forEach((m, k) => {
      expect(Math.abs(m - truth[k])).toBeLessThan(4 * Math.sqrt(withBaseline.variance[k] / n));
    });
    const total = (v: number[]) => v.reduce((s, x) => s + x, 0);
    expect(total(without.variance)).toBeGreaterThan(100 * total(withBaseline.variance));
  });

  it("one step: ascent along (R − b)(onehot − π) with the old baseline, then b ← βb + (1−β)R", () => {
    const step = reinforceStep([[0, 0]], [1], 1, 0.4, { lr: 2, baselineDecay: 0.75 });
    expect(step.advantage).toBeCloseTo(0.6, 12);
    expect(step.logits[0][0]).toBeCloseTo(-0.6, 12); // 2 · 0.6 · (0 − 0.5)
    expect(step.logits[0][1]).toBeCloseTo(0.6, 12);
    expect(step.baseline).toBeCloseTo(0.75 * 0.4 + 0.25 * 1, 12);
    const worse = reinforceStep([[0, 0]], [1], 0.2, 0.4, {});
    expect(policyProbabilities(worse.logits[0])[1]).toBeLessThan(0.5); // below baseline: less likely
  });

  it("refuses bad input with messages naming it", () => {
    expect(() => reinforceStep([[0, 0]], [2], 1, 0)).toThrow(
      /choice 0 must be an index in \[0, 1\]/,
    );
    expect(() => reinforceStep([[0, 0]], [0, 1], 1, 0)).toThrow(/one choice per decision/);
    expect(() => reinforceStep([[0, 0]], [0], NaN, 0)).toThrow(/finite/);
    expect(() => reinforceSampler({ baselineDecay: 1 })).toThrow(
      /baselineDecay must be in \[0, 1\)/,
    );
    expect(() => reinforceSampler({ lr: -1 })).toThrow(/lr must be a finite positive/);
  });

  it("as a sampler, concentrates on the best choices of a table", () => {
    const sp = space({ a: categorical([0, 1, 2, 3]), b: categorical(["x", "y", "z"]) });
    const value = (c: Record<string, unknown>) =>
      (c.a === 2 ? 0 : 0.3) + (c.b === "y" ? 0 : 0.2) + 0.1 * Number(c.a);
    const ctl = reinforceSampler({ lr: 5, baselineDecay: 0.8 });
    const study = optimize(sp, ctl, value, { nTrials: 300, seed: 1 });
    expect(policyProbabilities(ctl.logits[0])[2]).toBeGreaterThan(0.9);
    expect(policyProbabilities(ctl.logits[1])[1]).toBeGreaterThan(0.9);
    expect(study.best.params).toEqual({ a: 2, b: "y" });
    expect(ctl.baseline).toBeGreaterThan(-0.35); // near the best reward −0.2 by now
  });
});

describe("DARTS", () => {
  const cell = cellSpace();
  const ops = cell.ops.map((n) => OPS[n]);

  it("the mixed operation is Σ softmax(α)_o · op_o(x)", () => {
    const rng = new Random(0), x = rng.randn(3, 4), alpha = [0.2, -1, 0.5, 1.5, 0.1];
    const params = ops.map((op) => op.init(4, rng));
    const w = policyProbabilities(alpha);
    const { out } = mixedOpForward(x, alpha, ops, params);
    const expected = new Matrix(3, 4);
    ops.forEach((op, o) => {
      const y = op.forward(x, params[o]).out;
      y.data.forEach((v, k) => expected.data[k] += w[o] * v);
    });
    expect(relError(out, expected)).toBeLessThan(1e-12);
  });

  it("mixedOpBackward's dα, dx and parameter gradients match numerical ones", () => {
    const rng = new Random(1), x = rng.randn(4, 3), dout = rng.randn(4, 3);
    const alpha = Matrix.from([[0.3, -0.2, 0.8, 0.1, -0.6]]);
    const params = ops.map((op) => op.init(3, rng));
    params.flat().forEach((p) => p.data.set(rng.randn(p.rows, p.cols).data));
    const f = () => {
      const o = mixedOpForward(x, [...alpha.data], ops, params).out;
      return o.data.reduce((s, v, k) => s + v * dout.data[k], 0);
    };
    const r = mixedOpBackward(dout, mixedOpForward(x, [...alpha.data], ops, params).cache);
    expect(relError(Matrix.from([r.dalpha]), numericalGradient(f, alpha))).toBeLessThan(1e-7);
    expect(relError(r.dx, numericalGradient(f, x))).toBeLessThan(1e-7);
    r.grads.forEach((gs, o) =>
      gs.forEach((g, i) =>
        expect(relError(g, numericalGradient(f, params[o][i]))).toBeLessThan(1e-7)
      )
    );
    expect(Math.abs(r.dalpha.reduce((s, v) => s + v, 0))).toBeLessThan(1e-12); // softmax: Σ dα = 0
  });

  it("the supernet's dα and weight gradients match numerical gradients of the loss", () => {
    const rng = new Random(2), x = rng.randn(5, 4), y = [0, 1, 2, 1, 0];
    const net = supernet(cellSpace({ nodes: 2 }), { inputs: 4, width: 3, classes: 3, alphaStd: 1 });
    net.params.forEach((p) => p.data.set(rng.randn(p.rows, p.cols, 0.7).data));
    const loss = () => softmaxCrossEntropy(net.forward(x, "train").out, y).loss;
    const { out, cache } = net.forward(x, "train");
    const { grads, dalpha } = net.backwardAll(softmaxCrossEntropy(out, y).grad, cache);
    expect(relError(dalpha, numericalGradient(loss, net.alpha))).toBeLessThan(1e-6);
    net.params.forEach((p, i) =>
      expect(relError(grads[i], numericalGradient(loss, p)), `param ${i}`).toBeLessThan(1e-6)
    );
    expect(net.backward(softmaxCrossEntropy(out, y).grad, cache).length).toBe(net.params.length);
  });

  it("discretises by the strongest operation other than none", () => {
    const alpha = Matrix.from([[5, 1, 2, 0, 0], [0, 0, 0, 0, 3], [9, 9, 1, 1, 1]]);
    expect(discretise(cell, alpha)).toEqual([2, 4, 1]);
    expect(() => discretise(cell, new Matrix(2, 5))).toThrow(/must be 3×5/);
  });

  it("one first-order step: α moves by −lr·∂L_val/∂α at the current weights", async () => {
    const data = spirals({ perClass: 10, seed: 0 });
    const parts = trainValSplit(data, { valSize: 12, seed: 0 });
    const net = supernet(cell, { inputs: 2, width: 4, classes: 3, seed: 3 });
    const alpha0 = net.alpha.clone();
    const { out, cache } = net.forward(parts.val.x, "train");
    const { dalpha } = net.backwardAll(softmaxCrossEntropy(out, parts.val.y).grad, cache);
    const res = await dartsSearch(cell, net, parts, {
      optimizer: sgd({ lr: 0.1 }),
      alphaOptimizer: sgd({ lr: 0.5 }),
      epochs: 1,
      batchSize: 64, // one batch of each split
    });
    const expected = alpha0.map((a, i, j) => a - 0.5 * dalpha.get(i, j));
    expect(relError(net.alpha, expected)).toBeLessThan(1e-10);
    expect(res.weightsPerStep.length).toBe(2);
  });

  it("searches on spirals: the supernet learns, α moves, the result has no none", async () => {
    const data = spirals({ perClass: 100, seed: 1 });
    const parts = trainValSplit(data, { valSize: 150, seed: 0 });
    const net = supernet(cell, { inputs: 2, width: 16, classes: 3, seed: 0 });
    const res = await dartsSearch(cell, net, parts, {
      optimizer: adam({ lr: 0.01 }),
      alphaOptimizer: adam({ lr: 0.05, betas: [0.5, 0.999] }),
      epochs: 20,
      batchSize: 30,
    });
    expect(res.history.length).toBe(20);
    expect(res.history.at(-1)!.valAcc).toBeGreaterThan(0.6);
    expect(res.history.at(-1)!.trainLoss).toBeLessThan(res.history[0].trainLoss);
    const spread = Math.max(...res.history.at(-1)!.weights.flat()) -
      Math.min(...res.history.at(-1)!.weights.flat());
    expect(spread).toBeGreaterThan(0.05); // started uniform (0.2 each, ±1e-3)
    expect(res.arch.includes(cell.ops.indexOf("none"))).toBe(false);
    expect(res.weightsPerStep.length).toBe(1 + 20 * 5);
  });
});
