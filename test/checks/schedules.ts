/**
 * Graded checks for exercises/schedules.ts (warmupCosine, triangularLR). Reference curves come
 * from lib/optim/schedules.ts (matched to PyTorch's LinearLR + CosineAnnealingLR in a
 * SequentialLR, and CyclicLR), computed in the grader's process.
 *
 * Every check compares a whole curve. When a curve is wrong, `diagnose` says where it first
 * departs from the reference and what the schedule is doing there (warm-up, hand-over, cosine;
 * rising leg, peak, falling leg of cycle k) and, when the whole curve equals a known mistake
 * (computed below from lib/ with the mistaken setting), names it.
 */

import {
  cosineAnnealingLR,
  cyclicLR,
  linearLR,
  type Schedule,
  sequentialLR,
} from "../../lib/optim/schedules.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

/** The options of the learner's warmupCosine (all given). */
export interface WarmupCosineOptions {
  baseLr: number;
  warmupSteps: number;
  totalSteps: number;
  startFactor: number;
  etaMin: number;
}

/** The options of the learner's triangularLR. */
export interface TriangularOptions {
  baseLr: number;
  maxLr: number;
  stepSizeUp: number;
  stepSizeDown?: number;
}

const range = (n: number) => Array.from({ length: n }, (_, t) => t);

/**
 * Linear warm-up over `ramp` steps, hand-over to a cosine of length `tMax` at `milestone`
 * (PyTorch's SequentialLR); the reference is ramp = milestone = w, tMax = T − w.
 */
function warmupThenCosine(
  o: WarmupCosineOptions,
  { ramp = o.warmupSteps, milestone = o.warmupSteps, tMax = o.totalSteps - o.warmupSteps } = {},
): Schedule {
  const cosine = cosineAnnealingLR({ baseLr: o.baseLr, tMax, etaMin: o.etaMin });
  if (milestone === 0) return cosine;
  const warmup = linearLR({ baseLr: o.baseLr, startFactor: o.startFactor, totalIters: ramp });
  return sequentialLR({ schedules: [warmup, cosine], milestones: [milestone] });
}

/** The reference curve of warmupCosine: the rates at t = 0 … totalSteps. */
export function warmupCosineReference(o: WarmupCosineOptions): number[] {
  return range(o.totalSteps + 1).map(warmupThenCosine(o));
}

/** The reference curve of triangularLR: the rates at t = 0 … steps − 1. */
export function triangularReference(o: TriangularOptions, steps: number): number[] {
  return range(steps).map(cyclicLR({ ...o, mode: "triangular" }));
}

/**
 * The known mistakes, each in two tiers: what is wrong (at once) and the formula-level fix (once
 * the check's hint unlocks); one id each, so a report states a mistake once. The unit test
 * matches on these.
 */
