/**
 * Making a trained network smaller or cheaper, three ways, each as one function:
 *
 * - **distillation** (Hinton, Vinyals & Dean 2015): a student learns from a teacher's softened
 *   outputs, {@link distillationLoss};
 * - **pruning**: the weights of smallest magnitude set to zero, {@link magnitudePrune};
 * - **quantisation**: weights rounded to a few bits, {@link fakeQuantize}.
 *
 * @module
 */

import { assertFinite, Matrix, ShapeError, shapeOf } from "../core/matrix.ts";
import { positive } from "../core/validate.ts";
import type { LossResult } from "./losses.ts";

function softmaxRows(s: Matrix, T: number): Matrix {
  const out = new Matrix(s.rows, s.cols);
  for (let i = 0; i < s.rows; i++) {
    const o = i * s.cols;
    let m = -Infinity, z = 0;
    for (let j = 0; j < s.cols; j++) m = Math.max(m, s.data[o + j] / T);
    for (let j = 0; j < s.cols; j++) z += out.data[o + j] = Math.exp(s.data[o + j] / T - m);
    for (let j = 0; j < s.cols; j++) out.data[o + j] /= z;
  }
  return out;
}

/** Options of {@link distillationLoss}. */
export interface DistillationOptions {
  /** The temperature T that softens both distributions (default 4). */
  temperature?: number;
}

/**
 * `T²·KL(softmax(t/T) ‖ softmax(s/T))`, averaged over the batch, for student scores `s` and
 * teacher scores `t` (both N×C): PyTorch's
 * `F.kl_div(F.log_softmax(s/T, 1), F.softmax(t/T, 1), reduction="batchmean") * T**2`.
 * `grad = ∂loss/∂s = T·(softmax(s/T) − softmax(t/T))/N`; the factor T² keeps the gradient's
 * size comparable across temperatures. A large T exposes how the teacher ranks the wrong
 * classes ("dark knowledge"), which one-hot labels do not carry.
 */
export function distillationLoss(
  student: Matrix,
  teacher: Matrix,
  o: DistillationOptions = {},
): LossResult {
  const op = "distillationLoss", T = o.temperature ?? 4;
  positive(op, "temperature", T);
  if (student.rows !== teacher.rows || student.cols !== teacher.cols || student.rows === 0) {
    throw new ShapeError(
      `${op}: student ${shapeOf(student)} and teacher ${
        shapeOf(teacher)
      } must be the same non-empty shape`,
    );
  }
  assertFinite(op, student);
  assertFinite(op, teacher);
  const p = softmaxRows(teacher, T), q = softmaxRows(student, T), N = student.rows;
  let kl = 0;
  for (let k = 0; k < p.data.length; k++) {
    if (p.data[k] > 0) kl += p.data[k] * (Math.log(p.data[k]) - Math.log(q.data[k]));
  }
  const grad = q.map((v, i, j) => (T * (v - p.get(i, j))) / N);
  return { loss: (T * T * kl) / N, grad };
}

/**
 * A copy of `w` with its `fraction` of entries of smallest magnitude set to 0 (ties broken by
 * position, so exactly ⌊fraction·size⌋ entries are zeroed), as PyTorch's
 * `torch.nn.utils.prune.l1_unstructured(amount=fraction)` on one tensor.
 */
export function magnitudePrune(w: Matrix, fraction: number): Matrix {
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new RangeError(`magnitudePrune: fraction must be in [0, 1], got ${fraction}`);
  }
  const k = Math.round(fraction * w.size);
  const order = Array.from({ length: w.size }, (_, i) => i)
    .sort((a, b) => Math.abs(w.data[a]) - Math.abs(w.data[b]) || a - b);
  const out = w.clone();
  for (let n = 0; n < k; n++) out.data[order[n]] = 0;
  return out;
}

/** Options of {@link fakeQuantize}. */
export interface QuantizeOptions {
  /** Bits per weight, 2–16 (default 8). */
  bits?: number;
}

/**
 * `w` rounded to a signed integer grid of `bits` bits and mapped back ("fake" quantisation):
 * symmetric, per tensor, scale `s = max|w| / (2^{bits−1} − 1)`, each entry `s·round(w/s)`. The
 * same as PyTorch's `torch.fake_quantize_per_tensor_affine(w, s, 0, −q, q)` with
 * `q = 2^{bits−1} − 1`; storing the integers instead of float32 divides memory by 32/bits.
 */
export function fakeQuantize(w: Matrix, o: QuantizeOptions = {}): { out: Matrix; scale: number } {
  const bits = o.bits ?? 8;
  if (!Number.isInteger(bits) || bits < 2 || bits > 16) {
    throw new RangeError(`fakeQuantize: bits must be a whole number in [2, 16], got ${bits}`);
  }
  assertFinite("fakeQuantize", w);
  const q = 2 ** (bits - 1) - 1;
  const top = w.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const scale = top > 0 ? top / q : 1;
  // PyTorch rounds half to even (nearbyint); so does this
  const round = (x: number) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };
  return { out: w.map((v) => scale * Math.max(-q, Math.min(q, round(v / scale)))), scale };
}
