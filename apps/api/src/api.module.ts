import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ConfigModule } from '@graftlab/config';
import { graftlabLoggerModule } from '@graftlab/observability';
import { RuntimeModule } from '@graftlab/runtime';
import { AuditService } from './audit/audit.service';
import { HttpErrorsFilter } from './common/http-errors.filter';
import { EventsController } from './events/events.controller';
import { HealthController } from './health/health.controller';
import { LabController } from './lab/lab.controller';
import { MetricsController } from './metrics/metrics.controller';
import { ProtocolsController } from './protocols/protocols.controller';
import { RunsController } from './runs/runs.controller';
import { RunsService } from './runs/runs.service';
import { SamplesController } from './samples/samples.controller';

/** The API process: HTTP and live events; it enqueues work and never opens a device. */
@Module({
  imports: [ConfigModule, graftlabLoggerModule('api'), RuntimeModule, TerminusModule],
  controllers: [
    HealthController,
    MetricsController,
    ProtocolsController,
    RunsController,
    LabController,
    EventsController,
    SamplesController,
  ],
  providers: [RunsService, AuditService, { provide: APP_FILTER, useClass: HttpErrorsFilter }],
})
export class ApiModule {}
