import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connectAsync, type MqttClient } from 'mqtt';
import { startApiApp, type ApiApp } from './support/api-app';

/**
 * Instruments' own telemetry reaches /api/events: an instrument publishes on the machine's Mosquitto
 * (graftlab/<lab>/<device>/telemetry/<name>) and a page listening on the API's server-sent events receives it.
 */
describe('instrument telemetry on /api/events', () => {
  const labId = `t-telemetry-${randomBytes(3).toString('hex')}`;
  let api: ApiApp;
  let instrument: MqttClient;
  let base: string;

  beforeAll(async () => {
    api = await startApiApp({ MQTT_URL: 'mqtt://127.0.0.1:1883', LAB_ID: labId });
    await api.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    instrument = await connectAsync('mqtt://127.0.0.1:1883', { protocolVersion: 5 });
  });

  afterAll(async () => {
    await instrument?.endAsync();
    await api?.close();
  });

  it('forwards an O2 reading published by the sensor, and nothing from another lab', async () => {
    const abort = new AbortController();
    const res = await fetch(`${base}/api/events`, {
      headers: { authorization: `Bearer ${api.tokens.operator}` },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const received: unknown[] = [];
    const reading = (async () => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += Buffer.from(value).toString('utf8');
        for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          if (line.startsWith('data:')) received.push(JSON.parse(line.slice(5)));
        }
      }
    })().catch(() => undefined);

    // The API subscribes when the first page listens: publish until the reading arrives (QoS 0 has no queue).
    const deadline = Date.now() + 10_000;
    const ours = () =>
      received.filter((e) => (e as { type?: string }).type === 'telemetry') as {
        telemetry: { deviceId: string; name: string; value: unknown; unit?: string; ts?: number };
      }[];
    while (!ours().length && Date.now() < deadline) {
      await instrument.publishAsync(
        'graftlab/another-lab/o2-1/telemetry/o2Ppm',
        JSON.stringify({ value: 99 }),
      );
      await instrument.publishAsync(
        `graftlab/${labId}/o2-1/telemetry/o2Ppm`,
        JSON.stringify({ value: 4.2, unit: 'ppm', ts: 1_795_900_000_000 }),
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    abort.abort();
    await reading;
    expect(ours()[0].telemetry).toEqual({
      deviceId: 'o2-1',
      name: 'o2Ppm',
      value: 4.2,
      unit: 'ppm',
      ts: 1_795_900_000_000,
    });
    expect(ours().every((e) => e.telemetry.value === 4.2)).toBe(true);
  });
});
