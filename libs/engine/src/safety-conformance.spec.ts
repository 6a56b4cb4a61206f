import { join } from 'node:path';
import fc from 'fast-check';
import { loadInventory } from '@graftlab/inventory';
import {
  allSteps,
  draftPlan,
  judgeStep,
  NOMINAL_LIVE,
  parseProtocol,
  planVerdicts,
  type ExecutionPlan,
  type PlannedStep,
} from '@graftlab/protocol';
import { DocumentError } from '@graftlab/validation';
import { labStateOf, type GateDoseRecord, type GateJournalRow } from './safety-gate';

/**
 * Plan-time and run-time safety agree (issue: a run paused at `heat` after its film was irradiated, because the
 * gate ignored the inerting exception the plan check allowed). For generated protocols over the step library,
 * the run is executed nominally — every step before the current one done as planned, doses as planned, pumps
 * delivering what was asked, permissives made — and the gate (the engine's own lab state + the shared rules)
 * judges each step. Whatever the gate refuses, the plan check must have refused at the same field for the same
 * rule; so a plan the check accepts is never refused at run time for a reason the plan could know.
 */

const INVENTORY = loadInventory(join(__dirname, '..', '..', '..', 'devices', 'virtual-lab.json'));
const NOW = { now: new Date('2026-10-01T09:00:00Z') };
const VESSEL = 'reactor-1/vessel';
const POSITION = 'irradiator-1/p1';

type StepDoc = Record<string, unknown>;

// Biased towards values the envelope allows, so accepted plans are common enough to exercise the gate.
const ppm = fc.constantFrom(10, 20, 20, 30, 50, 100, 500);
const minutes = fc.constantFrom(2, 10, 15, 20, 30, 30);
const celsius = fc.integer({ min: 20, max: 90 });

/** Steps with a key filled in later. */
const inerting: fc.Arbitrary<StepDoc> = fc.oneof(
  fc.record({
    type: fc.constant('purge'),
    target: fc.constantFrom(POSITION, POSITION, 'irradiator-1/p2'),
    by: fc.constant('operator'),
    gas: fc.constantFrom('N2', 'Ar'),
    flow: fc.constant('100 sccm'),
    minDuration: minutes.map((m) => `${m} min`),
    o2Max: ppm.map((p) => `${p} ppm`),
  }),
  fc.record(
    {
      type: fc.constant('evacuate-refill'),
      target: fc.constant(POSITION),
      by: fc.constant('operator'),
      gas: fc.constant('Ar'),
      cycles: fc.integer({ min: 1, max: 4 }),
      vacuum: fc.constant('10 Pa'),
      cycleTime: minutes.map((m) => `${m} min`),
      o2Max: ppm.map((p) => `${p} ppm`),
    },
    { requiredKeys: ['type', 'target', 'by', 'gas', 'cycles', 'vacuum'] },
  ),
);

const irradiation: fc.Arbitrary<StepDoc> = fc.record({
  type: fc.constant('irradiate'),
  position: fc.constant(POSITION),
  dose: fc.integer({ min: 5, max: 120 }).map((d) => `${d} kGy`),
  atmosphere: fc.constantFrom('N2', 'Ar', 'air', 'air'),
  splitDoseAllowed: fc.constant(true),
});

const dispense = fc.integer({ min: 10, max: 80 }).map((ml): StepDoc => ({
  type: 'dispense',
  reagent: 'monomer-solution',
  volume: `${ml} mL`,
  rate: '20 mL/min',
  vessel: VESSEL,
}));
const heat = celsius.map((c): StepDoc => ({ type: 'heat', vessel: VESSEL, setpoint: `${c} °C` }));
const reactorStep: fc.Arbitrary<StepDoc> = fc.oneof(
  dispense,
  dispense,
  fc.constant<StepDoc>({ type: 'drain', vessel: VESSEL }),
  fc.record({
    type: fc.constant('purge'),
    target: fc.constant(VESSEL),
    gas: fc.constant('N2'),
    flow: fc.constant('300 sccm'),
    minDuration: minutes.map((m) => `${m} min`),
    o2Max: ppm.map((p) => `${p} ppm`),
  }),
  heat,
  heat,
  celsius.map((c): StepDoc => ({ type: 'hold', vessel: VESSEL, duration: '30 min', temperature: `${c} °C` })),
  fc.tuple(heat, fc.constantFrom('200 rpm', '400 rpm')).map(([h, speed]): StepDoc => ({
    type: 'parallel',
    steps: [h, { type: 'stir', vessel: VESSEL, speed, duration: '10 min' }],
  })),
  fc.tuple(dispense, dispense).map(([a, b]): StepDoc => ({ type: 'parallel', steps: [a, b] })),
);

const safety = fc.record(
  {
    maxDosePerSample: fc.integer({ min: 20, max: 200 }).map((d) => `${d} kGy`),
    maxDosePerRun: fc.integer({ min: 50, max: 600 }).map((d) => `${d} kGy`),
    o2Max: ppm.map((p) => `${p} ppm`),
    minPurge: minutes.map((m) => `${m} min`),
    flashPointMargin: fc.integer({ min: 0, max: 15 }).map((k) => `${k} K`),
    maxTemperature: fc.integer({ min: 40, max: 95 }).map((c) => `${c} °C`),
    inertAboveFlashPoint: fc.boolean(),
  },
  { requiredKeys: ['inertAboveFlashPoint'] },
);

