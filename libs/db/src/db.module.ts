import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@graftlab/config';
import type { GraftlabDb } from './db.types';
import { openDatabaseFromConfig } from './open-database';

/** Injection token of the opened, migrated GraftlabDb. */
export const GRAFTLAB_DB = Symbol('GRAFTLAB_DB');

/** Opens the MI database from AppConfig (migrating on start-up) and closes it on shutdown. */
@Global()
@Module({
  providers: [
    {
      provide: GRAFTLAB_DB,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => openDatabaseFromConfig(config),
    },
  ],
  exports: [GRAFTLAB_DB],
})
export class DbModule implements OnApplicationShutdown {
  constructor(@Inject(GRAFTLAB_DB) private readonly db: GraftlabDb) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
