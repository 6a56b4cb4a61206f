import type { RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';

/**
 * ioredis options from a redis:// URL. Workers wait out Redis outages (maxRetriesPerRequest null, BullMQ's rule);
 * producers in the API fail fast instead of queueing commands while Redis is away.
 */
export function redisOptions(url: string, role: 'worker' | 'producer'): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    retryStrategy: (times: number) => Math.min(200 * 2 ** Math.min(times, 6), 5000),
  };
}

/** The same options for BullMQ (its connection type is declared apart from ioredis's). */
export function bullConnection(url: string, role: 'worker' | 'producer'): ConnectionOptions {
  const { retryStrategy, ...rest } = redisOptions(url, role);
  return { ...rest, retryStrategy: (times: number) => retryStrategy?.(times) ?? null };
}
