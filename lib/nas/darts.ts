/**
 * DARTS (Liu, Simonyan & Yang 2019, "Differentiable architecture search"; quark0/darts
 * `cnn/model_search.py`, `cnn/architect.py`), first-order, on the cell of `space.ts`.
 *
 * **Mixed operation.** Every edge carries all candidate operations at once, weighted by a
 * softmax over its architecture parameters α_e: `m(x) = Σ_o w_o·op_o(x)`, `w = softmax(α_e)`.
 * With `g_o = ⟨∂L/∂m, op_o(x)⟩` (the sum over the batch of the entry-wise product), the chain
 * rule through the softmax gives `∂L/∂α_o = w_o·(g_o − Σ_k w_k g_k)`, and each operation's input
 * and parameters receive `w_o·∂L/∂m`.
 *
 * **Bi-level search, first order.** The weights w should minimise the training loss and α the
 * validation loss of the weights trained with it. DARTS alternates: one step of α on a
 * validation batch (w held fixed; the first-order approximation drops the term of w's own
 * dependence on α, which the "unrolled" second-order variant estimates with a
 * finite-difference Hessian-vector product), then one step of w on a training batch.
 *
 * **Discretisation.** Each edge keeps its strongest operation other than `none` (DARTS'
 * `genotype()`), and the resulting cell is retrained from scratch.
 *
 * @module
 */

import { Matrix, ShapeError, shapeOf } from "../core/matrix.ts";
import { Random } from "../core/random.ts";
import { finiteValues, positiveInteger } from "../core/validate.ts";
import type { Dataset } from "../data/synthetic.ts";
import { batches, checkDataset } from "../data/split.ts";
import { softmaxCrossEntropy } from "../nn/losses.ts";
import { Optimizer } from "../optim/optimizers.ts";
import type { Model } from "../train/model.ts";
import { evaluate } from "../train/metrics.ts";
import { type CellCache, cellNetwork, type CellNetworkOptions, cellOptions } from "./cell.ts";
import type { CellOp } from "./ops.ts";
import { opNamed } from "./ops.ts";
import type { CellSpace } from "./space.ts";
import { policyProbabilities } from "./reinforce.ts";

/** What {@link mixedOpForward} keeps for the backward pass. */
export interface MixedOpCache {
  weights: number[];
  outs: (Matrix | null)[];
  caches: unknown[];
  ops: readonly CellOp[];
  x: Matrix;
}

/**
 * `m(x) = Σ_o softmax(α)_o · op_o(x, params[o])` (N×h), the operations `ops` with their
 * parameters `params` (`[]` for none and skip). `none` contributes 0 and is not computed.
 */
export function mixedOpForward(
  x: Matrix,
  alpha: readonly number[],
  ops: readonly CellOp[],
  params: readonly (readonly Matrix[])[],
): { out: Matrix; cache: MixedOpCache } {
  if (alpha.length !== ops.length || params.length !== ops.length) {
    throw new RangeError(
      `mixedOpForward: one α and one parameter list per operation (${ops.length}), got ${alpha.length} and ${params.length}`,
    );
  }
  finiteValues("mixedOpForward", "alpha", alpha);
  const weights = policyProbabilities(alpha), out = new Matrix(x.rows, x.cols);
  const outs: (Matrix | null)[] = [], caches: unknown[] = [];
  ops.forEach((op, o) => {
    if (op.name === "none") {
      outs.push(null);
      caches.push(null);
      return;
    }
    const r = op.forward(x, params[o]);
    if (r.out.rows !== x.rows || r.out.cols !== x.cols) {
      throw new ShapeError(`mixedOpForward: ${op.name} gave ${shapeOf(r.out)} for ${shapeOf(x)}`);
    }
    for (let k = 0; k < out.data.length; k++) out.data[k] += weights[o] * r.out.data[k];
    outs.push(r.out);
    caches.push(r.cache);
  });
  return { out, cache: { weights, outs, caches, ops, x } };
}