export const MISTAKE = {
  shifted: mistake(
    "your whole curve is shifted one step to the left (it looks like t counted from 1): the " +
      "first rate must be that of step t = 0",
    "Entry t is the rate at step t, t = 0 … totalSteps: entry 0 is baseLr·startFactor with a " +
      "warm-up, baseLr without.",
    "shifted",
  ),
  lengthShort: mistake(
    "off by one in the step count: one rate too few — the curve runs from t = 0 to " +
      "t = totalSteps inclusive, ending at etaMin",
    "Return totalSteps + 1 rates, for t = 0 … totalSteps; the last one is etaMin.",
    "lengthShort",
  ),
  lengthLong: mistake(
    "off by one in the step count: one rate too many — the curve runs from t = 0 to " +
      "t = totalSteps inclusive",
    "Return totalSteps + 1 rates, for t = 0 … totalSteps, and stop there.",
    "lengthLong",
  ),
  warmupLate: mistake(
    "your warm-up ends one step late: the rate must be exactly baseLr at t = warmupSteps, and " +
      "the cosine starts falling right after it",
    "While t < warmupSteps, lr = baseLr·(startFactor + (1 − startFactor)·t/warmupSteps); at " +
      "t = warmupSteps the cosine starts at its top, baseLr.",
    "warmupLate",
  ),
  warmupEarly: mistake(
    "your warm-up ends one step early: the rate reaches baseLr at t = warmupSteps, not one " +
      "step before",
    "Divide by warmupSteps in the ramp: lr = baseLr·(startFactor + (1 − startFactor)·t/warmupSteps).",
    "warmupEarly",
  ),
  cosineOverTotal: mistake(
    "your cosine runs over totalSteps; after the warm-up only totalSteps − warmupSteps steps " +
      "are left, and the cosine must fit into them to reach etaMin at t = totalSteps",
    "p = (t − warmupSteps)/(totalSteps − warmupSteps); lr = etaMin + (baseLr − etaMin)·(1 + cos(π·p))/2.",
    "cosineOverTotal",
  ),
  cosineFromZero: mistake(
    "your cosine is counted from step 0; it must start (at its top, baseLr) when the warm-up ends",
    "The cosine's own step is t − warmupSteps: p = (t − warmupSteps)/(totalSteps − warmupSteps).",
    "cosineFromZero",
  ),
  warmupFromZero: mistake(
    "your warm-up starts from 0; it starts from the fraction startFactor of baseLr, as " +
      "PyTorch's LinearLR",
    "lr = baseLr·(startFactor + (1 − startFactor)·t/warmupSteps) while t < warmupSteps.",
    "warmupFromZero",
  ),
  triangleShifted: mistake(
    "your whole curve is shifted one step to the left (it looks like t counted from 1): at " +
      "t = 0 the rate is baseLr",
    "Evaluate the cycle at t = 0, 1, …, steps − 1: x = t mod cycle starts at 0, where lr = baseLr.",
    "triangleShifted",
  ),
  peakLate: mistake(
    "the peak of each cycle comes one step late: maxLr is reached stepSizeUp steps after a " +
      "cycle starts",
    "height = x/stepSizeUp while x ≤ stepSizeUp, else (cycle − x)/stepSizeDown, x = t mod cycle.",
    "peakLate",
  ),
  peakEarly: mistake(
    "the peak of each cycle comes one step early: maxLr is reached stepSizeUp steps after a " +
      "cycle starts",
    "height = x/stepSizeUp while x ≤ stepSizeUp, else (cycle − x)/stepSizeDown, x = t mod cycle.",
    "peakEarly",
  ),
  downIgnored: mistake(
    "your falling leg lasts stepSizeUp steps: it lasts stepSizeDown steps, so the cycle is " +
      "stepSizeUp + stepSizeDown long",
    "cycle = stepSizeUp + stepSizeDown; on the falling leg height = (cycle − x)/stepSizeDown.",
    "downIgnored",
  ),
  peakMiddle: mistake(
    "your peak sits in the middle of the cycle: it comes after stepSizeUp steps, which need " +
      "not be half the cycle",
    "The rate rises while x ≤ stepSizeUp (height x/stepSizeUp), then falls over stepSizeDown steps.",
    "peakMiddle",
  ),
  legsSwapped: mistake(
    "your rising and falling legs are swapped: the rate rises for stepSizeUp steps, then falls",
    "height = x/stepSizeUp while x ≤ stepSizeUp, else (cycle − x)/stepSizeDown.",
    "legsSwapped",
  ),
  cosineLegs: mistake(
    "your legs are curved like a cosine: a triangular schedule changes by the same amount at " +
      "every step of a leg (a cosine between the bounds is cosine annealing — erratum 7)",
    "lr = baseLr + (maxLr − baseLr)·height, with height rising and falling in straight lines.",
    "cosineLegs",
  ),
  seedCosine: mistake(
    'that is the source notes\' "cyclic" formula, a cosine starting at the top: it is cosine ' +
      "annealing (erratum 7); the triangular schedule starts at baseLr and moves in straight lines",
    "lr = baseLr + (maxLr − baseLr)·height, height = x/stepSizeUp on the rising leg and " +
      "(cycle − x)/stepSizeDown on the falling one.",
    "seedCosine",
  ),
};

