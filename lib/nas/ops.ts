/**
 * The candidate operations of a NAS cell, one table from name to implementation, as DARTS'
 * `PRIMITIVES` and `OPS`. The cell works on vectors (N×h, h fixed through the cell), so the
 * operations are dense: `none` (the zero map, "no edge"), `skip` (the identity), `linear`
 * (`x·Wᵀ + b`), and `relu`, `tanh` (a linear layer followed by that activation). Each is a
 * forward/backward pair in the CS231n style; the parametric ones own a weight h×h and a bias 1×h.
 *
 * @module
 */

import { Matrix } from "../core/matrix.ts";
import type { Random } from "../core/random.ts";
import { activationBackward, activationForward, relu, tanh } from "../nn/activations.ts";
import type { Activation } from "../nn/activations.ts";
import { linearBackward, linearForward } from "../nn/layers/linear.ts";

/** The names of the candidate operations, in the order the architecture indices use. */
export const NAS_OPS = ["none", "skip", "linear", "relu", "tanh"] as const;

/** One candidate operation's name. */
export type OpName = typeof NAS_OPS[number];

/** An operation on an edge: its parameters, and a forward/backward pair. */
export interface CellOp {
  readonly name: OpName;
  /** The parameters of one instance for width `h` (`[]` for none and skip). */
  init(h: number, rng: Random): Matrix[];
  forward(x: Matrix, params: readonly Matrix[]): { out: Matrix; cache: unknown };
  /** `dx` and the gradients of `params`, same order. */
  backward(dout: Matrix, cache: unknown): { dx: Matrix; grads: Matrix[] };
}

const dense = (name: OpName, act?: Activation): CellOp => ({
  name,
  // He's scale for ReLU, LeCun's (1/fan_in) for tanh and the plain linear map.
  init: (h, rng) => [rng.randn(h, h, Math.sqrt((act === relu ? 2 : 1) / h)), new Matrix(1, h)],
  forward(x, [w, b]) {
    const lin = linearForward(x, w, b);
    if (!act) return { out: lin.out, cache: { lin: lin.cache } };
    const a = activationForward(lin.out, act);
    return { out: a.out, cache: { lin: lin.cache, act: a.cache } };
  },
  backward(dout, cache) {
    const c = cache as { lin: Parameters<typeof linearBackward>[1]; act?: never };
    const dz = c.act ? activationBackward(dout, c.act).dx : dout;
    const { dx, dw, db } = linearBackward(dz, c.lin);
    return { dx, grads: [dw, db] };
  },
});

/** The implementations, by name. */
export const OPS: Readonly<Record<OpName, CellOp>> = {
  none: {
    name: "none",
    init: () => [],
    forward: (x) => ({ out: new Matrix(x.rows, x.cols), cache: x }),
    backward: (_dout, x) => ({ dx: new Matrix((x as Matrix).rows, (x as Matrix).cols), grads: [] }),
  },
  skip: {
    name: "skip",
    init: () => [],
    forward: (x) => ({ out: x, cache: null }),
    backward: (dout) => ({ dx: dout, grads: [] }),
  },
  linear: dense("linear"),
  relu: dense("relu", relu),
  tanh: dense("tanh", tanh),
};

/** The operation called `name`, or an error listing the known names. */
export function opNamed(name: string): CellOp {
  if (!Object.hasOwn(OPS, name)) {
    throw new RangeError(`opNamed: unknown operation "${name}" (known: ${NAS_OPS.join(", ")})`);
  }
  return OPS[name as OpName];
}
