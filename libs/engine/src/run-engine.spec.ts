import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { STEP_TYPES, type StationPlan } from '@graftlab/protocol';
import { admit, engineOn, INVENTORY, runToEnd, STATION } from './testing/engine.harness';
import { fakeLab, type FakeDispenser, type FakeSampleHandler, type FakeShutter } from './testing/fake.lab';
import { MemoryRepositories } from './testing/memory.repositories';

/**
 * The engine against fakes: in-memory repositories and instruments, a fast lab clock; no database, broker or
 * twin. What the whole-stack tests show over the wire, these show for the engine's own logic, fast.
 */
const flat = (steps: StationPlan['steps']): StationPlan['steps'] =>
  steps.flatMap((s) => [s, ...flat(s.children ?? [])]);

describe('the engine on fakes', () => {
  // Every protocol the lab ships (the post-grafting ones with their soak visits too).
  const SHIPPED = readdirSync(join(__dirname, '..', '..', '..', 'protocols')).filter((f) =>
    f.endsWith('.json'),
  );
  const executed = new Set<string>();

  it.each(SHIPPED)(
    'runs %s to completion: every command confirmed once, the dose and volumes as planned',
    async (file) => {
      const repos = new MemoryRepositories();
      const lab = fakeLab(INVENTORY, STATION);
      const { runId, plan } = admit(repos, file);
      const outcome = await runToEnd(engineOn(lab, repos), lab, runId);
      expect(outcome).toEqual({ state: 'completed', reason: undefined });
      const rows = await repos.journal.forRun(runId);
      expect(rows.filter((r) => r.state !== 'confirmed')).toEqual([]);
      // One journal row per command: no command was sent twice.
      expect(new Set(rows.map((r) => r.commandId)).size).toBe(rows.length);
      for (const step of flat(plan.steps))
        if (rows.some((r) => r.stepKey.split('/')[0] === step.key)) executed.add(step.type);
      // Every irradiation delivered its planned dose to the film, counted once.
      const film = repos.runSamples.get(runId)![0];
      const plannedKGy = flat(plan.steps).reduce((a, s) => a + (s.dose?.si ?? 0) / 1000, 0);
      const deliveredKGy = repos.doses
        .filter((d) => d.sampleId === film)
        .reduce((a, d) => a + d.deliveredKGy, 0);
      expect(deliveredKGy).toBeCloseTo(plannedKGy, 3); // exposures are timed in whole milliseconds
      const shutter = lab.device<FakeShutter>('shutter-1');
      // The shutter's own open time is what the ledger counts (a long exposure is several device-timed segments).
      const ledgerOpenMs = repos.doses
        .filter((d) => d.sampleId === film)
        .reduce((a, d) => a + (d.actualExposureMs ?? 0), 0);
      expect(shutter.cumulativeOpenMs).toBe(ledgerOpenMs);
      // The pump delivered exactly what the dispense steps asked, into this station's vessel only.
      const pump = lab.device<FakeDispenser>('pump-2');
      const plannedMl = flat(plan.steps)
        .filter((s) => s.type === 'dispense')
        .reduce((a, s) => a + ((s.args.volume as { si: number }).si ?? 0) * 1e6, 0);
      expect(pump.infusedMl).toBeCloseTo(plannedMl, 9);
      expect(lab.log.entries.filter((e) => /^pump-[134]$/.test(e.device))).toEqual([]);
      // The MI records: how the film was irradiated and how long it waited, and what was measured.
      const irradiation = repos.irradiationRows.get(`${film}/${runId}`)!;
      expect(irradiation).toMatchObject({
        method: plan.protocol.method,
        sourceKind: 'gamma',
        source: 'Co-60',
      });
      if (plan.protocol.method === 'pre-irradiation') expect(irradiation.storageTimeH).toBeGreaterThan(0);
      // Every measure step's value is a measurement, and only measuring steps write measurements.
      const measuredBy = new Set([...repos.measurementRows.values()].map((m) => m.stepKey.split('/')[0]));
      for (const s of flat(plan.steps).filter((s) => s.type === 'measure'))
        expect(measuredBy).toContain(s.key);
      const types = new Map(flat(plan.steps).map((s) => [s.key, s.type]));
      for (const key of measuredBy)
        expect(['measure', 'titrate', 'impedance', 'soak']).toContain(types.get(key));
      // Its results are written, and the shared instruments are free again.
      expect(repos.resultRows.map((r) => r.name)).toContain('degreeOfGrafting');
      expect([...(lab.leases as unknown as { held: Map<string, string> }).held.keys()]).toEqual([]);
    },
  );

  it('runs a graft held while stirred (parallel steps), then a rest: each confirmed on its own devices', async () => {
    const repos = new MemoryRepositories();
    const lab = fakeLab(INVENTORY, STATION);
    const { runId, plan } = admit(repos, 'pe-gma-emulsion.json', {
      steps: (steps) =>
        steps.flatMap((s): Record<string, unknown>[] =>
          s.key === 'graft'
            ? [
                {
                  key: 'graft',
                  type: 'parallel',
                  steps: [
                    { ...s, key: 'graft-hold' },
                    {
                      key: 'graft-stir',
                      type: 'stir',
                      vessel: s.vessel,
                      speed: '300 rpm',
                      duration: '30 min',
                    },
                  ],
                },
              ]
            : s.key === 'drain'
              ? [{ key: 'rest', type: 'wait', duration: '5 min' }, s]
              : [s],
        ),
    });
    expect((await runToEnd(engineOn(lab, repos), lab, runId)).state).toBe('completed');
    for (const step of flat(plan.steps)) executed.add(step.type);
    const keys = (await repos.journal.forRun(runId)).map((r) => r.stepKey);
    expect(keys).toEqual(expect.arrayContaining(['graft-hold', 'graft-stir', 'rest']));
  });

  it('does not confirm a dispense the pump ended short of its volume: the step stays uncertain for a person', async () => {
    const repos = new MemoryRepositories();
    const lab = fakeLab(INVENTORY, STATION);
    const { runId } = admit(repos, 'pe-gma-emulsion.json');
    const pump = lab.device<FakeDispenser>(`pump-${STATION.split('-')[1]}`);
    pump.deliveredShare = 0.55; // stopped early, no alarm: the counter says so
    const outcome = await engineOn(lab, repos).execute(runId);
    expect(outcome.state).toBe('waiting-operator');
    expect(outcome.reason).toMatch(/delivered 27.5 mL of the 50 mL asked for/);
    const [row] = (await repos.journal.forRun(runId)).filter((r) => r.stepKey === 'dispense-monomer');
    expect(row.state).toBe('uncertain');
    expect(lab.log.entries.filter((e) => e.command === 'dispense')).toHaveLength(1); // never repeated on a guess
  });

  it("never exposes while another run's film lies in the irradiator, even one that appeared after the entry check", async () => {
    const repos = new MemoryRepositories();
    const lab = fakeLab(INVENTORY, STATION);
    const { runId } = admit(repos, 'pe-gma-emulsion.json');
    admit(repos, 'pe-gma-emulsion.json', { runId: 'other-run', samples: ['other-film'] });
    // The other film's record says it lies in the irradiator from the moment ours is moved in: past the check the
    // run makes when it enters (records that were wrong then, or a film moved in by someone without the lease).
    const robot = lab.device<FakeSampleHandler>('robot-1');
    const move = robot.move.bind(robot);
    robot.move = async (command) => {
      await move(command);
      if (command.to.startsWith('irradiator-1/'))
        repos.sampleRows.set('other-film', {
          ...repos.sampleRows.get('other-film')!,
          currentLocation: command.to,
        });
    };
    const outcome = await engineOn(lab, repos).execute(runId);
    expect(outcome.state).toBe('waiting-operator');
    expect(outcome.reason).toMatch(
      /step irradiate waits for irradiator-1 to be cleared: sample other-film at irradiator-1\/p\d/,
    );
    // Nothing went to the source or the shutter, and nothing is journaled for the irradiation.
    expect(lab.log.entries.filter((e) => e.device === 'irradiator-1' || e.device === 'shutter-1')).toEqual(
      [],
    );
    expect((await repos.journal.forRun(runId)).filter((r) => r.stepKey === 'irradiate')).toEqual([]);
  });

  it("a continued run replays its earlier moves without writing them again: the film's record never walks back out of the irradiator", async () => {
    const repos = new MemoryRepositories();
    const lab = fakeLab(INVENTORY, STATION);
    const { runId, plan } = admit(repos, 'pe-gma-emulsion.json');
    const film = `${runId}-film`;
    // The exposure fails before the shutter opens: the step is uncertain and the run waits for a person.
    lab.device<FakeShutter>('shutter-1').faults.push({ method: 'expose', kind: 'device' });
    expect((await engineOn(lab, repos).execute(runId)).state).toBe('waiting-operator');
    expect(repos.sampleRows.get(film)!.currentLocation).toBe('irradiator-1/p1');
    // A person finds nothing delivered and resumes with "redo" (as the API does).
    await repos.journal.record({
      runId,
      stepKey: 'irradiate',
      attempt: 1,
      to: 'settled',
      readBack: { resolution: 'redo', byOperator: true },
    });
    await repos.runs.transition(runId, 'waiting-operator', 'queued');
    // Every change of the film's recorded place from now on, in order.
    const written: string[] = [];
    const set = repos.sampleRows.set.bind(repos.sampleRows);
    repos.sampleRows.set = (id, row) => {
      if (id === film && row.currentLocation !== repos.sampleRows.get(film)!.currentLocation)
        written.push(row.currentLocation!);
      return set(id, row);
    };
    expect((await runToEnd(engineOn(lab, repos), lab, runId)).state).toBe('completed');
    // The continued run replayed to-balance and to-irradiator: had it written them, the record would have said
    // "balance" for a moment while the film lay in the irradiator, for another run to find it empty.
    expect(written[0]).toBe('freezer-1');
    // The dose given once, by the redo.
    const plannedKGy = flat(plan.steps).reduce((a, st) => a + (st.dose?.si ?? 0) / 1000, 0);
    const deliveredKGy = repos.doses
      .filter((d) => d.sampleId === film)
      .reduce((a, d) => a + d.deliveredKGy, 0);
    expect(deliveredKGy).toBeCloseTo(plannedKGy, 3);
  });

  it('has run every step type of the protocol language', () => {
    expect([...executed].sort()).toEqual([...STEP_TYPES].sort());
  });
});
