import mqtt from 'mqtt';
import {
  checkMqtt,
  checkPostgres,
  checkRedis,
  InfraError,
  startEmbeddedBroker,
  startPrivateMosquitto,
  startPrivateRedis,
} from './index';

describe('infrastructure checks against the real services', () => {
  it('accepts the machine Redis and names REDIS_URL when one does not answer', async () => {
    await expect(checkRedis('redis://127.0.0.1:6379')).resolves.toBeUndefined();
    const failure = checkRedis('redis://127.0.0.1:1', 1000);
    await expect(failure).rejects.toBeInstanceOf(InfraError);
    await expect(failure).rejects.toThrow(/^REDIS_URL=redis:\/\/127\.0\.0\.1:1 does not answer/);
  });

  it('accepts the machine Mosquitto and names MQTT_URL when a broker does not answer', async () => {
    await expect(checkMqtt('mqtt://127.0.0.1:1883')).resolves.toBeUndefined();
    await expect(checkMqtt('mqtt://127.0.0.1:1', {}, 1000)).rejects.toThrow(
      /^MQTT_URL=mqtt:\/\/127\.0\.0\.1:1 does not answer/,
    );
  });

  it('accepts the machine PostgreSQL and names DATABASE_URL without leaking a password', async () => {
    await expect(checkPostgres('postgres://postgres@127.0.0.1:5432/postgres')).resolves.toBeUndefined();
    await expect(checkPostgres('postgres://u:secret@127.0.0.1:1/x', 1000)).rejects.toThrow(
      /^DATABASE_URL=postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x does not answer/,
    );
  });
});

describe('embedded services', () => {
  it('starts a private redis-server on a loopback port and stops it', async () => {
    const redis = await startPrivateRedis();
    try {
      expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      await checkRedis(redis.url);
    } finally {
      await redis.stop();
    }
    await expect(checkRedis(redis.url, 500)).rejects.toBeInstanceOf(InfraError);
  });

  it.each([
    ['a private mosquitto (MQTT 5)', startPrivateMosquitto],
    ['aedes in-process (MQTT 3.1.1)', startEmbeddedBroker],
  ])('runs %s that routes messages', async (_name, start) => {
    const broker = await start();
    try {
      const client = await mqtt.connectAsync(broker.url, { protocolVersion: broker.protocolVersion });
      await client.subscribeAsync('graftlab/test/#');
      const received = new Promise<string>((resolve) =>
        client.on('message', (_t, payload) => resolve(payload.toString())),
      );
      await client.publishAsync('graftlab/test/ping', 'pong');
      expect(await received).toBe('pong');
      await client.endAsync();
    } finally {
      await broker.stop();
    }
  });
});
