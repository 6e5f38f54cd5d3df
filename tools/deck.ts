/**
 * Turns an executed notebook into one reveal.js deck (a single HTML file) a lecturer can use.
 *
 * Slides follow Jupyter's `slideshow.slide_type`: `slide` starts a new slide, `subslide` a
 * slide below it, `fragment` a step revealed on the same slide, `-` continues the current one,
 * `skip` is left out, and `notes` becomes speaker notes (press S). On top of that:
 * - the deck opens on a title slide (the notebook's title and its "Part · notebook" line) and
 *   closes on the notebook's Summary (or, without one, a list of its sections);
 * - a code cell shows its output; its source too, highlighted and trimmed to
 *   {@link SLIDE_CODE_LINES} lines, when the cell is tagged {@link SLIDE_CODE_TAG};
 * - sentences addressed to someone running the notebook ("run the cell below", "use the table
 *   above", where to write the exercise) are left off ({@link forSlides}); the "Your turn" cell
 *   becomes a slide announcing the exercise and the functions it asks for.
 *
 * Maths is rendered by KaTeX and code by highlight.js at build time; figures are the notebook's
 * own plotly outputs, drawn by plotly.js, inlined (or linked, for the course site); KaTeX's fonts
 * are inlined as data URLs. Opened from disk, the deck fetches nothing else.
 */

import { type Cell, joined } from "./nbformat.ts";
import type { NotebookInfo } from "./course.ts";
import {
  codeBlock,
  escape,
  highlightCSS,
  inlineScript,
  katexCSS,
  md,
  readModule,
  renderOutputs,
  scriptJSON,
} from "./render.ts";

/** The tag that puts a code cell's source on its slide. */
export const SLIDE_CODE_TAG = "slide-code";
/** At most this many lines of a cell's source go on a slide. */
export const SLIDE_CODE_LINES = 14;

