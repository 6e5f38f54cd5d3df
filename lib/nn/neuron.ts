/**
 * One neuron, one layer, and a network with one hidden layer, in PyTorch's layout.
 *
 * A single unit with weights `w` (length in) and bias `b` computes `a = σ(w·x + b)`: a weighted
 * vote of its inputs, shifted by `b`, squashed into (0, 1). A layer is `out` such units side by
 * side sharing the same input: stacked as the rows of `W` (out×in) they give `z = Wx + b`,
 * `a = σ(z)`. For a batch held as rows (N×in) that is `Z = X·Wᵀ + b`, which is what
 * {@link linearForward} computes; this module adds the activation on top and a few helpers the
 * notebooks use: the bias trick, window vectors built from word embeddings, and the decision
 * boundary of one unit.
 *
 * @module
 */

import {
  type Activation,
  activationBackward,
  type ActivationCache,
  activationForward,
  sigmoid,
} from "./activations.ts";
import { linearBackward, type LinearCache, linearForward } from "./layers/linear.ts";
import { assertFinite, Matrix, ShapeError, shapeOf } from "../core/matrix.ts";

function checkVector(op: string, name: string, v: readonly number[]): void {
  v.forEach((x, i) => {
    if (!Number.isFinite(x)) {
      throw new RangeError(`${op}: ${name}[${i}] is ${x}; inputs must be finite`);
    }
  });
}

/** The dot product `Σᵢ aᵢ bᵢ` of two vectors of the same length. */
export function dot(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) {
    throw new ShapeError(`dot: lengths ${a.length} and ${b.length} differ`);
  }
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * One sigmoid unit: `σ(w·x + b)`. `x` and `w` are vectors of the same length, `b` a number.
 * The result is in (0, 1); it is 0.5 exactly on the line (plane) `w·x + b = 0`.
 */
export function neuronForward(x: readonly number[], w: readonly number[], b: number): number {
  checkVector("neuronForward", "x", x);
  checkVector("neuronForward", "w", w);
  if (!Number.isFinite(b)) throw new RangeError(`neuronForward: b is ${b}; it must be finite`);
  if (x.length !== w.length) {
    throw new ShapeError(`neuronForward: x has ${x.length} entries but w has ${w.length}`);
  }
  return sigmoid.f(dot(w, x) + b);
}

/**
 * The bias trick for one unit: append `b` to the weights and a constant 1 to the input, so
 * `[w, b]·[x, 1] = w·x + b` and the bias becomes an ordinary weight on an input that is always 1.
 */
export function biasTrick(
  x: readonly number[],
  w: readonly number[],
  b: number,
): { x: number[]; w: number[] } {
  if (x.length !== w.length) {
    throw new ShapeError(`biasTrick: x has ${x.length} entries but w has ${w.length}`);
  }
  return { x: [...x, 1], w: [...w, b] };
}

/** The bias trick for a batch: `X` (N×in) with a column of ones appended, N×(in+1). */
export function appendOnes(x: Matrix): Matrix {
  const out = new Matrix(x.rows, x.cols + 1);
  for (let i = 0; i < x.rows; i++) {
    out.data.set(x.data.subarray(i * x.cols, (i + 1) * x.cols), i * (x.cols + 1));
    out.data[i * (x.cols + 1) + x.cols] = 1;
  }
  return out;
}

/**
 * The bias trick for a layer: `W` (out×in) with the bias `b` (1×out) appended as a last
 * column, out×(in+1). Then `appendOnes(X)·[W | bᵀ]ᵀ = X·Wᵀ + b`.
 */
export function appendBias(w: Matrix, b: Matrix): Matrix {
  if (b.rows !== 1 || b.cols !== w.rows) {
    throw new ShapeError(
      `appendBias: b must be 1×${w.rows} for w ${shapeOf(w)}, got ${shapeOf(b)}`,
    );
  }
  return appendOnes(w).map((v, i, j) => (j === w.cols ? b.data[i] : v));
}

/** The activation option of the functions here (default: the sigmoid of the notes). */
export interface ActivationOptions {
  /** The element-wise activation (default {@link sigmoid}). */
  activation?: Activation;
}

/** What {@link layerBackward} needs: the linear layer's cache and the activation's. */
export interface LayerCache {
  linear: LinearCache;
  activation: ActivationCache;
}

/**
 * A full layer on a batch: `z = X·Wᵀ + b` then `a = f(z)` (sigmoid unless `o.activation`
 * says otherwise). `X` is N×in, `W` out×in, `b` 1×out; `z` and `out = a` are N×out (row n is
 * `f(W xₙ + b)`).
 */
export function layerForward(
  x: Matrix,
  w: Matrix,
  b: Matrix,
  o: ActivationOptions = {},
): { out: Matrix; z: Matrix; cache: LayerCache } {
  const { out: z, cache: linear } = linearForward(x, w, b);
  const { out, cache: activation } = activationForward(z, o.activation ?? sigmoid);
  return { out, z, cache: { linear, activation } };
}

/**
 * Backward pass of {@link layerForward}: `δ = dout ⊙ f'(z)` is the gradient at the
 * pre-activation, then the linear layer's rules give `dx = δ·W`, `dw = δᵀ·X`, `db = Σₙ δₙ`.
 */
