/**
 * The `schedules` exercise's diagnoses work: each common mistake, written here as a buggy
 * learner implementation (independent of lib/), fails the checks it should, and the feedback
 * names the first step that differs and the mistake.
 */
import { describe, expect, it } from "vitest";
import { differs, mistakeHarness } from "./_mistakes.ts";
import type { Check } from "../../grader/types.ts";
import {
  checks,
  firstDeparture,
  MISTAKE,
  type TriangularOptions,
  type WarmupCosineOptions,
} from "../checks/schedules.ts";
import { triangularLR, warmupCosine } from "../../solutions/schedules.ts";
import { said } from "../checks/diagnose.ts";

type WarmupBug =
  | "none"
  | "shifted"
  | "short"
  | "long"
  | "holdPeak"
  | "rampTooLong"
  | "rampTooShort"
  | "cosineOverTotal"
  | "cosineFromZero"
  | "warmupFromZero";

/** A learner's warmupCosine with one deliberate bug. */
function learnerWarmup(bug: WarmupBug) {
  return (o: WarmupCosineOptions): number[] => {
    const { baseLr, totalSteps: T, startFactor: s, etaMin } = o;
    const w = o.warmupSteps;
    const cos = (x: number) => etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * x)) / 2;
    const first = bug === "shifted" ? 1 : 0;
    const last = bug === "short" ? T - 1 : bug === "long" ? T + 1 : T;
    const out: number[] = [];
    for (let t = first; t <= last + first; t++) {
      if (bug === "holdPeak") { // `t <= w` with the factor capped at 1: the peak lasts two steps
        out.push(t <= w ? baseLr * Math.min(1, s + (1 - s) * t / w) : cos((t - w - 1) / (T - w)));
      } else if (bug === "rampTooLong") { // ramp over w + 1 steps, cosine from there
        out.push(t <= w ? baseLr * (s + (1 - s) * t / (w + 1)) : cos((t - w - 1) / (T - w - 1)));
      } else if (bug === "rampTooShort") { // peak at w − 1
        out.push(t < w - 1 ? baseLr * (s + (1 - s) * t / (w - 1)) : cos((t - w + 1) / (T - w + 1)));
      } else if (t < w) {
        out.push(bug === "warmupFromZero" ? baseLr * t / w : baseLr * (s + (1 - s) * t / w));
      } else if (bug === "cosineOverTotal") out.push(cos((t - w) / T));
      else if (bug === "cosineFromZero") out.push(cos(t / T));
      else out.push(cos((t - w) / (T - w)));
    }
    return out;
  };
}

type TriangleBug =
  | "none"
  | "shifted"
  | "peakLate"
  | "peakEarly"
  | "downIgnored"
  | "legsSwapped"
  | "peakMiddle"
  | "cosineLegs"
  | "seedCosine";

/** A learner's triangularLR with one deliberate bug. */
function learnerTriangle(bug: TriangleBug) {
  return (o: TriangularOptions, steps: number): number[] => {
    let up = o.stepSizeUp, down = o.stepSizeDown ?? up;
    if (bug === "peakLate") [up, down] = [up + 1, down - 1];
    if (bug === "peakEarly") [up, down] = [up - 1, down + 1];
    if (bug === "downIgnored") down = up;
    if (bug === "legsSwapped") [up, down] = [down, up];
    if (bug === "peakMiddle") up = down = (up + down) / 2;
    const { baseLr: lo, maxLr: hi } = o;
    return Array.from({ length: steps }, (_, i) => {
      const t = bug === "shifted" ? i + 1 : i;
      if (bug === "seedCosine") return lo + (hi - lo) * (1 + Math.cos(Math.PI * t / up)) / 2;
      const at = t % (up + down);
      const h = at < up ? at / up : 1 - (at - up) / down;
      return lo + (hi - lo) * (bug === "cosineLegs" ? (1 - Math.cos(Math.PI * h)) / 2 : h);
    });
  };
}

const run = (c: Check, warm: WarmupBug, tri: TriangleBug): unknown =>
  c.fn === "warmupCosine"
    ? learnerWarmup(warm)(c.args[0] as WarmupCosineOptions)
    : learnerTriangle(tri)(c.args[0] as TriangularOptions, c.args[1] as number);
const { all, byName } = mistakeHarness(
  checks(),
  ([warm, tri]: [WarmupBug, TriangleBug], c: Check) => run(c, warm, tri),
);
const fails = (c: Check, got: unknown) => differs(got, c) !== undefined;

