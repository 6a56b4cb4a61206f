import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@graftlab/config';
import { openDatabase, type GraftlabDb } from '@graftlab/db';
import { loadInventory, type Inventory } from '@graftlab/inventory';
import { redisOptions } from './redis-options';
import { DATABASE, INVENTORY, REDIS } from './tokens';

/**
 * The connections every graftlab process holds: the MI database (migrated on open), Redis, and the lab inventory.
 * A process that cannot reach one of them fails at start-up with a one-line message.
 */
@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        openDatabase({ url: config.database.url, dataDir: config.database.dataDir }),
    },
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        if (!config.redis.url)
          throw new Error('REDIS_URL is required by this process (the stack supervisor provides one)');
        const client = new Redis(redisOptions(config.redis.url, 'worker'));
        client.on('error', () => undefined); // surfaced by /health and by BullMQ's own connection
        return client;
      },
    },
    {
      provide: INVENTORY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Inventory => loadInventory(config.lab.inventoryPath),
    },
  ],
  exports: [DATABASE, REDIS, INVENTORY],
})
export class RuntimeModule implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly db: GraftlabDb,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
    await this.db.close();
  }
}
