import {
  doseLedger,
  leases as leasesTable,
  runSamples,
  runs as runsTable,
  samples as samplesTable,
} from '@graftlab/db';
import { LEASE_TTL_MS } from '@graftlab/engine';
import { eq, inArray } from 'drizzle-orm';
import { diagnoseUnfinished } from './support/diagnose';
import { TestLabOperator } from './support/lab-operator';
import { eventually, readProtocol, startEngineStack, type EngineStack } from './support/engine-stack';

/**
 * Issue #5 contention: two workers share the lab's irradiator, shutter, balance and robot. A worker is killed while
 * it holds shared instruments and stays down; its leases expire (15 s without renewal) and the other worker's
 * runs take those instruments over while it is still down. Runs sharing the irradiator never overlap on it.
 */
const RUNS_PER_STATION = 3;
const DOWN_MS = 60_000; // the lease TTL (15 s) and the expiry sweep (5 s), then worker-2 must come to need it
const END_STATES = ['completed', 'aborted'];

jest.setTimeout(300_000);

describe('durable execution: leases of a killed worker', () => {
  let env: EngineStack;
  const submitted: string[] = [];

  beforeAll(async () => {
    env = await startEngineStack({
      name: 'takeover',
      workers: 2,
      stationsPerWorker: [['reactor-1'], ['reactor-2']],
      seed: 7,
    });
  });

  afterAll(async () => {
    await env?.stop();
  });

  /** A lease a worker took for one of its runs (not the short one its status poll takes on idle instruments). */
  const isRunLease = (holder: string, worker: string) =>
    holder.startsWith(`${worker}/`) && !holder.endsWith('/status-poll');

  const SHARED_POSITIONS = ['irradiator-1/p1', 'irradiator-1/p2', 'balance-1/pan'];

  /**
   * Shared instruments worker-1 holds for a run at a moment when none of its films lies in a shared instrument
   * (empty otherwise). Killed then, worker-1 leaves leases behind but no film that would hold worker-2 up: a film
   * in the irradiator or on the balance keeps every other run out of it until its own run moves it (the
   * foreign-sample rule), so worker-2 could not take those instruments over whatever the leases say.
   */
  async function heldByWorker1(): Promise<string[]> {
    const held = (await env.db.select().from(leasesTable)).filter((l) => isRunLease(l.holder, 'worker-1'));
    if (!held.length) return [];
    const filmsInInstruments = await env.db
      .select({ station: runsTable.station })
      .from(samplesTable)
      .innerJoin(runSamples, eq(runSamples.sampleId, samplesTable.id))
      .innerJoin(runsTable, eq(runsTable.id, runSamples.runId))
      .where(inArray(samplesTable.currentLocation, SHARED_POSITIONS));
    if (filmsInInstruments.some((f) => f.station === 'reactor-1')) return [];
    return held.map((l) => l.resource);
  }

  it('takes over the instruments of a worker that died holding them, while it is still down', async () => {
    const protocol = readProtocol('test/fixtures/crash-graft.protocol.json');
    for (let i = 0; i < RUNS_PER_STATION * 2; i++) {
      const res = await env.api<{ id: string }>('POST', '/api/runs', {
        protocol,
        parameters: { dose: 8 + i },
        idempotencyKey: `takeover-${env.labId}-${i}`,
      });
      expect(res.status).toBe(201);
      submitted.push(res.body.id);
    }

    const submittedAt = Date.now();
    let orphaned: string[] = [];
    let killedAt = 0;
    for (let attempt = 1; !orphaned.length; attempt++) {
      expect(attempt).toBeLessThanOrEqual(3);
      await eventually(
        heldByWorker1,
        (r) => r.length > 0,
        120_000,
        'worker-1 holding an instrument with no film of its own in one',
        50, // such moments last about as long as a robot move and its journal writes
      );
      killedAt = Date.now();
      env.stack.killWorker(0, { restartAfterMs: DOWN_MS });
      await new Promise((r) => setTimeout(r, 200));
      // What it died holding: a lease it let go of between our look and the kill is no take-over to test, and
      // then we wait for it to come back and try again.
      orphaned = (await env.db.select().from(leasesTable))
        .filter((l) => isRunLease(l.holder, 'worker-1'))
        .map((l) => l.resource);
    }

    // While worker-1 is down, worker-2 holds at least one of the instruments worker-1 died holding.
    const takenOver = await eventually(
      async () =>
        (await env.db.select().from(leasesTable)).filter(
          (l) => orphaned.includes(l.resource) && isRunLease(l.holder, 'worker-2'),
        ),
      (rows) => rows.length > 0,
      DOWN_MS - 5_000,
      `worker-2 taking over ${orphaned.join(', ')}`,
    );
    const after = takenOver[0].acquiredAt.getTime() - killedAt;
    expect(Date.now() - killedAt).toBeLessThan(DOWN_MS);
    // Not before the dead worker's lease ran out: renewed every TTL/3, it had at least 2/3 of the TTL left.
    expect(after).toBeGreaterThanOrEqual((LEASE_TTL_MS * 2) / 3 - 1_000);
    process.stdout.write(
      `lease take-over: killed ${killedAt - submittedAt} ms after submission; worker-1 died holding ${orphaned.join(', ')}; worker-2 took ${takenOver.map((l) => l.resource).join(', ')} after ${after} ms\n`,
    );
  });

  it('finishes every run once the worker is back, and never overlaps two runs on the irradiator', async () => {
    const operator = new TestLabOperator(env);
    const rows = await eventually(
      async () => {
        await operator.attend(submitted);
        return env.db.select().from(runsTable).where(inArray(runsTable.id, submitted));
      },
      (r) => r.length === submitted.length && r.every((x) => END_STATES.includes(x.state)),
      200_000,
      'every run in an end state',
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await diagnoseUnfinished(env, submitted, END_STATES)}`);
    });
    for (const run of rows) if (run.state !== 'completed') expect(run.stateReason ?? '').toMatch(/\w{3,}/);
    expect(rows.filter((r) => r.state === 'completed').length).toBeGreaterThanOrEqual(RUNS_PER_STATION);

    const windows = (await env.db.select().from(doseLedger))
      .filter((r) => r.startedAt && r.endedAt && submitted.includes(r.runId ?? ''))
      .map((r) => ({ run: r.runId, start: r.startedAt!.getTime(), end: r.endedAt!.getTime() }))
      .sort((a, b) => a.start - b.start);
    for (let i = 1; i < windows.length; i++)
      if (windows[i].run !== windows[i - 1].run)
        expect(windows[i].start).toBeGreaterThanOrEqual(windows[i - 1].end);
  });
});
