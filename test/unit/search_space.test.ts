/**
 * lib/search/space.ts and trial.ts: the search space (validation, the unit-cube map and its
 * inverse, sampling, conditions) and the trial record and study loop.
 */

import { describe, expect, it } from "vitest";
import { Random } from "../../lib/core/random.ts";
import {
  categorical,
  float,
  fromUnit,
  gridValues,
  int,
  paramFromUnit,
  paramToUnit,
  sample,
  space,
  toUnit,
  validateConfig,
} from "../../lib/search/space.ts";
import { bestTrial, incumbent, makeTrial, optimize, type Sampler } from "../../lib/search/trial.ts";
import { randomSampler } from "../../lib/search/random.ts";

const sp = space({
  lr: float(1e-4, 1, { log: true }),
  layers: int(1, 4),
  width: int(16, 256, { log: true }),
  optimizer: categorical(["sgd", "adam"]),
  momentum: float(0, 0.9, { step: 0.1, when: { optimizer: ["sgd"] } }),
});

describe("parameters", () => {
  it("reject malformed ranges with a message naming the condition", () => {
    expect(() => float(1, 0)).toThrow(/low must be below high/);
    expect(() => float(0, 1, { log: true })).toThrow(/log-scaled range needs low > 0/);
    expect(() => float(0, 1, { step: 0.3 })).toThrow(/not a multiple of step/);
    expect(() => float(NaN, 1)).toThrow(/low must be a finite number/);
    expect(() => int(0.5, 3)).toThrow(/must be integers/);
    expect(() => int(0, 8, { log: true })).toThrow(/needs low ≥ 1/);
    expect(() => int(0, 7, { step: 2 })).toThrow(/not a multiple of step 2/);
    expect(() => categorical([])).toThrow(/non-empty/);
    expect(() => categorical(["a", "a"])).toThrow(/distinct/);
    expect(() => categorical([NaN])).toThrow(/finite number/);
    // deno-lint-ignore no-explicit-any
    expect(() => float(0, 1, { logg: true } as any)).toThrow(/unknown option "logg"/);
  });

  it("map to the unit interval and back (bin centres for integers and categories)", () => {
    const lr = sp.params.lr;
    expect(paramFromUnit(lr, 0)).toBe(1e-4);
    expect(paramFromUnit(lr, 1)).toBe(1);
    expect(paramFromUnit(lr, 0.5)).toBeCloseTo(1e-2, 12); // the middle of the log range
    expect(paramToUnit(lr, 1e-2)).toBeCloseTo(0.5, 12);
    for (const name of ["layers", "width", "optimizer"]) {
      const p = sp.params[name];
      for (const v of gridValues(p, 1000)) expect(paramFromUnit(p, paramToUnit(p, v))).toBe(v);
    }
    expect(gridValues(sp.params.layers, 10)).toEqual([1, 2, 3, 4]);
    expect(gridValues(sp.params.lr, 5).map((v) => Math.log10(v as number))).toEqual(
      [-4, -3, -2, -1, 0].map((e) => expect.closeTo(e, 12)),
    );
  });

  it("give equal probability to each integer and category when sampled", () => {
    const rng = new Random(1), counts = [0, 0, 0, 0], n = 20000;
    for (let i = 0; i < n; i++) counts[(sample(sp, rng).layers as number) - 1]++;
    for (const c of counts) expect(Math.abs(c / n - 0.25)).toBeLessThan(0.015);
  });

  it("sample a log-scaled float uniformly in its logarithm", () => {
    const rng = new Random(2), n = 20000;
    let below = 0;
    for (let i = 0; i < n; i++) if ((sample(sp, rng).lr as number) < 1e-2) below++;
    expect(Math.abs(below / n - 0.5)).toBeLessThan(0.015); // half of the decades lie below 1e-2
  });
});

