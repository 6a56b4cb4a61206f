/**
 * 4. Exposure accuracy (virtual clock off: speed 1).
 *
 * Method: exposures with requested durations spread evenly over 1–60 s (100 of them; 12 of 0.2–2 s with --quick),
 * run in 10 parallel lanes (4 with --quick) so the full set takes minutes, not an hour. Each lane has its own SC10
 * twins on TCP and, for every requested duration, runs at the same time:
 *  - device-timed (graftlab's way): Sc10Shutter.expose() — mode 3, open=<ms>, ens; the controller closes on its
 *    own timer and the driver reads back `lastopen?`. Delivered = the controller's read-back.
 *  - host-timed: mode 1, `ens` (open) from the host, setTimeout(requested), `ens` (close); delivered = the
 *    controller's `lastopen?` (open-to-close as the controller saw the two commands).
 *  - floor: a bare setTimeout(requested) in the same process, its overshoot measured with performance.now().
 * Error = |delivered − requested| in ms; dose error = error ÷ requested (dose ∝ open time at a fixed dose rate).
 * Caveat: in the virtual lab the controller's timer is the twin's model (its lab-clock timer plus a fixed 1.2 ms
 * blade transit, reported to 0.1 ms), so the device-timed figure shows what the driver and protocol preserve,
 * not a hardware timer's jitter.
 */
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { ScaledClock } from '@graftlab/clock';
import { createDevice, type Shutter } from '@graftlab/devices';
import { loadInventory } from '@graftlab/inventory';
import { createSerialTwin, VirtualLabWorld } from '@graftlab/twins';
import type { BenchOptions } from './lib/options';
import { progress, row, sleep, summarize, type BenchRow } from './lib/stats';

/** A raw SC10 session: every command is echoed, then its value, then the prompt "> ". */
class RawSc10 {
  private rx = '';
  private waiter?: (body: string) => void;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.rx += chunk.toString('latin1');
      const end = this.rx.indexOf('> ');
      if (end >= 0 && this.waiter) {
        const body = this.rx.slice(0, end);
        this.rx = this.rx.slice(end + 2);
        const w = this.waiter;
        this.waiter = undefined;
        w(body);
      }
    });
  }
  static async open(port: number): Promise<RawSc10> {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawSc10(socket);
  }
  send(cmd: string): Promise<string> {
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.socket.write(`${cmd}\r`);
    });
  }
  close(): void {
    this.socket.destroy();
  }
}

interface LaneResult {
  device: number[];
  host: number[];
  timer: number[];
  requested: number[];
}

export async function exposureAccuracyBench(options: BenchOptions): Promise<BenchRow[]> {
  const count = options.quick ? 12 : 100;
  const [minMs, maxMs] = options.quick ? [200, 2000] : [1000, 60_000];
  const lanes = options.quick ? 4 : 10;
  const durations = Array.from({ length: count }, (_, i) =>
    Math.round(minMs + ((maxMs - minMs) * i) / Math.max(1, count - 1)),
  );
  const inventory = loadInventory(join(__dirname, '../devices/virtual-lab.json'));
  const entry = inventory.devices.find((d) => d.id === 'shutter-1')!;
  const clock = new ScaledClock(1);
  const world = new VirtualLabWorld(inventory, { clock, seed: 1 });
  const result: LaneResult = { device: [], host: [], timer: [], requested: [] };

  const lane = async (mine: number[]) => {
    const deviceTwin = createSerialTwin(entry, world);
    const hostTwin = createSerialTwin(entry, world);
    await deviceTwin.listen('127.0.0.1', 0);
    await hostTwin.listen('127.0.0.1', 0);
    const shutter = createDevice(
      { ...entry, transport: `tcp://127.0.0.1:${deviceTwin.port}` },
      { clock, labId: 'bench' },
    ) as Shutter;
    await shutter.connect({ timeoutMs: 5000 });
    const raw = await RawSc10.open(hostTwin.port!);
    try {
      await raw.send('mode=1');
      for (const [i, ms] of mine.entries()) {
        const deviceTimed = shutter.expose(
          { commandId: `bench-${ms}-${i}`, durationMs: ms },
          { timeoutMs: 5000 },
        );
        const hostTimed = (async () => {
          await raw.send('ens');
          await sleep(ms);
          await raw.send('ens');
          return Number(
            (await raw.send('lastopen?'))
              .split(/[\r\n]+/)
              .filter(Boolean)
              .pop(),
          );
        })();
        const timer = (async () => {
          const t0 = performance.now();
          await sleep(ms);
          return performance.now() - t0;
        })();
        const [d, h, t] = await Promise.all([deviceTimed, hostTimed, timer]);
        result.device.push(Math.abs(d.actualOpenMs - ms));
        result.host.push(Math.abs(h - ms));
        result.timer.push(Math.abs(t - ms));
        result.requested.push(ms);
      }
    } finally {
      raw.close();
      await shutter.close();
      await deviceTwin.close();
      await hostTwin.close();
    }
  };
  // Long and short exposures interleaved across lanes so every lane takes about as long.
  const perLane: number[][] = Array.from({ length: lanes }, () => []);
  durations.forEach((ms, i) => perLane[i % lanes].push(ms));
  await Promise.all(perLane.map((mine) => lane(mine)));

  const pct = (errors: number[]) => errors.map((e, i) => (100 * e) / result.requested[i]);
  const d = summarize(result.device);
  const h = summarize(result.host);
  const t = summarize(result.timer);
  const dp = summarize(pct(result.device));
  const hp = summarize(pct(result.host));
  const tp = summarize(pct(result.timer));
  progress(
    `exposure: device-timed p50 ${d.p50.toFixed(2)} p99 ${d.p99.toFixed(2)} ms; host-timed p50 ${h.p50.toFixed(2)} p99 ${h.p99.toFixed(2)} ms; setTimeout p50 ${t.p50.toFixed(2)} p99 ${t.p99.toFixed(2)} ms (n=${d.n})`,
  );
  return [
    row('4. device-timed exposure error p50 (vs setTimeout overshoot p50)', 'ms', d.p50, t.p50),
    row('4. device-timed exposure error p99 (vs setTimeout overshoot p99)', 'ms', d.p99, t.p99),
    row('4. device-timed dose error p99 (vs setTimeout overshoot p99)', '%', dp.p99, tp.p99),
    row('4. host-timed exposure error p50 (vs setTimeout overshoot p50)', 'ms', h.p50, t.p50),
    row('4. host-timed exposure error p99 (vs setTimeout overshoot p99)', 'ms', h.p99, t.p99),
    row('4. host-timed dose error p99 (vs setTimeout overshoot p99)', '%', hp.p99, tp.p99),
  ];
}
