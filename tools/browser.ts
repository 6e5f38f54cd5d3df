/**
 * Headless Chromium for the slides' PDF handouts and the deck tests, driven by playwright-core
 * (its own browser download cannot reach the network here, so it runs Debian's Chromium).
 */

import { type Browser, chromium, type Page } from "playwright-core";
import { run } from "./jupyter.ts";

/** Flags for headless Chromium on a machine with no network (see ../shared/toolchain.md). */
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The path of the first Chromium found, or undefined. */
export async function findChromium(): Promise<string | undefined> {
  for (const c of [Deno.env.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"]) {
    if (!c) continue;
    const which = await run("which", [c]);
    if (which.code === 0) return which.stdout.trim();
  }
  return undefined;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = await findChromium();
  if (!executablePath) {
    throw new Error("Chromium is not installed: `sudo apt-get install chromium`");
  }
  return await chromium.launch({ executablePath, args: FLAGS });
}

/** Opens a deck laid out for printing, with every figure drawn. */
export async function openForPrint(browser: Browser, html: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`file://${html}?print-pdf`);
  await page.waitForFunction(
    `Reveal.isReady() && document.querySelectorAll(".pdf-page").length > 0 &&
     document.querySelectorAll(".figure:not(.js-plotly-plot)").length === 0`,
  );
  return page;
}

/** Titles of the slides whose content is taller than the slide (cut off when shown). */
export async function overflowingSlides(page: Page): Promise<string[]> {
  return await page.evaluate(`[...document.querySelectorAll(".pdf-page section")]
    .filter((s) => !s.classList.contains("stack") && s.scrollHeight > 800 + 2)
    .map((s) => (s.querySelector("h1, h2, h3")?.textContent ?? "(untitled)") + " (" + s.scrollHeight + " px)")`);
}

/** Prints a deck to PDF, one page per slide. */
export async function printPDF(browser: Browser, html: string, pdf: string): Promise<void> {
  const page = await openForPrint(browser, html);
  await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
  await page.close();
}
