/**
 * Weight initialisation as `torch.nn.init`: `calculate_gain`, Xavier (Glorot) and
 * Kaiming (He), uniform and normal.
 *
 * The aim is to keep the variance of the signal the same from layer to layer. A linear
 * layer `y = W·x` with n inputs of variance 1 and weights of variance σ² gives outputs of
 * variance n·σ², so σ² = 1/n keeps it; the nonlinearity then shrinks it by a known factor,
 * which the *gain* undoes (ReLU zeroes half its inputs: gain √2).
 *
 * - Xavier: `std = gain·√(2/(fan_in + fan_out))`, a compromise between keeping the forward
 *   signal (1/fan_in) and the backward gradient (1/fan_out).
 * - Kaiming: `std = gain/√fan`, with fan = fan_in (keeps the forward pass, default) or
 *   fan_out (keeps the backward pass).
 * - Uniform versions draw from U(−a, a) with `a = √3·std`, since U(−a, a) has variance a²/3.
 *
 * Notation (erratum 10): `N(0, √(2/(n_in + n_out)))` in the notes gives the *standard
 * deviation*; the variance is `2/(n_in + n_out)`. Here every `std` is a standard deviation
 * and `Random.normal(mean, std)` takes one too.
 *
 * Layout as PyTorch: a weight is out×in, so fan_in = cols and fan_out = rows.
 * The functions fill the given matrix in place and return it (PyTorch's `xavier_uniform_(w)`).
 * PyTorch's random numbers cannot be reproduced; the formulas and the statistics can.
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import type { Random } from "../core/random.ts";
import { positive } from "../core/validate.ts";

/** Nonlinearities {@link calculateGain} knows: every name PyTorch's does. */
export type Nonlinearity =
  | "linear"
  | "conv1d"
  | "conv2d"
  | "conv3d"
  | "conv_transpose1d"
  | "conv_transpose2d"
  | "conv_transpose3d"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leaky_relu"
  | "selu";

/**
 * The gain for a nonlinearity, `torch.nn.init.calculate_gain(nonlinearity, param)`: 1 for
 * linear, the convolutions and sigmoid, 5/3 for tanh, √2 for ReLU, `√(2/(1 + slope²))` for
 * leaky ReLU (`o.param` is the slope, default 0.01), 3/4 for SELU.
 */
export function calculateGain(nonlinearity: Nonlinearity, o: { param?: number } = {}): number {
  const negativeSlope = o.param ?? 0.01;
  switch (nonlinearity) {
    case "linear":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "conv_transpose1d":
    case "conv_transpose2d":
    case "conv_transpose3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.sqrt(2);
    case "leaky_relu":
      if (!Number.isFinite(negativeSlope)) {
        throw new RangeError(
          `calculateGain: param (the slope) must be finite, got ${negativeSlope}`,
        );
      }
      return Math.sqrt(2 / (1 + negativeSlope ** 2));
    case "selu":
      return 3 / 4;
    default:
      throw new RangeError(`calculateGain: unsupported nonlinearity ${nonlinearity}`);
  }
}

// fan_in = cols, fan_out = rows of an out×in weight; an empty matrix is refused.
function fans(op: string, w: Matrix): { fanIn: number; fanOut: number } {
  if (w.size === 0) throw new RangeError(`${op}: cannot initialise an empty ${w.rows}×${w.cols}`);
  return { fanIn: w.cols, fanOut: w.rows };
}

function checkGain(op: string, gain: number): void {
  positive(op, "gain", gain);
}

