import { ScaledClock } from './lab-clock';
import { MAX_TIMER_MS, setLongTimeout } from './long-timeout';

describe('ScaledClock', () => {
  it('advances lab time speed times faster than real time', async () => {
    const clock = new ScaledClock(1000);
    const t0 = clock.now();
    await new Promise((r) => setTimeout(r, 20));
    // 20 real ms at 1000x is 20 lab seconds; generous bounds because timers only promise "at least".
    expect(clock.now() - t0).toBeGreaterThanOrEqual(19_000);
    expect(clock.now() - t0).toBeLessThan(2_000_000);
  });

  it('agrees across instances that share an origin', () => {
    const origin = Date.now() - 1000;
    const a = new ScaledClock(3600, origin);
    const b = new ScaledClock(3600, origin);
    // One real second after the origin is one lab hour after it, for both.
    expect(Math.abs(a.now() - b.now())).toBeLessThan(3600 * 50);
    expect(a.now() - origin).toBeGreaterThan(3_500_000);
  });

  it('sleeps lab durations in scaled real time and can be aborted', async () => {
    const clock = new ScaledClock(3600);
    const t0 = clock.now();
    await clock.sleep(3600_000); // one lab hour = one real second / 1000
    expect(clock.now() - t0).toBeGreaterThanOrEqual(3600_000);
    const ac = new AbortController();
    const pending = clock.sleep(3600_000 * 1000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });

  it('refuses a non-positive speed', () => {
    expect(() => new ScaledClock(0)).toThrow(RangeError);
  });
});

describe('setLongTimeout', () => {
  it('waits longer than one timer can, in chained timers', () => {
    jest.useFakeTimers();
    try {
      let fired = false;
      setLongTimeout(() => (fired = true), 30 * 24 * 3600_000); // 30 days: over 2³¹ − 1 ms
      jest.advanceTimersByTime(MAX_TIMER_MS);
      expect(fired).toBe(false);
      jest.advanceTimersByTime(30 * 24 * 3600_000 - MAX_TIMER_MS + 1);
      expect(fired).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('can be cancelled', () => {
    jest.useFakeTimers();
    try {
      let fired = false;
      const cancel = setLongTimeout(() => (fired = true), 1000);
      cancel();
      jest.advanceTimersByTime(2000);
      expect(fired).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });
});
