/**
 * fit's early stopping (`patience`, the best checkpoint restored) and its `transform` of the
 * training batches (data augmentation).
 */

import { describe, expect, it } from "vitest";
import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { adam, sgd } from "../../lib/optim/optimizers.ts";
import { spirals } from "../../lib/data/synthetic.ts";
import { trainValSplit } from "../../lib/data/split.ts";
import { mlp } from "../../lib/train/model.ts";
import { type EpochRecord, fit } from "../../lib/train/fit.ts";
import { evaluate } from "../../lib/train/metrics.ts";
import { expectClose } from "./_compare.ts";

const data = trainValSplit(spirals({ perClass: 40, classes: 3, seed: 2 }), { valSize: 60 });
const withoutTimes = (h: EpochRecord[]) => h.map(({ seconds: _, ...r }) => r);

/** The epoch after which patience p stops a run with this history (undefined: never). */
function stopEpoch(history: EpochRecord[], p: number): number | undefined {
  let best = -Infinity, bestEpoch = 0;
  for (const r of history) {
    if (r.valAcc! > best) [best, bestEpoch] = [r.valAcc!, r.epoch];
    if (r.epoch - bestEpoch >= p) return r.epoch;
  }
  return undefined;
}

describe("fit with patience", () => {
  const options = { optimizer: sgd({ lr: 0.3, momentum: 0.9 }), epochs: 80, batchSize: 16 };

  it("stops after `patience` epochs without a better validation accuracy, with the best weights back", async () => {
    const full = await fit(mlp([2, 24, 3], { seed: 1 }), data, {
      ...options,
      optimizer: sgd({ lr: 0.3, momentum: 0.9 }),
    });
    for (const patience of [3, 8]) {
      const expected = stopEpoch(full.history, patience);
      expect(expected).toBeLessThan(80); // the run does plateau: early stopping has work to do
      const model = mlp([2, 24, 3], { seed: 1 });
      const r = await fit(model, data, {
        ...options,
        optimizer: sgd({ lr: 0.3, momentum: 0.9 }),
        patience,
      });
      expect(r.stoppedAt).toBe(expected);
      expect(withoutTimes(r.history)).toEqual(withoutTimes(full.history.slice(0, expected)));
      expect(r.best!.epoch).toBe(expected! - patience);
      expect(evaluate(model, data.val!).accuracy).toBe(r.best!.valAcc);
    }
  });

  it("runs every epoch when the patience is never exhausted", async () => {
    const r = await fit(mlp([2, 8, 3], { seed: 0 }), data, { ...options, epochs: 3, patience: 5 });
    expect(r.history.length).toBe(3);
    expect(r.stoppedAt).toBeUndefined();
  });

  it("refuses a patience that is not a positive integer, or one without validation data", async () => {
    const m = mlp([2, 4, 3]);
    await expect(fit(m, data, { ...options, patience: 0 })).rejects.toThrow(/patience/);
    await expect(fit(m, { train: data.train }, { ...options, patience: 2 })).rejects.toThrow(
      /patience needs validation data/,
    );
  });
});

describe("fit with a transform", () => {
  it("trains on the transformed batches, never on the validation data, with fit's generator", async () => {
    const seen: number[] = [];
    const shift = (x: Matrix, g: Random) => {
      seen.push(g.next());
      const out = x.clone();
      out.data.forEach((v, k) => (out.data[k] = v + 100));
      return out;
    };
    const model = mlp([2, 8, 3], { seed: 0 }), twin = mlp([2, 8, 3], { seed: 0 });
    const moved = { x: data.train.x.clone(), y: data.train.y };
    moved.x.data.forEach((v, k) => (moved.x.data[k] = v + 100));
    const o = { epochs: 2, batchSize: 200, restoreBest: false };
    const r = await fit(model, data, { ...o, optimizer: adam({ lr: 0.01 }), transform: shift });
    const t = await fit(twin, { train: moved, val: data.val }, {
      ...o,
      optimizer: adam({ lr: 0.01 }),
    });
    // validation measured on the untransformed data
    expectClose(r.history.map((h) => h.valLoss!), t.history.map((h) => h.valLoss!), 1e-9, 1e-12);
    expect(seen.length).toBe(2); // one batch per epoch
    // the same steps as training on the shifted data (one full batch: only the order of the
    // rows, so the rounding of the sums, can differ)
    model.params.forEach((p, i) => expectClose(p, twin.params[i], 1e-9, 1e-12));
    expect(model.params[0].data).not.toEqual(mlp([2, 8, 3], { seed: 0 }).params[0].data);
  });

  it("refuses a transform that changes the batch's shape", async () => {
    await expect(
      fit(mlp([2, 4, 3]), data, {
        optimizer: sgd({ lr: 0.1 }),
        epochs: 1,
        transform: () => new Matrix(1, 2),
      }),
    ).rejects.toThrow(/transform must return a \d+×2 Matrix/);
  });
});
