import { describe, expect, it } from "vitest";
import { Matrix, ShapeError } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import { softmaxCrossEntropy } from "../../lib/nn/losses.ts";
import { sgd } from "../../lib/optim/optimizers.ts";
import { convNet } from "../../lib/train/cnn.ts";
import { fit } from "../../lib/train/fit.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/cnn.json" with { type: "json" };

describe("convNet", () => {
  ref.forEach((c, k) => {
    it(`matches torch Conv2d → ReLU → MaxPool2d → Linear and autograd, case ${k}`, () => {
      const model = convNet({
        input: c.input as [number, number, number],
        filters: c.filters,
        kernelSize: c.kernelSize,
        padding: c.padding,
        pool: c.pool,
        classes: c.classes,
      });
      model.params.forEach((p, i) => p.data.set(c.params[i]));
      const x = new Matrix(c.y.length, c.x.length / c.y.length, c.x);
      const { out, cache } = model.forward(x, "train");
      expectClose(out.data, c.scores);
      const { loss, grad } = softmaxCrossEntropy(out, c.y);
      expectClose([loss], [c.loss]);
      model.backward(grad, cache).forEach((g, i) => expectClose(g.data, c.grads[i]));
    });
  });

  it("passes a numerical gradient check on every parameter", () => {
    const rng = new Random(4);
    const model = convNet({ input: [2, 7, 6], filters: 3, padding: 1, seed: 1, classes: 4 });
    const x = rng.randn(3, 2 * 7 * 6), y = [0, 3, 1];
    const loss = () => softmaxCrossEntropy(model.forward(x, "train").out, y).loss;
    const { out, cache } = model.forward(x, "train");
    const grads = model.backward(softmaxCrossEntropy(out, y).grad, cache);
    model.params.forEach((p, i) => {
      expect(relError(numericalGradient(loss, p), grads[i])).toBeLessThan(1e-6);
    });
  });

  it("scores a large set in eval mode a chunk at a time, with the same scores", () => {
    const model = convNet({ input: [1, 6, 6], filters: 2, seed: 3 });
    const x = new Random(5).randn(300, 36);
    const whole = model.forward(x, "train").out, chunked = model.forward(x, "eval");
    expect(chunked.cache).toBeNull();
    expectClose(chunked.out.data, Array.from(whole.data));
    expect(() => model.backward(whole, null)).toThrow(
      'convNet: no backward pass after scoring more than 128 images in "eval" mode',
    );
  });

  it("shares the convolution's weight between the matrix and the tensor view", () => {
    const model = convNet({ input: [1, 5, 5], filters: 2 });
    model.params[0].data[3] = 7;
    expect(model.convWeight.get(0, 0, 1, 0)).toBe(7);
    expect(model.params.map((p) => p.shape)).toEqual([[2, 9], [1, 2], [10, 2], [1, 10]]);
  });

  it("learns a separable image task through fit", async () => {
    // Class 1 images have a bright vertical bar somewhere, class 0 a horizontal one.
    const rng = new Random(2), n = 80, x = new Matrix(n, 36), y: number[] = [];
    for (let i = 0; i < n; i++) {
      const cls = i % 2, at = rng.int(6);
      for (let t = 0; t < 6; t++) x.data[i * 36 + (cls ? t * 6 + at : at * 6 + t)] = 1;
      for (let k = 0; k < 36; k++) x.data[i * 36 + k] += 0.1 * rng.normal();
      y.push(cls);
    }
    const model = convNet({ input: [1, 6, 6], filters: 4, classes: 2, seed: 0 });
    const { history } = await fit(model, { train: { x, y } }, {
      optimizer: sgd({ lr: 0.1, momentum: 0.9 }),
      epochs: 15,
      batchSize: 16,
    });
    expect(history.at(-1)!.trainAcc).toBeGreaterThan(0.95);
  });

  it("rejects bad shapes with messages naming convNet", () => {
    expect(() => convNet({ input: [1, 2, 2], filters: 2, kernelSize: 3 })).toThrow(
      /^convNet: a 3×3 kernel and a pool of 2 leave no output/,
    );
    expect(() => convNet({ input: [1, 5, 5], filters: 0 })).toThrow(RangeError);
    const model = convNet({ input: [1, 5, 5], filters: 2 });
    expect(() => model.forward(Matrix.zeros(2, 24), "eval")).toThrow(ShapeError);
    expect(() => model.forward(Matrix.zeros(2, 24), "eval")).toThrow(
      "convNet: x is 2×24 but images are 1×5×5 (25 columns)",
    );
  });
});