/** The first index where two curves differ by more than the grader's tolerance, or -1. */
export function firstDeparture(actual: readonly number[], expected: readonly number[]): number {
  for (let t = 0; t < expected.length; t++) {
    const a = actual[t], e = expected[t];
    if (!(typeof a === "number" && Math.abs(a - e) <= 1e-12 + 1e-9 * Math.abs(e))) return t;
  }
  return actual.length === expected.length ? -1 : expected.length;
}

/** "Your curve matches … and departs at step t (where)" — no reference values in it. */
function departure(t: number, where: string): string {
  const before = t === 0 ? "" : t === 1 ? "step 0 matched; " : `steps 0–${t - 1} matched; `;
  return `${before}your curve departs from the reference at step ${t} (${where})`;
}

/**
 * The records of a wrong curve: where it departs (numbers about this check), then the known
 * mistake it equals, if any (one id per mistake, so a report states it once).
 */
function records(t: number, where: string, known: Diagnosis | undefined): Diagnosis[] {
  const at: Diagnosis = { id: `where:${t}`, says: departure(t, where) };
  return known ? [at, known] : [at];
}

function warmupPhase(o: WarmupCosineOptions, t: number): string {
  if (t < o.warmupSteps) return "during the warm-up";
  if (t === o.warmupSteps) {
    return o.warmupSteps
      ? "where the warm-up ends and the cosine begins"
      : "the cosine's first step";
  }
  if (t === o.totalSteps) return "the last step, which should be etaMin";
  return "in the cosine after the warm-up";
}

function trianglePhase(o: TriangularOptions, t: number): string {
  const up = o.stepSizeUp, cycle = up + (o.stepSizeDown ?? up);
  const k = Math.floor(t / cycle) + 1, at = t % cycle;
  if (at === 0) return `the start of cycle ${k}, where the rate is baseLr`;
  if (at === up) return `the peak of cycle ${k}`;
  return `${at < up ? "the rising" : "the falling"} leg of cycle ${k}`;
}

/** A diagnosis for warmupCosine with options `o`. */
export function diagnoseWarmupCosine(o: WarmupCosineOptions) {
  const T = o.totalSteps, w = o.warmupSteps;
  const expected = warmupCosineReference(o);
  const curve = (f: Schedule) => range(T + 1).map(f);
  const candidates: [unknown, Diagnosis][] = [
    [range(T + 1).map((t) => warmupThenCosine(o)(t + 1)), MISTAKE.shifted],
    [curve(warmupThenCosine(o, { tMax: T })), MISTAKE.cosineOverTotal],
    [
      range(T + 1).map((t) =>
        t < w
          ? warmupThenCosine(o)(t)
          : cosineAnnealingLR({ baseLr: o.baseLr, tMax: T, etaMin: o.etaMin })(t)
      ),
      MISTAKE.cosineFromZero,
    ],
  ];
  if (w > 0) {
    candidates.push(
      [curve(warmupThenCosine(o, { milestone: w + 1 })), MISTAKE.warmupLate],
      [
        curve(warmupThenCosine(o, { ramp: w + 1, milestone: w + 1, tMax: T - w - 1 })),
        MISTAKE.warmupLate,
      ],
      [curve(warmupThenCosine(o, { milestone: w + 1, tMax: T - w - 1 })), MISTAKE.warmupLate],
      [
        range(T + 1).map((t) => t < w ? o.baseLr * t / w : warmupThenCosine(o)(t)),
        MISTAKE.warmupFromZero,
      ],
    );
  }
  if (w > 1) {
    candidates.push([
      curve(warmupThenCosine(o, { ramp: w - 1, milestone: w - 1, tMax: T - w + 1 })),
      MISTAKE.warmupEarly,
    ]);
  }
  return (actual: unknown): Diagnosis[] | undefined => {
    if (!Array.isArray(actual)) return undefined;
    const length = actual.length === T
      ? MISTAKE.lengthShort
      : actual.length === T + 2
      ? MISTAKE.lengthLong
      : undefined;
    if (length) return [length];
    if (actual.length !== T + 1) return undefined;
    const t = firstDeparture(actual, expected);
    if (t < 0) return undefined;
    return records(t, warmupPhase(o, t), matches<Diagnosis>(actual, candidates));
  };
}

