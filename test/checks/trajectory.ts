/**
 * Checks that compare whole optimiser trajectories, shared by the optimiser exercises.
 *
 * A learner's update rule (`update(w, dw, config) → { w, config }`, lib/core/update_rule.ts) is
 * run in the sandbox for a whole trajectory on a problem; the reference is the library's
 * optimiser (matched to PyTorch) run through the same `runRule` on the same problem. The
 * check compares every step's graded quantities: the state under PyTorch's names, in the order
 * the update computes them, then the parameters `w`.
 *
 * When they differ, the feedback names the first step and the first quantity that departs
 * ("your v (expAvgSq) departs from the reference at step 3; before that it matched") and, if
 * the learner's whole trajectory is that of a known mistake (or of two at once), names it.
 * Each exercise describes its mistakes as flags of one independently written variant of the
 * update (`variant([])` is the correct rule), so that any two can be combined.
 */

import {
  type QuadraticBowl,
  quadraticBowl,
  runRule,
  type UpdateResult,
  type UpdateRule,
} from "../../lib/core/update_rule.ts";
import type { Check, Diagnosis } from "../../grader/types.ts";
import { Random } from "../../lib/core/random.ts";

/** One graded quantity: `w`, or a key of the returned config, and how feedback names it. */
export interface Quantity {
  key: string;
  /** What it is ("m", "momentum buffer"); feedback says "m (expAvg)". Default: the key. */
  name?: string;
  /** Bookkeeping (a step count) that a known mistake may keep either way: not used to name one. */
  bookkeeping?: boolean;
}

/** A trajectory: what every step of an update rule returned. */
export type Trajectory = UpdateResult<Record<string, unknown>>[];

/** One trajectory to grade: the problem, the start, the hyper-parameters and the schedule. */
export interface TrajectoryCase<C> {
  problem: QuadraticBowl;
  w0: number[];
  config: C;
  steps: number;
  /** The learning rate at each step (a schedule), if it changes. */
  lrs?: number[];
}

