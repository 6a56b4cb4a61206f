import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { realClock } from '@graftlab/clock';
import { loadInventory, deviceById } from '@graftlab/inventory';
import { IrradiatorMqtt } from './drivers/irradiator.mqtt-driver';
import type { MqttLink, MqttMessage } from './mqtt-link';
import { connectMqttLink, uniqueClientId } from './mqtt-link.client';
import { TraceNormalizer, type MqttTrace, type TracedMessage } from './mqtt-trace';
import { topics } from './mqtt-topics';

const trace = JSON.parse(
  readFileSync(join(__dirname, '../../test-vectors/mqtt-irradiator-raise-lower.trace.json'), 'utf8'),
) as MqttTrace;
const device = deviceById(
  loadInventory(join(__dirname, '../../../../devices/virtual-lab.json')),
  'irradiator-1',
)!;

/**
 * Plays the device side of a golden trace: checks each host message against the recording and answers
 * with the recorded device messages (live correlation data and reply topic substituted).
 */
async function replayDevice(link: MqttLink, labId: string, clientId: string) {
  const norm = new TraceNormalizer(labId, clientId);
  const live = new Map<string, Buffer>(); // correlation label → live correlation data
  const mismatches: string[] = [];
  let next = 0;
  const denormalize = (t: string) => t.replace('<lab>', labId).replace('<client>', clientId);
  const playDevice = async () => {
    while (next < trace.messages.length && trace.messages[next].dir === 'device→host') {
      const m: TracedMessage = trace.messages[next++];
      const payload = JSON.stringify(m.payload, (k, v: unknown) => (k === 'ts' ? Date.now() : v));
      await link.publish(denormalize(m.topic), payload, {
        qos: 1,
        retain: m.topic.endsWith('/state'), // facility state is retained
        correlationData: m.correlation ? live.get(m.correlation) : undefined,
      });
    }
  };
  await link.subscribe(topics.command(labId, device.id, '+'), (msg: MqttMessage) => {
    const expected = trace.messages[next++];
    const got = {
      topic: norm.topic(msg.topic),
      payload: norm.payload(msg.payload),
      responseTopic: msg.responseTopic && norm.topic(msg.responseTopic),
      correlation: norm.correlation(msg.correlationData),
    };
    const want = {
      topic: expected?.topic,
      payload: expected?.payload,
      responseTopic: expected?.responseTopic,
      correlation: expected?.correlation,
    };
    if (JSON.stringify(got) !== JSON.stringify(want))
      mismatches.push(`${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
    if (expected?.correlation && msg.correlationData) live.set(expected.correlation, msg.correlationData);
    void playDevice();
  });
  await link.publish(
    topics.status(labId, device.id),
    JSON.stringify({ online: true, ts: Date.now(), fw: 'replay' }),
    {
      qos: 1,
      retain: true,
    },
  );
  await playDevice();
  return { mismatches, done: () => next === trace.messages.length };
}

describe('replay of the golden irradiator trace as a driver test', () => {
  it('the driver sends exactly the recorded commands and accepts the recorded answers', async () => {
    const url = 'mqtt://127.0.0.1:1883';
    const labId = `r-${randomBytes(4).toString('hex')}`;
    const host = await connectMqttLink({ url, labId, clientId: uniqueClientId('replay-host') });
    const dev = await connectMqttLink({ url, labId, clientId: uniqueClientId('replay-dev') });
    try {
      const replay = await replayDevice(dev, labId, host.clientId);
      const irr = new IrradiatorMqtt(device, { clock: realClock, labId, mqtt: host });
      await irr.connect();
      await irr.raiseSource({ commandId: 'golden-raise' });
      await irr.lowerSource({ commandId: 'golden-lower' });
      await irr.close();
      expect(replay.mismatches).toEqual([]);
      expect(replay.done()).toBe(true);
      expect(
        trace.messages.filter((m) => m.dir === 'host→device').every((m) => m.retain === false && m.qos === 1),
      ).toBe(true);
    } finally {
      await host.close();
      await dev.close();
    }
  });
});
