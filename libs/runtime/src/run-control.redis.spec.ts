import { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '@graftlab/infra';
import { KEYS } from './redis-keys';
import { RedisRunControl } from './run-control.redis';

const PAUSE = { kind: 'pause', mode: 'safe-point', reason: 'asked' } as const;

/** Waits until `check` holds (the subscriber's messages and reconnects arrive asynchronously). */
async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('RedisRunControl (a private Redis)', () => {
  let server: PrivateRedis;
  let api: Redis;
  let worker: Redis;

  beforeAll(async () => {
    server = await startPrivateRedis();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(async () => {
    api = new Redis(server.url);
    worker = new Redis(server.url);
    await api.flushall();
  });
  afterEach(() => {
    api.disconnect();
    worker.disconnect();
  });

  it('answers from memory while nothing was published, and reads again once a request is', async () => {
    const control = new RedisRunControl(worker);
    await control.listen();
    try {
      expect(await control.pending('r1')).toBeUndefined();
      // Written without being published (no graftlab process does this): a listening control does not see it …
      await api.hset(KEYS.control, 'r1', JSON.stringify(PAUSE));
      expect(await control.pending('r1')).toBeUndefined();
      // … and one that does not listen reads the hash at every safe point.
      expect(await new RedisRunControl(api).pending('r1')).toEqual(PAUSE);
      // A request as the API makes it is seen at the next safe point, as is an e-stop for the lab.
      await new RedisRunControl(api).request('r1', { kind: 'abort', reason: 'stop it' });
      await until(async () => (await control.pending('r1'))?.kind === 'abort');
      expect(await control.pending('r2')).toBeUndefined();
      await new RedisRunControl(api).request('*', { kind: 'estop', reason: 'button' });
      await until(async () => (await control.pending('r2'))?.kind === 'estop');
      // A pending request is never remembered: its clear is seen at once.
      await control.clear('*');
      await control.clear('r1');
      expect(await control.pending('r1')).toBeUndefined();
      expect(await control.pending('r2')).toBeUndefined();
    } finally {
      await control.close();
    }
  });

  it('reads the hash again after its subscription was interrupted (messages may have been lost)', async () => {
    const control = new RedisRunControl(worker);
    await control.listen();
    try {
      expect(await control.pending('r1')).toBeUndefined();
      await api.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      await api.hset(KEYS.control, 'r1', JSON.stringify(PAUSE));
      await until(async () => (await control.pending('r1')) !== undefined);
      expect(await control.pending('r1')).toEqual(PAUSE);
      // Subscribed again: requests are delivered and nothing-pending is remembered again.
      await control.clear('r1');
      await until(async () => {
        await control.pending('r1');
        await api.hset(KEYS.control, 'r1', JSON.stringify(PAUSE));
        const seen = await control.pending('r1');
        await api.hdel(KEYS.control, 'r1');
        return seen === undefined;
      });
      await new RedisRunControl(api).request('r1', PAUSE);
      await until(async () => (await control.pending('r1')) !== undefined);
    } finally {
      await control.close();
    }
  });
});
