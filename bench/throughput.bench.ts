/**
 * 5. Throughput and memory.
 *
 * Method: a generated inventory of 20 stations, each with its own NE-1000 pump twin (TCP) and reactor vessel, the
 * shared robot; two worker processes (10 stations each), the API, the virtual lab in this process, clock ×3600.
 * 1,000 runs (60 with --quick) of a load prompt and 10 instantaneous pump steps are submitted through the API
 * (8 requests in flight) and the clock stops when the database shows all of them completed.
 *  - steps/s = pump steps completed ÷ wall time from the first POST to the last completion. Floor: BullMQ
 *    processing no-op jobs (concurrency 50, same Redis) in jobs/s.
 *  - CPU per step = CPU of every process (API, workers, Redis, mosquitto, this process with the twins) ÷ steps.
 *    Floor: CPU (this process + Redis) per no-op BullMQ job.
 *  - peak memory (VmHWM) of each process, reported in the progress log and the README; no floor.
 * Then 10,000 more runs (300 with --quick) are queued while the workers keep going: POST /api/runs latency p50
 * over the first and the last tenth of the submissions, and the API process's resident memory before and after.
 * "Flat" means the late/early ratio stays near 1 (the floor is the early figure).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { count, eq } from 'drizzle-orm';
import { runs as runsTable } from '@graftlab/db';
import { loadInventory, type Inventory } from '@graftlab/inventory';
import type { BenchOptions } from './lib/options';
import { children, self, type ProcInfo } from './lib/procs';
import { instantProtocol } from './lib/protocols';
import { startServices, type BenchServices } from './lib/services';
import { startBenchStack, type BenchStack } from './lib/stack';
import { percentile, progress, row, sleep, type BenchRow } from './lib/stats';

const STATIONS = 20;
const STEPS = 10;

/** The virtual lab's shared instruments and locations, with 20 stations of one pump each. */
export function twentyStations(base: Inventory): Inventory {
  const inv = structuredClone(base);
  const pump = inv.devices.find((d) => d.id === 'pump-1')!;
  const shared = inv.devices.filter((d) => inv.shared.includes(d.id));
  inv.devices = [...shared];
  inv.stations = [];
  inv.locations = inv.locations.filter((l) => !l.station);
  const vesselTemplate = base.locations.find((l) => l.id === 'reactor-1/vessel')!;
  for (let i = 1; i <= STATIONS; i++) {
    const id = `reactor-${i}`;
    inv.devices.push({
      ...structuredClone(pump),
      id: `pump-${i}`,
      title: `pump ${i}`,
      transport: 'tcp://127.0.0.1:0',
    });
    inv.stations.push({ id, title: `station ${i}`, devices: [`pump-${i}`], vessel: `${id}/vessel` });
    inv.locations.push({ ...structuredClone(vesselTemplate), id: `${id}/vessel`, station: id });
  }
  return inv;
}

async function completed(services: BenchServices): Promise<number> {
  const [r] = await services.db
    .select({ n: count() })
    .from(runsTable)
    .where(eq(runsTable.state, 'completed'));
  return Number(r?.n ?? 0);
}

/** Submits n runs with `inFlight` requests at a time; returns each POST's latency in order. */
async function submitMany(s: BenchStack, protocolId: string, n: number, inFlight: number): Promise<number[]> {
  const latencies = new Array<number>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < n; i = next++) {
        const t0 = performance.now();
        await s.api('POST', '/api/runs', { protocolId });
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  return latencies;
}

async function bullmqThroughput(
  redisUrl: string,
  n: number,
): Promise<{ jobsPerS: number; cpuMsPerJob: number }> {
  const name = `bench-tp-${randomBytes(4).toString('hex')}`;
  const url = new URL(redisUrl);
  const connection = { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection });
  for (let i = 0; i < n; i += 1000)
    await queue.addBulk(
      Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({
        name: 'noop',
        data: { i: i + k },
        opts: { removeOnComplete: true },
      })),
    );
  const redisCpu = () => children().find((c) => c.name === 'redis-server')?.cpuMs ?? 0;
  const cpu0 = self().cpuMs + redisCpu();
  const t0 = performance.now();
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    const worker = new Worker(name, async () => undefined, { connection, concurrency: 50 });
    worker.on('completed', () => {
      if (++done === n) void worker.close().then(resolve);
    });
  });
  await finished;
  const wall = performance.now() - t0;
  const cpu = self().cpuMs + redisCpu() - cpu0;
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  return { jobsPerS: n / (wall / 1000), cpuMsPerJob: cpu / n };
}

