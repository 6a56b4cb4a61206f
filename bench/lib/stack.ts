/**
 * A whole graftlab stack for a benchmark: the virtual lab in this process (so a benchmark can timestamp what a
 * twin receives on the same monotonic clock as its own requests), and the workers and the API as the stack
 * supervisor's child processes, against the benchmark's private services.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@graftlab/config';
import { freePort } from '@graftlab/infra';
import type { Inventory } from '@graftlab/inventory';
import { startStack, type RunningStack } from '@graftlab/stack';
import { startVirtualLab, withFreeTcpPorts, type VirtualLab } from '@graftlab/twins';
import type { BenchServices } from './services';

/** The API token the stack bootstraps and the benchmark sends (the API's auth guard checks it). */
export const BENCH_TOKEN = `bench-token-${randomBytes(12).toString('hex')}`;

export interface BenchStack {
  readonly lab: VirtualLab;
  readonly stack: RunningStack;
  readonly apiUrl: string;
  readonly labId: string;
  /** JSON request to the API with the bearer token; throws on a non-2xx status. */
  api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  readonly services: BenchServices;
  readonly inventory: Inventory;
  readonly clockSpeed: number;
  readonly workers?: number;
  readonly stationsPerWorker?: readonly (readonly string[])[];
}

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const { services } = options;
  const labId = `bench-${randomBytes(4).toString('hex')}`;
  const originMs = Math.floor(Date.now());
  const dir = mkdtempSync(join(tmpdir(), 'graftlab-bench-stack-'));
  const lab = await startVirtualLab({
    inventory: withFreeTcpPorts(options.inventory),
    mqttUrl: services.mqttUrl,
    clockSpeed: options.clockSpeed,
    clockOriginMs: originMs,
    seed: 1,
    labId,
  });
  let stack: RunningStack;
  try {
    const inventoryPath = join(dir, 'inventory.json');
    writeFileSync(inventoryPath, JSON.stringify(lab.inventory, null, 2));
    const config = parseConfig({
      PORT: String(await freePort()),
      REDIS_URL: services.redisUrl,
      MQTT_URL: services.mqttUrl,
      DATABASE_URL: services.databaseUrl,
      DATA_DIR: join(dir, 'data'),
      LAB_INVENTORY: inventoryPath,
      LAB_ID: labId,
      GRAFTLAB_CLOCK_SPEED: String(options.clockSpeed),
      GRAFTLAB_CLOCK_ORIGIN: String(originMs),
      GRAFTLAB_BOOTSTRAP_TOKEN: BENCH_TOKEN,
      GRAFTLAB_SHUTDOWN_TIMEOUT_MS: '5000',
      // The benchmarks submit thousands of runs from one client: the people-sized default limit would refuse them.
      GRAFTLAB_API_RATE_LIMIT: '10000000',
      LOG_LEVEL: 'warn',
    });
    stack = await startStack({
      config,
      workers: options.workers,
      stationsPerWorker: options.stationsPerWorker,
      startVirtualLab: false,
      childStdio: process.env.GRAFTLAB_BENCH_CHILD_OUTPUT ? 'inherit' : 'ignore',
    });
  } catch (e) {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const apiUrl = stack.apiUrl;
  return {
    lab,
    stack,
    apiUrl,
    labId,
    api: async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
      const res = await fetch(apiUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${BENCH_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    stop: async () => {
      await stack.stop();
      await lab.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls GET /api/runs/:id until the run is terminal (or the deadline passes); returns its state. */
export async function waitForRun(
  s: BenchStack,
  runId: string,
  timeoutMs: number,
): Promise<{ state: string; reason?: string }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const run = await s.api<{ state: string; reason?: string; stateReason?: string }>(
      'GET',
      `/api/runs/${runId}`,
    );
    if (['completed', 'failed', 'aborted', 'waiting-operator', 'paused'].includes(run.state))
      return { state: run.state, reason: run.reason ?? run.stateReason };
    if (performance.now() > deadline) return { state: `${run.state} (timed out)` };
    await new Promise((r) => setTimeout(r, 50));
  }
}
