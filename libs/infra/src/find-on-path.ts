import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { inheritedEnv } from '@graftlab/config';

/** Absolute path of an executable on PATH (or in the usual sbin folders), or undefined. */
export function findOnPath(
  name: string,
  pathVariable: string = inheritedEnv().PATH ?? '',
): string | undefined {
  const dirs = [...pathVariable.split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
