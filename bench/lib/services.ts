/**
 * Private services for one benchmark: a redis-server and a mosquitto (set_tcp_nodelay true) on free loopback
 * ports, and a scratch database on the PostgreSQL server. Private instances keep the shared services of other
 * engineers (and their BullMQ queues, leases and topics) out of every figure, and them out of ours.
 */
import { openScratchDatabase, type GraftlabDb } from '@graftlab/db';
import { startPrivateMosquitto, startPrivateRedis } from '@graftlab/infra';

export interface BenchServices {
  readonly redisUrl: string;
  readonly mqttUrl: string;
  readonly databaseUrl: string;
  readonly db: GraftlabDb;
  stop(): Promise<void>;
}

export async function startServices(options: { database?: boolean } = {}): Promise<BenchServices> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const redis = await startPrivateRedis();
    stops.push(() => redis.stop());
    const broker = await startPrivateMosquitto();
    stops.push(() => broker.stop());
    let db: (GraftlabDb & { url?: string }) | undefined;
    if (options.database ?? true) {
      db = await openScratchDatabase('postgres');
      const scratch = db;
      stops.push(() => scratch.close());
    }
    return {
      redisUrl: redis.url,
      mqttUrl: broker.url,
      databaseUrl: db?.url ?? '',
      db: db as GraftlabDb,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
