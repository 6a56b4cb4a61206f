// Compiles apps/ and libs/ to dist/ with SWC (one file at a time, a second or two for the repo).
// Type checking is `npm run typecheck`; this only emits. Path aliases become relative requires.
import { createRequire } from 'node:module';
import { mkdir, readdir, writeFile, rm, cp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const swc = require('@swc/core');
const swcOptions = require('./swc-options.cjs');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist');

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (['node_modules', 'dist'].includes(entry.name)) continue;
      // The dashboard is a browser app built by Vite (npm run build:dashboard), not by this script.
      if (full === path.join(root, 'apps', 'dashboard')) continue;
      yield* sources(full);
    } else if (
      entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.spec.ts') &&
      !entry.name.endsWith('.d.ts')
    ) {
      yield full;
    }
  }
}

await rm(out, { recursive: true, force: true });
let count = 0;
const jobs = [];
for (const top of ['apps', 'libs']) {
  for await (const file of sources(path.join(root, top))) {
    jobs.push(
      (async () => {
        const result = await swc.transformFile(file, { ...swcOptions(), filename: file });
        const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, '.js');
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, result.code + `\n//# sourceMappingURL=${path.basename(target)}.map\n`);
        if (result.map) await writeFile(target + '.map', result.map);
        count++;
      })(),
    );
  }
}
await Promise.all(jobs);
// Migrations and other non-TS assets that libraries load at run time.
await cp(path.join(root, 'libs/db/migrations'), path.join(out, 'libs/db/migrations'), {
  recursive: true,
}).catch(() => undefined);
if (!process.argv.includes('--quiet')) console.log(`built ${count} files into dist/`);
