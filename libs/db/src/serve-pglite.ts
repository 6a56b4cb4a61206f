import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { GraftlabDb } from './db.types';
import { wrapPglite } from './open-database';
import { PgliteSessionQueue } from './pglite-session.queue';

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
 * protocol. PGlite is a single backend session, so one connection at a time holds it: from its first
 * extended-query message to its Sync, and for a whole transaction (PgliteSessionQueue); other connections
 * wait. Keep transactions short.
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
  // Handlers take the server's queue when a client connects; give them the session-aware one.
  (server as unknown as { queryQueue: PgliteSessionQueue }).queryQueue = new PgliteSessionQueue(pglite);
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
