/**
 * A computational graph of scalar operations and its backward pass (reverse-mode automatic
 * differentiation), the picture CS231n draws for backprop and micrograd builds in 94 lines.
 *
 * ```ts
 * const x = GraphNode.input(3, { label: "x" }), y = GraphNode.input(-4, { label: "y" });
 * const f = GraphNode.mul(x, y, { label: "f" });
 * f.backward(); // x.grad === -4, y.grad === 3
 * ```
 *
 * Each node holds its forward `value` and, for each of its inputs, the local derivative
 * `∂value/∂input` (fixed when the node is made). `backward()` visits the nodes from the output
 * down, in reverse topological order, and gives every input `upstream × local`:
 * `input.grad += node.grad · ∂node/∂input`. A value that feeds several nodes collects the sum
 * of what each sends back.
 *
 * The gates and what they do to the gradient on the way back:
 * - `sum` distributes: local derivative 1, every input gets the upstream gradient unchanged;
 * - `mul` swaps: `∂(ab)/∂a = b`, so each input gets the upstream gradient times the *other*
 *   input's value;
 * - `max` routes: the larger input gets the whole upstream gradient, the other 0 (at a tie half
 *   each, as `torch.maximum`);
 * - `sigmoid`: local derivative `σ(z)(1 − σ(z))`.
 *
 * @module
 */

import { sigmoid as sigmoidActivation } from "./activations.ts";

/** The operations a {@link GraphNode} can hold. */
export type GraphOp = "input" | "sum" | "mul" | "max" | "sigmoid";

/** Options of every {@link GraphNode} constructor. */
export interface GraphNodeOptions {
  /** The name shown in tables and figures (default: the operation, e.g. "×"). */
  label?: string;
}

const SYMBOL: Record<GraphOp, string> = {
  input: "input",
  sum: "+",
  mul: "×",
  max: "max",
  sigmoid: "σ",
};

/** One node of a computational graph: a value, its inputs, and after `backward` its gradient. */
export class GraphNode {
  /** ∂(output)/∂(this node) after the output's {@link GraphNode.backward}; 0 before. */
  grad = 0;

  private constructor(
    /** The operation that made the value. */
    readonly op: GraphOp,
    /** The forward value. */
    readonly value: number,
    /** The nodes the value was computed from (none for an input). */
    readonly inputs: readonly GraphNode[],
    /** `local[k] = ∂value/∂inputs[k]`, at the forward values. */
    readonly local: readonly number[],
    /** The name shown in tables and figures. */
    readonly label: string,
  ) {}

  private static make(
    op: GraphOp,
    value: number,
    inputs: GraphNode[],
    local: number[],
    o: GraphNodeOptions,
  ): GraphNode {
    inputs.forEach((n, k) => {
      if (!(n instanceof GraphNode)) {
        throw new TypeError(`GraphNode.${op}: input ${k} is not a GraphNode`);
      }
    });
    return new GraphNode(op, value, inputs, local, o.label ?? SYMBOL[op]);
  }

  /** A leaf: an input or a parameter, holding a finite number. */
  static input(value: number, o: GraphNodeOptions = {}): GraphNode {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new RangeError(`GraphNode.input: the value must be a finite number, got ${value}`);
    }
    return GraphNode.make("input", value, [], [], o);
  }

  /** The sum of one or more nodes; each local derivative is 1. */
  static sum(inputs: readonly GraphNode[], o: GraphNodeOptions = {}): GraphNode {
    if (!Array.isArray(inputs) || inputs.length === 0) {
      throw new RangeError("GraphNode.sum: needs at least one input");
    }
    return GraphNode.make(
      "sum",
      inputs.reduce((s, n) => s + n?.value, 0),
      [...inputs],
      inputs.map(() => 1),
      o,
    );
  }

  /** The product `a·b`; local derivatives `b` and `a`. */
  static mul(a: GraphNode, b: GraphNode, o: GraphNodeOptions = {}): GraphNode {
    return GraphNode.make("mul", a?.value * b?.value, [a, b], [b?.value, a?.value], o);
  }

  /** `max(a, b)`; local derivative 1 for the larger input, 0 for the other, ½ each at a tie. */
  static max(a: GraphNode, b: GraphNode, o: GraphNodeOptions = {}): GraphNode {
    const local = a?.value > b?.value ? [1, 0] : a?.value < b?.value ? [0, 1] : [0.5, 0.5];
    return GraphNode.make("max", Math.max(a?.value, b?.value), [a, b], local, o);
  }

  /** `σ(a) = 1/(1 + e^{−a})`; local derivative `σ(a)(1 − σ(a))`. */
  static sigmoid(a: GraphNode, o: GraphNodeOptions = {}): GraphNode {
    return GraphNode.make(
      "sigmoid",
      sigmoidActivation.f(a?.value),
      [a],
      [sigmoidActivation.df(a?.value)],
      o,
    );
  }

  /** This node and every node it depends on, each once, inputs before the nodes they feed. */
  nodes(): GraphNode[] {
    const order: GraphNode[] = [];
    const seen = new Set<GraphNode>();
    const visit = (n: GraphNode) => {
      if (seen.has(n)) return;
      seen.add(n);
      n.inputs.forEach(visit);
      order.push(n);
    };
    visit(this);
    return order;
  }

  /**
   * Backpropagation from this node: sets `grad = ∂(this)/∂node` on every node of its graph
   * (this one gets 1) and returns the nodes in topological order (inputs first).
   */
  backward(): GraphNode[] {
    const order = this.nodes();
    for (const n of order) n.grad = 0;
    this.grad = 1;
    for (let i = order.length - 1; i >= 0; i--) {
      const n = order[i];
      n.inputs.forEach((input, k) => {
        input.grad += n.grad * n.local[k]; // upstream × local, summed over the paths
      });
    }
    return order;
  }
}
