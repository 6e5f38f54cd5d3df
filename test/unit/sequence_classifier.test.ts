import { describe, expect, it } from "vitest";
import { addRow, matmulNT, Matrix, ShapeError } from "../../lib/core/matrix.ts";
import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import { echoTask } from "../../lib/data/sequences.ts";
import { softmaxCrossEntropy } from "../../lib/nn/losses.ts";
import { gruForward, rnnForward } from "../../lib/nn/layers/rnn_sequence.ts";
import {
  sequenceAccuracy,
  sequenceClassifier,
  sequenceClassifierLoss,
} from "../../lib/nn/sequence_classifier.ts";
import { trainSequenceClassifier } from "../../lib/train/sequence.ts";
import { adam } from "../../lib/optim/optimizers.ts";

describe("echoTask", () => {
  it("one-hot inputs; the target at step t is the symbol of step t − delay", () => {
    const d = echoTask({ n: 5, length: 7, delay: 2, classes: 3, seed: 1 });
    expect(d.xs.length).toBe(7);
    expect(d.xs[0].shape).toEqual([5, 3]);
    for (let t = 0; t < 7; t++) {
      for (let k = 0; k < 5; k++) {
        expect(d.xs[t].row(k)).toEqual([0, 1, 2].map((c) => (c === d.symbols[k][t] ? 1 : 0)));
        if (t < 2) expect(d.targets[t]).toBeUndefined();
        else expect(d.targets[t]![k]).toBe(d.symbols[k][t - 2]);
      }
    }
    const last = echoTask({ n: 4, length: 5, delay: 4, targets: "last", seed: 2 });
    expect(last.targets.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined]);
    expect(last.targets[4]).toEqual(last.symbols.map((s) => s[0]));
  });
  it("is repeatable from its seed, and different for another", () => {
    const a = echoTask({ n: 3, length: 4, delay: 1, seed: 9 });
    expect(echoTask({ n: 3, length: 4, delay: 1, seed: 9 }).symbols).toEqual(a.symbols);
    expect(echoTask({ n: 3, length: 4, delay: 1, seed: 10 }).symbols).not.toEqual(a.symbols);
  });
  it("rejects impossible settings", () => {
    expect(() => echoTask({ n: 3, length: 4, delay: 4 })).toThrow(
      "echoTask: delay must be an integer in [0, length − 1] = [0, 3], got 4",
    );
    expect(() => echoTask({ n: 0, length: 4, delay: 1 })).toThrow(/^echoTask: n must be/);
  });
});

describe("sequenceClassifier", () => {
  it("has PyTorch's parameter shapes and initialisation range for each cell", () => {
    for (const [kind, G] of [["rnn", 1], ["lstm", 4], ["gru", 3]] as const) {
      const m = sequenceClassifier(kind, { inputSize: 3, hiddenSize: 5, classes: 4, seed: 1 });
      expect(m.params.map((p) => p.shape)).toEqual([
        [5 * G, 3],
        [5 * G, 5],
        [1, 5 * G],
        [1, 5 * G],
        [4, 5],
        [1, 4],
      ]);
      const bound = 1 / Math.sqrt(5);
      expect(m.params.every((p) => p.data.every((v) => Math.abs(v) <= bound))).toBe(true);
    }
    expect(() => sequenceClassifier("lstn" as "lstm", { inputSize: 1, hiddenSize: 1, classes: 2 }))
      .toThrow('sequenceClassifier: kind must be "rnn", "lstm" or "gru", got lstn');
  });
});

/**
 * ‖a − b‖ / (‖a‖ + ‖b‖): relative to the whole gradient, so entries of size 1e-6, whose
 * finite differences carry round-off of 1e-11, do not dominate (as they do in relError).
 */
function normError(a: Matrix, b: Matrix): number {
  const n = (m: Matrix) => Math.hypot(...m.data);
  return n(a.map((v, i, j) => v - b.get(i, j))) / (n(a) + n(b));
}

/** A small model and batch of the echo task, with the loss and gradients of the model. */
function gradcheck(kind: "rnn" | "lstm" | "gru", truncate?: number, resetAfter = true) {
  const m = sequenceClassifier(kind, {
    inputSize: 3,
    hiddenSize: 4,
    classes: 3,
    seed: 3,
    resetAfter,
  });
  const data = echoTask({ n: 2, length: 6, delay: 1, classes: 3, seed: 4 });
  const { grads, loss } = sequenceClassifierLoss(m, data, { truncate });
  return { m, data, grads, loss };
}

