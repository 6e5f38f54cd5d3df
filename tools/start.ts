/**
 * `deno task start`: registers (or refreshes) the Deno kernel for Jupyter and opens the course
 * at notebooks/. Extra arguments go to Jupyter (e.g. `deno task start --no-browser`).
 */

import {
  JUPYTER_HINT,
  jupyterFrontEnd,
  NOTEBOOKS,
  registerKernel,
  vendorPlotly,
} from "./jupyter.ts";

const frontEnd = await jupyterFrontEnd();
if (!frontEnd) {
  console.error(JUPYTER_HINT);
  Deno.exit(1);
}
const kernelDir = await registerKernel();
await vendorPlotly();
console.log(`Deno kernel registered in ${kernelDir} (with the output-order proxy, NO_COLOR=1).`);
console.log(
  `Opening the course in Jupyter ${frontEnd === "lab" ? "Lab" : "Notebook"}: ${NOTEBOOKS}`,
);
// Jupyter refuses to run as root (common in containers) unless told it may.
const asRoot = Deno.uid() === 0 ? ["--allow-root"] : [];
const child = new Deno.Command("jupyter", {
  args: [frontEnd, `--notebook-dir=${NOTEBOOKS}`, ...asRoot, ...Deno.args],
  stdin: "inherit",
}).spawn();
Deno.exit((await child.status).code);
