import type { z } from 'zod';
import { toPointer } from './json-pointer';
import type { Problem } from './problem.types';

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Zod issues as problems that name the JSON pointer, the value found and what was expected. */
export function zodProblems(error: z.ZodError, root: unknown): Problem[] {
  const out: Problem[] = [];
  for (const issue of error.issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ pointer: toPointer([...path, key]), message: `unknown property "${key}"` });
      continue;
    }
    if (
      issue.code === 'invalid_union' &&
      'errors' in issue &&
      Array.isArray(issue.errors) &&
      issue.errors.length
    ) {
      // Report the branch that got furthest: the one whose deepest issue has the longest path.
      const branches = issue.errors as { path: PropertyKey[]; message: string; code: string }[][];
      const best = branches.reduce((a, b) =>
        Math.max(...b.map((i) => i.path.length)) > Math.max(...a.map((i) => i.path.length)) ? b : a,
      );
      if (best.length && Math.max(...best.map((i) => i.path.length)) > 0) {
        for (const sub of best) {
          const full = [...path, ...sub.path];
          out.push({
            pointer: toPointer(full),
            message: `${sub.message} (found ${describe(valueAt(root, full))})`,
          });
        }
        continue;
      }
    }
    out.push({
      pointer: toPointer(path),
      message: `${issue.message} (found ${describe(valueAt(root, path))})`,
    });
  }
  return out;
}
