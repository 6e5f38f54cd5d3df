/**
 * A network built around one cell of a {@link CellSpace}: a linear stem `x_0 = x·W₀ᵀ + b₀` maps
 * the input (N×D) to the cell's width h, the cell computes nodes `x_i = Σ_{j<i} e_{j→i}(x_j)`,
 * and a linear classifier reads the sum of the nodes 1…K. Stem and classifier are linear, so
 * every non-linearity of the network is one the search chose: a cell of `skip` and `linear`
 * edges is a linear classifier, one with `relu` or `tanh` edges a multi-layer perceptron. What sits on an edge `e` is either
 * one operation (a discrete architecture, {@link cellModel}) or DARTS' mixed operation
 * (`lib/nas/darts.ts`); {@link cellNetwork} is the part both share.
 *
 * ```ts
 * const space = cellSpace({ nodes: 2 });
 * const model = cellModel(space, [3, 1, 0], { inputs: 196, width: 32 }); // relu, skip, none
 * await fit(model, { train, val }, { optimizer: adam({ lr: 3e-3 }), epochs: 3 });
 * ```
 *
 * @module
 */

import { add, Matrix } from "../core/matrix.ts";
import { Random } from "../core/random.ts";
import { positiveInteger } from "../core/validate.ts";
import { linearBackward, type LinearCache, linearForward } from "../nn/layers/linear.ts";
import type { Model } from "../train/model.ts";
import { opNamed } from "./ops.ts";
import { type Architecture, type CellSpace, checkArchitecture } from "./space.ts";

/** What sits on each edge: a forward/backward pair over the edge's own parameters. */
export interface EdgeFunction {
  forward(edge: number, x: Matrix): { out: Matrix; cache: unknown };
  /** `dx` and the gradients of the edge's parameters, in its own order. */
  backward(edge: number, dout: Matrix, cache: unknown): { dx: Matrix; grads: Matrix[] };
}

/** The stem and classifier around a cell, and its size. */
export interface CellNetworkOptions {
  /** Input features D per example. */
  inputs: number;
  /** Width h of the cell (default 32). */
  width?: number;
  /** Classes (default 10). */
  classes?: number;
  /** Seed of the stem's and classifier's initial weights (default 0). */
  seed?: number;
}

/** What {@link cellNetwork}'s forward pass keeps for the backward pass. */
export interface CellCache {
  stem: LinearCache;
  edges: unknown[];
  head: LinearCache;
  n: number;
}

/** Checks the options shared by the cell networks; returns them with their defaults. */
export function cellOptions(op: string, o: CellNetworkOptions): Required<CellNetworkOptions> {
  const { inputs, width = 32, classes = 10, seed = 0 } = o ?? {};
  positiveInteger(op, "inputs", inputs);
  positiveInteger(op, "width", width);
  positiveInteger(op, "classes", classes);
  return { inputs, width, classes, seed };
}

/**
 * The stem, the cell with `edge` on its edges, and the classifier. `params` are the stem's
 * `[W₀, b₀]`, then `edgeParams` (flattened, edge by edge), then the classifier's `[W, b]`;
 * `backward` returns gradients in that order.
 */
export function cellNetwork(
  space: CellSpace,
  edge: EdgeFunction,
  edgeParams: readonly (readonly Matrix[])[],
  o: CellNetworkOptions,
): Model<CellCache> {
  const { inputs, width, classes, seed } = cellOptions("cellNetwork", o);
  const rng = new Random(seed);
  const stem = [rng.randn(width, inputs, Math.sqrt(1 / inputs)), new Matrix(1, width)];
  const head = [rng.randn(classes, width, Math.sqrt(1 / width)), new Matrix(1, classes)];
  const K = space.nodes;
  return {
    params: [...stem, ...edgeParams.flat(), ...head],
    forward(x) {
      const s = linearForward(x, stem[0], stem[1]);
      const nodes: Matrix[] = [s.out], caches: unknown[] = [];
      for (let i = 1; i <= K; i++) nodes.push(new Matrix(x.rows, width));
      space.edges.forEach(([j, i], e) => {
        const { out, cache } = edge.forward(e, nodes[j]);
        nodes[i] = add(nodes[i], out);
        caches.push(cache);
      });
      let sum = nodes[1];
      for (let i = 2; i <= K; i++) sum = add(sum, nodes[i]);
      const h = linearForward(sum, head[0], head[1]);
      return {
        out: h.out,
        cache: { stem: s.cache, edges: caches, head: h.cache, n: x.rows },
      };
    },
    backward(dout, cache) {
      const hb = linearBackward(dout, cache.head);
      // every intermediate node feeds the sum read by the classifier
      const dnodes: Matrix[] = [new Matrix(cache.n, width)];
      for (let i = 1; i <= K; i++) dnodes.push(hb.dx);
      const edgeGrads: Matrix[][] = [];
      for (let e = space.edges.length - 1; e >= 0; e--) {
        const [j, i] = space.edges[e];
        const { dx, grads } = edge.backward(e, dnodes[i], cache.edges[e]);
        dnodes[j] = add(dnodes[j], dx);
        edgeGrads[e] = grads;
      }
      const sb = linearBackward(dnodes[0], cache.stem, { needsInputGrad: false });
      return [sb.dw, sb.db, ...edgeGrads.flat(), hb.dw, hb.db];
    },
  };
}

/**
 * The network of one discrete architecture: edge `e` carries the operation
 * `space.ops[arch[e]]` with its own parameters (drawn from `o.seed`).
 */
export function cellModel(
  space: CellSpace,
  arch: Architecture,
  o: CellNetworkOptions,
): Model<CellCache> & { arch: Architecture } {
  checkArchitecture("cellModel", space, arch);
  const { width, seed } = cellOptions("cellModel", o);
  const ops = arch.map((k) => opNamed(space.ops[k]));
  const rng = new Random(seed + 1);
  const params = ops.map((op) => op.init(width, rng));
  const model = cellNetwork(
    space,
    {
      forward: (e, x) => ops[e].forward(x, params[e]),
      backward: (e, dout, cache) => ops[e].backward(dout, cache),
    },
    params,
    o,
  );
  return { ...model, arch: [...arch] };
}
