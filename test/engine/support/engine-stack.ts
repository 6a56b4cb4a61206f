import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '@graftlab/config';
import { openDatabase, type GraftlabDb } from '@graftlab/db';
import { freePort } from '@graftlab/infra';
import { loadInventory, type Inventory } from '@graftlab/inventory';
import { startStack, type RunningStack } from '@graftlab/stack';
import { startVirtualLab, withFreeTcpPorts, type VirtualLab } from '@graftlab/twins';
import {
  freshDatabase,
  startDatabaseLink,
  startMosquitto,
  startRedis,
  type DatabaseLink,
  type RestartableService,
} from './services';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const TOKEN = `test-admin-${randomBytes(12).toString('hex')}`;

export function readProtocol(relative: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(ROOT, relative), 'utf8')) as Record<string, unknown>;
}

/**
 * A whole graftlab stack for one suite, over real transports: its own redis-server and mosquitto (restartable),
 * a fresh PostgreSQL database, the virtual lab in this process (so the test reads the twins' own counters and
 * the world's per-sample dose directly), and the API and workers as child processes under the supervisor.
 */
export interface EngineStack {
  readonly stack: RunningStack;
  readonly lab: VirtualLab;
  readonly db: GraftlabDb;
  readonly redis: RestartableService;
  readonly mqtt: RestartableService;
  /** The stack's way to the database, when started with `databaseLink` (the test's own `db` goes direct). */
  readonly databaseLink?: DatabaseLink;
  readonly labId: string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export async function startEngineStack(options: {
  name: string;
  workers: number;
  stationsPerWorker?: string[][];
  clockSpeed?: number;
  seed?: number;
  /** Connect the API and workers to the database through a link the test can cut. */
  databaseLink?: boolean;
  /** Changes to the virtual lab's inventory (e.g. a slower robot), applied before the twins start. */
  adjustInventory?: (inventory: Inventory) => Inventory;
}): Promise<EngineStack> {
  const labId = `t-${options.name}-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(path.join(tmpdir(), `graftlab-${options.name}-`));
  const redis = await startRedis();
  const mqtt = await startMosquitto();
  const database = await freshDatabase(
    `graftlab_${options.name.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`,
  );
  const databaseLink = options.databaseLink ? await startDatabaseLink(database.url) : undefined;
  const clockSpeed = options.clockSpeed ?? 3600;
  const seed = options.seed ?? 1;
  const clockOriginMs = Date.now();
  const loaded = withFreeTcpPorts(loadInventory(path.join(ROOT, 'devices/virtual-lab.json')));
  const inventory = options.adjustInventory?.(loaded) ?? loaded;
  const lab = await startVirtualLab({ inventory, mqttUrl: mqtt.url, clockSpeed, clockOriginMs, seed, labId });
  const inventoryPath = path.join(dir, 'lab.json');
  writeFileSync(inventoryPath, JSON.stringify(lab.inventory)); // as served: the twins' actual ports
  const config = parseConfig({
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    REDIS_URL: redis.url,
    MQTT_URL: mqtt.url,
    DATABASE_URL: databaseLink?.url ?? database.url,
    DATA_DIR: dir,
    LAB_INVENTORY: inventoryPath,
    LAB_ID: labId,
    GRAFTLAB_CLOCK_SPEED: String(clockSpeed),
    GRAFTLAB_CLOCK_ORIGIN: String(clockOriginMs),
    GRAFTLAB_SEED: String(seed),
    GRAFTLAB_BOOTSTRAP_TOKEN: TOKEN,
    GRAFTLAB_SHUTDOWN_TIMEOUT_MS: '5000',
    LOG_LEVEL: process.env.GRAFTLAB_TEST_LOG_LEVEL ?? 'warn',
  });
  let stack: RunningStack;
  try {
    stack = await startStack({
      config,
      workers: options.workers,
      stationsPerWorker: options.stationsPerWorker,
      startVirtualLab: false,
      childStdio: process.env.GRAFTLAB_TEST_CHILD_OUTPUT ? 'inherit' : 'ignore',
      log: process.env.GRAFTLAB_TEST_CHILD_OUTPUT ? (l) => process.stderr.write(l + '\n') : undefined,
    });
  } catch (e) {
    await lab.stop();
    await Promise.allSettled([redis.stop(), mqtt.stop(), databaseLink?.stop(), database.drop()]);
    throw e;
  }
  const db = await openDatabase({ url: database.url, skipMigrations: true, poolSize: 3 });
  const api = async <T>(method: string, route: string, body?: unknown) => {
    const res = await fetch(stack.apiUrl + route, {
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
  return {
    stack,
    lab,
    db,
    redis,
    mqtt,
    databaseLink,
    labId,
    api,
    async stop() {
      // Each part is bounded, so a part that never finishes fails the suite by name instead of hanging it.
      const stuck: string[] = [];
      const bounded = async (what: string, work: () => Promise<unknown>, ms: number) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), ms)));
        const outcome = await Promise.race([work().catch(() => undefined), late]);
        clearTimeout(timer);
        if (outcome === 'late') stuck.push(`${what} (over ${ms} ms)`);
      };
      await bounded('stopping the stack', () => stack.stop(), 60_000);
      await bounded('stopping the virtual lab', () => lab.stop(), 15_000);
      await bounded('closing the database pool', () => db.close(), 15_000);
      await bounded(
        'stopping redis, mosquitto and dropping the database',
        () => Promise.allSettled([redis.stop(), mqtt.stop(), databaseLink?.stop(), database.drop()]),
        30_000,
      );
      rmSync(dir, { recursive: true, force: true });
      if (stuck.length) throw new Error(`the test stack did not stop: ${stuck.join('; ')}`);
    },
  };
}

/** Polls until `done` holds, failing with the last state after `timeoutMs` (a deadline, not a timing assertion). */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  what: string,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(
        `${what}: not reached within ${timeoutMs} ms; last: ${JSON.stringify(last).slice(0, 2000)}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
    last = await probe();
  }
  return last;
}
