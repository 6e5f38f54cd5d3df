/**
 * lib/mod.ts, the one entry module: it re-exports every public name of lib/ exactly once, every
 * name it exports is documented, and imports inside lib/ point down the layout (core/ uses only
 * kernels/). Each rule is a function of `deno doc --json` output (or of import lists), run once
 * on lib/ itself and once on a small broken library, to show that it can fail.
 */

import { describe, expect, it } from "vitest";

const LIB = new URL("../../lib/", import.meta.url);

/** Files of lib/ whose exports are internal (not re-exported by mod.ts), with the reason. */
const INTERNAL_FILES: Record<string, string> = {
  "kernels/gemm.ts": "matrix-multiply kernels behind Matrix's matmul",
  "kernels/gemm_types.ts": "matrix-multiply kernels behind Matrix's matmul",
  "kernels/matmul_blocked.ts": "matrix-multiply kernels behind Matrix's matmul",
  "kernels/matmul_wasm.ts": "matrix-multiply kernels behind Matrix's matmul",
  "kernels/matmul_simd_bytes.ts": "generated WebAssembly bytes",
  "core/validate.ts": "the library's own hyper-parameter checks",
  "core/todo.ts": "what exercise stubs call; exercises import it directly",
};
/** Single internal names of otherwise public files. */
const INTERNAL_NAMES: Record<string, string> = {
  "core/random.ts:log": "the portable logarithm inside Random.normal",
};

interface DocDecl {
  location: { filename: string };
  declarationKind: string;
  jsDoc?: { doc?: string };
}
interface DocSymbol {
  name: string;
  declarations: DocDecl[];
}
type DocJson = { nodes: Record<string, { symbols: DocSymbol[] }> };

async function docJson(root: URL, files: string[]): Promise<DocJson> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", ...files.map((f) => new URL(f, root).pathname)],
    env: { NO_COLOR: "1" },
  }).output();
  if (code !== 0) throw new Error(new TextDecoder().decode(stderr));
  return JSON.parse(new TextDecoder().decode(stdout));
}

async function tsFiles(root: URL, dir = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(new URL(dir, root))) {
    if (e.isDirectory) out.push(...await tsFiles(root, `${dir}${e.name}/`));
    else if (e.name.endsWith(".ts")) out.push(`${dir}${e.name}`);
  }
  return out.sort();
}

const rel = (root: URL, fileUrl: string) => fileUrl.slice(root.href.length);

/**
 * What is wrong with the entry module `mod` of the library at `root`: names exported from two
 * files, public exports of a file that mod does not re-export, and exports without
 * documentation.
 */
async function entryProblems(
  root: URL,
  mod: string,
  internalFiles: Record<string, string>,
  internalNames: Record<string, string>,
): Promise<string[]> {
  const problems: string[] = [];
  const entry = (await docJson(root, [mod])).nodes[new URL(mod, root).href].symbols;
  const exported = new Map<string, string>(); // name → file
  for (const s of entry) {
    const files = [...new Set(s.declarations.map((d) => rel(root, d.location.filename)))];
    if (files.length > 1) problems.push(`${s.name} is exported by ${files.join(" and ")}`);
    exported.set(s.name, files[0]);
    if (!s.declarations.some((d) => d.jsDoc?.doc?.trim())) {
      problems.push(`${s.name} (${files[0]}) has no documentation`);
    }
  }
  const files = (await tsFiles(root)).filter((f) => f !== mod && !(f in internalFiles));
  const docs = await docJson(root, files);
  for (const f of files) {
    for (const s of docs.nodes[new URL(f, root).href]?.symbols ?? []) {
      const own = s.declarations.some((d) =>
        d.declarationKind === "export" && rel(root, d.location.filename) === f
      );
      if (!own || `${f}:${s.name}` in internalNames) continue;
      if (exported.get(s.name) !== f) problems.push(`${f} exports ${s.name}, ${mod} does not`);
    }
  }
  return problems;
}

/** Which folders of lib/ each folder may import from (imports point down). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  kernels: ["kernels"],
  core: ["core", "kernels"],
  display: ["display", "core"],
  nn: ["nn", "core"],
  optim: ["optim", "core"],
  data: ["data", "display", "core"], // display: the grid of images is a Figure
  check: ["check", "nn", "core"],
  train: ["train", "data", "optim", "check", "nn", "core"],
};

/** Imports that point up or sideways: `file → target` for each import the table forbids. */
async function upwardImports(root: URL): Promise<string[]> {
  const bad: string[] = [];
  for (const f of await tsFiles(root)) {
    const top = f.includes("/") ? f.split("/")[0] : "";
    const allowed = MAY_IMPORT[top];
    if (allowed === undefined) continue; // mod.ts and later parts (search, nas) may import anything
    const code = await Deno.readTextFile(new URL(f, root));
    for (const [, spec] of code.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)) {
      const target = rel(root, new URL(spec, new URL(f, root)).href);
      if (!allowed.includes(target.split("/")[0])) bad.push(`${f} → ${target}`);
    }
  }
  return bad;
}

async function brokenLibrary(): Promise<URL> {
  const dir = await Deno.makeTempDir();
  const write = async (path: string, text: string) => {
    await Deno.mkdir(`${dir}/${path.split("/").slice(0, -1).join("/")}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/${path}`, text);
  };
  await write(
    "core/a.ts",
    "/** Doc. */\nexport const twice = 1;\nexport const undocumented = 2;\n",
  );
  await write("nn/b.ts", "/** Doc. */\nexport const twice = 2;\n");
  await write("nn/c.ts", "/** Doc. */\nexport const forgotten = 3;\n");
  await write(
    "core/up.ts",
    'import { twice } from "../nn/b.ts";\n/** Doc. */\nexport const u = twice;\n',
  );
  await write(
    "mod.ts",
    'export * from "./core/a.ts";\nexport * from "./nn/b.ts";\nexport * from "./core/up.ts";\n',
  );
  return new URL(`file://${dir}/`);
}

describe("lib/mod.ts", () => {
  it("re-exports every public name of lib/ once, each documented", async () => {
    expect(await entryProblems(LIB, "mod.ts", INTERNAL_FILES, INTERNAL_NAMES)).toEqual([]);
  });

  it("would report a duplicate, a forgotten file and an undocumented export", async () => {
    const root = await brokenLibrary();
    const problems = await entryProblems(root, "mod.ts", {}, {});
    expect(problems).toContain("twice is exported by core/a.ts and nn/b.ts");
    expect(problems).toContain("nn/c.ts exports forgotten, mod.ts does not");
    expect(problems).toContain("undocumented (core/a.ts) has no documentation");
    await Deno.remove(root, { recursive: true });
  });

  it("lists only internal files that exist", async () => {
    const files = await tsFiles(LIB);
    for (const f of Object.keys(INTERNAL_FILES)) expect(files).toContain(f);
  });
});

describe("imports in lib/ point down", () => {
  it("core/ imports only core/ and kernels/, and so on down the layout", async () => {
    expect(await upwardImports(LIB)).toEqual([]);
  });

  it("would report core/ importing nn/", async () => {
    const root = await brokenLibrary();
    expect(await upwardImports(root)).toEqual(["core/up.ts → nn/b.ts"]);
    await Deno.remove(root, { recursive: true });
  });
});
