import path from 'node:path';
import {
  JournalRepository,
  openScratchDatabase,
  RunsRepository,
  SamplesRepository,
  seedBasics,
  seedRun,
  type GraftlabDb,
} from '@graftlab/db';
import { loadInventory } from '@graftlab/inventory';
import type { RunContext } from './run-context';
import { foreignSamplesAt } from './foreign-samples';

/**
 * The rule that a film pins its instrument, against a real database (PGlite): another run's film recorded in the
 * irradiator, or sent there by a move not yet confirmed (its worker died mid-move), keeps a run from entering.
 */
describe('films of other runs in a shared instrument', () => {
  const inventory = loadInventory(path.resolve(__dirname, '../../../devices/virtual-lab.json'));
  let db: GraftlabDb;
  let protocol: Awaited<ReturnType<typeof seedBasics>>['protocol'];

  beforeAll(async () => {
    db = await openScratchDatabase('pglite');
    ({ protocol } = await seedBasics(db));
  });

  afterAll(async () => {
    await db?.close();
  });

  /** The run that wants to put its own film into the irradiator. */
  async function entering(): Promise<RunContext> {
    const { run, samples } = await seedRun(db, protocol);
    return {
      sampleRepo: new SamplesRepository(db),
      inventory,
      runId: run.id,
      samples: [{ id: samples[0].id, location: 'rack-a' }],
    } as unknown as RunContext;
  }

  /** Another run, running, with its film at `at`. */
  async function otherRun(at: string) {
    const { run, samples } = await seedRun(db, protocol);
    await new RunsRepository(db).transition(run.id, 'queued', 'running');
    await new SamplesRepository(db).move(samples[0].id, at, { actor: 'test', runId: run.id, reason: 'test' });
    return { runId: run.id, sampleId: samples[0].id };
  }

  /** Journals a move of the other run's film into the irradiator as dispatched (the robot may have done it). */
  async function moveSent(other: { runId: string; sampleId: string }, key: string) {
    await new JournalRepository(db).recordAll([
      {
        runId: other.runId,
        stepKey: key,
        attempt: 1,
        deviceId: 'robot-1',
        sampleId: other.sampleId,
        to: 'intent-recorded',
        settlement: 'retry-safe',
        request: { from: 'balance-1/pan', to: 'irradiator-1/p1' },
      },
      { runId: other.runId, stepKey: key, attempt: 1, to: 'dispatched' },
    ]);
  }

  it('sees a film recorded in the instrument, with its run under way', async () => {
    const ctx = await entering();
    const other = await otherRun('irradiator-1/p1');
    const foreign = await foreignSamplesAt(ctx, ['irradiator-1']);
    expect(foreign).toEqual([
      { text: `sample ${other.sampleId} at irradiator-1/p1 (its run is running)`, progressing: true },
    ]);
    await new SamplesRepository(db).move(other.sampleId, 'rack-a', {
      actor: 'test',
      runId: other.runId,
      reason: 'test',
    });
  });

  it('sees a film whose move into the instrument was sent and not confirmed', async () => {
    const ctx = await entering();
    const other = await otherRun('balance-1/pan');
    await moveSent(other, 'to-irradiator/move');
    const foreign = await foreignSamplesAt(ctx, ['irradiator-1']);
    expect(foreign).toEqual([
      {
        text: `sample ${other.sampleId} on its way to irradiator-1/p1 (its run is running)`,
        progressing: true,
      },
    ]);
    // Confirmed, the move is over: the film's record is what counts (moved back out here).
    await new JournalRepository(db).record({
      runId: other.runId,
      stepKey: 'to-irradiator/move',
      attempt: 1,
      to: 'confirmed',
      readBack: {},
    });
    expect(await foreignSamplesAt(ctx, ['irradiator-1'])).toEqual([]);
    // Sent again and unconfirmed: the irradiator sees it coming, and the balance still has it where it was recorded.
    await moveSent(other, 'to-irradiator-again/move');
    expect(await foreignSamplesAt(ctx, ['balance-1'])).toEqual([
      { text: `sample ${other.sampleId} at balance-1/pan (its run is running)`, progressing: true },
    ]);
    // Its run ended with the move in doubt: the film may lie in the irradiator, so it still pins it (no run will
    // move it on) until a person says where it is.
    await new RunsRepository(db).transition(other.runId, 'running', 'aborted', { reason: 'test' });
    expect(await foreignSamplesAt(ctx, ['irradiator-1'])).toEqual([
      {
        text: `sample ${other.sampleId} on its way to irradiator-1/p1 (no run under way)`,
        progressing: false,
      },
    ]);
    const located = await new JournalRepository(db).locateSample(other.sampleId, 'rack-a', {
      actor: 'operator-1',
      reason: 'took it off the balance pan',
    });
    expect(located.settled).toEqual([`${other.runId}/to-irradiator-again/move#1`]);
    expect(await foreignSamplesAt(ctx, ['irradiator-1'])).toEqual([]);
    expect(await foreignSamplesAt(ctx, ['balance-1'])).toEqual([]);
  });
});
