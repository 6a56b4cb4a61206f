import path from 'node:path';

/**
 * The SQL migrations ship next to the library: libs/db/migrations from source (jest) and
 * dist/libs/db/migrations from the build (scripts/build.mjs copies them), both one level above src.
 */
export function migrationsFolder(): string {
  return path.resolve(__dirname, '..', 'migrations');
}
