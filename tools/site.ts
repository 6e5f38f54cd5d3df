/**
 * `deno task site [--reuse]`: the course readable without running it, in dist/site/.
 *
 * Every notebook is executed on the Deno kernel (`--reuse`: the executed copies already in
 * dist/executed/ are used, as the test suite does after executing them) and written as a page
 * with its maths (KaTeX), code (highlight.js), tables and interactive plotly figures; beside it
 * its deck (tools/deck.ts), its exercise, and an API reference of lib/ (`deno doc --html`). The
 * index page holds the course table with links to all of them. Everything is local: open
 * dist/site/index.html from disk; plotly.js is one shared file (assets/plotly.min.js) and
 * KaTeX's fonts are inlined in assets/katex.css.
 */

import { exerciseFunctions, type NotebookInfo, notebookInfo } from "./course.ts";
import { listNotebooks, ROOT, run } from "./jupyter.ts";
import { type Cell, joined } from "./nbformat.ts";
import { EXECUTED, runNotebooks } from "./notebooks.ts";
import {
  codeBlock,
  escape,
  highlightCSS,
  katexCSS,
  md,
  NODE_MODULES,
  renderOutputs,
  scriptJSON,
} from "./render.ts";
import { deckOf } from "./slides.ts";

export const SITE = `${ROOT}dist/site`;
const COURSE = "Training deep networks, in TypeScript";

const STYLE = `
body { font: 17px/1.55 system-ui, sans-serif; color: #1f2328; margin: 0; }
main { max-width: 920px; margin: 0 auto; padding: 1em 1.5em 4em; }
nav.top { background: #24292f; padding: 0.5em 1.5em; }
nav.top a { color: #fff; margin-right: 1.2em; text-decoration: none; }
nav.top a:hover { text-decoration: underline; }
a { color: #0969da; }
pre { overflow-x: auto; }
pre.code { background: #f6f8fa; padding: 0.7em 0.9em; border-radius: 6px; font-size: 14px; margin: 0; }
pre.output { padding: 0.3em 0.9em; font-size: 14px; margin: 0.3em 0; }
pre.output.error { color: #cf222e; }
.cell.code { margin: 1em 0; }
.cell.code .outputs { border-left: 3px solid #d0d7de; margin-top: 0.3em; }
.cell.notes { background: #fff8c5; padding: 0.2em 1em; border-radius: 6px; font-size: 0.92em; }
.cell.notes::before { content: "Speaker notes"; font-weight: 600; font-size: 0.85em; color: #7d4e00; }
.output-html table, table.course { border-collapse: collapse; margin: 0.5em 0; font-size: 15px; }
.output-html td, .output-html th, table.course td, table.course th {
  border-bottom: 1px solid #d0d7de; padding: 0.25em 0.7em; text-align: left; vertical-align: top; }
.figure { width: 100%; height: 460px; }
.missing { color: #cf222e; }
.katex-display { overflow-x: auto; overflow-y: hidden; }
`;

/** An HTML page of the site; `depth` is how many folders below dist/site/ it sits. */
function page(title: string, body: string, { depth = 1, figures = [] as unknown[] } = {}) {
  const up = "../".repeat(depth);
  const figureScripts = figures.length
    ? `<script type="application/json" id="figures">${scriptJSON(figures)}</script>
<script src="${up}assets/plotly.min.js"></script><script src="${up}assets/figures.js"></script>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<link rel="stylesheet" href="${up}assets/katex.css"><link rel="stylesheet" href="${up}assets/site.css">
</head><body>
<nav class="top"><a href="${up}index.html">${COURSE}</a><a href="${up}api/index.html">API of lib/</a></nav>
<main>
${body}
</main>
${figureScripts}
</body></html>
`;
}

/** Draws every `.figure` of a page from the JSON in `#figures`. */
const FIGURES_JS = `(function () {
  var figures = JSON.parse(document.getElementById("figures").textContent);
  document.querySelectorAll(".figure").forEach(function (div) {
    var fig = figures[Number(div.dataset.figure)];
    if (!window.Plotly) {
      div.innerHTML = '<p class="missing">plotly.js did not load (assets/plotly.min.js).</p>';
      return;
    }
    // The figure's own height, so that a tall figure does not spill over what follows it.
    if (fig.layout && fig.layout.height) div.style.height = fig.layout.height + "px";
    Plotly.newPlot(div, fig.data, Object.assign({}, fig.layout, { autosize: true }),
      { responsive: true, displaylogo: false });
  });
})();
`;

const links = (info: NotebookInfo, depth: number) => {
  const up = "../".repeat(depth);
  return `<p class="links"><a href="${up}slides/${info.name}.html">Slides</a>${
    info.exercise
      ? ` · <a href="${up}exercises/${info.exercise}.html">Exercise <code>${info.exercise}</code></a>`
      : ""
  } · <code>notebooks/${info.name}.ipynb</code></p>`;
};

/** One executed notebook as a page: every cell in order, outputs under their code. */
export function notebookPage(info: NotebookInfo, cells: Cell[]): string {
  const figures: unknown[] = [];
  const body = cells.map((cell) => {
    const source = joined(cell.source);
    if (cell.cell_type === "markdown") {
      const notes = cell.metadata.slideshow?.slide_type === "notes";
      return `<div class="cell ${notes ? "notes" : "markdown"}">${md.render(source)}</div>`;
    }
    if (cell.cell_type !== "code") return "";
    const out = renderOutputs(cell.outputs, figures).html;
    return `<div class="cell code">${codeBlock(source)}${
      out ? `<div class="outputs">${out}</div>` : ""
    }</div>`;
  }).join("\n");
  return page(info.title, links(info, 1) + body, { figures });
}

