/**
 * Rules for the text of the notebooks, enforced by tools/check_notebooks.ts:
 *
 * - **Questions.** Near its end a notebook may have a slide headed "## Questions to think about"
 *   (or subslide) holding 3–5 numbered questions; `solutions/answers/NAME.md` then answers each one (as many numbered
 *   items). Learners never see the answers: they are instructor material. The notebooks of
 *   {@link QUESTIONS_REQUIRED} must have them.
 * - **Speaker notes.** A `notes` cell is read twice: inline by learners in Jupyter and on the
 *   speaker view (S) of the deck. So it is a short aside: it starts with "**Aside.**" and has at
 *   most {@link NOTES_MAX} characters.
 */

import { type Cell, joined, type Notebook } from "./nbformat.ts";

export const QUESTIONS_HEADING = "## Questions to think about";

/** Notebooks that must end with questions (those whose name starts with one of these). */
export const QUESTIONS_REQUIRED = ["01_", "02_", "03_", "04_", "05_", "06_", "07_", "10_"];

/** The most characters a speaker-notes cell may hold. */
export const NOTES_MAX = 300;

/** How many numbered items ("1. …") a markdown text has, at the start of a line. */
export function numberedItems(markdown: string): number {
  return markdown.split("\n").filter((l) => /^\d+\. \S/.test(l)).length;
}

const slideType = (c: Cell) => c.metadata.slideshow?.slide_type ?? "-";

/**
 * What is wrong with the questions and the speaker notes of notebook `name`; `answers` is the
 * text of solutions/answers/NAME.md, or undefined when there is none.
 */
export function notebookRuleProblems(
  name: string,
  notebook: Notebook,
  answers: string | undefined,
): string[] {
  const problems: string[] = [];
  const withRules = QUESTIONS_REQUIRED.some((p) => name.startsWith(p));
  if (withRules) {
    notebook.cells.forEach((c, i) => {
      if (slideType(c) !== "notes") return;
      const text = joined(c.source).trim();
      if (!text.startsWith("**Aside.**")) {
        problems.push(`${name}, cell ${i + 1}: speaker notes start with "**Aside.**"`);
      }
      if (text.length > NOTES_MAX) {
        problems.push(
          `${name}, cell ${
            i + 1
          }: speaker notes of ${text.length} characters (at most ${NOTES_MAX})`,
        );
      }
    });
  }
  const cell = notebook.cells.find((c) =>
    c.cell_type === "markdown" && joined(c.source).trimStart().startsWith(QUESTIONS_HEADING)
  );
  if (!cell) {
    if (withRules) problems.push(`${name}: has no slide "${QUESTIONS_HEADING}"`);
    return problems;
  }
  const questions = joined(cell.source);
  const n = numberedItems(questions);
  if (n < 3 || n > 5) problems.push(`${name}: ${n} numbered questions, expected 3 to 5`);
  if (!["slide", "subslide"].includes(slideType(cell))) {
    problems.push(`${name}: the questions are a slide of their own`);
  }
  if (answers === undefined) {
    problems.push(`${name}: no answers in solutions/answers/${name}.md`);
  } else if (numberedItems(answers) !== n) {
    problems.push(
      `${name}: ${n} questions but ${
        numberedItems(answers)
      } answers in solutions/answers/${name}.md`,
    );
  }
  return problems;
}
