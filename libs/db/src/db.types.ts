import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema';

export type GraftlabSchema = typeof schema;

/** The drizzle API shared by node-postgres, PGlite and their transactions; repositories take this. */
export type Db = PgDatabase<PgQueryResultHKT, GraftlabSchema, ExtractTablesWithRelations<GraftlabSchema>>;

export type DbEngine = 'postgres' | 'pglite';

/** A drizzle instance plus the engine it runs on and a way to release it. */
export type GraftlabDb = Db & {
  readonly engine: DbEngine;
  close(): Promise<void>;
};

export interface OpenDatabaseOptions {
  /** postgres:// URL; unset means embedded PGlite under dataDir. */
  url?: string;
  /** Where PGlite keeps its files (a `pglite` folder is created inside); required without url. */
  dataDir?: string;
  /** Pool size for node-postgres (default 10). */
  poolSize?: number;
  /** Skip applying migrations (default false: migrations run on every open). */
  skipMigrations?: boolean;
}
