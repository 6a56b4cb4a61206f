/**
 * 2. Submit → first device command.
 *
 * Method: the whole stack (API and one worker as child processes, the virtual lab in this process, clock ×3600) on
 * the one-station virtual lab. Each run is a single heat step; the clock starts when this process sends
 * `POST /api/runs` and stops when the station's JULABO twin receives the step's first command (`out_sp_00 …`, which
 * the worker's status polls never send), timestamped inside the twin on the same monotonic clock. Runs are
 * submitted one after the other (each waits for the previous to finish, then 300 ms: the JULABO keeps 250 ms between
 * an OUT command and its neighbours, and the previous run's last commands would otherwise be timed as ours),
 * 200 (20 with --quick).
 * The path: HTTP + auth, validation and compilation, station choice, run and sample rows, BullMQ enqueue, the
 * worker's pickup, run start (journal and the stored plan read and checked), the step's lease and journal writes,
 * the driver's write.
 * Floor: BullMQ add → processor entered (one at a time, same Redis), p50 and p99.
 */
import { join } from 'node:path';
import { JULABO_OUT_GAP_MS } from '@graftlab/devices';
import { loadInventory } from '@graftlab/inventory';
import { oneStation } from './engine-overhead.bench';
import { bullmqAddToProcessor } from './lib/floors';
import type { BenchOptions } from './lib/options';
import { protocolWith } from './lib/protocols';
import { startServices } from './lib/services';
import { startBenchStack, waitForRun } from './lib/stack';
import { progress, row, summarize, type BenchRow } from './lib/stats';
import { tapTwin } from './lib/twin-tap';

export async function submitLatencyBench(options: BenchOptions): Promise<BenchRow[]> {
  const runs = options.quick ? 20 : 200;
  const warmup = options.quick ? 3 : 10;
  const services = await startServices();
  const inventory = oneStation(loadInventory(join(__dirname, '../devices/virtual-lab.json')), 'reactor-1');
  const s = await startBenchStack({ services, inventory, clockSpeed: 3600 });
  const protocol = protocolWith('bench-submit', [
    { key: 'heat', type: 'heat', vessel: 'reactor-1/vessel', setpoint: '25 °C', tolerance: '10 K' },
  ]);
  let waiting: ((at: number) => void) | undefined;
  const untap = tapTwin(s.lab, 'bath-1', (bytes, at) => {
    if (waiting && bytes.toString('latin1').startsWith('out_sp_00')) {
      waiting(at);
      waiting = undefined;
    }
  });
  try {
    const samples: number[] = [];
    for (let i = 0; i < runs + warmup; i++) {
      // The JULABO wire rule keeps 250 ms between an OUT command and its neighbours (the previous run's last
      // commands): the circulator is left idle that long first, so the figure is graftlab's latency, not the gap.
      await new Promise((r) => setTimeout(r, JULABO_OUT_GAP_MS + 50));
      const received = new Promise<number>((resolve) => (waiting = resolve));
      const t0 = performance.now();
      const { id } = await s.api<{ id: string }>('POST', '/api/runs', { protocol });
      const t1 = await Promise.race([
        received,
        new Promise<number>((_, reject) =>
          setTimeout(() => reject(new Error(`run ${id}: no command within 30 s`)), 30_000).unref(),
        ),
      ]);
      if (i >= warmup) samples.push(t1 - t0);
      const outcome = await waitForRun(s, id, 60_000);
      if (outcome.state !== 'completed')
        throw new Error(`run ${id}: ${outcome.state} ${outcome.reason ?? ''}`);
    }
    const bull = await bullmqAddToProcessor(services.redisUrl, options.quick ? 300 : 2000);
    const g = summarize(samples);
    progress(
      `submit→first command: p50 ${g.p50.toFixed(2)} ms p99 ${g.p99.toFixed(2)} ms (n=${g.n}); bullmq p50 ${bull.p50.toFixed(3)} p99 ${bull.p99.toFixed(3)}`,
    );
    return [
      row('2. submit → first device command p50 (vs BullMQ add→processor p50)', 'ms', g.p50, bull.p50),
      row('2. submit → first device command p99 (vs BullMQ add→processor p99)', 'ms', g.p99, bull.p99),
    ];
  } finally {
    untap();
    await s.stop();
    await services.stop();
  }
}