async function exercisePage(exercise: string, usedBy: NotebookInfo[]): Promise<string> {
  const source = await Deno.readTextFile(`${ROOT}exercises/${exercise}.ts`);
  const fns = (await exerciseFunctions(exercise)).map((f) => `<code>${f}</code>`).join(", ");
  const from = usedBy.map((n) =>
    `<a href="../notebooks/${n.name}.html">${md.renderInline(n.title)}</a>`
  )
    .join(", ");
  return page(
    `Exercise ${exercise}`,
    `<h1>Exercise <code>${exercise}</code></h1>
<p>From ${from}. Write ${fns} in <code>exercises/${exercise}.ts</code> between the
<code>BEGIN YOUR CODE</code> and <code>END YOUR CODE</code> lines, then grade it with
<code>deno task grade ${exercise}</code> (or the notebook's last cell): points per check, feedback
that names the mistake, and a hint for each check.</p>
${codeBlock(source)}`,
  );
}

/** The README's course table: notebook name → what it covers (markdown). */
async function conceptsFromReadme(): Promise<Map<string, string>> {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const rows = readme.matchAll(/^\|\s*`(\d\d_\w+)`\s*\|\s*(.+?)\s*\|\s*(.*?)\s*\|\s*$/gm);
  return new Map([...rows].map((m) => [m[1], m[2]]));
}

function indexPage(infos: NotebookInfo[], concepts: Map<string, string>): string {
  const rows = infos.map((n) =>
    `<tr><td>${n.name.slice(0, 2)}</td><td><a href="notebooks/${n.name}.html">${
      md.renderInline(n.title)
    }</a></td><td>${md.renderInline(concepts.get(n.name) ?? n.subtitle)}</td>
<td><a href="slides/${n.name}.html">slides</a></td><td>${
      n.exercise ? `<a href="exercises/${n.exercise}.html"><code>${n.exercise}</code></a>` : ""
    }</td></tr>`
  ).join("\n");
  return page(
    COURSE,
    `<h1>${COURSE}</h1>
<p>How deep networks are trained, from one neuron to Adam: each notebook derives the maths, runs
the code and draws the figures; this site shows every notebook as executed, its lecture slides
and its exercise, and the <a href="api/index.html">API reference of <code>lib/</code></a>. To run
the notebooks yourself: <code>deno task start</code>.</p>
<table class="course"><thead><tr><th>#</th><th>notebook</th><th>concept</th><th>slides</th>
<th>exercise</th></tr></thead><tbody>
${rows}
</tbody></table>`,
    { depth: 0 },
  );
}

/** Writes dist/site/ from the executed notebooks in `executed`; returns the pages written. */
export async function buildSite(executed = EXECUTED): Promise<string[]> {
  await Deno.remove(SITE, { recursive: true }).catch(() => {});
  for (const dir of ["assets", "notebooks", "slides", "exercises"]) {
    await Deno.mkdir(`${SITE}/${dir}`, { recursive: true });
  }
  await Deno.copyFile(
    `${NODE_MODULES}plotly.js-dist-min/plotly.min.js`,
    `${SITE}/assets/plotly.min.js`,
  );
  await Deno.writeTextFile(`${SITE}/assets/katex.css`, await katexCSS());
  await Deno.writeTextFile(`${SITE}/assets/site.css`, (await highlightCSS()) + STYLE);
  await Deno.writeTextFile(`${SITE}/assets/figures.js`, FIGURES_JS);

  const written: string[] = [];
  const write = async (path: string, html: string) => {
    await Deno.writeTextFile(`${SITE}/${path}`, html);
    written.push(path);
  };
  const infos: NotebookInfo[] = [];
  for (const path of await listNotebooks()) {
    const name = path.split("/").pop()!.replace(/\.ipynb$/, "");
    const nb = JSON.parse(await Deno.readTextFile(`${executed}/${name}.ipynb`));
    const info = notebookInfo(name, nb.cells);
    infos.push(info);
    await write(`notebooks/${name}.html`, notebookPage(info, nb.cells));
    await write(
      `slides/${name}.html`,
      await deckOf(name, { plotlySrc: "../assets/plotly.min.js" }),
    );
  }
  for (const exercise of new Set(infos.map((n) => n.exercise).filter((e) => e !== undefined))) {
    await write(
      `exercises/${exercise}.html`,
      await exercisePage(exercise, infos.filter((n) => n.exercise === exercise)),
    );
  }
  await write("index.html", indexPage(infos, await conceptsFromReadme()));
  const doc = await run(Deno.execPath(), [
    "doc",
    "--html",
    "--name=lib",
    `--output=${SITE}/api`,
    `${ROOT}lib/mod.ts`,
  ], { cwd: ROOT });
  if (doc.code !== 0) throw new Error(`deno doc --html failed:\n${doc.stderr}`);
  // deno doc names a page `Figure.prototype.[Symbol.for(%22Jupyter.display%22)].html` and links
  // to it by that name, which a browser decodes to a `"`: give the file the decoded name.
  for await (const e of Deno.readDir(`${SITE}/api/~`)) {
    const decoded = decodeURIComponent(e.name);
    if (decoded !== e.name) {
      await Deno.rename(`${SITE}/api/~/${e.name}`, `${SITE}/api/~/${decoded}`);
    }
  }
  written.push("api/index.html");
  return written;
}

if (import.meta.main) {
  if (!Deno.args.includes("--reuse")) {
    console.log("Executing the notebooks on the Deno kernel…");
    const { lines, problems } = await runNotebooks(await listNotebooks());
    console.log(lines.join("\n"));
    if (problems.length) {
      console.error(problems.join("\n"));
      Deno.exit(1);
    }
  }
  const pages = await buildSite();
  console.log(`wrote ${pages.length} pages and the API reference to dist/site/`);
  console.log(`open file://${SITE}/index.html`);
}
