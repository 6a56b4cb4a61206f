import type { Redis } from 'ioredis';
import type { ControlRequest, RunControl } from '@graftlab/engine';
import { KEYS } from './redis-keys';

/**
 * Pause, abort and e-stop requests in Redis: a hash the engine reads at every safe point, plus a pub/sub channel
 * for the requests that must interrupt a step at once. The API writes, workers read.
 */
export class RedisRunControl implements RunControl {
  private readonly listeners = new Set<(runId: string | '*', request: ControlRequest) => void>();
  private subscriber?: Redis;

  constructor(private readonly redis: Redis) {}

  async request(runId: string | '*', request: ControlRequest): Promise<void> {
    await this.redis.hset(KEYS.control, runId, JSON.stringify(request));
    await this.redis.publish(KEYS.controlChannel, JSON.stringify({ runId, request }));
  }

  async pending(runId: string): Promise<ControlRequest | undefined> {
    const [all, one] = await this.redis.hmget(KEYS.control, '*', runId);
    const raw = all ?? one;
    return raw ? (JSON.parse(raw) as ControlRequest) : undefined;
  }

  async clear(runId: string): Promise<void> {
    await this.redis.hdel(KEYS.control, runId);
  }

  /** Starts listening for immediate requests (a dedicated subscriber connection). */
  async listen(): Promise<void> {
    if (this.subscriber) return;
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, message: string) => {
      const { runId, request } = JSON.parse(message) as { runId: string; request: ControlRequest };
      for (const l of this.listeners) l(runId, request);
    });
    await this.subscriber.subscribe(KEYS.controlChannel);
  }

  onImmediate(listener: (runId: string | '*', request: ControlRequest) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}
