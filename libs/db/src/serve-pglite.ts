import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { GraftlabDb } from './db.types';
import { wrapPglite } from './open-database';

export interface ServePgliteOptions {
  dataDir: string;
  host?: string;
  /** 0 picks a free port; the chosen one is in the returned url. */
  port?: number;
  maxConnections?: number;
}

export interface ServedPglite {
  /** postgres:// URL other processes pass as DATABASE_URL. */
  url: string;
  /** The same database, in-process (no socket hop) for the serving process itself. */
  db: GraftlabDb;
  close(): Promise<void>;
}

/**
 * Embedded mode for several processes: one PGlite in this process, reachable over the Postgres wire
 * protocol. PGlite is a single backend, so the socket server runs one message at a time and, while a
 * transaction is open, only messages of the connection that opened it (transaction affinity): other
 * connections wait until it commits or rolls back. Keep transactions short.
 */
export async function servePglite(options: ServePgliteOptions): Promise<ServedPglite> {
  const dir = path.join(options.dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const pglite = await PGlite.create(dir);
  const server = new PGLiteSocketServer({
    db: pglite,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 64,
  });
  let db: GraftlabDb;
  try {
    // Migrate before accepting connections so clients never see a half-built schema.
    db = await wrapPglite(pglite, false, async () => undefined);
    await server.start();
  } catch (e) {
    await pglite.close();
    throw e;
  }
  const [host, port] = splitHostPort(server.getServerConn());
  let closing: Promise<void> | undefined;
  return {
    url: `postgres://postgres@${host}:${port}/postgres?sslmode=disable`,
    db,
    close: () =>
      (closing ??= (async () => {
        await server.stop();
        await pglite.close();
      })()),
  };
}

function splitHostPort(conn: string): [string, string] {
  const i = conn.lastIndexOf(':');
  return [conn.slice(0, i), conn.slice(i + 1)];
}
