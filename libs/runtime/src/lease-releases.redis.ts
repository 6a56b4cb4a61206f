import type { Redis } from 'ioredis';
import type { LeaseReleases } from '@graftlab/engine';
import { KEYS } from './redis-keys';

/**
 * Word of instrument leases given back, between the lab's workers over Redis pub/sub: a run waiting for a busy
 * instrument in another worker tries again at once instead of at its next retry. Only a hint — the database's lease
 * row decides who holds the instrument, and a lost message costs one retry period.
 */
export class RedisLeaseReleases implements LeaseReleases {
  private readonly listeners = new Set<(resource: string) => void>();
  private subscriber?: Redis;

  /** `origin`: this process (its own releases wake its runs directly). */
  constructor(
    private readonly redis: Redis,
    private readonly origin: string,
  ) {}

  published(resource: string): void {
    void this.redis
      .publish(KEYS.leaseReleases, JSON.stringify({ resource, origin: this.origin }))
      .catch(() => undefined);
  }

  onReleased(listener: (resource: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts listening (a dedicated subscriber connection). */
  async listen(): Promise<void> {
    if (this.subscriber) return;
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, message: string) => {
      let parsed: { resource?: unknown; origin?: unknown };
      try {
        parsed = JSON.parse(message) as typeof parsed;
      } catch {
        return;
      }
      if (typeof parsed.resource !== 'string' || parsed.origin === this.origin) return;
      for (const l of this.listeners) l(parsed.resource);
    });
    await this.subscriber.subscribe(KEYS.leaseReleases);
  }

  close(): void {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}
