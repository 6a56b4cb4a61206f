import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { servePglite, type ServedPglite } from './serve-pglite';

describe('servePglite under concurrent extended-protocol queries from several processes', () => {
  let dir: string;
  let served: ServedPglite;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'graftlab-pglite-queue-'));
    served = await servePglite({ dataDir: dir });
  });

  afterAll(async () => {
    await served.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never interleaves one connection’s Parse/Bind/Execute with another’s', async () => {
    const pools = [
      new Pool({ connectionString: served.url, max: 5 }),
      new Pool({ connectionString: served.url, max: 5 }),
    ];
    try {
      await pools[0].query('create table if not exists t_queue (id int primary key, who text)');
      const queries = Array.from({ length: 200 }, (_, i) => {
        const pool = pools[i % 2];
        // Different statement texts and parameter types, as two processes would send them.
        return i % 3 === 0
          ? pool.query('select $1::int * 2 as v', [i]).then((r) => Number(r.rows[0].v) === i * 2)
          : i % 3 === 1
            ? pool
                .query('select upper($1::text) as v, $2::int as n', [`x${i}`, i])
                .then((r) => r.rows[0].v === `X${i}` && Number(r.rows[0].n) === i)
            : pool
                .query(
                  'insert into t_queue (id, who) values ($1, $2) on conflict (id) do update set who = excluded.who returning id',
                  [i, `p${i % 2}`],
                )
                .then((r) => Number(r.rows[0].id) === i);
      });
      const transactions = [0, 1].map(async (p) => {
        const client = await pools[p].connect();
        try {
          await client.query('begin');
          for (let k = 0; k < 10; k++)
            await client.query('insert into t_queue (id, who) values ($1, $2)', [
              10_000 + p * 100 + k,
              `tx${p}`,
            ]);
          await client.query('commit');
          return true;
        } finally {
          client.release();
        }
      });
      const results = await Promise.all([...queries, ...transactions]);
      expect(results.every(Boolean)).toBe(true);
      const { rows } = await pools[1].query("select count(*)::int as n from t_queue where who like 'tx%'");
      expect(rows[0].n).toBe(20);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});
