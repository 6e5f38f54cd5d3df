/**
 * Activation functions and their derivatives, element-wise, as PyTorch defines them.
 *
 * Each activation is a plain object `{ name, f, df }`: `f` is the function on one number and
 * `df` its derivative. Where the function has a kink, `df` returns the value PyTorch's autograd
 * uses there, and the doc comment says which one. {@link activationForward} and
 * {@link activationBackward} apply an activation to a whole matrix as a CS231n-style layer.
 *
 * GELU needs the error function, which JavaScript lacks; {@link erf} and {@link erfc} are
 * W. J. Cody's rational approximations, good to about one unit in the last place.
 *
 * @module
 */

import { assertFinite, Matrix, ShapeError, shapeOf } from "../core/matrix.ts";

/** An element-wise activation: its name, the function and its derivative. */
export interface Activation {
  readonly name: string;
  /** The activation at `x`. */
  f(x: number): number;
  /** The derivative at `x` (PyTorch's choice at kinks). */
  df(x: number): number;
}

// ---------------------------------------------------------------- erf and erfc

// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23
// (1969), coefficients as in Netlib's specfun CALERF. Three intervals of |x|:
// [0, 0.46875] erf ≈ x·A(x²)/B(x²); (0.46875, 4] erfc ≈ e^{−x²}·C(x)/D(x);
// (4, ∞) erfc ≈ e^{−x²}/x · (1/√π − R(1/x²)/x²).
const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947];
const A4 = 0.185777706184603153;
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const C = [
  0.564188496988670089,
  8.88314979438837594,
  66.1191906371416295,
  298.635138197400131,
  881.952221241769090,
  1712.04761263407058,
  2051.07837782607147,
  1230.33935479799725,
];
const C8 = 2.15311535474403846e-8;
const D = [
  15.7449261107098347,
  117.693950891312499,
  537.181101862009858,
  1621.38957456669019,
  3290.79923573345963,
  4362.61909014324716,
  3439.36767414372164,
  1230.33935480374942,
];
const P = [
  0.305326634961232344,
  0.360344899949804439,
  0.125781726111229246,
  0.0160837851487422766,
  6.58749161529837803e-4,
];
const P5 = 0.0163153871373020978;
const Q = [
  2.56852019228982242,
  1.87295284992346047,
  0.527905102951428412,
  0.0605183413124413191,
  0.00233520497626869185,
];
const INV_SQRT_PI = 0.56418958354775628695;

/** erf(x) for |x| ≤ 0.46875: the ratio x·A(x²)/B(x²). */
function erfSmall(x: number): number {
  const t = x * x;
  let num = A4 * t, den = t;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]) * t;
    den = (den + B[i]) * t;
  }
  return x * (num + A[3]) / (den + B[3]);
}

/**
 * e^{−y²}, with y² split as y₀² + δ where y₀ is y cut to a multiple of 1/16: y₀² is exact and
 * δ = (y − y₀)(y + y₀) is small, so the rounding error of y·y is not magnified by the
 * exponential (Cody's trick).
 */
function expMinusSquare(y: number): number {
  const y0 = Math.trunc(16 * y) / 16;
  const del = (y - y0) * (y + y0);
  return Math.exp(-y0 * y0 - del);
}

/** erfc(y) for y > 0.46875. */
function erfcPositive(y: number): number {
  if (y <= 4) {
    let num = C8 * y, den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    return expMinusSquare(y) * (num + C[7]) / (den + D[7]);
  }
  if (y >= 27.3) return 0; // erfc(27.3) < 2⁻¹⁰⁷⁴, below the smallest double
  const t = 1 / (y * y);
  let num = P5 * t, den = t;
  for (let i = 0; i < 4; i++) {
    num = (num + P[i]) * t;
    den = (den + Q[i]) * t;
  }
  const r = t * (num + P[4]) / (den + Q[4]);
  return expMinusSquare(y) * (INV_SQRT_PI - r) / y;
}

