import { join } from 'node:path';
import { loadInventory } from '@graftlab/inventory';
import { ageingTestOf } from './ageing-medium';
import { ManualClock } from './manual-clock';
import type { PhysicalSample } from './physical-sample';
import { reactionCompleteness } from './post-grafting.chemistry';
import { VirtualLabWorld } from './virtual-lab-world';

const inventory = loadInventory(join(__dirname, '../../../../devices/virtual-lab.json'));
const H = 3600_000;

/** A world with one ETFE film that grafted `monomer` to DG 80 % (the grafting itself is tested elsewhere). */
function grafted(monomer: string, seed = 1) {
  const clock = new ManualClock();
  const world = new VirtualLabWorld(inventory, { clock, seed });
  const s = world.loadSample({
    id: 'f',
    basePolymer: 'ETFE',
    thicknessUm: 50,
    nominalMassG: 0.05,
    location: 'rack-a',
  }) as PhysicalSample;
  s.graftMonomer = monomer;
  s.graftedMassG = 0.8 * s.initialMassG;
  s.contacted = true;
  return { clock, world, s };
}

describe('post-grafting chemistry in the virtual lab', () => {
  it('reads the ageing test from a soak bath medium', () => {
    expect(ageingTestOf('1 M KOH', 80)).toEqual({ medium: 'KOH', molar: 1, temperatureC: 80 });
    expect(ageingTestOf('2 mol/L NaOH', 60)).toEqual({ medium: 'KOH', molar: 2, temperatureC: 60 });
    expect(ageingTestOf('3 wt% H2O2', 60)).toEqual({ medium: 'H2O2', wtPct: 3, temperatureC: 60 });
    expect(ageingTestOf('water', 80)).toBeUndefined();
  });

  it('quaternizes a VBC graft into an anion exchanger; before that it titrates as nothing', () => {
    const { world, s } = grafted('VBC');
    expect(world.truth.iecMmolPerG(s)).toBe(0);
    world.moveSample('f', 'hood-1/flask');
    world.functionalizeSample('f', {
      reaction: 'quaternization',
      reagent: '45 wt% aqueous trimethylamine',
      concentration: '45 wt%',
      temperatureC: 25,
      timeH: 24,
    });
    expect(s.functionalizations[0].completeness).toBeGreaterThan(0.99);
    expect(world.truth.iecMmolPerG(s)).toBeGreaterThan(2);
    expect(world.truth.conductivitySPerCm(s, 25) * 1000).toBeGreaterThan(20);
  });

  it('sulfonation does nothing to a VBC graft, and a short reaction converts only part of it', () => {
    const { world, s } = grafted('VBC');
    world.functionalizeSample('f', {
      reaction: 'sulfonation',
      reagent: 'chlorosulfonic acid',
      concentration: '2 vol%',
      temperatureC: 25,
      timeH: 5,
    });
    expect(world.truth.iecMmolPerG(s)).toBe(0);
    // ...and does not undo a quaternization either.
    world.functionalizeSample('f', {
      reaction: 'quaternization',
      reagent: 'TMA',
      concentration: '45 wt%',
      temperatureC: 25,
      timeH: 48,
    });
    world.functionalizeSample('f', {
      reaction: 'hydrolysis',
      reagent: 'water',
      concentration: '100 %',
      temperatureC: 80,
      timeH: 12,
    });
    expect(world.truth.iecMmolPerG(s)).toBeGreaterThan(2);
    expect(reactionCompleteness('quaternization', 25, 1)).toBeLessThan(0.3);
    expect(reactionCompleteness('quaternization', 60, 1)).toBeGreaterThan(
      reactionCompleteness('quaternization', 25, 1),
    );
  });

  it('ages a film in the soak bath only: its conductivity decays with hours in hot KOH, film to film a little differently', () => {
    const retainedAfter = (seed: number, hours: number) => {
      const { clock, world, s } = grafted('VBC', seed);
      world.functionalizeSample('f', {
        reaction: 'quaternization',
        reagent: 'TMA',
        concentration: '45 wt%',
        temperatureC: 25,
        timeH: 48,
      });
      const fresh = world.truth.conductivitySPerCm(s, 25);
      world.moveSample('f', 'soak-bath-1');
      clock.advance(hours * H);
      world.moveSample('f', 'rack-a');
      clock.advance(100 * H); // out of the bath nothing more happens
      return world.truth.conductivitySPerCm(world.sample('f')!, 25) / fresh;
    };
    const a100 = retainedAfter(1, 100);
    const a500 = retainedAfter(1, 500);
    expect(a100).toBeLessThan(1);
    expect(a500).toBeLessThan(a100);
    expect(a500).toBeGreaterThan(0);
    // Exponential in time: the 500 h loss is the 100 h loss to the 5th power.
    expect(a500).toBeCloseTo(Math.pow(a100, 5), 2);
    expect(retainedAfter(2, 500)).not.toBeCloseTo(a500, 3);
  });
});
