/**
 * Gaussian-process regression: the surrogate of Bayesian optimisation.
 *
 * A GP puts a prior on functions: any finite set of values f(x₁…xₙ) is jointly normal with
 * covariance K_ij = k(xᵢ, xⱼ). Given noisy observations y = f(X) + ε, ε ~ N(0, σₙ²), the
 * posterior at a point x* is normal with
 *
 *     mean  μ(x*) = k*ᵀ (K + σₙ²I)⁻¹ y
 *     var   σ²(x*) = k(x*, x*) − k*ᵀ (K + σₙ²I)⁻¹ k*
 *
 * computed through the Cholesky factor L Lᵀ = K + σₙ²I: α = L⁻ᵀL⁻¹y, v = L⁻¹k*, μ = k*ᵀα,
 * σ² = k** − vᵀv. The log marginal likelihood log p(y | X, θ) = −½yᵀα − Σ log Lᵢᵢ − (n/2)log 2π
 * trades fit against complexity; maximising it over θ (length scales, signal variance, noise)
 * is how the kernel's hyper-parameters are chosen ({@link gpFitHyper}), using its gradient
 * ½ tr((ααᵀ − K⁻¹) ∂K/∂θ).
 *
 * Conventions as scikit-learn's `GaussianProcessRegressor(kernel=ConstantKernel(variance) *
 * RBF(lengthScale) or Matern(lengthScale, nu=2.5), alpha=noise, normalize_y)`: `noise` is added
 * to the diagonal (a variance), `normalizeY` subtracts the mean and divides by the standard
 * deviation of y before fitting, and the predictions are scaled back. Matched to scikit-learn
 * in test/unit/search_gp.test.ts.
 *
 * @module
 */

import type { Random } from "../core/random.ts";

/** The two kernels: squared exponential and Matérn with ν = 5/2. */
export type KernelName = "rbf" | "matern52";

/** Kernel hyper-parameters: one length scale or one per dimension (ARD), and the signal variance. */
export interface KernelParams {
  lengthScale: number | readonly number[];
  /** The signal variance (scikit-learn's ConstantKernel). Default 1. */
  variance?: number;
}

function scales(op: string, p: KernelParams, d: number): number[] {
  const l = typeof p.lengthScale === "number"
    ? new Array(d).fill(p.lengthScale)
    : [...p.lengthScale];
  if (l.length !== d) {
    throw new RangeError(`${op}: ${l.length} length scales for ${d}-dimensional points`);
  }
  for (const s of l) {
    if (!(Number.isFinite(s) && s > 0)) {
      throw new RangeError(`${op}: length scales must be finite and positive, got ${s}`);
    }
  }
  return l;
}

/**
 * k(a, b). With r² = Σ_d ((a_d − b_d)/ℓ_d)²:
 * RBF v·exp(−r²/2); Matérn 5/2 v·(1 + √5 r + 5r²/3)·exp(−√5 r).
 */
export function kernel(
  name: KernelName,
  a: readonly number[],
  b: readonly number[],
  p: KernelParams,
): number {
  const l = scales("kernel", p, a.length);
  if (b.length !== a.length) {
    throw new RangeError(`kernel: points of ${a.length} and ${b.length} dimensions`);
  }
  return kernelValue(name, a, b, l, p.variance ?? 1);
}

function kernelValue(
  name: KernelName,
  a: readonly number[],
  b: readonly number[],
  l: readonly number[],
  v: number,
): number {
  let r2 = 0;
  for (let d = 0; d < a.length; d++) {
    const t = (a[d] - b[d]) / l[d];
    r2 += t * t;
  }
  if (name === "rbf") return v * Math.exp(-0.5 * r2);
  const s = Math.sqrt(5 * r2);
  return v * (1 + s + s * s / 3) * Math.exp(-s);
}

/** The matrix K_ij = k(A_i, B_j). */
export function kernelMatrix(
  name: KernelName,
  A: readonly (readonly number[])[],
  B: readonly (readonly number[])[],
  p: KernelParams,
): number[][] {
  checkKernelName("kernelMatrix", name);
  const d = A[0]?.length ?? B[0]?.length ?? 0;
  const l = scales("kernelMatrix", p, d);
  return A.map((a) => B.map((b) => kernelValue(name, a, b, l, p.variance ?? 1)));
}

function checkKernelName(op: string, name: string): void {
  if (name !== "rbf" && name !== "matern52") {
    throw new RangeError(`${op}: kernel must be "rbf" or "matern52", got "${name}"`);
  }
}

