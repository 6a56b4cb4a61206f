/** setTimeout's longest delay (2³¹ − 1 ms, about 24.8 days); a longer one fires at once, with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `fn` after `ms` real milliseconds, however long (a 30-day prompt timeout in a real-time lab is longer
 * than one timer can wait): it chains timers of at most MAX_TIMER_MS. Returns the cancel function.
 */
export function setLongTimeout(fn: () => void, ms: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  const due = performance.now() + Math.max(0, ms);
  const arm = () => {
    const left = due - performance.now();
    timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fn, Math.max(0, left));
  };
  arm();
  return () => clearTimeout(timer);
}
