import { describe, expect, it } from "vitest";
import {
  cosineAnnealingLR,
  cosineAnnealingWarmRestarts,
  cyclicLR,
  exponentialLR,
  inverseTimeLR,
  linearLR,
  oneCycleLR,
  type OneCycleSchedule,
  type Schedule,
  sequentialLR,
  stepLR,
} from "../../lib/optim/schedules.ts";
import { adam, sgd } from "../../lib/optim/optimizers.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/schedules.json" with { type: "json" };

// deno-lint-ignore no-explicit-any
const factories: Record<string, (o: any) => Schedule> = {
  stepLR,
  exponentialLR,
  inverseTimeLR,
  linearLR,
  cosineAnnealingLR,
  cosineAnnealingWarmRestarts,
  oneCycleLR,
  cyclicLR,
  // deno-lint-ignore no-explicit-any
  sequentialLR: (o: { parts: [string, any][]; milestones: number[] }) =>
    sequentialLR({
      schedules: o.parts.map(([name, opts]) => factories[name](opts)),
      milestones: o.milestones,
    }),
};

const range = (n: number) => Array.from({ length: n }, (_, t) => t);

describe("schedules match torch.optim.lr_scheduler (PyTorch 1.13)", () => {
  it.each(ref.cases.map((c) => [c.schedule, JSON.stringify(c.options), c] as const))(
    "%s %s",
    (name, _opts, c) => {
      const f = factories[name](c.options);
      // PyTorch's CosineAnnealingLR, LinearLR and ExponentialLR are recursive; the closed
      // forms here agree with them to 1e-10 over the whole run.
      expectClose(range(c.lrs.length).map(f), c.lrs);
      if ("momentum" in c) {
        // OneCycleLR cycles momentum (SGD) or β₁ (Adam) inversely, by default, as PyTorch.
        const m = (f as OneCycleSchedule).momentum;
        const cycles = (c.options as { cycleMomentum?: boolean }).cycleMomentum ?? true;
        if (cycles) expectClose(range(c.momentum!.length).map(m!), c.momentum!);
        else {
          expect(m).toBeUndefined();
          expect(new Set(c.momentum)).toEqual(new Set([0.9])); // torch left it alone too
        }
      }
    },
  );

  it("oneCycleLR's momentum drives an optimiser's momentum (β₁ for Adam), step by step", () => {
    const s = oneCycleLR({ maxLr: 0.01, totalSteps: 10 });
    const opt = adam({ lr: s(0) });
    for (let t = 0; t < 10; t++) {
      opt.lr = s(t);
      opt.momentum = s.momentum!(t);
      expect(opt.momentum).toBe(s.momentum!(t));
    }
    expect(s.momentum!(0)).toBe(0.95); // maxMomentum while the rate is lowest
    expect(s.momentum!(2)).toBe(0.85); // baseMomentum at the peak rate (step pctStart·N − 1)
  });
});

