/**
 * Models built from a list of layers, as PyTorch's `nn.Sequential`: each layer is the
 * forward/backward pair of `lib/nn/layers/` wrapped with its own parameters (and, for batch
 * norm, its running statistics), and {@link sequential} chains them into a {@link Model} that
 * `fit` trains.
 *
 * ```ts
 * const model = sequential([
 *   linearLayer(784, 128), activationLayer(relu), dropoutLayer({ p: 0.5 }),
 *   linearLayer(128, 128), batchNormLayer(128), activationLayer(relu),
 *   residualBlock([linearLayer(128, 128), activationLayer(relu)]),
 *   linearLayer(128, 10),
 * ], { seed: 0 });
 * ```
 *
 * A layer is given as a spec, a function of the model's random generator, so that one seed
 * fixes every initial weight and every dropout mask: specs are built in order, and dropout
 * layers draw their masks from the same generator while training.
 *
 * @module
 */

import { add, Matrix } from "../core/matrix.ts";
import { Random } from "../core/random.ts";
import { type Activation, activationBackward, activationForward } from "../nn/activations.ts";
import { linearBackward, linearForward } from "../nn/layers/linear.ts";
import { type MlpInit, mlpInit } from "../nn/layers/mlp.ts";
import {
  alphaDropoutBackward,
  alphaDropoutForward,
  dropoutBackward,
  dropoutForward,
} from "../nn/layers/dropout.ts";
import { batchnormBackward, batchnormForward } from "../nn/layers/batchnorm.ts";
import { layernormBackward, layernormForward } from "../nn/layers/layernorm.ts";
import type { Model } from "./model.ts";

/** "train" while fitting (dropout drops, batch norm uses and updates batch statistics), "eval" otherwise. */
export type Mode = "train" | "eval";

/** One layer with its parameters: a forward pass, and a backward pass giving `dx` and the gradients. */
export interface Layer<C = unknown> {
  /** What it is, e.g. "linear 784→128", "relu", "dropout p=0.5", "batchnorm 128", "residual". */
  readonly name: string;
  /** The matrices an optimiser updates (in place), e.g. `[w, b]`; empty for an activation. */
  readonly params: readonly Matrix[];
  /** State that is not trained but belongs to the model (batch norm's running mean and variance). */
  readonly buffers: readonly Matrix[];
  forward(x: Matrix, mode: Mode): { out: Matrix; cache: C };
  /**
   * `dx` and the gradient of each of `params`, in order. With `needsInputGrad: false` a layer
   * may skip `dx` (null): the model's first layer, whose input is the data, does.
   */
  backward(
    dout: Matrix,
    cache: C,
    o?: { needsInputGrad?: boolean },
  ): { dx: Matrix | null; grads: Matrix[] };
}

/** A layer to be built: called once with the model's generator (for weights and masks). */
export type LayerSpec = (rng: Random) => Layer;

/** `nn.Linear(inFeatures, outFeatures)`: `out = x·wᵀ + b`, weights drawn as `mlpInit` says (default "torch"). */
export function linearLayer(
  inFeatures: number,
  outFeatures: number,
  o: { init?: MlpInit } = {},
): LayerSpec {
  return (rng) => {
    const [{ w, b }] = mlpInit([inFeatures, outFeatures], rng, { init: o.init ?? "torch" });
    return {
      name: `linear ${inFeatures}→${outFeatures}`,
      params: [w, b],
      buffers: [],
      forward: (x) => linearForward(x, w, b),
      backward: (dout, cache, o = {}) => {
        const c = cache as ReturnType<typeof linearForward>["cache"];
        const { dx, dw, db } = linearBackward(dout, c, {
          needsInputGrad: o.needsInputGrad ?? true,
        });
        return { dx, grads: [dw, db] };
      },
    };
  };
}

/** An activation applied to every entry, e.g. `activationLayer(relu)`. */
export function activationLayer(act: Activation): LayerSpec {
  return () => ({
    name: act.name,
    params: [],
    buffers: [],
    forward: (x) => activationForward(x, act),
    backward: (dout, cache) => ({
      dx: activationBackward(dout, cache as ReturnType<typeof activationForward>["cache"]).dx,
      grads: [],
    }),
  });
}

/** Options of {@link dropoutLayer}. */
export interface DropoutLayerOptions {
  /** Probability of dropping a unit (default 0.5). */
  p?: number;
  /** "inverted" (`nn.Dropout`, default) or "alpha" (`nn.AlphaDropout`, for SELU networks). */
  kind?: "inverted" | "alpha";
}

/**
 * Dropout as a layer: in "train" mode a fresh mask from the model's generator at every call,
 * in "eval" mode the identity.
 */
export function dropoutLayer(o: DropoutLayerOptions = {}): LayerSpec {
  const { p = 0.5, kind = "inverted" } = o;
  if (kind !== "inverted" && kind !== "alpha") {
    throw new RangeError(`dropoutLayer: kind must be "inverted" or "alpha", got "${kind}"`);
  }
  const [forward, backward] = kind === "inverted"
    ? [dropoutForward, dropoutBackward]
    : [alphaDropoutForward, alphaDropoutBackward];
  forward(Matrix.zeros(1, 1), { p, training: false }); // checks p now, not at the first batch
  return (rng) => ({
    name: `${kind === "alpha" ? "alpha " : ""}dropout p=${p}`,
    params: [],
    buffers: [],
    forward: (x, mode) => forward(x, { p, training: mode === "train", rng }),
    backward: (dout, cache) => ({
      dx: backward(dout, cache as ReturnType<typeof dropoutForward>["cache"]).dx,
      grads: [],
    }),
  });
}

