/**
 * Second-order and quasi-Newton minimisers for small problems: Newton's method, BFGS and
 * L-BFGS. The function, its gradient (and for Newton its Hessian) are supplied by the user;
 * x is a plain vector (`Float64Array`, a number array, or a Matrix read row by row).
 *
 * - Newton: solve `H·d = −g` and step along d. On a quadratic `½xᵀAx − bᵀx` the very first
 *   step lands on the minimiser; near a minimum with positive-definite H convergence is
 *   quadratic (the number of correct digits doubles each step).
 * - BFGS: no Hessian needed; keeps an n×n approximation `B⁻¹ ≈ H⁻¹` and corrects it after
 *   each step so that it maps the change in gradient `y` to the step `s` (secant condition
 *   `B⁻¹·y = s`). Superlinear convergence, O(n²) memory.
 * - L-BFGS: BFGS that keeps only the last m pairs (s, y) and applies `B⁻¹` to g with the
 *   two-loop recursion: O(m·n) memory and time, which is why it scales to large n.
 *
 * Line searches (the step length t along a direction d, with φ(t) = f(x + t·d)):
 * - Newton uses backtracking Armijo: try t = 1 (Newton's own step), halve until
 *   `φ(t) ≤ φ(0) + c₁·t·φ'(0)`.
 * - BFGS and L-BFGS use the strong Wolfe conditions, Armijo plus `|φ'(t)| ≤ c₂·|φ'(0)|`
 *   (c₁ = 1e-4, c₂ = 0.9), found by bracketing and bisection. The curvature condition
 *   guarantees `yᵀs > 0`, which keeps the quasi-Newton matrix positive definite.
 *
 * Stopping: `max |gᵢ| ≤ gtol` (converged), or `maxIter` steps, or a failed line search.
 *
 * {@link descend} runs any first-order optimiser of `optimizers.ts` (gradient descent is
 * `sgd({ lr })`) on the same kind of problem with the same stopping rule and the same result, so
 * that the two families can be compared side by side.
 *
 * @module
 */

import { Matrix, NonFiniteError, ShapeError } from "../core/matrix.ts";
import type { Optimizer } from "./optimizers.ts";

/** A vector argument: a Float64Array, a number array or a Matrix (its row-major data). */
export type VectorLike = Float64Array | readonly number[] | Matrix;

/** What the minimisers return. */
export interface MinimizeResult {
  /** The last iterate. */
  x: Float64Array;
  /** f at x. */
  f: number;
  /** max |gᵢ| at x. */
  gradNorm: number;
  /** Steps taken. */
  iterations: number;
  /** Calls of f (each line-search trial counts one; the gradient is evaluated alongside). */
  evaluations: number;
  converged: boolean;
  /** Every iterate from x0 on, for plotting. */
  path: Float64Array[];
}

/** Options shared by the minimisers. */
export interface MinimizeOptions {
  /** Stop when max |gᵢ| ≤ gtol. Default 1e-8. */
  gtol?: number;
  /** Default 1000. */
  maxIter?: number;
}

/** A function to minimise, of a vector. */
export type Objective = (x: Float64Array) => number;
/** The gradient of an {@link Objective}, as a vector. */
export type Gradient = (x: Float64Array) => VectorLike;

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const axpy = (x: Float64Array, t: number, d: Float64Array) => x.map((v, i) => v + t * d[i]);

function toVector(v: VectorLike): Float64Array {
  return v instanceof Matrix ? v.data.slice() : Float64Array.from(v);
}

/** Wraps f and grad with checks and a call counter. */
function oracle(op: string, f: Objective, grad: Gradient, n: number) {
  const o = {
    evaluations: 0,
    at(x: Float64Array): { f: number; g: Float64Array } {
      o.evaluations++;
      const fx = f(x);
      const g = toVector(grad(x));
      if (g.length !== n) {
        throw new ShapeError(`${op}: grad returned ${g.length} values for ${n} unknowns`);
      }
      if (!Number.isFinite(fx)) throw new NonFiniteError(`${op}: f(x) is ${fx}`);
      const bad = g.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new NonFiniteError(`${op}: grad entry ${bad} is ${g[bad]}`);
      return { f: fx, g };
    },
  };
  return o;
}

