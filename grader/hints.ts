/**
 * Tiered feedback, as okpy and otter give it: a failing check first says what is wrong (the
 * mistake it matches, or numbers about the difference, and a nudge where to look) without the
 * formula; the formula-level hint appears only after `HINT_UNLOCK_ATTEMPTS` failed attempts at
 * the same check, or at once for instructors (`allHints`). Failed attempts are counted per
 * check in a small JSON file beside the graded files (exercises/.attempts.json, git-ignored),
 * read and written by the grader's own process; the sandbox has no write permission at all.
 *
 * Also here: one diagnosis once. A mistake that fails several checks is stated once, above the
 * checks, with the checks it cost, and each of them refers to it ("see mistake 2 above"); a
 * hint that does not fit the failure (the check's nudge when a known mistake explains it, a
 * hidden check's hints while a visible check of the same function fails) is not shown. A known
 * mistake brings its own formula; one without a formula falls back on the check's.
 */

import type { Check, CheckResult, ExerciseResult } from "./types.ts";
import { clean } from "./untrusted.ts";

/**
 * Ids of records that say where this check's answer departs ("your w departs at step 3"):
 * numbers about one check, stated on it, never above.
 */
export const WHERE = "where:";

/** Failed attempts at a check before its formula-level hint is shown. */
export const HINT_UNLOCK_ATTEMPTS = 3;
export const ATTEMPTS_FILE = ".attempts.json";

/** Failed attempts per exercise, per check name. */
export type Attempts = Record<string, Record<string, number>>;

/** The counts stored in `dir`; empty when there is no file or it is not a valid one. */
export async function loadAttempts(dir: string): Promise<Attempts> {
  try {
    const data = JSON.parse(await Deno.readTextFile(`${dir}/${ATTEMPTS_FILE}`));
    const out: Attempts = {};
    for (const [exercise, checks] of Object.entries(data?.failed ?? {})) {
      if (!checks || typeof checks !== "object") continue;
      out[exercise] = {};
      for (const [name, n] of Object.entries(checks as Record<string, unknown>)) {
        if (Number.isInteger(n) && (n as number) > 0) out[exercise][name] = n as number;
      }
    }
    return out;
  } catch {
    return {};
  }
}

/** Writes the counts (atomically: a temporary file renamed over the old one). */
export async function saveAttempts(dir: string, attempts: Attempts): Promise<void> {
  const path = `${dir}/${ATTEMPTS_FILE}`;
  const text = JSON.stringify({ failed: attempts }, null, 1) + "\n";
  try {
    await Deno.writeTextFile(`${path}.tmp`, text);
    await Deno.rename(`${path}.tmp`, path);
  } catch {
    // A read-only course directory grades as before; hints then unlock only with allHints.
  }
}

/** "mistake 1", "mistakes 1 and 2", "the mistake". */
function and(labels: string[]): string {
  if (labels.length === 1) return labels[0];
  const numbers = labels.map((l) => l.replace("mistake ", ""));
  return `mistakes ${numbers.slice(0, -1).join(", ")} and ${numbers.at(-1)}`;
}

/** Statuses that count as a failed attempt (not "not implemented" or "skipped"). */
const COUNTED = new Set<CheckResult["status"]>(["failed", "error", "timeout", "crashed"]);

export interface TierOptions {
  /** Show every formula-level hint at once (instructors). */
  allHints?: boolean;
}

/**
 * Adds the tiers to an exercise's results and counts this attempt in `attempts` (updated in
 * place): the first-tier help and, once unlocked, the formula; each mistake stated once.
 */
