/**
 * Jupyter plumbing shared by `deno task start`, `deno task slides` and the tests: finding
 * Jupyter, registering the Deno kernel, vendoring plotly.js beside the notebooks, and
 * executing notebooks headless with tools/execute_notebook.py.
 */

/** The repository root, with a trailing slash. */
export const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);
export const NOTEBOOKS = `${ROOT}notebooks`;

/** The install hint shown when Jupyter is missing. */
export const JUPYTER_HINT =
  "Jupyter is not installed. Install it with `sudo apt-get install jupyter-notebook " +
  "jupyter-nbconvert python3-nbclient` (Debian/Ubuntu) or `pip install notebook`, then try again.";

/** Runs a command, returning its exit code and output; a missing program gives code 127. */
export async function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const out = await new Deno.Command(cmd, { args, ...opts, stdin: "null" }).output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { code: 127, stdout: "", stderr: `${cmd}: not found` };
    }
    throw e;
  }
}

/** Which Jupyter front end is installed: JupyterLab, classic Notebook, or none. */
export async function jupyterFrontEnd(): Promise<"lab" | "notebook" | undefined> {
  if ((await run("jupyter", ["lab", "--version"])).code === 0) return "lab";
  if ((await run("jupyter", ["notebook", "--version"])).code === 0) return "notebook";
  return undefined;
}

/** A Python that can import nbclient (Debian's is /usr/bin/python3; a pyenv may shadow it). */
export async function findPython(): Promise<string | undefined> {
  for (const py of [Deno.env.get("COURSE_PYTHON"), "/usr/bin/python3", "python3"]) {
    if (py && (await run(py, ["-c", "import nbclient, nbformat"])).code === 0) return py;
  }
  return undefined;
}

/** A Jupyter kernelspec (kernel.json). */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  env: Record<string, string>;
  interrupt_mode: "signal";
}

/**
 * The course's `deno` kernel: tools/kernel/proxy.ts in front of `deno jupyter --kernel`, so that
 * no output arrives after its cell has finished (README, Troubleshooting). `NO_COLOR=1` keeps
 * ANSI colour codes out of plain-text outputs. `plain` gives the kernel as `deno jupyter
 * --install` registers it (with `NO_COLOR=1`), for side-by-side measurements.
 */
export function kernelSpec({ plain = false } = {}): KernelSpec {
  const deno = Deno.execPath();
  return {
    argv: plain
      ? [deno, "jupyter", "--kernel", "--conn", "{connection_file}"]
      : [deno, "run", "-A", "--no-config", `${ROOT}tools/kernel/proxy.ts`, "{connection_file}"],
    display_name: plain ? "Deno (plain)" : "Deno",
    language: "typescript",
    env: { NO_COLOR: "1" },
    interrupt_mode: "signal",
  };
}

/** Writes `spec` as kernel `name` under a Jupyter data folder; returns the kernel's folder. */
export async function writeKernelSpec(
  dataDir: string,
  name: string,
  spec: KernelSpec,
): Promise<string> {
  const dir = `${dataDir}/kernels/${name}`;
  await Deno.mkdir(dir, { recursive: true });
  // Written aside and renamed: a Jupyter started meanwhile never reads half a file.
  const temp = await Deno.makeTempFile({ dir, suffix: ".tmp" });
  await Deno.writeTextFile(temp, JSON.stringify(spec, null, 2) + "\n");
  await Deno.rename(temp, `${dir}/kernel.json`);
  return dir;
}

/**
 * Registers (or refreshes) the course's `deno` kernel for the user's Jupyter, where `jupyter
 * notebook`, JupyterLab and VS Code find it. Returns the kernelspec's folder.
 */
