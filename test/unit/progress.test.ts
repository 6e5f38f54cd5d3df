/**
 * tools/progress.ts outside the kernel (one line per epoch) and the figure it redraws inside it.
 * The live display itself is exercised by notebook 08 on the real kernel (test/e2e).
 */

import { describe, expect, it } from "vitest";
import { spirals } from "../../lib/data/synthetic.ts";
import { sgd } from "../../lib/optim/optimizers.ts";
import { mlp } from "../../lib/train/model.ts";
import { type EpochRecord, fit } from "../../lib/train/fit.ts";
import { describeEpoch, progress, progressFigure } from "../../tools/progress.ts";

const record = (epoch: number, val = true): EpochRecord => ({
  epoch,
  lr: 0.1,
  examples: 100 * epoch,
  trainLoss: 1 / epoch,
  trainAcc: 0.5 + 0.1 * epoch,
  ...(val ? { valLoss: 1.2 / epoch, valAcc: 0.45 + 0.1 * epoch } : {}),
  seconds: 0.25,
});

describe("progress outside the kernel", () => {
  it("writes one line per epoch as fit runs", async () => {
    const lines: string[] = [];
    const data = spirals({ perClass: 20, seed: 1 });
    await fit(mlp([2, 4, 3]), { train: data, val: data }, {
      optimizer: sgd({ lr: 0.1 }),
      epochs: 3,
      onEpoch: progress({ epochs: 3, write: (l) => lines.push(l) }),
    });
    expect(lines).toHaveLength(3);
    lines.forEach((l, i) =>
      expect(l).toMatch(
        new RegExp(
          `^epoch ${i + 1}/3 · train loss \\d\\.\\d{3}, accuracy \\d+\\.\\d% · ` +
            `val loss \\d\\.\\d{3}, accuracy \\d+\\.\\d% · \\d+\\.\\d s$`,
        ),
      )
    );
  });

  it("describes an epoch without validation data too", () => {
    expect(describeEpoch(record(2, false), 5)).toBe(
      "epoch 2/5 · train loss 0.500, accuracy 70.0% · 0.3 s",
    );
    expect(describeEpoch(record(1), 1)).toBe(
      "epoch 1/1 · train loss 1.000, accuracy 60.0% · val loss 1.200, accuracy 55.0% · 0.3 s",
    );
  });
});

describe("progressFigure", () => {
  it("draws loss and accuracy curves so far, titled with the latest epoch", () => {
    const fig = progressFigure([record(1), record(2)], 4).toJSON();
    expect(fig.data.map((t) => t.name)).toEqual([
      "train loss",
      "train accuracy",
      "val loss",
      "val accuracy",
    ]);
    expect(fig.data[3].y).toEqual([0.55, 0.65]);
    expect(fig.data[1].yaxis).toBe("y2");
    expect((fig.layout.xaxis as { range: number[] }).range).toEqual([0.5, 4.5]);
    expect((fig.layout.title as { text: string }).text).toBe(describeEpoch(record(2), 4));
    expect(progressFigure([record(1, false)], 1).toJSON().data).toHaveLength(2);
  });
});
