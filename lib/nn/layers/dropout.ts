/**
 * Dropout and its relatives, each with a forward and a backward pass.
 *
 * Conventions (see erratum 3 of the curriculum): `p` is the probability of DROPPING a unit, so
 * the keep mask is Bernoulli(1 − p): each entry is 1 with probability 1 − p. Only one of two
 * scalings is ever applied:
 * - inverted dropout ({@link dropoutForward}, PyTorch's `nn.Dropout`): kept units are multiplied
 *   by 1/(1 − p) during training, so E[out] = x, and evaluation is the identity;
 * - classic dropout ({@link classicDropoutForward}, the original paper): training only masks,
 *   so E[out] = (1 − p)·x, and evaluation multiplies by (1 − p) to match.
 * Both give the same expected activation in training and in evaluation; doing both scalings
 * (or neither) breaks that.
 *
 * Masks: in training each function takes either an explicit `mask` (0/1 entries, e.g. to
 * reproduce PyTorch values) or a seeded `rng` (lib/core/random.ts) to draw one, entry by entry in
 * row-major order. `p` is in [0, 1]; with p = 0 no randomness is needed, and p = 1 drops
 * everything: the output is all zeros (and so is the gradient), as in PyTorch.
 *
 * @module
 */

import { assertFinite, Matrix, mul, ShapeError, shapeOf } from "../../core/matrix.ts";
import { Random } from "../../core/random.ts";
import { linearBackward, type LinearCache, linearForward } from "./linear.ts";

/** Options shared by the dropout functions; `p` and `training` as PyTorch's `F.dropout`. */
export interface DropoutOptions {
  /** Probability of dropping a unit, in [0, 1] (default 0.5). */
  p?: number;
  /** Training applies a mask; evaluation does not (default true). */
  training?: boolean;
  /** Source of the random mask in training (ignored if `mask` is given). */
  rng?: Random;
  /** An explicit keep mask of 0s and 1s (its shape depends on the function). */
  mask?: Matrix;
}

/**
 * The cache of every element-wise dropout here: the backward pass is
 * `dx = dout ⊙ mask · scale` (`mask` null means all ones).
 */
export interface DropoutCache {
  mask: Matrix | null;
  scale: number;
}

/** `p` and `training` with PyTorch's defaults (0.5, true), `p` checked to lie in [0, 1]. */
function resolve(op: string, opts: DropoutOptions): { p: number; training: boolean } {
  const { p = 0.5, training = true } = opts;
  if (!(typeof p === "number" && p >= 0 && p <= 1)) {
    throw new RangeError(`${op}: p (drop probability) must be in [0, 1], got ${p}`);
  }
  return { p, training };
}

/** The inverted-dropout scale `1/(1 − p)`; 0 for p = 1, where every unit is dropped. */
function invertedScale(p: number): number {
  return p === 1 ? 0 : 1 / (1 - p);
}

function checkInput(op: string, x: Matrix): void {
  if (x.rows === 0) throw new Error(`${op}: empty batch (x has 0 rows)`);
  assertFinite(op, x);
}

/** A rows×cols keep mask: each entry is 1 with probability `keep` and 0 otherwise. */
export function bernoulliMask(rows: number, cols: number, keep: number, rng: Random): Matrix {
  if (!(keep >= 0 && keep <= 1)) {
    throw new RangeError(`bernoulliMask: keep probability must be in [0, 1], got ${keep}`);
  }
  const m = new Matrix(rows, cols);
  for (let k = 0; k < m.data.length; k++) m.data[k] = rng.bernoulli(keep) ? 1 : 0;
  return m;
}

/** The training mask of shape rows×cols: the given one (checked), or drawn from `rng`. */
function resolveMask(
  op: string,
  rows: number,
  cols: number,
  p: number,
  opts: DropoutOptions,
): Matrix {
  const { mask, rng } = opts;
  if (mask !== undefined) {
    if (mask.rows !== rows || mask.cols !== cols) {
      throw new ShapeError(`${op}: mask must be ${rows}×${cols}, got ${shapeOf(mask)}`);
    }
    for (const v of mask.data) {
      if (v !== 0 && v !== 1) throw new RangeError(`${op}: mask entries must be 0 or 1, got ${v}`);
    }
    return mask;
  }
  if (p === 0) return Matrix.filled(rows, cols, 1);
  if (p === 1) return new Matrix(rows, cols);
  if (rng === undefined) throw new Error(`${op}: training with p > 0 needs a mask or an rng`);
  return bernoulliMask(rows, cols, 1 - p, rng);
}

