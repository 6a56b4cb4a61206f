import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { DbEngine, GraftlabDb } from '../db.types';
import { migrationsFolder } from '../migrations-folder';
import { migrateDatabase, openDatabase } from '../open-database';

/** Both engines, for `describe.each(DB_ENGINES)` in suites that must pass on PGlite and PostgreSQL alike. */
export const DB_ENGINES: readonly DbEngine[] = ['pglite', 'postgres'];

export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh, migrated database that disappears on close: PGlite in a temp dir, or a randomly named
 * database on the test PostgreSQL server (dropped on close). For tests of any library that stores data.
 */
export async function openScratchDatabase(
  engine: DbEngine,
  adminUrl: string = DEFAULT_TEST_POSTGRES_URL,
  options: { migrationsFolder?: string } = {},
): Promise<GraftlabDb & { url?: string; dataDir?: string }> {
  // Migrated only as far as another folder goes: an empty database that folder's migrations are applied to.
  const partial = options.migrationsFolder !== undefined;
  const migrateTo = async (db: GraftlabDb) => {
    if (partial) await migrateDatabase(db, options.migrationsFolder);
    return db;
  };
  if (engine === 'pglite') {
    const dataDir = partial ? await mkdtemp(path.join(tmpdir(), 'graftlab-db-')) : await scratchPgliteDir();
    const db = await migrateTo(await openDatabase({ dataDir, skipMigrations: partial }));
    const close = db.close;
    return Object.assign(db, {
      dataDir,
      close: async () => {
        await close();
        await rm(dataDir, { recursive: true, force: true });
      },
    });
  }
  const name = `graftlab_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await migrateTo(
    await openDatabase({ url: url.toString(), poolSize: 4, skipMigrations: partial }),
  );
  const close = db.close;
  let closed: Promise<void> | undefined;
  return Object.assign(db, {
    url: url.toString(),
    close: () =>
      (closed ??= (async () => {
        await close();
        await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
      })()),
  });
}

/** A temp dir holding a migrated PGlite (open it with openDatabase({ dataDir })); the caller removes it. */
export async function scratchPgliteDir(): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'graftlab-db-'));
  await cp(await pgliteTemplate(), dataDir, { recursive: true });
  return dataDir;
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * A fresh PGlite costs seconds of initdb; a copy of a closed, migrated one opens in a few hundred ms.
 * The template is keyed by the migrations journal and shared by jest workers (built aside, then renamed).
 */
async function pgliteTemplate(): Promise<string> {
  const journal = await readFile(path.join(migrationsFolder(), 'meta', '_journal.json'));
  const key = createHash('sha256').update(journal).digest('hex').slice(0, 16);
  const template = path.join(tmpdir(), `graftlab-pglite-template-${key}`);
  if (await exists(template)) return template;
  const building = await mkdtemp(path.join(tmpdir(), 'graftlab-pglite-building-'));
  const db = await openDatabase({ dataDir: building });
  await db.close();
  try {
    await rename(building, template);
  } catch {
    // Another worker finished first; use theirs.
    await rm(building, { recursive: true, force: true });
  }
  return template;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
