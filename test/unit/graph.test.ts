/**
 * lib/nn/graph.ts and lib/display/graph.ts: the values and gradients of a computational graph
 * against central differences and the gates' rules (add distributes, multiply swaps, max routes,
 * sums over shared paths); the layout reads left to right; the figure draws every edge.
 */
import { describe, expect, it } from "vitest";
import { GraphNode } from "../../lib/nn/graph.ts";
import { graphFigure, graphLayout } from "../../lib/display/graph.ts";
import { sigmoid } from "../../lib/nn/activations.ts";

const I = (v: number, label?: string) => GraphNode.input(v, { label });

/** f = σ(x·y + max(z, w)) · x + c, with x used twice. */
function build([x, y, z, w, c]: number[]) {
  const leaves = [I(x, "x"), I(y, "y"), I(z, "z"), I(w, "w"), I(c, "c")];
  const [X, Y, Z, W, C] = leaves;
  const inner = GraphNode.sum([GraphNode.mul(X, Y), GraphNode.max(Z, W)]);
  const out = GraphNode.sum([GraphNode.mul(GraphNode.sigmoid(inner), X), C], { label: "f" });
  return { leaves, out };
}

describe("GraphNode", () => {
  it("backward gives every leaf the central-difference gradient", () => {
    const at = [0.7, -1.3, 0.4, -0.2, 2.0];
    const { leaves, out } = build(at);
    out.backward();
    const h = 1e-6;
    at.forEach((_, k) => {
      const plus = at.map((v, j) => (j === k ? v + h : v));
      const minus = at.map((v, j) => (j === k ? v - h : v));
      const numeric = (build(plus).out.value - build(minus).out.value) / (2 * h);
      expect(leaves[k].grad).toBeCloseTo(numeric, 8);
    });
    const s = sigmoid.f(0.7 * -1.3 + 0.4);
    expect(out.value).toBeCloseTo(s * 0.7 + 2, 14);
    expect(out.grad).toBe(1);
  });

  it("add distributes, multiply swaps, max routes (ties split as torch.maximum)", () => {
    const a = I(3), b = I(-4);
    const sum = GraphNode.sum([a, b]);
    sum.backward();
    expect([a.grad, b.grad]).toEqual([1, 1]);
    const prod = GraphNode.mul(a, b);
    prod.backward();
    expect([a.grad, b.grad]).toEqual([-4, 3]);
    const big = GraphNode.max(a, b);
    big.backward();
    expect([a.grad, b.grad]).toEqual([1, 0]);
    const tie = GraphNode.max(I(2), I(2));
    tie.backward();
    expect(tie.inputs.map((n) => n.grad)).toEqual([0.5, 0.5]);
  });

  it("upstream × local: a gate scales what arrives by its local derivative", () => {
    const z = I(0.3);
    const a = GraphNode.sigmoid(z);
    const f = GraphNode.mul(a, I(-2.5));
    f.backward();
    expect(a.grad).toBe(-2.5);
    expect(z.grad).toBeCloseTo(-2.5 * sigmoid.df(0.3), 15);
    expect(a.local).toEqual([sigmoid.df(0.3)]);
  });

  it("a value used along several paths collects the sum: d(x·x + x)/dx = 2x + 1", () => {
    const x = I(1.5);
    const f = GraphNode.sum([GraphNode.mul(x, x), x]);
    f.backward();
    expect(x.grad).toBe(4);
  });

  it("backward can be run again (gradients are reset, not accumulated)", () => {
    const { leaves, out } = build([0.1, 0.2, 0.3, 0.4, 0.5]);
    out.backward();
    const first = leaves.map((n) => n.grad);
    out.backward();
    expect(leaves.map((n) => n.grad)).toEqual(first);
  });

  it("lists each node once, inputs before the nodes that read them", () => {
    const { out } = build([1, 2, 3, 4, 5]);
    const order = out.nodes();
    expect(new Set(order).size).toBe(order.length);
    order.forEach((n, i) =>
      n.inputs.forEach((input) => expect(order.indexOf(input)).toBeLessThan(i))
    );
    expect(order.at(-1)).toBe(out);
  });

  it("refuses bad input with the constructor's name", () => {
    expect(() => I(NaN)).toThrow(/^GraphNode\.input: .*finite.*NaN/);
    expect(() => I(Infinity)).toThrow(/^GraphNode\.input/);
    expect(() => GraphNode.sum([])).toThrow(/^GraphNode\.sum: needs at least one input/);
    expect(() => GraphNode.mul(I(1), 2 as unknown as GraphNode)).toThrow(
      /^GraphNode\.mul: input 1 is not a GraphNode/,
    );
  });
});

describe("graphLayout and graphFigure", () => {
  const { out } = build([0.7, -1.3, 0.4, -0.2, 2.0]);
  out.backward();
  const pos = graphLayout(out);

  it("puts every node right of its inputs, leaves next to their first reader", () => {
    for (const [n, p] of pos) {
      for (const input of n.inputs) expect(pos.get(input)!.x).toBeLessThan(p.x);
    }
    const x = [...pos.keys()].find((n) => n.label === "x")!;
    const readers = [...pos.keys()].filter((n) => n.inputs.includes(x));
    expect(pos.get(x)!.x).toBe(Math.min(...readers.map((n) => pos.get(n)!.x)) - 1);
    expect(pos.get(out)!.x).toBe(Math.max(...[...pos.values()].map((p) => p.x)));
  });

  it("keeps the nodes of a column at least one unit apart", () => {
    const columns = new Set([...pos.values()].map((p) => p.x));
    for (const x of columns) {
      const ys = [...pos.values()].filter((p) => p.x === x).map((p) => p.y).sort((a, b) => a - b);
      ys.slice(1).forEach((y, i) => expect(y - ys[i]).toBeGreaterThanOrEqual(1 - 1e-12));
    }
  });

  it("draws one arrow per edge and writes values and gradients on the nodes", () => {
    const fig = graphFigure(out, { title: "t" });
    const edges = out.nodes().reduce((s, n) => s + n.inputs.length, 0);
    expect((fig.layout.annotations as unknown[]).length).toBe(edges);
    const [glyph, values, grads] = fig.data;
    expect((glyph.text as string[]).filter((t) => t === "×")).toHaveLength(2);
    expect(values.text).toContain(`f = ${Number(out.value.toPrecision(3))}`);
    expect(grads.text).toContain(String(Number(out.nodes()[0].grad.toPrecision(3))));
    expect(fig.layout.height).toBe(560);
    expect(graphFigure(out, { height: 300 }).layout.height).toBe(300);
  });
});
