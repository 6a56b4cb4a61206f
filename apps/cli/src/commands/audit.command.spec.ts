import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { AuditRepository, openScratchDatabase, type GraftlabDb } from '@graftlab/db';
import { EXIT } from '../cli-output';

const ROOT = path.resolve(__dirname, '../../../..');

/** `graftlab audit verify` as a person runs it: a separate process reading DATABASE_URL. */
function verify(url: string, ...args: string[]) {
  const run = spawnSync(
    process.execPath,
    [
      '-r',
      path.join(ROOT, 'scripts/register.cjs'),
      path.join(ROOT, 'apps/cli/src/main.ts'),
      'audit',
      'verify',
      ...args,
    ],
    { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 60_000 },
  );
  return { code: run.status, stdout: run.stdout.trim(), stderr: run.stderr.trim() };
}

describe('graftlab audit verify', () => {
  let db: GraftlabDb & { url?: string };

  beforeAll(async () => {
    db = await openScratchDatabase('postgres');
    const audit = new AuditRepository(db);
    await audit.append({ actor: 'ana', role: 'scientist', action: 'run.submit', target: 'run-1' });
    await audit.append({
      actor: 'ben',
      role: 'operator',
      action: 'run.pause',
      target: 'run-1',
      reason: 'bath drift',
    });
    await audit.append({ actor: 'rso', role: 'safety-officer', action: 'estop.reset' });
    await audit.append({
      actor: 'ben',
      role: 'operator',
      action: 'run.abort',
      target: 'run-1',
      reason: 'leak',
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('exits 0 on an intact chain', () => {
    const r = verify(db.url!);
    expect(r).toMatchObject({ code: EXIT.ok, stdout: 'audit chain intact: 4 entries' });
    expect(JSON.parse(verify(db.url!, '--json').stdout)).toEqual({ ok: true, entries: 4 });
  });

  it('exits 4 naming the first edited entry after a row is changed with SQL', async () => {
    await db.execute(sql`update audit_log set reason = 'routine' where seq = 2`);
    const r = verify(db.url!);
    expect(r.code).toBe(EXIT.failed);
    expect(r.stderr).toBe('audit chain broken at entry 2: content does not match its hash (edited)');
    expect(JSON.parse(verify(db.url!, '--json').stdout)).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });

  it('names a deleted entry too', async () => {
    await db.execute(sql`delete from audit_log where seq = 1`);
    const r = verify(db.url!);
    expect(r.code).toBe(EXIT.failed);
    expect(r.stderr).toMatch(/^audit chain broken at entry 1: /);
  });

  it('exits 3 in one line when the database cannot be reached', () => {
    const r = verify('postgres://nobody@127.0.0.1:1/none');
    expect(r.code).toBe(EXIT.unreachable);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^cannot open the MI database \(DATABASE_URL\)/);
  });
});
