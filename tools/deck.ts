/**
 * Turns an executed notebook into one self-contained reveal.js deck (a single HTML file).
 *
 * Slides follow Jupyter's `slideshow.slide_type`: `slide` starts a new slide, `subslide` a
 * slide below it, `fragment` a step revealed on the same slide, `-` continues the current one,
 * `skip` is left out, and `notes` becomes speaker notes (press S). Markdown goes through
 * markdown-it; maths is rendered to HTML by KaTeX at build time. Code is shown highlighted,
 * except for cells whose output is a figure, where the figure speaks. Figures are the
 * notebook's own plotly outputs, drawn by plotly.js inlined in the page; KaTeX's fonts are
 * inlined as data URLs. Opened from disk, the deck fetches nothing.
 */

import MarkdownIt from "markdown-it";
import { katex } from "@mdit/plugin-katex";
import { PLOTLY_MIME } from "../lib/display/plot.ts";
import { type Cell, joined } from "./nbformat.ts";

const NODE_MODULES = decodeURIComponent(new URL("../node_modules/", import.meta.url).pathname);

/** Code cells longer than this are left out of the slides (their outputs stay). */
const MAX_CODE_LINES = 10;

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const md = new MarkdownIt({ html: true, linkify: true }).use(katex, { throwOnError: true });

function renderOutputs(cell: Cell, figures: unknown[]): { html: string; figure: boolean } {
  let html = "";
  let figure = false;
  for (const o of cell.outputs ?? []) {
    const data = o.data ?? {};
    if (PLOTLY_MIME in data) {
      figure = true;
      html += `<div class="figure" data-figure="${figures.length}"></div>`;
      figures.push(data[PLOTLY_MIME]);
    } else if ("text/html" in data) {
      html += `<div class="output-html">${joined(data["text/html"] as string)}</div>`;
    } else if ("text/markdown" in data) {
      html += md.render(joined(data["text/markdown"] as string));
    } else if ("text/plain" in data) {
      html += `<pre class="output">${escape(joined(data["text/plain"] as string))}</pre>`;
    } else if (o.output_type === "stream") {
      html += `<pre class="output">${escape(joined(o.text))}</pre>`;
    } else if (o.output_type === "error") {
      html += `<pre class="output error">${escape(`${o.ename}: ${o.evalue}`)}</pre>`;
    }
  }
  return { html, figure };
}

interface Slide {
  parts: string[];
  notes: string[];
}

/** The `<section>` markup of a deck: horizontal slides, each with its vertical subslides. */
export function slidesHTML(cells: Cell[], figures: unknown[]): string {
  const stacks: Slide[][] = [];
  const current = () => stacks.at(-1)!.at(-1)!;
  let pending: "slide" | "subslide" | undefined;
  for (const cell of cells) {
    const type = cell.metadata.slideshow?.slide_type ?? "-";
    if (type === "skip") continue;
    const source = joined(cell.source);
    if (type === "notes") {
      if (stacks.length) current().notes.push(md.render(source));
      continue;
    }
    let html: string;
    let figure = false;
    if (cell.cell_type === "markdown") html = md.render(source);
    else if (cell.cell_type === "code") {
      const out = renderOutputs(cell, figures);
      figure = out.figure;
      // Short code is shown; long code and plotting code stay in the notebook.
      const code = out.figure || source.split("\n").length > MAX_CODE_LINES
        ? ""
        : `<pre class="code"><code class="language-typescript" data-trim data-noescape>${
          escape(source)
        }</code></pre>`;
      html = code + out.html;
    } else continue;
    // A break waits for the next cell that shows something, so no slide is left empty.
    if (type === "slide" || type === "subslide") pending = pending === "slide" ? "slide" : type;
    if (!html) continue;
    if (pending === "slide" || stacks.length === 0) stacks.push([{ parts: [], notes: [] }]);
    else if (pending === "subslide" || (figure && current().parts.length > 0)) {
      // A figure needs the whole slide: it gets a slide of its own, below the text.
      stacks.at(-1)!.push({ parts: [], notes: [] });
    }
    pending = undefined;
    // A fragment alone on its slide would show an empty slide first: show it at once.
    const alone = current().parts.length === 0;
    current().parts.push(
      type === "fragment" && !alone ? `<div class="fragment">${html}</div>` : html,
    );
  }
  const section = (s: Slide) =>
    `<section>${s.parts.join("\n")}${
      s.notes.length ? `<aside class="notes">${s.notes.join("\n")}</aside>` : ""
    }</section>`;
  return stacks.map((stack) =>
    stack.length === 1 ? section(stack[0]) : `<section>${stack.map(section).join("\n")}</section>`
  ).join("\n");
}

