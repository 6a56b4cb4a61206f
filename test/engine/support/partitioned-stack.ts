import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configToEnv, inheritedEnv, parseConfig } from '@graftlab/config';
import { openDatabase, type GraftlabDb } from '@graftlab/db';
import { freePort } from '@graftlab/infra';
import { loadInventory, type Inventory } from '@graftlab/inventory';
import { appEntry } from '@graftlab/stack';
import { startVirtualLab, withFreeTcpPorts, type VirtualLab } from '@graftlab/twins';
import { ROOT, TOKEN } from './engine-stack';
import { NetworkNamespace, removeLeftovers, type NamespaceLink } from './network-namespace';
import { freshDatabase, startMosquitto, startRedis } from './services';
import { startRelay } from './tcp-relay';

export type LinkName = 'database' | 'redis' | 'broker' | 'instruments';
export const LINK_NAMES: readonly LinkName[] = ['database', 'redis', 'broker', 'instruments'];

/** A worker process "on another host": its own network namespace, one cuttable link per service. */
export interface PartitionedWorker {
  readonly id: string;
  readonly namespace: NetworkNamespace;
  readonly links: Record<LinkName, NamespaceLink>;
  readonly process: ChildProcess;
}

export interface PartitionedStack {
  readonly lab: VirtualLab;
  readonly db: GraftlabDb;
  readonly labId: string;
  readonly workers: readonly PartitionedWorker[];
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

const READY_MS = 90_000;

/** Starts an app as a child (inside a namespace when given) and waits for its `ready` message over IPC. */
async function startApp(
  app: 'api' | 'worker',
  env: Record<string, string>,
  logFile: number | 'ignore',
  namespace?: NetworkNamespace,
): Promise<ChildProcess> {
  const { script, execArgv } = appEntry(app);
  const stdio: ('ignore' | 'ipc' | number)[] = ['ignore', logFile, logFile, 'ipc'];
  let child: ChildProcess;
  if (namespace) {
    // `ip netns exec` execs node in the namespace; the IPC channel's descriptor and NODE_CHANNEL_FD pass through.
    const wrapped = namespace.wrap(process.execPath, [...execArgv, script]);
    child = spawn(wrapped.command, wrapped.args, { env, stdio });
  } else child = fork(script, [], { env, execArgv, stdio });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${app} not ready within ${READY_MS} ms`)), READY_MS);
    child.on('message', (m: { type?: string }) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${app} exited (${signal ?? code}) while starting`));
    });
  });
  return child;
}

