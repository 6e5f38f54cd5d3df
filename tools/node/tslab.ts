/**
 * tslab, the TypeScript kernel on Node, installed from npm inside the project (never globally)
 * into `dist/tslab/`, and its Jupyter kernelspec. Used by `deno task start --kernel tslab`,
 * `deno task notebooks --kernel tslab` and the suite.
 *
 * @module
 */

import { type KernelSpec, ROOT, run, writeKernelSpec } from "../jupyter.ts";
import { ensureNodePackages } from "./build.ts";

/** The pinned tslab release (1.0.22, December 2024, is the latest). */
export const TSLAB_VERSION = "1.0.22";
export const TSLAB_DIR = `${ROOT}dist/tslab`;
const TSLAB_BIN = `${TSLAB_DIR}/node_modules/tslab/bin/tslab`;

/** The installed tslab's version, or undefined. */
async function installedVersion(): Promise<string | undefined> {
  const pkg = `${TSLAB_DIR}/node_modules/tslab/package.json`;
  return await Deno.readTextFile(pkg).then((s) => JSON.parse(s).version, () => undefined);
}

/**
 * Installs tslab into dist/tslab with npm unless that version is there already, then applies
 * {@link SHORTHAND_FIX}. The install is nested (`--install-strategy=nested`): tslab looks for
 * Node's types (`@types/node`) in its own node_modules when none is above the notebooks, and a
 * hoisted install leaves them one level up, where it does not look (then `performance`,
 * `node:process` and every Node global are unknown to its type checker).
 */
export async function ensureTslab(): Promise<void> {
  if ((await installedVersion()) !== TSLAB_VERSION) {
    await Deno.remove(`${TSLAB_DIR}/node_modules`, { recursive: true }).catch(() => {});
    await Deno.mkdir(TSLAB_DIR, { recursive: true });
    const pkg = { private: true, dependencies: { tslab: TSLAB_VERSION } };
    await Deno.writeTextFile(`${TSLAB_DIR}/package.json`, JSON.stringify(pkg, null, 2) + "\n");
    const npm = await run("npm", [
      "install",
      "--install-strategy=nested",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
    ], { cwd: TSLAB_DIR });
    if (npm.code !== 0) {
      throw new Error(
        `npm install tslab@${TSLAB_VERSION} failed in ${TSLAB_DIR} (tslab needs Node.js and ` +
          `npm):\n${npm.stderr}`,
      );
    }
  }
  await patchConverter();
}

/**
 * A fix of tslab 1.0.22's compiler (dist/converter.js), applied after installing it. tslab keeps
 * each cell's top-level variables on an `exports` object and rewrites every later reference
 * `x` to `exports.x`, except a reference written as a shorthand property (`{ lr }`, `fit(model,
 * { train, val })`): that one is left as `x`, which no longer exists, and the cell fails with
 * "ReferenceError: x is not defined" (15 of the course's 35 notebooks did). The fix rewrites a
 * shorthand property whose value is such a variable to `x: exports.x`.
 */
export const SHORTHAND_FIX = {
  file: "node_modules/tslab/dist/converter.js",
  marker: "/* course fix: shorthand properties of earlier cells' variables */",
  before: `        function wrapPrevIdentifier(node) {
            var _a, _b;
            if (!ts.isIdentifier(node)) {`,
  after: `        function wrapPrevIdentifier(node) {
            var _a, _b;
            /* course fix: shorthand properties of earlier cells' variables */
            if (ts.isShorthandPropertyAssignment(node) && !node.objectAssignmentInitializer) {
                const value = checker.getShorthandAssignmentValueSymbol(node);
                if (value && (value.declarations || []).some((d) => d.getSourceFile() === declsFile)) {
                    const name = node.name.text;
                    return ts.factory.createPropertyAssignment(ts.factory.createIdentifier(name), ts.factory.createPropertyAccessExpression(ts.factory.createIdentifier("exports"), ts.factory.createIdentifier(name)));
                }
                return node;
            }
            if (!ts.isIdentifier(node)) {`,
};

async function patchConverter(): Promise<void> {
  const path = `${TSLAB_DIR}/${SHORTHAND_FIX.file}`;
  const code = await Deno.readTextFile(path);
  if (code.includes(SHORTHAND_FIX.marker)) return;
  if (!code.includes(SHORTHAND_FIX.before)) {
    throw new Error(`${path} is not tslab ${TSLAB_VERSION}'s: the shorthand fix does not apply`);
  }
  await Deno.writeTextFile(path, code.replace(SHORTHAND_FIX.before, SHORTHAND_FIX.after));
}

/**
 * The absolute path of the `node` on the PATH. tslab loads the `@course/*` packages (ES
 * modules) with `require`, which Node does without a flag from 20.19 (and 22.12) on.
 */
export async function nodePath(): Promise<string> {
  const out = await run("node", ["-p", "process.execPath + ' ' + process.versions.node"]);
  if (out.code !== 0) throw new Error("tslab needs Node.js: `node` was not found on the PATH");
  const [path, version] = out.stdout.trim().split(" ");
  const [major, minor] = version.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19) || (major === 22 && minor < 12)) {
    throw new Error(
      `tslab here needs Node.js 20.19 or later (require of ES modules); ${path} is ${version}`,
    );
  }
  return path;
}

/**
 * The `tslab` kernelspec: tslab's own kernel command (as `tslab install` writes it) run by
 * this machine's node. `COURSE_DENO` tells `@course/grader` which Deno grades;
 * `NO_COLOR=1` keeps ANSI codes out of text outputs.
 */
export async function tslabKernelSpec(): Promise<KernelSpec> {
  return {
    argv: [await nodePath(), TSLAB_BIN, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (tslab)",
    language: "typescript",
    env: { NO_COLOR: "1", COURSE_DENO: Deno.execPath() },
    interrupt_mode: "signal",
  };
}

/**
 * Everything the notebooks need to run on tslab: tslab installed, the `@course/*` packages
 * built from the current sources (tools/node/build.ts), and the `tslab` kernelspec written
 * under `dataDir` (a Jupyter data folder). Returns the kernelspec's folder.
 */
export async function prepareTslab(dataDir: string): Promise<string> {
  await withLock(`${ROOT}dist/tslab.lock`, async () => {
    await ensureTslab();
    await ensureNodePackages();
  });
  return await writeKernelSpec(dataDir, "tslab", await tslabKernelSpec());
}

/**
 * Runs `fn` while holding the lock file `path`, so that two processes (two test files, a test
 * and `deno task start`) never install or build into the same folders at once. A lock older
 * than five minutes is taken to be left by a process that died.
 */
async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  for (;;) {
    try {
      (await Deno.open(path, { createNew: true, write: true })).close();
      break;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      const age = await Deno.stat(path).then((s) => Date.now() - s.mtime!.getTime(), () => 0);
      if (age > 300_000) await Deno.remove(path).catch(() => {});
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}
