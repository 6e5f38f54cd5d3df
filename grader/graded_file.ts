/**
 * The file that is graded: the learner's answer regions spliced into the released exercise
 * (`release(solutions/NAME.ts)`, see tools/release.ts), so that only what the learner wrote
 * between `BEGIN YOUR CODE` and `END YOUR CODE` counts. It is written to a fresh temporary
 * folder, its own imports made absolute, and comes with notes for the report when the
 * learner's file differs from the release elsewhere.
 */

import { firstDifference, release, splice } from "../tools/release.ts";
import { readablePaths } from "./policy.ts";
import { atExit } from "./processes.ts";
import { clean } from "./untrusted.ts";

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

export interface GradedFile {
  /** The spliced file, in a folder of its own, and its file URL. */
  path: string;
  url: string;
  /** What the sandbox may read: the policy's paths and that folder. */
  readable: string[];
  /** Sentences for the report: edits outside the regions, regions that are missing. */
  notes: string[];
  /** Why nothing can be graded (markers that do not pair up, no solution), if so. */
  problem?: string;
  /** Deletes the folder. */
  remove(): Promise<void>;
}

/** The file URL of an absolute path, each segment encoded. */
export function fileUrl(path: string): string {
  return "file://" + path.split("/").map(encodeURIComponent).join("/");
}

/** Relative imports of the released text, made absolute as seen from exercises/. */
function absoluteImports(text: string): string {
  const from = fileUrl(`${ROOT}exercises/`);
  return text.replace(
    /^(\s*(?:import|export)\b[^"';]*?\bfrom\s*|^\s*import\s*)"(\.\.?\/[^"]+)"/gm,
    (_, head, spec) => `${head}"${new URL(spec, from).href}"`,
  );
}

const quote = (s: string) => `"${clean(s, 120)}"`;

/** Prepares the graded form of `file` (shown in reports as `shown`) for exercise `name`. */
export async function prepareGradedFile(
  name: string,
  file: string,
  shown: string,
): Promise<GradedFile> {
  const dir = await Deno.makeTempDir({ prefix: `grade-${name}-` });
  const path = `${dir}/${name}.ts`;
  const forget = atExit(() => Deno.removeSync(dir, { recursive: true }));
  const graded: GradedFile = {
    path,
    url: fileUrl(path),
    readable: [],
    notes: [],
    remove: async () => {
      forget();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
  let released: string;
  try {
    released = release(await Deno.readTextFile(`${ROOT}solutions/${name}.ts`));
  } catch (e) {
    graded.problem = `the released form of ${shown} cannot be made from solutions/${name}.ts ` +
      `(${e instanceof Error ? e.message : e}); restore the course's files`;
    return graded;
  }
  const source = await Deno.readTextFile(file);
  let spliced: { text: string; missing: string[] };
  try {
    spliced = splice(absoluteImports(released), source, shown);
  } catch (e) {
    graded.problem = `the BEGIN YOUR CODE / END YOUR CODE markers do not pair up (${
      clean(e instanceof Error ? e.message : String(e), 200)
    }): put them back as released, then grade again`;
    return graded;
  }
  const diff = firstDifference(released, source, shown);
  if (diff) {
    graded.notes.push(
      `${shown} differs from the released exercise outside the answer regions (first at line ${diff.line}: ` +
        `${quote(diff.have)} where the release has ${quote(diff.want)}). Only the code between ` +
        "BEGIN YOUR CODE and END YOUR CODE is graded, so changes elsewhere do not count.",
    );
  }
  for (const fn of spliced.missing) {
    graded.notes.push(
      `${shown} has no answer region for ${fn} (its BEGIN YOUR CODE / END YOUR CODE lines are ` +
        "gone), so it is graded as not written.",
    );
  }
  await Deno.writeTextFile(path, spliced.text);
  graded.readable = [dir, ...readablePaths(released)];
  return graded;
}
