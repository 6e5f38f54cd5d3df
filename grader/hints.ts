/**
 * Tiered feedback, as okpy and otter give it: a failing check first says what is wrong (the
 * mistake it matches, or numbers about the difference, and a nudge where to look) without the
 * formula; the formula-level hint appears only after `HINT_UNLOCK_ATTEMPTS` failed attempts at
 * the same check, or at once for instructors (`allHints`). Failed attempts are counted per
 * check in a small JSON file beside the graded files (exercises/.attempts.json, git-ignored),
 * read and written by the grader's own process; the sandbox has no write permission at all.
 *
 * Also here: one diagnosis once. A mistake that fails several checks is stated on the first
 * and listed once for the exercise with the checks it cost; a hint that does not fit the
 * failure (the check's own hint when a known mistake explains it, a hidden check's hint while a
 * visible check of the same function fails) is not shown.
 */

import type { Check, CheckResult, ExerciseResult } from "./types.ts";
import { clean } from "./untrusted.ts";

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
  /** Mistake id → the checks it cost, in order. */
  const cost = new Map<string, { says: string; checks: string[] }>();
  /** Formula-level hints already given (or announced) above: each is given once. */
  const given = new Set<string>();
  const out = result.checks.map((r): CheckResult => {
    const check = byName.get(r.name);
    if (!check || r.status === "passed") return r;
    if (COUNTED.has(r.status)) counts[r.name] = (counts[r.name] ?? 0) + 1;
    const n = counts[r.name] ?? 0;
    const mistakes = r.mistakes ?? [];
    const known = mistakes.filter((m) => !m.id.startsWith("analysis:"));
    // Name each mistake on the first check it costs; later checks refer back to it.
    const named: string[] = [];
    for (const m of mistakes) {
      const seen = cost.get(m.id);
      if (seen) {
        named.push(`the same mistake as “${short(seen.checks[0])}” (see “mistake” above)`);
        seen.checks.push(r.name);
      } else {
        named.push(m.says);
        cost.set(m.id, { says: m.says, checks: [r.name] });
      }
    }
    const message = [r.message, ...named.map((s) => `— ${s}`)].join(" ");
    // A hint fits only when no known mistake explains the failure, and a hidden check's only
    // when the visible checks of its function pass.
    const fits = known.length === 0 && !(r.hidden && failedVisible.has(check.fn));
    const formulas = known.flatMap((m) => (m.formula ? [m.formula] : []));
    const formula = known.length ? [...new Set(formulas)].join(" ") : fits ? check.hint : "";
    const unlocked = options.allHints || n >= HINT_UNLOCK_ATTEMPTS;
    const repeat = given.has(formula);
    if (formula && (unlocked || !repeat)) given.add(formula);
    return {
      ...r,
      // The record keeps the formulas only once they are unlocked: a notebook can read it.
      mistakes: unlocked ? mistakes : mistakes.map(({ formula: _, ...m }) => m),
      message: clean(message),
      hint: fits && check.nudge ? check.nudge : undefined,
      formula: formula && unlocked && !repeat ? formula : undefined,
      attempts: n,
      unlockIn: formula && !unlocked && !repeat && COUNTED.has(r.status)
        ? HINT_UNLOCK_ATTEMPTS - n
        : 0,
    };
  });
  const diagnoses = [...cost.values()].filter((d) => d.checks.length > 1).map((d) => ({
    ...d,
    checks: d.checks.map(short),
  }));
  return { ...result, checks: out, diagnoses };
}
