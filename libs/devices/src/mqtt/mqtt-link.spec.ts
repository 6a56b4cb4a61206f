import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect as tcpConnect, createServer } from 'node:net';
import { isDeviceError } from '../capabilities/device-error';
import type { MqttLink, MqttLinkEvent } from './mqtt-link';
import { connectMqttLink, uniqueClientId } from './mqtt-link.client';
import { topics, type ReplyPayload } from './mqtt-topics';
import { topicMatches } from './topic-match';

const MOSQUITTO = '/usr/sbin/mosquitto';
const lab = () => `t-${randomBytes(4).toString('hex')}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startMosquitto(port: number): Promise<ChildProcess> {
  const child = spawn(MOSQUITTO, ['-p', String(port)], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = tcpConnect(port, '127.0.0.1');
      s.on('connect', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) return child;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error('mosquitto did not start');
}

/** A minimal responder: accepts, then completes with the payload echoed. */
async function echoDevice(link: MqttLink, labId: string, device: string): Promise<() => Promise<void>> {
  return link.subscribe(topics.command(labId, device, '+'), (m) => {
    const cmd = JSON.parse(m.payload.toString()) as { commandId: string };
    const send = (r: ReplyPayload) =>
      void link.publish(m.responseTopic!, JSON.stringify(r), { qos: 1, correlationData: m.correlationData });
    send({ phase: 'accepted', commandId: cmd.commandId });
    send({ phase: 'completed', commandId: cmd.commandId, result: { echo: cmd } });
  });
}

describe('topicMatches', () => {
  it('matches + and # wildcards', () => {
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatches('a/#', 'a/b/c')).toBe(true);
    expect(topicMatches('a/+', 'a/b/c')).toBe(false);
    expect(topicMatches('a/b', 'a/b')).toBe(true);
  });
});

describe('MqttLink against Mosquitto on 127.0.0.1:1883', () => {
  const url = 'mqtt://127.0.0.1:1883';

  it('does an MQTT 5 request with responseTopic, correlation data and expiry, resolving on completion', async () => {
    const labId = lab();
    const device = await connectMqttLink({ url, labId, clientId: uniqueClientId('dev') });
    const host = await connectMqttLink({ url, labId, clientId: uniqueClientId('host') });
    const seen: { retain: boolean; responseTopic?: string; correlation?: number }[] = [];
    await device.subscribe(topics.command(labId, 'echo', '+'), (m) =>
      seen.push({ retain: m.retain, responseTopic: m.responseTopic, correlation: m.correlationData?.length }),
    );
    await echoDevice(device, labId, 'echo');
    let accepted = false;
    const reply = await host.request(
      topics.command(labId, 'echo', 'ping'),
      { commandId: 'c-1', n: 1 },
      { deviceId: 'echo', timeoutMs: 2000, onAccepted: () => (accepted = true) },
    );
    expect(accepted).toBe(true);
    expect(reply).toMatchObject({ phase: 'completed', commandId: 'c-1', result: { echo: { n: 1 } } });
    expect(seen[0]).toEqual({
      retain: false,
      responseTopic: topics.replies(labId, host.clientId),
      correlation: 16,
    });
    await host.close();
    await device.close();
  });

  it('gives a second handler of an already subscribed filter the retained status too (a shared device opened again)', async () => {
    const labId = lab();
    const device = await connectMqttLink({ url, labId, clientId: uniqueClientId('dev') });
    const host = await connectMqttLink({ url, labId, clientId: uniqueClientId('host') });
    const status = topics.status(labId, 'robot-x');
    await device.publish(status, JSON.stringify({ online: true }), { qos: 1, retain: true });
    const received = (into: string[]) => (m: { payload: Buffer }) => into.push(m.payload.toString());
    const first: string[] = [];
    const second: string[] = [];
    try {
      const arrived = async (into: string[]) => {
        for (let i = 0; i < 50 && into.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
        return into[0];
      };
      const offFirst = await host.subscribe(status, received(first));
      expect(await arrived(first)).toBe('{"online":true}');
      // The first driver has the status; a second one is opened on the same link afterwards.
      const offSecond = await host.subscribe(status, received(second));
      expect(await arrived(second)).toBe('{"online":true}');
      await offFirst();
      await offSecond();
    } finally {
      await device.publish(status, '', { qos: 1, retain: true }); // clears the retained message
      await host.close();
      await device.close();
    }
  });

  it('times out within the accept timeout when nothing answers', async () => {
    const host = await connectMqttLink({ url, labId: lab(), clientId: uniqueClientId('host') });
    const t0 = Date.now();
    const err = await host
      .request(
        'graftlab/x/nobody/cmd/ping',
        { commandId: 'c' },
        { deviceId: 'nobody', timeoutMs: 10_000, acceptTimeoutMs: 300 },
      )
      .catch((e: unknown) => e);
    expect(isDeviceError(err, 'timeout')).toBe(true);
    expect(Date.now() - t0).toBeLessThan(2000);
    await host.close();
  });

  it('fails fast when the broker cannot be reached', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const err = await connectMqttLink({
      url: `mqtt://127.0.0.1:${port}`,
      labId: 'x',
      clientId: uniqueClientId('h'),
    }).catch((e: unknown) => e);
    expect(isDeviceError(err, 'disconnected')).toBe(true);
    expect(Date.now() - t0).toBeLessThan(3500);
  });
});

describe('MqttLink when the broker goes away (private mosquitto)', () => {
  it('reports disconnected, reconnects with backoff and resubscribes', async () => {
    expect(existsSync(MOSQUITTO)).toBe(true);
    const port = await freePort();
    let broker = await startMosquitto(port);
    const url = `mqtt://127.0.0.1:${port}`;
    const labId = lab();
    const host = await connectMqttLink({ url, labId, clientId: uniqueClientId('host') });
    const device = await connectMqttLink({ url, labId, clientId: uniqueClientId('dev') });
    await echoDevice(device, labId, 'echo');
    const events: MqttLinkEvent[] = [];
    host.onEvent((e) => events.push(e));
    try {
      broker.kill('SIGKILL');
      await new Promise((r) => broker.once('exit', r));
      for (let i = 0; i < 200 && !events.some((e) => e.type === 'disconnected'); i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(events[0]).toMatchObject({ type: 'disconnected' });
      expect(host.connected).toBe(false);
      await expect(
        host.request(
          topics.command(labId, 'echo', 'ping'),
          { commandId: 'x' },
          { deviceId: 'echo', timeoutMs: 500 },
        ),
      ).rejects.toMatchObject({ kind: 'disconnected' });
      broker = await startMosquitto(port);
      for (let i = 0; i < 600 && !(host.connected && device.connected); i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(events.at(-1)).toMatchObject({ type: 'connected', sessionPresent: false });
      // The broker lost every session: replies and commands work only because both links resubscribed.
      await new Promise((r) => setTimeout(r, 100));
      const reply = await host.request(
        topics.command(labId, 'echo', 'ping'),
        { commandId: 'after' },
        { deviceId: 'echo', timeoutMs: 2000 },
      );
      expect(reply.phase).toBe('completed');
    } finally {
      await host.close();
      await device.close();
      broker.kill('SIGKILL');
    }
  });
});
