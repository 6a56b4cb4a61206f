import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads now and every `intervalMs` (0: once); keeps the last good data while a reload fails. */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useCallback(() => {
    loadRef.current().then(
      (d) => {
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: Error) => {
        setError(e);
        setLoading(false);
      },
    );
  }, []);
  useEffect(() => {
    setLoading(true);
    run();
    if (!intervalMs) return undefined;
    const timer = setInterval(run, intervalMs);
    return () => clearInterval(timer);
  }, deps);
  return { data, error, loading, reload: run };
}

/** Re-renders every `ms` (countdowns, "updated 3 s ago"). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
