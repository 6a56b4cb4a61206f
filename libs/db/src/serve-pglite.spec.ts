import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { servePglite, type ServedPglite } from './serve-pglite';

describe('servePglite', () => {
  let dataDir: string;
  let served: ServedPglite;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'graftlab-serve-'));
    served = await servePglite({ dataDir, host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await served.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function client(): Promise<Client> {
    const c = new Client({ connectionString: served.url });
    await c.connect();
    return c;
  }

  it('answers parameterised queries of concurrent clients with their own values', async () => {
    const [a, b] = [await client(), await client()];
    try {
      // Different statement texts: were the unnamed statements of two clients mixed, a result would say so.
      const askText = async (c: Client) => {
        for (let i = 0; i < 50; i++) {
          const r = await c.query<{ v: string; who: string }>("select $1::text as v, 'text' as who", [
            `t-${i}`,
          ]);
          expect(r.rows[0]).toEqual({ v: `t-${i}`, who: 'text' });
        }
      };
      const askNumber = async (c: Client) => {
        for (let i = 0; i < 50; i++) {
          const r = await c.query<{ n: number; m: number }>('select $1::int * 2 as n, $2::int as m', [
            i,
            i + 1,
          ]);
          expect(r.rows[0]).toEqual({ n: 2 * i, m: i + 1 });
        }
      };
      await Promise.all([askText(a), askNumber(b)]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('isolates interleaved transactions of two clients and commits both', async () => {
    const [a, b] = [await client(), await client()];
    const committed = new Set<string>();
    const violations: string[] = [];
    const tick = () => new Promise((r) => setImmediate(r));
    const tx = async (c: Client, me: string, other: string) => {
      for (let i = 0; i < 10; i++) {
        await c.query('begin');
        await tick();
        await c.query('insert into protocols (id, name) values ($1, $2)', [`${me}-${i}`, me]);
        await tick();
        const seen = await c.query<{ id: string }>('select id from protocols where name = $1', [other]);
        for (const { id } of seen.rows)
          if (!committed.has(id)) violations.push(`${me} saw uncommitted ${id}`);
        const own = await c.query<{ n: string }>('select count(*) as n from protocols where name = $1', [me]);
        expect(Number(own.rows[0].n)).toBe(i + 1);
        await tick();
        await c.query('commit');
        committed.add(`${me}-${i}`);
      }
    };
    try {
      await Promise.all([tx(a, 'A', 'B'), tx(b, 'B', 'A')]);
      const r = await a.query<{ name: string; n: string }>(
        "select name, count(*) as n from protocols where name in ('A', 'B') group by name order by name",
      );
      expect(r.rows.map((x) => [x.name, Number(x.n)])).toEqual([
        ['A', 10],
        ['B', 10],
      ]);
      expect(violations).toEqual([]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('rolls back what a client left open when it disconnects', async () => {
    const a = await client();
    await a.query('begin');
    await a.query("insert into protocols (id, name) values ('orphan', 'orphan')");
    await a.end();
    const b = await client();
    try {
      const r = await b.query("select count(*) as n from protocols where id = 'orphan'");
      expect(Number(r.rows[0].n)).toBe(0);
    } finally {
      await b.end();
    }
  });
});