export function layerBackward(
  dout: Matrix,
  cache: LayerCache,
): { dx: Matrix; dw: Matrix; db: Matrix; dz: Matrix } {
  const { dx: dz } = activationBackward(dout, cache.activation);
  return { ...linearBackward(dz, cache.linear), dz };
}

/** The parameters of a network with one hidden layer: `w1` hidden×in, `w2` out×hidden. */
export interface OneHiddenParams {
  w1: Matrix;
  b1: Matrix;
  w2: Matrix;
  b2: Matrix;
}

/**
 * Forward pass of the one-hidden-layer network of the notes: `h = σ(W₁x + b₁)` and the scores
 * `s = W₂h + b₂` (no activation on the output). Batch as rows: `x` N×in, `h` N×hidden, `s`
 * N×out.
 */
export function oneHiddenForward(
  x: Matrix,
  p: OneHiddenParams,
  o: ActivationOptions = {},
): { h: Matrix; s: Matrix } {
  if (x.cols !== p.w1.cols) {
    throw new ShapeError(
      `oneHiddenForward: x is ${shapeOf(x)} but w1 is ${
        shapeOf(p.w1)
      } (x needs ${p.w1.cols} columns)`,
    );
  }
  if (p.w2.cols !== p.w1.rows) {
    throw new ShapeError(
      `oneHiddenForward: w2 is ${shapeOf(p.w2)} but the hidden layer has ${p.w1.rows} units`,
    );
  }
  const { out: h } = layerForward(x, p.w1, p.b1, o);
  return { h, s: linearForward(h, p.w2, p.b2).out };
}

/**
 * The input vector of a window of words: the embeddings (rows of `embeddings`, V×d) of the
 * word indices in `window`, concatenated in order into one 1×(n·d) row. A window of n words
 * of d dimensions is therefore a vector of n·d numbers, not an n×d matrix: the layer sees
 * which slot each word is in.
 */
export function windowVector(embeddings: Matrix, window: readonly number[]): Matrix {
  return windowBatch(embeddings, [window]);
}

/** Several windows at once, one per row: N×(n·d). All windows must have the same length. */
export function windowBatch(embeddings: Matrix, windows: readonly (readonly number[])[]): Matrix {
  if (windows.length === 0) throw new Error("windowBatch: empty batch (no windows)");
  const n = windows[0].length;
  if (n === 0) throw new Error("windowBatch: a window must hold at least one word");
  assertFinite("windowBatch", embeddings);
  const d = embeddings.cols;
  const out = new Matrix(windows.length, n * d);
  windows.forEach((win, r) => {
    if (win.length !== n) {
      throw new ShapeError(`windowBatch: window ${r} has ${win.length} words, window 0 has ${n}`);
    }
    win.forEach((word, k) => {
      if (!Number.isInteger(word) || word < 0 || word >= embeddings.rows) {
        throw new RangeError(
          `windowBatch: word index ${word} is not a row of the ${shapeOf(embeddings)} embeddings`,
        );
      }
      out.data.set(embeddings.data.subarray(word * d, (word + 1) * d), r * n * d + k * d);
    });
  });
  return out;
}

/**
 * The decision boundary of one unit in the plane, `w₁x + w₂y + b = 0`, as a segment over
 * `[xMin, xMax]` (or, when `w₂ = 0`, the vertical line `x = −b/w₁` over `[yMin, yMax]`).
 * Returns the end points `{ x: [x₀, x₁], y: [y₀, y₁] }`, ready to draw.
 */
export function decisionBoundary(
  w: readonly [number, number],
  b: number,
  [xMin, xMax]: readonly [number, number],
  [yMin, yMax]: readonly [number, number] = [xMin, xMax],
): { x: [number, number]; y: [number, number] } {
  const [w1, w2] = w;
  if (w1 === 0 && w2 === 0) {
    throw new RangeError("decisionBoundary: w is zero, so the unit has no boundary");
  }
  if (w2 === 0) return { x: [-b / w1, -b / w1], y: [yMin, yMax] };
  const yAt = (x: number) => -(w1 * x + b) / w2;
  return { x: [xMin, xMax], y: [yAt(xMin), yAt(xMax)] };
}

/**
 * The unit's output `σ(w·p + b)` on a grid of points `p = (xs[j], ys[i])`: row i, column j,
 * the layout a plotly heatmap or contour expects for `z`.
 */
export function unitGrid(
  w: readonly [number, number],
  b: number,
  xs: readonly number[],
  ys: readonly number[],
  o: ActivationOptions = {},
): number[][] {
  const act = o.activation ?? sigmoid;
  return ys.map((y) => xs.map((x) => act.f(w[0] * x + w[1] * y + b)));
}

/** Signed distance from the point `p` to the boundary `w·p + b = 0`: `(w·p + b)/‖w‖`. */
export function signedDistance(w: readonly number[], b: number, p: readonly number[]): number {
  const norm = Math.sqrt(dot(w, w));
  if (norm === 0) throw new RangeError("signedDistance: w is zero");
  return (dot(w, p) + b) / norm;
}
