import { Client } from 'pg';
import { InfraError } from './infra-error';

/** Checks that a PostgreSQL URL accepts a connection and a query; the error names DATABASE_URL. */
export async function checkPostgres(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } catch (e) {
    throw new InfraError(
      `DATABASE_URL=${redact(url)} does not answer (${(e as Error).message}); start PostgreSQL there or unset DATABASE_URL to use embedded PGlite`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL without its password, for messages and /health. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
