/**
 * 3. Command round trips: graftlab's driver against the raw library doing the same exchange, in the same run.
 *
 * Serial: an NE-1000 basic-mode pump twin served over TCP (a serial device server stand-in) and over a socat pty
 * pair. graftlab: the Ne1000Pump driver's identify() (one VER request, framer, line mutex, reply parsing). Floor:
 * the same "0VER\r" written with a raw `net` socket (TCP_NODELAY) or a raw `serialport` port, timed until the ETX
 * of the reply. N sequential exchanges (2,000; 300 with --quick), p50 and p99.
 * MQTT: bench/mqtt-roundtrip.bench.ts run as a child process against a private mosquitto with
 * `set_tcp_nodelay true` (MQTT 5 command → `accepted` reply through the broker): graftlab's link and driver vs raw
 * mqtt.js with its defaults (Nagle on, as most clients run). A second floor is measured here: raw mqtt.js with
 * TCP_NODELAY set on its sockets, doing the same request/accept exchange against the same kind of broker.
 * Issue #4's requirement: graftlab's MQTT p50 under 2 ms.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { SerialPort } from 'serialport';
import { ScaledClock } from '@graftlab/clock';
import { createDevice, type Dispenser } from '@graftlab/devices';
import { startPrivateMosquitto } from '@graftlab/infra';
import { loadInventory, type InventoryDevice } from '@graftlab/inventory';
import { createSerialTwin, VirtualLabWorld } from '@graftlab/twins';
import { ETX, NE1000_VER, rawTcpRoundTrip } from './lib/floors';
import { rawMqttExchange } from './lib/mqtt-exchange';
import type { BenchOptions } from './lib/options';
import { progress, row, summarize, type BenchRow, type Summary } from './lib/stats';

const run = promisify(execFile);

async function driverIdentify(device: InventoryDevice, n: number): Promise<Summary> {
  const pump = createDevice(device, { clock: new ScaledClock(1), labId: 'bench' }) as Dispenser;
  await pump.connect({ timeoutMs: 5000 });
  const samples: number[] = [];
  const warmup = Math.min(50, Math.floor(n / 5));
  try {
    for (let i = 0; i < n + warmup; i++) {
      const t0 = performance.now();
      await pump.identify({ timeoutMs: 5000 });
      if (i >= warmup) samples.push(performance.now() - t0);
    }
  } finally {
    await pump.close();
  }
  return summarize(samples);
}

async function rawSerialRoundTrip(path: string, baudRate: number, n: number): Promise<Summary> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  const samples: number[] = [];
  const warmup = Math.min(50, Math.floor(n / 5));
  try {
    for (let i = 0; i < n + warmup; i++) {
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        const onData = (chunk: Buffer) => {
          if (!chunk.includes(ETX)) return;
          port.off('data', onData);
          resolve();
        };
        port.on('data', onData);
        port.write(NE1000_VER);
      });
      if (i >= warmup) samples.push(performance.now() - t0);
    }
  } finally {
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
  return summarize(samples);
}

/** Raw mqtt.js with TCP_NODELAY on both clients' sockets: the request/accept exchange of the MQTT bench. */
async function rawMqttNoDelay(url: string, n: number): Promise<Summary> {
  const lab = `bench-${randomBytes(3).toString('hex')}`;
  const topic = `graftlab/${lab}/raw/cmd/identify`;
  const replyTopic = `graftlab/${lab}/_replies/raw`;
  const device = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: `raw-dev-${lab}` });
  const host = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: `raw-host-${lab}` });
  for (const c of [device, host])
    (c.stream as unknown as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
  await device.subscribeAsync(topic, { qos: 1 });
  await host.subscribeAsync(replyTopic, { qos: 1 });
  device.on('message', (_t, payload, packet) => {
    const { commandId } = JSON.parse(payload.toString()) as { commandId: string };
    device.publish(
      packet.properties?.responseTopic ?? replyTopic,
      JSON.stringify({ phase: 'accepted', commandId }),
      {
        qos: 1,
        properties: { correlationData: packet.properties?.correlationData },
      },
    );
  });
  const samples: number[] = [];
  const warmup = Math.min(200, Math.floor(n / 10));
  try {
    for (let i = 0; i < n + warmup; i++) {
      const ms = await rawMqttExchange(host, topic, replyTopic, `r-${i}`);
      if (i >= warmup) samples.push(ms);
    }
  } finally {
    await host.endAsync();
    await device.endAsync();
  }
  return summarize(samples);
}

interface MqttBenchJson {
  raw: { accept: Summary };
  graftlab: { accept: Summary; driverIdentify: Summary };
}