/**
 * Gradients of the mixed operation: `dx`, `dalpha` (`w_o·(g_o − Σ_k w_k g_k)`) and each
 * operation's parameter gradients (`[]` for none and skip).
 */
export function mixedOpBackward(
  dout: Matrix,
  cache: MixedOpCache,
): { dx: Matrix; dalpha: number[]; grads: Matrix[][] } {
  const { weights, outs, caches, ops, x } = cache;
  if (dout.rows !== x.rows || dout.cols !== x.cols) {
    throw new ShapeError(`mixedOpBackward: dout must be ${shapeOf(x)}, got ${shapeOf(dout)}`);
  }
  const dx = new Matrix(x.rows, x.cols), g = weights.map(() => 0), grads: Matrix[][] = [];
  ops.forEach((op, o) => {
    const y = outs[o];
    if (!y) {
      grads.push([]);
      return;
    }
    let dot = 0;
    for (let k = 0; k < y.data.length; k++) dot += dout.data[k] * y.data[k];
    g[o] = dot;
    const scaled = dout.map((v) => v * weights[o]);
    const r = op.backward(scaled, caches[o]);
    for (let k = 0; k < dx.data.length; k++) dx.data[k] += r.dx.data[k];
    grads.push(r.grads);
  });
  const mean = weights.reduce((s, w, o) => s + w * g[o], 0);
  return { dx, dalpha: weights.map((w, o) => w * (g[o] - mean)), grads };
}

/** The supernet: a cell network with a mixed operation on every edge. */
export interface Supernet extends Model<CellCache> {
  /** α, one row per edge, one column per operation (initially small random values). */
  readonly alpha: Matrix;
  /** The weight gradients (as `backward`) and `dalpha`, shaped like `alpha`. */
  backwardAll(dout: Matrix, cache: CellCache): { grads: Matrix[]; dalpha: Matrix };
  /** softmax(α) per edge: the weights of the operations. */
  operationWeights(): number[][];
}

/** Options of {@link supernet}: the cell network's, and the scale of α's initial values. */
export interface SupernetOptions extends CellNetworkOptions {
  /** Standard deviation of α's initial values (default 1e-3, as DARTS). */
  alphaStd?: number;
}

/** The DARTS supernet of `space`: every edge holds every operation of `space.ops`. */
export function supernet(space: CellSpace, o: SupernetOptions): Supernet {
  const { width, seed } = cellOptions("supernet", o);
  const ops = space.ops.map(opNamed), rng = new Random(seed + 1);
  const params = space.edges.map(() => ops.map((op) => op.init(width, rng)));
  const alpha = rng.randn(space.edges.length, ops.length, o.alphaStd ?? 1e-3);
  const row = (e: number) => [...alpha.data.subarray(e * ops.length, (e + 1) * ops.length)];
  let dalpha: Matrix | null = null;
  const net = cellNetwork(
    space,
    {
      forward: (e, x) => mixedOpForward(x, row(e), ops, params[e]),
      backward(e, dout, cache) {
        const r = mixedOpBackward(dout, cache as MixedOpCache);
        if (dalpha) dalpha.data.set(r.dalpha, e * ops.length);
        return { dx: r.dx, grads: r.grads.flat() };
      },
    },
    params.map((p) => p.flat()),
    o,
  );
  return {
    ...net,
    alpha,
    backwardAll(dout, cache) {
      dalpha = new Matrix(alpha.rows, alpha.cols);
      try {
        return { grads: net.backward(dout, cache), dalpha };
      } finally {
        dalpha = null;
      }
    },
    operationWeights: () => space.edges.map((_, e) => policyProbabilities(row(e))),
  };
}

/** The discrete architecture of α: per edge, the strongest operation other than `none`. */
export function discretise(space: CellSpace, alpha: Matrix): number[] {
  if (alpha.rows !== space.edges.length || alpha.cols !== space.ops.length) {
    throw new ShapeError(
      `discretise: α must be ${space.edges.length}×${space.ops.length} (edges × ops), got ${
        shapeOf(alpha)
      }`,
    );
  }
  const none = space.ops.indexOf("none");
  return space.edges.map((_, e) => {
    let best = -1;
    for (let k = 0; k < space.ops.length; k++) {
      if (k !== none && (best < 0 || alpha.get(e, k) > alpha.get(e, best))) best = k;
    }
    return best;
  });
}

