/**
 * Gradient clipping, as `torch.nn.utils.clip_grad_value_` and `clip_grad_norm_`.
 *
 * Exploding gradients (deep or recurrent nets, a steep cliff in the loss) make one step
 * huge. Clipping by value caps each entry, which can change the gradient's direction;
 * clipping by norm rescales all gradients together, keeping the direction and capping the
 * length of the step.
 *
 * Both work in place on the gradient matrices, like PyTorch's trailing-underscore functions.
 *
 * @module
 */

import { assertFinite, type Matrix, ShapeError } from "../core/matrix.ts";
import { positive } from "../core/validate.ts";

/**
 * Clamps every gradient entry to `[−clipValue, clipValue]`, in place
 * (`clip_grad_value_`). Each coordinate is capped on its own, so the clipped gradient can
 * point in a different direction. Non-finite gradients throw rather than pass through.
 */
export function clipGradValue(grads: readonly Matrix[], clipValue: number): void {
  positive("clipGradValue", "clipValue", clipValue);
  grads.forEach((g, i) => assertFinite(`clipGradValue: grads[${i}]`, g));
  for (const g of grads) {
    for (let k = 0; k < g.data.length; k++) {
      g.data[k] = Math.min(clipValue, Math.max(-clipValue, g.data[k]));
    }
  }
}

/** The p-norm of a list of numbers; p = Infinity gives the largest absolute value. */
function pNorm(xs: Iterable<number>, p: number): number {
  let acc = 0;
  for (const x of xs) acc = p === Infinity ? Math.max(acc, Math.abs(x)) : acc + Math.abs(x) ** p;
  return p === Infinity ? acc : acc ** (1 / p);
}

/**
 * The total norm of several gradients taken as one long vector: the p-norm of their
 * per-matrix p-norms (`o.normType` 2 by default, any p > 0, or `Infinity` for the largest
 * entry). This is the norm {@link clipGradNorm} measures (PyTorch 2.6 calls it
 * `get_total_norm`); 0 for an empty list.
 */
export function gradNorm(grads: readonly Matrix[], o: { normType?: number } = {}): number {
  const { normType = 2 } = o;
  if (!(normType > 0)) {
    throw new RangeError(`gradNorm: normType must be positive or Infinity, got ${normType}`);
  }
  grads.forEach((g, i) => assertFinite(`gradNorm: grads[${i}]`, g));
  return pNorm(grads.map((g) => pNorm(g.data, normType)), normType);
}

/**
 * The cosine of the angle between two lists of gradients, each taken as one long vector:
 * `⟨a, b⟩/(‖a‖·‖b‖)`. 1 means the same direction (clipping by norm always gives 1);
 * clipping by value usually gives less. Throws when a list is all zeros (no direction).
 */
export function gradCosine(a: readonly Matrix[], b: readonly Matrix[]): number {
  if (a.length !== b.length || a.some((m, i) => m.size !== b[i]?.size)) {
    throw new ShapeError("gradCosine: the two lists must hold matrices of the same sizes");
  }
  let dot = 0;
  a.forEach((m, i) => m.data.forEach((v, k) => dot += v * b[i].data[k]));
  const na = gradNorm(a), nb = gradNorm(b);
  if (na === 0 || nb === 0) throw new RangeError("gradCosine: a zero gradient has no direction");
  return dot / (na * nb);
}

/** What {@link clipGradNorm} returns. */
export interface ClipGradNormResult {
  /** The total norm of the gradients before clipping (PyTorch's return value). */
  totalNorm: number;
  /** The factor every gradient was multiplied by, `min(1, maxNorm/(totalNorm + 1e-6))`. */
  clipCoef: number;
}

/**
 * Rescales all gradients together so that their total norm is at most `maxNorm`, in place.
 * Returns `{ totalNorm, clipCoef }`: the total norm measured *before* clipping (PyTorch's
 * return value) and the factor applied (1 when nothing was clipped).
 *
 * The total norm treats all gradients as one long vector: the p-norm of the per-matrix
 * p-norms (`o.normType` 2 by default, any p > 0, or `Infinity` for the largest entry).
 * Every gradient is multiplied by `min(1, maxNorm/(total + 1e-6))`; PyTorch's 1e-6 keeps a
 * zero norm from dividing by zero and leaves a clipped norm a hair under `maxNorm`.
 *
 * Non-finite gradients throw (PyTorch's `error_if_nonfinite=True`; its default would
 * silently turn every gradient into NaN).
 */
export function clipGradNorm(
  grads: readonly Matrix[],
  maxNorm: number,
  o: { normType?: number } = {},
): ClipGradNormResult {
  const { normType = 2 } = o;
  positive("clipGradNorm", "maxNorm", maxNorm);
  if (!(normType > 0)) {
    throw new RangeError(`clipGradNorm: normType must be positive or Infinity, got ${normType}`);
  }
  grads.forEach((g, i) => assertFinite(`clipGradNorm: grads[${i}]`, g));
  if (grads.length === 0) return { totalNorm: 0, clipCoef: 1 };
  const totalNorm = gradNorm(grads, { normType });
  const clipCoef = Math.min(1, maxNorm / (totalNorm + 1e-6));
  for (const g of grads) {
    for (let k = 0; k < g.data.length; k++) g.data[k] *= clipCoef;
  }
  return { totalNorm, clipCoef };
}
