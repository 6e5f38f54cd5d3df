/**
 * The course as a learner, a lecturer and a reader meet it: every notebook executed top to
 * bottom on the real Deno kernel through Jupyter with its outputs present, and on tslab (the
 * Node kernel) at the same time with the same figures, tables and reports; every deck built
 * from the executed notebooks and opened in headless Chromium (title slide first, summary last,
 * maths and figures drawn, code where the notebook asks for it, no words for someone running
 * the notebook, every slide fitting its page); the course site built from the same executed
 * notebooks (no second execution) with every page loading offline, every figure drawn and every
 * link resolving; and the HTML a learner exports with nbconvert drawing its figures wherever it
 * is copied, or saying what is missing.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchChromium, openForPrint, overflowingSlides } from "../../tools/browser.ts";
import { listNotebooks, run } from "../../tools/jupyter.ts";
import { EXECUTED, executedDir, richDifferences, runNotebooks } from "../../tools/notebooks.ts";
import { SLIDE_CODE_TAG } from "../../tools/deck.ts";
import { deckOf, SLIDES } from "../../tools/slides.ts";
import { buildSite, SITE } from "../../tools/site.ts";
import type { Cell } from "../../tools/nbformat.ts";

const notebooks = await listNotebooks();
const names = notebooks.map((p) => p.split("/").pop()!.replace(/\.ipynb$/, ""));
const PLOTLY = "application/vnd.plotly.v1+json";
let executed: Awaited<ReturnType<typeof runNotebooks>>;
let onTslab: Awaited<ReturnType<typeof runNotebooks>>;
let browser: Browser;

beforeAll(async () => {
  // The two kernels side by side: each pass is one kernel and one client at a time.
  const started = performance.now();
  [executed, onTslab] = await Promise.all([
    runNotebooks(notebooks),
    // tslab's install or build failing fails its tests below, not the decks and the site.
    runNotebooks(notebooks, { kernel: "tslab" }).catch((e: Error) => ({
      lines: [],
      problems: [`tslab: ${e.message}`],
      seconds: new Map<string, number>(),
    })),
  ]);
  const seconds = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0).toFixed(0);
  console.log(executed.lines.join("\n"));
  console.log(`on tslab:\n${onTslab.lines.join("\n")}`);
  console.log(
    `notebooks: ${seconds(executed.seconds)} s on Deno, ${seconds(onTslab.seconds)} s on tslab, ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s side by side`,
  );
  const t0 = performance.now();
  await buildSite(EXECUTED);
  console.log(`site built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
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
  page.setDefaultTimeout(300_000); // a page drawing figures, on a machine loaded 30 to 60 deep
  await page.goto(url);
  return { page, failed, outside, errors };
}

const cellsOf = async (name: string): Promise<Cell[]> =>
  JSON.parse(await Deno.readTextFile(`${EXECUTED}/${name}.ipynb`)).cells;
const shown = (c: Cell) => c.metadata.slideshow?.slide_type !== "skip";
const hasFigure = (c: Cell) => (c.outputs ?? []).some((o) => o.data && PLOTLY in o.data);

/** Words addressed to someone running the notebook, which a lecture slide must not carry. */
const FOR_THE_RUNNER =
  /\bcells? (below|above)\b|\brun the cell\b|\b(last|grading) cell\b|\bshape table above\b|\bBEGIN YOUR CODE\b/i;

describe("notebooks", () => {
  it("are there", () => {
    expect(notebooks.length).toBeGreaterThan(0);
  });

  it("execute top to bottom on the Deno kernel with every output present", () => {
    expect(executed.problems).toEqual([]);
  });

  it("execute top to bottom on tslab (Node) with every output present", () => {
    expect(onTslab.problems).toEqual([]);
  });

  it("show the same figures, tables and reports on tslab as on Deno", async () => {
    const read = async (dir: string, name: string) =>
      JSON.parse(await Deno.readTextFile(`${dir}/${name}.ipynb`));
    const differences: string[] = [];
    for (const name of names) {
      const [deno, tslab] = [await read(EXECUTED, name), await read(executedDir("tslab"), name)];
      differences.push(...richDifferences(deno, tslab, name));
    }
    expect(differences).toEqual([]);
  });
});

