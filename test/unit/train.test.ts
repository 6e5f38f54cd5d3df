/**
 * lib/train/: the model contract and mlp(), fit() (learning, the step it takes, repeatability,
 * the records, the best checkpoint, schedules, bad options, divergence) and the metrics.
 */

import { describe, expect, it } from "vitest";
import { Matrix, NonFiniteError } from "../../lib/core/matrix.ts";
import { tanh } from "../../lib/nn/activations.ts";
import { mlpBackward, mlpForward, mlpInit } from "../../lib/nn/layers/mlp.ts";
import { multiMarginLoss, softmaxCrossEntropy } from "../../lib/nn/losses.ts";
import { adam, sgd } from "../../lib/optim/optimizers.ts";
import { cyclicLR, oneCycleLR, stepLR } from "../../lib/optim/schedules.ts";
import { Random } from "../../lib/core/random.ts";
import { spirals } from "../../lib/data/synthetic.ts";
import { trainValSplit } from "../../lib/data/split.ts";
import { mlp } from "../../lib/train/model.ts";
import { type EpochRecord, fit, type FitOptions } from "../../lib/train/fit.ts";
import { accuracy, argmaxRows, evaluate, predict } from "../../lib/train/metrics.ts";
import { expectClose } from "./_compare.ts";

const data = trainValSplit(spirals({ perClass: 60, classes: 3, seed: 1 }), { valSize: 45 });
const { train, val } = data;
const withoutTimes = (h: EpochRecord[]) => h.map(({ seconds: _, ...r }) => r);

describe("mlp", () => {
  it("is mlpForward/mlpBackward with params [W1, b1, W2, b2] drawn from the seed", () => {
    const model = mlp([2, 5, 3], { activation: tanh, seed: 4 });
    const layers = mlpInit([2, 5, 3], new Random(4), { init: "he" });
    expect(model.params.map((p) => p.shape)).toEqual([[5, 2], [1, 5], [3, 5], [1, 3]]);
    expectClose(model.params[2], layers[1].w, 0, 0);
    const { out, cache } = model.forward(train.x, "train");
    const ref = mlpForward(train.x, layers, { activation: tanh });
    expectClose(out, ref.out, 0, 0);
    const dout = softmaxCrossEntropy(out, train.y).grad;
    const grads = mlpBackward(dout, ref.cache).grads.flatMap((g) => [g.dw, g.db]);
    model.backward(dout, cache).forEach((g, i) => expectClose(g, grads[i], 0, 0));
  });
});

