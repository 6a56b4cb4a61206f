import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, ConfigModule, type AppConfig } from '@graftlab/config';
import { graftlabLoggerModule } from '@graftlab/observability';
import { RuntimeModule, stationQueuesProvider } from '@graftlab/runtime';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { TokensController } from './auth/tokens.controller';
import { CampaignsController } from './campaigns/campaigns.controller';
import { CampaignsService } from './campaigns/campaigns.service';
import { HttpErrorsFilter } from './common/http-errors.filter';
import { DoseLedgerController } from './dose/dose-ledger.controller';
import { EventsController } from './events/events.controller';
import { InstrumentTelemetryFeed } from './events/instrument-telemetry.feed';
import { HealthController } from './health/health.controller';
import { InstrumentsController } from './instruments/instruments.controller';
import { LabController } from './lab/lab.controller';
import { MetricsCollector } from './metrics/metrics.collector';
import { MetricsController } from './metrics/metrics.controller';
import { MiController } from './mi/mi.controller';
import { MiService, MiThreadHolder } from './mi/mi.service';
import { OptimizerController } from './optimizer/optimizer.controller';
import { ProtocolsController } from './protocols/protocols.controller';
import { RunsController } from './runs/runs.controller';
import { RunsService } from './runs/runs.service';
import { SamplesController } from './samples/samples.controller';
import { StructureController } from './samples/structure.controller';

/** The API process: HTTP and live events; it enqueues work and never opens a device. */
@Module({
  imports: [
    ConfigModule,
    graftlabLoggerModule('api'),
    RuntimeModule,
    TerminusModule,
    // Every route: generous for people and pages (the dashboard polls a few routes every few seconds);
    // GRAFTLAB_API_RATE_LIMIT raises it for batch submitters.
    ThrottlerModule.forRootAsync({
      imports: [ConfigModule],
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => [
        { name: 'default', ttl: 60_000, limit: config.http.rateLimitPerMinute },
      ],
    }),
  ],
  controllers: [
    HealthController,
    MetricsController,
    ProtocolsController,
    RunsController,
    LabController,
    EventsController,
    SamplesController,
    StructureController,
    CampaignsController,
    OptimizerController,
    AuthController,
    TokensController,
    AuditController,
    InstrumentsController,
    DoseLedgerController,
    MiController,
  ],
  providers: [
    stationQueuesProvider('producer'),
    RunsService,
    MetricsCollector,
    CampaignsService,
    AuditService,
    AuthService,
    InstrumentTelemetryFeed,
    MiService,
    MiThreadHolder,
    { provide: APP_FILTER, useClass: HttpErrorsFilter },
    // Rate limit first (unauthenticated floods included), then token and role.
    { provide: APP_GUARD, useClass: ThrottlerGuard },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
export class ApiModule {}
