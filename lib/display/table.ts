/**
 * Small tables for notebook outputs: an HTML table in Jupyter and the slides, aligned text
 * elsewhere. Numbers are shown with six significant digits unless given as strings.
 *
 * @module
 */

/** What a table cell may hold. */
export type Cell = string | number | boolean;

const show = (
  v: Cell,
) => (typeof v === "number" && !Number.isInteger(v) ? v.toPrecision(6) : String(v));
const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A table of rows: HTML in Jupyter and the slides, aligned text elsewhere. */
export class Table {
  readonly columns: string[];
  readonly rows: Cell[][];

  constructor(rows: Record<string, Cell>[], readonly caption = "") {
    this.columns = rows.length ? Object.keys(rows[0]) : [];
    this.rows = rows.map((r) => this.columns.map((c) => r[c]));
  }

  toText(): string {
    const cells = [this.columns, ...this.rows.map((r) => r.map(show))];
    const widths = this.columns.map((_, j) => Math.max(...cells.map((r) => r[j].length)));
    const line = (r: string[]) => r.map((c, j) => c.padEnd(widths[j])).join("  ").trimEnd();
    const body = [
      line(cells[0]),
      widths.map((w) => "-".repeat(w)).join("  "),
      ...cells.slice(1).map(line),
    ];
    return (this.caption ? [this.caption, ...body] : body).join("\n");
  }

  toHTML(): string {
    const head = this.columns.map((c) => `<th>${escape(c)}</th>`).join("");
    const body = this.rows.map((r) =>
      `<tr>${r.map((v) => `<td>${escape(show(v))}</td>`).join("")}</tr>`
    );
    const caption = this.caption ? `<caption>${escape(this.caption)}</caption>` : "";
    return `<table class="course-table">${caption}<thead><tr>${head}</tr></thead><tbody>${
      body.join("")
    }</tbody></table>`;
  }

  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/html": this.toHTML(), "text/plain": this.toText() };
  }
}

/** A table with one row per object; the first object's keys are the columns. */
export function table(rows: Record<string, Cell>[], caption = ""): Table {
  return new Table(rows, caption);
}
