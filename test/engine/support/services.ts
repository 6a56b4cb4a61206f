import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { checkMqtt, checkRedis, findOnPath, freePort, privateMosquittoConfig } from '@graftlab/infra';

/** A service process the test can kill and start again on the same port (infrastructure restart tests). */
export interface RestartableService {
  readonly url: string;
  /** SIGKILL (or SIGTERM) and wait for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port with the same data directory; resolves once it answers. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function waitUntil(check: () => Promise<void>, what: string, proc: () => ChildProcess | undefined) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > deadline || proc()?.exitCode != null)
        throw new Error(`${what} did not start: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function restartable(
  binary: string,
  args: (port: number, dir: string) => string[],
  check: (url: string) => Promise<void>,
  scheme: string,
  port: number,
): RestartableService {
  const dir = mkdtempSync(path.join(tmpdir(), `graftlab-${scheme}-`));
  const url = `${scheme}://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill(signal);
    await exited;
  };
  return {
    url,
    kill,
    async start() {
      child = spawn(binary, args(port, dir), { stdio: 'ignore' });
      await waitUntil(
        () => check(url),
        `${binary} on ${port}`,
        () => child,
      );
    },
    async stop() {
      await kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** redis-server with AOF (fsync always), as production runs it: a restart keeps queued jobs. */
export async function startRedis(): Promise<RestartableService> {
  const binary = findOnPath('redis-server');
  if (!binary) throw new Error('redis-server is not installed');
  const service = restartable(
    binary,
    (port, dir) => [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--dir',
      dir,
      '--maxmemory-policy',
      'noeviction',
    ],
    (url) => checkRedis(url, 500),
    'redis',
    await freePort(),
  );
  await service.start();
  return service;
}

/** A private mosquitto (MQTT 5, TCP_NODELAY) that can be killed and restarted on its port. */
export async function startMosquitto(): Promise<RestartableService> {
  const binary = findOnPath('mosquitto');
  if (!binary) throw new Error('mosquitto is not installed');
  const service = restartable(
    binary,
    (port, dir) => {
      const conf = path.join(dir, 'mosquitto.conf');
      writeFileSync(conf, privateMosquittoConfig(port));
      return ['-c', conf];
    },
    (url) => checkMqtt(url, {}, 500),
    'mqtt',
    await freePort(),
  );
  await service.start();
  return service;
}

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh PostgreSQL database for one suite; `drop()` removes it. */
export async function freshDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    async drop() {
      const c = new Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A link to the database that the test can cut: an outage of the database as the stack sees it. */
export interface DatabaseLink {
  /** The database's URL through the link. */
  readonly url: string;
  /** Resets every open connection and refuses new ones, as when the database host goes down. */
  cut(): Promise<void>;
  /** Accepts connections again (on the same port). */
  restore(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A TCP relay in front of PostgreSQL (the machine's server, shared with other suites, cannot be stopped for one
 * test). A few lines of node:net; a fault proxy such as toxiproxy would be one more daemon to install for this.
 */
export async function startDatabaseLink(databaseUrl: string): Promise<DatabaseLink> {
  const target = new URL(databaseUrl);
  const port = await freePort();
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  let server: Server | undefined;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const srv = createServer((client) => {
        const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
        track(client);
        track(upstream);
        client.pipe(upstream).pipe(client);
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
      });
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => resolve());
      server = srv;
    });
  const cut = async () => {
    const srv = server;
    server = undefined;
    for (const s of sockets) s.resetAndDestroy();
    if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()));
  };
  await listen();
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { url: url.toString(), cut, restore: () => (server ? Promise.resolve() : listen()), stop: cut };
}
