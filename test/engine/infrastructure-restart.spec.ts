import { runs as runsTable } from '@graftlab/db';
import { inArray } from 'drizzle-orm';
import { diagnoseUnfinished } from './support/diagnose';
import { TestLabOperator } from './support/lab-operator';
import { eventually, startEngineStack, type EngineStack } from './support/engine-stack';
import { runsUnderWay, submitRuns } from './support/runs';

/**
 * Issue #5 infrastructure restarts: Redis and then the MQTT broker are killed (SIGKILL) and started again while
 * runs are under way and others wait in the queues. Runs continue, or pause or wait for an operator with a reason
 * that names the device; a paused run resumes. Nothing is lost: every submitted run is executed.
 */
const RUNS = 6; // three under way on three stations, three queued behind them
const OUTAGE_MS = 3000;
const ENDED = ['completed', 'aborted'];

jest.setTimeout(300_000);

describe('durable execution: Redis and broker restarts', () => {
  let env: EngineStack;
  const submitted: string[] = [];
  let operator: TestLabOperator;

  beforeAll(async () => {
    env = await startEngineStack({
      name: 'restart',
      workers: 2,
      stationsPerWorker: [['reactor-1', 'reactor-2'], ['reactor-3']],
      seed: 11,
    });
    operator = new TestLabOperator(env);
  });

  afterAll(async () => {
    await env?.stop();
  });

  const states = async () =>
    env.db
      .select({ id: runsTable.id, state: runsTable.state, reason: runsTable.stateReason })
      .from(runsTable)
      .where(inArray(runsTable.id, submitted));

  it('keeps every run through a Redis restart and a broker restart', async () => {
    const doses = Array.from({ length: RUNS }, (_, i) => 8 + i / 2);
    submitted.push(...(await submitRuns(env, doses, 'restart')));
    // Under way: three runs running, each past its first physical step.
    await runsUnderWay(env, submitted, 3);

    await env.redis.kill();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await env.redis.start();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await env.mqtt.kill();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await env.mqtt.start();

    // What an operator does: a run paused because an instrument was unreachable is resumed once it is back; a step
    // left uncertain by a lost answer is resolved from what the lab shows.
    const final = await eventually(
      async () => {
        await operator.attend(submitted);
        return states();
      },
      (rows) => rows.length === RUNS && rows.every((r) => ENDED.includes(r.state)),
      200_000,
      'every run ended after the restarts',
    ).catch(async (e: Error) => {
      const lastActions = operator.actions.slice(-4).map((a) => `${a.runId} ${a.action}: ${a.reason}`);
      throw new Error(
        `${e.message}\n${await diagnoseUnfinished(env, submitted, ENDED)}\noperator's last actions:\n${lastActions.join('\n')}`,
      );
    });
    process.stdout.write(
      `infrastructure restart: ${final.map((r) => r.state).join(', ')}; operator ${JSON.stringify(operator.actions.map((a) => a.action))}\n`,
    );
  });

  it('executed every run to the end; a run stopped by the outage said why, naming the device', async () => {
    const rows = await states();
    expect(rows.map((r) => r.id).sort()).toEqual([...submitted].sort());
    for (const run of rows) {
      expect(ENDED).toContain(run.state);
      if (run.state === 'aborted') expect(run.reason).toMatch(/operator: partial effect of \S+/);
    }
    // The queued runs (behind the restarts) ran to the end.
    expect(rows.filter((r) => r.state === 'completed').length).toBeGreaterThanOrEqual(RUNS / 2);
  });
});
