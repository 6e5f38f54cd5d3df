/**
 * The course library: one readable implementation of every formula the notebooks teach, checked
 * against PyTorch and numerical gradients. Notebooks import everything from here, by the name
 * `@course/lib` (deno.json maps it to this file; on tslab it is the package tools/node/build.ts
 * builds from it):
 *
 * ```ts
 * import { Matrix, Random, mlpInit, mlpForward, softmaxCrossEntropy, adam } from "@course/lib";
 * ```
 *
 * The folders read like the course: `core/` (matrices, tensors, random numbers, checks),
 * `nn/` (activations, losses, initialisation, layers), `optim/` (optimisers, schedules,
 * clipping, second order, EMA), `check/` (gradient checking), `display/` (figures, tables),
 * `data/` and `train/`. Imports point down: `core/` uses only `kernels/`.
 *
 * ## Conventions
 *
 * - **Layout** as PyTorch's: a batch is N×D, one example per row; a weight is out×in; a bias
 *   is 1×out; images are NCHW {@link Tensor}s.
 * - **Layers** are CS231n pairs: `xForward(x, …, o?) → { out, cache }` and
 *   `xBackward(dout, cache, o?) → { dx, dw, db, … }`, each gradient named `d` + its input. For
 *   speed a training loop passes last step's result as `{ reuse }` (its matrices of the right
 *   shape are overwritten) and `{ needsInputGrad: false }` where the input is data.
 * - **Sequences** are time-major lists `xs[t]` (B×I), one matrix per step, as PyTorch's default
 *   `(T, B, I)`; recurrent weights are PyTorch's `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`
 *   (`wIh`, …) with the gate blocks stacked in its order (LSTM i, f, g, o; GRU r, z, n).
 * - **Losses** take the scores (or predictions) first, the targets second (when there are
 *   any), then one options object, and return `{ loss, grad }` with `grad = ∂loss/∂scores`
 *   shaped like the scores. `reduction: "mean" | "sum"` (default `"mean"`) where PyTorch has
 *   it; a margin is always `margin`. Penalties (`l1Penalty`, `l2Penalty`) return
 *   `{ loss, grad }` too, `grad` shaped like the weight.
 * - **Options**: one trailing object, with PyTorch's names in camel case and PyTorch's
 *   defaults (`{ eps }`, `{ gain }`, `{ momentum }`, `{ weightDecay }`, `{ reduction }`, …).
 * - **L2**: the penalty is `(λ/2)·‖w‖²`, gradient `λ·w`, so `l2Penalty(w, { lambda })` and an
 *   optimiser's `weightDecay = λ` add the same term to the gradient.
 * - **Optimiser state** (`opt.stateOf(p)`) under PyTorch's names in camel case: `step`,
 *   `momentumBuffer`, `sum`, `squareAvg`, `gradAvg`, `expAvg`, `expAvgSq`, `maxExpAvgSq`,
 *   `muProduct`; every optimiser counts its steps.
 * - **Schedules** are functions of the step, `t → lr`; the rate at t = 0 is `baseLr`
 *   (PyTorch's `base_lrs`, CyclicLR's `base_lr`), the peak `maxLr`.
 * - **Edge cases** as PyTorch: at a kink the gradient autograd gives; a hinge term exactly at
 *   its margin is inactive (strict `> 0`).
 * - **Errors**: bad input throws an error whose message starts with the function's name
 *   (`ShapeError`, `NonFiniteError`, `RangeError`).
 *
 * @module
 */

// core
export * from "./core/matrix.ts";
export * from "./core/tensor.ts";
export { Random } from "./core/random.ts";
export * from "./core/numeric.ts";
export * from "./core/assert.ts";
export * from "./core/update_rule.ts";
export * from "./core/eigen.ts";

// nn
export * from "./nn/activations.ts";
export * from "./nn/losses.ts";
export * from "./nn/init.ts";
export * from "./nn/neuron.ts";
export * from "./nn/max_margin.ts";
export * from "./nn/backprop.ts";
export * from "./nn/graph.ts";
export * from "./nn/compress.ts";
export * from "./nn/layers/linear.ts";
export * from "./nn/layers/mlp.ts";
export * from "./nn/layers/batchnorm.ts";
export * from "./nn/layers/layernorm.ts";
export * from "./nn/layers/dropout.ts";
export * from "./nn/layers/conv2d.ts";
export * from "./nn/layers/conv2d_naive.ts";
export * from "./nn/layers/maxpool.ts";
export * from "./nn/layers/avgpool.ts";
export * from "./nn/layers/softmax.ts";
export * from "./nn/layers/rnn.ts";
export * from "./nn/layers/rnn_sequence.ts";
export * from "./nn/sequence_classifier.ts";
export * from "./nn/layers/attention.ts";

// optim
export * from "./optim/optimizers.ts";
export * from "./optim/schedules.ts";
export * from "./optim/clip.ts";
export * from "./optim/second_order.ts";
export * from "./optim/ema.ts";
export * from "./optim/rates.ts";
export * from "./optim/test_functions.ts";
export * from "./optim/paths.ts";
export * from "./optim/proximal.ts";

// check
export * from "./check/gradcheck.ts";
export * from "./check/problems.ts";
export * from "./check/report.ts";
export * from "./check/activation_props.ts";

// display
export * from "./display/plot.ts";
export * from "./display/graph.ts";
export * from "./display/table.ts";
export * from "./display/confusion.ts";

// data, training
export * from "./data/synthetic.ts";
export * from "./data/fashion_mnist.ts";
export * from "./data/split.ts";
export * from "./data/standardize.ts";
export * from "./data/image_grid.ts";
export * from "./data/downsample.ts";
export * from "./data/whiten.ts";
export * from "./data/select.ts";
export * from "./data/folds.ts";
export * from "./data/augment.ts";
export * from "./data/sequences.ts";
export * from "./train/model.ts";
export * from "./train/sequential.ts";
export * from "./train/cnn.ts";
export * from "./train/fit.ts";
export * from "./train/metrics.ts";
export * from "./train/penalty.ts";
export * from "./train/uncertainty.ts";
export * from "./train/classification.ts";
export * from "./train/roc.ts";
export * from "./train/significance.ts";
export * from "./train/sequence.ts";
// search (Part E)
export * from "./search/space.ts";
export * from "./search/trial.ts";
export * from "./search/random.ts";
export * from "./search/grid.ts";
export * from "./search/normal.ts";
export * from "./search/gp.ts";
export * from "./search/acquisition.ts";
export * from "./search/bo.ts";
export * from "./search/tpe.ts";
export * from "./search/evolution.ts";
export * from "./search/pso.ts";
export * from "./search/hyperband.ts";
export * from "./search/hypergradient.ts";
export * from "./search/test_functions.ts";
export * from "./search/training_objective.ts";
// neural architecture search
export * from "./nas/ops.ts";
export * from "./nas/space.ts";
export * from "./nas/cell.ts";
export * from "./nas/evaluate.ts";
export * from "./nas/evolution.ts";
export * from "./nas/reinforce.ts";
export * from "./nas/darts.ts";
