/**
 * lib/search/: every strategy finds the known optimum of standard test functions within a
 * stated budget, over several seeds; grid and Latin-hypercube designs have the structure they
 * promise; successive halving and Hyperband spend the budgets of the paper's table.
 */

import { describe, expect, it } from "vitest";
import { Random } from "../../lib/core/random.ts";
import { categorical, float, int, space } from "../../lib/search/space.ts";
import { optimize, type Sampler } from "../../lib/search/trial.ts";
import { randomSampler } from "../../lib/search/random.ts";
import { gridConfigs, gridSampler, latinHypercube } from "../../lib/search/grid.ts";
import { gpSampler } from "../../lib/search/bo.ts";
import { tpeSampler } from "../../lib/search/tpe.ts";
import { esSampler, evolutionSampler } from "../../lib/search/evolution.ts";
import { psoSampler } from "../../lib/search/pso.ts";
import {
  hyperband,
  hyperbandBrackets,
  rungBudgets,
  successiveHalving,
} from "../../lib/search/hyperband.ts";
import {
  branin,
  forrester,
  hartmann6,
  hartmann6Value,
  lowEffectiveDimension,
  type SearchProblem,
} from "../../lib/search/test_functions.ts";

/** The best value found by each of `seeds` runs of `nTrials`, sorted. */
function bests(
  problem: SearchProblem,
  make: () => Sampler,
  nTrials: number,
  seeds: number,
): number[] {
  return Array.from(
    { length: seeds },
    (_, seed) => optimize(problem.space, make(), problem.f, { nTrials, seed }).best.value,
  ).sort((a, b) => a - b);
}
/** GP tests take ~2 s of CPU; the machine may be shared, so their wall-time limit is generous. */
const SLOW = 180_000;
const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];

describe("test functions", () => {
  it("take their known minima at the known points", () => {
    for (const [x1, x2] of branin.argmin) {
      expect(branin.f({ x1, x2 })).toBeCloseTo(branin.minimum, 4);
    }
    expect(hartmann6Value(hartmann6.argmin[0])).toBeCloseTo(hartmann6.minimum, 4);
    expect(forrester.f({ x: forrester.argmin[0][0] })).toBeCloseTo(forrester.minimum, 10);
    for (let i = 0; i <= 1000; i++) {
      expect(forrester.f({ x: i / 1000 })).toBeGreaterThanOrEqual(forrester.minimum);
    }
    // no random point beats the minimum
    const rng = new Random(0);
    for (let i = 0; i < 2000; i++) {
      expect(hartmann6Value(Array.from({ length: 6 }, () => rng.next()))).toBeGreaterThan(
        hartmann6.minimum,
      );
    }
  });
});

describe("grid and designs", () => {
  it("a grid is the product of the values; an inactive parameter does not multiply it", () => {
    const sp = space({
      opt: categorical(["sgd", "adam"]),
      momentum: float(0, 0.9, { when: { opt: ["sgd"] } }),
      layers: int(1, 3),
    });
    const g = gridConfigs(sp, 4);
    expect(g.length).toBe((4 + 1) * 3); // sgd × 4 momenta + adam, × 3 depths
    expect(new Set(g.map((c) => JSON.stringify(c))).size).toBe(g.length);
    expect(() => gridConfigs(hartmann6.space, 10)).toThrow(/up to 1000000 points/);
  });

  it("on a function of low effective dimension, 9 grid trials try 3 values of the parameter that matters, 9 random trials 9", () => {
    const p = lowEffectiveDimension(2);
    const grid = optimize(p.space, gridSampler({ pointsPerParam: 3 }), p.f, { nTrials: 9 });
    const rand = optimize(p.space, randomSampler(), p.f, { nTrials: 9, seed: 1 });
    const distinct = (s: typeof grid) => new Set(s.trials.map((t) => t.params.x1)).size;
    expect(distinct(grid)).toBe(3);
    expect(distinct(rand)).toBe(9);
  });

  it("a Latin hypercube uses each of the n strata of every coordinate exactly once", () => {
    const pts = latinHypercube(20, 3, new Random(2));
    for (let j = 0; j < 3; j++) {
      expect(pts.map((p) => Math.floor(p[j] * 20)).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i),
      );
    }
  });
});

