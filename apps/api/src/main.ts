import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfig } from '@graftlab/config';
import { exitOnStartupError } from '@graftlab/observability';
import { ApiModule } from './api.module';
import { configureHttp } from './http.setup';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.create(ApiModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  configureHttp(app);
  await app.listen(config.http.port, config.http.host);
  const url = `http://${config.http.host}:${config.http.port}`;
  app.get(Logger).log({ url }, 'api listening');
  process.send?.({ type: 'ready', app: 'api', url });
}

bootstrap().catch(exitOnStartupError('api'));
