import type { Confirmation, Dispatch, JournalEntry } from '@graftlab/db';
import type { EngineRepositories } from './engine.repositories';
import { PipelinedJournal } from './journal-pipeline';

type Journal = EngineRepositories['journal'];

/** A journal whose confirmations complete when the test says so; it logs when each write starts and ends. */
function slowJournal() {
  const log: string[] = [];
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const rowOf = (d: { runId: string; stepKey: string; attempt: number }, state: JournalEntry['state']) =>
    ({ id: 1, ...d, state, deviceId: (d as Dispatch).deviceId ?? null }) as JournalEntry;
  const journal: Journal = {
    dispatch: (d: Dispatch) => {
      log.push(`dispatch ${d.stepKey}`);
      return Promise.resolve(rowOf(d, 'dispatched'));
    },
    confirm: (c: Confirmation) => {
      log.push(`confirm ${c.stepKey} sent`);
      return new Promise<JournalEntry>((resolve, reject) =>
        pending.push({
          resolve: () => (log.push(`confirm ${c.stepKey} written`), resolve(rowOf(c, 'confirmed'))),
          reject,
        }),
      );
    },
    record: (t) => (log.push(`record ${t.stepKey}`), Promise.resolve(rowOf(t, t.to))),
    recordAll: () => Promise.reject(new Error('unused')),
    forRun: () => Promise.resolve([]),
    findUnsettled: () => Promise.resolve([]),
  };
  return { journal, log, pending };
}

const tick = () => new Promise((r) => setImmediate(r));
const step = (stepKey: string, deviceId = 'pump-1') => ({
  dispatch: {
    runId: 'r',
    stepKey,
    attempt: 1,
    deviceId,
    request: {},
    settlement: 'ask-operator',
  } as Dispatch,
  confirm: { runId: 'r', stepKey, attempt: 1, readBack: { deliveredMl: 1 } } as Confirmation,
});

describe('PipelinedJournal', () => {
  it('answers a confirmation at once and holds the next write until it is written', async () => {
    const { journal, log, pending } = slowJournal();
    const pipelined = new PipelinedJournal(journal, () => true);
    const a = step('a');
    const b = step('b');
    await pipelined.dispatch(a.dispatch);
    const row = await pipelined.confirm(a.confirm);
    expect(row).toMatchObject({ stepKey: 'a', state: 'confirmed', readBack: { deliveredMl: 1 } });
    const next = pipelined.dispatch(b.dispatch);
    await tick();
    expect(log).toEqual(['dispatch a', 'confirm a sent']);
    pending[0].resolve();
    await next;
    expect(log).toEqual(['dispatch a', 'confirm a sent', 'confirm a written', 'dispatch b']);
  });

  it('stops at the next write when a confirmation failed, and only there', async () => {
    const { journal, log, pending } = slowJournal();
    const pipelined = new PipelinedJournal(journal, () => true);
    const a = step('a');
    await pipelined.dispatch(a.dispatch);
    await pipelined.confirm(a.confirm);
    pending[0].reject(new Error('connection terminated'));
    await expect(pipelined.dispatch(step('b').dispatch)).rejects.toThrow('connection terminated');
    expect(log).not.toContain('dispatch b');
    await expect(pipelined.settled()).resolves.toBeUndefined();
  });

  it("waits for a shared instrument's confirmation, a move's, and one of an attempt it did not dispatch", async () => {
    const { journal, pending } = slowJournal();
    const pipelined = new PipelinedJournal(journal, (row) => row.deviceId !== 'irradiator-1');
    const waits = async (confirming: Promise<JournalEntry>) => {
      let done = false;
      void confirming.then(() => (done = true));
      await tick();
      const waited = !done;
      pending.shift()?.resolve();
      await confirming;
      return waited;
    };
    const shared = step('x', 'irradiator-1');
    await pipelined.dispatch(shared.dispatch);
    expect(await waits(pipelined.confirm(shared.confirm))).toBe(true);
    const move = step('m', 'robot-1');
    await pipelined.dispatch(move.dispatch);
    expect(
      await waits(
        pipelined.confirm({ ...move.confirm, sampleMove: { sampleId: 's', to: 'reactor-1/vessel' } }),
      ),
    ).toBe(true);
    expect(await waits(pipelined.confirm(step('resumed').confirm))).toBe(true);
    const own = step('d');
    await pipelined.dispatch(own.dispatch);
    expect(await waits(pipelined.confirm(own.confirm))).toBe(false);
    await pipelined.settled();
  });
});