/** A known mistake: the flag that makes the variant commit it, and what the feedback says. */
export interface Mistake<F extends string> {
  flag: F;
  /** A phrase completing "it looks like …" (what is wrong, without the formula). */
  says: string;
  /** The formula-level fix (shown once the check's hint unlocks). */
  formula: string;
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Runs `rule` on a case, as the sandbox runs the learner's (same loop, same problem). */
export function trajectoryOf<C extends object>(
  rule: UpdateRule<C>,
  c: TrajectoryCase<C>,
): Trajectory {
  return runRule(rule, quadraticBowl(c.problem).grad, c.w0, c.config, {
    steps: c.steps,
    lrs: c.lrs,
  }) as Trajectory;
}

const valueOf = (step: unknown, q: Quantity): unknown => {
  if (step === null || typeof step !== "object") return undefined;
  const s = step as { w?: unknown; config?: unknown };
  if (q.key === "w") return s.w;
  const config = s.config;
  return config !== null && typeof config === "object"
    ? (config as Record<string, unknown>)[q.key]
    : undefined;
};

/** The graded part of a trajectory: each step's config cut down to the graded keys, and w. */
export function gradedPart(t: Trajectory, quantities: readonly Quantity[]): unknown[] {
  return t.map((step) => {
    const config: Record<string, unknown> = {};
    for (const q of quantities) {
      if (q.key !== "w" && step.config[q.key] !== undefined) config[q.key] = step.config[q.key];
    }
    return { config, w: step.w };
  });
}

/** Numbers (or arrays of numbers) equal within the tolerance; NaN equals NaN. */
function same(a: unknown, e: unknown, tol: Tolerance): boolean {
  const xs = typeof a === "number" ? [a] : a, ys = typeof e === "number" ? [e] : e;
  if (!Array.isArray(xs) || !Array.isArray(ys) || xs.length !== ys.length) return false;
  return xs.every((x, i) => {
    const y = ys[i];
    if (typeof x !== "number" || typeof y !== "number") return false;
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
    return x === y || Math.abs(x - y) <= tol.atol + tol.rtol * Math.abs(y);
  });
}

const hasNaN = (v: unknown) =>
  (typeof v === "number" && Number.isNaN(v)) ||
  (Array.isArray(v) && v.some((x) => typeof x === "number" && Number.isNaN(x)));

/** Where a trajectory first departs from the expected one. */
export interface Departure {
  /** The step, counted from 1. */
  step: number;
  quantity: Quantity;
  /** What the learner's value is: "missing", "NaN" or "different". */
  kind: "missing" | "NaN" | "different";
}

/** The first step, and in it the first quantity, where `actual` departs from `expected`. */
export function departure(
  actual: unknown,
  expected: Trajectory,
  quantities: readonly Quantity[],
  tol: Tolerance,
): Departure | undefined {
  const steps = Array.isArray(actual) ? actual : [];
  for (let t = 0; t < expected.length; t++) {
    for (const q of quantities) {
      const want = valueOf(expected[t], q);
      if (want === undefined) continue;
      const got = valueOf(steps[t], q);
      if (got === undefined) return { step: t + 1, quantity: q, kind: "missing" };
      if (!same(got, want, tol)) {
        return { step: t + 1, quantity: q, kind: hasNaN(got) ? "NaN" : "different" };
      }
    }
  }
  return undefined;
}

/** How feedback names a quantity: "m (expAvg)", "w". */
export const labelOf = (q: Quantity): string =>
  q.name === undefined || q.name === q.key ? q.key : `${q.name} (${q.key})`;

/** The sentence for a departure, without any reference value. */
export function describeDeparture(d: Departure): string {
  const { step, quantity: q } = d;
  if (d.kind === "missing") {
    return q.key === "w"
      ? `step ${step} returned no w`
      : `after step ${step} your config has no ${q.key}: keep the ${q.name ?? "value"} there, ` +
        "under that name";
  }
  const what = d.kind === "NaN" ? "becomes NaN" : "departs from the reference";
  return `your ${labelOf(q)} ${what} at step ${step}${
    step === 1 ? ", the very first step" : "; before that it matched"
  }`;
}

/** Does `actual` follow `other` at every step, on every quantity that is not bookkeeping? */
function follows(
  actual: unknown,
  other: Trajectory,
  quantities: readonly Quantity[],
  tol: Tolerance,
): boolean {
  const steps = Array.isArray(actual) ? actual : [];
  return other.every((step, t) =>
    quantities.every((q) => {
      if (q.bookkeeping) return true;
      const want = valueOf(step, q);
      return want === undefined || same(valueOf(steps[t], q), want, tol);
    })
  );
}

/**
 * Where a trajectory departs, as a record: a missing quantity is a known mistake of its own
 * (the same in every check it costs); a different or NaN value is numbers about this check.
 */
export function departureRecord(d: Departure): Diagnosis {
  const says = describeDeparture(d);
  return d.kind === "missing"
    ? { id: `missing:${d.quantity.key}:${d.step}`, says }
    : { id: `where:${d.quantity.key}:${d.kind}:${d.step}`, says };
}

/** A known mistake as the record a report states once: "it looks like …". */
const record = <F extends string>(m: Mistake<F>): Diagnosis => ({
  id: m.flag,
  says: `it looks like ${m.says}`,
  formula: m.formula,
});

/**
 * The diagnosis of a trajectory check: where the learner departs, and the known mistake (or
 * pair of mistakes) whose whole trajectory the learner's follows. Variants are computed only
 * when a learner's answer is wrong, and only those that differ from the reference count.
 */
export function diagnoseTrajectory<C extends object, F extends string>(
  c: TrajectoryCase<C>,
  expected: Trajectory,
  quantities: readonly Quantity[],
  mistakes: readonly Mistake<F>[],
  variant: (flags: readonly F[]) => UpdateRule<C>,
  tol: Tolerance,
): (actual: unknown) => Diagnosis[] | undefined {
  return (actual) => {
    const d = departure(actual, expected, quantities, tol);
    if (d === undefined) return undefined;
    const where = departureRecord(d);
    const run = (flags: F[]): Trajectory | undefined => {
      try {
        const t = trajectoryOf(variant(flags), c);
        return follows(t, expected, quantities, tol) ? undefined : t; // no different from correct
      } catch {
        return undefined;
      }
    };
    for (const m of mistakes) {
      const t = run([m.flag]);
      if (t && follows(actual, t, quantities, tol)) return [where, record(m)];
    }
    for (let i = 0; i < mistakes.length; i++) {
      for (let j = i + 1; j < mistakes.length; j++) {
        const [a, b] = [mistakes[i], mistakes[j]];
        const t = run([a.flag, b.flag]);
        if (t && follows(actual, t, quantities, tol)) return [where, record(a), record(b)];
      }
    }
    return [where];
  };
}

/** What a trajectory check needs besides the case. */
export interface TrajectoryCheckSpec<C extends object, F extends string> {
  name: string;
  points: number;
  /** The provided driver in the exercise that runs the learner's rule (e.g. "runSgd"). */
  fn: string;
  case: TrajectoryCase<C>;
  /** The reference rule (a library optimiser through `asUpdateRule`), fresh for this case. */
  reference: UpdateRule<C>;
  quantities: readonly Quantity[];
  mistakes: readonly Mistake<F>[];
  variant: (flags: readonly F[]) => UpdateRule<C>;
  /** First-attempt help, without the formula. */
  nudge?: string;
  /** The formula-level hint (after several failed attempts). */
  hint: string;
  hidden?: boolean;
  tol?: Tolerance;
}

/** A grader check that runs the learner's rule on a case and compares the whole trajectory. */
export function trajectoryCheck<C extends object, F extends string>(
  s: TrajectoryCheckSpec<C, F>,
): Check {
  const tol = s.tol ?? { rtol: 1e-9, atol: 1e-12 };
  const expected = trajectoryOf(s.reference, s.case);
  const { problem, w0, config, steps, lrs } = s.case;
  return {
    name: s.name,
    points: s.points,
    fn: s.fn,
    args: [problem, w0, config, lrs ? { steps, lrs } : { steps }],
    expected: gradedPart(expected, s.quantities),
    rtol: tol.rtol,
    atol: tol.atol,
    diagnose: diagnoseTrajectory(s.case, expected, s.quantities, s.mistakes, s.variant, tol),
    nudge: s.nudge,
    hint: s.hint,
    hidden: s.hidden,
  };
}

// ---------------------------------------------------------------- the problems of the checks

/** A ravine: curvatures 1 and 20, minimum off the origin. */
export const RAVINE: QuadraticBowl = { a: [[1, 0], [0, 20]], center: [1, -0.5] };

/** A rotated, coupled bowl in three dimensions. */
export const ROTATED: QuadraticBowl = {
  a: [[3, 1, 0.5], [1, 2, 0.3], [0.5, 0.3, 1]],
  center: [0.5, -1, 2],
};

/**
 * A four-dimensional bowl with a stochastic gradient: seeded normal noise of size `scale`
 * that shrinks over the run (so running maxima, such as AMSGrad's, matter).
 */
export function noisyBowl(seed: number, steps: number, scale = 0.5): QuadraticBowl {
  const rng = new Random(seed);
  const noise = Array.from({ length: steps }, (_, t) => {
    const s = scale * (1 - 0.9 * t / steps);
    return [0, 0, 0, 0].map(() => rng.normal(0, s));
  });
  return {
    a: [[0.5, 0, 0, 0], [0, 1, 0, 0], [0, 0, 2, 0.4], [0, 0, 0.4, 4]],
    center: [1, 2, -1, 0.5],
    noise,
  };
}

/** A schedule: `lr` for the first `at` steps, `lr·factor` afterwards. */
export function stepDrop(lr: number, at: number, factor: number, steps: number): number[] {
  return Array.from({ length: steps }, (_, t) => (t < at ? lr : lr * factor));
}

/** A schedule: linear warm-up over `warm` steps to `lr`, then cosine decay to 0.1·lr. */
export function warmupCosine(lr: number, warm: number, steps: number): number[] {
  return Array.from({ length: steps }, (_, t) => {
    if (t < warm) return lr * (t + 1) / warm;
    const x = (t - warm) / Math.max(1, steps - warm - 1);
    return lr * (0.1 + 0.45 * (1 + Math.cos(Math.PI * x)));
  });
}