/**
 * The error function `erf(x) = (2/√π) ∫₀ˣ e^{−t²} dt`, odd, rising from −1 to 1.
 * Cody's rational approximations; relative error about 1e-16 across the line.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return erfSmall(x);
  const r = 1 - erfcPositive(y);
  return x < 0 ? -r : r;
}

/**
 * The complementary error function `erfc(x) = 1 − erf(x)`, computed directly so it keeps
 * its relative accuracy in the right tail, where `1 − erf(x)` would round to 0.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  const r = erfcPositive(y);
  return x < 0 ? 2 - r : r;
}

// ---------------------------------------------------------------- the activations

/**
 * Logistic sigmoid `σ(x) = 1 / (1 + e^{−x})`, range (0, 1), not zero-centred, saturates at
 * both ends. Stable form: e^{−|x|} never overflows, so σ(±1000) is exactly 1 or 0.
 * Derivative `σ(x)·σ(−x)` (= σ(1 − σ), but without the cancellation in 1 − σ for large x).
 */
export const sigmoid: Activation = {
  name: "sigmoid",
  f: sigmoidOf,
  df: (x) => sigmoidOf(x) * sigmoidOf(-x),
};

function sigmoidOf(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Hyperbolic tangent, range (−1, 1), zero-centred, saturates; `tanh(x) = 2σ(2x) − 1`.
 * Derivative `1 − tanh²(x) = sech²(x) = 4e^{−2|x|} / (1 + e^{−2|x|})²`; the second form keeps
 * its relative accuracy when tanh(x) is close to ±1.
 */
export const tanh: Activation = {
  name: "tanh",
  f: (x) => Math.tanh(x),
  df: (x) => {
    const e = Math.exp(-2 * Math.abs(x));
    return 4 * e / ((1 + e) * (1 + e));
  },
};

/**
 * Hard tanh: `x` clipped to [−1, 1]. Cheap, zero-centred, gradient 1 inside and 0 outside.
 * At x = ±1 the derivative is 0, as in PyTorch (its backward passes the gradient only for
 * −1 < x < 1).
 */
export const hardTanh: Activation = {
  name: "hardTanh",
  f: (x) => Math.min(1, Math.max(-1, x)),
  df: (x) => (x > -1 && x < 1 ? 1 : 0),
};

/**
 * Softsign `x / (1 + |x|)`: tanh-shaped, range (−1, 1), but it approaches ±1 polynomially
 * (like 1/x) instead of exponentially, so it saturates more gently.
 * Derivative `1 / (1 + |x|)²`, smooth at 0 where it equals 1.
 */
export const softsign: Activation = {
  name: "softsign",
  f: (x) => x / (1 + Math.abs(x)),
  df: (x) => 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x))),
};

/**
 * Rectified linear unit `max(0, x)`: no saturation for x > 0, zero gradient for x < 0 ("dead"
 * units), one comparison to compute. ReLU'(0) = 0, as in PyTorch.
 */
export const relu: Activation = {
  name: "relu",
  f: (x) => (x > 0 ? x : 0),
  df: (x) => (x > 0 ? 1 : 0),
};

/**
 * Leaky ReLU, `nn.LeakyReLU(negative_slope)`: `x` for x > 0, `negativeSlope·x` otherwise
 * (default 0.01), so negative inputs still pass a small gradient. At x = 0 the derivative is
 * the slope, as in PyTorch (its backward uses the slope whenever x ≤ 0).
 */
export function makeLeakyRelu(o: { negativeSlope?: number } = {}): Activation {
  const { negativeSlope: slope = 0.01 } = o;
  if (!Number.isFinite(slope)) {
    throw new RangeError(`makeLeakyRelu: negativeSlope must be a finite number, got ${slope}`);
  }
  return {
    name: slope === 0.01 ? "leakyRelu" : `leakyRelu(${slope})`,
    f: (x) => (x > 0 ? x : slope * x),
    df: (x) => (x > 0 ? 1 : slope),
  };
}

/** Leaky ReLU with PyTorch's default slope 0.01. */
export const leakyRelu: Activation = makeLeakyRelu();

