/**
 * Every graded exercise of the course, in course order. `deno task grade` grades them all;
 * `deno task grade NAME` one of them.
 */

import type { Exercise } from "../../grader/types.ts";
import { activationsExercise } from "./activations.ts";
import { adamExercise } from "./adam.ts";
import { backpropExercise } from "./backprop.ts";
import { clippingExercise } from "./clipping.ts";
import { dartsExercise } from "./darts.ts";
import { emaExercise } from "./ema.ts";
import { gradcheckExercise } from "./gradcheck.ts";
import { hingeExercise } from "./hinge.ts";
import { neuronExercise } from "./neuron.ts";
import { regularisationExercise } from "./regularisation.ts";
import { reinforceExercise } from "./reinforce.ts";
import { schedulesExercise } from "./schedules.ts";
import { sgdMomentumExercise } from "./sgd_momentum.ts";
import { softmaxExercise } from "./softmax.ts";

export const EXERCISES: Exercise[] = [
  neuronExercise,
  activationsExercise,
  hingeExercise,
  softmaxExercise,
  backpropExercise,
  gradcheckExercise,
  sgdMomentumExercise,
  emaExercise,
  adamExercise,
  schedulesExercise,
  clippingExercise,
  regularisationExercise,
  reinforceExercise,
  dartsExercise,
];