/**
 * The lower-triangular L with L Lᵀ = A for a symmetric positive-definite A (row-major n×n,
 * not changed). Throws a RangeError naming the pivot that is not positive.
 */
export function cholesky(A: readonly (readonly number[])[]): number[][] {
  const n = A.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    if (A[j].length !== n) {
      throw new RangeError(`cholesky: row ${j} has ${A[j].length} entries, expected ${n}`);
    }
    let s = A[j][j];
    for (let k = 0; k < j; k++) s -= L[j][k] * L[j][k];
    if (!(s > 0)) {
      throw new RangeError(
        `cholesky: the matrix is not positive definite (pivot ${j} is ${s}); add noise to the diagonal`,
      );
    }
    const ljj = Math.sqrt(s);
    L[j][j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = A[i][j];
      for (let k = 0; k < j; k++) t -= L[i][k] * L[j][k];
      L[i][j] = t / ljj;
    }
  }
  return L;
}

/** Solves L x = b (forward substitution) for a lower-triangular L. */
export function solveLower(L: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = L.length, x = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * x[k];
    x[i] = s / L[i][i];
  }
  return x;
}

/** Solves Lᵀ x = b (back substitution) for a lower-triangular L. */
export function solveUpper(L: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = L.length, x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k][i] * x[k];
    x[i] = s / L[i][i];
  }
  return x;
}

/** Options of {@link gpFit}: the kernel and its fixed hyper-parameters. */
export interface GpOptions {
  /** Default "matern52". */
  kernel?: KernelName;
  /** Default 1. */
  lengthScale?: number | readonly number[];
  /** Signal variance. Default 1. */
  variance?: number;
  /** Observation-noise variance added to the diagonal (scikit-learn's `alpha`). Default 1e-10. */
  noise?: number;
  /** Fit to (y − mean)/std and scale predictions back (scikit-learn's `normalize_y`). Default false. */
  normalizeY?: boolean;
}

/** A fitted GP. */
export interface GaussianProcess {
  readonly kernel: KernelName;
  readonly lengthScale: readonly number[];
  readonly variance: number;
  readonly noise: number;
  /** log p(y | X, θ), of the normalised targets when `normalizeY`. */
  readonly logMarginalLikelihood: number;
  /** Posterior mean and standard deviation at each point (of f, without the noise). */
  predict(Xs: readonly (readonly number[])[]): { mean: number[]; std: number[] };
}

function checkData(op: string, X: readonly (readonly number[])[], y: readonly number[]): number {
  if (X.length === 0) throw new RangeError(`${op}: no observations`);
  if (X.length !== y.length) {
    throw new RangeError(`${op}: ${X.length} points but ${y.length} targets`);
  }
  const d = X[0].length;
  X.forEach((x, i) => {
    if (x.length !== d) {
      throw new RangeError(`${op}: point ${i} has ${x.length} coordinates, expected ${d}`);
    }
    if (!x.every(Number.isFinite)) {
      throw new RangeError(`${op}: point ${i} has a non-finite coordinate`);
    }
  });
  y.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`${op}: target ${i} is ${v}`);
  });
  return d;
}

function normalisation(y: readonly number[], on: boolean): { mean: number; std: number } {
  if (!on) return { mean: 0, std: 1 };
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  const std = Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length);
  return { mean, std: std === 0 ? 1 : std }; // as scikit-learn: a constant y is not scaled
}

