import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig, type EmbeddedService } from '@graftlab/config';
import { pingDatabase, type GraftlabDb } from '@graftlab/db';
import { checkMqtt } from '@graftlab/infra';
import { DATABASE, REDIS } from '@graftlab/runtime';
import { Public } from '../auth/roles.decorator';
import { obj, str } from '../common/openapi.schemas';

const HEALTH = obj(
  {
    status: str('ok or error', { enum: ['ok', 'error'] }),
    info: { type: 'object', additionalProperties: obj({ status: str(), embedded: { type: 'boolean' } }) },
    error: { type: 'object', additionalProperties: obj({ status: str(), message: str() }) },
    details: { type: 'object', additionalProperties: obj({ status: str() }) },
  },
  ['status'],
);

/** /health: Redis, broker and database reported separately, each saying whether it is embedded. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(DATABASE) private readonly db: GraftlabDb,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Health of Redis, the MQTT broker and the MI database' })
  @ApiOkResponse({ description: 'every service up', schema: HEALTH })
  @ApiServiceUnavailableResponse({ description: 'a service is down', schema: HEALTH })
  check() {
    return this.health.check([
      () => this.probe('redis', 'redis', async () => void (await this.redis.ping())),
      () =>
        this.probe('broker', 'mqtt', () =>
          this.config.mqtt.url
            ? checkMqtt(
                this.config.mqtt.url,
                { username: this.config.mqtt.username, password: this.config.mqtt.password },
                2000,
                this.config.mqtt.protocolVersion,
              )
            : Promise.reject(new Error('MQTT_URL is not set')),
        ),
      () => this.probe('database', 'database', () => pingDatabase(this.db), { engine: this.db.engine }),
    ]);
  }

  private async probe(
    key: string,
    service: EmbeddedService,
    ping: () => Promise<void>,
    extra: Record<string, unknown> = {},
  ): Promise<HealthIndicatorResult> {
    const session = this.indicator.check(key);
    const details = { embedded: this.config.embedded.includes(service), ...extra };
    try {
      await ping();
      return session.up(details);
    } catch (e) {
      return session.down({ ...details, message: (e as Error).message });
    }
  }
}
