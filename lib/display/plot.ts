/**
 * Interactive figures for the notebooks, as plain data.
 *
 * A {@link Figure} is a plotly figure (`data` traces + `layout`). In the Deno kernel the last
 * expression of a cell is shown through `Symbol.for("Jupyter.display")`, which returns a MIME
 * bundle; nothing here touches `Deno`, so a figure is an ordinary object in tests.
 *
 * The bundle carries three views of the same figure:
 * - `application/vnd.plotly.v1+json` — drawn natively by JupyterLab and VS Code;
 * - `text/html` — a `<div>` and a script that draws it with plotly.js loaded from
 *   `vendor/plotly.min.js` beside the notebook (`deno task start` puts it there), so it works
 *   offline in classic Notebook 6.4 (which has require.js: plotly is loaded through it) and in
 *   nbconvert's HTML written next to the notebook; a page exported with nbconvert and opened
 *   from disk elsewhere falls back on the course's own copy, and where neither is found the
 *   figure's place says what is missing and how to fix it;
 * - `text/plain` — one line saying what the figure shows.
 *
 * @module
 */

/** One plotly trace; only the fields the course uses are typed, the rest pass through. */
export interface Trace {
  type?: string;
  mode?: string;
  name?: string;
  x?: readonly number[] | readonly string[];
  y?: readonly number[] | readonly string[];
  z?: readonly (readonly number[])[];
  line?: Record<string, unknown>;
  marker?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A plotly layout (title, axes, size, …), passed through as it is. */
export type Layout = Record<string, unknown>;

/** Where the notebooks find plotly.js, relative to the notebook. */
export const PLOTLY_PATH = "vendor/plotly.min.js";

/** The course's own copy of plotly.js, for an exported page opened from disk elsewhere. */
const COURSE_PLOTLY = new URL(`../../notebooks/${PLOTLY_PATH}`, import.meta.url).href;

/** The MIME type of a plotly figure, drawn natively by JupyterLab and VS Code. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

let counter = 0;

/** A plotly figure (traces and layout) that a notebook cell displays as a MIME bundle. */
export class Figure {
  readonly data: Trace[];
  readonly layout: Layout;

  constructor(data: Trace[], layout: Layout = {}) {
    this.data = data;
    this.layout = { margin: { t: 48, r: 16, b: 48, l: 56 }, ...layout };
    // plotly.js 3 accepts only `title: { text }`; a plain string is the common way to write it.
    if (typeof layout.title === "string") this.layout.title = { text: layout.title };
  }

  /** The plotly JSON: what JupyterLab draws and what the slides embed. */
  toJSON(): { data: Trace[]; layout: Layout } {
    return { data: this.data, layout: this.layout };
  }

  /** A one-line description for terminals and the `text/plain` view. */
  describe(): string {
    const title = titleText(this.layout.title);
    const names = this.data.map((t, i) => t.name ?? `trace ${i + 1}`).join(", ");
    return `Figure${title ? ` "${title}"` : ""}: ${this.data.length} trace(s) [${names}]`;
  }

  /** A standalone HTML fragment that draws the figure (see the module doc). */
  toHTML(id = `fig-${Date.now().toString(36)}-${counter++}`): string {
    const json = JSON.stringify(this.toJSON()).replace(/</g, "\\u003c");
    const what = JSON.stringify(this.describe()).replace(/</g, "\\u003c");
    return `<div id="${id}" class="course-figure" style="width:100%;height:${
      Number(this.layout.height ?? 420)
    }px"></div>
<script>(function () {
  var fig = ${json}, el = document.getElementById("${id}");
  function draw(P) { P.newPlot(el, fig.data, fig.layout, {responsive: true}); }
  function missing() {
    el.style.height = "auto";
    el.innerHTML = "<p style=\\"color:#b42318;border:1px solid;padding:0.5em\\">Figure not drawn: " +
      "plotly.js was not found at vendor/plotly.min.js beside this page. Copy the course's " +
      "notebooks/vendor/plotly.min.js (<code>deno task start</code> puts it there) into a folder " +
      "vendor/ next to this file, or read the course site built by <code>deno task site</code>. " +
      "The figure: " + ${what}.replace(/&/g, "&amp;").replace(/</g, "&lt;") + "</p>";
  }
  if (window.Plotly) { draw(window.Plotly); return; }
  // One load per page, shared by its figures: beside the page first, then (for a page opened
  // from disk) the course's own copy.
  var sources = [new URL("${PLOTLY_PATH}", document.baseURI).href];
  if (location.protocol === "file:") sources.push(${JSON.stringify(COURSE_PLOTLY)});
  window.__coursePlotly = window.__coursePlotly || new Promise(function (resolve, reject) {
    (function next(i) {
      if (i === sources.length) { reject(); return; }
      if (typeof window.require === "function" && window.require.config) {
        // Classic Notebook has require.js. plotly.js 3 defines no AMD module: require.js just
        // runs it, and it sets window.Plotly.
        var paths = {};
        paths["plotly" + i] = sources[i].replace(/\\.js$/, "");
        window.require.config({ paths: paths });
        window.require(["plotly" + i], function (P) { resolve(P || window.Plotly); },
          function () { next(i + 1); });
        return;
      }
      var s = document.createElement("script");
      s.src = sources[i];
      s.onload = function () { resolve(window.Plotly); };
      s.onerror = function () { s.remove(); next(i + 1); };
      document.head.appendChild(s);
    })(0);
  });
  window.__coursePlotly.then(draw, missing);
})();</script>`;
  }

  [Symbol.for("Jupyter.display")](): Record<string, unknown> {
    return {
      [PLOTLY_MIME]: this.toJSON(),
      "text/html": this.toHTML(),
      "text/plain": this.describe(),
    };
  }
}

function titleText(title: unknown): string {
  if (typeof title === "string") return title;
  if (title && typeof title === "object" && "text" in title) return String(title.text);
  return "";
}

/** A line chart of several named series over a shared x. */
export function linePlot(
  x: readonly number[],
  series: Record<string, readonly number[]>,
  layout: Layout = {},
): Figure {
  const traces = Object.entries(series).map(([name, y]) => {
    if (y.length !== x.length) {
      throw new RangeError(`linePlot: series "${name}" has ${y.length} points, x has ${x.length}`);
    }
    return { type: "scatter", mode: "lines", name, x, y };
  });
  return new Figure(traces, layout);
}