/** `base + (max − base)·(1 − cos(π·h))/2` for the triangle's height h: cosine-shaped legs. */
function cosineLegs(o: TriangularOptions, steps: number): number[] {
  const span = o.maxLr - o.baseLr;
  return triangularReference(o, steps).map((lr) => {
    const h = (lr - o.baseLr) / span; // the triangle's height, 0 … 1
    return o.baseLr + span * (1 - Math.cos(Math.PI * h)) / 2;
  });
}

/** A diagnosis for triangularLR with options `o` over `steps` steps. */
export function diagnoseTriangular(o: TriangularOptions, steps: number) {
  const up = o.stepSizeUp, down = o.stepSizeDown ?? up;
  const expected = triangularReference(o, steps);
  const tri = (u: number, d: number) =>
    triangularReference({ ...o, stepSizeUp: u, stepSizeDown: d }, steps);
  const f = cyclicLR({ ...o, mode: "triangular" });
  const candidates: [unknown, Diagnosis][] = [
    [range(steps).map((t) => f(t + 1)), MISTAKE.triangleShifted],
    [cosineLegs(o, steps), MISTAKE.cosineLegs],
    [
      range(steps).map(cosineAnnealingLR({ baseLr: o.maxLr, tMax: up, etaMin: o.baseLr })),
      MISTAKE.seedCosine,
    ],
  ];
  if (down > 1) candidates.push([tri(up + 1, down - 1), MISTAKE.peakLate]);
  if (up > 1) candidates.push([tri(up - 1, down + 1), MISTAKE.peakEarly]);
  if (down !== up) {
    candidates.push(
      [tri(up, up), MISTAKE.downIgnored],
      [tri(down, up), MISTAKE.legsSwapped],
      [tri((up + down) / 2, (up + down) / 2), MISTAKE.peakMiddle],
    );
  }
  return (actual: unknown): Diagnosis[] | undefined => {
    if (!Array.isArray(actual) || actual.length !== steps) return undefined;
    const t = firstDeparture(actual, expected);
    if (t < 0) return undefined;
    return records(t, trianglePhase(o, t), matches<Diagnosis>(actual, candidates));
  };
}

/** The formula-level hints (after several failed attempts); the checks' own texts are nudges. */
const WARMUP_FORMULA =
  "For t = 0 … totalSteps: while t < warmupSteps, lr = baseLr·(startFactor + " +
  "(1 − startFactor)·t/warmupSteps); after, with p = (t − warmupSteps)/(totalSteps − warmupSteps), " +
  "lr = etaMin + (baseLr − etaMin)·(1 + cos(π·p))/2.";
const TRIANGULAR_FORMULA = "For t = 0 … steps − 1: cycle = stepSizeUp + stepSizeDown, " +
  "x = t mod cycle; height = x/stepSizeUp while x ≤ stepSizeUp, else (cycle − x)/stepSizeDown; " +
  "lr = baseLr + (maxLr − baseLr)·height.";

function warmupCheck(
  name: string,
  o: WarmupCosineOptions,
  points: number,
  nudge: string,
  hidden = false,
): Check {
  return {
    name: `warmupCosine: ${name}`,
    points,
    fn: "warmupCosine",
    args: [o],
    expected: warmupCosineReference(o),
    diagnose: diagnoseWarmupCosine(o),
    nudge,
    hint: WARMUP_FORMULA,
    hidden,
  };
}

