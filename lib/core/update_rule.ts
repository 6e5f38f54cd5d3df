/**
 * An optimiser as one pure function, CS231n's `update(w, dw, config) → { w, config }`, and the
 * loop that runs it along a gradient, keeping every step: the shape of the optimiser
 * exercises, and how notebooks draw trajectories.
 *
 * A rule takes the parameters `w`, their gradient `dw` and a `config` that holds both the
 * hyper-parameters (PyTorch's names: `lr`, `momentum`, `betas`, `weightDecay`, …) and the state
 * kept between steps (PyTorch's names: `momentumBuffer`, `step`, `expAvg`, …; absent before the
 * first step). It returns the new parameters and the config to pass to the next step. The
 * optimisers of lib/optim are objects instead (`opt.step(params, grads)`); `asUpdateRule(opt)`
 * views one as a rule.
 *
 * ```ts
 * const bowl = quadraticBowl({ a: [[1, 0], [0, 10]], center: [0, 0] });
 * const steps = runRule(myRule, bowl.grad, [1, 1], { lr: 0.05 }, { steps: 100 });
 * steps[99].w; // where the 100th step ended
 * ```
 *
 * @module
 */

import { ShapeError } from "./matrix.ts";

/** What a rule returns: the parameters after the step and the config for the next one. */
export interface UpdateResult<C> {
  w: number[];
  config: C;
}

/**
 * One optimiser step as a pure function (CS231n's shape): `w` and `dw` are plain arrays of
 * the same length, `config` holds hyper-parameters and state under PyTorch's names.
 */
export type UpdateRule<C> = (w: number[], dw: number[], config: C) => UpdateResult<C>;

/** A gradient at `w` for step `step` (counted from 1; a stochastic gradient may depend on it). */
export type GradientField = (w: readonly number[], step: number) => number[];

/** Options of {@link runRule}. */
export interface RunOptions {
  /** How many steps to take. */
  steps: number;
  /**
   * The learning rate of each step, `lrs[t − 1]` at step t, written into `config.lr` before the
   * step as a scheduler sets PyTorch's `param_group["lr"]`. Default: `config.lr` is left alone.
   */
  lrs?: readonly number[];
  /** The rule's name in error messages (default "the update"). */
  name?: string;
}