/** Options of {@link dartsSearch}. */
export interface DartsOptions {
  /** The optimiser of the weights (DARTS: SGD, lr 0.025, momentum 0.9, weight decay 3e-4). */
  optimizer: Optimizer;
  /** The optimiser of α (DARTS: Adam, lr 3e-4, betas (0.5, 0.999), weight decay 1e-3). */
  alphaOptimizer: Optimizer;
  /** Passes over the training data. */
  epochs: number;
  /** Examples per batch, for both splits (default 64). */
  batchSize?: number;
  /** Seed of the batch order (default 0). */
  seed?: number;
  /** Called after each epoch with the record so far (awaited, for live figures). */
  onEpoch?: (record: DartsEpoch) => void | Promise<void>;
}

/** One epoch of the search. */
export interface DartsEpoch {
  epoch: number;
  trainLoss: number;
  /** Loss and accuracy of the supernet on all of `data.val` after the epoch. */
  valLoss: number;
  valAcc: number;
  /** softmax(α) per edge after the epoch. */
  weights: number[][];
}

/** What {@link dartsSearch} returns: the epochs, the α weights after every step, the result. */
export interface DartsResult {
  history: DartsEpoch[];
  /** softmax(α) per edge before the first step and after every step. */
  weightsPerStep: number[][][];
  /** The discretised architecture. */
  arch: number[];
}

/**
 * First-order DARTS: for each training batch, one step of α on the next validation batch
 * (cycling through `data.val`), then one step of the weights on the training batch.
 */
export async function dartsSearch(
  space: CellSpace,
  net: Supernet,
  data: { train: Dataset; val: Dataset },
  o: DartsOptions,
): Promise<DartsResult> {
  const op = "dartsSearch";
  for (const name of ["optimizer", "alphaOptimizer"] as const) {
    if (!(o?.[name] instanceof Optimizer)) {
      throw new TypeError(`${op}: ${name} must be an optimiser from lib/optim/, e.g. adam()`);
    }
  }
  positiveInteger(op, "epochs", o.epochs);
  checkDataset(`${op} (train)`, data?.train);
  checkDataset(`${op} (val)`, data?.val);
  const { batchSize = 64, seed = 0, onEpoch } = o;
  positiveInteger(op, "batchSize", batchSize);
  const rng = new Random(seed), history: DartsEpoch[] = [];
  const weightsPerStep = [net.operationWeights()];
  let valIter = batches(data.val, { batchSize, shuffle: true, generator: rng });
  const nextVal = (): Dataset => {
    let b = valIter.next();
    if (b.done) {
      valIter = batches(data.val, { batchSize, shuffle: true, generator: rng });
      b = valIter.next();
    }
    return b.value as Dataset;
  };
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    let lossSum = 0;
    for (const batch of batches(data.train, { batchSize, shuffle: true, generator: rng })) {
      const v = nextVal();
      const fv = net.forward(v.x, "train");
      const { dalpha } = net.backwardAll(softmaxCrossEntropy(fv.out, v.y).grad, fv.cache);
      o.alphaOptimizer.step([net.alpha], [dalpha]);
      const ft = net.forward(batch.x, "train");
      const lt = softmaxCrossEntropy(ft.out, batch.y);
      o.optimizer.step(net.params, net.backward(lt.grad, ft.cache));
      lossSum += lt.loss * batch.y.length;
      weightsPerStep.push(net.operationWeights());
    }
    const ev = evaluate(net, data.val);
    const record = {
      epoch,
      trainLoss: lossSum / data.train.y.length,
      valLoss: ev.loss,
      valAcc: ev.accuracy,
      weights: net.operationWeights(),
    };
    history.push(record);
    await onEpoch?.(record);
  }
  return { history, weightsPerStep, arch: discretise(space, net.alpha) };
}
