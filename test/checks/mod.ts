/**
 * Every graded exercise of the course, in course order. `deno task grade` grades them all;
 * `deno task grade NAME` one of them.
 */

import type { Exercise } from "../../grader/types.ts";
import { emaExercise } from "./ema.ts";

export const EXERCISES: Exercise[] = [emaExercise];
