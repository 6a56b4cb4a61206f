import { createHash } from 'node:crypto';

/** A short stable hash of a JSON-able value: the model version recorded with every suggestion. */
export function versionHash(prefix: string, value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(10)) : v,
  );
  return `${prefix}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}