/** Sentences that speak to someone running the notebook, not to a lecture audience. */
const FOR_THE_RUNNER = [
  /\bcells? (below|above)\b/i,
  /\b(last|next|previous|this|following|grading) cell\b/i,
  /\b(run|execute)\b[^.]*\bcells?\b/i,
  /\b(use|see|read) the [^.]{0,40}\b(above|below)\b/i,
  /`exercises\//,
  /\bBEGIN YOUR CODE\b/,
];

/** Markdown with the sentences addressed to someone running the notebook taken out. */
export function forSlides(markdown: string): string {
  return markdown.split(/\n\s*\n/).map((para) => {
    if (/^\s*(#|```|\$\$|\|)/.test(para) || !FOR_THE_RUNNER.some((r) => r.test(para))) {
      return para;
    }
    return para.split(/(?<=[.!?])\s+(?=[A-Z(_*`$])/)
      .filter((s) => !FOR_THE_RUNNER.some((r) => r.test(s))).join(" ");
  }).filter((p) => p.trim() !== "").join("\n\n");
}

/**
 * Code as shown on a slide: without the notebook's checks (top-level `assertClose(…)` and
 * `assertTrue(…)` statements: the slide states the fact, the notebook checks it) and at most
 * {@link SLIDE_CODE_LINES} lines.
 */
export function trimmedCode(source: string): string {
  const lines: string[] = [];
  let depth = 0;
  for (const line of source.trim().split("\n")) {
    if (depth === 0 && !/^assert(Close|True)\(/.test(line)) {
      lines.push(line);
      continue;
    }
    // Inside a check: follow its brackets outside string literals until they close.
    for (const ch of line.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, "")) {
      if ("([{".includes(ch)) depth++;
      else if (")]}".includes(ch)) depth--;
    }
  }
  if (lines.length <= SLIDE_CODE_LINES) return lines.join("\n");
  const kept = lines.slice(0, SLIDE_CODE_LINES - 1);
  return [...kept, `// … ${lines.length - kept.length} more lines in the notebook`].join("\n");
}

interface Slide {
  parts: string[];
  notes: string[];
  className?: string;
}

const heading = (source: string) => source.match(/^#{1,3}\s+(.+)$/m)?.[1].trim() ?? "";

/** The `<section>` markup of a deck: horizontal slides, each with its vertical subslides. */
export function slidesHTML(
  info: NotebookInfo,
  cells: Cell[],
  figures: unknown[],
  { exerciseFunctions = [] as string[] } = {},
): string {
  const stacks: Slide[][] = [[{
    parts: [
      `<h1>${md.renderInline(info.title)}</h1>`,
      info.subtitle ? `<p class="subtitle">${md.renderInline(info.subtitle)}</p>` : "",
      `<p class="course">Training deep networks, in TypeScript</p>`,
    ],
    notes: [],
    className: "title-slide",
  }]];
  const current = () => stacks.at(-1)!.at(-1)!;
  let pending: "slide" | "subslide" | undefined = "slide";
  let summary = "";
  const sections: string[] = [];
  const firstMarkdown = cells.find((c) => c.cell_type === "markdown");
  for (const cell of cells) {
    const type = cell.metadata.slideshow?.slide_type ?? "-";
    if (type === "skip") continue;
    let source = joined(cell.source);
    if (type === "notes") {
      current().notes.push(md.render(source));
      continue;
    }
    let html: string;
    let figure = false;
    if (cell.cell_type === "markdown") {
      if (cell === firstMarkdown) {
        // The title and subtitle are on the title slide already.
        source = source.replace(/^#\s+.+$/m, "").replace(/^_[^_\n]+_\s*$/m, "");
      }
      const title = heading(source);
      if (/^#{2}\s/m.test(source) && title) sections.push(title);
      if (/^your turn\b/i.test(title) && info.exercise) {
        const fns = exerciseFunctions.map((f) => `<code>${escape(f)}</code>`).join(", ");
        html = `<h2>Your turn: exercise <code>${escape(info.exercise)}</code></h2>` +
          (fns ? `<p>Implement ${fns}.</p>` : "") +
          `<p>Graded with points, feedback and hints: <code>deno task grade ${
            escape(info.exercise)
          }</code>.</p>`;
      } else html = md.render(forSlides(source));
      if (/^summary$/i.test(title)) {
        summary = html; // the closing slide, wherever the notebook has it
        continue;
      }
    } else if (cell.cell_type === "code") {
      const out = renderOutputs(cell.outputs, figures);
      figure = out.figure;
      if (cell.metadata.tags?.includes(SLIDE_CODE_TAG)) {
        // Code to read gets a slide of its own below the text, its figure the next one.
        const code = codeBlock(trimmedCode(source));
        add(figure ? code : code + out.html, type === "slide" ? type : "subslide", false);
        if (!figure) continue;
        html = out.html;
      } else html = out.html;
    } else continue;
    add(html, type, figure);
  }
  stacks.push([{
    parts: [
      summary ||
      `<h2>Summary</h2><ul>${sections.map((s) => `<li>${md.renderInline(s)}</li>`).join("")}</ul>`,
    ],
    notes: [],
  }]);

  function add(html: string, type: string, figure: boolean) {
    // A break waits for the next cell that shows something, so no slide is left empty.
    if (type === "slide" || type === "subslide") pending = pending === "slide" ? "slide" : type;
    if (!html.trim()) return;
    if (pending === "slide") stacks.push([{ parts: [], notes: [] }]);
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
    `<section${s.className ? ` class="${s.className}"` : ""}>${s.parts.join("\n")}${
      s.notes.length ? `<aside class="notes">${s.notes.join("\n")}</aside>` : ""
    }</section>`;
  return stacks.map((stack) =>
    stack.length === 1 ? section(stack[0]) : `<section>${stack.map(section).join("\n")}</section>`
  ).join("\n");
}

const STYLE = `
.reveal { font-size: 28px; }
.reveal h1 { font-size: 1.9em; } .reveal h2 { font-size: 1.3em; }
.reveal p, .reveal li { text-align: left; line-height: 1.35; }
.reveal .title-slide h1, .reveal .title-slide p { text-align: center; }
.reveal .title-slide .subtitle { font-style: italic; color: #555; }
.reveal .title-slide .course { font-size: 0.7em; color: #888; margin-top: 2em; }
.reveal pre.code { font-size: 0.6em; margin: 0.3em auto; width: 100%; box-shadow: none; }
.reveal pre.code code { max-height: 560px; padding: 0.5em 0.8em; background: #f6f8fa; line-height: 1.35; }
.reveal pre.output { font-size: 0.5em; background: #f6f8fa; padding: 0.4em; text-align: left; }
.reveal .output-html table { font-size: 0.7em; margin: 0.3em auto; border-collapse: collapse; }
.reveal .output-html td, .reveal .output-html th { padding: 0.15em 0.6em; border-bottom: 1px solid #ddd; }
.reveal .figure { width: 100%; height: 640px; }
.reveal .katex-display { margin: 0.4em 0; }
`;

/**
 * The whole deck as one HTML string. `plotlySrc`: load plotly.js from this URL instead of
 * inlining it (the course site shares one copy between its pages).
 */
export async function buildDeck(
  info: NotebookInfo,
  cells: Cell[],
  { exerciseFunctions = [] as string[], plotlySrc = "" } = {},
): Promise<string> {
  const figures: unknown[] = [];
  const slides = slidesHTML(info, cells, figures, { exerciseFunctions });
  const [revealCSS, theme, hlCSS, revealJS, notesJS, plotlyJS, katex] = await Promise.all([
    readModule("reveal.js/dist/reveal.css"),
    readModule("reveal.js/dist/theme/white.css"),
    highlightCSS(),
    readModule("reveal.js/dist/reveal.js"),
    readModule("reveal.js/dist/plugin/notes.js"),
    figures.length && !plotlySrc ? readModule("plotly.js-dist-min/plotly.min.js") : "",
    katexCSS(),
  ]);
  // Theme fonts would come from the web: keep the theme's colours, use local fonts.
  const localTheme = theme.replace(/@import url\([^)]*\);?/g, "");
  const plotly = !figures.length
    ? ""
    : plotlySrc
    ? `<script src="${escape(plotlySrc)}"></script>`
    : inlineScript(plotlyJS);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(info.title)}</title>
<style>${revealCSS}</style><style>${localTheme}</style><style>${hlCSS}</style>
<style>${katex}</style><style>${STYLE}</style>
</head><body>
<div class="reveal"><div class="slides">
${slides}
</div></div>
${inlineScript(revealJS)}${inlineScript(notesJS)}${plotly}
<script>
const FIGURES = ${scriptJSON(figures)};
function drawFigures(slide) {
  for (const div of (slide || document).querySelectorAll(".figure:not([data-drawn])")) {
    const fig = FIGURES[Number(div.dataset.figure)];
    div.dataset.drawn = "1";
    Plotly.newPlot(div, fig.data, { ...fig.layout, autosize: true }, { responsive: true, displaylogo: false });
  }
}
const printing = /print-pdf/.test(location.search);
Reveal.initialize({ hash: true, slideNumber: "c/t", width: 1280, height: 800, pdfSeparateFragments: false, plugins: [RevealNotes] })
  .then(() => drawFigures(printing ? document : Reveal.getCurrentSlide()));
Reveal.on("slidechanged", (e) => drawFigures(e.currentSlide));
Reveal.on("fragmentshown", (e) => drawFigures(e.fragment));
window.drawAllFigures = () => drawFigures(document);
</script>
</body></html>
`;
}
