import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ConfigModule } from '@graftlab/config';
import { graftlabLoggerModule } from '@graftlab/observability';
import { RuntimeModule } from '@graftlab/runtime';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';

/** The API process: HTTP and live events; it enqueues work and never opens a device. */
@Module({
  imports: [ConfigModule, graftlabLoggerModule('api'), RuntimeModule, TerminusModule],
  controllers: [HealthController, MetricsController],
})
export class ApiModule {}
