import type { Redis } from 'ioredis';
import type { ControlRequest, RunControl } from '@graftlab/engine';
import { KEYS } from './redis-keys';

/** Runs remembered as having nothing pending, at most (a long-lived worker must not grow without bound). */
const QUIET_RUNS_MAX = 10_000;

/**
 * Pause, abort and e-stop requests in Redis: a hash the engine reads at every safe point, plus a pub/sub channel
 * for the requests that must interrupt a step at once. The API writes, workers read.
 *
 * Every request is written to the hash and then published, so a listening process need not read the hash at every
 * safe point: once a read found nothing pending for a run, the answer stands until a request for that run (or the
 * lab) is published — or until the subscription is interrupted, when messages may have been missed and every run is
 * read again. Only "nothing pending" is remembered; a pending request is always read from the hash (a clear is not
 * published).
 */
export class RedisRunControl implements RunControl {
  private readonly listeners = new Set<(runId: string | '*', request: ControlRequest) => void>();
  private subscriber?: Redis;
  /** Subscribed, and no message can have been missed since: `quiet` may answer. */
  private live = false;
  /** Runs whose last read found nothing pending, with no request published for them (or the lab) since. */
  private readonly quiet = new Set<string>();
  /** Bumped by every published request and every interruption: a read that overlapped one proves nothing. */
  private epoch = 0;

  constructor(private readonly redis: Redis) {}

  async request(runId: string | '*', request: ControlRequest): Promise<void> {
    await this.redis.hset(KEYS.control, runId, JSON.stringify(request));
    await this.redis.publish(KEYS.controlChannel, JSON.stringify({ runId, request }));
  }

  async pending(runId: string): Promise<ControlRequest | undefined> {
    if (this.live && this.quiet.has(runId)) return undefined;
    const epoch = this.epoch;
    const [all, one] = await this.redis.hmget(KEYS.control, '*', runId);
    const raw = all ?? one;
    if (!raw && this.live && epoch === this.epoch) {
      if (this.quiet.size >= QUIET_RUNS_MAX) this.quiet.clear();
      this.quiet.add(runId);
    }
    return raw ? (JSON.parse(raw) as ControlRequest) : undefined;
  }

  async clear(runId: string): Promise<void> {
    this.quiet.delete(runId);
    await this.redis.hdel(KEYS.control, runId);
  }

  /** Starts listening for immediate requests (a dedicated subscriber connection). */
  async listen(): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, message: string) => {
      const { runId, request } = JSON.parse(message) as { runId: string; request: ControlRequest };
      this.forget(runId);
      for (const l of this.listeners) l(runId, request);
    });
    // A lost connection may have lost messages: nothing remembered counts until the channel is subscribed again.
    const interrupted = () => {
      this.live = false;
      this.forget('*');
    };
    subscriber.on('close', interrupted);
    subscriber.on('reconnecting', interrupted);
    subscriber.on('ready', () => {
      if (this.subscriber !== subscriber) return;
      subscriber.subscribe(KEYS.controlChannel).then(
        () => {
          if (this.subscriber === subscriber && subscriber.status === 'ready') this.live = true;
        },
        () => undefined,
      );
    });
    await subscriber.subscribe(KEYS.controlChannel);
    this.live = subscriber.status === 'ready';
  }

  onImmediate(listener: (runId: string | '*', request: ControlRequest) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.live = false;
    this.forget('*');
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  private forget(runId: string): void {
    this.epoch++;
    if (runId === '*') this.quiet.clear();
    else this.quiet.delete(runId);
  }
}
