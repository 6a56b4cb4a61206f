import { existsSync } from 'node:fs';
import path from 'node:path';

export type StackApp = 'api' | 'worker' | 'virtual-lab';

/**
 * How to start an app as a child process: the compiled entry under dist/ when running compiled,
 * the TypeScript source through scripts/register.cjs when running from source (tests).
 */
export function appEntry(app: StackApp): { script: string; execArgv: string[] } {
  const compiled = __filename.endsWith('.js');
  // libs/stack/src/<file> → repository (or dist) root is three levels up.
  const root = path.resolve(__dirname, '..', '..', '..');
  if (compiled)
    return { script: path.join(root, 'apps', app, 'src', 'main.js'), execArgv: ['--enable-source-maps'] };
  const register = path.join(root, 'scripts', 'register.cjs');
  if (!existsSync(register)) throw new Error(`cannot find ${register}`);
  return { script: path.join(root, 'apps', app, 'src', 'main.ts'), execArgv: ['-r', register] };
}
