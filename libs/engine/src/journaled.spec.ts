import { DeviceError } from '@graftlab/devices';
import { NothingDelivered, OperatorNeededError, SafetyRefusal } from './engine.errors';
import { journaled } from './journaled';
import type { RunContext } from './run-context';
import { MemoryRepositories } from './testing/memory.repositories';

/** The journal's write order around one command, on in-memory repositories (no database). */
describe('journaled', () => {
  const RUN = 'run-j';
  function context(repos: MemoryRepositories): RunContext {
    repos.addRun({ id: RUN, protocolId: 'p', protocolVersion: 1 }, ['film']);
    return {
      runId: RUN,
      journal: repos.journal,
      journalRows: new Map(),
      clock: { now: () => 1_000, toRealMs: (ms: number) => ms },
    } as unknown as RunContext;
  }
  const options = { deviceId: 'pump-2', settlement: 'ask-operator' as const, request: { volumeMl: 5 } };

  it('writes intent and dispatch before the command, the confirmation after, each once', async () => {
    const repos = new MemoryRepositories();
    const ctx = context(repos);
    const seen: string[] = [];
    const out = await journaled(ctx, 'dispense', options, (commandId) => {
      seen.push(repos.journalRows[0]?.state ?? 'none');
      return Promise.resolve({ deliveredMl: 5, commandId });
    });
    expect(seen).toEqual(['dispatched']); // durable before the device was commanded
    expect(repos.transitions.map((t) => `${t.from}→${t.to}`)).toEqual([
      'null→intent-recorded',
      'intent-recorded→dispatched',
      'dispatched→confirmed',
    ]);
    expect(repos.journalRows[0]).toMatchObject({
      state: 'confirmed',
      readBack: { deliveredMl: 5, labEnd: 1_000 },
    });
    expect(out.commandId).toBe(repos.journalRows[0].commandId);
  });

  it('replays a confirmed step from its read-back without commanding anything', async () => {
    const repos = new MemoryRepositories();
    const ctx = context(repos);
    await journaled(ctx, 'dispense', options, () => Promise.resolve({ deliveredMl: 5 }));
    let called = false;
    const replayed = await journaled(ctx, 'dispense', options, () => {
      called = true;
      return Promise.resolve({ deliveredMl: 99 });
    });
    expect(called).toBe(false);
    expect(replayed).toMatchObject({ deliveredMl: 5 });
  });

  it('refuses to run a step left in flight and not reconciled (it might have acted)', async () => {
    const repos = new MemoryRepositories();
    const ctx = context(repos);
    const row = await repos.journal.dispatch({
      runId: RUN,
      stepKey: 'dispense',
      attempt: 1,
      request: {},
      settlement: 'ask-operator',
    });
    ctx.journalRows.set('dispense', row);
    await expect(journaled(ctx, 'dispense', options, () => Promise.resolve({}))).rejects.toThrow(
      OperatorNeededError,
    );
  });

  it('a lost answer leaves the step uncertain for a person, never re-sent', async () => {
    const repos = new MemoryRepositories();
    const ctx = context(repos);
    const attempt = journaled(ctx, 'dispense', options, () =>
      Promise.reject(new DeviceError('timeout', 'pump-2', 'no answer')),
    );
    await expect(attempt).rejects.toThrow(/did not confirm \(timeout: pump-2: no answer\); check pump-2/);
    expect(repos.journalRows.map((r) => r.state)).toEqual(['uncertain']);
  });

  it('a refusal (nothing reached the device) or proof that nothing was delivered fails the attempt; a later one may go', async () => {
    const repos = new MemoryRepositories();
    const ctx = context(repos);
    await expect(
      journaled(ctx, 'a', options, () =>
        Promise.reject(new DeviceError('refused', 'pump-2', 'interlock open')),
      ),
    ).rejects.toThrow(SafetyRefusal);
    await expect(
      journaled(ctx, 'b', options, () =>
        Promise.reject(new NothingDelivered('pump-2', 'pump did not start')),
      ),
    ).rejects.toThrow(NothingDelivered);
    expect(repos.journalRows.map((r) => [r.stepKey, r.state])).toEqual([
      ['a', 'failed'],
      ['b', 'failed'],
    ]);
    ctx.journalRows.set('a', repos.journalRows[0]);
    await journaled(ctx, 'a', options, () => Promise.resolve({ ok: true }));
    expect(repos.journalRows.filter((r) => r.stepKey === 'a').map((r) => [r.attempt, r.state])).toEqual([
      [1, 'failed'],
      [2, 'confirmed'],
    ]);
  });
});
