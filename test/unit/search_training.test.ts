/**
 * lib/search/training_objective.ts: the 2×2 pooling, the objective's value, cost and learning
 * curve, a diverged run scored as chance, and the asynchronous study loop that drives it.
 */

import { describe, expect, it } from "vitest";
import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { pool2x2, trainingObjective } from "../../lib/search/training_objective.ts";
import { float, space } from "../../lib/search/space.ts";
import { optimizeAsync } from "../../lib/search/trial.ts";
import { randomSampler } from "../../lib/search/random.ts";

/** Images whose class (0…9) sets the brightness of one of ten bands: learnable in a few epochs. */
function bands(n: number, seed: number) {
  const rng = new Random(seed), x = new Matrix(n, 784), y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    y.push(c);
    for (let k = 0; k < 784; k++) {
      const row = Math.floor(k / 28);
      x.data[i * 784 + k] = 0.2 * rng.next() + (Math.floor(row / 2.8) === c ? 0.8 : 0);
    }
  }
  return { x, y };
}

describe("pool2x2", () => {
  it("averages each 2×2 block of a 28×28 image", () => {
    const x = new Matrix(1, 784).map((_, __, k) => k);
    const p = pool2x2({ x, y: [0] });
    expect(p.x.cols).toBe(196);
    expect(p.x.data[0]).toBe((0 + 1 + 28 + 29) / 4);
    expect(p.x.data[14 * 3 + 5]).toBe((56 * 3 + 10 + 56 * 3 + 11 + 56 * 3 + 38 + 56 * 3 + 39) / 4);
    expect(() => pool2x2({ x: new Matrix(2, 100), y: [0, 1] })).toThrow(/expected 28×28/);
  });
});

describe("trainingObjective", () => {
  const data = { train: bands(200, 1), val: bands(100, 2) };
  const objective = trainingObjective(data);
  it("returns the last epoch's validation error, its cost in epochs and the curve", async () => {
    const e = await objective({ lr: 0.1, momentum: 0.9, weightDecay: 1e-5, hidden: 16 }, 3) as {
      value: number;
      cost: number;
      curve: number[];
    };
    expect(e.cost).toBe(3);
    expect(e.curve.length).toBe(3);
    expect(e.value).toBe(e.curve[2]);
    expect(e.value).toBeLessThan(0.2); // learns the bands (chance is 0.9)
  });
  it("scores a run that blows up (NaN or infinity) as chance, 0.9, and a wild one near chance", async () => {
    const wild = await objective({ lr: 1e6, momentum: 0.99, weightDecay: 0, hidden: 8 }, 2);
    expect((wild as { value: number }).value).toBeGreaterThan(0.8);
    const e = await objective({ lr: 1e300, momentum: 0.99, weightDecay: 0, hidden: 8 }, 2) as {
      value: number;
      curve: number[];
    };
    expect(e.value).toBe(0.9);
    expect(e.curve).toEqual([0.9, 0.9]);
  });
  it("drives an asynchronous study", async () => {
    const sp = space({ lr: float(1e-3, 0.5, { log: true }) });
    const study = await optimizeAsync(
      sp,
      randomSampler(),
      (c, b) => objective({ ...c, momentum: 0.9, weightDecay: 0, hidden: 8 }, b),
      { nTrials: 3, budget: 1, seed: 4 },
    );
    expect(study.trials.length).toBe(3);
    expect(study.trials.every((t) => t.cost === 1 && t.curve.length === 1)).toBe(true);
    expect(study.best.value).toBe(Math.min(...study.trials.map((t) => t.value)));
  });
});
