import { freePort } from '@graftlab/infra';
import { Client, Pool } from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { sql } from 'drizzle-orm';
import { isDatabaseUnavailable } from './db.errors';
import { DEFAULT_TEST_POSTGRES_URL, openScratchDatabase } from './testing/scratch-database';

type Rows<T> = { rows: T[] };

/** Real failures from node-postgres through drizzle: an unreachable server, a dropped session, a bad statement. */
describe('database connection failures', () => {
  const failureOf = async (url: string, statement: ReturnType<typeof sql>) => {
    const pool = new Pool({ connectionString: url, connectionTimeoutMillis: 2000 });
    pool.on('error', () => undefined);
    try {
      await drizzle({ client: pool }).execute(statement);
      return undefined;
    } catch (e) {
      return e;
    } finally {
      await pool.end();
    }
  };

  it('says yes when nothing listens where the database should be', async () => {
    const e = await failureOf(`postgres://postgres@127.0.0.1:${await freePort()}/postgres`, sql`select 1`);
    expect(e).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(e)).toBe(true);
  });

  it('says yes when the server ends the session (SQLSTATE 57P01)', async () => {
    const e = await failureOf(DEFAULT_TEST_POSTGRES_URL, sql`select pg_terminate_backend(pg_backend_pid())`);
    expect(e).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(e)).toBe(true);
  });

  it('says no when the database answered and refused the statement', async () => {
    const e = await failureOf(DEFAULT_TEST_POSTGRES_URL, sql`select * from no_such_table_here`);
    expect(e).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(e)).toBe(false);
    expect(isDatabaseUnavailable(new Error('run r1 is completed, not running'))).toBe(false);
  });

  it('survives the server ending a session inside a transaction, and says so at the next statement', async () => {
    const db = await openScratchDatabase('postgres');
    const admin = new Client({ connectionString: DEFAULT_TEST_POSTGRES_URL });
    await admin.connect();
    try {
      const failure = await db
        .transaction(async (tx) => {
          const { rows } = (await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as Rows<{
            pid: number;
          }>;
          await admin.query('select pg_terminate_backend($1)', [rows[0].pid]);
          // The socket closes while no statement runs on it: node-postgres raises an 'error' event then.
          await new Promise((r) => setTimeout(r, 300));
          await tx.execute(sql`select 1`);
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(failure).toBeDefined();
      expect(isDatabaseUnavailable(failure)).toBe(true);
      // The pool let the dead client go: the next statement gets a live one.
      const { rows } = (await db.execute(sql`select 1 as one`)) as unknown as Rows<{ one: number }>;
      expect(rows[0].one).toBe(1);
    } finally {
      await admin.end();
      await db.close();
    }
  });
});
