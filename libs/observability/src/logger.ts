import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * One JSON line per event. Run, step and device ids go in as fields (runId, stepKey, deviceId),
 * never inside the message text, so logs can be filtered by them.
 */
export function createLogger(app: string, level: string): Logger {
  return pino({ level, base: { app, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
