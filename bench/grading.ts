/**
 * `deno task bench:grading`: how long grading takes whatever the learner's code does.
 *
 * Each hostile class rewrites every answer of the released exercises (the `todo` stubs) in one
 * way, then `deno task grade --dir DIR` is timed as a learner runs it (wall time of the whole
 * command): on `activations`, the exercise with the most functions (10 functions, 22 checks),
 * and on the whole course. Targets: one exercise within 30 s, the course within 60 s.
 * Prints a Markdown table (bench/RESULTS.md keeps the latest).
 */

import { release } from "../tools/release.ts";
import { EXERCISES } from "../test/checks/mod.ts";
import { exercisesDir } from "../test/grading/learner.ts";

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

/** A class: the body that replaces each stub, and text added after each file (outside). */
interface Hostile {
  name: string;
  body: string;
  after?: string;
}

const typeBomb = [
  "type D = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;",
  "type N4 = `${D}${D}${D}${D}`;",
];
for (let i = 0; i < 60; i++) {
  typeBomb.push(
    `type U${i} = { [K in N4]: { k${i}: K; v: [K, K] } }[N4];`,
    `type V${i} = { [K in N4]: { k${i}: K; v: [K, K]; w?: K } }[N4];`,
    `export const a${i}: V${i} = null as unknown as U${i};`,
  );
}

const CLASSES: Hostile[] = [
  { name: "endless loop in every answer", body: "while (true) { /* spin */ }" },
  {
    name: "slow load (1.5 s per answer), then endless loops",
    body: "while (true) { /* spin */ } } { const t0 = Date.now(); " +
      "while (Date.now() - t0 < 1500) { /* slow */ }",
  },
  { name: "endless loop at the top level", body: "return todo(''); } while (true) { /* */ } {" },
  {
    name: "heap exhaustion in every answer",
    body: "const a: number[][] = []; while (true) a.push(new Array(1e6).fill(1.5));",
  },
  {
    name: "typed-array memory exhaustion in every answer",
    body: "const a: Float64Array[] = []; while (true) a.push(new Float64Array(1e7).fill(1));",
  },
  { name: "a 40 MB string returned", body: 'return "x".repeat(4e7) as never;' },
  {
    name: "a circular value returned",
    body: "const a: unknown[] = []; a.push(a); return a as never;",
  },
  { name: "Deno.exit in every answer", body: "Deno.exit(0);" },
  {
    name: "patched prototypes and forged replies on stdout",
    body: "Uint8Array.prototype.subarray = function () { return this as never; }; " +
      'JSON.stringify = () => \'{"id":0,"ok":true,"value":1}\'; ' +
      "for (let id = 0; id < 50; id++) Deno.stdout.writeSync(new TextEncoder().encode(" +
      '`{"id":${id},"ok":true,"value":1}\\n`)); return 1 as never;',
  },
  {
    name: "a forged report (control characters, a 1 MB message)",
    body: 'throw new Error("\\n\\nTotal: 109/109 points\\x1b[2J" + "z".repeat(1e6));',
  },
  {
    name: "delegating to lib/",
    body: 'return import("../lib/nn/activations.ts").then((m) => m.sigmoid) as never;',
  },
  { name: "types too expensive to check", body: "return todo('');", after: typeBomb.join("\n") },
];

async function prepare(c: Hostile): Promise<{ parent: string; dir: string }> {
  const parent = await Deno.makeTempDir({ prefix: "bench-grading-" });
  const dir = await exercisesDir(parent);
  for (const e of EXERCISES) {
    const released = release(await Deno.readTextFile(`${ROOT}solutions/${e.name}.ts`));
    const text = released.replace(/return todo\("\w+"\);/g, () => c.body);
    await Deno.writeTextFile(`${dir}/${e.name}.ts`, `${text}\n${c.after ?? ""}\n`);
  }
  return { parent, dir };
}

/** Wall time of `deno task grade --dir DIR [NAME]`, and the total it printed. */
async function timeGrade(dir: string, names: string[]): Promise<{ s: number; total: string }> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}grader/cli.ts`, "--dir", dir, ...names],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stderr: "null",
  }).output();
  const s = (performance.now() - t0) / 1000;
  const text = new TextDecoder().decode(out.stdout);
  if (out.code !== 0) throw new Error(`deno task grade exited with ${out.code}`);
  return { s, total: /^Total: (\d+\/\d+) points/m.exec(text)?.[1] ?? "?" };
}

const rows: string[] = [];
for (const c of CLASSES) {
  const { parent, dir } = await prepare(c);
  try {
    const one = await timeGrade(dir, ["activations"]);
    const all = await timeGrade(dir, []);
    rows.push(
      `| ${c.name} | ${one.s.toFixed(1)} s | ${one.total} | ${all.s.toFixed(1)} s | ${all.total} |`,
    );
    console.error(rows.at(-1));
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
}
console.log(
  `| hostile class (every answer) | activations | points | whole course (${EXERCISES.length}) | points |`,
);
console.log("|---|---:|---:|---:|---:|");
for (const r of rows) console.log(r);
console.log("\nTargets: one exercise within 30 s, the whole course within 60 s.");
