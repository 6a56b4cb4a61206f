import { join } from 'node:path';
import { loadInventory } from '@graftlab/inventory';
import type { WorldSample } from './lab-world';
import { ManualClock } from './manual-clock';
import { degreeOfGraftingPct, PROPERTY_TRUTH } from './sample-truth';
import { VirtualLabWorld } from './virtual-lab-world';

/** A film of 50 mg with the given degree of grafting of a monomer, put fully through its chemistry. */
function film(dgPct: number, graftMonomer?: string): WorldSample {
  const reaction = graftMonomer === 'VBC' ? 'quaternization' : 'sulfonation';
  return { ...rawFilm(dgPct, graftMonomer), functionalizations: [{ reaction, completeness: 1 }] };
}

/** The same film as it comes out of the grafting bath: no post-grafting chemistry yet. */
function rawFilm(dgPct: number, graftMonomer?: string): WorldSample {
  return {
    id: 'f',
    basePolymer: 'ETFE',
    thicknessUm: 50,
    initialMassG: 0.05,
    location: 'rack-a',
    doseKGy: 0,
    graftedMassG: (0.05 * dgPct) / 100,
    liquidMassG: 0,
    graftMonomer,
    dryMassG: () => 0.05 * (1 + dgPct / 100),
  };
}

describe('the sample truth of the property layer', () => {
  it('gives the reference IEC checks from the degree of grafting (§1.7)', () => {
    expect(degreeOfGraftingPct(film(30, 'St'))).toBeCloseTo(30, 9);
    // Reference: 1.88 and 2.74 mmol/g at full conversion; the catalogue's sulfonation and quaternization
    // convert 95 % and 90 % of the units.
    expect(PROPERTY_TRUTH.iecMmolPerG(film(30, 'St'))).toBeCloseTo(1.79, 2);
    expect(PROPERTY_TRUTH.iecMmolPerG(film(30, 'styrene'))).toBeCloseTo(1.79, 2);
    expect(PROPERTY_TRUTH.iecMmolPerG(film(100, 'VBC'))).toBeCloseTo(2.47, 2);
  });

  it('gives nothing to titrate for an ungrafted film or a graft without exchange groups', () => {
    expect(PROPERTY_TRUTH.iecMmolPerG(film(0))).toBe(0);
    expect(PROPERTY_TRUTH.iecMmolPerG(film(120, 'unobtainium'))).toBe(0);
  });

  it('puts conductivity where the reference puts it, rising with temperature', () => {
    const aem = PROPERTY_TRUTH.conductivitySPerCm(film(100, 'VBC'), 25);
    expect(aem * 1000).toBeGreaterThan(40);
    expect(aem * 1000).toBeLessThan(55);
    const pem = PROPERTY_TRUTH.conductivitySPerCm(film(30, 'St'), 25);
    expect(pem * 1000).toBeGreaterThan(15);
    expect(pem * 1000).toBeLessThan(35);
    expect(PROPERTY_TRUTH.conductivitySPerCm(film(100, 'VBC'), 80)).toBeGreaterThan(aem * 2);
    expect(PROPERTY_TRUTH.conductivitySPerCm(film(0), 25)).toBeLessThan(1e-7);
  });
});

describe('post-grafting chemistry and ageing in the sample truth', () => {
  it('titrates an unfunctionalized or wrongly treated graft as nothing, and it barely conducts', () => {
    expect(PROPERTY_TRUTH.iecMmolPerG(rawFilm(30, 'St'))).toBe(0);
    expect(PROPERTY_TRUTH.iecMmolPerG(rawFilm(100, 'VBC'))).toBe(0);
    // Quaternizing a styrene graft gives it no exchange groups.
    const wrong = {
      ...rawFilm(30, 'St'),
      functionalizations: [{ reaction: 'quaternization', completeness: 1 }],
    };
    expect(PROPERTY_TRUTH.iecMmolPerG(wrong as WorldSample)).toBe(0);
    expect(PROPERTY_TRUTH.conductivitySPerCm(rawFilm(100, 'VBC'), 25)).toBeLessThan(1e-7);
    // Half-way converted: half the sites.
    const half = {
      ...rawFilm(100, 'VBC'),
      functionalizations: [{ reaction: 'quaternization', completeness: 0.5 }],
    };
    expect(PROPERTY_TRUTH.iecMmolPerG(half as WorldSample)).toBeCloseTo(2.47 / 2, 2);
  });

  it('loses conductivity in hot alkali, the AEM faster than the PEM', () => {
    const koh = { medium: 'KOH' as const, molar: 1, temperatureC: 80 };
    const aged = (f: WorldSample, hours: number): WorldSample => ({ ...f, ageing: [{ test: koh, hours }] });
    const aem = film(100, 'VBC');
    const pem = film(30, 'St');
    const kept = (f: WorldSample) =>
      PROPERTY_TRUTH.conductivitySPerCm(aged(f, 500), 25) / PROPERTY_TRUTH.conductivitySPerCm(f, 25);
    expect(kept(aem)).toBeLessThan(0.9);
    expect(kept(aem)).toBeGreaterThan(0.05);
    expect(kept(pem)).toBeGreaterThan(kept(aem));
    expect(PROPERTY_TRUTH.iecMmolPerG(aged(aem, 500))).toBeLessThan(PROPERTY_TRUTH.iecMmolPerG(aem));
  });
});

describe('an instrument cell in the world', () => {
  it('holds the samples at the location bound to the device, at its temperature', () => {
    const inventory = structuredClone(loadInventory(join(__dirname, '../../../../devices/virtual-lab.json')));
    inventory.locations.push({
      id: 'balance-1/cell',
      kind: 'measurement',
      device: 'balance-1',
      temperatureC: 30,
      capacity: 1,
    });
    const world = new VirtualLabWorld(inventory, { clock: new ManualClock(), seed: 1 });
    expect(world.instrumentCell('balance-1')).toEqual({
      location: 'balance-1/cell',
      samples: [],
      temperatureC: 30,
    });
    world.loadSample({
      id: 'a',
      basePolymer: 'ETFE',
      thicknessUm: 50,
      nominalMassG: 0.05,
      location: 'balance-1/cell',
    });
    expect(world.instrumentCell('balance-1')?.samples.map((s) => s.id)).toEqual(['a']);
    expect(world.instrumentCell('shutter-1')).toBeUndefined();
    expect(world.truth).toBe(PROPERTY_TRUTH);
  });
});
