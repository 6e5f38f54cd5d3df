/**
 * Reports built from grading results: plain text for the terminal and notebooks, HTML for
 * notebooks, and Gradescope's results.json. The records' text is already clean (capped,
 * control characters escaped); every text a report prints passes `escapeControls` once more,
 * so no field can start a line of its own or drive the terminal.
 */

import type { CheckResult, CourseResult, ExerciseResult } from "./types.ts";
import { escapeControls as safe } from "./untrusted.ts";

const MARK: Record<CheckResult["status"], string> = {
  passed: "✓",
  failed: "✗",
  error: "✗",
  timeout: "⏱",
  crashed: "✗",
  skipped: "⏱",
  "not implemented": "·",
};

function checkLines(c: CheckResult): string[] {
  const head = `  ${MARK[c.status]} ${c.name}  ${c.score}/${c.maxScore}${
    c.hidden ? "  (hidden)" : ""
  }`;
  if (c.status === "passed") return [head];
  const lines = [head, `      ${safe(c.message)}`];
  for (const [label, text] of tiers(c)) lines.push(`      ${label}: ${safe(text)}`);
  return lines;
}

/**
 * The help under a failed check, tier by tier: the first-tier hint, then the formula-level
 * hint once unlocked, or how many more failed attempts unlock it.
 */
export function tiers(c: CheckResult): [string, string][] {
  const out: [string, string][] = [];
  if (c.hint) out.push(["hint", c.hint]);
  if (c.formula) out.push(["formula", c.formula]);
  else if (c.unlockIn) {
    out.push([
      "next",
      `${c.unlockIn} more failed attempt${c.unlockIn === 1 ? "" : "s"} at this check ` +
      `(${c.attempts} so far) unlock${c.unlockIn === 1 ? "s" : ""} the formula-level hint`,
    ]);
  }
  return out;
}

/** The lines about the file rather than a check: notes, then type errors. */
function fileLines(r: ExerciseResult): string[] {
  return [
    ...(r.diagnoses ?? []).map((d, i, all) =>
      `mistake${all.length > 1 ? ` ${i + 1}` : ""}: ${safe(d.says)}. It cost ${d.checks.length} ` +
      `checks: ${d.checks.map(safe).join("; ")}`
    ),
    ...r.notes.map((n) => `note: ${safe(n)}`),
    ...r.typeErrors.map((e) => `type error (costs no points by itself): ${safe(e)}`),
  ];
}

export function exerciseText(r: ExerciseResult): string {
  const lines = [`${r.title} (${safe(r.file)}): ${r.score}/${r.maxScore}`];
  for (const l of fileLines(r)) lines.push(`  ! ${l}`);
  for (const c of r.checks) lines.push(...checkLines(c));
  return lines.join("\n");
}

export function courseText(course: CourseResult): string {
  const done = course.exercises.filter((e) => e.score === e.maxScore).length;
  const parts = course.exercises.map(exerciseText);
  const pct = course.maxScore ? Math.round((100 * course.score) / course.maxScore) : 0;
  parts.push(
    `Total: ${course.score}/${course.maxScore} points (${pct}%); ` +
      `${done} of ${course.exercises.length} exercise(s) complete.`,
  );
  return parts.join("\n\n");
}

const escape = (s: string) =>
  safe(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );

export function exerciseHTML(r: ExerciseResult): string {
  const rows = r.checks.map((c) => {
    const colour = c.status === "passed"
      ? "#1a7f37"
      : c.status === "not implemented"
      ? "#777"
      : "#cf222e";
    const info = c.status === "passed"
      ? ""
      : `<div>${escape(c.message)}</div>${
        tiers(c).map(([label, text]) => `<div><i>${label}:</i> ${escape(text)}</div>`).join("")
      }`;
    return `<tr><td style="color:${colour};text-align:center">${
      MARK[c.status]
    }</td><td style="text-align:left">${escape(c.name)}${
      c.hidden ? " <small>(hidden)</small>" : ""
    }${info}</td><td>${c.score}/${c.maxScore}</td></tr>`;
  });
  const about = fileLines(r).map((l) => `<div style="color:#9a6700">${escape(l)}</div>`);
  return `<div><b>${escape(r.title)}</b> — <code>${
    escape(r.file)
  }</code>: <b>${r.score}/${r.maxScore}</b>${about.join("")}<table>${rows.join("")}</table></div>`;
}

/** Gradescope's autograder results format (https://gradescope-autograders.readthedocs.io). */
export function gradescope(course: CourseResult): Record<string, unknown> {
  return {
    score: course.score,
    max_score: course.maxScore,
    output: [
      `${course.score}/${course.maxScore} points`,
      ...course.exercises.flatMap((e) => fileLines(e).map((l) => `${e.name}: ${l}`)),
    ].join("\n"),
    tests: course.exercises.flatMap((e) =>
      e.checks.map((c) => ({
        name: `${e.name}: ${c.name}`,
        score: c.score,
        max_score: c.maxScore,
        status: c.status === "passed" ? "passed" : "failed",
        output: c.status === "passed"
          ? ""
          : [safe(c.message), ...tiers(c).map(([label, text]) => `${label}: ${safe(text)}`)]
            .join("\n"),
        ...(c.hidden ? { visibility: "after_published" } : {}),
      }))
    ),
  };
}

/** A graded exercise as a notebook output: HTML table plus the plain-text report. */
export class GradeReport {
  constructor(readonly result: ExerciseResult) {}

  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/html": exerciseHTML(this.result), "text/plain": exerciseText(this.result) };
  }

  toString(): string {
    return exerciseText(this.result);
  }
}