/**
 * `nn.BatchNorm1d(features)`: γ = 1, β = 0 to start, running mean 0 and variance 1. In "train"
 * mode it normalises with the batch statistics and updates its running statistics (PyTorch's
 * momentum convention, see `batchnormForward`); in "eval" mode it uses the running ones.
 */
export function batchNormLayer(
  features: number,
  o: { momentum?: number; eps?: number } = {},
): LayerSpec {
  const { momentum = 0.1, eps = 1e-5 } = o;
  return () => {
    const gamma = Matrix.filled(1, features, 1), beta = Matrix.zeros(1, features);
    const running = { mean: Matrix.zeros(1, features), var: Matrix.filled(1, features, 1) };
    return {
      name: `batchnorm ${features}`,
      params: [gamma, beta],
      buffers: [running.mean, running.var],
      forward: (x, mode) => {
        const training = mode === "train";
        const r = batchnormForward(x, gamma, beta, running, { training, momentum, eps });
        running.mean.data.set(r.running.mean.data); // in place: the buffers stay the same objects
        running.var.data.set(r.running.var.data);
        return { out: r.out, cache: r.cache };
      },
      backward: (dout, cache) => {
        const g = batchnormBackward(dout, cache as ReturnType<typeof batchnormForward>["cache"]);
        return { dx: g.dx, grads: [g.dgamma, g.dbeta] };
      },
    };
  };
}

/** `nn.LayerNorm(features)`: γ = 1, β = 0 to start; the same in both modes. */
export function layerNormLayer(features: number, o: { eps?: number } = {}): LayerSpec {
  return () => {
    const gamma = Matrix.filled(1, features, 1), beta = Matrix.zeros(1, features);
    return {
      name: `layernorm ${features}`,
      params: [gamma, beta],
      buffers: [],
      forward: (x) => layernormForward(x, gamma, beta, o),
      backward: (dout, cache) => {
        const g = layernormBackward(dout, cache as ReturnType<typeof layernormForward>["cache"]);
        return { dx: g.dx, grads: [g.dgamma, g.dbeta] };
      },
    };
  };
}

/** Runs layers in order; the backward pass visits them in reverse. */
function chain(layers: readonly Layer[]) {
  return {
    forward(x: Matrix, mode: Mode): { out: Matrix; cache: unknown[] } {
      const caches: unknown[] = [];
      let a = x;
      for (const layer of layers) {
        const { out, cache } = layer.forward(a, mode);
        caches.push(cache);
        a = out;
      }
      return { out: a, cache: caches };
    },
    /** With `needsInputGrad` false the first layer may skip its `dx` (then `dx` is null). */
    backward(
      dout: Matrix,
      caches: unknown[],
      needsInputGrad = true,
    ): { dx: Matrix | null; grads: Matrix[] } {
      const grads: Matrix[][] = new Array(layers.length);
      let d: Matrix | null = dout;
      for (let l = layers.length - 1; l >= 0; l--) {
        const r = layers[l].backward(d!, caches[l], { needsInputGrad: l > 0 || needsInputGrad });
        grads[l] = r.grads;
        d = r.dx;
      }
      return { dx: d, grads: grads.flat() };
    },
  };
}

/**
 * A residual block, `out = x + F(x)` with `F` the given layers (which must keep the width):
 * the identity path carries the signal forward and the gradient back unchanged,
 * `dx = dout + ∂F/∂x·dout`, so stacking blocks cannot make the gradient vanish through the
 * identity paths. Without a layer after the sum, as in pre-activation ResNets.
 */
export function residualBlock(specs: readonly LayerSpec[]): LayerSpec {
  if (specs.length === 0) throw new RangeError("residualBlock: needs at least one layer");
  return (rng) => {
    const layers = specs.map((s) => s(rng));
    const inner = chain(layers);
    return {
      name: `residual(${layers.map((l) => l.name).join(", ")})`,
      params: layers.flatMap((l) => l.params),
      buffers: layers.flatMap((l) => l.buffers),
      forward: (x, mode) => {
        const { out, cache } = inner.forward(x, mode);
        if (out.rows !== x.rows || out.cols !== x.cols) {
          throw new RangeError(
            `residualBlock: the layers map ${x.cols} features to ${out.cols}; x + F(x) needs the same width`,
          );
        }
        return { out: add(x, out), cache };
      },
      backward: (dout, cache) => {
        const { dx, grads } = inner.backward(dout, cache as unknown[]);
        return { dx: add(dout, dx!), grads };
      },
    };
  };
}

/** Options of {@link sequential}. */
export interface SequentialOptions {
  /** Seed of the generator behind the initial weights and the dropout masks (default 0). */
  seed?: number;
}

/**
 * A model from layers applied in order (`nn.Sequential`): `params` and `buffers` are those of
 * its layers in order, `layers` the layers themselves (to inspect per-layer gradients).
 */
export function sequential(
  specs: readonly LayerSpec[],
  o: SequentialOptions = {},
): Model<unknown[]> & { layers: Layer[]; buffers: Matrix[] } {
  if (specs.length === 0) throw new RangeError("sequential: needs at least one layer");
  const rng = new Random(o.seed ?? 0);
  const layers = specs.map((s) => s(rng));
  const net = chain(layers);
  return {
    layers,
    params: layers.flatMap((l) => l.params),
    buffers: layers.flatMap((l) => l.buffers),
    forward: (x, mode) => net.forward(x, mode),
    // the input is the data: the first layer need not compute its gradient
    backward: (dout, cache) => net.backward(dout, cache, false).grads,
  };
}