const protocolDoc = fc
  .record({
    sampleCount: fc.integer({ min: 1, max: 4 }),
    flashPoint: fc.option(fc.constantFrom(-20, 4, 12, 30, 60), { nil: undefined }),
    inert: fc.option(inerting, { nil: undefined, freq: 6 }),
    irradiations: fc.array(irradiation, { minLength: 1, maxLength: 2 }),
    reactor: fc.array(reactorStep, { minLength: 1, maxLength: 5 }),
    safety,
  })
  .map(({ sampleCount, flashPoint, inert, irradiations, reactor, safety }) => {
    let n = 0;
    const keyed = (s: StepDoc): StepDoc => ({
      key: `s${++n}`,
      ...s,
      ...(Array.isArray(s.steps) ? { steps: (s.steps as StepDoc[]).map(keyed) } : {}),
    });
    const steps = [
      { type: 'prompt', message: 'load', action: { kind: 'load-sample', location: 'rack-a' } },
      { type: 'transfer', from: 'rack-a', to: POSITION },
      ...(inert ? [inert] : []),
      ...irradiations,
      { type: 'transfer', from: POSITION, to: VESSEL },
      ...reactor,
      { type: 'drain', vessel: VESSEL },
    ].map(keyed);
    return {
      schemaVersion: '1.0',
      id: 'generated',
      version: '1.0.0',
      title: 'generated protocol',
      authors: ['property test'],
      method: 'pre-irradiation',
      sampleCount,
      materials: {
        base: { name: 'PE film', polymer: 'PE', form: 'film', thickness: '50 µm', lot: 'PE-1' },
        monomer: {
          name: 'styrene',
          smiles: 'C=Cc1ccccc1',
          molarMass: '104.15 g/mol',
          concentration: '50 wt%',
        },
        solvent: { name: 'solvent', ...(flashPoint === undefined ? {} : { flashPoint: `${flashPoint} °C` }) },
        reagents: [{ id: 'monomer-solution', name: 'monomer solution' }],
      },
      steps,
      safety,
    };
  });

/** The run's records once `done` steps are done as planned: confirmed journal rows, planned doses, asked volumes. */
function nominalFacts(plan: ExecutionPlan, done: readonly PlannedStep[]) {
  const journalRows = new Map<string, GateJournalRow>();
  const doses: GateDoseRecord[] = [];
  const sampleIds = Array.from({ length: plan.sampleCount }, (_, i) => `sample-${i + 1}`);
  for (const s of done) {
    const volume = s.args.volume;
    const volumeMl =
      typeof volume === 'object' && volume && 'si' in volume ? (volume.si as number) * 1e6 : undefined;
    journalRows.set(s.key, {
      state: 'confirmed',
      request: volumeMl === undefined ? {} : { volumeMl },
      readBack: volumeMl === undefined ? {} : { deliveredMl: volumeMl },
    });
    if (s.type === 'irradiate')
      for (const sampleId of sampleIds)
        doses.push({ sampleId, runId: 'run', stepKey: s.key, deliveredKGy: (s.dose?.si ?? 0) / 1000 });
  }
  return { journalRows, doses, sampleIds, runId: 'run', live: NOMINAL_LIVE };
}

/** What the gate refuses, step by step, in a nominal execution (a parallel block's children with none or all of their siblings done). */
function gateRefusals(plan: ExecutionPlan): { rule: string; pointer: string; stepKey: string }[] {
  const refusals: { rule: string; pointer: string; stepKey: string }[] = [];
  const done: PlannedStep[] = [];
  const judge = (step: PlannedStep, before: readonly PlannedStep[]) => {
    const state = labStateOf(plan, step, nominalFacts(plan, before));
    for (const v of judgeStep({ plan, inventory: INVENTORY, step, state }))
      refusals.push({ rule: v.rule, pointer: v.pointer, stepKey: step.key });
  };
  for (const step of plan.steps) {
    if (step.type !== 'parallel') judge(step, done);
    else {
      const children = step.children ?? [];
      for (const child of children) {
        judge(child, done);
        judge(child, done.concat(children.filter((c) => c !== child)));
      }
    }
    done.push(...allSteps([step]).filter((s) => s.type !== 'parallel'));
  }
  return refusals;
}

describe('safety conformance: plan check and run-time gate', () => {
  it('accepts every step of a plan the check accepts, and refuses only where the plan check refused (rule and field)', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(protocolDoc, (doc) => {
        let plan: ExecutionPlan;
        try {
          plan = draftPlan(parseProtocol(doc), {}, INVENTORY, NOW);
        } catch (e) {
          if (e instanceof DocumentError) return; // not a plan at all (e.g. a bath limit): nothing to run
          throw e;
        }
        const planned = planVerdicts(plan, INVENTORY);
        if (planned.length) refused++;
        else accepted++;
        const refusals = gateRefusals(plan);
        // A plan the check accepts runs through the gate untouched.
        if (!planned.length) expect(refusals).toEqual([]);
        for (const r of refusals) {
          const known = planned.some((p) => p.rule === r.rule && p.pointer === r.pointer);
          if (!known)
            throw new Error(
              `the gate refused ${r.stepKey} (${r.rule} at ${r.pointer}) but the plan check did not: ${JSON.stringify(planned)}`,
            );
        }
      }),
      { numRuns: 1000, seed: 20261203 },
    );
    // Both sides of the property were exercised.
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });
});
