/** setTimeout's longest delay (2³¹ − 1 ms, about 24.8 days); a longer one fires at once, with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `fn` once `ms` real milliseconds have passed on the monotonic clock, however long (a 30-day prompt
 * timeout in a real-time lab is longer than one timer can wait): it chains timers of at most MAX_TIMER_MS, and
 * re-arms a timer that fires early (they can, by a millisecond), so a minimum purge is never cut short.
 * Returns the cancel function.
 */
export function setLongTimeout(fn: () => void, ms: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  const due = performance.now() + Math.max(0, ms);
  const arm = () => {
    const left = due - performance.now();
    if (left <= 0) return fn();
    timer = setTimeout(arm, Math.min(MAX_TIMER_MS, Math.ceil(left)));
  };
  arm();
  return () => clearTimeout(timer);
}
