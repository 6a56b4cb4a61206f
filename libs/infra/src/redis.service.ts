import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { InfraError } from './infra-error';
import { freePort } from './free-port';
import { findOnPath } from './find-on-path';

const HOW_TO_GET_REDIS =
  'graftlab needs Redis: set REDIS_URL=redis://host:6379, or run `docker compose up -d redis`, or install the OS package (apt-get install redis-server) so a private one can be started';

/** Checks that a Redis URL answers PING within a few seconds; the error names REDIS_URL. */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let cause: Error | undefined;
  client.on('error', (e: Error) => (cause ??= e)); // the socket's own error says more than "Connection is closed"
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    const reason = (cause ?? (e as Error)).message;
    throw new InfraError(
      `REDIS_URL=${url} does not answer (${reason}); start Redis there or unset REDIS_URL to use a private one`,
    );
  } finally {
    client.disconnect();
  }
}

export interface PrivateRedis {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts a private redis-server (temporary directory, loopback only, nothing persisted) for the quick start.
 * Production deployments set REDIS_URL; Redis itself cannot be embedded in Node.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const binary = findOnPath('redis-server');
  if (!binary) throw new InfraError(HOW_TO_GET_REDIS);
  const dir = mkdtempSync(path.join(tmpdir(), 'graftlab-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await checkRedis(url, 500);
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new InfraError(`could not start a private redis-server (${binary}); ${HOW_TO_GET_REDIS}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000).unref())]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