describe.each(names)("deck %s", (name) => {
  it("opens on a title slide, ends on a summary, draws maths and figures offline", async () => {
    const cells = await cellsOf(name);
    await Deno.mkdir(SLIDES, { recursive: true });
    const file = `${SLIDES}/${name}.html`;
    await Deno.writeTextFile(file, await deckOf(name));
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
      code: await count("pre.code"),
      highlighted: await count("pre.code .hljs-keyword"),
      notes: await count("aside.notes"),
      empty: await page.evaluate(
        `[...document.querySelectorAll(".slides section:not(.stack)")]
          .filter((s) => !s.querySelector(":scope > :not(aside):not(.fragment)")).length`,
      ),
      first: await page.evaluate(
        `document.querySelector(".slides > section").classList.contains("title-slide")`,
      ),
      last: await page.evaluate(
        `[...document.querySelectorAll(".slides > section")].at(-1).querySelector("h2")?.textContent`,
      ),
      text: await page.evaluate(
        `[...document.querySelectorAll(".slides section")].map((s) => {
          const c = s.cloneNode(true); c.querySelectorAll("aside").forEach((a) => a.remove());
          return c.textContent; }).join(" ")`,
      ) as string,
    };
    await page.close();
    const tagged = cells.filter((c) => shown(c) && c.metadata.tags?.includes(SLIDE_CODE_TAG));
    expect(stats.slides).toBeGreaterThan(3);
    expect(stats.first).toBe(true);
    expect(stats.last).toBe("Summary");
    expect(stats.maths).toBeGreaterThan(0);
    expect(stats.mathErrors).toBe(0);
    expect(stats.figures).toBe(cells.filter((c) => shown(c) && hasFigure(c)).length);
    expect(stats.drawn).toBeGreaterThanOrEqual(stats.figures); // ≥ 1 svg layer per figure
    expect(stats.code).toBe(tagged.length); // code shown exactly where the notebook asks
    if (tagged.length) expect(stats.highlighted).toBeGreaterThan(0);
    expect(stats.text.match(FOR_THE_RUNNER)?.[0] ?? "").toBe("");
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

describe("the decks together", () => {
  it("show code somewhere in the course", async () => {
    const tagged = (await Promise.all(names.map(cellsOf))).flat()
      .filter((c) => c.metadata.tags?.includes(SLIDE_CODE_TAG));
    expect(tagged.length).toBeGreaterThan(0);
  });
});

/** An attribute's value with its character references decoded. */
const unescape = (s: string) =>
  s.replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** Every local file a page's HTML points at (href, src), resolved against the page. */
function localTargets(html: string, pageUrl: URL): URL[] {
  const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/gi, "$1</script>");
  return [...markup.matchAll(/\s(?:href|src)="([^"]+)"/g)].map((m) => unescape(m[1]))
    .filter((ref) => !/^(#|data:|javascript:|mailto:|https?:)/.test(ref))
    .map((ref) => new URL(ref, pageUrl));
}

async function htmlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...await htmlFiles(path));
    else if (e.name.endsWith(".html")) out.push(path);
  }
  return out;
}

describe("the course site (dist/site)", () => {
  const pages = () => [
    "index.html",
    ...names.flatMap((n) => [`notebooks/${n}.html`, `slides/${n}.html`]),
    "api/index.html",
    "api/all_symbols.html",
  ];

  it("has a page, a deck and an exercise for every notebook, linked from the index", async () => {
    const index = await Deno.readTextFile(`${SITE}/index.html`);
    for (const n of names) {
      expect(index).toContain(`href="notebooks/${n}.html"`);
      expect(index).toContain(`href="slides/${n}.html"`);
      const exercise = (await cellsOf(n)).map((c) => [c.source].flat().join(""))
        .join("\n").match(/check\("([\w-]+)"\)/)?.[1];
      if (exercise) expect(index).toContain(`href="exercises/${exercise}.html"`);
    }
    expect(index).toContain('href="api/index.html"');
  });

  it("loads every page offline with no failed request, every figure drawn", async () => {
    // Every notebook page, the index, the API pages and every exercise page, two at a time.
    // Of the decks, one with figures: the deck tests above draw every deck (the same markup with
    // plotly.js inlined), and the link check below resolves each site deck's shared plotly.js.
    const deck = (await Promise.all(names.map(async (n) => ({ n, f: await cellsOf(n) }))))
      .find(({ f }) => f.some(hasFigure))?.n;
    const paths = [
      ...pages().filter((p) => !p.startsWith("slides/")),
      ...(deck ? [`slides/${deck}.html`] : []),
      ...(await htmlFiles(`${SITE}/exercises`)).map((f) => f.slice(SITE.length + 1)),
    ];
    const problems: string[] = [];
    let figures = 0;
    const visit = async (path: string) => {
      const { page, failed, outside, errors } = await open(`file://${SITE}/${path}`);
      await page.waitForLoadState("load");
      const n = await page.locator(".figure").count();
      if (path.startsWith("slides/")) {
        await page.waitForFunction("Reveal.isReady()");
        await page.evaluate("drawAllFigures()");
      } else figures += n;
      const drawn = await page.locator(".figure.js-plotly-plot").count();
      if (drawn !== n) problems.push(`${path}: ${drawn} of ${n} figures drawn`);
      // On a page (decks are laid out by reveal.js), a figure stays within its box.
      const spill = path.startsWith("slides/") ? 0 : await page.evaluate(
        `[...document.querySelectorAll(".figure")].filter((d) =>
          (d.querySelector(".main-svg")?.getBoundingClientRect().height ?? 0) >
            d.getBoundingClientRect().height + 1).length`,
      );
      if (spill) problems.push(`${path}: ${spill} figures taller than their box`);
      for (const f of [...failed, ...outside, ...errors]) problems.push(`${path}: ${f}`);
      await page.close();
    };
    const queue = [...paths];
    await Promise.all([1, 2].map(async () => {
      for (let path; (path = queue.shift());) await visit(path);
    }));
    const inNotebooks = (await Promise.all(names.map(cellsOf))).flat().filter(hasFigure).length;
    expect(problems).toEqual([]);
    expect(figures).toBeGreaterThanOrEqual(inNotebooks);
    expect(paths.filter((p) => p.startsWith("notebooks/")).length).toBe(names.length);
  }, 1_800_000);

  it("resolves every link and every asset of every page, the API reference included", async () => {
    const files = await htmlFiles(SITE);
    expect(files.length).toBeGreaterThan(pages().length);
    const broken: string[] = [];
    for (const file of files) {
      const url = new URL(`file://${file}`);
      for (const target of localTargets(await Deno.readTextFile(file), url)) {
        const path = decodeURIComponent(target.pathname);
        // A link to a folder (the API reference's breadcrumbs) opens its index.html.
        const ok = await Deno.stat(path).then(
          (s) => s.isFile || Deno.stat(`${path}/index.html`).then(() => true, () => false),
          () => false,
        );
        if (!ok) broken.push(`${file.slice(SITE.length + 1)} → ${path.slice(SITE.length + 1)}`);
      }
    }
    expect(broken.slice(0, 20)).toEqual([]);
  }, 120_000);

  it("includes plotly.js once, as a file the pages share", async () => {
    const copies: string[] = [];
    for (const file of await htmlFiles(SITE)) {
      if ((await Deno.readTextFile(file)).includes("plotly.js v")) copies.push(file);
    }
    expect(copies).toEqual([]);
    expect((await Deno.stat(`${SITE}/assets/plotly.min.js`)).size).toBeGreaterThan(1e6);
  }, 60_000);
});

describe("a learner's HTML export (jupyter nbconvert --to html)", () => {
  const name = names.find((n) => n.startsWith("10_ema"))!;
  let html = "";
  let figures = 0;

  beforeAll(async () => {
    const out = await run("jupyter", ["nbconvert", "--to", "html", `${EXECUTED}/${name}.ipynb`]);
    expect(out.code, out.stderr).toBe(0);
    html = await Deno.readTextFile(`${EXECUTED}/${name}.html`);
    figures = (await cellsOf(name)).flatMap((c) => c.outputs ?? [])
      .filter((o) => o.data && PLOTLY in o.data).length;
    expect(figures).toBeGreaterThan(0);
  }, 60_000);

  /** Opens the export from `dir` and counts the figures drawn and the "not found" notes. */
  async function openExport(dir: string, text = html) {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(`${dir}/${name}.html`, text);
    const { page, errors } = await open(`file://${dir}/${name}.html`);
    await page.waitForFunction(
      `document.querySelectorAll(".course-figure").length ===
       document.querySelectorAll(".course-figure.js-plotly-plot").length +
       [...document.querySelectorAll(".course-figure")].filter((d) => d.textContent.includes("not found")).length`,
      null,
      { timeout: 20_000 },
    );
    const drawn = await page.locator(".course-figure.js-plotly-plot").count();
    const notes = await page.locator(".course-figure", { hasText: "plotly.js was not found" })
      .count();
    await page.close();
    return { drawn, notes, errors };
  }

  it("draws its figures beside vendor/plotly.min.js", async () => {
    const dir = await Deno.makeTempDir({ prefix: "export-vendor-" });
    await Deno.mkdir(`${dir}/vendor`);
    await Deno.copyFile(`${SITE}/assets/plotly.min.js`, `${dir}/vendor/plotly.min.js`);
    expect(await openExport(dir)).toEqual({ drawn: figures, notes: 0, errors: [] });
  }, 60_000);

  it("draws its figures copied anywhere on the machine, from the course's own copy", async () => {
    const dir = await Deno.makeTempDir({ prefix: "export-alone-" });
    expect(await openExport(dir)).toEqual({ drawn: figures, notes: 0, errors: [] });
  }, 60_000);

  it("says in the page what is missing where plotly.js cannot be found", async () => {
    const dir = await Deno.makeTempDir({ prefix: "export-nowhere-" });
    const elsewhere = html.replaceAll("/notebooks/vendor/plotly.min.js", "/nowhere/plotly.min.js");
    expect(elsewhere).not.toBe(html);
    expect(await openExport(dir, elsewhere)).toEqual({ drawn: 0, notes: figures, errors: [] });
  }, 60_000);
});