const read = (path: string) => Deno.readTextFile(`${NODE_MODULES}${path}`);

/** KaTeX's stylesheet with its woff2 fonts inlined and the other formats dropped. */
async function katexCSS(): Promise<string> {
  const css = await read("katex/dist/katex.min.css");
  const fonts = new Map<string, string>();
  for (const [, file] of css.matchAll(/url\(fonts\/([^)]+\.woff2)\)/g)) {
    if (fonts.has(file)) continue;
    const bytes = await Deno.readFile(`${NODE_MODULES}katex/dist/fonts/${file}`);
    fonts.set(file, `data:font/woff2;base64,${base64(bytes)}`);
  }
  return css.replace(
    /src:url\(fonts\/([^)]+\.woff2)\) format\("woff2"\)(,url\([^)]+\) format\("[^"]+"\))*/g,
    (_, file) => `src:url(${fonts.get(file)}) format("woff2")`,
  );
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

const STYLE = `
.reveal { font-size: 28px; }
.reveal h1 { font-size: 1.9em; } .reveal h2 { font-size: 1.3em; }
.reveal p, .reveal li { text-align: left; line-height: 1.35; }
.reveal pre.code { font-size: 0.46em; margin: 0.3em auto; width: 100%; box-shadow: none; }
.reveal pre.code code { max-height: 420px; }
.reveal pre.output { font-size: 0.5em; background: #f6f8fa; padding: 0.4em; text-align: left; }
.reveal .output-html table { font-size: 0.7em; margin: 0.3em auto; border-collapse: collapse; }
.reveal .output-html td, .reveal .output-html th { padding: 0.15em 0.6em; border-bottom: 1px solid #ddd; }
.reveal .figure { width: 100%; height: 640px; }
.reveal .katex-display { margin: 0.4em 0; }
`;

/** The whole deck as one HTML string. */
export async function buildDeck(title: string, cells: Cell[]): Promise<string> {
  const figures: unknown[] = [];
  const slides = slidesHTML(cells, figures);
  const [revealCSS, theme, highlightCSS, revealJS, notesJS, highlightJS, plotlyJS, katex] =
    await Promise.all([
      read("reveal.js/dist/reveal.css"),
      read("reveal.js/dist/theme/white.css"),
      read("reveal.js/dist/plugin/highlight/monokai.css"),
      read("reveal.js/dist/reveal.js"),
      read("reveal.js/dist/plugin/notes.js"),
      read("reveal.js/dist/plugin/highlight.js"),
      figures.length ? read("plotly.js-dist-min/plotly.min.js") : Promise.resolve(""),
      katexCSS(),
    ]);
  // Theme fonts would come from the web: keep the theme's colours, use local fonts.
  const localTheme = theme.replace(/@import url\([^)]*\);?/g, "");
  const script = (js: string) => `<script>${js.replace(/<\/script/gi, "<\\/script")}</script>`;
  const figureData = JSON.stringify(figures).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>${revealCSS}</style><style>${localTheme}</style><style>${highlightCSS}</style>
<style>${katex}</style><style>${STYLE}</style>
</head><body>
<div class="reveal"><div class="slides">
${slides}
</div></div>
${script(revealJS)}${script(notesJS)}${script(highlightJS)}${figures.length ? script(plotlyJS) : ""}
<script>
const FIGURES = ${figureData};
function drawFigures(slide) {
  for (const div of (slide || document).querySelectorAll(".figure:not([data-drawn])")) {
    const fig = FIGURES[Number(div.dataset.figure)];
    div.dataset.drawn = "1";
    Plotly.newPlot(div, fig.data, { ...fig.layout, autosize: true }, { responsive: true, displaylogo: false });
  }
}
const printing = /print-pdf/.test(location.search);
Reveal.initialize({ hash: true, slideNumber: "c/t", width: 1280, height: 800, pdfSeparateFragments: false, plugins: [RevealNotes, RevealHighlight] })
  .then(() => drawFigures(printing ? document : Reveal.getCurrentSlide()));
Reveal.on("slidechanged", (e) => drawFigures(e.currentSlide));
Reveal.on("fragmentshown", (e) => drawFigures(e.fragment));
window.drawAllFigures = () => drawFigures(document);
</script>
</body></html>
`;
}