const mb = (kb: number) => kb / 1024;

export async function throughputBench(options: BenchOptions): Promise<BenchRow[]> {
  const runs = options.quick ? 60 : 1000;
  const queued = options.quick ? 300 : 10_000;
  const services = await startServices();
  const inventory = twentyStations(loadInventory(join(__dirname, '../devices/virtual-lab.json')));
  const stations = inventory.stations.map((st) => st.id);
  const s = await startBenchStack({
    services,
    inventory,
    clockSpeed: 3600,
    workers: 2,
    stationsPerWorker: [stations.slice(0, 10), stations.slice(10)],
  });
  try {
    // Store the protocol once; runs name it by id (the body a lab's scheduler would send).
    await s.api('POST', '/api/protocols', instantProtocol('bench-throughput', STEPS)).catch(() => undefined);
    const protocolId = 'bench-throughput';
    const cpuOf = (ps: ProcInfo[]) => ps.reduce((a, p) => a + p.cpuMs, 0);
    const cpu0 = cpuOf(children()) + self().cpuMs;
    const t0 = performance.now();
    await submitMany(s, protocolId, runs, 8);
    const deadline = performance.now() + (options.quick ? 120_000 : 900_000);
    while ((await completed(services)) < runs) {
      if (performance.now() > deadline) throw new Error(`throughput: not all ${runs} runs completed in time`);
      await sleep(100);
    }
    const wallS = (performance.now() - t0) / 1000;
    const procs = children();
    const cpu = cpuOf(procs) + self().cpuMs - cpu0;
    const steps = runs * STEPS;
    const stepsPerS = steps / wallS;
    const cpuPerStep = cpu / steps;
    const memory = [...procs, self()].map((p) => `${p.name} ${mb(p.peakKb).toFixed(0)} MB`).join(', ');
    progress(
      `throughput: ${stepsPerS.toFixed(1)} steps/s, ${cpuPerStep.toFixed(2)} ms CPU/step; peak memory ${memory}`,
    );

    const apiBefore = children().find((p) => p.name === 'api')?.rssKb ?? Number.NaN;
    const latencies = await submitMany(s, protocolId, queued, 8);
    const apiAfter = children().find((p) => p.name === 'api')?.rssKb ?? Number.NaN;
    const tenth = Math.max(1, Math.floor(queued / 10));
    const early = percentile(latencies.slice(0, tenth), 50);
    const late = percentile(latencies.slice(-tenth), 50);
    const peakApi = children().find((p) => p.name === 'api')?.peakKb ?? Number.NaN;
    progress(
      `queued ${queued}: POST p50 first tenth ${early.toFixed(2)} ms, last tenth ${late.toFixed(2)} ms; API RSS ${mb(apiBefore).toFixed(0)} → ${mb(apiAfter).toFixed(0)} MB (peak ${mb(peakApi).toFixed(0)} MB)`,
    );
    const bull = await bullmqThroughput(services.redisUrl, options.quick ? 5000 : 20_000);
    return [
      row(
        '5. steps per second, 20 stations (vs BullMQ no-op jobs/s)',
        'steps/s',
        stepsPerS,
        bull.jobsPerS,
        'higher-is-better',
      ),
      row('5. CPU per step, all processes (vs CPU per BullMQ no-op job)', 'ms', cpuPerStep, bull.cpuMsPerJob),
      row(`5. POST /api/runs p50, last vs first tenth of ${queued} queued`, 'ms', late, early),
      row(`5. API resident memory after vs before ${queued} queued`, 'MB', mb(apiAfter), mb(apiBefore)),
    ];
  } finally {
    await s.stop();
    await services.stop();
  }
}