/** Fits a GP with fixed kernel hyper-parameters. */
export function gpFit(
  X: readonly (readonly number[])[],
  y: readonly number[],
  o: GpOptions = {},
): GaussianProcess {
  const d = checkData("gpFit", X, y);
  const name = o.kernel ?? "matern52";
  checkKernelName("gpFit", name);
  const l = scales("gpFit", { lengthScale: o.lengthScale ?? 1 }, d);
  const variance = o.variance ?? 1, noise = o.noise ?? 1e-10;
  if (!(Number.isFinite(variance) && variance > 0)) {
    throw new RangeError(`gpFit: variance must be finite and positive, got ${variance}`);
  }
  if (!(Number.isFinite(noise) && noise >= 0)) {
    throw new RangeError(`gpFit: noise must be a finite number ≥ 0, got ${noise}`);
  }
  const norm = normalisation(y, o.normalizeY ?? false);
  const yn = y.map((v) => (v - norm.mean) / norm.std);
  const K = X.map((a, i) =>
    X.map((b, j) => kernelValue(name, a, b, l, variance) + (i === j ? noise : 0))
  );
  const L = cholesky(K);
  const alpha = solveUpper(L, solveLower(L, yn));
  let lml = -0.5 * yn.reduce((s, v, i) => s + v * alpha[i], 0) -
    0.5 * X.length * Math.log(2 * Math.PI);
  for (let i = 0; i < X.length; i++) lml -= Math.log(L[i][i]);
  return {
    kernel: name,
    lengthScale: l,
    variance,
    noise,
    logMarginalLikelihood: lml,
    predict(Xs) {
      const n = X.length, mean: number[] = [], std: number[] = [];
      const Lf = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) Lf[i * n + k] = L[i][k];
      const Xf = new Float64Array(n * d), inv = l.map((s) => 1 / s);
      X.forEach((a, i) => a.forEach((v, q) => Xf[i * d + q] = v * inv[q]));
      const ks = new Float64Array(n), v = new Float64Array(n), xq = new Float64Array(d);
      for (const xs of Xs) {
        if (xs.length !== d) {
          throw new RangeError(
            `GaussianProcess.predict: a point has ${xs.length} coordinates, expected ${d}`,
          );
        }
        for (let q = 0; q < d; q++) xq[q] = xs[q] * inv[q];
        let m = 0;
        for (let i = 0; i < n; i++) {
          let r2 = 0;
          for (let q = 0; q < d; q++) {
            const t = Xf[i * d + q] - xq[q];
            r2 += t * t;
          }
          const sq = Math.sqrt(5 * r2);
          ks[i] = name === "rbf"
            ? variance * Math.exp(-0.5 * r2)
            : variance * (1 + sq + sq * sq / 3) * Math.exp(-sq);
          m += ks[i] * alpha[i];
        }
        let vv = 0;
        for (let i = 0; i < n; i++) { // v = L⁻¹ k*
          let t = ks[i];
          for (let k = 0; k < i; k++) t -= Lf[i * n + k] * v[k];
          v[i] = t / Lf[i * n + i];
          vv += v[i] * v[i];
        }
        mean.push(m * norm.std + norm.mean);
        std.push(Math.sqrt(Math.max(0, variance - vv)) * norm.std);
      }
      return { mean, std };
    },
  };
}

/** Log-hyper-parameters θ = (log ℓ_1…log ℓ_d, log variance, log noise). */
function unpack(theta: readonly number[], d: number) {
  return {
    l: theta.slice(0, d).map(Math.exp),
    variance: Math.exp(theta[d]),
    noise: Math.exp(theta[d + 1]),
  };
}

/**
 * The log marginal likelihood and its gradient with respect to θ = (log ℓ_1…log ℓ_d,
 * log variance, log noise), from ∂L/∂θ = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ). `y` as given (normalise first
 * if wanted). Returns −Infinity when K + noise·I is not positive definite.
 */
export function logMarginalLikelihoodGrad(
  name: KernelName,
  X: readonly (readonly number[])[],
  y: readonly number[],
  theta: readonly number[],
): { value: number; grad: number[] } {
  const d = checkData("logMarginalLikelihoodGrad", X, y), n = X.length;
  if (theta.length !== d + 2) {
    throw new RangeError(
      `logMarginalLikelihoodGrad: θ needs ${
        d + 2
      } entries (d length scales, variance, noise), got ${theta.length}`,
    );
  }
  const { l, variance, noise } = unpack(theta, d);
  const Kf = X.map((a) => X.map((b) => kernelValue(name, a, b, l, variance)));
  let L: number[][];
  try {
    L = cholesky(Kf.map((row, i) => row.map((k, j) => k + (i === j ? noise : 0))));
  } catch {
    return { value: -Infinity, grad: new Array(d + 2).fill(0) };
  }
  const alpha = solveUpper(L, solveLower(L, y));
  let value = -0.5 * y.reduce((s, v, i) => s + v * alpha[i], 0) - 0.5 * n * Math.log(2 * Math.PI);
  for (let i = 0; i < n; i++) value -= Math.log(L[i][i]);
  // W = ααᵀ − K⁻¹ (K⁻¹ column by column from the factor)
  const W = Array.from({ length: n }, () => new Array<number>(n));
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    const col = solveUpper(L, solveLower(L, e));
    for (let i = 0; i < n; i++) W[i][j] = alpha[i] * alpha[j] - col[i];
  }
  const grad = new Array<number>(d + 2).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = Kf[i][j], w = 0.5 * W[i][j];
      grad[d] += w * k; // ∂K/∂log v = K_f
      if (i === j) grad[d + 1] += w * noise; // ∂K/∂log σₙ² = σₙ² I
      if (i === j) continue;
      let r2 = 0;
      for (let q = 0; q < d; q++) r2 += ((X[i][q] - X[j][q]) / l[q]) ** 2;
      // ∂k/∂log ℓ_q = c · (Δ_q/ℓ_q)²: RBF c = k; Matérn 5/2 c = (5/3)·v·(1 + s)·e^{−s}, s = √5 r
      const c = name === "rbf"
        ? k
        : (5 / 3) * variance * (1 + Math.sqrt(5 * r2)) * Math.exp(-Math.sqrt(5 * r2));
      for (let q = 0; q < d; q++) grad[q] += w * c * ((X[i][q] - X[j][q]) / l[q]) ** 2;
    }
  }
  return { value, grad };
}

