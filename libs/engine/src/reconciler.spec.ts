import { join } from 'node:path';
import { loadInventory } from '@graftlab/inventory';
import { Reconciler } from './reconciler';
import { admit, engineOn } from './testing/engine.harness';
import { fakeLab, type FakeDispenser, type FakeLab, type FakeShutter } from './testing/fake.lab';
import { MemoryRepositories } from './testing/memory.repositories';

/**
 * kill -9 between a command and its confirmation, on fakes: the simulated worker dies at a chosen write (that
 * write and every later one are lost, as for a dead process); a new one reconciles from the instruments'
 * counters and continues. Nothing physical is repeated on a guess (the whole-stack crash test shows the same
 * over the wire, with real processes).
 */
const INVENTORY = loadInventory(join(__dirname, '..', '..', '..', 'devices', 'virtual-lab.json'));

function reconcilerOn(lab: FakeLab, repos: MemoryRepositories): Reconciler {
  return new Reconciler({
    repositories: repos,
    inventory: lab.inventory,
    devices: lab.hub,
    clock: lab.clock,
    log: () => undefined,
    commandTimeoutMs: 1000,
  });
}

describe('a worker killed mid-step, then reconciled from the instruments', () => {
  it('a dispense delivered before the kill is settled done and not dispensed again', async () => {
    const repos = new MemoryRepositories();
    const lab = fakeLab(INVENTORY, 'reactor-2');
    const { runId } = admit(repos, 'pe-gma-emulsion.json');
    // The pump delivers; the process dies before the confirmation is written.
    repos.killAt(
      (write, detail) =>
        write === 'journal.confirm' && (detail as { stepKey: string }).stepKey === 'dispense-monomer',
    );
    await engineOn(lab, repos).execute(runId);
    const pump = lab.device<FakeDispenser>('pump-2');
    const delivered = pump.infusedMl;
    expect(delivered).toBeGreaterThan(0);
    expect((await repos.runs.get(runId))!.state).toBe('running'); // a dead process writes no state
    const [inFlight] = await repos.journal.findUnsettled(runId);
    expect(inFlight).toMatchObject({ stepKey: 'dispense-monomer', state: 'dispatched' });

    repos.revive();
    const { continue: next, operator } = await reconcilerOn(lab, repos).reconcile(['reactor-2']);
    expect(operator).toEqual([]);
    expect(next.map((r) => r.id)).toEqual([runId]);
    const settled = (await repos.journal.forRun(runId)).find((r) => r.stepKey === 'dispense-monomer')!;
    expect(settled).toMatchObject({
      state: 'settled',
      readBack: { resolution: 'done', deliveredMl: delivered },
    });
    expect((await engineOn(lab, repos).execute(runId)).state).toBe('completed');
    expect(pump.infusedMl).toBe(delivered); // once
    expect(lab.log.entries.filter((e) => e.device === 'pump-2' && e.command === 'dispense')).toHaveLength(1);
  });

  it('a dispense whose counter did not move goes to a person (its policy is ask-operator), naming the pump', async () => {
    const repos = new MemoryRepositories();
    const lab = fakeLab(INVENTORY, 'reactor-2');
    const { runId } = admit(repos, 'pe-gma-emulsion.json');
    // Dead right after the dispatch was written: the command never went out.
    repos.killAt(
      (write, detail) =>
        write === 'journal.dispatch' && (detail as { stepKey: string }).stepKey === 'purge-reactor',
    );
    const pump = lab.device<FakeDispenser>('pump-2');
    const realDispense = pump.dispense.bind(pump);
    let killed = false;
    pump.dispense = (command) => {
      if (!killed) {
        killed = true;
        repos.kill();
        return Promise.reject(new Error('worker killed before the bytes went out'));
      }
      return realDispense(command);
    };
    await engineOn(lab, repos).execute(runId);
    expect(pump.infusedMl).toBe(0);
    repos.revive();
    const { operator } = await reconcilerOn(lab, repos).reconcile(['reactor-2']);
    expect(operator).toHaveLength(1);
    expect(operator[0].reason).toMatch(
      /dispense dispense-monomer: .*pump-2's counter cannot show how much of 40\.00 mL was delivered|dispense-monomer/,
    );
    expect((await repos.runs.get(runId))!.state).toBe('waiting-operator');
    expect(pump.infusedMl).toBe(0); // nothing dispensed on a guess
  });

  it('an irradiation cut short by the kill is completed with the remainder only (split dose allowed): the film gets its dose once', async () => {
    const repos = new MemoryRepositories();
    const lab = fakeLab(INVENTORY, 'reactor-2');
    const { runId, plan } = admit(repos, 'pe-gma-emulsion.json');
    const targetKGy = plan.steps.find((s) => s.type === 'irradiate')!.dose!.si / 1000;
    const shutter = lab.device<FakeShutter>('shutter-1');
    shutter.cutNext = { share: 0.4, then: () => repos.kill() };
    await engineOn(lab, repos).execute(runId);
    expect((await repos.journal.findUnsettled(runId)).map((r) => [r.stepKey, r.state])).toEqual([
      ['irradiate', 'dispatched'],
    ]);
    repos.revive();
    const { continue: next } = await reconcilerOn(lab, repos).reconcile(['reactor-2']);
    expect(next).toHaveLength(1);
    const film = repos.runSamples.get(runId)![0];
    // The reconciler booked what the shutter's own counter shows was delivered (part of the first segment).
    const booked = repos.doses.filter((d) => d.sampleId === film);
    expect(booked).toHaveLength(1);
    expect(booked[0].actualExposureMs).toBe(shutter.cumulativeOpenMs);
    expect(booked[0].deliveredKGy).toBeGreaterThan(0);
    expect(booked[0].deliveredKGy).toBeLessThan(targetKGy);
    expect((await engineOn(lab, repos).execute(runId)).state).toBe('completed');
    const total = repos.doses.filter((d) => d.sampleId === film).reduce((a, d) => a + d.deliveredKGy, 0);
    expect(total).toBeCloseTo(targetKGy, 3);
    const ledgerOpenMs = repos.doses.reduce((a, d) => a + (d.actualExposureMs ?? 0), 0);
    expect(shutter.cumulativeOpenMs).toBe(ledgerOpenMs); // the remainder only: no exposure counted twice
    expect(repos.doses.every((d) => d.plannedKGy === targetKGy)).toBe(true); // one account: the step's target
  });

  it('an irradiation cut short without a split dose allowed goes to a person with the dose delivered so far', async () => {
    const repos = new MemoryRepositories();
    const lab = fakeLab(INVENTORY, 'reactor-2');
    // The PEM protocol with the split dose forbidden (the settlement policy is then ask-operator).
    const { runId } = admit(repos, 'etfe-styrene-pem.json', { forbidSplit: true });
    const shutter = lab.device<FakeShutter>('shutter-1');
    shutter.cutNext = { share: 0.5, then: () => repos.kill() };
    await engineOn(lab, repos).execute(runId);
    repos.revive();
    const { operator } = await reconcilerOn(lab, repos).reconcile(['reactor-2']);
    expect(operator).toHaveLength(1);
    expect(operator[0].reason).toMatch(
      /interrupted after \d+\.\d\d of 50\.00 kGy and the protocol does not allow a split dose/,
    );
    expect(shutter.exposures).toBe(1);
    expect((await repos.runs.get(runId))!.state).toBe('waiting-operator');
  });
});
