/**
 * Builds the course's Node packages, which tslab (the Node kernel) resolves the notebooks'
 * imports to, into `node_modules/@course/` (git-ignored; Deno resolves the same names to the live
 * sources through deno.json's `imports`):
 *
 * | import                  | Deno (deno.json)          | tslab (built here from)      |
 * | ----------------------- | ------------------------- | ---------------------------- |
 * | `@course/lib`           | `lib/mod.ts`              | `tools/node/lib.ts`          |
 * | `@course/grader`        | `grader/notebook.ts`      | `tools/node/grader.ts`       |
 * | `@course/fashion-mnist` | `tools/fashion_mnist.ts`  | `tools/node/fashion_mnist.ts`|
 * | `@course/progress`      | `tools/progress.ts`       | `tools/node/progress.ts`     |
 *
 * Each is an ES module bundle (`deno bundle`) with its `.d.ts` types. `@course/lib` holds the
 * library; the other three import it as `@course/lib` (never a copy of their own), so a Matrix
 * is one class on both sides of an import. `ensureNodePackages()` rebuilds only when the sources
 * changed (a hash of `lib/`, `tools/` and `grader/notebook.ts` kept beside the packages).
 *
 * `deno run -A tools/node/build.ts [--force]` builds them.
 *
 * @module
 */

import { ROOT } from "../jupyter.ts";

export const PACKAGES = `${ROOT}node_modules/@course`;
const STAMP = `${PACKAGES}/.sources-hash`;

/** Package name (after `@course/`) → the Node entry module it is built from. */
export const ENTRIES: Record<string, string> = {
  lib: "tools/node/lib.ts",
  grader: "tools/node/grader.ts",
  "fashion-mnist": "tools/node/fashion_mnist.ts",
  progress: "tools/node/progress.ts",
};

async function* files(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* files(path);
    else if (e.isFile && path.endsWith(".ts")) yield path;
  }
}

/** A hash of every source the packages are built from (and of this builder). */
export async function sourcesHash(): Promise<string> {
  const paths = [`${ROOT}grader/notebook.ts`, `${ROOT}deno.lock`];
  for (const dir of ["lib", "tools"]) {
    for await (const p of files(`${ROOT}${dir}`)) paths.push(p);
  }
  paths.sort();
  const parts: BlobPart[] = [];
  for (const p of paths) {
    parts.push(p.slice(ROOT.length), await Deno.readTextFile(p));
  }
  const digest = await crypto.subtle.digest("SHA-256", await new Blob(parts).arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function bundle(entries: string[], outDir: string, external?: string): Promise<void> {
  const args = [
    "bundle",
    "--quiet",
    "--platform=deno",
    "--format=esm",
    "--declaration",
    ...(external ? [`--external=${external}`] : []),
    `--outdir=${outDir}`,
    ...entries.map((e) => `${ROOT}${e}`),
  ];
  const out = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT, stdin: "null" }).output();
  if (!out.success) {
    throw new Error(`deno bundle failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Points the bundle's imports of lib/ sources (JS and types) at the `@course/lib` package. */
export function importLibPackage(code: string): string {
  const lib = `${ROOT}lib/`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const seen = new Set<string>();
  return code
    .replace(new RegExp(`"(?:file://)?${lib}[^"]*\\.ts"`, "g"), '"@course/lib"')
    .replace(/"(?:\.\.\/)+lib\/[^"]*\.ts"/g, '"@course/lib"')
    .split("\n")
    // Two modules importing the same type give the same line twice: keep the first.
    .filter((line) =>
      !/^import .* from "@course\/lib";$/.test(line) || !seen.has(line) && !!seen.add(line)
    )
    .join("\n");
}

/** Builds the four packages (see the module doc). */
export async function buildNodePackages(): Promise<void> {
  const hash = await sourcesHash();
  // Beside the packages, so that the swap below is a rename within one file system.
  await Deno.mkdir(`${ROOT}node_modules`, { recursive: true });
  const temp = await Deno.makeTempDir({ dir: `${ROOT}node_modules`, prefix: ".course-build-" });
  try {
    await bundle([ENTRIES.lib], `${temp}/lib`);
    const others = Object.keys(ENTRIES).filter((n) => n !== "lib");
    await bundle(others.map((n) => ENTRIES[n]), `${temp}/others`, `${ROOT}lib/*`);
    // Written aside, then swapped in: a kernel starting meanwhile finds the old or the new.
    const next = `${temp}/@course`;
    for (const name of Object.keys(ENTRIES)) {
      const base = ENTRIES[name].split("/").pop()!.replace(/\.ts$/, "");
      const from = `${temp}/${name === "lib" ? "lib" : "others"}/${base}`;
      const dir = `${next}/${name}`;
      await Deno.mkdir(dir, { recursive: true });
      for (const ext of [".js", ".d.ts"]) {
        const code = await Deno.readTextFile(`${from}${ext}`);
        await Deno.writeTextFile(`${dir}/index${ext}`, importLibPackage(code));
      }
      const pkg = {
        name: `@course/${name}`,
        private: true,
        version: "0.0.0",
        description: `Built from ${ENTRIES[name]} by tools/node/build.ts; do not edit.`,
        type: "module",
        main: "index.js",
        types: "index.d.ts",
      };
      await Deno.writeTextFile(`${dir}/package.json`, JSON.stringify(pkg, null, 2) + "\n");
    }
    await Deno.writeTextFile(`${next}/${STAMP.split("/").pop()}`, hash + "\n");
    const old = `${temp}/old`;
    await Deno.rename(PACKAGES, old).catch(() => {});
    await Deno.rename(next, PACKAGES);
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
}

/** Builds the packages unless they were built from the current sources; true if it built. */
export async function ensureNodePackages({ force = false } = {}): Promise<boolean> {
  const built = await Deno.readTextFile(STAMP).then((s) => s.trim(), () => "");
  if (!force && built === (await sourcesHash())) return false;
  await buildNodePackages();
  return true;
}

if (import.meta.main) {
  const t0 = performance.now();
  const built = await ensureNodePackages({ force: Deno.args.includes("--force") });
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`${built ? "built" : "up to date:"} ${PACKAGES} (${seconds} s)`);
}
