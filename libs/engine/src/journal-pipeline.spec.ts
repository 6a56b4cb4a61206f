import type { Confirmation, Dispatch, JournalEntry } from '@graftlab/db';
import type { EngineRepositories } from './engine.repositories';
import { CONFIRMATION_HOLD_MS, PipelinedJournal } from './journal-pipeline';

type Journal = EngineRepositories['journal'];

/** A journal whose lone confirmations complete when the test says so; it logs every write it is sent. */
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
      log.push(`confirm ${c.stepKey}`);
      return new Promise<JournalEntry>((resolve, reject) =>
        pending.push({
          resolve: () => (log.push(`confirm ${c.stepKey} written`), resolve(rowOf(c, 'confirmed'))),
          reject,
        }),
      );
    },
    confirmAndDispatch: (c: Confirmation, d: Dispatch) => {
      log.push(`confirm ${c.stepKey} + dispatch ${d.stepKey}`);
      return c.stepKey === 'refused'
        ? Promise.reject(new Error(`step ${c.stepKey} is confirmed already`))
        : Promise.resolve(rowOf(d, 'dispatched'));
    },
    record: (t) => (log.push(`record ${t.stepKey}`), Promise.resolve(rowOf(t, t.to))),
    recordAll: () => Promise.reject(new Error('unused')),
    forRun: () => Promise.resolve([]),
    findUnsettled: () => Promise.resolve([]),
  };
  return { journal, log, pending };
}

const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
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
  it("answers a confirmation at once and writes it with the run's next dispatch, in one statement", async () => {
    const { journal, log } = slowJournal();
    const pipelined = new PipelinedJournal(journal, () => true);
    const a = step('a');
    await pipelined.dispatch(a.dispatch);
    const row = await pipelined.confirm(a.confirm);
    expect(row).toMatchObject({ stepKey: 'a', state: 'confirmed', readBack: { deliveredMl: 1 } });
    expect(log).toEqual(['dispatch a']);
    await pipelined.dispatch(step('b').dispatch);
    expect(log).toEqual(['dispatch a', 'confirm a + dispatch b']);
  });

  it('sends a confirmation alone when no dispatch follows soon, and holds the next write until it is written', async () => {
    const { journal, log, pending } = slowJournal();
    const pipelined = new PipelinedJournal(journal, () => true);
    const a = step('a');
    await pipelined.dispatch(a.dispatch);
    await pipelined.confirm(a.confirm);
    await sleep(CONFIRMATION_HOLD_MS + 20);
    expect(log).toEqual(['dispatch a', 'confirm a']);
    const next = pipelined.dispatch(step('b').dispatch);
    await tick();
    expect(log).toEqual(['dispatch a', 'confirm a']);
    pending[0].resolve();
    await next;
    expect(log).toEqual(['dispatch a', 'confirm a', 'confirm a written', 'dispatch b']);
  });

  it('stops at the next write when a confirmation failed, and only there', async () => {
    const { journal, log, pending } = slowJournal();
    const pipelined = new PipelinedJournal(journal, () => true);
    const a = step('a');
    await pipelined.dispatch(a.dispatch);
    await pipelined.confirm(a.confirm);
    await sleep(CONFIRMATION_HOLD_MS + 20); // sent alone
    pending[0].reject(new Error('connection terminated'));
    await expect(pipelined.dispatch(step('b').dispatch)).rejects.toThrow('connection terminated');
    expect(log).not.toContain('dispatch b');
    // A confirmation refused with the next dispatch: the dispatch throws it and nothing is dispatched.
    const r = step('refused');
    await pipelined.dispatch(r.dispatch);
    await pipelined.confirm(r.confirm);
    await expect(pipelined.dispatch(step('c').dispatch)).rejects.toThrow('confirmed already');
    expect(log).not.toContain('dispatch c');
  });

  it('makes settled() write the held confirmation and report its failure', async () => {
    const { journal, log, pending } = slowJournal();
    const pipelined = new PipelinedJournal(journal, () => true);
    const a = step('a');
    await pipelined.dispatch(a.dispatch);
    await pipelined.confirm(a.confirm);
    const settled = pipelined.settled();
    await tick();
    expect(log).toEqual(['dispatch a', 'confirm a']);
    pending[0].reject(new Error('connection terminated'));
    await expect(settled).rejects.toThrow('connection terminated');
  });

  it("writes a shared instrument's confirmation, a move's, and one of an attempt it did not dispatch at once", async () => {
    const { journal, log, pending } = slowJournal();
    const pipelined = new PipelinedJournal(journal, (row) => row.deviceId !== 'irradiator-1');
    const confirmedAtOnce = async (confirming: Promise<JournalEntry>) => {
      await tick();
      const sent = log.at(-1)?.startsWith('confirm ') ?? false;
      pending.shift()?.resolve();
      await confirming;
      return sent;
    };
    const shared = step('x', 'irradiator-1');
    await pipelined.dispatch(shared.dispatch);
    expect(await confirmedAtOnce(pipelined.confirm(shared.confirm))).toBe(true);
    const move = step('m', 'robot-1');
    await pipelined.dispatch(move.dispatch);
    const moved = { ...move.confirm, sampleMove: { sampleId: 's', to: 'reactor-1/vessel' } };
    expect(await confirmedAtOnce(pipelined.confirm(moved))).toBe(true);
    expect(await confirmedAtOnce(pipelined.confirm(step('resumed').confirm))).toBe(true);
    const own = step('d');
    await pipelined.dispatch(own.dispatch);
    expect(await confirmedAtOnce(pipelined.confirm(own.confirm))).toBe(false);
    const settled = pipelined.settled();
    pending.shift()?.resolve();
    await settled;
  });
});
