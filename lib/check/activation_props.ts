/**
 * Properties of an activation, measured rather than remembered: its range, whether it is
 * zero-centred, where it saturates, where it has kinks, what it costs, and how its derivative
 * compares with a numerical one. The comparison table of notebook 02 is built from these.
 *
 * Everything here only calls `act.f` and `act.df` at sample points, so it works for any
 * {@link Activation}, including one a learner writes.
 *
 * @module
 */

import type { Activation } from "../nn/activations.ts";
import { Matrix } from "../core/matrix.ts";
import { linspace } from "../core/numeric.ts";
import { centralDifference } from "./gradcheck.ts";
import { positive } from "../core/validate.ts";

function checkRadius(op: string, radius: number): void {
  positive(op, "radius", radius);
}

/** One end of a range: a bound (attained or approached) or unbounded. */
export interface Bound {
  /** The bound's value (±Infinity when unbounded). */
  value: number;
  /** True when some finite x gives f(x) = value (a closed end, "[" or "]"). */
  attained: boolean;
}

/**
 * The range of `f` measured on `[−radius, radius]` (grid step 2e-5·radius):
 * - an end is unbounded if `f` still has an average slope above 1e-3 between `radius` and
 *   `2·radius` on that side (ReLU, leaky ReLU, GELU grow linearly);
 * - otherwise its value is the extreme of f over the grid and at `±1e12` (so a bound that is
 *   only approached, like softsign's 1, is found), rounded to 12 digits. It is attained (a
 *   closed end) if some grid point with |x| ≤ radius/4 gives exactly that value: a function
 *   that only approaches its bound (sigmoid, tanh, softsign, ELU) is still measurably away
 *   from it there, while hard tanh reaches ±1 at x = ±1 and ReLU reaches 0 at x = 0.
 */
export function outputRange(
  act: Activation,
  o: { radius?: number } = {},
): { lo: Bound; hi: Bound } {
  const { radius = 50 } = o;
  checkRadius("outputRange", radius);
  const xs = linspace(-radius, radius, 100001);
  const ys = xs.map((x) => act.f(x));
  const grows = (side: 1 | -1) =>
    Math.abs(act.f(2 * side * radius) - act.f(side * radius)) > 1e-3 * radius;
  const end = (side: 1 | -1): Bound => {
    if (grows(side)) return { value: side * Infinity, attained: false };
    // The extreme over the grid and far out on that side (where a bound is approached).
    let extreme = act.f(side * 1e12);
    for (const y of ys) extreme = side === 1 ? Math.max(extreme, y) : Math.min(extreme, y);
    const attained = xs.some((x, i) => Math.abs(x) <= radius / 4 && ys[i] === extreme);
    return { value: Number(extreme.toPrecision(12)) + 0, attained };
  };
  return { lo: end(-1), hi: end(1) };
}

/** A range as interval notation, e.g. "(0, 1)", "[0, ∞)", "[−0.17, ∞)". */
export function formatRange(
  { lo, hi }: { lo: Bound; hi: Bound },
  o: { digits?: number } = {},
): string {
  const { digits = 3 } = o;
  const num = (v: number) =>
    v === Infinity
      ? "∞"
      : v === -Infinity
      ? "−∞"
      : Number(v.toPrecision(digits)).toString().replace("-", "−");
  return `${lo.attained ? "[" : "("}${num(lo.value)}, ${num(hi.value)}${hi.attained ? "]" : ")"}`;
}

/**
 * Whether `f` is odd, `f(−x) = −f(x)`, on a grid over `[−radius, radius]` (to 1e-12): an odd
 * activation maps inputs symmetric around 0 to outputs symmetric around 0.
 */
export function isOdd(act: Activation, o: { radius?: number } = {}): boolean {
  const { radius = 10 } = o;
  checkRadius("isOdd", radius);
  return linspace(0, radius, 2001).every((x) => {
    const a = act.f(x), b = act.f(-x);
    return Math.abs(a + b) <= 1e-12 * (1 + Math.abs(a));
  });
}

/**
 * `E[f(Z)]` for a standard normal Z: the mean output when pre-activations are N(0, 1).
 * Simpson's rule on [−12, 12] (the tails beyond carry less than 1e-30 of the mass).
 */
export function meanOutputStdNormal(act: Activation): number {
  const n = 4800; // even number of intervals
  const h = 24 / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const x = -12 + i * h;
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    s += w * act.f(x) * Math.exp(-0.5 * x * x);
  }
  return s * h / 3 / Math.sqrt(2 * Math.PI);
}

/**
 * Zero-centring, measured three ways: `f(0)`, oddness, and the mean output for N(0, 1)
 * inputs. "Zero-centred" in the table means odd (so also `f(0) = 0` and mean output 0): the
 * outputs of the layer below then have both signs, and the weight updates of the layer above
 * are not all forced to share one sign.
 */
export function zeroCentring(
  act: Activation,
): { f0: number; odd: boolean; meanOutput: number; zeroCentred: boolean } {
  const f0 = act.f(0);
  const odd = isOdd(act);
  return { f0, odd, meanOutput: meanOutputStdNormal(act), zeroCentred: odd };
}

/**
 * Where the activation saturates: the tails where `|f'(x)| < tol` holds all the way out to
 * `±radius`. Returns the inner edge of each saturated tail (`left`: saturated for x ≤ left,
 * `right`: for x ≥ right), or null when that side never saturates within the radius. The edge is
 * located on a grid of step 1e-3 and then refined by bisection where `f'` is continuous.
 */
