/**
 * lib/display/plot.ts and lib/display/table.ts: what a notebook cell shows is a MIME bundle built from plain
 * data, so it can be checked without a kernel.
 */

import { describe, expect, it } from "vitest";
import { Figure, linePlot, PLOTLY_MIME, PLOTLY_PATH } from "../../lib/display/plot.ts";
import { confusionFigure } from "../../lib/display/confusion.ts";
import { table } from "../../lib/display/table.ts";

const display = (x: object) =>
  (x as Record<symbol, () => Record<string, unknown>>)[Symbol.for("Jupyter.display")]();

describe("Figure", () => {
  const fig = linePlot([1, 2, 3], { raw: [1, 2, 3], corrected: [3, 2, 1] }, { title: "EMA" });

  it("renders as plotly JSON, an offline HTML fallback and a line of text", () => {
    const bundle = display(fig);
    expect(Object.keys(bundle).sort()).toEqual([PLOTLY_MIME, "text/html", "text/plain"].sort());
    const json = bundle[PLOTLY_MIME] as { data: { name: string; y: number[] }[]; layout: object };
    expect(json.data.map((t) => t.name)).toEqual(["raw", "corrected"]);
    expect(json.layout).toMatchObject({ title: { text: "EMA" } }); // plotly.js 3 wants an object
    expect(bundle["text/plain"]).toBe('Figure "EMA": 2 trace(s) [raw, corrected]');
  });

  it("loads plotly from beside the notebook, through require.js when the page has it", () => {
    const html = display(fig)["text/html"] as string;
    expect(html).toContain(`new URL("${PLOTLY_PATH}", document.baseURI)`);
    expect(html).toContain("window.require.config({ paths: paths })");
    expect(html).toContain("resolve(P || window.Plotly)");
    expect(html).not.toMatch(/https?:\/\//); // nothing fetched from outside
  });

  it("falls back on the course's copy from disk, and otherwise says what is missing", () => {
    const html = display(fig)["text/html"] as string;
    const course = new URL("../../notebooks/vendor/plotly.min.js", import.meta.url).href;
    expect(html).toContain(
      `if (location.protocol === "file:") sources.push(${JSON.stringify(course)})`,
    );
    expect(html).toContain("plotly.js was not found at vendor/plotly.min.js beside this page");
    expect(html).toContain('"Figure \\"EMA\\": 2 trace(s) [raw, corrected]"');
  });

  it("keeps a </script> inside the data from closing the script", () => {
    const html = new Figure([{ name: "</script><b>x" }]).toHTML("f");
    expect(html.match(/<\/script>/g)?.length).toBe(1);
  });

  it("names the series whose length does not match x", () => {
    expect(() => linePlot([1, 2], { bad: [1] })).toThrow(
      'linePlot: series "bad" has 1 points, x has 2',
    );
  });
});

describe("table", () => {
  const t = table(
    [{ t: 1, "v_t": 0.123456789, note: "<b>" }, { t: 2, "v_t": 2, note: "ok" }],
    "cap",
  );

  it("shows aligned text with six significant digits", () => {
    expect(t.toText().split("\n")).toEqual([
      "cap",
      "t  v_t       note",
      "-  --------  ----",
      "1  0.123457  <b>",
      "2  2         ok",
    ]);
  });

  it("escapes HTML", () => {
    const html = display(t)["text/html"] as string;
    expect(html).toContain("<td>&lt;b&gt;</td>");
    expect(html).toContain("<caption>cap</caption>");
  });
});

describe("confusionFigure", () => {
  it("draws counts or row shares, true classes down the rows, the scale capped at the largest mistake", () => {
    const m = [[8, 2], [1, 9]];
    const counts = confusionFigure(m, ["a", "b"], { title: "t" }).toJSON();
    const trace = counts.data[0] as Record<string, unknown>;
    expect(trace.type).toBe("heatmap");
    expect(trace.z).toEqual(m);
    expect(trace.zmax).toBe(2);
    expect((counts.layout.yaxis as Record<string, unknown>).autorange).toBe("reversed");
    const shares = confusionFigure(m, ["a", "b"], { normalize: "true" }).toJSON();
    expect((shares.data[0] as Record<string, unknown>).z).toEqual([[0.8, 0.2], [0.1, 0.9]]);
    expect(() => confusionFigure([[1]], ["a", "b"])).toThrow(/2×2 matrix/);
  });
});