/** Options of {@link gpFitHyper}. */
export interface GpFitHyperOptions {
  /** Default "matern52". */
  kernel?: KernelName;
  /** Starts of the ascent: the first from `init` (or ℓ = 0.5, v = 1, noise = 1e-3), the others random. Default 3. */
  restarts?: number;
  /** Adam steps per restart. Default 60. */
  steps?: number;
  /** Bounds on log ℓ, log v, log noise. Defaults suit inputs in the unit cube and normalised y. */
  bounds?: {
    lengthScale?: [number, number];
    variance?: [number, number];
    noise?: [number, number];
  };
  /** Default true. */
  normalizeY?: boolean;
  /** Where the first ascent starts: a previous fit's hyper-parameters (warm start). */
  init?: { lengthScale: readonly number[]; variance: number; noise: number };
}

/**
 * Fits a GP with the length scales (one per dimension), signal variance and noise that maximise
 * the log marginal likelihood: projected Adam on the log-parameters from a few starts, the best
 * kept.
 */
export function gpFitHyper(
  X: readonly (readonly number[])[],
  y: readonly number[],
  rng: Random,
  o: GpFitHyperOptions = {},
): GaussianProcess {
  const d = checkData("gpFitHyper", X, y);
  const name = o.kernel ?? "matern52", normalizeY = o.normalizeY ?? true;
  checkKernelName("gpFitHyper", name);
  const norm = normalisation(y, normalizeY);
  const yn = y.map((v) => (v - norm.mean) / norm.std);
  const b = o.bounds ?? {};
  const lb = (b.lengthScale ?? [0.01, 20]).map(Math.log);
  const vb = (b.variance ?? [0.05, 20]).map(Math.log);
  const nb = (b.noise ?? [1e-6, 0.5]).map(Math.log);
  const lo = [...new Array(d).fill(lb[0]), vb[0], nb[0]];
  const hi = [...new Array(d).fill(lb[1]), vb[1], nb[1]];
  const restarts = o.restarts ?? 3, steps = o.steps ?? 60;
  const start = o.init
    ? [...o.init.lengthScale.map(Math.log), Math.log(o.init.variance), Math.log(o.init.noise)]
    : [...new Array(d).fill(Math.log(0.5)), 0, Math.log(1e-3)];
  if (start.length !== d + 2 || !start.every(Number.isFinite)) {
    throw new RangeError(
      `gpFitHyper: init must have ${d} positive length scales, a variance and a noise`,
    );
  }
  let best = { value: -Infinity, theta: start.map((t, i) => Math.min(hi[i], Math.max(lo[i], t))) };
  for (let r = 0; r < restarts; r++) {
    let theta = r === 0 ? best.theta.slice() : lo.map((a, i) => a + (hi[i] - a) * rng.next());
    const m = new Array(d + 2).fill(0), v = new Array(d + 2).fill(0);
    for (let t = 1; t <= steps; t++) {
      const { value, grad } = logMarginalLikelihoodGrad(name, X, yn, theta);
      if (value > best.value) best = { value, theta: theta.slice() };
      theta = theta.map((th, i) => {
        m[i] = 0.9 * m[i] + 0.1 * grad[i];
        v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
        const step = 0.1 * (m[i] / (1 - 0.9 ** t)) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
        return Math.min(hi[i], Math.max(lo[i], th + step)); // ascent
      });
    }
    const last = logMarginalLikelihoodGrad(name, X, yn, theta);
    if (last.value > best.value) best = { value: last.value, theta };
  }
  const { l, variance, noise } = unpack(best.theta, d);
  return gpFit(X, y, { kernel: name, lengthScale: l, variance, noise, normalizeY });
}