export async function roundTripsBench(options: BenchOptions): Promise<BenchRow[]> {
  const n = options.quick ? 300 : 2000;
  const inventory = loadInventory(join(__dirname, '../devices/virtual-lab.json'));
  const pumpEntry = inventory.devices.find((d) => d.id === 'pump-1')!;
  const world = new VirtualLabWorld(inventory, { clock: new ScaledClock(1), seed: 1 });
  const rows: BenchRow[] = [];

  const tcpTwin = createSerialTwin(pumpEntry, world);
  await tcpTwin.listen('127.0.0.1', 0);
  try {
    const transport = `tcp://127.0.0.1:${tcpTwin.port}`;
    const raw = await rawTcpRoundTrip('127.0.0.1', tcpTwin.port!, NE1000_VER, ETX, n);
    const g = await driverIdentify({ ...pumpEntry, transport }, n);
    progress(
      `serial/TCP: driver p50 ${g.p50.toFixed(3)} p99 ${g.p99.toFixed(3)}; raw net p50 ${raw.p50.toFixed(3)}`,
    );
    rows.push(row('3. serial over TCP, NE-1000 VER p50 (driver vs raw net)', 'ms', g.p50, raw.p50));
    rows.push(row('3. serial over TCP, NE-1000 VER p99 (driver vs raw net)', 'ms', g.p99, raw.p99));
  } finally {
    await tcpTwin.close();
  }

  const ptyTwin = createSerialTwin(pumpEntry, world);
  const pty = await ptyTwin.attachPty();
  try {
    const raw = await rawSerialRoundTrip(pty.hostPath, pumpEntry.serial?.baudRate ?? 19200, n);
    const g = await driverIdentify({ ...pumpEntry, transport: `serial://${pty.hostPath}` }, n);
    progress(
      `serial/pty: driver p50 ${g.p50.toFixed(3)} p99 ${g.p99.toFixed(3)}; raw serialport p50 ${raw.p50.toFixed(3)}`,
    );
    rows.push(row('3. serial over pty, NE-1000 VER p50 (driver vs raw serialport)', 'ms', g.p50, raw.p50));
    rows.push(row('3. serial over pty, NE-1000 VER p99 (driver vs raw serialport)', 'ms', g.p99, raw.p99));
  } finally {
    await ptyTwin.close();
  }

  const mqttN = options.quick ? 200 : 2000;
  const { stdout } = await run(
    process.execPath,
    [
      '-r',
      join(__dirname, '../scripts/register.cjs'),
      join(__dirname, 'mqtt-roundtrip.bench.ts'),
      '--mosquitto',
      '--n',
      String(mqttN),
    ],
    { cwd: join(__dirname, '..'), maxBuffer: 16 * 1024 * 1024 },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('{') && l.includes('"mqtt-roundtrip"'));
  if (!line) throw new Error(`mqtt-roundtrip printed no JSON line:\n${stdout}`);
  const m = JSON.parse(line) as MqttBenchJson;
  const broker = await startPrivateMosquitto();
  let noDelay: Summary;
  try {
    noDelay = await rawMqttNoDelay(broker.url, mqttN);
  } finally {
    await broker.stop();
  }
  progress(
    `MQTT: graftlab accept p50 ${m.graftlab.accept.p50.toFixed(3)} p99 ${m.graftlab.accept.p99.toFixed(3)}, driver identify p50 ${m.graftlab.driverIdentify.p50.toFixed(3)}; raw defaults p50 ${m.raw.accept.p50.toFixed(3)}; raw TCP_NODELAY p50 ${noDelay.p50.toFixed(3)}`,
  );
  rows.push(
    row(
      '3. MQTT command→accept p50 (graftlab link vs raw mqtt.js TCP_NODELAY)',
      'ms',
      m.graftlab.accept.p50,
      noDelay.p50,
    ),
  );
  rows.push(
    row(
      '3. MQTT command→accept p99 (graftlab link vs raw mqtt.js TCP_NODELAY)',
      'ms',
      m.graftlab.accept.p99,
      noDelay.p99,
    ),
  );
  rows.push(
    row(
      '3. MQTT command→accept p50 (graftlab link vs raw mqtt.js defaults, Nagle)',
      'ms',
      m.graftlab.accept.p50,
      m.raw.accept.p50,
    ),
  );
  rows.push(
    row(
      '3. MQTT driver identify() p50 (vs raw mqtt.js TCP_NODELAY)',
      'ms',
      m.graftlab.driverIdentify.p50,
      noDelay.p50,
    ),
  );
  return rows;
}
