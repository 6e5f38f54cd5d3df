/**
 * lib/train/uncertainty.ts: the entropy of predictive distributions (against
 * torch.distributions.Categorical) and Monte Carlo dropout.
 */

import { describe, expect, it } from "vitest";
import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { relu } from "../../lib/nn/activations.ts";
import { softmaxForward } from "../../lib/nn/layers/softmax.ts";
import {
  activationLayer,
  dropoutLayer,
  linearLayer,
  sequential,
} from "../../lib/train/sequential.ts";
import { mcDropout, predictiveEntropy } from "../../lib/train/uncertainty.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/sequential.json" with { type: "json" };

describe("predictiveEntropy", () => {
  it("matches torch.distributions.Categorical(probs).entropy(), 0 for one-hot, ln C for uniform", () => {
    const h = predictiveEntropy(Matrix.from(ref.entropy.probs));
    expectClose(h, ref.entropy.entropy, 1e-12, 1e-14);
    expect(h[4]).toBe(0);
    expect(h[5]).toBeCloseTo(Math.log(6), 14);
  });

  it("refuses entries that are not probabilities", () => {
    expect(() => predictiveEntropy(Matrix.from([[0.5, 1.5]]))).toThrow(
      /^predictiveEntropy: row 0 holds 1.5/,
    );
    expect(() => predictiveEntropy(Matrix.from([[NaN, 1]]))).toThrow(/not a probability/);
  });
});

describe("mcDropout", () => {
  const x = new Random(1).randn(6, 4);
  const layers = (p: number) =>
    sequential(
      [linearLayer(4, 16), activationLayer(relu), dropoutLayer({ p }), linearLayer(16, 3)],
      {
        seed: 2,
      },
    );

  it("averages the softmax of passes with fresh masks; its entropy is that of the mean", () => {
    const model = layers(0.5);
    const { passes, mean, entropy } = mcDropout(model, x, { passes: 5 });
    expect(passes).toHaveLength(5);
    expect(passes[0].data).not.toEqual(passes[1].data); // new masks each pass
    const sum = new Matrix(6, 3);
    passes.forEach((p) => p.data.forEach((v, k) => (sum.data[k] += v / 5)));
    expectClose(mean, sum, 1e-15, 1e-15);
    expectClose(entropy, predictiveEntropy(mean), 0, 0);
    // the passes are the model's train-mode passes from the same generator, in order
    const again = layers(0.5);
    expectClose(passes[0], softmaxForward(again.forward(x, "train").out).out, 0, 0);
  });

  it("without dropout every pass equals the eval-mode prediction", () => {
    const model = layers(0);
    const { passes, mean } = mcDropout(model, x, { passes: 3 });
    const evalProbs = softmaxForward(model.forward(x, "eval").out).out;
    for (const p of [...passes, mean]) expectClose(p, evalProbs, 1e-15, 1e-15);
  });

  it("uses 32 passes by default and refuses a count that is not a positive integer", () => {
    expect(mcDropout(layers(0.5), x).passes).toHaveLength(32);
    expect(() => mcDropout(layers(0.5), x, { passes: 0 })).toThrow(/^mcDropout: passes/);
  });
});
