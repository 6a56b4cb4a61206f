import { DocumentError } from './problem.types';
import { toPointer } from './json-pointer';

export interface SafeJsonLimits {
  /** Bytes of UTF-8 text accepted (default 1 MiB). */
  readonly maxBytes?: number;
  /** Deepest nesting of arrays and objects accepted (default 64). */
  readonly maxDepth?: number;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses untrusted JSON: size and nesting limits, and no keys that reach JavaScript internals.
 * Every refusal is a DocumentError with a JSON pointer; nothing here throws anything else.
 */
export function parseSafeJson(text: string, limits: SafeJsonLimits = {}): unknown {
  const maxBytes = limits.maxBytes ?? 1024 * 1024;
  const maxDepth = limits.maxDepth ?? 64;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    throw new DocumentError([
      { pointer: '', message: `document is ${bytes} bytes, over the limit of ${maxBytes}` },
    ]);
  }
  if (text.trim() === '') throw new DocumentError([{ pointer: '', message: 'document is empty' }]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DocumentError([{ pointer: '', message: `malformed JSON: ${(e as Error).message}` }]);
  }
  checkShape(value, maxDepth);
  return value;
}

/** Depth and key checks on an already parsed value (e.g. an HTTP body). */
export function checkShape(value: unknown, maxDepth = 64): void {
  // Iterative walk: a hostile document must not be able to overflow our stack.
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= maxDepth) {
      throw new DocumentError([
        { pointer: toPointer(path), message: `nesting deeper than ${maxDepth} levels` },
      ]);
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ v: item, path: [...path, i] }));
    } else {
      for (const key of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(key)) {
          throw new DocumentError([
            { pointer: toPointer([...path, key]), message: `key "${key}" is not allowed` },
          ]);
        }
        stack.push({ v: (v as Record<string, unknown>)[key], path: [...path, key] });
      }
    }
  }
}