function setup(op: string, x0: VectorLike, o: MinimizeOptions) {
  const x = toVector(x0);
  if (x.length === 0) throw new ShapeError(`${op}: x0 is empty`);
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new NonFiniteError(`${op}: x0 entry ${bad} is ${x[bad]}`);
  const { gtol = 1e-8, maxIter = 1000 } = o;
  if (!(Number.isFinite(gtol) && gtol >= 0)) {
    throw new RangeError(`${op}: gtol must be a finite number ≥ 0, got ${gtol}`);
  }
  if (!(Number.isInteger(maxIter) && maxIter >= 0)) {
    throw new RangeError(`${op}: maxIter must be an integer ≥ 0, got ${maxIter}`);
  }
  return { x, gtol, maxIter };
}

/** Backtracking Armijo from t = 1; returns the accepted point or undefined after 60 halvings. */
function armijo(
  ev: ReturnType<typeof oracle>,
  x: Float64Array,
  fx: number,
  slope: number,
  d: Float64Array,
) {
  for (let t = 1, k = 0; k < 60; k++, t /= 2) {
    const xn = axpy(x, t, d);
    const r = ev.at(xn);
    if (r.f <= fx + 1e-4 * t * slope) return { x: xn, ...r };
  }
  return undefined;
}

/**
 * Strong Wolfe line search by bracketing and bisection, starting from step t0.
 * Keeps `lo` (sufficient decrease, still descending steeply) and `hi` (too far: no
 * sufficient decrease, or the slope has turned strongly positive); doubles while no `hi`.
 */
function strongWolfe(
  ev: ReturnType<typeof oracle>,
  x: Float64Array,
  fx: number,
  slope: number,
  d: Float64Array,
  t0: number,
) {
  const c1 = 1e-4, c2 = 0.9;
  let lo = 0, hi = Infinity, t = t0;
  for (let k = 0; k < 100; k++) {
    const xn = axpy(x, t, d);
    const r = ev.at(xn);
    const s = dot(r.g, d);
    if (r.f > fx + c1 * t * slope) hi = t;
    else if (s < c2 * slope) lo = t;
    else if (s > -c2 * slope) hi = t;
    else return { x: xn, t, ...r };
    t = hi === Infinity ? 2 * lo : (lo + hi) / 2;
  }
  return undefined;
}

/** Solves A·z = b (A n×n, row-major) by Gaussian elimination with partial pivoting. */
function solve(A: Float64Array, b: Float64Array): Float64Array | undefined {
  const n = b.length, M = A.slice(), z = b.slice();
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]) > Math.abs(M[p * n + c])) p = r;
    if (Math.abs(M[p * n + c]) < 1e-300) return undefined;
    for (let j = 0; j < n; j++) [M[c * n + j], M[p * n + j]] = [M[p * n + j], M[c * n + j]];
    [z[c], z[p]] = [z[p], z[c]];
    for (let r = c + 1; r < n; r++) {
      const m = M[r * n + c] / M[c * n + c];
      for (let j = c; j < n; j++) M[r * n + j] -= m * M[c * n + j];
      z[r] -= m * z[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = z[r];
    for (let j = r + 1; j < n; j++) s -= M[r * n + j] * z[j];
    z[r] = s / M[r * n + r];
  }
  return z;
}

/** The result record every minimiser returns. */
function finish(
  x: Float64Array,
  f: number,
  g: Float64Array,
  iterations: number,
  evaluations: number,
  gtol: number,
  path: Float64Array[],
): MinimizeResult {
  const gradNorm = maxAbs(g);
  return { x, f, gradNorm, iterations, evaluations, converged: gradNorm <= gtol, path };
}

/**
 * Newton's method: `d = −H⁻¹·g`, step length by backtracking Armijo from t = 1.
 * Safeguard (not part of pure Newton): if H is singular or d is not a descent direction
 * (H not positive definite there), the step falls back to steepest descent `d = −g`.
 * `hess(x)` returns the n×n Hessian as a Matrix.
 */
