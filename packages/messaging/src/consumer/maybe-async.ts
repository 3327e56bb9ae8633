/**
 * Steps of the consume path that usually finish at once. With the log notifier and the lease taken
 * ahead, nothing a record needs involves waiting: decoding, the gate's decision, the send and the done
 * mark's queueing all happen synchronously. Written as `async` functions, every layer (retry,
 * dead-lettering, the handler, the gate, the send's deadline, the notifier) still made a promise and a
 * trip through the microtask queue per record, about ten in all: a fifth of what the service allocated
 * per record. So these steps return their result itself when they have it, and a promise only when they
 * really wait; a caller continues synchronously in the first case (see docs/decisions/0012).
 */

/** A result now, or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `step(a, b)`; a failure, thrown or rejected, goes to `onFailure(a, b, error)`. Synchronous as long
 * as `step` is (no closure per call: the arguments are passed through).
 */
export function tryStep<A, B, T>(
  step: (a: A, b: B) => MaybePromise<T>,
  a: A,
  b: B,
  onFailure: (a: A, b: B, error: unknown) => MaybePromise<T>,
): MaybePromise<T> {
  let result: MaybePromise<T>;
  try {
    result = step(a, b);
  } catch (error) {
    return onFailure(a, b, error);
  }
  return isPromise(result) ? result.catch((error: unknown) => onFailure(a, b, error)) : result;
}
