import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@graftlab/infra';
import { loadInventory } from '@graftlab/inventory';
import { withReservedTcpPorts } from '@graftlab/twins';

/** `npm start` as a user runs it (from the sources), with its own ports, inventory copy and data folder. */
export async function spawnStack(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; output: () => string; port: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'graftlab-stack-'));
  const inventory = await withReservedTcpPorts(loadInventory('devices/virtual-lab.json'));
  const inventoryPath = path.join(dir, 'inventory.json');
  writeFileSync(inventoryPath, JSON.stringify(inventory));
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', './scripts/register.cjs', 'apps/stack/src/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      DATA_DIR: path.join(dir, 'data'),
      LAB_INVENTORY: inventoryPath,
      LAB_ID: `stack-${port}`,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  return { child, output: () => text, port };
}

export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', (code) => r(code)));
}

export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
