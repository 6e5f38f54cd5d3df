/**
 * `deno check` of a learner's file, bounded: no remote or npm imports, no configuration, a
 * time limit, a heap and a memory limit. Its findings cost no points; a check that does not
 * finish (types can be made arbitrarily expensive) becomes a note and never holds the grade.
 */

import { fileUrl } from "./graded_file.ts";
import { kill, spawnDeno } from "./processes.ts";
import {
  TYPECHECK_CPU_S,
  TYPECHECK_DATA_MB,
  TYPECHECK_HEAP_MB,
  TYPECHECK_TIMEOUT_MS,
} from "./limits.ts";
import { clean } from "./untrusted.ts";

export interface TypeCheck {
  /** One line per type error (TS code, message, where). */
  errors: string[];
  /** Why there is no full answer (did not finish, ran out of memory, could not run), if so. */
  note?: string;
}

const MAX_ERRORS = 10;
const NOT_RUN =
  "the type check was not run: the course's grading time ran out (this costs no points)";

/** Type-checks `file`; diagnostics name it as `shown`. `stop` ends the check early. */
export async function typeCheck(
  file: string,
  shown: string,
  timeoutMs = TYPECHECK_TIMEOUT_MS,
  stop?: AbortSignal,
): Promise<TypeCheck> {
  if (timeoutMs <= 0 || stop?.aborted) return { errors: [], note: NOT_RUN };
  const child = spawnDeno(
    [
      "check",
      "--quiet",
      "--no-config",
      "--no-remote",
      "--no-npm",
      "--no-lock",
      `--v8-flags=--max-old-space-size=${TYPECHECK_HEAP_MB}`,
      file,
    ],
    { cpuSeconds: TYPECHECK_CPU_S, dataMb: TYPECHECK_DATA_MB },
  );
  child.stdin.close();
  stop?.addEventListener("abort", () => kill(child));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const output = child.output();
  const done = await Promise.race([output, timedOut]);
  clearTimeout(timer);
  if (done === "timeout") {
    kill(child);
    await output.catch(() => {});
    return {
      errors: [],
      note:
        `the type check did not finish within ${
          Math.round(timeoutMs / 1000)
        } s, so type errors are ` +
        "not listed (this costs no points)",
    };
  }
  const text = new TextDecoder().decode(done.stderr).replaceAll(fileUrl(file), shown)
    .replaceAll(file, shown);
  if (done.success) return { errors: [] };
  const blocks = text.split(/\n(?=TS\d+ )/).filter((b) => /^TS\d+ /.test(b));
  const errors = blocks.slice(0, MAX_ERRORS).map((b) =>
    clean(b.trim().split("\n").filter((l) => l.trim()).slice(0, 3).join(" ").replace(/\s+/g, " "))
  );
  if (blocks.length > MAX_ERRORS) errors.push(`… and ${blocks.length - MAX_ERRORS} more`);
  if (errors.length) return { errors };
  const why = /out of memory/i.test(text)
    ? `ran out of memory (${TYPECHECK_HEAP_MB} MB heap)`
    : done.signal === "SIGXCPU"
    ? `did not finish within ${TYPECHECK_CPU_S} s of CPU time, so type errors are not listed`
    : done.signal
    ? `was stopped by ${done.signal}`
    : `could not check the file: ${
      clean(text.trim().split("\n").find((l) => l.trim()) ?? `exit code ${done.code}`, 300)
    }`;
  return { errors: [], note: `the type check ${why} (this costs no points)` };
}

/**
 * Type-checks several files, `concurrency` at a time (each check is CPU-heavy), none past
 * `deadline` (performance.now()): the checks of a course run beside its grading, never in its
 * way. One promise per file, in order.
 */
export function typeCheckAll(
  files: { file: string; shown: string }[],
  o: { concurrency: number; deadline: number; timeoutMs?: number },
  stop?: AbortSignal,
): Promise<TypeCheck>[] {
  let free = o.concurrency;
  const waiting: (() => void)[] = [];
  const slot = () =>
    free > 0 ? (free--, Promise.resolve()) : new Promise<void>((r) => waiting.push(r));
  const release = () => (waiting.length ? waiting.shift()!() : free++);
  return files.map(async ({ file, shown }) => {
    await slot();
    try {
      const left = o.deadline - performance.now();
      return await typeCheck(
        file,
        shown,
        Math.min(o.timeoutMs ?? TYPECHECK_TIMEOUT_MS, left),
        stop,
      );
    } finally {
      release();
    }
  });
}
