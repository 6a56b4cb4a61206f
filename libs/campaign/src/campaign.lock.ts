import { randomBytes } from 'node:crypto';

/** The few Redis commands the lock needs (ioredis satisfies it). */
export interface LockRedis {
  set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<'OK' | null>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface CampaignLock {
  /** Runs `fn` only if the lock was free; returns undefined when another holder has it. */
  withLock<T>(fn: () => Promise<T>): Promise<T | undefined>;
}

export const campaignLockKey = 'graftlab:campaigns:lock';

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * One advancer at a time across workers: `SET key token NX PX ttl`, released only by its holder (compare and
 * delete). The TTL bounds a crashed holder's claim; advancing is idempotent, so an overrun is harmless.
 */
export class RedisCampaignLock implements CampaignLock {
  constructor(
    private readonly redis: LockRedis,
    private readonly ttlMs = 60_000,
    private readonly key = campaignLockKey,
  ) {}

  async withLock<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const token = randomBytes(12).toString('hex');
    const got = await this.redis.set(this.key, token, 'PX', this.ttlMs, 'NX');
    if (got !== 'OK') return undefined;
    try {
      return await fn();
    } finally {
      await this.redis.eval(RELEASE, 1, this.key, token);
    }
  }
}
