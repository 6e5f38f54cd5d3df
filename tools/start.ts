/**
 * `deno task start [--kernel tslab]`: registers (or refreshes) the Deno kernel for Jupyter and
 * opens the course at notebooks/. With `--kernel tslab` it also installs tslab (the Node
 * kernel) from npm into dist/tslab/, builds the `@course/*` packages it imports
 * (tools/node/build.ts), registers it as `tslab`, and serves the notebooks on it: for this
 * Jupyter only, their kernel name `deno` starts tslab (a `deno` kernelspec in dist/jupyter-tslab/,
 * first on `JUPYTER_PATH`), so every notebook opens on tslab as it is. Other arguments go to
 * Jupyter (e.g. `deno task start --no-browser`).
 */

import {
  JUPYTER_HINT,
  jupyterFrontEnd,
  NOTEBOOKS,
  registerKernel,
  ROOT,
  run,
  vendorPlotly,
  writeKernelSpec,
} from "./jupyter.ts";
import { prepareTslab, tslabKernelSpec } from "./node/tslab.ts";

const args = [...Deno.args];
const at = args.indexOf("--kernel");
const kernel = at >= 0 ? args.splice(at, 2)[1] : "deno";
if (kernel !== "deno" && kernel !== "tslab") {
  console.error(`--kernel must be deno (the default) or tslab, not ${kernel}`);
  Deno.exit(2);
}

const frontEnd = await jupyterFrontEnd();
if (!frontEnd) {
  console.error(JUPYTER_HINT);
  Deno.exit(1);
}
const kernelDir = await registerKernel();
await vendorPlotly();
console.log(`Deno kernel registered in ${kernelDir} (with the output-order proxy, NO_COLOR=1).`);
const env: Record<string, string> = {};
if (kernel === "tslab") {
  const dataDir = (await run("jupyter", ["--data-dir"])).stdout.trim();
  try {
    const dir = await prepareTslab(dataDir);
    const session = `${ROOT}dist/jupyter-tslab`;
    await writeKernelSpec(session, "deno", await tslabKernelSpec());
    env.JUPYTER_PATH = [session, Deno.env.get("JUPYTER_PATH")].filter(Boolean).join(":");
    console.log(
      `tslab kernel registered in ${dir}. This Jupyter runs the notebooks on tslab (their kernel ` +
        `name, deno, starts tslab here); \`deno task start\` runs them on Deno, where Kernel → ` +
        `Change kernel → TypeScript (tslab) switches one notebook.`,
    );
  } catch (e) {
    console.error((e as Error).message);
    Deno.exit(1);
  }
}
console.log(
  `Opening the course in Jupyter ${frontEnd === "lab" ? "Lab" : "Notebook"}: ${NOTEBOOKS}`,
);
// Jupyter refuses to run as root (common in containers) unless told it may.
const asRoot = Deno.uid() === 0 ? ["--allow-root"] : [];
const child = new Deno.Command("jupyter", {
  args: [frontEnd, `--notebook-dir=${NOTEBOOKS}`, ...asRoot, ...args],
  env,
  stdin: "inherit",
}).spawn();
Deno.exit((await child.status).code);