async function terminate(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const late = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), ms).unref()),
  ]);
  if (late) {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * A stack spread over "hosts": Redis, the broker, PostgreSQL, the virtual lab's twins and the API on the host,
 * and each worker in its own network namespace reaching every service over its own veth link (and a relay to the
 * service's loopback port), so a test can cut a worker off from the database, Redis, the broker or its
 * instruments, one at a time or all together.
 */
export async function startPartitionedStack(options: {
  name: string;
  stationsPerWorker: string[][];
  seed?: number;
  adjustInventory?: (inventory: Inventory) => Inventory;
}): Promise<PartitionedStack> {
  const tag = randomBytes(2).toString('hex');
  const prefix = `gp${tag}`;
  removeLeftovers(prefix);
  const labId = `t-${options.name}-${tag}`;
  const dir = mkdtempSync(path.join(tmpdir(), `graftlab-${options.name}-`));
  const logPath = path.join(dir, 'stack.log');
  const log = process.env.GRAFTLAB_TEST_CHILD_OUTPUT ? openSync(logPath, 'a') : 'ignore';
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
    if (typeof log === 'number') closeSync(log);
    if (!process.env.GRAFTLAB_TEST_CHILD_OUTPUT) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const mqtt = await startMosquitto();
    cleanups.push(() => mqtt.stop());
    const database = await freshDatabase(`graftlab_${options.name.replace(/\W/g, '_')}_${tag}`);
    cleanups.push(() => database.drop());
    const clockSpeed = 3600;
    const seed = options.seed ?? 1;
    const clockOriginMs = Date.now();
    const loaded = withFreeTcpPorts(loadInventory(path.join(ROOT, 'devices/virtual-lab.json')));
    const inventory = options.adjustInventory?.(loaded) ?? loaded;
    const lab = await startVirtualLab({
      inventory,
      mqttUrl: mqtt.url,
      clockSpeed,
      clockOriginMs,
      seed,
      labId,
    });
    cleanups.push(() => lab.stop());
    const hostInventory = path.join(dir, 'lab.json');
    writeFileSync(hostInventory, JSON.stringify(lab.inventory));
    const apiPort = await freePort();
    const config = parseConfig({
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      REDIS_URL: redis.url,
      MQTT_URL: mqtt.url,
      DATABASE_URL: database.url,
      DATA_DIR: dir,
      LAB_INVENTORY: hostInventory,
      LAB_ID: labId,
      GRAFTLAB_CLOCK_SPEED: String(clockSpeed),
      GRAFTLAB_CLOCK_ORIGIN: String(clockOriginMs),
      GRAFTLAB_SEED: String(seed),
      GRAFTLAB_BOOTSTRAP_TOKEN: TOKEN,
      GRAFTLAB_SHUTDOWN_TIMEOUT_MS: '5000',
      LOG_LEVEL: process.env.GRAFTLAB_TEST_LOG_LEVEL ?? 'warn',
    });
    const baseEnv = { ...inheritedEnv(), ...configToEnv(config) } as Record<string, string>;
    const portOf = (url: string) => Number(new URL(url).port);
    const tcpPorts = lab.inventory.devices
      .map((d) => /^tcp:\/\/127\.0\.0\.1:(\d+)$/.exec(d.transport)?.[1])
      .filter((p): p is string => !!p)
      .map(Number);

    // A private 10.x network per run, so concurrent runs (other suites, other people) never collide.
    const second = randomInt(100, 250);
    const workers: PartitionedWorker[] = [];
    for (let i = 0; i < options.stationsPerWorker.length; i++) {
      const id = `worker-${i + 1}`;
      const namespace = NetworkNamespace.create(`${prefix}w${i + 1}`);
      cleanups.push(() => namespace.destroy());
      const links = {} as Record<LinkName, NamespaceLink>;
      LINK_NAMES.forEach((name, k) => {
        links[name] = namespace.addLink(name, `${prefix}${i + 1}${k}`, `10.${second}.${i * 8 + k * 2}`);
      });
      const relay = async (link: NamespaceLink, port: number) => {
        const stop = await startRelay(link.hostAddress, port, port);
        cleanups.push(stop);
      };
      await relay(links.database, 5432);
      await relay(links.redis, portOf(redis.url));
      await relay(links.broker, portOf(mqtt.url));
      for (const p of tcpPorts) await relay(links.instruments, p);
      const workerInventory = path.join(dir, `lab-${id}.json`);
      writeFileSync(
        workerInventory,
        JSON.stringify(lab.inventory).replaceAll(
          'tcp://127.0.0.1:',
          `tcp://${links.instruments.hostAddress}:`,
        ),
      );
      const via = (url: string, link: NamespaceLink) => {
        const u = new URL(url);
        u.hostname = link.hostAddress;
        return u.toString();
      };
      const child = await startApp(
        'worker',
        {
          ...baseEnv,
          REDIS_URL: via(redis.url, links.redis),
          MQTT_URL: via(mqtt.url, links.broker),
          DATABASE_URL: via(database.url, links.database),
          LAB_INVENTORY: workerInventory,
          GRAFTLAB_WORKER_ID: id,
          GRAFTLAB_STATIONS: options.stationsPerWorker[i].join(','),
        },
        log,
        namespace,
      );
      // Killed (not only terminated) before its namespace goes, whatever happens to the test; its links are
      // restored first, so that it can shut down cleanly.
      cleanups.push(() => {
        for (const l of Object.values(links)) l.restore();
        return terminate(child, 10_000);
      });
      workers.push({ id, namespace, links, process: child });
    }
    const apiChild = await startApp('api', baseEnv, log);
    cleanups.push(() => terminate(apiChild, 10_000));
    const db = await openDatabase({ url: database.url, skipMigrations: true, poolSize: 3 });
    cleanups.push(() => db.close());
    const api = async <T>(method: string, route: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:${apiPort}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    };
    return { lab, db, labId, workers, api, stop: cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
