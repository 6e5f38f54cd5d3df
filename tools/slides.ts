/**
 * `deno task slides [NAME ...] [--pdf]`: executes the notebooks on the Deno kernel, then
 * writes one self-contained reveal.js deck per notebook to dist/slides/NAME.html (see
 * tools/deck.ts). `--pdf` also prints dist/slides/NAME.pdf through headless Chromium, where
 * Chromium is installed.
 */

import { buildDeck } from "./deck.ts";
import type { Cell } from "./nbformat.ts";
import { listNotebooks, ROOT, run } from "./jupyter.ts";
import { EXECUTED, runNotebooks } from "./notebooks.ts";

export const SLIDES = `${ROOT}dist/slides`;

/** The first Chromium found, or undefined. */
export async function findChromium(): Promise<string | undefined> {
  for (const c of [Deno.env.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"]) {
    if (c && (await run(c, ["--version"])).code === 0) return c;
  }
  return undefined;
}

/** Flags for headless Chromium on a machine with no network (see ../shared/toolchain.md). */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

async function printPDF(chromium: string, html: string, pdf: string): Promise<void> {
  const profile = await Deno.makeTempDir({ prefix: "chromium-" });
  try {
    const out = await run(chromium, [
      ...CHROMIUM_FLAGS,
      `--user-data-dir=${profile}`,
      "--virtual-time-budget=15000",
      "--no-pdf-header-footer",
      `--print-to-pdf=${pdf}`,
      `file://${html}?print-pdf`,
    ]);
    if (out.code !== 0) throw new Error(`chromium could not print ${pdf}:\n${out.stderr}`);
  } finally {
    await Deno.remove(profile, { recursive: true });
  }
}

if (import.meta.main) {
  const pdf = Deno.args.includes("--pdf");
  const names = Deno.args.filter((a) => !a.startsWith("--"));
  const all = await listNotebooks();
  const paths = names.length ? all.filter((p) => names.some((n) => p.includes(`/${n}`))) : all;
  if (paths.length === 0) {
    console.error(`no notebook matches ${names.join(", ")}`);
    Deno.exit(2);
  }
  console.log(`Executing ${paths.length} notebook(s) on the Deno kernel…`);
  const { lines, problems } = await runNotebooks(paths);
  console.log(lines.join("\n"));
  for (const p of problems) console.error(`  ${p}`);
  await Deno.mkdir(SLIDES, { recursive: true });
  const chromium = pdf ? await findChromium() : undefined;
  if (pdf && !chromium) {
    console.error(
      "--pdf: Chromium is not installed (Debian: `sudo apt-get install chromium`); writing HTML only.",
    );
  }
  for (const path of paths) {
    const name = path.split("/").pop()!.replace(/\.ipynb$/, "");
    const nb = JSON.parse(await Deno.readTextFile(`${EXECUTED}/${name}.ipynb`));
    const title = (nb.cells as Cell[]).find((c) => c.cell_type === "markdown")
      ?.source.toString().match(/^#\s+(.+)$/m)?.[1] ?? name;
    const html = `${SLIDES}/${name}.html`;
    await Deno.writeTextFile(html, await buildDeck(title, nb.cells));
    console.log(`wrote dist/slides/${name}.html`);
    if (chromium) {
      await printPDF(chromium, html, `${SLIDES}/${name}.pdf`);
      console.log(`wrote dist/slides/${name}.pdf`);
    }
  }
  Deno.exit(problems.length ? 1 : 0);
}
