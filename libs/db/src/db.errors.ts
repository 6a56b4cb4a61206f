/** The requested state change is not allowed from the current state (e.g. resume a completed run). */
export class InvalidTransitionError extends Error {
  constructor(
    readonly entity: string,
    readonly id: string,
    readonly from: string,
    readonly to: string,
    readonly actual?: string,
  ) {
    super(
      actual !== undefined && actual !== from
        ? `${entity} ${id} is ${actual}, not ${from}: cannot move it to ${to}`
        : `${entity} ${id}: ${from} → ${to} is not an allowed transition`,
    );
    this.name = 'InvalidTransitionError';
  }
}

export class NotFoundError extends Error {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`);
    this.name = 'NotFoundError';
  }
}

/** Socket-level failures of the database connection (the server is down, restarting or unreachable). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  // A network partition (the link to the database host down, no route): found by the partition tests.
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
]);
/** PostgreSQL SQLSTATEs of a lost server: class 08 (connection exception) and 57P01–57P03 (shut down, starting up). */
const SERVER_GONE = /^(08...|57P0[123])$/;
/** node-postgres reports a dropped connection only in its message. */
const DROPPED =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable/i;

/**
 * Whether an error means the database could not be reached, rather than that it refused the statement. Such a
 * failure says nothing about the run, so a run meeting one is continued once the database answers, not failed.
 * Looks through the causes (drizzle wraps the driver's error).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  // Duck-typed, not `instanceof Error`: errors raised by Node's own sockets may come from another realm.
  let e = error as { code?: unknown; message?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && (CONNECTION_CODES.has(e.code) || SERVER_GONE.test(e.code))) return true;
    if (typeof e.message === 'string' && DROPPED.test(e.message)) return true;
  }
  return false;
}

/** What the driver said, for logs and reasons: drizzle's wrapper repeats the whole statement and its parameters. */
export function databaseFailureMessage(error: unknown): string {
  const e = error as { message?: unknown; cause?: { message?: unknown } } | null | undefined;
  const said = typeof e?.cause?.message === 'string' ? e.cause.message : e?.message;
  return typeof said === 'string' ? said : String(error);
}