export function saturation(
  act: Activation,
  o: { tol?: number; radius?: number } = {},
): { left: number | null; right: number | null } {
  const { tol = 1e-3, radius = 50 } = o;
  checkRadius("saturation", radius);
  if (!(tol > 0)) throw new RangeError(`saturation: tol must be positive, got ${tol}`);
  const small = (x: number) => Math.abs(act.df(x)) < tol;
  const step = 1e-3;
  const edge = (side: 1 | -1): number | null => {
    if (!small(side * radius)) return null;
    let inner = side * radius; // saturated
    for (let k = Math.round(radius / step) - 1; k >= -Math.round(radius / step); k--) {
      const x = side * k * step;
      if (!small(x)) {
        // between x (not saturated) and inner (saturated): bisect
        let a = x, b = inner;
        for (let it = 0; it < 50; it++) {
          const m = (a + b) / 2;
          if (small(m)) b = m;
          else a = m;
        }
        return Number(b.toFixed(6));
      }
      inner = x;
    }
    return Number(inner.toFixed(6)); // saturated everywhere
  };
  return { left: edge(-1), right: edge(1) };
}

/** A saturation result in words, e.g. "x ≤ −6.91, x ≥ 6.91", "x ≤ 0", "never". */
export function formatSaturation(
  sat: { left: number | null; right: number | null },
  o: { digits?: number } = {},
): string {
  const { digits = 3 } = o;
  const num = (v: number) => Number(v.toPrecision(digits)).toString().replace("-", "−");
  const parts: string[] = [];
  if (sat.left !== null) parts.push(`x ≤ ${num(sat.left)}`);
  if (sat.right !== null) parts.push(`x ≥ ${num(sat.right)}`);
  return parts.length ? parts.join(", ") : "never";
}

/**
 * Points in `[−radius, radius]` where the derivative jumps: the one-sided difference quotients
 * `(f(x) − f(x − h))/h` and `(f(x + h) − f(x))/h` differ by more than `jump`. Scanned on a grid of
 * step 1e-2 (so kinks at multiples of 0.01, such as 0 and ±1, are found exactly).
 */
export function kinks(act: Activation, o: { radius?: number; jump?: number } = {}): number[] {
  const { radius = 5, jump = 1e-3 } = o;
  checkRadius("kinks", radius);
  const h = 1e-7;
  const found: number[] = [];
  for (let k = -Math.round(radius * 100); k <= Math.round(radius * 100); k++) {
    const x = k / 100;
    const fx = act.f(x);
    const left = (fx - act.f(x - h)) / h;
    const right = (act.f(x + h) - fx) / h;
    if (Math.abs(right - left) > jump) found.push(x);
  }
  return found;
}

/**
 * The worst disagreement between `act.df` and the central difference over `xs`, as CS231n's
 * relative error `|a − n| / max(1e-8, |a| + |n|)`. Points within `o.margin` (default 1e-3) of
 * one of `o.kinkPoints` (see {@link kinks}) are skipped: a difference quotient across a kink averages the two slopes.
 */
export function derivativeError(
  act: Activation,
  xs: readonly number[],
  o: { kinkPoints?: readonly number[]; margin?: number } = {},
): number {
  const { kinkPoints = [], margin = 1e-3 } = o;
  let worst = 0;
  for (const x of xs) {
    if (kinkPoints.some((k) => Math.abs(x - k) < margin)) continue;
    const a = act.df(x), n = centralDifference(act.f, x);
    const e = Math.abs(a - n) / Math.max(1e-8, Math.abs(a) + Math.abs(n));
    if (!(e <= worst)) worst = e;
  }
  return worst;
}

/**
 * Time per evaluation of `f`, in nanoseconds: the fastest of `repeats` passes over `n` inputs
 * spread on [−5, 5] (the fastest pass is the one least disturbed by the rest of the machine).
 * A measurement, so it varies from run to run and machine to machine; compare ratios, not
 * values. Uses `performance.now()`, available in Deno, Node and browsers.
 */
export function nanosecondsPerCall(
  act: Activation,
  o: { n?: number; repeats?: number } = {},
): number {
  const { n = 200_000, repeats = 5 } = o;
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`nanosecondsPerCall: n must be a positive integer, got ${n}`);
  }
  const xs = Float64Array.from({ length: n }, (_, i) => -5 + 10 * ((i * 0.618033988749895) % 1));
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink += act.f(xs[i]);
    const t = performance.now() - t0;
    if (t < best) best = t;
  }
  if (Number.isNaN(sink)) throw new Error(`nanosecondsPerCall: ${act.name} returned NaN`);
  return best * 1e6 / n;
}

/**
 * The fraction of units (columns of the pre-activations `z`, N×units) that pass no gradient
 * for any example of the batch: `f'(z) = 0` in the whole column. With ReLU such a unit is
 * "dead": its weights receive a zero gradient and will never change.
 */
export function deadUnitFraction(z: Matrix, act: Activation): number {
  if (z.rows === 0 || z.cols === 0) {
    throw new Error(`deadUnitFraction: empty batch (z is ${z.rows}×${z.cols})`);
  }
  let dead = 0;
  for (let j = 0; j < z.cols; j++) {
    let alive = false;
    for (let i = 0; i < z.rows && !alive; i++) alive = act.df(z.get(i, j)) !== 0;
    if (!alive) dead++;
  }
  return dead / z.cols;
}

/** The fraction of entries of `z` where `f'(z) = 0` (gradient blocked for that example). */
export function zeroGradientFraction(z: Matrix, act: Activation): number {
  if (z.data.length === 0) throw new Error("zeroGradientFraction: z is empty");
  let zero = 0;
  for (const v of z.data) if (act.df(v) === 0) zero++;
  return zero / z.data.length;
}