/** `dout ⊙ mask · scale`: the backward pass shared by the element-wise dropouts. */
function maskedBackward(op: string, dout: Matrix, cache: DropoutCache, shape?: Matrix): Matrix {
  const ref = cache.mask ?? shape;
  if (ref !== undefined && (dout.rows !== ref.rows || dout.cols !== ref.cols)) {
    throw new ShapeError(`${op}: dout must be ${shapeOf(ref)} (like out), got ${shapeOf(dout)}`);
  }
  assertFinite(op, dout);
  const dx = cache.mask === null ? dout.clone() : mul(dout, cache.mask);
  return cache.scale === 1 ? dx : dx.map((v) => v * cache.scale);
}

/**
 * Inverted dropout (PyTorch's `F.dropout`). Training: `out = x ⊙ mask · 1/(1 − p)` with `mask`
 * N×D; evaluation: `out = x`.
 */
export function dropoutForward(
  x: Matrix,
  opts: DropoutOptions,
): { out: Matrix; cache: DropoutCache } {
  const op = "dropoutForward";
  const { p, training } = resolve(op, opts);
  checkInput(op, x);
  if (!training) return { out: x.clone(), cache: { mask: null, scale: 1 } };
  const mask = resolveMask(op, x.rows, x.cols, p, opts);
  // Multiply by 1/(1 − p) rather than divide, as PyTorch does (identical up to rounding).
  const scale = invertedScale(p);
  return { out: mul(x, mask).map((v) => v * scale), cache: { mask, scale } };
}

/** Backward of {@link dropoutForward}: `dx = dout ⊙ mask / (1 − p)` in training, `dout` in eval. */
export function dropoutBackward(dout: Matrix, cache: DropoutCache): { dx: Matrix } {
  return { dx: maskedBackward("dropoutBackward", dout, cache) };
}

/**
 * Classic dropout (the original formulation). Training: `out = x ⊙ mask` (no rescaling);
 * evaluation: `out = (1 − p)·x`, the expected value of the training output.
 */
export function classicDropoutForward(
  x: Matrix,
  opts: DropoutOptions,
): { out: Matrix; cache: DropoutCache } {
  const op = "classicDropoutForward";
  const { p, training } = resolve(op, opts);
  checkInput(op, x);
  if (!training) {
    const scale = 1 - p;
    return { out: x.map((v) => v * scale), cache: { mask: null, scale } };
  }
  const mask = resolveMask(op, x.rows, x.cols, p, opts);
  return { out: mul(x, mask), cache: { mask, scale: 1 } };
}

/** Backward of {@link classicDropoutForward}: `dout ⊙ mask` in training, `(1 − p)·dout` in eval. */
export function classicDropoutBackward(dout: Matrix, cache: DropoutCache): { dx: Matrix } {
  return { dx: maskedBackward("classicDropoutBackward", dout, cache) };
}

/**
 * Spatial dropout (PyTorch's `Dropout1d`/`Dropout2d`): one keep decision per (example, channel),
 * so a whole feature map is kept or dropped together. Neighbouring positions of a map are
 * strongly correlated, so dropping single positions would barely regularise.
 *
 * Layout: a tensor N×C×L (or N×C×H×W) is passed as an N×(C·S) Matrix, S = L (or H·W), each row
 * being PyTorch's contiguous (row-major) flattening of one example: channel c occupies columns
 * c·S … c·S + S − 1. `channels` is C and must divide the number of columns. The mask is N×C.
 * Scaling as inverted dropout: kept maps are multiplied by 1/(1 − p); evaluation is the identity.
 */
