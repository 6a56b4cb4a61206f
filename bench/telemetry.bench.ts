/**
 * 7. Telemetry to /api/events.
 *
 * Method: the stack (one-station virtual lab) with one SSE client on `GET /api/events`. An instrument publishes
 * telemetry on the broker, as the O2 sensors do (`graftlab/<lab>/<device>/telemetry/<name>`, QoS 0, `{value, unit,
 * ts}`), at rising rates (100 … 20,000 msg/s, the highest tested caps the figure, 10 ms batches, 2 s per rate; 1 s
 * with --quick), each stamped with this process's monotonic clock; the SSE client stamps arrival. The path: broker →
 * the API's telemetry feed → SSE → HTTP. A rate passes when every message arrives and the p99 latency is under
 * 100 ms; the figure is the highest passing rate. Floor: the same test with a raw mqtt.js subscriber on the topic
 * (no Nest, no SSE, no HTTP).
 */
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { loadInventory } from '@graftlab/inventory';
import { oneStation } from './engine-overhead.bench';
import type { BenchOptions } from './lib/options';
import { startServices } from './lib/services';
import { BENCH_TOKEN, startBenchStack } from './lib/stack';
import { percentile, progress, row, sleep, type BenchRow } from './lib/stats';

const RATES = [100, 200, 500, 1000, 2000, 5000, 10_000, 20_000];
const MARK = 'bench-telemetry';

type Sink = (seq: number, sentAt: number) => void;

/** Publishes `rate` readings a second for `seconds`, as an instrument does; returns how many. */
async function publishAt(
  instrument: MqttClient,
  topic: string,
  rate: number,
  seconds: number,
  run: number,
): Promise<number> {
  const total = Math.round(rate * seconds);
  const perBatch = Math.max(1, Math.round(rate / 100));
  const t0 = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + perBatch);
    for (; sent < due; sent++)
      instrument.publish(
        topic,
        JSON.stringify({ value: { mark: MARK, run, seq: sent, sentAt: performance.now() }, unit: '', ts: 0 }),
        { qos: 0 },
      );
    await sleep(10);
  }
  return total;
}

/** Finds our reading in an SSE `data:` line (a telemetry event) or a raw MQTT payload. */
function parseEvent(data: string, sink: Sink, run: () => number): void {
  if (!data.includes(MARK)) return;
  const e = JSON.parse(data) as { telemetry?: { value?: Reading }; value?: Reading };
  const v = e.telemetry?.value ?? e.value;
  if (v?.mark === MARK && v.run === run()) sink(v.seq ?? -1, v.sentAt ?? 0);
}

interface Reading {
  mark?: string;
  run?: number;
  seq?: number;
  sentAt?: number;
}

/** Steps through the rates with `subscribe` as the receiving end; returns the highest passing rate. */
async function highestRate(
  mqttUrl: string,
  topic: string,
  seconds: number,
  attach: (onEvent: (data: string) => void) => Promise<() => void>,
  label: string,
): Promise<number> {
  const publisher = await connectAsync(mqttUrl, { protocolVersion: 5 });
  let runNo = 0;
  let latencies: number[] = [];
  let seen = new Set<number>();
  const detach = await attach((data) =>
    parseEvent(
      data,
      (seq, sentAt) => {
        const now = performance.now();
        seen.add(seq);
        latencies.push(now - sentAt);
      },
      () => runNo,
    ),
  );
  let best = 0;
  try {
    for (const rate of RATES) {
      runNo++;
      latencies = [];
      seen = new Set();
      const total = await publishAt(publisher, topic, rate, seconds, runNo);
      const deadline = performance.now() + 2000;
      while (seen.size < total && performance.now() < deadline) await sleep(20);
      const p99 = percentile(latencies, 99);
      const ok = seen.size === total && p99 < 100;
      progress(
        `${label} ${rate} msg/s: ${seen.size}/${total} received, p99 ${p99.toFixed(1)} ms ${ok ? 'ok' : 'FAIL'}`,
      );
      if (!ok) break;
      best = rate;
    }
  } finally {
    detach();
    await publisher.endAsync();
  }
  return best;
}

export async function telemetryBench(options: BenchOptions): Promise<BenchRow[]> {
  const seconds = options.quick ? 1 : 2;
  const services = await startServices();
  const inventory = oneStation(loadInventory(join(__dirname, '../devices/virtual-lab.json')), 'reactor-1');
  const s = await startBenchStack({ services, inventory, clockSpeed: 3600 });
  try {
    const topic = `graftlab/${s.labId}/${MARK}/telemetry/level`;
    const sse = await highestRate(
      services.mqttUrl,
      topic,
      seconds,
      async (onEvent) => {
        const abort = new AbortController();
        const res = await fetch(`${s.apiUrl}/api/events`, {
          headers: { authorization: `Bearer ${BENCH_TOKEN}`, accept: 'text/event-stream' },
          signal: abort.signal,
        });
        if (!res.ok || !res.body) throw new Error(`/api/events: HTTP ${res.status}`);
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        void (async () => {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            buffer += decoder.decode(value, { stream: true });
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              for (const line of block.split('\n'))
                if (line.startsWith('data:')) onEvent(line.slice(5).trim());
            }
          }
        })().catch(() => undefined);
        await sleep(1000); // the API subscribes to the broker when the first page listens
        return () => abort.abort();
      },
      'SSE',
    );
    const raw = await highestRate(
      services.mqttUrl,
      topic,
      seconds,
      async (onEvent) => {
        const sub = await connectAsync(services.mqttUrl, { protocolVersion: 5 });
        sub.on('message', (_t: string, m: Buffer) => onEvent(m.toString('utf8')));
        await sub.subscribeAsync(topic, { qos: 0 });
        return () => void sub.endAsync();
      },
      'raw mqtt',
    );
    return [
      row(
        '7. highest telemetry rate from an instrument to /api/events with p99 < 100 ms (vs raw MQTT subscriber)',
        'msg/s',
        sse,
        raw,
        'higher-is-better',
      ),
    ];
  } finally {
    await s.stop();
    await services.stop();
  }
}
