/**
 * What an exercise's unimplemented functions call, so that grading can tell "not written yet"
 * from "written and wrong".
 *
 * @module
 */

/** Thrown by {@link todo}: the exercise function has not been written yet. */
export class NotImplementedError extends Error {
  override name = "NotImplementedError";
}

/** Marks an exercise function as not written yet. Replace the call with your code. */
export function todo(fn: string): never {
  throw new NotImplementedError(
    `${fn} is not implemented yet: write it between BEGIN YOUR CODE and END YOUR CODE`,
  );
}