/** Xavier/Glorot standard deviation, `gain·√(2/(fanIn + fanOut))` (gain default 1). */
export function xavierStd(fanIn: number, fanOut: number, o: { gain?: number } = {}): number {
  return (o.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
}

/** Kaiming/He standard deviation, `gain/√fan` (gain default √2, ReLU's). */
export function kaimingStd(fan: number, o: { gain?: number } = {}): number {
  return (o.gain ?? Math.SQRT2) / Math.sqrt(fan);
}

/** Options of the Xavier initialisers; the default is PyTorch's. */
export interface XavierOptions {
  /** The gain for the nonlinearity that follows (default 1; see {@link calculateGain}). */
  gain?: number;
}

function fillUniform(w: Matrix, rng: Random, bound: number): Matrix {
  for (let k = 0; k < w.data.length; k++) w.data[k] = rng.uniform(-bound, bound);
  return w;
}

function fillNormal(w: Matrix, rng: Random, std: number): Matrix {
  for (let k = 0; k < w.data.length; k++) w.data[k] = rng.normal(0, std);
  return w;
}

/** Fills `w` from U(−a, a), `a = gain·√(6/(fanIn + fanOut))` (`xavier_uniform_`). */
export function xavierUniform(w: Matrix, rng: Random, o: XavierOptions = {}): Matrix {
  const { gain = 1 } = o;
  checkGain("xavierUniform", gain);
  const { fanIn, fanOut } = fans("xavierUniform", w);
  return fillUniform(w, rng, Math.sqrt(3) * xavierStd(fanIn, fanOut, { gain }));
}

/** Fills `w` from N(0, std²), `std = gain·√(2/(fanIn + fanOut))` (`xavier_normal_`). */
export function xavierNormal(w: Matrix, rng: Random, o: XavierOptions = {}): Matrix {
  const { gain = 1 } = o;
  checkGain("xavierNormal", gain);
  const { fanIn, fanOut } = fans("xavierNormal", w);
  return fillNormal(w, rng, xavierStd(fanIn, fanOut, { gain }));
}

/** Options of the Kaiming initialisers; the defaults are PyTorch's. */
export interface KaimingOptions {
  /** Negative slope for `leaky_relu` (PyTorch's `a`); 0 makes it ReLU's √2. */
  a?: number;
  mode?: "fan_in" | "fan_out";
  nonlinearity?: Nonlinearity;
}

function kaimingStdOf(op: string, w: Matrix, o: KaimingOptions): number {
  const { a = 0, mode = "fan_in", nonlinearity = "leaky_relu" } = o;
  if (mode !== "fan_in" && mode !== "fan_out") {
    throw new RangeError(`${op}: mode must be "fan_in" or "fan_out", got ${mode}`);
  }
  const { fanIn, fanOut } = fans(op, w);
  const gain = calculateGain(nonlinearity, { param: a });
  return kaimingStd(mode === "fan_in" ? fanIn : fanOut, { gain });
}

/** Fills `w` from U(−a, a), `a = √3·gain/√fan` (`kaiming_uniform_`). */
export function kaimingUniform(w: Matrix, rng: Random, o: KaimingOptions = {}): Matrix {
  return fillUniform(w, rng, Math.sqrt(3) * kaimingStdOf("kaimingUniform", w, o));
}

/** Fills `w` from N(0, std²), `std = gain/√fan` (`kaiming_normal_`). */
export function kaimingNormal(w: Matrix, rng: Random, o: KaimingOptions = {}): Matrix {
  return fillNormal(w, rng, kaimingStdOf("kaimingNormal", w, o));
}

/**
 * Fills `w` with a (semi-)orthogonal matrix times `gain` (`orthogonal_`): the Q factor of the QR
 * decomposition of a matrix of standard normals, with R's diagonal made positive (so Q is
 * uniformly distributed over the orthogonal matrices). A square result has `QᵀQ = gain²·I`:
 * all its singular values, and the moduli of all its eigenvalues, equal `gain`. A wide matrix
 * has orthonormal rows, a tall one orthonormal columns. Computed by modified Gram–Schmidt,
 * whose R has a positive diagonal by construction.
 */
export function orthogonal(w: Matrix, rng: Random, o: XavierOptions = {}): Matrix {
  const { gain = 1 } = o;
  checkGain("orthogonal", gain);
  fans("orthogonal", w);
  const wide = w.rows < w.cols;
  const m = wide ? w.cols : w.rows, n = wide ? w.rows : w.cols; // orthonormalise n columns of length m
  const cols = Array.from(
    { length: n },
    () => Float64Array.from({ length: m }, () => rng.normal()),
  );
  cols.forEach((q, j) => {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += cols[k][i] * q[i];
      for (let i = 0; i < m; i++) q[i] -= dot * cols[k][i];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[i] * q[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) q[i] /= norm;
  });
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      if (wide) w.data[j * w.cols + i] = gain * cols[j][i];
      else w.data[i * w.cols + j] = gain * cols[j][i];
    }
  }
  return w;
}
