import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { GraftlabDb } from './db.types';
import { migrationsFolder } from './migrations-folder';
import { openDatabase } from './open-database';
import { DB_ENGINES, openScratchDatabase } from './testing/scratch-database';

const EXPECTED_TABLES = [
  'api_tokens',
  'audit_log',
  'base_materials',
  'base_polymers',
  'blobs',
  'campaigns',
  'chemicals',
  'data_sources',
  'dose_ledger',
  'irradiations',
  'leases',
  'measurements',
  'monomers',
  'outbox',
  'protocol_versions',
  'protocols',
  'readings',
  'reagent_lots',
  'recipe_components',
  'recipes',
  'results',
  'run_samples',
  'runs',
  'sample_events',
  'samples',
  'step_journal',
  'step_journal_transitions',
  'structure_records',
  'suggestions',
];

/** Entries of the migrations journal: every one is applied to a fresh database. */
const MIGRATIONS = (
  JSON.parse(readFileSync(path.join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  }
).entries.length;

async function rows<T>(db: GraftlabDb, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

const appliedMigrations = async (db: GraftlabDb) =>
  Number(
    (await rows<{ n: string | number }>(db, sql`select count(*) as n from drizzle.__drizzle_migrations`))[0]
      .n,
  );

describe.each(DB_ENGINES)('migrations on %s', (engine) => {
  let db: GraftlabDb & { url?: string };
  beforeAll(async () => {
    db = await openScratchDatabase(engine);
  });
  afterAll(async () => {
    await db.close();
  });

  it('creates every table forward from an empty database', async () => {
    expect(db.engine).toBe(engine);
    const tables = await rows<{ table_name: string }>(
      db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(EXPECTED_TABLES);
    expect(await appliedMigrations(db)).toBe(MIGRATIONS);
  });

  if (engine === 'postgres') {
    it('applies nothing twice when several processes open the same database at once', async () => {
      await db.execute(sql`insert into protocols (id, name) values ('p-reopen', 'reopen')`);
      const others = await Promise.all([openDatabase({ url: db.url }), openDatabase({ url: db.url })]);
      try {
        for (const other of others) {
          expect(await rows(other, sql`select id from protocols where id = 'p-reopen'`)).toHaveLength(1);
        }
        expect(await appliedMigrations(db)).toBe(MIGRATIONS);
      } finally {
        await Promise.all(others.map((o) => o.close()));
      }
    });
  }
});

describe('pglite under dataDir', () => {
  it('migrates an empty directory and keeps data across close and reopen', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'graftlab-reopen-'));
    try {
      const first = await openDatabase({ dataDir });
      expect(first.engine).toBe('pglite');
      await first.execute(sql`insert into protocols (id, name) values ('p1', 'kept')`);
      await first.close();
      await first.close(); // idempotent
      const second = await openDatabase({ dataDir });
      try {
        expect(await rows(second, sql`select name from protocols where id = 'p1'`)).toEqual([
          { name: 'kept' },
        ]);
        expect(await appliedMigrations(second)).toBe(MIGRATIONS);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('needs a url or a dataDir', async () => {
    await expect(openDatabase({})).rejects.toThrow(/url or a dataDir/);
  });
});