export function newton(
  f: Objective,
  grad: Gradient,
  hess: (x: Float64Array) => Matrix,
  x0: VectorLike,
  o: MinimizeOptions = {},
): MinimizeResult {
  const { x: start, gtol, maxIter } = setup("newton", x0, o);
  const n = start.length, ev = oracle("newton", f, grad, n);
  let x = start, { f: fx, g } = ev.at(x);
  const path = [x];
  let it = 0;
  for (; it < maxIter && maxAbs(g) > gtol; it++) {
    const H = hess(x);
    if (H.rows !== n || H.cols !== n) {
      throw new ShapeError(`newton: hess returned ${H.rows}×${H.cols}, expected ${n}×${n}`);
    }
    let d = solve(H.data, g.map((v) => -v));
    if (d === undefined || !(dot(d, g) < 0)) d = g.map((v) => -v);
    const next = armijo(ev, x, fx, dot(d, g), d);
    if (next === undefined) break;
    ({ x, f: fx, g } = next);
    path.push(x);
  }
  return finish(x, fx, g, it, ev.evaluations, gtol, path);
}

/**
 * BFGS with the inverse-Hessian update
 * `B⁻¹ ← (I − ρ·s·yᵀ)·B⁻¹·(I − ρ·y·sᵀ) + ρ·s·sᵀ`, ρ = 1/(yᵀs), where s = x_new − x and
 * y = g_new − g. B⁻¹ starts as I, rescaled to `(yᵀs/yᵀy)·I` before the first update
 * (Nocedal & Wright 6.20). The first trial step is `min(1, 1/‖g‖₁)`, as PyTorch's L-BFGS;
 * later ones start at t = 1. Line search: strong Wolfe.
 */
export function bfgs(
  f: Objective,
  grad: Gradient,
  x0: VectorLike,
  o: MinimizeOptions = {},
): MinimizeResult {
  const { x: start, gtol, maxIter } = setup("bfgs", x0, o);
  const n = start.length, ev = oracle("bfgs", f, grad, n);
  let x = start, { f: fx, g } = ev.at(x);
  let Hinv = Matrix.identity(n).data;
  const path = [x];
  let it = 0;
  for (; it < maxIter && maxAbs(g) > gtol; it++) {
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i] -= Hinv[i * n + j] * g[j];
    const t0 = it === 0 ? Math.min(1, 1 / g.reduce((s, v) => s + Math.abs(v), 0)) : 1;
    const next = strongWolfe(ev, x, fx, dot(g, d), d, t0);
    if (next === undefined) break;
    const s = next.x.map((v, i) => v - x[i]), y = next.g.map((v, i) => v - g[i]);
    const ys = dot(y, s), rho = 1 / ys;
    if (it === 0) {
      const gamma = ys / dot(y, y);
      Hinv = Matrix.identity(n).data.map((v) => v * gamma);
    }
    // B⁻¹ ← (I − ρ s yᵀ) B⁻¹ (I − ρ y sᵀ) + ρ s sᵀ, expanded:
    const Hy = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Hy[i] += Hinv[i * n + j] * y[j];
    const yHy = dot(y, Hy);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        Hinv[i * n + j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) +
          (rho * rho * yHy + rho) * s[i] * s[j];
      }
    }
    ({ x, f: fx, g } = next);
    path.push(x);
  }
  return finish(x, fx, g, it, ev.evaluations, gtol, path);
}

/**
 * L-BFGS: the BFGS direction from the last `m` pairs (s, y) (default 10), by the two-loop
 * recursion, never forming a matrix:
 *
 *     q ← g;  for i newest → oldest:  αᵢ = ρᵢ·sᵢᵀq,  q ← q − αᵢ·yᵢ
 *     r ← γ·q,  γ = sᵀy / yᵀy of the newest pair (the initial B⁻¹ = γ·I)
 *     for i oldest → newest:  β = ρᵢ·yᵢᵀr,  r ← r + (αᵢ − β)·sᵢ
 *     d = −r
 *
 * First trial step `min(1, 1/‖g‖₁)` (as PyTorch's), then t = 1; line search: strong Wolfe.
 */