describe("space", () => {
  it("validates conditions: parent declared earlier, values it can take", () => {
    expect(() => space({ a: float(0, 1, { when: { b: ["x"] } }), b: categorical(["x"]) }))
      .toThrow(/"a" depends on "b", which must be declared before it/);
    expect(() => space({ a: float(0, 1, { when: { c: ["x"] } }) })).toThrow(/not in the space/);
    expect(() => space({ b: categorical(["x"]), a: float(0, 1, { when: { b: ["y"] } }) }))
      .toThrow(/a value "b" cannot take/);
    // deno-lint-ignore no-explicit-any
    expect(() => space({ a: { kind: "floot" } as any })).toThrow(/not made by float/);
    expect(() => space({})).toThrow(/at least one parameter/);
  });

  it("leaves an inactive conditional parameter out, and keeps an active one", () => {
    const rng = new Random(3);
    let sgd = 0;
    for (let i = 0; i < 200; i++) {
      const c = sample(sp, rng);
      validateConfig(sp, c);
      expect("momentum" in c).toBe(c.optimizer === "sgd");
      if (c.optimizer === "sgd") {
        sgd++;
        expect(Math.round((c.momentum as number) * 10) / 10).toBeCloseTo(c.momentum as number, 12);
      }
    }
    expect(sgd).toBeGreaterThan(60);
  });

  it("round-trips configurations through the unit cube; inactive parameters sit at 0.5", () => {
    const rng = new Random(4);
    for (let i = 0; i < 100; i++) {
      const c = sample(sp, rng), u = toUnit(sp, c);
      expect(u.every((x) => x >= 0 && x <= 1)).toBe(true);
      if (c.optimizer === "adam") expect(u[4]).toBe(0.5);
      const back = fromUnit(sp, u);
      expect(Object.keys(back)).toEqual(Object.keys(c));
      for (const k of Object.keys(c)) {
        if (typeof c[k] === "number") expect(back[k]).toBeCloseTo(c[k] as number, 10);
        else expect(back[k]).toBe(c[k]);
      }
    }
  });

  it("names what is wrong with a configuration", () => {
    const ok = { lr: 0.01, layers: 2, width: 32, optimizer: "adam" };
    expect(() => validateConfig(sp, ok)).not.toThrow();
    expect(() => validateConfig(sp, { ...ok, lr: 2 })).toThrow(/lr = 2 is outside.*log/);
    expect(() => validateConfig(sp, { ...ok, layers: 2.5 })).toThrow(/layers = 2.5/);
    expect(() => validateConfig(sp, { ...ok, momentum: 0.5 })).toThrow(
      /"momentum" is given but inactive/,
    );
    expect(() => validateConfig(sp, { ...ok, optimizer: "sgd" })).toThrow(/"momentum" is missing/);
    expect(() => validateConfig(sp, { ...ok, depth: 3 })).toThrow(/unknown parameter "depth"/);
    expect(() => fromUnit(sp, [0.5])).toThrow(/1 coordinates, the space 5/);
  });
});

describe("trials and the study loop", () => {
  it("records value, cost and curve; a non-finite value is a failed trial", () => {
    const t = makeTrial(0, { x: 1 }, { value: 0.3, curve: [0.9, 0.5, 0.3] });
    expect(t).toMatchObject({ value: 0.3, cost: 3, state: "complete" });
    expect(makeTrial(1, { x: 1 }, 0.2).cost).toBe(1);
    expect(makeTrial(2, { x: 1 }, NaN).state).toBe("failed");
    expect(() => makeTrial(3, {}, { value: 1, cost: -1 })).toThrow(/cost must be/);
    // deno-lint-ignore no-explicit-any
    expect(() => makeTrial(3, {}, "0.5" as any)).toThrow(/must return a number/);
  });

  it("tracks the best trial and the incumbent trajectory, skipping failed trials", () => {
    const ts = [3, NaN, 2, 5, 1].map((v, i) => makeTrial(i, {}, v));
    expect(bestTrial(ts).id).toBe(4);
    expect(incumbent(ts)).toEqual([3, 3, 2, 2, 1]);
    expect(() => bestTrial([ts[1]])).toThrow(/no completed trial/);
  });

  it("runs a sampler: same seed, same study; the sampler sees every earlier trial", () => {
    const f = (c: Record<string, unknown>) => Math.log10(c.lr as number) ** 2;
    const a = optimize(sp, randomSampler(), f, { nTrials: 30, seed: 7 });
    const b = optimize(sp, randomSampler(), f, { nTrials: 30, seed: 7 });
    expect(a.trials.map((t) => t.value)).toEqual(b.trials.map((t) => t.value));
    expect(a.best.value).toBe(Math.min(...a.trials.map((t) => t.value)));
    const seen: number[] = [];
    const spy: Sampler = {
      name: "spy",
      suggest: (
        s,
        trials,
        rng,
      ) => (seen.push(trials.length), randomSampler().suggest(s, trials, rng)),
    };
    optimize(sp, spy, f, { nTrials: 5 });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it("refuses a sampler that proposes an invalid configuration", () => {
    const bad: Sampler = { name: "bad", suggest: () => ({ lr: 5 }) };
    expect(() => optimize(sp, bad, () => 0, { nTrials: 1 })).toThrow(/validateConfig/);
  });
});
