// Figure 6's model on fixed plans: what each step holds, the lower bound and the FCFS simulation. No timing here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory } from '@graftlab/inventory';
import { compileProtocol, parseProtocol } from '@graftlab/protocol';
import {
  lowerBound,
  modelRun,
  simulateFcfs,
  type ModelRun,
  type ModelStep,
} from '../../bench/lib/scheduling-model';
import { parametersOf } from '../../bench/scheduling.bench';

const root = join(__dirname, '../..');
const inventory = loadInventory(join(root, 'devices/virtual-lab.json'));
const protocol = parseProtocol(
  JSON.parse(readFileSync(join(root, 'protocols/pe-gma-emulsion.json'), 'utf8')) as unknown,
);
const now = new Date('2026-11-28T00:00:00Z');

const step = (key: string, durationS: number, holds: string[] = [], usesStation = false): ModelStep => ({
  key,
  durationS,
  roleInstruments: holds,
  holds,
  usesStation,
});

describe('scheduling model', () => {
  it('holds the irradiator from the transfer in to the transfer out, and the balance while the sample is on it', () => {
    const plan = compileProtocol(protocol, parametersOf(0), inventory, { now });
    const run = modelRun('r1', 'reactor-1', plan, inventory);
    const holds = Object.fromEntries(run.steps.map((s) => [s.key, s.holds]));
    expect(holds['to-balance']).toEqual(['balance-1', 'robot-1']);
    expect(holds['weigh-w0']).toEqual(['balance-1']);
    expect(holds['to-irradiator']).toEqual(['balance-1', 'irradiator-1', 'robot-1']);
    expect(holds['inert-ampoule']).toEqual(['irradiator-1']);
    expect(holds.irradiate).toEqual(['irradiator-1', 'shutter-1']);
    expect(holds['to-freezer']).toEqual(['irradiator-1', 'robot-1']);
    expect(holds['store-cold']).toEqual([]);
    expect(run.steps.find((s) => s.key === 'inert-ampoule')!.roleInstruments).toEqual([]);
    expect(run.steps.filter((s) => s.usesStation).map((s) => s.key)).toEqual([
      'dispense-monomer',
      'purge-reactor',
      'heat',
      'graft',
    ]);
    expect(run.steps.find((s) => s.key === 'irradiate')!.durationS).toBe(
      plan.steps.find((s) => s.key === 'irradiate')!.estimatedDurationS,
    );
    const measured = modelRun('r1', 'reactor-1', plan, inventory, new Map([['irradiate', 5]]));
    expect(measured.steps.find((s) => s.key === 'irradiate')!.durationS).toBe(5);
  });

  it("bounds the makespan by the busiest instrument's work, the reactors as parallel machines", () => {
    const runs: ModelRun[] = [
      { id: 'a', station: 's1', steps: [step('x', 10, ['irr']), step('g', 30, [], true)] },
      { id: 'b', station: 's2', steps: [step('x', 20, ['irr']), step('g', 50, [], true)] },
    ];
    const bound = lowerBound(runs, 2);
    expect(bound.workS).toEqual({ irr: 30, reactors: 40 });
    expect(bound).toMatchObject({ boundS: 40, busiest: 'reactors', stationHeldS: 55 });
  });

  it('serves a shared instrument first come, first served, in whole blocks', () => {
    // Two stations; both runs want the irradiator block (two steps) at once: b waits for all of a's block.
    const runs: ModelRun[] = [
      { id: 'a', station: 's1', steps: [step('in', 1, ['irr']), step('expose', 10, ['irr']), step('g', 5)] },
      { id: 'b', station: 's2', steps: [step('in', 1, ['irr']), step('expose', 10, ['irr']), step('g', 5)] },
      { id: 'c', station: 's1', steps: [step('g', 2)] },
    ];
    const result = simulateFcfs(runs);
    expect(result.stepStartsS).toEqual([[0, 1, 11], [11, 12, 22], [16]]);
    expect(result.runs).toEqual([
      { id: 'a', startS: 0, endS: 16 },
      { id: 'b', startS: 0, endS: 27 },
      { id: 'c', startS: 16, endS: 18 },
    ]);
    expect(result.makespanS).toBe(27);
  });

  it('lets a later request take free instruments while an earlier one waits for a busy one', () => {
    const runs: ModelRun[] = [
      { id: 'a', station: 's1', steps: [step('irr', 10, ['irr'])] },
      { id: 'b', station: 's2', steps: [step('wait-irr', 1, ['irr', 'robot'])] },
      { id: 'c', station: 's3', steps: [step('move', 1, ['robot'])] },
    ];
    expect(simulateFcfs(runs).runs.map((r) => r.endS)).toEqual([10, 11, 1]);
  });

  it('never interleaves two runs on the irradiator in the GMA protocol', () => {
    const runs = Array.from({ length: 8 }, (_, i) =>
      modelRun(
        `r${i}`,
        `reactor-${(i % 4) + 1}`,
        compileProtocol(protocol, parametersOf(i), inventory, { now }),
        inventory,
      ),
    );
    const bound = lowerBound(runs, 4);
    const fcfs = simulateFcfs(runs);
    expect(bound.busiest).toBe('irradiator-1');
    // Each run's irradiator block (first to last step holding it) overlaps no other run's.
    const blocks = runs
      .map((r, i) => {
        const k = r.steps.map((s, j) => (s.holds.includes('irradiator-1') ? j : -1)).filter((j) => j >= 0);
        const first = k[0];
        const last = k[k.length - 1];
        return [fcfs.stepStartsS[i][first], fcfs.stepStartsS[i][last] + r.steps[last].durationS];
      })
      .sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i][0]).toBeGreaterThanOrEqual(blocks[i - 1][1]);
    expect(fcfs.makespanS).toBeGreaterThanOrEqual(bound.heldS['irradiator-1']);
    expect(fcfs.makespanS).toBeLessThan(bound.stationHeldS * 4);
  });
});
