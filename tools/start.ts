/**
 * `deno task start [--kernel tslab]`: registers (or refreshes) the Deno kernel for Jupyter and
 * opens the course at notebooks/. With `--kernel tslab` it also installs tslab (the Node
 * kernel) from npm into dist/tslab/, builds the `@course/*` packages it imports
 * (tools/node/build.ts) and registers it as `tslab`. Other arguments go to Jupyter (e.g.
 * `deno task start --no-browser`).
 */

import {
  JUPYTER_HINT,
  jupyterFrontEnd,
  NOTEBOOKS,
  registerKernel,
  run,
  vendorPlotly,
} from "./jupyter.ts";
import { prepareTslab } from "./node/tslab.ts";

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
if (kernel === "tslab") {
  const dataDir = (await run("jupyter", ["--data-dir"])).stdout.trim();
  try {
    const dir = await prepareTslab(dataDir);
    console.log(
      `tslab kernel registered in ${dir}: in a notebook, choose Kernel → Change kernel → ` +
        `TypeScript (tslab).`,
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
  stdin: "inherit",
}).spawn();
Deno.exit((await child.status).code);
