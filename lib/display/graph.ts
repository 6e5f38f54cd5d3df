/**
 * Drawing a computational graph (a `GraphNode` of lib/nn/graph.ts, or anything shaped like
 * {@link DrawableNode}) as a plotly figure: nodes in columns from the inputs (left) to the output
 * (right), an arrow along every edge, each node's forward value above it and its gradient below
 * it in red.
 *
 * @module
 */

import { Figure, type Layout, type Trace } from "./plot.ts";

/** What drawing needs of a graph node; lib/nn/graph.ts's `GraphNode` has it all. */
export interface DrawableNode {
  /** The operation ("input" for a leaf, "sum", "mul", "max", "sigmoid"). */
  readonly op: string;
  readonly label: string;
  readonly value: number;
  readonly grad: number;
  readonly inputs: readonly DrawableNode[];
  /** `local[k] = ∂value/∂inputs[k]`. */
  readonly local: readonly number[];
  /** The node and all it depends on, inputs first. */
  nodes(): DrawableNode[];
}

/** Where {@link graphLayout} puts a node: its column (0 = leftmost) and height. */
export interface GraphPosition {
  x: number;
  y: number;
}

/**
 * A layered layout of the graph that ends at `output`. Columns: an operation sits one column
 * right of its rightmost input, and an input (a leaf) one column left of the first node that
 * reads it, so parameters sit next to where they are used. Heights, from the output leftwards:
 * each node aims at the mean height of the places where it is read (a node's inputs are spread
 * around it, the first on top), then the nodes of a column are pushed apart to one unit at least.
 */
export function graphLayout(output: DrawableNode): Map<DrawableNode, GraphPosition> {
  const order = output.nodes();
  const readers = new Map<DrawableNode, { node: DrawableNode; k: number }[]>(
    order.map((n) => [n, []]),
  );
  for (const n of order) n.inputs.forEach((input, k) => readers.get(input)!.push({ node: n, k }));
  const column = new Map<DrawableNode, number>();
  for (const n of order) {
    column.set(n, n.inputs.length ? 1 + Math.max(...n.inputs.map((i) => column.get(i)!)) : 0);
  }
  for (const n of order) {
    const r = readers.get(n)!;
    if (!n.inputs.length && r.length) {
      column.set(n, Math.min(...r.map(({ node }) => column.get(node)!)) - 1);
    }
  }
  const y = new Map<DrawableNode, number>();
  const last = column.get(output)!;
  for (let c = last; c >= 0; c--) {
    const here = order.filter((n) => column.get(n) === c);
    const wanted = here.map((n) => {
      const r = readers.get(n)!;
      if (!r.length) return 0;
      // input k of m sits (m − 1)/2 − k above the node that reads it
      return r.reduce((s, { node, k }) => s + y.get(node)! + (node.inputs.length - 1) / 2 - k, 0) /
        r.length;
    });
    const idx = here.map((_, i) => i).sort((a, b) => wanted[b] - wanted[a] || a - b);
    const placed: number[] = [];
    idx.forEach((i, j) => placed.push(j ? Math.min(wanted[i], placed[j - 1] - 1) : wanted[i]));
    const shift = idx.reduce((s, i, j) => s + wanted[i] - placed[j], 0) / idx.length;
    idx.forEach((i, j) => y.set(here[i], placed[j] + shift));
  }
  return new Map(order.map((n) => [n, { x: column.get(n)!, y: y.get(n)! }]));
}

const short = (v: number) => String(Number(v.toPrecision(3)));

/** What a node's circle shows (a leaf shows nothing). */
const SYMBOL: Record<string, string> = { input: "", sum: "+", mul: "×", max: "max", sigmoid: "σ" };

/**
 * The graph that ends at `output` as a figure: leaves as grey squares, operations as circles
 * marked with their symbol, edges as arrows. Above each node `label = value`, below it the
 * gradient in red (call `output.backward()` first); hovering shows the local derivatives too.
 * `layout` is merged into the figure's layout (title, height (default 560), …).
 */
export function graphFigure(output: DrawableNode, layout: Layout = {}): Figure {
  const pos = graphLayout(output);
  const nodes = [...pos.keys()];
  const xs = nodes.map((n) => pos.get(n)!.x), ys = nodes.map((n) => pos.get(n)!.y);
  const leaf = (n: DrawableNode) => n.inputs.length === 0;
  const SIZE = 30;
  const glyph: Trace = {
    type: "scatter",
    mode: "markers+text",
    name: "nodes",
    x: xs,
    y: ys,
    text: nodes.map((n) => SYMBOL[n.op] ?? n.op),
    textposition: "middle center",
    textfont: { size: 13 },
    marker: {
      size: SIZE,
      symbol: nodes.map((n) => (leaf(n) ? "square" : "circle")),
      color: nodes.map((n) => (leaf(n) ? "#e8e8e8" : "#ffffff")),
      line: { color: "#555", width: 1.5 },
    },
    hovertext: nodes.map((n) =>
      `${n.label}: ${n.op}<br>value ${n.value}<br>gradient ${n.grad}` +
      (n.inputs.length
        ? `<br>local: ${n.inputs.map((i, k) => `∂/∂${i.label} = ${short(n.local[k])}`).join(", ")}`
        : "")
    ),
    hoverinfo: "text",
  };
  const words = (name: string, text: string[], position: string, color: string): Trace => ({
    type: "scatter",
    name,
    mode: "markers+text",
    x: xs,
    y: ys,
    text,
    textposition: position,
    textfont: { size: 12, color },
    marker: { size: SIZE, opacity: 0 },
    hoverinfo: "skip",
  });
  const arrows = nodes.flatMap((n) =>
    n.inputs.map((input) => ({
      x: pos.get(n)!.x,
      y: pos.get(n)!.y,
      ax: pos.get(input)!.x,
      ay: pos.get(input)!.y,
      xref: "x",
      yref: "y",
      axref: "x",
      ayref: "y",
      text: "",
      showarrow: true,
      arrowhead: 2,
      arrowwidth: 1.2,
      arrowcolor: "#999",
      standoff: SIZE / 2 + 1,
      startstandoff: SIZE / 2 + 1,
    }))
  );
  const hidden = { visible: false, zeroline: false, showgrid: false };
  const span = (v: number[], pad: number) => [Math.min(...v) - pad, Math.max(...v) + pad];
  return new Figure([
    glyph,
    words("values", nodes.map((n) => `${n.label} = ${short(n.value)}`), "top center", "#222"),
    words("gradients", nodes.map((n) => short(n.grad)), "bottom center", "#d62728"),
  ], {
    showlegend: false,
    height: 560,
    annotations: arrows,
    xaxis: { ...hidden, range: span(xs, 0.5) },
    yaxis: { ...hidden, range: span(ys, 0.6) },
    margin: { t: 48, r: 16, b: 16, l: 16 },
    ...layout,
  });
}
