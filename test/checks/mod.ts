/**
 * Every graded exercise of the course, in course order. `deno task grade` grades them all;
 * `deno task grade NAME` one of them.
 */

import type { Exercise } from "../../grader/types.ts";
import { activationsExercise } from "./activations.ts";
import { adamExercise } from "./adam.ts";
import { attentionExercise } from "./attention.ts";
import { backpropExercise } from "./backprop.ts";
import { batchnormExercise } from "./batchnorm.ts";
import { clippingExercise } from "./clipping.ts";
import { dropoutExercise } from "./dropout.ts";
import { dartsExercise } from "./darts.ts";
import { emaExercise } from "./ema.ts";
import { expectedImprovementExercise } from "./expected_improvement.ts";
import { gradcheckExercise } from "./gradcheck.ts";
import { hingeExercise } from "./hinge.ts";
import { metricsExercise } from "./metrics.ts";
import { convExercise } from "./conv.ts";
import { maxpoolExercise } from "./maxpool.ts";
import { lstmExercise } from "./lstm.ts";
import { neuronExercise } from "./neuron.ts";
import { randomSearchExercise } from "./random_search.ts";
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
  dropoutExercise,
  batchnormExercise,
  metricsExercise,
  convExercise,
  maxpoolExercise,
  lstmExercise,
  attentionExercise,
  randomSearchExercise,
  expectedImprovementExercise,
  reinforceExercise,
  dartsExercise,
];
