import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '@graftlab/config';

/** nestjs-pino configured from the validated config; `app` names the process in every line. */
export function graftlabLoggerModule(app: string) {
  return LoggerModule.forRootAsync({
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => ({
      pinoHttp: {
        level: config.logLevel,
        base: { app, pid: process.pid },
        // Health and metrics scrapes would drown the log.
        autoLogging: { ignore: (req: { url?: string }) => /^\/(health|metrics)/.test(req.url ?? '') },
        redact: ['req.headers.authorization', 'req.headers.cookie'],
      },
    }),
  });
}
