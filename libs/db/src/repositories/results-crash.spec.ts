import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { GraftlabDb } from '../db.types';
import { seedBasics, seedRun } from '../testing/seed';
import { DB_ENGINES, openScratchDatabase, scratchPgliteDir } from '../testing/scratch-database';
import { openDatabase } from '../open-database';
import { ResultsRepository } from './results.repository';

const ROOT = path.resolve(__dirname, '../../../..');
const CHILD = path.join(__dirname, '../testing/results-writer.child.ts');

/** Runs the writer and SIGKILLs it `delayMs` after it starts writing; resolves with what it printed. */
function writeAndKill(args: string[], delayMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './scripts/register.cjs', CHILD, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('writing') && !child.killed) setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' || code === 0 ? resolve(out) : reject(new Error(`writer exited ${code}: ${err}`)),
    );
  });
}

describe.each(DB_ENGINES)('results survive a crash at the write on %s', (engine) => {
  let db: GraftlabDb | undefined;
  let target: string;
  let dataDir: string | undefined;
  beforeAll(async () => {
    if (engine === 'pglite') {
      dataDir = await scratchPgliteDir();
      target = dataDir;
      db = await openDatabase({ dataDir });
    } else {
      const scratch = await openScratchDatabase(engine);
      target = scratch.url!;
      db = scratch;
    }
  });
  afterAll(async () => {
    await db?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a writer killed at random moments, then a replay, leaves exactly one row per result', async () => {
    const { protocol } = await seedBasics(db!);
    for (const delayMs of [0, 25]) {
      const { run, samples } = await seedRun(db!, protocol, { samples: 3 });
      const ids = samples.map((s) => s.id);
      // PGlite is single-process: the child opens the directory only while this process has it closed.
      if (dataDir) await db!.close();
      await writeAndKill([target, run.id, ...ids], delayMs);
      if (dataDir) db = await openDatabase({ dataDir });
      // The restart replays the write, as the engine does for a run that ended without results.
      await new ResultsRepository(db!).recordResults(
        run.id,
        ids.map((sampleId, i) => ({
          sampleId,
          name: 'degreeOfGrafting',
          value: 40 + i,
          unit: '%',
          uncertainty: 0.5,
        })),
      );
      const counts = (
        (await db!.execute(sql`select
            (select count(*) from results where run_id = ${run.id}) as results,
            (select count(*) from outbox o join results r on r.id = o.id where r.run_id = ${run.id}) as outbox`)) as unknown as {
          rows: { results: string | number; outbox: string | number }[];
        }
      ).rows[0];
      expect([Number(counts.results), Number(counts.outbox)]).toEqual([3, 3]);
      const values = (await new ResultsRepository(db!).forRun(run.id)).map((r) => r.value).sort();
      expect(values).toEqual([40, 41, 42]);
    }
  });
});