describe("fit", () => {
  const options = (o: Partial<FitOptions> = {}): FitOptions => ({
    optimizer: sgd({ lr: 0.5, momentum: 0.9 }),
    epochs: 60,
    batchSize: 32,
    ...o,
  });

  it("learns the spirals: the loss falls and held-out accuracy passes 90%", async () => {
    const model = mlp([2, 32, 3], { seed: 0 });
    const { history, best } = await fit(model, data, options());
    expect(history[0].trainLoss).toBeGreaterThan(0.8);
    expect(history.at(-1)!.trainLoss).toBeLessThan(0.2);
    expect(best!.valAcc).toBeGreaterThan(0.9);
    expect(evaluate(model, val).accuracy).toBe(best!.valAcc);
  });

  it("takes exactly one optimiser step per batch on the model's gradients", async () => {
    // one epoch of one full batch: the update is lr times the batch gradient (rows shuffled)
    const model = mlp([2, 6, 3], { activation: tanh, seed: 9 });
    const start = model.params.map((p) => p.clone());
    const { out, cache } = model.forward(train.x, "train");
    const { loss, grad } = softmaxCrossEntropy(out, train.y);
    const grads = model.backward(grad, cache);
    const { steps, history } = await fit(model, { train }, {
      optimizer: sgd({ lr: 0.3 }),
      epochs: 1,
      batchSize: train.y.length,
    });
    expect(steps).toHaveLength(1);
    expect(steps[0].loss).toBeCloseTo(loss, 14);
    expect(history[0].trainLoss).toBeCloseTo(loss, 14);
    model.params.forEach((p, i) =>
      expectClose(p, start[i].map((v, r, c) => v - 0.3 * grads[i].get(r, c)), 1e-12, 1e-14)
    );
  });

  it("is repeatable for a seed; another seed visits the examples in another order", async () => {
    const run = (seed: number) =>
      fit(mlp([2, 8, 3], { seed: 1 }), data, options({ epochs: 3, seed }));
    const [a, b, c] = await Promise.all([run(5), run(5), run(6)]);
    expect(withoutTimes(a.history)).toEqual(withoutTimes(b.history));
    expect(a.steps).toEqual(b.steps);
    expect(a.steps.map((s) => s.loss)).not.toEqual(c.steps.map((s) => s.loss));
  });

  it("records each epoch and each step, and calls onEpoch after each epoch, awaiting it", async () => {
    const seen: number[] = [];
    const { history, steps } = await fit(
      mlp([2, 4, 3]),
      data,
      options({
        epochs: 2,
        onEpoch: async (r, h) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          seen.push(r.epoch, h.length);
        },
      }),
    );
    expect(seen).toEqual([1, 1, 2, 2]);
    const n = train.y.length; // 135 examples: batches of 32, 32, 32, 32, 7
    expect(history.map((r) => r.examples)).toEqual([n, 2 * n]);
    expect(steps).toHaveLength(10);
    expect(steps.slice(0, 6).map((s) => s.examples)).toEqual([32, 64, 96, 128, 135, 167]);
    for (const r of history) {
      expect(Object.keys(r).sort()).toEqual(
        ["epoch", "examples", "lr", "seconds", "trainAcc", "trainLoss", "valAcc", "valLoss"],
      );
      expect(r.seconds).toBeGreaterThan(0);
    }
    const stepMean = steps.slice(0, 5).reduce((s, t, i) => s + t.loss * (i < 4 ? 32 : 7), 0) / n;
    expect(history[0].trainLoss).toBeCloseTo(stepMean, 14);
  });

  it("restores the parameters of the best validation epoch (or keeps the last)", async () => {
    // a good learning rate for four epochs, then one far too large: accuracy collapses
    const schedule = (t: number) => (t < 4 ? 0.5 : 40);
    const snapshots: Float64Array[][] = [];
    const make = () => mlp([2, 16, 3], { seed: 2 });
    const run = (restoreBest: boolean, model = make()) =>
      fit(model, data, {
        ...options({ epochs: 6, schedule, restoreBest }),
        onEpoch: () => void snapshots.push(model.params.map((p) => p.data.slice())),
      }).then((r) => ({ ...r, model }));
    const kept = await run(true);
    const { best, history } = kept;
    expect(best!.epoch).toBeLessThan(6);
    expect(history.at(-1)!.valAcc!).toBeLessThan(best!.valAcc - 0.1);
    expect(best!.valAcc).toBe(Math.max(...history.map((r) => r.valAcc!)));
    kept.model.params.forEach((p, i) => expect(p.data).toEqual(snapshots[best!.epoch - 1][i]));
    expect(evaluate(kept.model, val).accuracy).toBe(best!.valAcc);
    snapshots.length = 0;
    const last = await run(false);
    last.model.params.forEach((p, i) => expect(p.data).toEqual(snapshots[5][i]));
  });

  it("sets the learning rate of each epoch from the schedule (t = 0 first)", async () => {
    const { history } = await fit(mlp([2, 4, 3]), { train }, {
      ...options({ epochs: 5 }),
      schedule: stepLR({ baseLr: 0.1, stepSize: 2, gamma: 0.5 }),
    });
    expect(history.map((r) => r.lr)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    expect(history[0].valLoss).toBeUndefined();
  });

  it('with scheduleEvery: "step", sets the rate before every step, t counted over the run', async () => {
    // 135 examples in batches of 32: 5 steps per epoch, 15 over 3 epochs
    const schedule = cyclicLR({ baseLr: 0.01, maxLr: 0.1, stepSizeUp: 4 });
    const { steps, history } = await fit(mlp([2, 4, 3]), { train }, {
      ...options({ epochs: 3 }),
      schedule,
      scheduleEvery: "step",
    });
    expect(steps.map((s) => s.lr)).toEqual(steps.map((_, t) => schedule(t)));
    expect(steps).toHaveLength(15);
    expect(history.map((r) => r.lr)).toEqual([4, 9, 14].map(schedule)); // each epoch's last step
  });

  it("a one-cycle schedule drives the momentum too (β₁ for Adam), per step or per epoch", async () => {
    const schedule = oneCycleLR({ maxLr: 0.1, totalSteps: 15 });
    const seen: number[] = [];
    const optimizer = sgd({ lr: 0.1, momentum: 0.9 });
    const step = optimizer.step.bind(optimizer);
    optimizer.step = (p, g) => {
      seen.push(optimizer.momentum!);
      step(p, g);
    };
    await fit(mlp([2, 4, 3]), { train }, {
      ...options({ epochs: 3, optimizer }),
      schedule,
      scheduleEvery: "step",
    });
    expect(seen).toEqual(seen.map((_, t) => schedule.momentum!(t)));
    expect(new Set(seen).size).toBeGreaterThan(10); // it really moved
    const beta1 = adam({ lr: 0.1 });
    await fit(mlp([2, 4, 3]), { train }, { ...options({ epochs: 3, optimizer: beta1 }), schedule });
    expect(beta1.momentum).toBe(schedule.momentum!(2)); // per epoch: the third epoch's value
  });

  it("takes any loss of the same shape, and any optimiser", async () => {
    const hinge = (s: Matrix, y: readonly number[]) => multiMarginLoss(s, y);
    const { history } = await fit(mlp([2, 16, 3]), data, {
      optimizer: adam({ lr: 0.01 }),
      epochs: 30,
      loss: hinge,
    });
    expect(history.at(-1)!.trainLoss).toBeLessThan(history[0].trainLoss / 2);
  });

  it("refuses bad options before training, saying what to pass", async () => {
    const model = mlp([2, 4, 3]);
    const bad = (o: unknown, d: unknown = data) =>
      fit(model, d as typeof data, o as FitOptions).then(() => "trained");
    await expect(bad({ ...options(), lr: 0.1 })).rejects.toThrow(
      'fit: unknown option "lr"; lr belongs to the optimiser, e.g. optimizer: sgd({ lr: … })',
    );
    await expect(bad({ ...options(), batch_size: 8 })).rejects.toThrow(
      /^fit: unknown option "batch_size" \(options: optimizer, epochs, batchSize,/,
    );
    await expect(bad({ epochs: 1 })).rejects.toThrow(/^fit: optimizer must be an optimiser/);
    await expect(bad({ ...options(), epochs: 0 })).rejects.toThrow(
      /^fit: epochs must be a positive integer, got 0/,
    );
    await expect(bad({ ...options(), batchSize: 2.5 })).rejects.toThrow(/^fit: batchSize must be/);
    await expect(bad({ ...options(), scheduleEvery: "batch" })).rejects.toThrow(
      'fit: scheduleEvery must be "epoch" or "step", got "batch"',
    );
    await expect(bad({ ...options(), onEpoch: "print" })).rejects.toThrow(
      /^fit: onEpoch must be a function, got string/,
    );
    await expect(bad(options(), { train: { x: train.x, y: [0] } })).rejects.toThrow(
      /^fit \(train\): 1 labels for 135 rows of x/,
    );
    await expect(bad(options(), { train, val: { x: new Matrix(2, 3), y: [0, 1] } })).rejects
      .toThrow(/^fit: train has 2 features per example, val has 3/);
    await expect(bad(options(), { x: train.x, y: train.y })).rejects.toThrow(
      /^fit \(train\): expected a data set/,
    );
    await expect(fit({} as never, data, options())).rejects.toThrow(/^fit: model must have params/);
  });

  it("reports a diverged run with the epoch and the learning rate to go below", async () => {
    const run = fit(mlp([2, 16, 3]), data, options({ optimizer: sgd({ lr: 1e200 }) }));
    await expect(run).rejects.toThrow(NonFiniteError);
    await expect(
      fit(mlp([2, 16, 3]), data, options({ optimizer: sgd({ lr: 1e200 }) })),
    ).rejects.toThrow(
      /^fit: the run diverged in epoch 1 \(.*\); try a learning rate below 1e\+200$/,
    );
  });
});

describe("metrics", () => {
  it("argmaxRows takes the largest score of each row, the first one on ties", () => {
    expect(argmaxRows(Matrix.from([[2, 1, 0], [0, 3, 3], [-1, -2, -0.5]]))).toEqual([0, 1, 2]);
  });

  it("predict is the argmax of the model's scores in eval mode, in batches of 1000", () => {
    const modes: string[] = [];
    const model = mlp([2, 3], { seed: 1 });
    const x = new Random(2).randn(2500, 2);
    const spy = {
      ...model,
      forward: (b: Matrix, mode: "train" | "eval") => (modes.push(mode), model.forward(b, mode)),
    };
    expect(predict(spy, x)).toEqual(argmaxRows(model.forward(x, "eval").out));
    expect(modes).toEqual(["eval", "eval", "eval"]);
  });

  it("evaluate gives the mean loss over examples and the accuracy", () => {
    const model = mlp([2, 5, 3], { seed: 3 });
    const out = model.forward(val.x, "eval").out;
    const r = evaluate(model, val);
    expect(r.loss).toBeCloseTo(softmaxCrossEntropy(out, val.y).loss, 14);
    expect(r.accuracy).toBe(accuracy(argmaxRows(out), val.y));
  });

  it("accuracy is the fraction of matches and refuses mismatched lists", () => {
    expect(accuracy([0, 1, 2, 2], [0, 1, 1, 2])).toBe(0.75);
    expect(() => accuracy([0], [0, 1])).toThrow(/^accuracy:/);
    expect(() => accuracy([], [])).toThrow(/^accuracy:/);
  });
});
