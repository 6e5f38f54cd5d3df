/**
 * `deno task start --kernel tslab` as a learner runs it: Jupyter comes up serving notebooks/,
 * with the `deno` kernel registered and `NO_COLOR=1` in its environment, and tslab (the Node
 * kernel) registered beside it; then the EMA notebook is opened in Chromium and run top to
 * bottom in the classic Notebook UI, on Deno and then, after Kernel → Change kernel, on tslab,
 * and each time its figures are drawn by the offline `text/html` fallback (plotly.js from
 * notebooks/vendor/, loaded through require.js) and its grading report is shown.
 */

import { expect, it } from "vitest";
import { jupyterFrontEnd } from "../../tools/jupyter.ts";
import { launchChromium } from "../../tools/browser.ts";

/** A port free now (other checkouts run this test at the same time on the same machine). */
const PORT = (() => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
})();
const TOKEN = crypto.randomUUID();
const NOTEBOOK = new URL("../../notebooks/10_ema_bias_correction.ipynb", import.meta.url).pathname;

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

it("deno task start --kernel tslab serves the course on the Deno kernel and on tslab", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "start", "--kernel", "tslab", "--no-browser", `--port=${PORT}`],
    cwd: new URL("../..", import.meta.url).pathname,
    env: { JUPYTER_TOKEN: TOKEN },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const specs = await (await poll(`http://127.0.0.1:${PORT}/api/kernelspecs?token=${TOKEN}`, 240))
      .json();
    expect(specs.kernelspecs.deno.spec.env).toMatchObject({ NO_COLOR: "1" });
    expect(specs.kernelspecs.tslab.spec.env).toMatchObject({ NO_COLOR: "1" });
    expect(specs.kernelspecs.tslab.spec.argv[1]).toMatch(
      /dist\/tslab\/node_modules\/tslab\/bin\/tslab$/,
    );
    const contents = await (await poll(`http://127.0.0.1:${PORT}/api/contents?token=${TOKEN}`, 10))
      .json();
    const names = contents.content.map((c: { name: string }) => c.name);
    expect(names).toContain("10_ema_bias_correction.ipynb");

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
        `http://127.0.0.1:${PORT}/notebooks/10_ema_bias_correction.ipynb?token=${TOKEN}`,
      );
      await page.waitForFunction(
        "Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()",
        null,
        {
          timeout: 30_000,
        },
      );
      // Nothing of this run (outputs, the changed kernel) may be saved into the course's file.
      await page.evaluate("Jupyter.notebook.set_autosave_interval(0)");
      const runAll = async () => {
        await page.evaluate("Jupyter.notebook.clear_all_output()");
        await page.evaluate("Jupyter.notebook.execute_all_cells()");
        await page.waitForFunction(
          `Jupyter.notebook.get_cells().every((c) => c.cell_type !== "code" || c.input_prompt_number !== "*") &&
           Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code").every((c) => c.input_prompt_number)`,
          null,
          { timeout: 120_000 },
        );
        await page.waitForTimeout(1000); // figures draw after plotly.js has loaded
        return await page.evaluate(`({
          plots: document.querySelectorAll(".output_html .js-plotly-plot .main-svg").length > 0
            ? document.querySelectorAll(".output_html .js-plotly-plot").length : 0,
          errors: document.querySelectorAll(".output_error").length,
          grade: document.body.innerText.includes("EMA and bias correction"),
        })`) as { plots: number; errors: number; grade: boolean };
      };
      expect(await runAll()).toEqual({ plots: 5, errors: 0, grade: true });
      await page.evaluate(`Jupyter.notebook.kernel_selector.set_kernel("tslab")`);
      await page.waitForFunction(
        `Jupyter.notebook.kernel && Jupyter.notebook.kernel.name === "tslab" &&
         Jupyter.notebook.kernel.is_connected()`,
        null,
        { timeout: 60_000 },
      );
      expect(await runAll(), "the same notebook on tslab").toEqual({
        plots: 5,
        errors: 0,
        grade: true,
      });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    expect(await Deno.readTextFile(NOTEBOOK), "the notebook's file is left as it was").toBe(
      committed,
    );
  } finally {
    // deno task runs Jupyter as a grandchild: end the whole group.
    child.kill("SIGTERM");
    await child.status;
    await new Deno.Command("pkill", { args: ["-f", `notebook-dir=.*port=${PORT}`] }).output();
  }
}, 420_000);
