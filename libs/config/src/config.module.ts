import { Global, Module } from '@nestjs/common';
import { loadConfig } from './config.loader';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Makes the validated AppConfig injectable as APP_CONFIG everywhere. */
@Global()
@Module({
  providers: [{ provide: APP_CONFIG, useFactory: loadConfig }],
  exports: [APP_CONFIG],
})
export class ConfigModule {}