/**
 * Exponential linear unit (α = 1): `x` for x > 0, `α(eˣ − 1)` otherwise. Smooth for α = 1,
 * negative outputs push the mean activation towards 0, saturates at −α.
 * Derivative 1 for x > 0, `α·eˣ` for x ≤ 0 (PyTorch takes that branch at 0; with α = 1 both
 * sides give 1). `expm1` keeps e^x − 1 accurate for tiny x.
 */
export const elu: Activation = {
  name: "elu",
  f: (x) => (x > 0 ? x : Math.expm1(x)),
  df: (x) => (x > 0 ? 1 : Math.exp(x)),
};

/**
 * Gaussian error linear unit, exact form (PyTorch's default `approximate="none"`):
 * `GELU(x) = x·Φ(x)` with Φ the standard normal CDF, `Φ(x) = ½·erfc(−x/√2)`.
 * Derivative `Φ(x) + x·φ(x)` with φ the normal density. Smooth, non-monotone just below 0.
 */
export const gelu: Activation = {
  name: "gelu",
  f: (x) => x * normalCdf(x),
  df: (x) => normalCdf(x) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI),
};

function normalCdf(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2);
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * GELU's tanh approximation (PyTorch's `approximate="tanh"`):
 * `½x·(1 + tanh(u))` with `u = √(2/π)·(x + 0.044715·x³)`. Derivative
 * `½(1 + tanh u) + ½x·(1 − tanh²u)·√(2/π)·(1 + 3·0.044715·x²)`. Within about 5e-4 of
 * {@link gelu} everywhere, and cheaper where `erf` is slow.
 */
export const geluTanh: Activation = {
  name: "geluTanh",
  f: (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))),
  df: (x) => {
    const t = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
  },
};

/** SELU's α, as in PyTorch (Klambauer et al., 2017). */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
/** SELU's scale λ, as in PyTorch (Klambauer et al., 2017). */
export const SELU_SCALE = 1.0507009873554804934193349852946;

/**
 * Scaled ELU: `scale·x` for x > 0, `scale·α(eˣ − 1)` otherwise, with the constants chosen so
 * activations keep mean 0 and variance 1 through deep nets. Derivative `scale` for x > 0 and
 * `scale·α·eˣ` for x ≤ 0; at 0 PyTorch takes the left branch, `scale·α` ≈ 1.758.
 */
export const selu: Activation = {
  name: "selu",
  f: (x) => (x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x)),
  df: (x) => (x > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(x)),
};

/**
 * The activations notebook 02 compares, in the order the course presents them (for tables and
 * plots); {@link geluTanh}, an approximation of {@link gelu}, is not among them.
 */
export const ACTIVATIONS: readonly Activation[] = [
  sigmoid,
  tanh,
  hardTanh,
  softsign,
  relu,
  leakyRelu,
  elu,
  gelu,
  selu,
];

// ---------------------------------------------------------------- as a layer

/** What {@link activationForward} keeps for the backward pass. */
export interface ActivationCache {
  readonly act: Activation;
  readonly x: Matrix;
}

/** Applies `act` to every entry of `x`: `out = f(x)`. Throws on NaN/±Infinity in `x`. */
export function activationForward(
  x: Matrix,
  act: Activation,
): { out: Matrix; cache: ActivationCache } {
  assertFinite(`activationForward(${act.name})`, x);
  return { out: x.map((v) => act.f(v)), cache: { act, x } };
}

/** Chain rule, element by element: `dx = dout ⊙ f'(x)`. */
export function activationBackward(dout: Matrix, cache: ActivationCache): { dx: Matrix } {
  const { act, x } = cache;
  const op = `activationBackward(${act.name})`;
  if (dout.rows !== x.rows || dout.cols !== x.cols) {
    throw new ShapeError(`${op}: dout is ${shapeOf(dout)} but the input was ${shapeOf(x)}`);
  }
  assertFinite(op, dout);
  return { dx: dout.map((g, i, j) => g * act.df(x.get(i, j))) };
}