export function tier<R extends Omit<ExerciseResult, "typeErrors">>(
  result: R,
  checks: Check[],
  attempts: Attempts,
  options: TierOptions = {},
): R {
  const counts = (attempts[result.name] ??= {});
  // "backprop: dW2 …" → "dW2 …" when every check carries the exercise's name; a prefix that
  // names one of several functions ("softmax: …" beside "softmaxCrossEntropy: …") stays.
  const prefix = `${result.name}: `;
  const common = checks.every((c) => c.name.startsWith(prefix));
  const short = (name: string) => (common ? name.slice(prefix.length) : name);
  const byName = new Map(checks.map((c) => [c.name, c]));
  const failedVisible = new Set(
    result.checks.filter((r) => !r.hidden && r.status !== "passed").map((r) =>
      byName.get(r.name)?.fn
    ),
  );
  /** Failed checks with the mistakes they match, in order. */
  const failed = result.checks.flatMap((r) => {
    const check = byName.get(r.name);
    return check && r.status !== "passed" ? [{ r, check, mistakes: r.mistakes ?? [] }] : [];
  });
  /** Mistake id → what it says and the checks it cost, in order of the checks. */
  const cost = new Map<string, { says: string; checks: string[] }>();
  for (const { r, mistakes } of failed) {
    for (const m of mistakes.filter((m) => !m.id.startsWith(WHERE))) {
      const seen = cost.get(m.id);
      if (seen) seen.checks.push(r.name);
      else cost.set(m.id, { says: m.says, checks: [r.name] });
    }
  }
  // A mistake that cost several checks is stated once, above the checks; they refer to it.
  const repeated = [...cost.entries()].filter(([, c]) => c.checks.length > 1);
  const label = new Map(
    repeated.map(([id], i) => [id, repeated.length > 1 ? `mistake ${i + 1}` : "the mistake"]),
  );
  /** Formula-level hints shown, and announced ("next: …"), above: each is given once. */
  const shown = new Set<string>(), announced = new Set<string>();
  const tiered = new Map(failed.map(({ r, check, mistakes }): [string, CheckResult] => {
    if (COUNTED.has(r.status)) counts[r.name] = (counts[r.name] ?? 0) + 1;
    const n = counts[r.name] ?? 0;
    const known = mistakes.filter((m) => !m.id.startsWith("analysis:") && !m.id.startsWith(WHERE));
    const above = mistakes.flatMap((m) => label.get(m.id) ?? []);
    const named = mistakes.filter((m) => !label.has(m.id)).map((m) => m.says);
    if (above.length) named.push(`see ${and(above)} above`);
    const message = [r.message, ...named.map((s) => `— ${s}`)].join(" ");
    // The check's own hints fit a failure no known mistake explains; a hidden check's, only
    // when the visible checks of its function pass.
    const own = !(r.hidden && failedVisible.has(check.fn));
    const fits = known.length === 0 && own;
    // The known mistakes' formulas, or the check's formula-level hint when they have none;
    // each formula is given once in the report.
    const formulas = known.flatMap((m) => (m.formula ? [m.formula] : []));
    const pieces = [...new Set(formulas.length ? formulas : own ? [check.hint] : [])]
      .filter((f) => f && !shown.has(f));
    const unlocked = options.allHints || n >= HINT_UNLOCK_ATTEMPTS;
    const show = unlocked && pieces.length > 0;
    const announce = !unlocked && COUNTED.has(r.status) && pieces.some((f) => !announced.has(f));
    if (show || announce) { for (const f of pieces) (show ? shown : announced).add(f); }
    const formula = pieces.join(" ");
    return [r.name, {
      ...r,
      // The record keeps the formulas only once they are unlocked: a notebook can read it.
      mistakes: unlocked ? mistakes : mistakes.map(({ formula: _, ...m }) => m),
      message: clean(message),
      hint: fits && check.nudge ? check.nudge : undefined,
      formula: show ? formula : undefined,
      attempts: n,
      unlockIn: announce ? HINT_UNLOCK_ATTEMPTS - n : 0,
    }];
  }));
  const out = result.checks.map((r) => tiered.get(r.name) ?? r);
  const diagnoses = repeated.map(([, d]) => ({ ...d, checks: d.checks.map(short) }));
  return { ...result, checks: out, diagnoses };
}