describe("strategies find known optima within their budgets (5 seeds each)", () => {
  // Branin's minimum is 0.3979, Hartmann-6's −3.3224. Budgets and tolerances are stated here.
  it("random search: Branin within 1 of the minimum in 200 trials (median of 5 seeds), within 2 for every seed", () => {
    const b = bests(branin, randomSampler, 200, 5);
    expect(median(b)).toBeLessThan(branin.minimum + 1);
    expect(b[4]).toBeLessThan(branin.minimum + 2);
  });
  it(
    "GP-EI: Branin within 0.01 in 40 trials (median of 5 seeds); beats random's median at equal budget",
    () => {
      const gp = bests(branin, () => gpSampler(), 40, 5);
      expect(median(gp)).toBeLessThan(branin.minimum + 0.01);
      expect(median(gp)).toBeLessThan(median(bests(branin, randomSampler, 40, 5)));
    },
    SLOW,
  );
  it("GP-LCB: Branin within 0.05 in 40 trials (median of 5 seeds)", () => {
    expect(median(bests(branin, () => gpSampler({ acquisition: "lcb" }), 40, 5))).toBeLessThan(
      branin.minimum + 0.05,
    );
  });
  it("GP-EI: Hartmann-6 below −3.0 in 60 trials (median of 3 seeds)", () => {
    expect(median(bests(hartmann6, () => gpSampler(), 60, 3))).toBeLessThan(-3.0);
  }, SLOW);
  it("TPE: Branin within 0.1 in 100 trials, Hartmann-6 below −2.8 in 100 (medians of 5 seeds)", () => {
    expect(median(bests(branin, tpeSampler, 100, 5))).toBeLessThan(branin.minimum + 0.1);
    expect(median(bests(hartmann6, tpeSampler, 100, 5))).toBeLessThan(-2.8);
  });
  it("regularised evolution: Branin within 0.1 and Hartmann-6 below −3.0 in 200 trials (medians)", () => {
    expect(median(bests(branin, evolutionSampler, 200, 5))).toBeLessThan(branin.minimum + 0.1);
    expect(median(bests(hartmann6, evolutionSampler, 200, 5))).toBeLessThan(-3.0);
  });
  it("(μ,λ)-ES: Branin within 0.05 in 200 trials (median)", () => {
    expect(median(bests(branin, esSampler, 200, 5))).toBeLessThan(branin.minimum + 0.05);
  });
  it("particle swarm: Branin within 0.05 and Hartmann-6 below −3.1 in 200 trials (medians)", () => {
    expect(median(bests(branin, psoSampler, 200, 5))).toBeLessThan(branin.minimum + 0.05);
    expect(median(bests(hartmann6, psoSampler, 200, 5))).toBeLessThan(-3.1);
  });
  it("model-based and evolutionary searches beat random search at the same budget on Hartmann-6", () => {
    const r = median(bests(hartmann6, randomSampler, 100, 5));
    for (const make of [tpeSampler, () => evolutionSampler(), () => psoSampler()]) {
      expect(median(bests(hartmann6, make, 100, 5))).toBeLessThan(r);
    }
  });
});

describe("successive halving and Hyperband", () => {
  it("Hyperband's brackets for budgets 1…27, η = 3 are the paper's (27@1, 12@3, 6@9, 4@27)", () => {
    expect(hyperbandBrackets(1, 27, 3)).toEqual([
      { n: 27, minBudget: 1 },
      { n: 12, minBudget: 3 },
      { n: 6, minBudget: 9 },
      { n: 4, minBudget: 27 },
    ]);
    expect(rungBudgets(1, 27, 3)).toEqual([1, 3, 9, 27]);
  });

  // A learning-curve objective: value after b epochs = final quality + a slow-start term / b.
  const sp = space({ q: float(0, 1), slow: float(0, 1) });
  const curveObjective = (c: Record<string, unknown>, b: number) =>
    (c.q as number) + 0.3 * (c.slow as number) / b;

  it("successive halving of 27 configurations spends 27 per rung and ends with one at the full budget", async () => {
    const r = await successiveHalving(sp, randomSampler(), curveObjective, 27, {
      minBudget: 1,
      maxBudget: 27,
      eta: 3,
    });
    expect(r.trials.map((t) => t.cost)).toEqual([
      ...new Array(27).fill(1),
      ...new Array(9).fill(3),
      ...new Array(3).fill(9),
      27,
    ]);
    expect(r.totalCost).toBe(108);
    expect(r.trials.filter((t) => t.state === "complete").length).toBe(1);
    // the survivor is among the best at budget 1 and the best of the rung before the last
    const rung9 = r.trials.filter((t) => t.cost === 9).sort((a, b) => a.value - b.value);
    expect(r.best.params).toEqual(rung9[0].params);
  });

  it("Hyperband finds a better configuration than random search at the same total budget", async () => {
    let wins = 0;
    for (let seed = 0; seed < 5; seed++) {
      const hb = await hyperband(sp, randomSampler(), curveObjective, {
        minBudget: 1,
        maxBudget: 27,
        eta: 3,
        seed,
      });
      // random search with full-budget trials, as many as the budget allows
      const n = Math.floor(hb.totalCost / 27);
      const rs = optimize(sp, randomSampler(), (c) => curveObjective(c, 27), {
        nTrials: n,
        seed: seed + 100,
      });
      if (hb.best.value < rs.best.value) wins++;
    }
    expect(wins).toBeGreaterThanOrEqual(4);
  });

  it("rejects bad budgets", async () => {
    await expect(
      successiveHalving(sp, randomSampler(), curveObjective, 9, { minBudget: 3, maxBudget: 1 }),
    )
      .rejects.toThrow(/minBudget ≤ maxBudget/);
    await expect(
      hyperband(sp, randomSampler(), curveObjective, { minBudget: 1, maxBudget: 9, eta: 1 }),
    )
      .rejects.toThrow(/eta must be ≥ 2/);
  });
});
