import { createHash } from 'node:crypto';

/**
 * Bumped whenever a change to this library's modelling code can change a prediction, so a run manifest citing a
 * model version also pins the code that made it.
 */
export const MI_MODEL_CODE_VERSION = 'mi-model/1';

/**
 * A short stable hash of a JSON-able value: object keys sorted, numbers to 10 significant digits (so a refit that
 * lands on the same optimum up to rounding noise keeps its identity).
 */
export function versionHash(prefix: string, value: unknown): string {
  return `${prefix}-${createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16)}`;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

function canonical(value: unknown): unknown {
  if (typeof value === 'number')
    return Number.isFinite(value) ? Number(value.toPrecision(10)) : String(value);
  if (Array.isArray(value)) return value.map(canonical);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}
