import { startEmbeddedBroker, type EmbeddedBroker } from '@graftlab/infra';
import { connectMqttLink, type MqttLink } from '../index';

/** On an MQTT 3.1.1 broker (aedes, the quick start's fallback) request/response rides in the JSON payload. */
describe('MQTT link over MQTT 3.1.1 (aedes)', () => {
  let broker: EmbeddedBroker;
  const links: MqttLink[] = [];

  beforeAll(async () => {
    broker = await startEmbeddedBroker();
  });

  afterAll(async () => {
    await Promise.all(links.map((l) => l.close()));
    await broker.stop();
  });

  it('completes a two-phase request with the reply topic and correlation id in the payload', async () => {
    const labId = `v311-${process.pid}`;
    const open = async (clientId: string) => {
      const link = await connectMqttLink({ url: broker.url, clientId, labId, protocolVersion: 4 });
      links.push(link);
      return link;
    };
    const device = await open('device');
    const host = await open('host');
    let seen: Record<string, unknown> | undefined;
    await device.subscribe(
      `graftlab/${labId}/pump/cmd/+`,
      (m) => {
        seen = JSON.parse(m.payload.toString()) as Record<string, unknown>;
        const reply = (phase: string) =>
          device.publish(m.responseTopic!, JSON.stringify({ phase, commandId: seen!.commandId }), {
            qos: 1,
            correlationData: m.correlationData,
          });
        void reply('accepted').then(() => reply('completed'));
      },
      1,
    );
    const answer = await host.request(
      `graftlab/${labId}/pump/cmd/stop`,
      { commandId: 'c-1' },
      { deviceId: 'pump', timeoutMs: 3000 },
    );
    expect(answer).toMatchObject({ phase: 'completed', commandId: 'c-1' });
    expect(seen).toMatchObject({
      commandId: 'c-1',
      replyTo: expect.stringContaining('_replies/host'),
      correlationId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });
});
