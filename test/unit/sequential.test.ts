/**
 * lib/train/sequential.ts against PyTorch (an nn.Sequential with Linear, BatchNorm1d, ReLU, a
 * residual block, LayerNorm), numerical gradients, the dropout layer's masks; fit restoring
 * batch norm's running statistics with the best parameters; lib/data/downsample.ts against
 * F.avg_pool2d.
 */

import { describe, expect, it } from "vitest";
import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradientArray, relError } from "../../lib/check/gradcheck.ts";
import { relu, selu, tanh } from "../../lib/nn/activations.ts";
import { alphaDropoutForward, dropoutForward } from "../../lib/nn/layers/dropout.ts";
import { sgd } from "../../lib/optim/optimizers.ts";
import { spirals } from "../../lib/data/synthetic.ts";
import { trainValSplit } from "../../lib/data/split.ts";
import { downsample } from "../../lib/data/downsample.ts";
import { fit } from "../../lib/train/fit.ts";
import { penalized } from "../../lib/train/penalty.ts";
import {
  activationLayer,
  batchNormLayer,
  dropoutLayer,
  layerNormLayer,
  linearLayer,
  residualBlock,
  sequential,
} from "../../lib/train/sequential.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/sequential.json" with { type: "json" };

const M = (a: number[][]) => Matrix.from(a);

/** The network of gen_sequential.py, with PyTorch's parameters copied in. */
function torchNet() {
  const [D, H, C] = ref.sequential.sizes;
  const model = sequential([
    linearLayer(D, H),
    batchNormLayer(H, { momentum: ref.sequential.momentum }),
    activationLayer(relu),
    residualBlock([linearLayer(H, H), activationLayer(relu), linearLayer(H, H)]),
    layerNormLayer(H),
    linearLayer(H, C),
  ]);
  model.params.forEach((p, i) => p.data.set(M(ref.sequential.params[i]).data));
  return model;
}

describe("sequential", () => {
  it("matches PyTorch over two training steps (outputs, every gradient, running statistics) and in eval", () => {
    const model = torchNet();
    expect(model.params).toHaveLength(12);
    expect(model.buffers).toHaveLength(2);
    for (const s of ref.sequential.steps) {
      const { out, cache } = model.forward(M(s.x), "train");
      expectClose(out, s.out, 1e-10, 1e-12);
      model.backward(M(s.dout), cache).forEach((g, i) => expectClose(g, s.grads[i], 1e-9, 1e-11));
      expectClose(model.buffers[0], s.running_mean, 1e-12, 1e-14);
      expectClose(model.buffers[1], s.running_var, 1e-12, 1e-14);
    }
    expectClose(
      model.forward(M(ref.sequential.eval.x), "eval").out,
      ref.sequential.eval.out,
      1e-10,
      1e-12,
    );
  });

  it("passes a numerical gradient check for every parameter (train mode, tanh)", () => {
    const model = sequential([
      linearLayer(3, 4),
      batchNormLayer(4),
      activationLayer(tanh),
      residualBlock([linearLayer(4, 4), layerNormLayer(4), activationLayer(tanh)]),
      linearLayer(4, 2),
    ], { seed: 5 });
    const rng = new Random(6);
    const x = rng.randn(5, 3), dout = rng.randn(5, 2);
    const { cache } = model.forward(x, "train");
    const grads = model.backward(dout, cache);
    model.params.forEach((p, i) => {
      const num = numericalGradientArray(() => model.forward(x, "train").out, p, dout);
      // the first bias feeds batch norm, which removes it: its gradient is 0 (to rounding)
      if (i === 1) expect(Math.max(...grads[i].data.map(Math.abs))).toBeLessThan(1e-12);
      else expect(relError(grads[i], num), `param ${i}`).toBeLessThan(1e-7);
      expectClose(grads[i], num, 1e-6, 1e-9);
    });
  });

  it("names its layers and lists params and buffers in layer order", () => {
    const model = sequential([linearLayer(2, 3), batchNormLayer(3), dropoutLayer({ p: 0.2 })]);
    expect(model.layers.map((l) => l.name)).toEqual(["linear 2→3", "batchnorm 3", "dropout p=0.2"]);
    expect(model.params.map((p) => p.shape)).toEqual([[3, 2], [1, 3], [1, 3], [1, 3]]);
    expect(model.buffers.map((b) => Array.from(b.data))).toEqual([[0, 0, 0], [1, 1, 1]]);
  });

  it("a linear layer skips dx when asked (the model does so for its first layer), grads unchanged", () => {
    const layer = linearLayer(3, 2)(new Random(1));
    const x = new Random(2).randn(4, 3), dout = new Random(3).randn(4, 2);
    const { cache } = layer.forward(x, "train");
    const full = layer.backward(dout, cache),
      skipped = layer.backward(dout, cache, { needsInputGrad: false });
    expect(full.dx).toBeInstanceOf(Matrix);
    expect(skipped.dx).toBeNull();
    skipped.grads.forEach((g, i) => expectClose(g, full.grads[i], 0, 0));
  });

  it("batch norm in eval mode uses, and does not change, the running statistics", () => {
    const model = sequential([batchNormLayer(2)]);
    const x = M([[1, 2], [3, 6], [5, 1]]);
    model.forward(x, "train");
    const [mean, variance] = model.buffers.map((b) => Array.from(b.data));
    expectClose(mean, [0.3, 0.3], 1e-15, 1e-15); // 0.9·0 + 0.1·batch mean (3, 3)
    expectClose(variance, [0.9 + 0.1 * 4, 0.9 + 0.1 * 7], 1e-15, 1e-15); // unbiased: 4 and 7
    const { out } = model.forward(x, "eval");
    expectClose(out, x.map((v, _i, j) => (v - mean[j]) / Math.sqrt(variance[j] + 1e-5)), 1e-14, 0);
    expect(model.buffers.map((b) => Array.from(b.data))).toEqual([mean, variance]);
  });

  it("draws dropout masks from the model's generator in training, and is the identity in eval", () => {
    const x = new Random(1).randn(4, 6);
    for (const kind of ["inverted", "alpha"] as const) {
      const model = sequential([dropoutLayer({ p: 0.3, kind })], { seed: 8 });
      const rng = new Random(8), f = kind === "inverted" ? dropoutForward : alphaDropoutForward;
      expectClose(model.forward(x, "train").out, f(x, { p: 0.3, rng }).out, 0, 0);
      expectClose(model.forward(x, "train").out, f(x, { p: 0.3, rng }).out, 0, 0); // a new mask
      expectClose(model.forward(x, "eval").out, x, 0, 0);
    }
    const selus = sequential([activationLayer(selu), dropoutLayer({ kind: "alpha" })]);
    expect(selus.layers[1].name).toBe("alpha dropout p=0.5");
  });

  it("a residual block adds its input: with its layers at zero it is the identity, and so is its gradient", () => {
    const block = sequential([residualBlock([linearLayer(3, 3)])]);
    block.params.forEach((p) => p.data.fill(0));
    const x = new Random(2).randn(2, 3), dout = new Random(3).randn(2, 3);
    const { out, cache } = block.forward(x, "train");
    expectClose(out, x, 0, 0);
    const grads = block.backward(dout, cache);
    expectClose(
      grads[1],
      [dout.data[0] + dout.data[3], dout.data[1] + dout.data[4], dout.data[2] + dout.data[5]],
      1e-15,
      0,
    );
  });

  it("rejects what it cannot build, naming the function", () => {
    expect(() => sequential([])).toThrow(/^sequential: /);
    expect(() => residualBlock([])).toThrow(/^residualBlock: /);
    expect(() => dropoutLayer({ p: 1.5 })).toThrow(/p \(drop probability\) must be in \[0, 1\]/);
    // @ts-expect-error: an unknown kind
    expect(() => dropoutLayer({ kind: "gaussian" })).toThrow(/^dropoutLayer: kind/);
    const widening = sequential([residualBlock([linearLayer(2, 3)])]);
    expect(() => widening.forward(new Matrix(1, 2), "eval")).toThrow(
      /^residualBlock: .*same width/,
    );
  });
});