export function spatialDropoutForward(
  x: Matrix,
  channels: number,
  opts: DropoutOptions,
): { out: Matrix; cache: DropoutCache } {
  const op = "spatialDropoutForward";
  const { p, training } = resolve(op, opts);
  if (!Number.isInteger(channels) || channels <= 0 || x.cols % channels !== 0) {
    throw new ShapeError(
      `${op}: channels must be a positive integer dividing the ${x.cols} columns of x, got ${channels}`,
    );
  }
  checkInput(op, x);
  if (!training) return { out: x.clone(), cache: { mask: null, scale: 1 } };
  const s = x.cols / channels;
  const channelMask = resolveMask(op, x.rows, channels, p, opts);
  const mask = x.map((_v, i, j) => channelMask.get(i, Math.floor(j / s)));
  const scale = invertedScale(p);
  return { out: mul(x, mask).map((v) => v * scale), cache: { mask, scale } };
}

/** Backward of {@link spatialDropoutForward}: `dx = dout ⊙ mask / (1 − p)` (mask spread per map). */
export function spatialDropoutBackward(dout: Matrix, cache: DropoutCache): { dx: Matrix } {
  return { dx: maskedBackward("spatialDropoutBackward", dout, cache) };
}

/**
 * The negative saturation value of SELU, `λα` with λ ≈ 1.0507 and α ≈ 1.6733: SELU(x) → −λα
 * as x → −∞. The constant PyTorch's alpha dropout uses.
 */
export const SELU_LAMBDA_ALPHA = 1.7580993408473766;

/**
 * Alpha dropout (PyTorch's `F.alpha_dropout`), for self-normalising networks (SELU).
 *
 * Setting a unit to 0 would shift the mean and variance that SELU keeps at 0 and 1. Instead a
 * dropped unit is set to SELU's saturation value α' = −λα, and an affine map `a·(·) + b`
 * restores mean 0 and variance 1 for inputs with mean 0, variance 1:
 * `a = 1/√((1 − p)(1 + p·α'²))`, `b = −a·α'·p`. So in training
 * `out = a·x + b` where kept and `out = a·α' + b` where dropped; evaluation is the identity.
 */
export function alphaDropoutForward(
  x: Matrix,
  opts: DropoutOptions,
): { out: Matrix; cache: DropoutCache } {
  const op = "alphaDropoutForward";
  const { p, training } = resolve(op, opts);
  checkInput(op, x);
  if (!training) return { out: x.clone(), cache: { mask: null, scale: 1 } };
  const mask = resolveMask(op, x.rows, x.cols, p, opts);
  // p = 1: PyTorch returns zeros (the affine correction below would divide by 0).
  if (p === 1) return { out: new Matrix(x.rows, x.cols), cache: { mask, scale: 0 } };
  const alpha = SELU_LAMBDA_ALPHA;
  const a = 1 / Math.sqrt((alpha * alpha * p + 1) * (1 - p));
  // PyTorch's order of operations: x·(m·a) + ((m − 1)·αa + αa·p).
  const out = x.map((v, i, j) => {
    const m = mask.get(i, j);
    return v * (m * a) + ((m - 1) * (alpha * a) + alpha * a * p);
  });
  return { out, cache: { mask, scale: a } };
}

/** Backward of {@link alphaDropoutForward}: `dx = a · dout ⊙ mask` (dropped units are constants). */
export function alphaDropoutBackward(dout: Matrix, cache: DropoutCache): { dx: Matrix } {
  return { dx: maskedBackward("alphaDropoutBackward", dout, cache) };
}

/** What {@link dropConnectBackward} needs. */
export interface DropConnectCache {
  linear: LinearCache; // with the masked, rescaled weight
  mask: Matrix | null;
  scale: number;
}

/**
 * DropConnect: dropout on the weights of a linear layer instead of on its outputs. Training
 * draws an out×in keep mask for `w` (the bias is not dropped here) and computes
 * `out = x·(w ⊙ mask / (1 − p))ᵀ + b`, the inverted scaling; evaluation uses the plain layer
 * `x·wᵀ + b` (the mean weights; the original paper refines this with a Gaussian approximation).
 * Unlike dropout, each weight (not each unit) is dropped, and here one mask is shared by the batch.
 */
