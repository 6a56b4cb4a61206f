import { JournalRepository, runs as runsTable, stepJournal } from '@graftlab/db';
import { eq, inArray } from 'drizzle-orm';
import { eventually, readProtocol, type EngineStack } from './engine-stack';

/** What every durable-execution suite runs: the shortened GMA grafting protocol. */
export const CRASH_GRAFT = 'test/fixtures/crash-graft.protocol.json';
/** Its monomer dispense, in mL. */
export const DISPENSE_ML = 40;

/** Submits one run of the protocol per dose (each with its own idempotency key); returns their ids in order. */
export async function submitRuns(
  env: EngineStack,
  doses: readonly number[],
  keyPrefix: string,
): Promise<string[]> {
  const protocol = readProtocol(CRASH_GRAFT);
  const ids: string[] = [];
  for (const [i, dose] of doses.entries()) {
    const res = await env.api<{ id: string }>('POST', '/api/runs', {
      protocol,
      parameters: { dose },
      idempotencyKey: `${keyPrefix}-${env.labId}-${i}`,
    });
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  return ids;
}

/** Waits until `count` of the runs are running and past their first physical step. */
export async function runsUnderWay(
  env: EngineStack,
  runIds: readonly string[],
  count: number,
): Promise<void> {
  const journal = new JournalRepository(env.db);
  await eventually(
    async () => {
      const running = (
        await env.db
          .select({ id: runsTable.id, state: runsTable.state })
          .from(runsTable)
          .where(inArray(runsTable.id, [...runIds]))
      ).filter((r) => r.state === 'running');
      const started = await Promise.all(
        running.map(async (r) => (await journal.forRun(r.id)).some((j) => j.state === 'confirmed')),
      );
      return started.filter(Boolean).length;
    },
    (n) => n >= count,
    60_000,
    `${count} runs under way`,
  );
}

/**
 * No dispense twice on a station, by its pump's own counter: a run whose dispense is confirmed (or settled done)
 * dispensed once, one left uncertain (for a person) at most once, and every completed run exactly once.
 */
export async function expectDispensedOnce(
  env: Pick<EngineStack, 'db' | 'lab'>,
  station: string,
  runs: readonly { id: string; station?: string | null; state: string }[],
): Promise<void> {
  const here = runs.filter((r) => r.station === station);
  const rows = (
    await env.db.select().from(stepJournal).where(eq(stepJournal.stepKey, 'dispense-monomer'))
  ).filter((j) => here.some((r) => r.id === j.runId));
  const done = new Set(
    rows
      .filter(
        (j) =>
          j.state === 'confirmed' ||
          (j.state === 'settled' && (j.readBack as { resolution?: string }).resolution === 'done'),
      )
      .map((j) => j.runId),
  );
  const open = new Set(rows.filter((j) => j.state === 'uncertain').map((j) => j.runId));
  const pumped = env.lab.twins.get(`pump-${station.split('-')[1]}`)!.counters().dispensedMl;
  // On failure, say what each run's dispense journal holds, so a rare miscount can be traced.
  const detail = () =>
    `${station}: pump delivered ${pumped.toFixed(2)} mL; journal: ${JSON.stringify(
      rows.map((j) => ({
        run: j.runId.slice(0, 8),
        attempt: j.attempt,
        state: j.state,
        readBack: j.readBack,
        reason: j.reason,
      })),
    )}; runs: ${JSON.stringify(here.map((r) => ({ run: r.id.slice(0, 8), state: r.state })))}`;
  if (pumped < done.size * DISPENSE_ML - 0.1 || pumped > (done.size + open.size) * DISPENSE_ML + 0.1)
    process.stdout.write(`dispense accounting off: ${detail()}\n`);
  expect(pumped).toBeGreaterThanOrEqual(done.size * DISPENSE_ML - 0.1);
  expect(pumped).toBeLessThanOrEqual((done.size + open.size) * DISPENSE_ML + 0.1);
  for (const run of here.filter((r) => r.state === 'completed')) expect(done.has(run.id)).toBe(true);
}