describe("fit with batch norm", () => {
  it("restores the running statistics of the best epoch together with its parameters", async () => {
    const data = trainValSplit(spirals({ perClass: 60, classes: 3, seed: 1 }), { valSize: 45 });
    const model = sequential([
      linearLayer(2, 16),
      batchNormLayer(16),
      activationLayer(relu),
      linearLayer(16, 3),
    ], { seed: 2 });
    const snapshots: Float64Array[][] = [];
    const { best, history } = await fit(model, data, {
      optimizer: sgd({ lr: 0.5, momentum: 0.9 }),
      epochs: 6,
      batchSize: 32,
      schedule: (t) => (t < 4 ? 0.2 : 30), // then far too large: accuracy collapses
      onEpoch: () => void snapshots.push(model.buffers.map((b) => b.data.slice())),
    });
    expect(best!.epoch).toBeLessThan(6);
    expect(history.at(-1)!.valAcc!).toBeLessThan(best!.valAcc);
    expect(snapshots[5]).not.toEqual(snapshots[best!.epoch - 1]);
    model.buffers.forEach((b, i) => expect(b.data).toEqual(snapshots[best!.epoch - 1][i]));
  });
});

describe("penalized keeps the buffers", () => {
  it("a penalised batch-norm model exposes the same running statistics to fit", () => {
    const model = sequential([linearLayer(2, 3), batchNormLayer(3), linearLayer(3, 2)]);
    const wrapped = penalized(model, { weights: [model.params[0]], l2: 0.1 });
    expect(wrapped.buffers).toBe(model.buffers);
    expect(wrapped.buffers).toHaveLength(2);
  });
});

describe("downsample", () => {
  it("matches F.avg_pool2d", () => {
    for (const c of Object.values(ref.avg_pool2d)) {
      expectClose(downsample(M(c.x), { factor: c.factor }), c.out, 1e-15, 1e-15);
    }
  });

  it("averages 2×2 blocks by default, row-major", () => {
    const x = M([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]]);
    expect(Array.from(downsample(x).data)).toEqual([3.5, 5.5, 11.5, 13.5]);
  });

  it("rejects rows that are not square images, and factors that do not divide the side", () => {
    expect(() => downsample(new Matrix(2, 12))).toThrow(/^downsample: rows of 12 pixels/);
    expect(() => downsample(new Matrix(2, 9))).toThrow(/^downsample: factor 2 does not divide/);
    expect(() => downsample(new Matrix(2, 16), { factor: 0 })).toThrow(/^downsample: factor/);
  });
});
