/**
 * The course as a learner and an instructor meet it: every notebook executed top to bottom on
 * the real Deno kernel through Jupyter with its outputs present; every deck built from the
 * executed notebooks and opened in headless Chromium with its maths and figures drawn and no
 * failed or outside request, every slide fitting its page; and a figure's offline HTML fallback
 * drawn in nbconvert's HTML.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchChromium, openForPrint, overflowingSlides } from "../../tools/browser.ts";
import { listNotebooks, run } from "../../tools/jupyter.ts";
import { EXECUTED, runNotebooks } from "../../tools/notebooks.ts";
import { buildDeck } from "../../tools/deck.ts";
import { SLIDES } from "../../tools/slides.ts";

const notebooks = await listNotebooks();
const names = notebooks.map((p) => p.split("/").pop()!.replace(/\.ipynb$/, ""));
let executed: Awaited<ReturnType<typeof runNotebooks>>;
let browser: Browser;

beforeAll(async () => {
  executed = await runNotebooks(notebooks);
  console.log(executed.lines.join("\n"));
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

// A test that fails or times out before its `page.close()` must not leave its page rendering:
// on a loaded machine leaked pages slow every later test into its own timeout.
afterEach(async () => {
  await Promise.all(browser?.contexts().map((c) => c.close()) ?? []);
});

/** Opens a page from disk and reports what it requested and what went wrong. */
async function open(url: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const failed: string[] = [], outside: string[] = [], errors: string[] = [];
  page.on("requestfailed", (r) => failed.push(`${r.url()} (${r.failure()?.errorText})`));
  page.on("request", (r) => {
    if (!/^(file|data|blob|about):/.test(r.url())) outside.push(r.url());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  return { page, failed, outside, errors };
}

describe("notebooks", () => {
  it("are there", () => {
    expect(notebooks.length).toBeGreaterThan(0);
  });

  it("execute top to bottom on the Deno kernel with every output present", () => {
    expect(executed.problems).toEqual([]);
  });
});

describe.each(names)("deck %s", (name) => {
  it("draws its maths and figures offline, with no failed request", async () => {
    const nb = JSON.parse(await Deno.readTextFile(`${EXECUTED}/${name}.ipynb`));
    await Deno.mkdir(SLIDES, { recursive: true });
    const file = `${SLIDES}/${name}.html`;
    await Deno.writeTextFile(file, await buildDeck(name, nb.cells));
    const { page, failed, outside, errors } = await open(`file://${file}`);
    await page.waitForFunction(() =>
      (globalThis as unknown as { Reveal: { isReady(): boolean } }).Reveal.isReady()
    );
    await page.evaluate(() =>
      (globalThis as unknown as { drawAllFigures(): void }).drawAllFigures()
    );
    const count = (selector: string) => page.locator(selector).count();
    const stats = {
      slides: await count(".slides section"),
      maths: await count(".katex"),
      mathErrors: await count(".katex-error"),
      figures: await count(".figure"),
      drawn: await count(".figure .main-svg"),
      notes: await count("aside.notes"),
      empty: await page.evaluate(
        `[...document.querySelectorAll(".slides section:not(.stack)")]
          .filter((s) => !s.querySelector(":scope > :not(aside):not(.fragment)")).length`,
      ),
    };
    const figuresInNotebook = nb.cells.filter((
      c: { metadata: { slideshow?: { slide_type?: string } }; outputs?: { data?: object }[] },
    ) =>
      c.metadata.slideshow?.slide_type !== "skip" &&
      (c.outputs ?? []).some((o) => o.data && "application/vnd.plotly.v1+json" in o.data)
    ).length;
    await page.close();
    expect(stats.slides).toBeGreaterThan(3);
    expect(stats.maths).toBeGreaterThan(0);
    expect(stats.mathErrors).toBe(0);
    expect(stats.figures).toBe(figuresInNotebook);
    expect(stats.drawn).toBeGreaterThanOrEqual(stats.figures); // plotly draws ≥ 1 svg layer per figure
    expect(stats.notes).toBeGreaterThan(0);
    expect(stats.empty).toBe(0);
    expect(failed).toEqual([]);
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  it("fits every slide on the page (print layout, as the PDF handout)", async () => {
    const page = await openForPrint(browser, `${SLIDES}/${name}.html`);
    const overflowing = await overflowingSlides(page);
    await page.close();
    expect(overflowing).toEqual([]);
  }, 60_000);
});

describe("a figure's text/html fallback", () => {
  it("draws offline in nbconvert's HTML, loading plotly from vendor/ beside the page", async () => {
    const name = names.find((n) => n.startsWith("10_ema"))!;
    const out = await run("jupyter", ["nbconvert", "--to", "html", `${EXECUTED}/${name}.ipynb`]);
    expect(out.code, out.stderr).toBe(0);
    await Deno.mkdir(`${EXECUTED}/vendor`, { recursive: true });
    await Deno.copyFile(
      `${EXECUTED}/../../notebooks/vendor/plotly.min.js`,
      `${EXECUTED}/vendor/plotly.min.js`,
    );
    const { page, errors } = await open(`file://${EXECUTED}/${name}.html`);
    await page.locator(".course-figure .main-svg").first().waitFor({ timeout: 20_000 });
    const drawn = await page.locator(".course-figure.js-plotly-plot").count();
    await page.close();
    const nb = JSON.parse(await Deno.readTextFile(`${EXECUTED}/${name}.ipynb`));
    const figures = nb.cells.flatMap((c: { outputs?: { data?: object }[] }) => c.outputs ?? [])
      .filter((o: { data?: object }) => o.data && "application/vnd.plotly.v1+json" in o.data)
      .length;
    expect(figures).toBeGreaterThan(0);
    expect(drawn).toBe(figures);
    expect(errors).toEqual([]);
  }, 60_000);
});
