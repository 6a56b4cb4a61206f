import {
  doseLedger,
  leases as leasesTable,
  runSamples,
  runs as runsTable,
  samples as samplesTable,
  stepJournal,
  UNSETTLED_STEP_STATES,
} from '@graftlab/db';
import { LEASE_TTL_MS } from '@graftlab/engine';
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { diagnoseUnfinished } from './support/diagnose';
import { TestLabOperator } from './support/lab-operator';
import { eventually, readProtocol, startEngineStack, type EngineStack } from './support/engine-stack';

/**
 * Issue #5 contention: two workers share the lab's irradiator, shutter, balance and robot. A worker is killed while
 * it holds shared instruments and stays down; its leases expire (15 s without renewal) and the other worker's
 * runs take those instruments over while it is still down. Runs sharing the irradiator never overlap on it.
 */
const RUNS_PER_STATION = 4;
const DOWN_MS = 60_000; // the lease TTL (15 s), then worker-2's runs must come to need the instrument
const END_STATES = ['completed', 'aborted'];
const ROBOT_TRAVEL_S = 1200;

jest.setTimeout(480_000); // up to three kills, each followed by worker-1's 60 s down time

describe('durable execution: leases of a killed worker', () => {
  let env: EngineStack;
  const submitted: string[] = [];

  beforeAll(async () => {
    env = await startEngineStack({
      name: 'takeover',
      workers: 2,
      stationsPerWorker: [['reactor-1'], ['reactor-2']],
      seed: 7,
      // A move takes 0.33 s (20 lab minutes at 3600×) instead of 6 ms, so the test can kill worker-1 during one.
      adjustInventory: (inventory) => ({
        ...inventory,
        devices: inventory.devices.map((d) =>
          d.id === 'robot-1' ? { ...d, limits: { ...d.limits, travelS: ROBOT_TRAVEL_S } } : d,
        ),
      }),
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
   * Films of worker-1's runs that pin a shared instrument: recorded in one, or on their way into one (a move sent
   * and not confirmed). A film there keeps every other run out of that instrument until its own run moves it (the
   * foreign-sample rule), so worker-2 could not take it over whatever the leases say.
   */
  async function worker1FilmsInInstruments(): Promise<string[]> {
    const lying = await env.db
      .select({ id: samplesTable.id })
      .from(samplesTable)
      .innerJoin(runSamples, eq(runSamples.sampleId, samplesTable.id))
      .innerJoin(runsTable, eq(runsTable.id, runSamples.runId))
      .where(
        and(eq(runsTable.station, 'reactor-1'), inArray(samplesTable.currentLocation, SHARED_POSITIONS)),
      );
    const moving = await env.db
      .select({ id: stepJournal.sampleId })
      .from(stepJournal)
      .innerJoin(runsTable, eq(runsTable.id, stepJournal.runId))
      .where(
        and(
          eq(runsTable.station, 'reactor-1'),
          inArray(stepJournal.state, [...UNSETTLED_STEP_STATES]),
          inArray(sql<string>`${stepJournal.request}->>'to'`, SHARED_POSITIONS),
        ),
      );
    return [...lying, ...moving].map((f) => f.id ?? '?');
  }

  /**
   * The moment to kill worker-1: it holds shared instruments for a run (leases taken since `since`) while its robot
   * carries a film between two places outside the shared instruments (reactor → wash → dryer), no film of its pins
   * an instrument, and worker-2 has at least two runs to go, so it will come to need them. Empty otherwise.
   */
  async function heldByWorker1(since: number): Promise<string[]> {
    const held = (await env.db.select().from(leasesTable)).filter(
      (l) => isRunLease(l.holder, 'worker-1') && l.acquiredAt.getTime() >= since,
    );
    if (!held.length) return [];
    const moving = await env.db
      .select({ to: sql<string>`${stepJournal.request}->>'to'` })
      .from(stepJournal)
      .innerJoin(runsTable, eq(runsTable.id, stepJournal.runId))
      .where(
        and(
          eq(runsTable.station, 'reactor-1'),
          eq(stepJournal.state, 'dispatched'),
          like(stepJournal.stepKey, '%/move/%'),
        ),
      );
    if (!moving.some((m) => !SHARED_POSITIONS.includes(m.to))) return [];
    if ((await worker1FilmsInInstruments()).length) return [];
    const open = await env.db
      .select({ id: runsTable.id })
      .from(runsTable)
      .where(
        and(
          eq(runsTable.station, 'reactor-2'),
          inArray(runsTable.id, submitted),
          inArray(runsTable.state, ['queued', 'running']),
        ),
      );
    if (open.length < 2) return [];
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
    let orphaned: { resource: string; acquiredAt: Date; expiresAt: Date }[] = [];
    let killedAt = 0;
    let since = 0;
    for (let attempt = 1; !orphaned.length; attempt++) {
      expect(attempt).toBeLessThanOrEqual(3);
      await eventually(
        () => heldByWorker1(since),
        (r) => r.length > 0,
        150_000,
        'worker-1 moving a film outside the shared instruments',
        50, // such a moment lasts as long as the robot's move
      );
      killedAt = Date.now();
      env.stack.killWorker(0, { restartAfterMs: DOWN_MS });
      await new Promise((r) => setTimeout(r, 200));
      // What it died holding. Its last moments are only known now: a lease it let go of between our look and the
      // kill is no take-over to test, nor is one whose film reached (or was sent into) the instrument meanwhile.
      // Then we wait for it to come back and try again.
      const pinned = await worker1FilmsInInstruments();
      orphaned = pinned.length
        ? []
        : (await env.db.select().from(leasesTable)).filter((l) => isRunLease(l.holder, 'worker-1'));
      if (!orphaned.length) {
        process.stdout.write(
          `lease take-over: attempt ${attempt} does not count (${pinned.length ? `film ${pinned.join(', ')} pins its instrument` : 'no lease left'}); worker-1 comes back in ${DOWN_MS} ms\n`,
        );
        since = killedAt + DOWN_MS;
      }
    }
    const orphanedIds = orphaned.map((l) => l.resource);

    // While worker-1 is down, worker-2's runs command at least one of the instruments worker-1 died holding. Read
    // from worker-2's journal, not by watching the leases table: a lease taken for one robot move lasts a few
    // milliseconds and a poll misses it, while every command a run sends is journaled with its dispatch time.
    const dispatchedByWorker2 = async () =>
      (
        await env.db
          .select({ device: stepJournal.deviceId, step: stepJournal.stepKey, at: stepJournal.dispatchedAt })
          .from(stepJournal)
          .innerJoin(runsTable, eq(runsTable.id, stepJournal.runId))
          .where(and(eq(runsTable.station, 'reactor-2'), inArray(stepJournal.deviceId, orphanedIds)))
      ).filter(
        // Since worker-1 took the lease it died holding (earlier commands on that instrument are not take-overs).
        (j) => j.at && j.at >= orphaned.find((l) => l.resource === j.device)!.acquiredAt,
      );
    const takenOver = await eventually(
      dispatchedByWorker2,
      (rows) => rows.length > 0,
      DOWN_MS - 5_000,
      `worker-2 commanding ${orphanedIds.join(', ')}`,
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await diagnoseUnfinished(env, submitted, [])}`);
    });
    const first = takenOver.sort((a, b) => a.at!.getTime() - b.at!.getTime())[0];
    const after = first.at!.getTime() - killedAt;
    // While worker-1 was still down (it comes back DOWN_MS after the kill, and needs seconds to start).
    expect(after).toBeLessThan(DOWN_MS);
    // Not before the dead worker's lease ran out: renewed every TTL/3, it had at least 2/3 of the TTL left, and the
    // command came after the expiry the lease row showed (both clocks are this machine's).
    expect(after).toBeGreaterThanOrEqual((LEASE_TTL_MS * 2) / 3 - 1_000);
    const lease = orphaned.find((l) => l.resource === first.device)!;
    expect(first.at!.getTime()).toBeGreaterThanOrEqual(lease.expiresAt.getTime() - 50);
    process.stdout.write(
      `lease take-over: killed ${killedAt - submittedAt} ms after submission; worker-1 died holding ${orphanedIds.join(', ')}; worker-2 commanded ${first.device} (${first.step}) ${after} ms after the kill\n`,
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
