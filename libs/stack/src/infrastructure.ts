import type { AppConfig, EmbeddedService } from '@graftlab/config';
import { servePglite } from '@graftlab/db';
import { checkMqtt, checkPostgres, checkRedis, startLocalBroker, startPrivateRedis } from '@graftlab/infra';

export interface ResolvedInfrastructure {
  /** The configuration children get: every URL set, embedded services named. */
  readonly config: AppConfig;
  stop(): Promise<void>;
}

/**
 * Makes Redis, the broker and the database answer: an explicitly set URL must answer (an error naming the
 * variable otherwise, never a silent fallback); an unset one gets a private or embedded service.
 */
export async function resolveInfrastructure(
  config: AppConfig,
  log: (line: string) => void,
): Promise<ResolvedInfrastructure> {
  const stops: (() => Promise<void>)[] = [];
  const embedded: EmbeddedService[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    let redisUrl = config.redis.url;
    if (redisUrl) await checkRedis(redisUrl);
    else {
      const redis = await startPrivateRedis();
      stops.push(() => redis.stop());
      redisUrl = redis.url;
      embedded.push('redis');
      log(`redis: private redis-server at ${redis.url} (set REDIS_URL for a real one)`);
    }

    let mqttUrl = config.mqtt.url;
    let protocolVersion = config.mqtt.protocolVersion;
    const credentials = { username: config.mqtt.username, password: config.mqtt.password };
    if (mqttUrl) await checkMqtt(mqttUrl, credentials, 3000, protocolVersion);
    else {
      const broker = await startLocalBroker();
      stops.push(() => broker.stop());
      mqttUrl = broker.url;
      protocolVersion = broker.protocolVersion;
      embedded.push('mqtt');
      log(`mqtt: embedded ${broker.kind} broker at ${broker.url} (set MQTT_URL for a real one)`);
    }

    let databaseUrl = config.database.url;
    if (databaseUrl) await checkPostgres(databaseUrl);
    else {
      const served = await servePglite({ dataDir: config.database.dataDir });
      stops.push(() => served.close());
      databaseUrl = served.url;
      embedded.push('database');
      log(`database: embedded PGlite in ${config.database.dataDir} (set DATABASE_URL for PostgreSQL)`);
    }

    return {
      config: {
        ...config,
        redis: { url: redisUrl },
        mqtt: { ...config.mqtt, url: mqttUrl, protocolVersion },
        database: { ...config.database, url: databaseUrl },
        embedded,
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
