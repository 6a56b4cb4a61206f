import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@graftlab/config';
import { TokensRepository, type GraftlabDb } from '@graftlab/db';
import { DATABASE } from '@graftlab/runtime';
import { ROLES, type Actor, type Role } from './roles.decorator';

export const BOOTSTRAP_TOKEN_NAME = 'bootstrap-admin';

/** API tokens: authentication for the guard, and the first admin from GRAFTLAB_BOOTSTRAP_TOKEN. */
@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);
  readonly tokens: TokensRepository;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE) db: GraftlabDb,
  ) {
    this.tokens = new TokensRepository(db);
  }

  /** Idempotent: restarts keep the one row, and a bootstrap token an admin revoked is not brought back. */
  async onApplicationBootstrap(): Promise<void> {
    const token = this.config.auth.bootstrapToken;
    if (!token) return;
    const created = await this.tokens.ensure({ token, name: BOOTSTRAP_TOKEN_NAME, role: 'admin' });
    if (created) this.logger.log('created the first admin token from GRAFTLAB_BOOTSTRAP_TOKEN');
  }

  async authenticate(token: string): Promise<Actor | undefined> {
    const row = await this.tokens.authenticate(token);
    if (!row || !(ROLES as readonly string[]).includes(row.role)) return undefined;
    return { id: row.id, name: row.name, role: row.role as Role };
  }
}
