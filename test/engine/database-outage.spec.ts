import { JournalRepository, runs as runsTable, runSamples, stepJournal } from '@graftlab/db';
import { eq, inArray } from 'drizzle-orm';
import { Client } from 'pg';
import { diagnoseUnfinished } from './support/diagnose';
import { TestLabOperator } from './support/lab-operator';
import { eventually, readProtocol, startEngineStack, type EngineStack } from './support/engine-stack';

/**
 * Issue #5, the database: the API's and the workers' connections to PostgreSQL are cut (every connection reset,
 * new ones refused) for longer than a run's steps take, while runs are under way on two stations and more wait
 * in the queues, and one worker is killed meanwhile (it cannot start again until the database is back). The runs
 * that met the outage are reconciled and continued once the database answers again, the other worker's without a
 * restart; nothing is dosed or dispensed twice, and every run ends.
 */
const RUNS = 4; // one under way on each of two stations, one queued behind each
const OUTAGE_MS = 8_000;
const ENDED = ['completed', 'aborted'];
const DISPENSE_ML = 40;
const DOSES = [8, 9, 10, 11, 10]; // the last one submitted during the outage

jest.setTimeout(300_000);

describe('durable execution: database outage', () => {
  let env: EngineStack;
  const submitted: string[] = [];
  let operator: TestLabOperator;

  beforeAll(async () => {
    env = await startEngineStack({
      name: 'dboutage',
      workers: 2,
      stationsPerWorker: [['reactor-1'], ['reactor-2']],
      seed: 13,
      databaseLink: true,
    });
    operator = new TestLabOperator(env);
  });

  afterAll(async () => {
    await env?.stop();
  });

  const states = async () =>
    env.db
      .select({
        id: runsTable.id,
        state: runsTable.state,
        reason: runsTable.stateReason,
        station: runsTable.station,
      })
      .from(runsTable)
      .where(inArray(runsTable.id, submitted));

  it('continues the runs that met a database outage once it answers again', async () => {
    const protocol = readProtocol('test/fixtures/crash-graft.protocol.json');
    for (let i = 0; i < RUNS; i++) {
      const res = await env.api<{ id: string }>('POST', '/api/runs', {
        protocol,
        parameters: { dose: DOSES[i] },
        idempotencyKey: `dboutage-${env.labId}-${i}`,
      });
      expect(res.status).toBe(201);
      submitted.push(res.body.id);
    }
    const journal = new JournalRepository(env.db);
    await eventually(
      async () => {
        const running = (await states()).filter((r) => r.state === 'running');
        const started = await Promise.all(
          running.map(async (r) => (await journal.forRun(r.id)).some((j) => j.state === 'confirmed')),
        );
        return started.filter(Boolean).length;
      },
      (n) => n >= 2,
      60_000,
      'two runs under way',
    );

    await env.databaseLink!.cut();
    // The outage is real: nothing reaches the database through the link.
    const probe = new Client({ connectionString: env.databaseLink!.url, connectionTimeoutMillis: 2000 });
    await expect(probe.connect()).rejects.toThrow();
    await probe.end().catch(() => undefined);
    const during = await states();
    // The API says the database is away, and that the request may be sent again; a run submitted now is refused.
    const cutAt = Date.now();
    const late = { protocol, parameters: { dose: 10 }, idempotencyKey: `dboutage-${env.labId}-late` };
    const refused = await env.api<{ message: string }>('POST', '/api/runs', late);
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/database cannot be reached; try again/);
    expect((await env.api('GET', `/api/runs/${submitted[0]}`)).status).toBe(503);
    // A worker that crashes now cannot start again until the database answers: its supervisor keeps trying.
    env.stack.killWorker(0);
    await new Promise((r) => setTimeout(r, OUTAGE_MS - (Date.now() - cutAt)));
    await env.databaseLink!.restore();
    expect(during.filter((r) => r.state === 'running').length).toBeGreaterThanOrEqual(1);
    // Sent again once it answers, the same submission creates its run once.
    const accepted = await eventually(
      () => env.api<{ id: string }>('POST', '/api/runs', late),
      (r) => r.status !== 503,
      30_000,
      'the API answering again',
    );
    expect(accepted.status).toBe(201);
    submitted.push(accepted.body.id);
    expect((await env.api<{ id: string }>('POST', '/api/runs', late)).body.id).toBe(accepted.body.id);

    const final = await eventually(
      async () => {
        await operator.attend(submitted);
        return states();
      },
      (rows) => rows.length === submitted.length && rows.every((r) => ENDED.includes(r.state)),
      200_000,
      'every run ended after the database outage',
    ).catch(async (e: Error) => {
      const lastActions = operator.actions.slice(-4).map((a) => `${a.runId} ${a.action}: ${a.reason}`);
      throw new Error(
        `${e.message}\n${await diagnoseUnfinished(env, submitted, ENDED)}\noperator's last actions:\n${lastActions.join('\n')}`,
      );
    });
    process.stdout.write(
      `database outage: ${final.map((r) => r.state).join(', ')}; operator ${JSON.stringify(operator.actions.map((a) => a.action))}\n`,
    );
    for (const run of final) if (run.state === 'aborted') expect(run.reason ?? '').toMatch(/\w{3,}/);
    expect(final.filter((r) => r.state === 'completed').length).toBeGreaterThanOrEqual(submitted.length / 2);
  });

  it('dosed no film beyond its target and dispensed no run twice, by the twins themselves', async () => {
    const final = await states();
    for (const [i, id] of submitted.entries()) {
      const samples = await env.db.select().from(runSamples).where(eq(runSamples.runId, id));
      for (const { sampleId } of samples) {
        // The world adds each exposure's calibration scatter (3 % per segment): 4σ is far below a repeat.
        expect(env.lab.world.sample(sampleId)?.doseKGy ?? 0).toBeLessThanOrEqual(DOSES[i] * 1.12);
      }
    }
    const dispenses = await env.db
      .select()
      .from(stepJournal)
      .where(eq(stepJournal.stepKey, 'dispense-monomer'));
    for (const station of ['reactor-1', 'reactor-2']) {
      const here = final.filter((r) => r.station === station).map((r) => r.id);
      const rows = dispenses.filter((j) => here.includes(j.runId));
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
      expect(pumped).toBeGreaterThanOrEqual(done.size * DISPENSE_ML - 0.1);
      expect(pumped).toBeLessThanOrEqual((done.size + open.size) * DISPENSE_ML + 0.1);
      for (const run of final.filter((r) => r.station === station && r.state === 'completed'))
        expect(done.has(run.id)).toBe(true);
    }
  });
});
