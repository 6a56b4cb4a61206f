import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import {
  connectMqttLink,
  IrradiatorMqtt,
  TraceNormalizer,
  uniqueClientId,
  type MqttTrace,
  type TracedMessage,
} from '@graftlab/devices';
import { deviceById, loadInventory } from '@graftlab/inventory';
import { mqttOnly } from '../testing/inventory-fixtures';
import { startVirtualLab } from '../virtual-lab';

const GOLDEN = join(__dirname, '../../../devices/test-vectors/mqtt-irradiator-raise-lower.trace.json');
const inventory = mqttOnly(loadInventory(join(__dirname, '../../../../devices/virtual-lab.json')));

/** Records the irradiator exchange of a real run against the twin, normalized. */
async function record(): Promise<MqttTrace> {
  const labId = `g-${randomBytes(4).toString('hex')}`;
  const url = 'mqtt://127.0.0.1:1883';
  const lab = await startVirtualLab({ inventory, mqttUrl: url, clockSpeed: 100, seed: 1, labId });
  const link = await connectMqttLink({ url, labId, clientId: uniqueClientId('golden') });
  const norm = new TraceNormalizer(labId, link.clientId);
  const sniffer = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: uniqueClientId('sniffer') });
  const messages: TracedMessage[] = [];
  sniffer.on('message', (topic, payload, packet) => {
    const isCommand = topic.includes('/irradiator-1/cmd/');
    if (!isCommand && !topic.includes('/_replies/') && !topic.endsWith('/irradiator-1/state')) return;
    const p = packet.properties ?? {};
    messages.push({
      dir: isCommand ? 'host→device' : 'device→host',
      topic: norm.topic(topic),
      qos: packet.qos,
      retain: packet.retain,
      payload: norm.payload(payload),
      ...(p.responseTopic ? { responseTopic: norm.topic(p.responseTopic) } : {}),
      ...(p.correlationData ? { correlation: norm.correlation(p.correlationData) } : {}),
      ...(p.messageExpiryInterval ? { messageExpiryInterval: p.messageExpiryInterval } : {}),
    });
  });
  await sniffer.subscribeAsync(`graftlab/${labId}/#`, { qos: 1 });
  try {
    const irr = new IrradiatorMqtt(deviceById(inventory, 'irradiator-1')!, {
      clock: lab.world.clock,
      labId,
      mqtt: link,
    });
    await irr.connect();
    await irr.raiseSource({ commandId: 'golden-raise' });
    await irr.lowerSource({ commandId: 'golden-lower' });
    await new Promise((r) => setTimeout(r, 100));
    await irr.close();
  } finally {
    await sniffer.endAsync();
    await link.close();
    await lab.stop();
  }
  // identify is not part of this exchange; keep the source commands and the facility state.
  return {
    description:
      'IrradiatorMqtt.raiseSource then lowerSource against the facility twin: retained state, MQTT 5 requests ' +
      '(responseTopic, correlationData, expiry), two-phase replies. Normalized: lab <lab>, client <client>, ts 0.',
    messages,
  };
}

describe('golden MQTT trace of the irradiator exchange', () => {
  it('a fresh recording matches the checked-in trace', async () => {
    const live = await record();
    if (process.env.GOLDEN_UPDATE) writeFileSync(GOLDEN, JSON.stringify(live, null, 2) + '\n');
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as MqttTrace;
    expect(live.messages).toEqual(golden.messages);
  });
});
