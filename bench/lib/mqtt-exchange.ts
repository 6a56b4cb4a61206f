/**
 * The raw mqtt.js request → `accepted` exchange both MQTT floors time (bench/mqtt-roundtrip.bench.ts with mqtt.js
 * defaults, bench/round-trips.bench.ts with TCP_NODELAY): one MQTT 5 request with a response topic and
 * correlation data, timed until the reply carrying that correlation arrives. Shared so the floors stay the same
 * exchange.
 */
import { randomBytes } from 'node:crypto';
import type mqtt from 'mqtt';

/** One request/accept round trip in ms; the caller's device client answers on `replyTopic`. */
export async function rawMqttExchange(
  host: mqtt.MqttClient,
  topic: string,
  replyTopic: string,
  commandId: string,
): Promise<number> {
  // Generated before t0: the random bytes are not part of the round trip.
  const correlation = randomBytes(16);
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const onMessage = (_t: string, _p: Buffer, packet: mqtt.IPublishPacket) => {
      if (!packet.properties?.correlationData?.equals(correlation)) return;
      host.off('message', onMessage);
      resolve();
    };
    host.on('message', onMessage);
    host.publish(topic, JSON.stringify({ commandId }), {
      qos: 1,
      properties: { responseTopic: replyTopic, correlationData: correlation, messageExpiryInterval: 10 },
    });
  });
  return performance.now() - t0;
}
