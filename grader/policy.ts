/**
 * What learner code may read while it is graded: the one place that decides it.
 *
 * The course's core data structures (Matrix, Tensor, Random, the validation helpers, `todo`)
 * and the kernels under them, the grader's wire code, and the modules the released exercise
 * itself imports outside its answer regions (with what they import). Nothing else of `lib/`:
 * the implementations there are what the exercises ask for, so an answer that imports one
 * (statically, dynamically, by any path) fails to load it, and {@link refusedImport} turns
 * Deno's "Requires read access" into a sentence saying that an answer must not delegate to
 * the library. The sandbox passes {@link readablePaths} to `deno run --allow-read`; Deno checks
 * read permission for every module a dynamically imported module loads, however deep.
 */

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

/** The core of lib/ that every answer may use (paths from the repository root). */
export const CORE = ["lib/core/", "lib/kernels/"];
const CORE_NAMES = "the core data structures (Matrix, Tensor, Random, …) and lib/kernels/";
/** The sandbox's own code (its static imports need no permission; listed for clarity). */
const GRADER = ["grader/child.ts", "grader/wire.ts", "grader/limits.ts"];

const IMPORT =
  /^\s*(?:import|export)\b[^"';]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;

/** The relative modules `source` (at `url`) imports, as file URLs. */
function importsOf(source: string, url: string): string[] {
  return [...source.matchAll(IMPORT)]
    .map((m) => m[1] ?? m[2])
    .filter((s) => s.startsWith(".") || s.startsWith("/") || s.startsWith("file:"))
    .map((s) => new URL(s, url).href);
}

/** The lib/ modules `source` needs, with everything they import in turn (lib/ is trusted). */
function libClosure(source: string, url: string): string[] {
  const lib = new URL("../lib/", import.meta.url).href;
  const seen = new Set<string>();
  const visit = (from: string, at: string) => {
    for (const dep of importsOf(from, at)) {
      if (!dep.startsWith(lib) || seen.has(dep)) continue;
      seen.add(dep);
      visit(Deno.readTextFileSync(new URL(dep)), dep);
    }
  };
  visit(source, url);
  return [...seen].map((u) => decodeURIComponent(new URL(u).pathname));
}

/**
 * The absolute paths the sandbox may read to grade `released` (the released exercise's text,
 * as if it sat in exercises/), besides the folder of the graded file.
 */
export function readablePaths(released: string): string[] {
  const own = libClosure(released, new URL("../exercises/released.ts", import.meta.url).href);
  const base = [...CORE, ...GRADER].map((p) => ROOT + p);
  return [...base, ...own.filter((p) => !base.some((b) => b.endsWith("/") && p.startsWith(b)))];
}

/**
 * The sentence for an error that is a refused import of a lib/ module, or undefined: Deno
 * says `Requires read access to "/…/lib/nn/linear.ts"`.
 */
export function refusedImport(error: string): string | undefined {
  const path = /Requires read access to "([^"]*\/lib\/[^"]+)"/.exec(error)?.[1];
  if (!path) return undefined;
  const module = path.slice(path.lastIndexOf("/lib/") + 1);
  return `uses ${module}, which is not available while grading: an answer must not ` +
    `delegate to the course library (only ${CORE_NAMES} can be imported)`;
}
