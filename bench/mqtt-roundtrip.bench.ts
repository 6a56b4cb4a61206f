/**
 * MQTT command → accept round trip through Mosquitto: graftlab's link and driver (TCP_NODELAY on its sockets)
 * against raw mqtt.js doing the same MQTT 5 exchange with default options, in the same run.
 *
 *   node -r ./scripts/register.cjs bench/mqtt-roundtrip.bench.ts [--n 2000] [--url mqtt://127.0.0.1:1883] [--mosquitto]
 *
 * --mosquitto starts a private /usr/sbin/mosquitto on a free port with `set_tcp_nodelay true`
 * (the shared broker on this machine runs with Nagle on its side, which alone costs tens of ms per hop).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { ScaledClock } from '@graftlab/clock';
import { connectMqttLink, IrradiatorMqtt, topics, uniqueClientId } from '@graftlab/devices';
import type { InventoryDevice } from '@graftlab/inventory';
import { IrradiatorTwin, VirtualLabWorld } from '@graftlab/twins';
import { loadInventory } from '@graftlab/inventory';
import { rawMqttExchange } from './lib/mqtt-exchange';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const N = Number(arg('--n') ?? 2000);
const WARMUP = Math.min(200, Math.floor(N / 10));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(s, 50),
    p99: percentile(s, 99),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    n: s.length,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function privateMosquitto(): Promise<{ url: string; child: ChildProcess }> {
  const bin = '/usr/sbin/mosquitto';
  if (!existsSync(bin)) throw new Error(`--mosquitto needs ${bin}`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'graftlab-bench-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\npersistence false\n`,
  );
  const child = spawn(bin, ['-c', conf], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = tcpConnect(port, '127.0.0.1');
      s.on('connect', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) return { url: `mqtt://127.0.0.1:${port}`, child };
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill();
  throw new Error('private mosquitto did not start');
}

/** graftlab: the link's MQTT 5 request to the facility twin, timed to the `accepted` reply; and the driver's identify(). */
async function benchGraftlab(url: string, labId: string) {
  const inventory = loadInventory(join(__dirname, '../devices/virtual-lab.json'));
  const device = inventory.devices.find((d) => d.id === 'irradiator-1') as InventoryDevice;
  const clock = new ScaledClock(1);
  const world = new VirtualLabWorld(inventory, { clock, seed: 1 });
  const twin = await IrradiatorTwin.connect(device, world, { url, labId });
  const link = await connectMqttLink({ url, labId, clientId: uniqueClientId('bench-graftlab') });
  const driver = new IrradiatorMqtt(device, { clock, labId, mqtt: link });
  await driver.connect();
  const accept: number[] = [];
  const identify: number[] = [];
  const topic = topics.command(labId, device.id, 'identify');
  for (let i = 0; i < N + WARMUP; i++) {
    const t0 = performance.now();
    let tAccept = 0;
    await link.request(
      topic,
      { commandId: `b-${i}` },
      { deviceId: device.id, timeoutMs: 5000, onAccepted: () => (tAccept = performance.now()) },
    );
    if (i >= WARMUP) accept.push(tAccept - t0);
    const t1 = performance.now();
    await driver.identify();
    if (i >= WARMUP) identify.push(performance.now() - t1);
  }
  await driver.close();
  await link.close();
  await twin.close();
  return { accept: summary(accept), driverIdentify: summary(identify) };
}

/** Raw mqtt.js, default options (Nagle on): the same MQTT 5 request and accepted reply. */
async function benchRaw(url: string, labId: string) {
  const topic = `graftlab/${labId}/raw-device/cmd/identify`;
  const replyTopic = `graftlab/${labId}/_replies/raw-host`;
  const device = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    clientId: uniqueClientId('bench-raw-dev'),
  });
  const host = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    clientId: uniqueClientId('bench-raw-host'),
  });
  await device.subscribeAsync(topic, { qos: 1 });
  await host.subscribeAsync(replyTopic, { qos: 1 });
  device.on('message', (_t, payload, packet) => {
    const { commandId } = JSON.parse(payload.toString()) as { commandId: string };
    device.publish(packet.properties!.responseTopic!, JSON.stringify({ phase: 'accepted', commandId }), {
      qos: 1,
      properties: { correlationData: packet.properties!.correlationData },
    });
  });
  const samples: number[] = [];
  for (let i = 0; i < N + WARMUP; i++) {
    const ms = await rawMqttExchange(host, topic, replyTopic, `r-${i}`);
    if (i >= WARMUP) samples.push(ms);
  }
  await host.endAsync();
  await device.endAsync();
  return { accept: summary(samples) };
}

async function main(): Promise<void> {
  let url = arg('--url') ?? 'mqtt://127.0.0.1:1883';
  let broker: ChildProcess | undefined;
  if (args.includes('--mosquitto')) ({ url, child: broker } = await privateMosquitto());
  const labId = `bench-${randomBytes(3).toString('hex')}`;
  try {
    const raw = await benchRaw(url, labId);
    const graftlab = await benchGraftlab(url, labId);
    const fmt = (s: { p50: number; p99: number }) => `p50 ${s.p50.toFixed(3)} ms  p99 ${s.p99.toFixed(3)} ms`;
    process.stdout.write(
      `MQTT command → accept round trip, ${N} sequential requests via ${url}${broker ? ' (private mosquitto, set_tcp_nodelay true)' : ''}\n`,
    );
    process.stdout.write(`  raw mqtt.js (defaults, Nagle on)   ${fmt(raw.accept)}\n`);
    process.stdout.write(`  graftlab link → twin accepted      ${fmt(graftlab.accept)}\n`);
    process.stdout.write(`  graftlab driver identify()         ${fmt(graftlab.driverIdentify)}\n`);
    process.stdout.write(
      `  ratio raw/graftlab p50             ${(raw.accept.p50 / graftlab.accept.p50).toFixed(1)}x\n`,
    );
    process.stdout.write(JSON.stringify({ bench: 'mqtt-roundtrip', url, n: N, raw, graftlab }) + '\n');
  } finally {
    broker?.kill();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`mqtt-roundtrip: ${(e as Error).message}\n`);
  process.exit(1);
});
