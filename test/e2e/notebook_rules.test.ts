/**
 * tools/notebook_rules.ts: the course's notebooks end with questions answered in
 * solutions/answers/, and their speaker notes are short asides; each rule fails on a notebook
 * that breaks it.
 */
import { describe, expect, it } from "vitest";
import { listNotebooks, ROOT } from "../../tools/jupyter.ts";
import type { Cell, Notebook } from "../../tools/nbformat.ts";
import {
  notebookRuleProblems,
  NOTES_MAX,
  numberedItems,
  QUESTIONS_HEADING,
  QUESTIONS_REQUIRED,
} from "../../tools/notebook_rules.ts";

const cell = (type: string, source: string, cellType = "markdown"): Cell =>
  ({ cell_type: cellType, source, metadata: { slideshow: { slide_type: type } } }) as Cell;
const questions = (n: number) =>
  cell(
    "slide",
    `${QUESTIONS_HEADING}\n\n${Array.from({ length: n }, (_, i) => `${i + 1}. Why?`).join("\n")}`,
  );
const answers = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}. Because.`).join("\n");
const nb = (...cells: Cell[]): Notebook => ({ cells });

describe("notebook rules", () => {
  it("hold for every notebook of the course", async () => {
    const problems: string[] = [];
    const names: string[] = [];
    for (const path of await listNotebooks()) {
      const name = path.split("/").pop()!.replace(/\.ipynb$/, "");
      names.push(name);
      const notebook = JSON.parse(await Deno.readTextFile(path));
      const text = await Deno.readTextFile(`${ROOT}solutions/answers/${name}.md`).catch(() =>
        undefined
      );
      problems.push(...notebookRuleProblems(name, notebook, text));
    }
    expect(problems).toEqual([]);
    for (const prefix of QUESTIONS_REQUIRED) {
      expect(names.some((n) => n.startsWith(prefix))).toBe(true);
    }
  });

  it("counts numbered items at the start of a line only", () => {
    expect(numberedItems("1. a\n2. b\n   3. not an item\ntext 4. no")).toBe(2);
  });

  it("accepts a notebook with short asides and 3–5 answered questions", () => {
    const ok = nb(cell("slide", "# T"), cell("notes", "**Aside.** Short."), questions(4));
    expect(notebookRuleProblems("01_x", ok, answers(4))).toEqual([]);
  });

  it("names each broken rule", () => {
    const long = "**Aside.** " + "x".repeat(NOTES_MAX);
    const bad = nb(cell("notes", "Speaker notes: say this."), cell("notes", long), questions(6));
    expect(notebookRuleProblems("02_x", bad, answers(5))).toEqual([
      '02_x, cell 1: speaker notes start with "**Aside.**"',
      `02_x, cell 2: speaker notes of ${long.length} characters (at most ${NOTES_MAX})`,
      "02_x: 6 numbered questions, expected 3 to 5",
      "02_x: 6 questions but 5 answers in solutions/answers/02_x.md",
    ]);
    expect(notebookRuleProblems("03_x", nb(questions(3)), undefined)).toEqual([
      "03_x: no answers in solutions/answers/03_x.md",
    ]);
    expect(notebookRuleProblems("04_x", nb(cell("slide", "## Summary")), undefined)).toEqual([
      `04_x: has no slide "${QUESTIONS_HEADING}"`,
    ]);
    expect(
      notebookRuleProblems(
        "05_x",
        nb(cell("fragment", `${QUESTIONS_HEADING}\n\n1. a\n2. b\n3. c`)),
        answers(3),
      ),
    )
      .toEqual(["05_x: the questions are a slide of their own"]);
  });

  it("asks questions of the listed notebooks only; others may add them", () => {
    expect(notebookRuleProblems("29_search", nb(cell("slide", "# T")), undefined)).toEqual([]);
    expect(notebookRuleProblems("29_search", nb(questions(3)), undefined)).toEqual([
      "29_search: no answers in solutions/answers/29_search.md",
    ]);
  });
});
