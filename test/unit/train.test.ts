import { describe, expect, it } from "vitest";
import { Matrix } from "../../lib/core/matrix.ts";
import { relu, tanh } from "../../lib/nn/activations.ts";
import { mlpBackward, mlpForward, mlpInit } from "../../lib/nn/layers/mlp.ts";
import { softmaxCrossEntropy } from "../../lib/nn/losses.ts";
import { Random } from "../../lib/core/random.ts";
import { spirals } from "../../lib/data/synthetic.ts";
import { accuracy, predict, trainClassifier } from "../../lib/train/loop.ts";
import { expectClose } from "./_compare.ts";

describe("trainClassifier", () => {
  const { x, y } = spirals({ perClass: 60, classes: 3, seed: 1 });

  it("learns the spirals (full batch, SGD with momentum) and its loss falls", () => {
    const { params, losses } = trainClassifier(x, y, {
      sizes: [2, 32, 3],
      activation: relu,
      steps: 400,
      lr: 0.5,
      seed: 0,
    });
    expect(losses.length).toBe(400);
    expect(losses[0]).toBeGreaterThan(0.9);
    expect(losses[399]).toBeLessThan(0.2);
    expect(accuracy(predict(x, params, relu), y)).toBeGreaterThan(0.95);
  });

  it("is repeatable for a seed, also with mini-batches", () => {
    const o = { sizes: [2, 8, 3], activation: tanh, steps: 20, lr: 0.1, batchSize: 16, seed: 5 };
    expect(trainClassifier(x, y, o).losses).toEqual(trainClassifier(x, y, o).losses);
    expect(trainClassifier(x, y, { ...o, seed: 6 }).losses).not.toEqual(
      trainClassifier(x, y, o).losses,
    );
  });

  it("one step is plain SGD on mlpBackward's gradients (momentum has no effect on step 1)", () => {
    const sizes = [2, 6, 3];
    const start = mlpInit(sizes, new Random(9), { init: "he" });
    const { out, cache } = mlpForward(x, start, { activation: tanh });
    const { loss, grad: dscores } = softmaxCrossEntropy(out, y);
    const { grads } = mlpBackward(dscores, cache);
    const r = trainClassifier(x, y, { sizes, activation: tanh, steps: 1, lr: 0.3, seed: 9 });
    expect(r.losses[0]).toBe(loss);
    r.params.forEach((p, l) => {
      expectClose(p.w, start[l].w.map((v, i, j) => v - 0.3 * grads[l].dw.get(i, j)));
      expectClose(p.b, start[l].b.map((v, i, j) => v - 0.3 * grads[l].db.get(i, j)));
    });
  });

  it("rejects bad input, naming the operation", () => {
    const o = { sizes: [2, 4, 3], activation: relu, steps: 1, lr: 0.1 };
    expect(() => trainClassifier(new Matrix(3, 5), [0, 1, 2], o)).toThrow(/^trainClassifier: x/);
    expect(() => trainClassifier(x, [0], o)).toThrow(/^trainClassifier: 1 labels/);
    expect(() => trainClassifier(x, y, { ...o, steps: -1 })).toThrow(/^trainClassifier: steps/);
    expect(() => trainClassifier(x, y, { ...o, batchSize: 0 })).toThrow(/^trainClassifier: batch/);
    expect(() => trainClassifier(x, y, { ...o, lr: -1 })).toThrow(/^sgd: lr/);
  });
});

describe("predict / accuracy", () => {
  it("predict takes the arg-max score of each row", () => {
    const params = [{ w: Matrix.from([[1, 0], [0, 1], [-1, -1]]), b: Matrix.from([[0, 0, 0]]) }];
    const pts = Matrix.from([[2, 1], [0, 3], [-1, -2], [1, 1]]);
    expect(predict(pts, params, relu)).toEqual([0, 1, 2, 0]); // a tie goes to the first class
  });

  it("accuracy is the fraction of matches and rejects mismatched lists", () => {
    expect(accuracy([0, 1, 2, 2], [0, 1, 1, 2])).toBe(0.75);
    expect(() => accuracy([0], [0, 1])).toThrow(/^accuracy:/);
    expect(() => accuracy([], [])).toThrow(/^accuracy:/);
  });
});
