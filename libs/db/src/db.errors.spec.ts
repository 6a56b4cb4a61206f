import { freePort } from '@graftlab/infra';
import { Pool } from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { sql } from 'drizzle-orm';
import { isDatabaseUnavailable } from './db.errors';
import { DEFAULT_TEST_POSTGRES_URL } from './testing/scratch-database';

/** Real failures from node-postgres through drizzle: an unreachable server, a dropped session, a bad statement. */
describe('isDatabaseUnavailable', () => {
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
});
