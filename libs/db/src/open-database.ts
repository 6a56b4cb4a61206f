import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { Pool } from 'pg';
import type { AppConfig } from '@graftlab/config';
import type { Db, GraftlabDb, OpenDatabaseOptions } from './db.types';
import { migrationsFolder } from './migrations-folder';
import * as schema from './schema';

/** Arbitrary constant: serialises migrations when api, worker and cli start against one server together. */
const MIGRATION_LOCK_KEY = 7_204_118_306;

/** Opens the MI database (PostgreSQL with a url, otherwise PGlite under dataDir) and applies pending migrations. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<GraftlabDb> {
  if (options.url) return openPostgres(options.url, options);
  if (!options.dataDir) throw new Error('openDatabase needs a url or a dataDir');
  const dir = path.join(options.dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const client = await PGlite.create(dir);
  try {
    return await wrapPglite(client, options.skipMigrations ?? false, () => client.close());
  } catch (e) {
    await client.close();
    throw e;
  }
}

/** DATABASE_URL when set, else PGlite under DATA_DIR: the one rule every process follows. */
export function openDatabaseFromConfig(config: AppConfig): Promise<GraftlabDb> {
  return openDatabase({ url: config.database.url, dataDir: config.database.dataDir });
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<GraftlabDb> {
  const pool = new Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  // Nor one checked out between two statements (inside a transaction): the pool listens only to idle clients, and
  // node-postgres emits a socket error with no statement to fail as an 'error' event, which would end the process.
  // The next statement on that client fails instead, and the pool drops the client when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    if (!options.skipMigrations) {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        try {
          await migratePg(drizzlePg({ client, schema }), { migrationsFolder: migrationsFolder() });
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        }
      } finally {
        client.release();
      }
    }
  } catch (e) {
    await pool.end();
    throw e;
  }
  const db = drizzlePg({ client: pool, schema });
  return withHandle(db, 'postgres', () => pool.end());
}

/** Wraps an open PGlite (owned by the caller when servePglite shares it) as a GraftlabDb. */
export async function wrapPglite(
  client: PGlite,
  skipMigrations: boolean,
  close: () => Promise<void>,
): Promise<GraftlabDb> {
  const db = drizzlePglite({ client, schema });
  if (!skipMigrations) await migratePglite(db, { migrationsFolder: migrationsFolder() });
  return withHandle(db, 'pglite', close);
}

function withHandle(db: Db, engine: GraftlabDb['engine'], close: () => Promise<void>): GraftlabDb {
  let closing: Promise<void> | undefined;
  return Object.assign(db, {
    engine,
    // Idempotent: tests and shutdown hooks may both close.
    close: () => (closing ??= close()),
  });
}

/**
 * Applies the migrations of a folder (default: the library's) to an open database. openDatabase does this itself;
 * this is for tests that stop at an earlier migration to check what a later one does to existing data.
 */
export async function migrateDatabase(db: GraftlabDb, folder: string = migrationsFolder()): Promise<void> {
  if (db.engine === 'pglite') {
    await migratePglite(db as unknown as Parameters<typeof migratePglite>[0], { migrationsFolder: folder });
  } else {
    await migratePg(db as unknown as Parameters<typeof migratePg>[0], { migrationsFolder: folder });
  }
}

/** Cheap liveness probe for health checks. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
