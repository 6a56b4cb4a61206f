export { createLogger, type Logger } from './logger';
export { graftlabLoggerModule } from './logger.module';
export { metricsRegistry, runsSubmitted, runsByState, queueJobs, httpRequestSeconds } from './metrics';
export { exitOnStartupError } from './startup-error';
