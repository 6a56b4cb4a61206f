import { runs as runsTable, runSamples } from '@graftlab/db';
import { eq, inArray } from 'drizzle-orm';
import { Client } from 'pg';
import { diagnoseUnfinished } from './support/diagnose';
import { TestLabOperator } from './support/lab-operator';
import { eventually, readProtocol, startEngineStack, type EngineStack } from './support/engine-stack';
import { CRASH_GRAFT, expectDispensedOnce, runsUnderWay, submitRuns } from './support/runs';

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
    submitted.push(...(await submitRuns(env, DOSES.slice(0, RUNS), 'dboutage')));
    await runsUnderWay(env, submitted, 2);

    await env.databaseLink!.cut();
    // The outage is real: nothing reaches the database through the link.
    const probe = new Client({ connectionString: env.databaseLink!.url, connectionTimeoutMillis: 2000 });
    await expect(probe.connect()).rejects.toThrow();
    await probe.end().catch(() => undefined);
    const during = await states();
    // The API says the database is away, and that the request may be sent again; a run submitted now is refused.
    const cutAt = Date.now();
    const late = {
      protocol: readProtocol(CRASH_GRAFT),
      parameters: { dose: DOSES[RUNS] },
      idempotencyKey: `dboutage-${env.labId}-late`,
    };
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
    for (const station of ['reactor-1', 'reactor-2']) await expectDispensedOnce(env, station, final);
  });
});
