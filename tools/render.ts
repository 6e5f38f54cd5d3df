/**
 * Rendering shared by the decks (tools/deck.ts) and the course site (tools/site.ts): markdown
 * with maths rendered by KaTeX at build time, TypeScript highlighted by highlight.js at build
 * time, a code cell's outputs, and the stylesheets and scripts pages inline or link.
 */

import MarkdownIt from "markdown-it";
import { katex } from "@mdit/plugin-katex";
// @ts-types="./types/highlight.d.ts"
import hljs from "highlight.js/lib/core";
// @ts-types="./types/highlight_language.d.ts"
import typescript from "highlight.js/lib/languages/typescript";
import { PLOTLY_MIME } from "../lib/display/plot.ts";
import { joined, type Output } from "./nbformat.ts";

hljs.registerLanguage("typescript", typescript);

export const NODE_MODULES = decodeURIComponent(
  new URL("../node_modules/", import.meta.url).pathname,
);

export const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** TypeScript source as highlighted HTML (spans with highlight.js classes). */
export function highlight(source: string): string {
  return hljs.highlight(source, { language: "typescript", ignoreIllegals: true }).value;
}

/** A code block: `<pre class="code hljs">` holding the highlighted source. */
export function codeBlock(source: string): string {
  return `<pre class="code hljs"><code class="language-typescript">${
    highlight(source)
  }</code></pre>`;
}

/** Markdown to HTML: inline HTML allowed, maths through KaTeX, fenced code highlighted. */
export const md: MarkdownIt = new MarkdownIt({
  html: true,
  linkify: true,
  highlight: (code, lang) => (/^(ts|typescript|js|javascript)$/.test(lang) ? highlight(code) : ""),
}).use(katex, { throwOnError: true });

/**
 * A code cell's outputs as HTML. Plotly figures become `<div class="figure" data-figure="N">`
 * placeholders, their JSON appended to `figures` (a page draws them with plotly.js); tables and
 * other HTML are kept; text is shown preformatted.
 */
export function renderOutputs(
  outputs: Output[] | undefined,
  figures: unknown[],
): { html: string; figure: boolean } {
  let html = "";
  let figure = false;
  for (const o of outputs ?? []) {
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

/** A file of an npm package, as text. */
export const readModule = (path: string) => Deno.readTextFile(`${NODE_MODULES}${path}`);

export function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** KaTeX's stylesheet with its woff2 fonts inlined as data URLs and the other formats dropped. */
export async function katexCSS(): Promise<string> {
  const css = await readModule("katex/dist/katex.min.css");
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

/** highlight.js's light theme (GitHub's colours). */
export const highlightCSS = () => readModule("highlight.js/styles/github.min.css");

/** A `<script>` holding `js`, safe against a `</script>` inside it. */
export const inlineScript = (js: string) =>
  `<script>${js.replace(/<\/script/gi, "<\\/script")}</script>`;

/** JSON that can sit inside a `<script>` element. */
export const scriptJSON = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");
