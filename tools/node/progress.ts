/**
 * `@course/progress` on tslab (Node): the live figure of `tools/progress.ts`, redrawn in place
 * through tslab's display writer (`update_display_data` of one display id); one line per epoch
 * outside the kernel.
 *
 * @module
 */

import type { EpochRecord } from "../../lib/mod.ts";
import { progressWith } from "../progress.ts";
import { display, inTslab } from "./display.ts";

/** Options of {@link progress} (as `tools/progress.ts`'s). */
export interface ProgressOptions {
  /** The number of epochs of the run (fixes the x axis). */
  epochs: number;
  /** Where the text lines go outside the kernel (default `console.log`). */
  write?: (line: string) => void;
}

/** An `onEpoch` callback for `fit` that shows the run as it goes. */
export function progress(o: ProgressOptions): (
  record: EpochRecord,
  history: readonly EpochRecord[],
) => Promise<void> {
  return progressWith(inTslab() ? (bundle, opts) => display(bundle, opts) : undefined, o);
}
