/**
 * `deno task slides [NAME ...] [--pdf]`: executes the notebooks on the Deno kernel, then
 * writes one self-contained reveal.js deck per notebook to dist/slides/NAME.html (see
 * tools/deck.ts). `--pdf` also prints dist/slides/NAME.pdf, one page per slide, through
 * headless Chromium (tools/browser.ts), where Chromium is installed.
 */

import { buildDeck } from "./deck.ts";
import { exerciseFunctions, notebookInfo } from "./course.ts";
import { findChromium, launchChromium, printPDF } from "./browser.ts";
import { ROOT, selectNotebooks } from "./jupyter.ts";
import { EXECUTED, runNotebooks } from "./notebooks.ts";

export const SLIDES = `${ROOT}dist/slides`;

/** The deck of an executed notebook (dist/executed/NAME.ipynb) as one self-contained file. */
export async function deckOf(name: string, { plotlySrc = "" } = {}): Promise<string> {
  const nb = JSON.parse(await Deno.readTextFile(`${EXECUTED}/${name}.ipynb`));
  const info = notebookInfo(name, nb.cells);
  const functions = info.exercise ? await exerciseFunctions(info.exercise) : [];
  return await buildDeck(info, nb.cells, { exerciseFunctions: functions, plotlySrc });
}

if (import.meta.main) {
  const pdf = Deno.args.includes("--pdf");
  const names = Deno.args.filter((a) => !a.startsWith("--"));
  const paths = await selectNotebooks(names).catch((e: Error) => {
    console.error(e.message);
    Deno.exit(2);
  });
  console.log(`Executing ${paths.length} notebook(s) on the Deno kernel…`);
  const { lines, problems } = await runNotebooks(paths);
  console.log(lines.join("\n"));
  for (const p of problems) console.error(`  ${p}`);
  await Deno.mkdir(SLIDES, { recursive: true });
  const browser = pdf && (await findChromium()) ? await launchChromium() : undefined;
  if (pdf && !browser) {
    console.error(
      "--pdf: Chromium is not installed (Debian: `sudo apt-get install chromium`); writing HTML only.",
    );
  }
  for (const path of paths) {
    const name = path.split("/").pop()!.replace(/\.ipynb$/, "");
    const html = `${SLIDES}/${name}.html`;
    await Deno.writeTextFile(html, await deckOf(name));
    console.log(`wrote dist/slides/${name}.html`);
    if (browser) {
      await printPDF(browser, html, `${SLIDES}/${name}.pdf`);
      console.log(`wrote dist/slides/${name}.pdf`);
    }
  }
  await browser?.close();
  Deno.exit(problems.length ? 1 : 0);
}
