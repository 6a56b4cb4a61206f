/**
 * 1. Engine overhead per step.
 *
 * Method: the whole stack (API, one worker, the virtual lab in this process; private Redis and mosquitto, a scratch
 * PostgreSQL database) runs a protocol of a load prompt and N instantaneous pump steps (1 µL at 50 mL/min on the
 * NE-1000 basic-mode twin of the only station, clock ×3600). The engine's time per step is the span from the end of
 * step d0 (which also has the robot move the sample) to the end of the last step, read from the journal's lab-clock
 * stamps, divided by N−1. The device's own time per step is the same driver calls (counters, then dispense) made by
 * a driver in this process against the same twin with no engine around them, N−1 times. Overhead = the difference:
 * journal writes, readings, leases, safe-point checks, plan bookkeeping.
 * Floors: BullMQ add → processor entered (p50, one at a time) on the same Redis, and the raw `net` round trip of
 * one NE-1000 status exchange to the same twin (p50).
 */
import { ScaledClock } from '@graftlab/clock';
import { JournalRepository } from '@graftlab/db';
import { createDevice, type Dispenser } from '@graftlab/devices';
import { loadInventory, type Inventory } from '@graftlab/inventory';
import { join } from 'node:path';
import { bullmqAddToProcessor, ETX, NE1000_STATUS, rawTcpRoundTrip, tcpAddress } from './lib/floors';
import type { BenchOptions } from './lib/options';
import { instantProtocol } from './lib/protocols';
import { startServices } from './lib/services';
import { startBenchStack, waitForRun } from './lib/stack';
import { progress, row, summarize, type BenchRow } from './lib/stats';

const CLOCK_SPEED = 3600;
const STATION = 'reactor-1';

/** The virtual lab with one station (reactor-1: NE-1000 basic pump) so every run lands on the same pump. */
export function oneStation(inventory: Inventory, station: string): Inventory {
  const copy = structuredClone(inventory);
  const drop = new Set(copy.stations.filter((s) => s.id !== station).flatMap((s) => [s.id, s.vessel]));
  copy.stations = copy.stations.filter((s) => s.id === station);
  copy.locations = copy.locations.filter((l) => !drop.has(l.id) && !(l.station && drop.has(l.station)));
  return copy;
}

export async function engineOverheadBench(options: BenchOptions): Promise<BenchRow[]> {
  const steps = 50;
  const runs = options.quick ? 1 : 3;
  const services = await startServices();
  const inventory = oneStation(loadInventory(join(__dirname, '../devices/virtual-lab.json')), STATION);
  const s = await startBenchStack({ services, inventory, clockSpeed: CLOCK_SPEED });
  try {
    const journal = new JournalRepository(services.db);
    const perStep: number[] = [];
    for (let r = 0; r < runs; r++) {
      const { id } = await s.api<{ id: string }>('POST', '/api/runs', {
        protocol: instantProtocol(`bench-engine-${steps}`, steps),
      });
      const outcome = await waitForRun(s, id, 120_000);
      if (outcome.state !== 'completed')
        throw new Error(`engine run ${id}: ${outcome.state} ${outcome.reason ?? ''}`);
      const ends = new Map<string, number>();
      for (const e of await journal.forRun(id)) {
        const labEnd = (e.readBack as { labEnd?: number } | null)?.labEnd;
        if (e.state === 'confirmed' && labEnd !== undefined) ends.set(e.stepKey, labEnd);
      }
      const first = ends.get('d0');
      const last = ends.get(`d${steps - 1}`);
      if (first === undefined || last === undefined) throw new Error(`engine run ${id}: journal incomplete`);
      perStep.push((last - first) / CLOCK_SPEED / (steps - 1));
    }

    // The device's own time: the engine's driver calls for one dispense step, without the engine.
    const pumpEntry = s.lab.inventory.devices.find((d) => d.id === 'pump-1')!;
    const pump = createDevice(pumpEntry, {
      clock: new ScaledClock(CLOCK_SPEED),
      labId: s.labId,
    }) as Dispenser;
    await pump.connect({ timeoutMs: 5000 });
    const device: number[] = [];
    try {
      for (let i = 0; i < steps - 1 + 5; i++) {
        const t0 = performance.now();
        await pump.counters({ timeoutMs: 5000 });
        await pump.dispense(
          { commandId: `bench-${i}`, volumeMl: 0.001, rateMlPerMin: 50 },
          { timeoutMs: 5000 },
        );
        if (i >= 5) device.push(performance.now() - t0);
      }
    } finally {
      await pump.close();
    }
    const { host, port } = tcpAddress(pumpEntry.transport);
    const raw = await rawTcpRoundTrip(host, port, NE1000_STATUS, ETX, options.quick ? 300 : 2000);
    const bull = await bullmqAddToProcessor(services.redisUrl, options.quick ? 300 : 2000);

    const stepMs = summarize(perStep).p50;
    const deviceMs = summarize(device).mean;
    const overhead = stepMs - deviceMs;
    progress(
      `engine: ${stepMs.toFixed(2)} ms/step, device alone ${deviceMs.toFixed(2)} ms, raw rtt p50 ${raw.p50.toFixed(3)} ms, bullmq p50 ${bull.p50.toFixed(3)} ms`,
    );
    return [
      row('1. engine overhead per step vs BullMQ add→processor p50', 'ms', overhead, bull.p50),
      row('1. engine overhead per step vs raw NE-1000 round trip p50', 'ms', overhead, raw.p50),
      row('1. instantaneous step, engine vs same driver calls alone', 'ms', stepMs, deviceMs),
    ];
  } finally {
    await s.stop();
    await services.stop();
  }
}
