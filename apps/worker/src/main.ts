import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfig } from '@graftlab/config';
import { exitOnStartupError } from '@graftlab/observability';
import { StationAgent } from './engine/station-agent';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // Consume only once every owned device is connected and in its safe state.
  await app.get(StationAgent).start();
  process.send?.({ type: 'ready', app: 'worker', id: config.worker.id });
}

bootstrap().catch(exitOnStartupError('worker'));