/** A copy of plain data (arrays, typed arrays as arrays, plain objects), so later steps cannot change it. */
function snapshot(value: unknown, where: string, depth = 0): unknown {
  if (depth > 8) throw new TypeError(`${where} is nested too deeply to record`);
  if (value === null || typeof value !== "object") {
    if (typeof value === "function") throw new TypeError(`${where} holds a function`);
    return value;
  }
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map((v, i) => snapshot(v, `${where}[${i}]`, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = snapshot(v, `${where}.${k}`, depth + 1);
  return out;
}

/** The numbers of `v` if it is an array (or typed array) of `n` numbers, else undefined. */
function vectorOf(v: unknown, n: number): number[] | undefined {
  const xs = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
  if (!Array.isArray(xs) || xs.length !== n || !xs.every((x) => typeof x === "number")) {
    return undefined;
  }
  return xs;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v === null) return "null";
  return typeof v === "object" ? "an object" : `${typeof v === "undefined" ? "" : "a "}${typeof v}`;
}

/**
 * Runs `rule` for `o.steps` steps from `w0`: at step t it computes `dw = grad(w, t)`, sets
 * `config.lr = o.lrs[t − 1]` if a schedule is given, and calls `rule(w, dw, config)` with
 * fresh copies of w and dw. Returns what every step returned (step t at index t − 1), copied as
 * plain data so that a rule that changes its arrays in place cannot rewrite the record.
 * A rule that returns anything but `{ w, config }` with `w` of the right length gets an error
 * naming the step.
 */
export function runRule<C extends object>(
  rule: UpdateRule<C>,
  grad: GradientField,
  w0: readonly number[],
  config: C,
  o: RunOptions,
): UpdateResult<C>[] {
  const name = o.name ?? "the update";
  const n = w0.length;
  if (!Number.isInteger(o.steps) || o.steps < 0) {
    throw new RangeError(`runRule: steps must be a whole number ≥ 0, got ${o.steps}`);
  }
  if (o.lrs !== undefined && o.lrs.length < o.steps) {
    throw new RangeError(`runRule: ${o.steps} steps but only ${o.lrs.length} learning rates`);
  }
  const out: UpdateResult<C>[] = [];
  let w = Array.from(w0);
  let cfg = config;
  for (let t = 1; t <= o.steps; t++) {
    const dw = grad(w, t);
    if (o.lrs !== undefined) cfg = { ...cfg, lr: o.lrs[t - 1] };
    const result: unknown = rule(w.slice(), dw.slice(), cfg);
    const at = `${name} at step ${t}`;
    if (result === null || typeof result !== "object" || Array.isArray(result)) {
      throw new TypeError(`${at} returned ${describe(result)}; it must return { w, config }`);
    }
    const r = result as { w?: unknown; config?: unknown };
    const next = vectorOf(r.w, n);
    if (next === undefined) {
      throw new ShapeError(
        `${at} returned w as ${describe(r.w)}; it must be an array of ${n} numbers`,
      );
    }
    if (r.config === null || typeof r.config !== "object" || Array.isArray(r.config)) {
      throw new TypeError(`${at} returned config as ${describe(r.config)}; it must be an object`);
    }
    out.push({ w: next.slice(), config: snapshot(r.config, `${at}: config`) as C });
    w = next.slice();
    cfg = r.config as C;
  }
  return out;
}

/** A quadratic bowl `f(w) = ½·(w − c)ᵀA(w − c)` given as data, with optional gradient noise. */
export interface QuadraticBowl {
  /** The symmetric n×n curvature (Hessian) A. */
  a: readonly (readonly number[])[];
  /** The minimiser c (length n); f(c) = 0. */
  center: readonly number[];
  /** Added to the gradient at step t: `noise[t − 1]` (a stochastic gradient), if given. */
  noise?: readonly (readonly number[])[];
}

/** A {@link QuadraticBowl}'s value and gradient, checked for shape. */
export interface BowlProblem {
  /** The dimension n. */
  n: number;
  f(w: readonly number[]): number;
  grad: GradientField;
}

/**
 * The function and gradient of a quadratic bowl, `∇f(w) = A(w − c)` (plus `noise[t − 1]` at
 * step t): the ill-conditioned ravine of the momentum notebook and the problems of the
 * optimiser exercises, whose data crosses into the grader's sandbox as it is.
 */
export function quadraticBowl(q: QuadraticBowl): BowlProblem {
  const n = q.center.length;
  if (q.a.length !== n || q.a.some((row) => row.length !== n)) {
    throw new ShapeError(`quadraticBowl: a must be ${n}×${n} to match center (length ${n})`);
  }
  q.noise?.forEach((row, i) => {
    if (row.length !== n) {
      throw new ShapeError(`quadraticBowl: noise[${i}] has ${row.length} values, expected ${n}`);
    }
  });
  const check = (w: readonly number[]) => {
    if (w.length !== n) {
      throw new ShapeError(`quadraticBowl: w has ${w.length} values, expected ${n}`);
    }
  };
  const ax = (w: readonly number[]) =>
    q.a.map((row) => row.reduce((s, aij, j) => s + aij * (w[j] - q.center[j]), 0));
  return {
    n,
    f(w) {
      check(w);
      return 0.5 * ax(w).reduce((s, v, i) => s + v * (w[i] - q.center[i]), 0);
    },
    grad(w, step) {
      check(w);
      const g = ax(w);
      if (q.noise === undefined) return g;
      const e = q.noise[step - 1];
      if (e === undefined) {
        throw new RangeError(`quadraticBowl: no noise for step ${step} (${q.noise.length} rows)`);
      }
      return g.map((v, i) => v + e[i]);
    },
  };
}