function triangularCheck(
  name: string,
  o: TriangularOptions,
  steps: number,
  points: number,
  nudge: string,
  hidden = false,
): Check {
  return {
    name: `triangularLR: ${name}`,
    points,
    fn: "triangularLR",
    args: [o, steps],
    expected: triangularReference(o, steps),
    diagnose: diagnoseTriangular(o, steps),
    nudge,
    hint: TRIANGULAR_FORMULA,
    hidden,
  };
}

export function checks(): Check[] {
  return [
    warmupCheck(
      "a short run, 2 warm-up steps of 6",
      { baseLr: 1, warmupSteps: 2, totalSteps: 6, startFactor: 0.5, etaMin: 0 },
      1,
      "Count the steps from 0. Where is the rate exactly baseLr, and where exactly etaMin?",
    ),
    warmupCheck(
      "5 warm-up steps of 20",
      { baseLr: 0.1, warmupSteps: 5, totalSteps: 20, startFactor: 0.1, etaMin: 0.001 },
      3,
      "Two phases: a straight line up to the peak, then half a cosine that starts at the peak when the warm-up ends and has only the remaining steps to reach its floor.",
    ),
    warmupCheck(
      "no warm-up is plain cosine annealing",
      { baseLr: 0.05, warmupSteps: 0, totalSteps: 12, startFactor: 0.3, etaMin: 0.005 },
      1,
      "With no warm-up the cosine starts at the very first step and spans all the steps.",
    ),
    warmupCheck(
      "a long run, 100 warm-up steps of 1000",
      { baseLr: 3e-4, warmupSteps: 100, totalSteps: 1000, startFactor: 0.01, etaMin: 0 },
      2,
      "Check the hand-over at t = warmupSteps and the last step on a long run too.",
      true,
    ),
    warmupCheck(
      "startFactor = 1: no ramp, the peak held until the cosine",
      { baseLr: 0.2, warmupSteps: 3, totalSteps: 9, startFactor: 1, etaMin: 0.02 },
      1,
      "With startFactor = 1 the warm-up phase is flat at baseLr.",
      true,
    ),
    triangularCheck(
      "a symmetric triangle, 4 steps up and 4 down",
      { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 4, stepSizeDown: 4 },
      20,
      2,
      "Find where t sits inside its cycle; the rate is a straight line on each leg, from bound to bound.",
    ),
    triangularCheck(
      "a lopsided triangle, 6 steps up and 2 down",
      { baseLr: 0.001, maxLr: 0.01, stepSizeUp: 6, stepSizeDown: 2 },
      24,
      2,
      "A cycle is stepSizeUp + stepSizeDown steps long, and the peak is stepSizeUp steps into it.",
    ),
    triangularCheck(
      "stepSizeDown omitted",
      { baseLr: 0.1, maxLr: 1, stepSizeUp: 3 },
      13,
      1,
      "Without stepSizeDown the falling leg is as long as the rising one.",
    ),
    triangularCheck(
      "a long run, 50 steps up and 30 down",
      { baseLr: 1e-4, maxLr: 6e-3, stepSizeUp: 50, stepSizeDown: 30 },
      400,
      2,
      "Check several whole cycles of a lopsided triangle.",
      true,
    ),
    triangularCheck(
      "one step up, one step down",
      { baseLr: 0.5, maxLr: 2, stepSizeUp: 1, stepSizeDown: 1 },
      9,
      1,
      "With legs one step long the rate alternates between the bounds.",
      true,
    ),
  ];
}

export const schedulesExercise: Exercise = {
  name: "schedules",
  title: "Warm-up with cosine annealing, and the triangular cyclic schedule",
  notebook: "13_lr_schedules.ipynb",
  checks,
};