export function lbfgs(
  f: Objective,
  grad: Gradient,
  x0: VectorLike,
  o: MinimizeOptions & { m?: number } = {},
): MinimizeResult {
  const { x: start, gtol, maxIter } = setup("lbfgs", x0, o);
  const { m = 10 } = o;
  if (!(Number.isInteger(m) && m > 0)) {
    throw new RangeError(`lbfgs: m must be a positive integer, got ${m}`);
  }
  const n = start.length, ev = oracle("lbfgs", f, grad, n);
  let x = start, { f: fx, g } = ev.at(x);
  const S: Float64Array[] = [], Y: Float64Array[] = [], R: number[] = [];
  const path = [x];
  let it = 0;
  for (; it < maxIter && maxAbs(g) > gtol; it++) {
    const q = g.slice(), alpha: number[] = [];
    for (let i = S.length - 1; i >= 0; i--) {
      alpha[i] = R[i] * dot(S[i], q);
      for (let k = 0; k < n; k++) q[k] -= alpha[i] * Y[i][k];
    }
    const last = S.length - 1;
    const gamma = last >= 0 ? dot(S[last], Y[last]) / dot(Y[last], Y[last]) : 1;
    const r = q.map((v) => gamma * v);
    for (let i = 0; i < S.length; i++) {
      const beta = R[i] * dot(Y[i], r);
      for (let k = 0; k < n; k++) r[k] += (alpha[i] - beta) * S[i][k];
    }
    const d = r.map((v) => -v);
    const t0 = it === 0 ? Math.min(1, 1 / g.reduce((s, v) => s + Math.abs(v), 0)) : 1;
    const next = strongWolfe(ev, x, fx, dot(g, d), d, t0);
    if (next === undefined) break;
    const s = next.x.map((v, i) => v - x[i]), y = next.g.map((v, i) => v - g[i]);
    if (S.length === m) S.shift(), Y.shift(), R.shift();
    S.push(s), Y.push(y), R.push(1 / dot(y, s));
    ({ x, f: fx, g } = next);
    path.push(x);
  }
  return finish(x, fx, g, it, ev.evaluations, gtol, path);
}

/** What {@link descend} returns: a {@link MinimizeResult}, and whether the run blew up. */
export interface DescendResult extends MinimizeResult {
  /** True when a step led to a point where f or the gradient is not finite (the run stopped there). */
  diverged: boolean;
}

/**
 * A first-order optimiser (`sgd`, `adam`, … from `optimizers.ts`) run on `f` from `x0`: one
 * `opt.step` per iteration with the gradient at the current point, no line search, stopping
 * when `max |gᵢ| ≤ gtol` or after `maxIter` steps (default 1000), as the minimisers above. With
 * `gtol = 0` it takes exactly `maxIter` steps: a zero gradient does not stop it, since momentum
 * may still carry it on. A step that lands where f or the gradient is not finite (a learning
 * rate too large) ends the run with `diverged: true`, the path holding the finite iterates
 * before it; a non-finite value at `x0` throws. `evaluations` counts gradient calls (f is
 * evaluated once per iterate, for the record). The optimiser keeps its state, so pass a fresh
 * one for each run.
 */
export function descend(
  opt: Optimizer,
  f: Objective,
  grad: Gradient,
  x0: VectorLike,
  o: MinimizeOptions = {},
): DescendResult {
  const { x: start, gtol, maxIter } = setup("descend", x0, o);
  const n = start.length, ev = oracle("descend", f, grad, n);
  const p = new Matrix(1, n, start.slice());
  let { f: fx, g } = ev.at(start), x = start, diverged = false;
  const path = [start];
  let it = 0;
  for (; it < maxIter && !(gtol > 0 && maxAbs(g) <= gtol); it++) {
    opt.step([p], [new Matrix(1, n, g)]);
    try {
      ({ f: fx, g } = ev.at(p.data.slice()));
    } catch (e) {
      if (!(e instanceof NonFiniteError)) throw e;
      diverged = true;
      break;
    }
    x = p.data.slice();
    path.push(x);
  }
  return { ...finish(x, fx, g, it, ev.evaluations, gtol, path), diverged };
}