export async function registerKernel(): Promise<string> {
  // `deno jupyter --install` creates the folder with Deno's logos; kernel.json is then ours.
  const install = await run(Deno.execPath(), ["jupyter", "--install", "--force"]);
  if (install.code !== 0) throw new Error(`deno jupyter --install failed:\n${install.stderr}`);
  const list = await run("jupyter", ["kernelspec", "list", "--json"]);
  const dir: string | undefined = JSON.parse(list.stdout).kernelspecs?.deno?.resource_dir;
  if (!dir) throw new Error("the deno kernelspec was not found after `deno jupyter --install`");
  await Deno.writeTextFile(`${dir}/kernel.json`, JSON.stringify(kernelSpec(), null, 2) + "\n");
  return dir;
}

/**
 * The environment under which the tools and tests run Jupyter: `JUPYTER_PATH` points first at
 * a folder of dist/ holding this checkout's `deno` kernel, so a registration made elsewhere
 * (another checkout, `deno jupyter --install`) cannot change the kernel under a running test.
 * With `plain`, `deno` is the kernel without the proxy (for side-by-side measurements).
 */
export async function courseJupyterEnv({ plain = false } = {}): Promise<Record<string, string>> {
  const dir = `${ROOT}dist/jupyter${plain ? "-plain" : ""}`;
  await writeKernelSpec(dir, "deno", kernelSpec({ plain }));
  return { JUPYTER_PATH: dir };
}

/** Copies plotly.min.js from the npm package to `notebooks/vendor/`, where figures look for it. */
export async function vendorPlotly(dest = `${NOTEBOOKS}/vendor`): Promise<string> {
  const source = `${ROOT}node_modules/plotly.js-dist-min/plotly.min.js`;
  try {
    await Deno.stat(source);
  } catch {
    const install = await run(Deno.execPath(), ["install"], { cwd: ROOT });
    if (install.code !== 0) throw new Error(`deno install failed:\n${install.stderr}`);
  }
  await Deno.mkdir(dest, { recursive: true });
  await Deno.copyFile(source, `${dest}/plotly.min.js`);
  return `${dest}/plotly.min.js`;
}

/** The course's notebooks, in course order. */
export async function listNotebooks(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(NOTEBOOKS)) {
    if (e.isFile && /^\d\d_.*\.ipynb$/.test(e.name)) names.push(`${NOTEBOOKS}/${e.name}`);
  }
  return names.sort();
}

/**
 * The notebooks that `names` pick out, in course order; all of them when `names` is empty. A
 * name matches by its start (`10`, `10_ema`, `10_ema_bias_correction.ipynb`); one that matches
 * nothing is an error.
 */
export async function selectNotebooks(names: string[]): Promise<string[]> {
  const all = await listNotebooks();
  if (names.length === 0) return all;
  for (const n of names) {
    if (!all.some((p) => p.includes(`/${n}`))) throw new Error(`no notebook matches "${n}"`);
  }
  return all.filter((p) => names.some((n) => p.includes(`/${n}`)));
}

export interface ExecResult {
  notebook: string;
  ok: boolean;
  seconds: number;
  error: string | null;
}

/** The kernels the course runs on: Deno's, and tslab (Node; see tools/node/tslab.ts). */
export type KernelName = "deno" | "tslab";

/**
 * Executes notebooks on the Deno kernel (or, with `kernel: "tslab"`, on tslab, whose
 * kernelspec the caller has put in dist/jupyter: tools/node/tslab.ts) into `outDir` (see
 * tools/execute_notebook.py).
 */
export async function executeNotebooks(
  paths: string[],
  outDir: string,
  { kernel = "deno" }: { kernel?: KernelName } = {},
): Promise<ExecResult[]> {
  const python = await findPython();
  if (!python) throw new Error(JUPYTER_HINT);
  await vendorPlotly();
  const out = await run(python, [`${ROOT}tools/execute_notebook.py`, outDir, ...paths], {
    env: { ...await courseJupyterEnv(), NOTEBOOK_KERNEL: kernel },
  });
  const results = out.stdout.trim().split("\n").filter((l) => l.startsWith("{")).map((l) =>
    JSON.parse(l) as ExecResult
  );
  if (results.length !== paths.length) {
    throw new Error(`execute_notebook.py failed (exit ${out.code}):\n${out.stderr}`);
  }
  return results;
}
