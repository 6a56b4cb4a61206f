export interface BackoffOptions {
  /** First retry delay, ms. */
  readonly initialMs: number;
  /** Cap on any delay, ms. */
  readonly maxMs: number;
  readonly factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 5000, factor: 2 };

/**
 * Exponential backoff with "equal jitter": half the window is fixed, half random, so many lines
 * losing one device server do not reconnect in lockstep, and no retry comes immediately.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random = Math.random,
): number {
  const window = Math.min(options.maxMs, options.initialMs * Math.pow(options.factor, Math.max(0, attempt)));
  return window / 2 + random() * (window / 2);
}
