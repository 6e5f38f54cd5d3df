/**
 * `deno task start` as a learner runs it, with and without `--kernel tslab`: Jupyter comes up
 * serving notebooks/, with the kernel the notebooks name (`deno`) registered and `NO_COLOR=1` in
 * its environment; the EMA notebook is opened in Chromium and run top to bottom in the classic
 * Notebook UI as it is, on Deno by default and on tslab (the Node kernel) with `--kernel tslab`;
 * each time its figures are drawn by the offline `text/html` fallback (plotly.js from
 * notebooks/vendor/, loaded through require.js) and its grading report is shown.
 */

import { expect, it } from "vitest";
import { jupyterFrontEnd } from "../../tools/jupyter.ts";
import { launchChromium } from "../../tools/browser.ts";

const TOKEN = crypto.randomUUID();
const NOTEBOOK = new URL("../../notebooks/10_ema_bias_correction.ipynb", import.meta.url).pathname;

/** A port free now (other checkouts run this test at the same time on the same machine). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function poll(url: string, seconds: number): Promise<Response> {
  const until = Date.now() + seconds * 1000;
  while (true) {
    try {
      const r = await fetch(url);
      if (r.ok) return r;
      await r.body?.cancel();
    } catch { /* not up yet */ }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

type KernelSpecs = { kernelspecs: Record<string, { spec: { argv: string[]; env: object } }> };

/**
 * Runs `deno task start ARGS`, checks what it serves, opens notebook 10 in the classic UI and
 * runs it top to bottom. Returns the kernelspecs and the kernel's `implementation` (from its
 * kernel_info reply) with what the page showed.
 */
async function startAndRun(args: string[]) {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "start", ...args, "--no-browser", `--port=${port}`],
    cwd: new URL("../..", import.meta.url).pathname,
    env: { JUPYTER_TOKEN: TOKEN },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const specs: KernelSpecs = await (await poll(
      `http://127.0.0.1:${port}/api/kernelspecs?token=${TOKEN}`,
      240,
    )).json();
    const contents = await (await poll(`http://127.0.0.1:${port}/api/contents?token=${TOKEN}`, 10))
      .json();
    expect(contents.content.map((c: { name: string }) => c.name)).toContain(
      "10_ema_bias_correction.ipynb",
    );
    expect(await jupyterFrontEnd(), "this UI test drives classic Notebook 6 (Debian's)").toBe(
      "notebook",
    );
    const committed = await Deno.readTextFile(NOTEBOOK);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(
        `http://127.0.0.1:${port}/notebooks/10_ema_bias_correction.ipynb?token=${TOKEN}`,
      );
      await page.waitForFunction(
        "Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected() && Jupyter.notebook.kernel.info_reply",
        null,
        { timeout: 60_000 },
      );
      // Nothing of this run (outputs, kernel metadata) may be saved into the course's file.
      await page.evaluate("Jupyter.notebook.set_autosave_interval(0)");
      await page.evaluate("Jupyter.notebook.execute_all_cells()");
      await page.waitForFunction(
        `Jupyter.notebook.get_cells().every((c) => c.cell_type !== "code" || c.input_prompt_number !== "*") &&
         Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code").every((c) => c.input_prompt_number)`,
        null,
        { timeout: 120_000 },
      );
      await page.waitForTimeout(1000); // figures draw after plotly.js has loaded
      const shown = await page.evaluate(`({
        kernel: Jupyter.notebook.kernel.name,
        implementation: Jupyter.notebook.kernel.info_reply.implementation,
        plots: document.querySelectorAll(".output_html .js-plotly-plot .main-svg").length > 0
          ? document.querySelectorAll(".output_html .js-plotly-plot").length : 0,
        errors: document.querySelectorAll(".output_error").length,
        grade: document.body.innerText.includes("EMA and bias correction"),
      })`) as Record<string, unknown>;
      expect(errors).toEqual([]);
      expect(await Deno.readTextFile(NOTEBOOK), "the notebook's file is left as it was").toBe(
        committed,
      );
      return { specs, shown };
    } finally {
      await browser.close();
    }
  } finally {
    // deno task runs Jupyter as a grandchild: end the whole group.
    child.kill("SIGTERM");
    await child.status;
    await new Deno.Command("pkill", { args: ["-f", `notebook-dir=.*port=${port}`] }).output();
  }
}

it("deno task start serves the course on the Deno kernel", async () => {
  const { specs, shown } = await startAndRun([]);
  expect(specs.kernelspecs.deno.spec.env).toMatchObject({ NO_COLOR: "1" });
  expect(specs.kernelspecs.deno.spec.argv.join(" ")).toMatch(/tools\/kernel\/proxy\.ts/);
  expect(shown).toEqual({
    kernel: "deno",
    implementation: expect.not.stringMatching(/tslab/),
    plots: 5,
    errors: 0,
    grade: true,
  });
}, 300_000);

it("deno task start --kernel tslab serves the same notebooks, unmodified, on tslab", async () => {
  const { specs, shown } = await startAndRun(["--kernel", "tslab"]);
  for (const name of ["deno", "tslab"]) {
    expect(specs.kernelspecs[name].spec.env).toMatchObject({ NO_COLOR: "1" });
    expect(specs.kernelspecs[name].spec.argv[1]).toMatch(
      /dist\/tslab\/node_modules\/tslab\/bin\/tslab$/,
    );
  }
  expect(shown, "the notebook names `deno`; this Jupyter starts tslab for it").toEqual({
    kernel: "deno",
    implementation: "tslab",
    plots: 5,
    errors: 0,
    grade: true,
  });
}, 420_000);
