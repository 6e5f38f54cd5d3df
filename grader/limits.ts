/**
 * Every limit the grader puts on learner code, in one place (the README's grading section
 * states them). Times are wall-clock unless they say CPU.
 */

/** One call of a learner function (a check may ask for more with `timeoutMs`). */
export const CALL_TIMEOUT_MS = 3_000;
/** Loading the learner's file: the code at its top level. */
export const LOAD_TIMEOUT_MS = 10_000;
/**
 * All the sandbox time one exercise may use: loads, calls, restarts after a crash. Checks
 * still waiting when it runs out are skipped with that reason, so one exercise is graded
 * within about this long whatever its code does.
 */
export const EXERCISE_BUDGET_MS = 20_000;
/**
 * All the sandbox time of one run over several exercises: an exercise starting later gets what
 * is left, so the whole course is graded within about this long (type checks run beside it).
 */
export const COURSE_BUDGET_MS = 45_000;
/** Exercises graded at once. */
export const PARALLEL_EXERCISES = 3;

/** The V8 heap of a sandbox process. */
export const HEAP_LIMIT_MB = 256;
/** All memory of a sandbox process (typed arrays live outside the V8 heap), via prlimit. */
export const DATA_LIMIT_MB = 1024;
/** CPU time of one sandbox process over its whole life (a stray process cannot spin on). */
export const CPU_LIMIT_S = 30;

/**
 * `deno check` of the learner's file: it costs no points, so it may also not finish. Its CPU
 * time is the bound that matters (an honest file needs 1–2 s, whatever the machine's load);
 * the wall-clock limit is a backstop that keeps one exercise within 30 s.
 */
export const TYPECHECK_CPU_S = 10;
export const TYPECHECK_TIMEOUT_MS = 25_000;
export const TYPECHECK_DATA_MB = 2048;
export const TYPECHECK_HEAP_MB = 1024;

/** Nesting of a value sent across (a Matrix inside an object inside an array is 3). */
export const WIRE_DEPTH = 32;
/** The largest value, once encoded as JSON, that a learner function may return. */
export const WIRE_MAX_CHARS = 8_000_000;

/** Any one piece of learner-controlled text in a report (messages, type errors, notes). */
export const TEXT_MAX_CHARS = 600;
