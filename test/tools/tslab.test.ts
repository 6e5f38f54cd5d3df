/**
 * The tslab (Node) side of the course without a kernel: the `@course/*` packages as Node loads
 * them (one copy of lib/, values that show themselves through tslab's display writer as one
 * MIME bundle, the Deno grader as a subprocess, Fashion-MNIST read with Node's files), the
 * build's import rewriting, and the fix of tslab's compiler for shorthand properties. The
 * notebooks themselves run on tslab in test/e2e/course.test.ts.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../tools/jupyter.ts";
import { importLibPackage } from "../../tools/node/build.ts";
import { prepareTslab, TSLAB_DIR } from "../../tools/node/tslab.ts";

beforeAll(async () => {
  await prepareTslab(`${ROOT}dist/jupyter`);
}, 300_000);

/** Runs an ES module script on Node from notebooks/ (where tslab runs); returns its stdout. */
async function node(script: string, env: Record<string, string> = {}): Promise<string> {
  const out = await new Deno.Command("node", {
    args: ["--input-type=module", "-e", script],
    cwd: `${ROOT}notebooks`,
    env: { NO_COLOR: "1", COURSE_DENO: Deno.execPath(), ...env },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`node failed:\n${stderr}`);
  return new TextDecoder().decode(out.stdout);
}

/** A fake tslab in Node's module cache: its display writer records what it is sent. */
const FAKE_TSLAB = `
import { createRequire } from "node:module";
const require = createRequire(process.cwd() + "/x.js");
const sent = [];
const key = "/fake/node_modules/tslab/dist/jupyter.js";
require.cache[key] = { id: key, filename: key, loaded: true,
  exports: { lastWriteDisplayData: (content, update) => sent.push({ content, update }) } };
`;

describe("the @course packages on Node", () => {
  it("share one copy of lib/: a Matrix read by @course/fashion-mnist is @course/lib's", async () => {
    const out = await node(`
      import { Matrix } from "@course/lib";
      import { loadFashionMnist } from "@course/fashion-mnist";
      const { x, y } = await loadFashionMnist("test", { limit: 3 });
      console.log(JSON.stringify({ same: x instanceof Matrix, rows: x.rows, cols: x.cols, y }));
    `);
    expect(JSON.parse(out)).toEqual({ same: true, rows: 3, cols: 784, y: [9, 2, 1] });
  });

  it("print a figure or table as its text outside tslab", async () => {
    const out = await node(`
      import { table } from "@course/lib";
      console.log(table([{ a: 1, b: 0.5 }], "caption"));
    `);
    expect(out).toBe("caption\na  b\n-  --------\n1  0.500000\n");
  });

  it("show a cell's value in tslab as one display_data with all its MIME types, no blank line", async () => {
    const out = await node(`${FAKE_TSLAB}
      const { Figure, table } = await import("@course/lib");
      const writes = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = (chunk, ...rest) => (writes.push(chunk), true);
      console.log(new Figure([{ type: "scatter", x: [1, 2], y: [3, 4], name: "line" }], {}));
      console.log([table([{ a: 1 }])]); // nested: printed, not displayed
      process.stdout.write = write;
      console.log(JSON.stringify({
        sent: sent.map((s) => Object.keys(s.content.data).sort()),
        traces: sent[0].content.data["application/vnd.plotly.v1+json"].data.length,
        writes,
      }));
    `);
    const got = JSON.parse(out);
    expect(got.sent).toEqual([["application/vnd.plotly.v1+json", "text/html", "text/plain"]]);
    expect(got.traces).toBe(1);
    expect(got.writes).toHaveLength(1);
    expect(got.writes[0]).toBe("[\n  a\n  -\n  1\n]\n");
  });

  it("redraw the progress figure in place: one display id, then updates", async () => {
    const out = await node(`${FAKE_TSLAB}
      const { fit, mlp, sgd, spirals } = await import("@course/lib");
      const { progress } = await import("@course/progress");
      const data = spirals({ perClass: 10, seed: 1 });
      await fit(mlp([2, 4, 3]), { train: data }, {
        optimizer: sgd({ lr: 0.1 }), epochs: 3, onEpoch: progress({ epochs: 3 }),
      });
      console.log(JSON.stringify(sent.map((s) => [s.content.transient.display_id, s.update])));
    `);
    const sent: [string, boolean][] = JSON.parse(out);
    expect(sent.map((s) => s[1])).toEqual([false, true, true]);
    expect(new Set(sent.map((s) => s[0])).size).toBe(1);
    expect(sent[0][0]).toMatch(/^progress-/);
  });

  it("grade with the Deno grader: the report's HTML and text, a misspelt name's message", async () => {
    const out = await node(`
      import { check } from "@course/grader";
      const report = await check("ema", { dir: ${JSON.stringify(`${ROOT}solutions`)} });
      const missing = await check("emma").catch((e) => e.message);
      console.log(JSON.stringify({ text: String(report), html: report.bundle["text/html"], missing }));
    `);
    const got = JSON.parse(out);
    expect(got.text).toMatch(/^EMA and bias correction \(solutions\/ema\.ts\): (\d+)\/\1/);
    expect(got.html).toMatch(/<table>/);
    expect(got.missing).toMatch(/there is no exercise named "emma"; the exercises are: .*\bema\b/);
  });
});

describe("the build", () => {
  it("points imports of lib/ sources at @course/lib, once per imported line", () => {
    const code = [
      `import { Figure } from "${ROOT}lib/display/plot.ts";`,
      'import type { Dataset } from "../lib/data/synthetic.ts";',
      'import type { Dataset } from "../../lib/mod.ts";',
      'import { x } from "./other.ts";',
    ].join("\n");
    expect(importLibPackage(code).split("\n")).toEqual([
      'import { Figure } from "@course/lib";',
      'import type { Dataset } from "@course/lib";',
      'import { x } from "./other.ts";',
    ]);
  });
});

describe("tslab's compiler, as installed", () => {
  it("reads an earlier cell's variable written as a shorthand property", async () => {
    const converter = `${TSLAB_DIR}/node_modules/tslab/dist/converter.js`;
    const out = await node(`
      import { createRequire } from "node:module";
      const { createConverter } = createRequire(import.meta.url)(${JSON.stringify(converter)});
      const conv = createConverter();
      const first = conv.convert("", "const lr = 0.1;");
      const second = conv.convert(first.declOutput, "const o = { lr, h: 2 };");
      conv.close();
      console.log(JSON.stringify(second.output));
    `);
    expect(JSON.parse(out)).toMatch(/const o = \{ lr: exports\.lr, h: 2 \};/);
  });
});
