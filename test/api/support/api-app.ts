import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { APP_CONFIG, parseConfig } from '@graftlab/config';
import { openScratchDatabase, TokensRepository, type GraftlabDb } from '@graftlab/db';
import { startPrivateRedis, type PrivateRedis } from '@graftlab/infra';
import { ApiModule } from '../../../apps/api/src/api.module';
import { configureHttp } from '../../../apps/api/src/http.setup';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export type TestRole = 'scientist' | 'operator' | 'safety-officer' | 'admin' | 'instrument';

/**
 * The API module in this process over a private redis-server and a scratch PostgreSQL database (no workers,
 * no devices): for what the HTTP layer decides by itself, such as 401, 403, audit entries and OpenAPI.
 */
export interface ApiApp {
  readonly app: INestApplication;
  readonly db: GraftlabDb & { url?: string };
  readonly bootstrapToken: string;
  /** One token per role (admin is the bootstrap token), named `<role>-1`. */
  readonly tokens: Record<TestRole, string>;
  /** A second token for a role, e.g. a second safety officer (two-person rule). */
  token(role: TestRole, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startApiApp(env: Record<string, string> = {}): Promise<ApiApp> {
  const redis: PrivateRedis = await startPrivateRedis();
  const db = await openScratchDatabase('postgres');
  const bootstrapToken = `bootstrap-${randomBytes(16).toString('hex')}`;
  const config = parseConfig({
    REDIS_URL: redis.url,
    DATABASE_URL: db.url,
    MQTT_URL: 'mqtt://127.0.0.1:1',
    LAB_INVENTORY: path.join(ROOT, 'devices/virtual-lab.json'),
    GRAFTLAB_BOOTSTRAP_TOKEN: bootstrapToken,
    LOG_LEVEL: 'silent',
    ...env,
  });
  let app: INestApplication | undefined;
  try {
    const moduleRef = await Test.createTestingModule({ imports: [ApiModule] })
      .overrideProvider(APP_CONFIG)
      .useValue(config)
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    configureHttp(app);
    await app.init();
  } catch (e) {
    await app?.close().catch(() => undefined);
    await db.close();
    await redis.stop();
    throw e;
  }
  const repo = new TokensRepository(db);
  const token = async (role: TestRole, name: string) => (await repo.create({ role, name })).token;
  const tokens = {
    admin: bootstrapToken,
    scientist: await token('scientist', 'scientist-1'),
    operator: await token('operator', 'operator-1'),
    'safety-officer': await token('safety-officer', 'safety-officer-1'),
    instrument: await token('instrument', 'balance-1'),
  };
  return {
    app,
    db,
    bootstrapToken,
    tokens,
    token,
    async close() {
      await app.close();
      await db.close();
      await redis.stop();
    },
  };
}
