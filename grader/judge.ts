/**
 * What the outcome of a learner's call means for a check: compare a value with the
 * reference, or say in a sentence what happened instead. Whatever came back, the result is a
 * {@link CheckResult} whose text is cleaned (untrusted.ts); a point is given only for a match.
 */

import { compare } from "./compare.ts";
import { DATA_LIMIT_MB } from "./limits.ts";
import { refusedImport } from "./policy.ts";
import type { CallOutcome } from "./sandbox.ts";
import type { Check, CheckResult, Diagnosis } from "./types.ts";
import { analyse } from "./analyse.ts";
import { clean } from "./untrusted.ts";

/** The errors a failed allocation throws (caught, the process lives on). */
const OUT_OF_MEMORY = /^RangeError: (Array buffer allocation failed|Invalid (typed )?array length)/;

/** The sentence for an outcome other than a value. */
function outcomeMessage(
  outcome: Exclude<CallOutcome, { kind: "value" }>,
  fn: string,
  file: string,
) {
  switch (outcome.kind) {
    case "unloadable": {
      const refused = refusedImport(outcome.error);
      return refused ? `${file} ${refused}` : `${file}: ${outcome.error}`;
    }
    case "missing":
      return `${file} ${outcome.error}`;
    case "timeout":
      return `${fn} did not return within ${outcome.ms / 1000} s (an endless loop?)`;
    case "crashed":
      return `${fn} stopped the sandbox: ${outcome.error}`;
    case "unsendable":
      return outcome.tooLarge
        ? `${fn} returned a value too large to grade: ${outcome.error}`
        : `${fn} returned a value the grader cannot read: ${outcome.error}`;
    case "threw": {
      const refused = refusedImport(outcome.error);
      if (refused) return `${fn} ${refused}`;
      if (outcome.notImplemented) {
        return `${
          /(\w+) is not implemented/.exec(outcome.error)?.[1] ?? fn
        } is not implemented yet`;
      }
      if (OUT_OF_MEMORY.test(outcome.error)) {
        return `${fn} ran out of memory: ${outcome.error} (the sandbox allows ${DATA_LIMIT_MB} MB in all)`;
      }
      return `${fn} threw ${outcome.error}`;
    }
  }
}

/**
 * Why the remaining checks of `fn` should be skipped after this outcome, if they should: it
 * looped until stopped or exhausted the sandbox's memory or CPU time, which each further call
 * would most likely do again, at the same cost.
 */
export function skipReason(outcome: CallOutcome, fn: string): string | undefined {
  const earlier = "on an earlier check";
  if (outcome.kind === "timeout" && !outcome.cut) {
    return `${fn} did not return within ${outcome.ms / 1000} s ${earlier}`;
  }
  if (outcome.kind === "crashed" && outcome.exhausted === "cpu") {
    return `${fn} used up the sandbox's CPU time ${earlier}`;
  }
  const memory = (outcome.kind === "crashed" && outcome.exhausted === "memory") ||
    (outcome.kind === "threw" && OUT_OF_MEMORY.test(outcome.error));
  return memory ? `${fn} ran out of memory ${earlier}` : undefined;
}

const STATUS: Record<Exclude<CallOutcome, { kind: "value" }>["kind"], CheckResult["status"]> = {
  unloadable: "error",
  missing: "error",
  timeout: "timeout",
  crashed: "crashed",
  unsendable: "error",
  threw: "error",
};

/** A result record for `check`; `message` may hold learner text, so it is cleaned here. */
export function result(
  check: Check,
  status: CheckResult["status"],
  message: string,
  ms = 0,
): CheckResult {
  return {
    name: check.name,
    score: status === "passed" ? check.points : 0,
    maxScore: check.points,
    status,
    message: clean(message),
    hidden: !!check.hidden,
    ms: Math.round(ms),
  };
}

/**
 * Grades `check` from the outcome of its call. `file` is how the learner's file is named in
 * messages, and `paths` the names the sandbox knows it by (replaced by `file`).
 */
export function judge(
  check: Check,
  outcome: CallOutcome,
  ms: number,
  file: string,
  paths: string[],
): CheckResult {
  const shown = (text: string) => paths.reduce((t, p) => t.replaceAll(p, file), text);
  if (outcome.kind !== "value") {
    const status = outcome.kind === "threw" && outcome.notImplemented
      ? "not implemented"
      : STATUS[outcome.kind];
    return result(check, status, shown(outcomeMessage(outcome, check.fn, file)), ms);
  }
  const tol = { rtol: check.rtol ?? 1e-9, atol: check.atol ?? 1e-12 };
  const miss = compare(outcome.value, check.expected, tol);
  if (!miss) return result(check, "passed", "", ms);
  const parts = [`${check.fn}: ${miss.problem}`];
  if (!check.hidden && miss.detail) parts.push(`(${miss.detail})`);
  if (check.hidden) parts.push("(hidden check: the reference values are not shown)");
  const failed = result(check, "failed", parts.join(" "), ms);
  let mistakes: Diagnosis[] = [];
  try {
    mistakes = asDiagnoses(check.diagnose?.(outcome.value));
  } catch {
    // A diagnosis is a courtesy: one that cannot be computed for this answer says nothing.
  }
  if (!mistakes.length) {
    const numbers = analyse(outcome.value, check.expected, tol);
    if (numbers) mistakes = [numbers];
  }
  return mistakes.length ? { ...failed, mistakes } : failed;
}

/** What a `diagnose` returned, as records (a sentence is its own id). */
export function asDiagnoses(found: string | Diagnosis | Diagnosis[] | undefined): Diagnosis[] {
  if (!found) return [];
  if (typeof found === "string") return [{ id: found, says: found }];
  return Array.isArray(found) ? found : [found];
}