export function dropConnectForward(
  x: Matrix,
  w: Matrix,
  b: Matrix,
  opts: DropoutOptions,
): { out: Matrix; cache: DropConnectCache } {
  const op = "dropConnectForward";
  const { p, training } = resolve(op, opts);
  if (x.cols !== w.cols) {
    throw new ShapeError(
      `${op}: x is ${shapeOf(x)} but w is ${shapeOf(w)} (x needs ${w.cols} columns)`,
    );
  }
  if (b.rows !== 1 || b.cols !== w.rows) {
    throw new ShapeError(`${op}: b must be 1×${w.rows} for w ${shapeOf(w)}, got ${shapeOf(b)}`);
  }
  checkInput(op, x);
  assertFinite(op, w);
  if (!training) {
    const { out, cache } = linearForward(x, w, b);
    return { out, cache: { linear: cache, mask: null, scale: 1 } };
  }
  const mask = resolveMask(op, w.rows, w.cols, p, opts);
  const scale = invertedScale(p);
  const { out, cache } = linearForward(x, mul(w, mask).map((v) => v * scale), b);
  return { out, cache: { linear: cache, mask, scale } };
}

/**
 * Backward of {@link dropConnectForward}: the linear layer's gradients with the effective
 * weight, then `dw = dw_eff ⊙ mask / (1 − p)` (a dropped weight gets no gradient).
 */
export function dropConnectBackward(
  dout: Matrix,
  cache: DropConnectCache,
): { dx: Matrix; dw: Matrix; db: Matrix } {
  const w = cache.linear.w;
  if (dout.rows !== cache.linear.x.rows || dout.cols !== w.rows) {
    throw new ShapeError(
      `dropConnectBackward: dout must be ${cache.linear.x.rows}×${w.rows} (like out), got ${
        shapeOf(dout)
      }`,
    );
  }
  const { dx, dw, db } = linearBackward(dout, cache.linear);
  return { dx, dw: maskedBackward("dropConnectBackward", dw, cache), db };
}

/** What {@link variationalDropoutBackward} needs: the one mask shared by every time step. */
export interface VariationalDropoutCache {
  steps: number;
  step: DropoutCache;
}

/**
 * Variational dropout (Gal & Ghahramani, 2016) on a sequence `xs` of T steps, each B×D: ONE
 * keep mask (B×D, Bernoulli(1 − p) entries) is drawn for the sequence and applied at every
 * time step, with the inverted scaling 1/(1 − p): `out_t = x_t ⊙ mask / (1 − p)`. A unit that
 * is dropped is dropped for the whole sequence (for this example), where per-step dropout
 * would draw T independent masks. Used on an RNN's inputs and, with its own mask, on the
 * hidden state that feeds the recurrent weights. Evaluation is the identity.
 *
 * `opts.mask`, if given, is that B×D mask; otherwise it is drawn from `opts.rng`.
 */
export function variationalDropoutForward(
  xs: readonly Matrix[],
  opts: DropoutOptions,
): { out: Matrix[]; cache: VariationalDropoutCache } {
  const op = "variationalDropoutForward";
  const { p, training } = resolve(op, opts);
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new Error(`${op}: xs must be a non-empty array of time steps`);
  }
  const [first] = xs;
  xs.forEach((x, t) => {
    if (!(x instanceof Matrix) || x.rows !== first.rows || x.cols !== first.cols) {
      throw new ShapeError(
        `${op}: every step must be ${shapeOf(first)} like step 0; step ${t} is ${
          x instanceof Matrix ? shapeOf(x) : typeof x
        }`,
      );
    }
    checkInput(op, x);
  });
  if (!training) {
    return {
      out: xs.map((x) => x.clone()),
      cache: { steps: xs.length, step: { mask: null, scale: 1 } },
    };
  }
  const mask = resolveMask(op, first.rows, first.cols, p, opts);
  const scale = invertedScale(p);
  return {
    out: xs.map((x) => mul(x, mask).map((v) => v * scale)),
    cache: { steps: xs.length, step: { mask, scale } },
  };
}

/** Backward of {@link variationalDropoutForward}: `dx_t = dout_t ⊙ mask / (1 − p)` at every step. */
export function variationalDropoutBackward(
  douts: readonly Matrix[],
  cache: VariationalDropoutCache,
): { dx: Matrix[] } {
  const op = "variationalDropoutBackward";
  if (!Array.isArray(douts) || douts.length !== cache.steps) {
    throw new ShapeError(`${op}: douts must hold ${cache.steps} steps, like xs`);
  }
  return { dx: douts.map((d) => maskedBackward(op, d, cache.step)) };
}