describe("shapes of the schedules", () => {
  it("erratum 7: a cyclic (triangular) schedule is linear between its bounds, not a cosine", () => {
    const cyc = cyclicLR({ baseLr: 0.01, maxLr: 0.1, stepSizeUp: 10 });
    const cos = cosineAnnealingWarmRestarts({ baseLr: 0.1, t0: 20, etaMin: 0.01 });
    // second differences vanish inside each linear leg of the triangle…
    for (const t of [1, 5, 8, 11, 15, 18]) {
      expect(Math.abs(cyc(t + 1) - 2 * cyc(t) + cyc(t - 1))).toBeLessThan(1e-15);
    }
    // …but not for a cosine; and the triangle rises where the cosine falls
    expect(Math.abs(cos(6) - 2 * cos(5) + cos(4))).toBeGreaterThan(1e-4);
    expect(cyc(5)).toBeCloseTo(0.055, 15);
    expect(cos(5)).toBeGreaterThan(cos(6));
    expect(cyc(6)).toBeGreaterThan(cyc(5));
  });

  it("cosine annealing hits η_min at T_max and warm restarts jump back to baseLr", () => {
    expectClose(cosineAnnealingLR({ baseLr: 0.1, tMax: 30, etaMin: 1e-3 })(30), 1e-3);
    const sgdr = cosineAnnealingWarmRestarts({ baseLr: 0.1, t0: 5, tMult: 2 });
    expect([0, 5, 15, 35].map(sgdr)).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(sgdr(14)).toBeLessThan(0.01);
  });

  it("one-cycle starts at maxLr/divFactor, peaks at maxLr, ends at its minimum", () => {
    const f = oneCycleLR({ maxLr: 0.1, totalSteps: 100 });
    expectClose(f(0), 0.1 / 25);
    expectClose(f(29), 0.1);
    expectClose(f(99), 0.1 / 25 / 1e4);
    expect(() => f(101)).toThrow("oneCycleLR: step 101 is past totalSteps = 100");
  });

  it("sequentialLR: warm-up reaches the peak at the milestone, the cosine then ends at η_min", () => {
    const w = 5, total = 20;
    const f = sequentialLR({
      schedules: [
        linearLR({ baseLr: 0.1, startFactor: 0.1, totalIters: w }),
        cosineAnnealingLR({ baseLr: 0.1, tMax: total - w, etaMin: 1e-3 }),
      ],
      milestones: [w],
    });
    expectClose([f(0), f(w - 1), f(w), f(total)], [0.01, 0.082, 0.1, 1e-3]);
    // the second schedule is counted from 0 at the milestone
    expectClose(f(w + 3), cosineAnnealingLR({ baseLr: 0.1, tMax: total - w, etaMin: 1e-3 })(3));
  });

  it("drives an optimiser's learning rate", () => {
    const lrAt = stepLR({ baseLr: 0.1, stepSize: 2 });
    const opt = sgd({ lr: lrAt(0) }), p = Matrix.from([[0]]), g = Matrix.from([[1]]);
    for (let t = 0; t < 4; t++) {
      opt.lr = lrAt(t);
      opt.step([p], [g]);
    }
    expectClose(p, [[-(0.1 + 0.1 + 0.01 + 0.01)]]);
  });
});

describe("bad input", () => {
  it("names the schedule and the problem", () => {
    expect(() => stepLR({ baseLr: 0.1, stepSize: 0 })).toThrow(
      "stepLR: stepSize must be a positive integer, got 0",
    );
    expect(() => exponentialLR({ baseLr: -1, gamma: 0.9 })).toThrow(RangeError);
    expect(() => cosineAnnealingLR({ baseLr: 0.1, tMax: 0 })).toThrow("cosineAnnealingLR: tMax");
    expect(() => oneCycleLR({ maxLr: 0.1, totalSteps: 10, pctStart: 1 })).toThrow(
      "oneCycleLR: pctStart",
    );
    expect(() => linearLR({ baseLr: 0.1, startFactor: 0 })).toThrow("linearLR: factors");
    expect(() => inverseTimeLR({ baseLr: 0.1, k: 1 })(-1)).toThrow(
      "inverseTimeLR: t must be a finite number ≥ 0, got -1",
    );
    expect(() => cyclicLR({ baseLr: 0.1, maxLr: 1 })(NaN)).toThrow("cyclicLR: t");
    const two = [stepLR({ baseLr: 0.1, stepSize: 2 }), exponentialLR({ baseLr: 0.1, gamma: 0.9 })];
    expect(() => sequentialLR({ schedules: two, milestones: [] })).toThrow(
      "sequentialLR: need one milestone fewer than schedules, got 0 milestones for 2 schedules",
    );
    expect(() => sequentialLR({ schedules: [...two, two[0]], milestones: [5, 5] })).toThrow(
      "sequentialLR: milestones must increase, got [5,5]",
    );
    expect(() => sequentialLR({ schedules: two, milestones: [0] })).toThrow(
      "sequentialLR: milestones[0] must be a positive integer, got 0",
    );
    // deno-lint-ignore no-explicit-any
    expect(() => sequentialLR({ schedules: [0.1 as any], milestones: [] })).toThrow(
      "sequentialLR: schedules must be an array of schedules",
    );
    expect(() => sequentialLR({ schedules: two, milestones: [3] })(-2)).toThrow("sequentialLR: t");
  });
});