describe("schedules checks", () => {
  it("the solution and bug-free independent implementations pass every check", () => {
    for (const c of all) {
      expect(fails(c, run(c, "none", "none")), c.name).toBe(false);
      const solved = c.fn === "warmupCosine"
        ? warmupCosine(c.args[0] as WarmupCosineOptions)
        : triangularLR(c.args[0] as TriangularOptions, c.args[1] as number);
      expect(fails(c, solved), c.name).toBe(false);
    }
  });

  it("has visible and hidden checks for both functions, each over a whole curve", () => {
    for (const fn of ["warmupCosine", "triangularLR"]) {
      const mine = all.filter((c) => c.fn === fn);
      expect(mine.some((c) => c.hidden) && mine.some((c) => !c.hidden)).toBe(true);
      for (const c of mine) expect((c.expected as number[]).length).toBeGreaterThan(5);
    }
  });

  const warmCases: [WarmupBug, string, string, string][] = [
    ["shifted", "5 warm-up steps", "at step 0 (during the warm-up)", MISTAKE.shifted.says],
    [
      "holdPeak",
      "5 warm-up steps",
      "at step 6 (in the cosine after the warm-up)",
      MISTAKE.warmupLate.says,
    ],
    ["rampTooLong", "5 warm-up steps", "at step 1 (during the warm-up)", MISTAKE.warmupLate.says],
    ["rampTooShort", "5 warm-up steps", "at step 1 (during the warm-up)", MISTAKE.warmupEarly.says],
    [
      "cosineOverTotal",
      "5 warm-up steps",
      "at step 6 (in the cosine",
      MISTAKE.cosineOverTotal.says,
    ],
    [
      "cosineFromZero",
      "5 warm-up steps",
      "at step 5 (where the warm-up ends",
      MISTAKE.cosineFromZero.says,
    ],
    [
      "warmupFromZero",
      "a short run",
      "at step 0 (during the warm-up)",
      MISTAKE.warmupFromZero.says,
    ],
    ["holdPeak", "warmupCosine: a long run", "at step 101", MISTAKE.warmupLate.says],
    [
      "cosineFromZero",
      "startFactor = 1",
      "at step 3 (where the warm-up ends",
      MISTAKE.cosineFromZero.says,
    ],
  ];
  for (const [bug, check, where, message] of warmCases) {
    it(`warmupCosine, ${bug}: fails "${check}", names the step and the mistake`, () => {
      const c = byName(check);
      const got = run(c, bug, "none");
      expect(fails(c, got)).toBe(true);
      const says = said(c.diagnose!(got));
      expect(says).toContain(`departs from the reference ${where}`);
      expect(says).toContain(message);
    });
  }

  it("warmupCosine: a curve one step too short or too long is an off-by-one in the count", () => {
    const c = byName("5 warm-up steps");
    expect(said(c.diagnose!(run(c, "short", "none")))).toBe(MISTAKE.lengthShort.says);
    expect(said(c.diagnose!(run(c, "long", "none")))).toBe(MISTAKE.lengthLong.says);
    expect(fails(c, run(c, "short", "none"))).toBe(true);
  });

  const triCases: [TriangleBug, string, string, string][] = [
    ["shifted", "symmetric", "at step 0 (the start of cycle 1", MISTAKE.triangleShifted.says],
    ["peakLate", "lopsided", "at step 1 (the rising leg of cycle 1)", MISTAKE.peakLate.says],
    ["peakEarly", "lopsided", "at step 1 (the rising leg of cycle 1)", MISTAKE.peakEarly.says],
    ["peakEarly", "symmetric", "at step 1 (the rising leg of cycle 1)", MISTAKE.peakEarly.says],
    ["downIgnored", "lopsided", "at step 7 (the falling leg of cycle 1)", MISTAKE.downIgnored.says],
    ["legsSwapped", "lopsided", "at step 1 (the rising leg", MISTAKE.legsSwapped.says],
    ["peakMiddle", "lopsided", "at step 1 (the rising leg", MISTAKE.peakMiddle.says],
    ["cosineLegs", "symmetric", "at step 1 (the rising leg", MISTAKE.cosineLegs.says],
    ["seedCosine", "symmetric", "at step 0 (the start of cycle 1", MISTAKE.seedCosine.says],
    ["peakLate", "50 steps up", "at step 1 (the rising leg", MISTAKE.peakLate.says],
    [
      "downIgnored",
      "50 steps up",
      "at step 51 (the falling leg of cycle 1)",
      MISTAKE.downIgnored.says,
    ],
  ];
  for (const [bug, check, where, message] of triCases) {
    it(`triangularLR, ${bug}: fails "${check}", names the step and the mistake`, () => {
      const c = byName(check);
      const got = run(c, "none", bug);
      expect(fails(c, got)).toBe(true);
      const says = said(c.diagnose!(got));
      expect(says).toContain(`departs from the reference ${where}`);
      expect(says).toContain(message);
    });
  }

  it("says which steps matched before the departure", () => {
    const c = byName("lopsided");
    expect(said(c.diagnose!(run(c, "none", "downIgnored")))).toMatch(/^steps 0–6 matched; /);
    expect(said(c.diagnose!(run(c, "none", "peakLate")))).toMatch(/^step 0 matched; /);
  });

  it("a wrong curve that is no known mistake gets the departure step only", () => {
    const c = byName("5 warm-up steps");
    const got = run(c, "none", "none") as number[];
    got[9] *= 1.01;
    expect(said(c.diagnose!(got))).toBe(
      "steps 0–8 matched; your curve departs from the reference at step 9 (in the cosine after the warm-up)",
    );
    expect(firstDeparture(got, c.expected as number[])).toBe(9);
    expect(firstDeparture([1, 2], [1, 2, 3])).toBe(2);
    expect(firstDeparture([1, NaN], [1, 2])).toBe(1);
  });

  it("hidden checks' diagnoses carry step numbers, never reference values", () => {
    for (const c of all.filter((c) => c.hidden)) {
      const bad = run(c, "cosineOverTotal", "peakEarly") as number[];
      const says = said(c.diagnose!(bad));
      for (const v of c.expected as number[]) {
        if (v !== 0 && !Number.isInteger(v)) expect(says).not.toContain(String(v));
      }
    }
  });
});