describe("sequenceClassifierLoss", () => {
  for (
    const [kind, resetAfter] of [["rnn", true], ["lstm", true], ["gru", true], [
      "gru",
      false,
    ]] as const
  ) {
    it(`full BPTT gradients agree with numerical ones (${kind}${resetAfter ? "" : ", reset before"})`, () => {
      const { m, data, grads } = gradcheck(kind, undefined, resetAfter);
      const f = () => sequenceClassifierLoss(m, data).loss;
      m.params.forEach((p, i) => {
        expect(normError(numericalGradient(f, p), grads[i]), `param ${i}`).toBeLessThan(1e-8);
      });
    });
  }

  it("the loss is the mean cross-entropy of the read-out at every scored step", () => {
    const { m, data, loss } = gradcheck("rnn");
    const { hs } = rnnForward(data.xs, new Matrix(2, 4), m.cell);
    let total = 0, count = 0;
    hs.forEach((h, t) => {
      const y = data.targets[t];
      if (!y) return;
      total += softmaxCrossEntropy(addRow(matmulNT(h, m.head.w), m.head.b), y, { reduction: "sum" })
        .loss;
      count += y.length;
    });
    expect(loss).toBeCloseTo(total / count, 14);
  });

  it("truncated BPTT: the same loss; the gradient of each chunk's loss with the carried state held fixed", () => {
    for (const kind of ["rnn", "gru"] as const) {
      const k = 2;
      const { m, data, grads, loss } = gradcheck(kind, k);
      expect(loss).toBeCloseTo(gradcheck(kind).loss, 14);
      // The carried states, from one full forward pass with the original weights
      const fwd = kind === "rnn" ? rnnForward : gruForward;
      const states = [new Matrix(2, 4), ...fwd(data.xs, new Matrix(2, 4), m.cell).hs];
      const scored = data.targets.reduce((s, y) => s + (y ? y.length : 0), 0);
      const chunked = () => {
        let total = 0;
        for (let from = 0; from < data.xs.length; from += k) {
          const { hs } = fwd(data.xs.slice(from, from + k), states[from], m.cell);
          hs.forEach((h, i) => {
            const y = data.targets[from + i];
            if (!y) return;
            const s = addRow(matmulNT(h, m.head.w), m.head.b);
            total += softmaxCrossEntropy(s, y, { reduction: "sum" }).loss;
          });
        }
        return total / scored;
      };
      m.params.forEach((p, i) => {
        expect(normError(numericalGradient(chunked, p), grads[i]), `${kind} param ${i}`)
          .toBeLessThan(1e-8);
      });
      // …and it is not the full gradient
      expect(relError(gradcheck(kind).grads[1], grads[1])).toBeGreaterThan(1e-3);
    }
  });

  it("truncating at T or more is full BPTT", () => {
    const full = gradcheck("lstm").grads, same = gradcheck("lstm", 6).grads;
    full.forEach((g, i) => expect(Array.from(same[i].data)).toEqual(Array.from(g.data)));
  });

  it("rejects data that does not fit the model", () => {
    const m = sequenceClassifier("rnn", { inputSize: 3, hiddenSize: 2, classes: 3 });
    const data = echoTask({ n: 2, length: 3, delay: 1, classes: 4 });
    expect(() => sequenceClassifierLoss(m, data)).toThrow(ShapeError);
    expect(() => sequenceClassifierLoss(m, data)).toThrow(
      "sequenceClassifierLoss: the inputs have 4 features but the model takes 3",
    );
    const ok = echoTask({ n: 2, length: 3, delay: 1, classes: 3 });
    expect(() => sequenceClassifierLoss(m, ok, { truncate: 0 })).toThrow(
      /^sequenceClassifierLoss: truncate must be a positive integer/,
    );
    expect(() =>
      sequenceClassifierLoss(m, { xs: ok.xs, targets: [undefined, undefined, undefined] })
    )
      .toThrow("sequenceClassifierLoss: no step has targets");
  });
});

describe("trainSequenceClassifier", () => {
  it("learns to echo the previous symbol: held-out accuracy from chance to above 0.95", () => {
    const m = sequenceClassifier("rnn", { inputSize: 4, hiddenSize: 8, classes: 4, seed: 1 });
    const heldOut = echoTask({ n: 200, length: 8, delay: 1, seed: 99 });
    const before = sequenceAccuracy(m, heldOut);
    const r = trainSequenceClassifier(
      m,
      (s) => echoTask({ n: 16, length: 8, delay: 1, seed: s }),
      { optimizer: adam({ lr: 0.03 }), steps: 80, clipNorm: 5 },
    );
    expect(r.losses.length).toBe(80);
    expect(before).toBeLessThan(0.4);
    expect(sequenceAccuracy(m, heldOut)).toBeGreaterThan(0.95);
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[0] / 4);
  });
});
