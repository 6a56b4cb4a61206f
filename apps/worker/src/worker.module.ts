import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ConfigModule } from '@graftlab/config';
import { graftlabLoggerModule } from '@graftlab/observability';
import { RuntimeModule, stationQueuesProvider } from '@graftlab/runtime';
import { CampaignDriver } from './campaigns/campaign.driver';
import { DevicesModule } from './devices/devices.module';
import { StationAgent } from './engine/station-agent';
import { MaintenanceSchedule } from './schedule/maintenance.schedule';

/** The worker process: the only one that owns devices; runs the station queues and the scheduled work. */
@Module({
  imports: [
    ConfigModule,
    graftlabLoggerModule('worker'),
    RuntimeModule,
    DevicesModule,
    ScheduleModule.forRoot(),
  ],
  providers: [stationQueuesProvider('worker'), StationAgent, MaintenanceSchedule, CampaignDriver],
})
export class WorkerModule {}
