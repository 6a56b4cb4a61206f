import { combineKinetics } from './co-grafting.kinetics';
import { groundTruth, SHIPPED_WORLD } from './ground-truth.world';
import { derivedKinetics, KINETIC_TEMPLATES, rateTerms } from './kinetics.derivation';
import { kineticsFor } from './kinetics.lookup';
import { graftingOutcome } from './kinetics.model';
import type { KineticParams } from './kinetics.types';
import { findBasePolymer, findMonomer } from './materials.lookup';
import { CO_MONOMERS, MONOMERS } from './monomers.catalog';
import { BASE_POLYMERS } from './polymers.catalog';
import { ANCHORED_SYSTEMS, GMA_EMULSION_ON_PE, STYRENE_ON_ETFE } from './systems';

const GMA = GMA_EMULSION_ON_PE;
const ST = STYRENE_ON_ETFE;
/** The twins' world's systems as the first system table defined them. */
const LAB_SYSTEMS: [string, string, KineticParams][] = [
  ['PE/PP nonwoven', 'GMA', GMA],
  ['PE/PP', 'GMA', GMA],
  ['PE', 'GMA', GMA],
  ['PP', 'GMA', { ...GMA, k: 150 }],
  ['ETFE', 'styrene', ST],
  ['ETFE', 'VBC', { ...ST, alpha: 1.2 }],
  ['FEP', 'styrene', { ...ST, k: 11, alpha: 1.9, eaJPerMol: 27.9e3, dgFailPct: 150 }],
  ['PTFE', 'styrene', { ...ST, k: 9, alpha: 1.7, dgFailPct: 150 }],
  ['PE', 'VBTAC', { ...GMA, k: 0.5 }],
];
const ALL_MONOMERS = [...MONOMERS.map((m) => m.id), ...CO_MONOMERS.map((c) => c.id)];
const ALL_PAIRS = BASE_POLYMERS.flatMap((p) => ALL_MONOMERS.map((m) => [p.id, m] as const));
const polymer = (n: string) => findBasePolymer(n)!;
const monomer = (n: string) => findMonomer(n)!;
const sd = (xs: number[]) => {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};

describe('kineticsFor keeps the systems the lab already knows', () => {
  it.each(LAB_SYSTEMS)('%s × %s: unchanged, and the shipped ground truth equals it', (b, m, expected) => {
    expect(kineticsFor(b, m)).toEqual(expected);
    expect(kineticsFor(b, m, {})).toEqual(expected);
    expect(SHIPPED_WORLD.kinetics(b, m)).toEqual(expected);
    expect(groundTruth().kinetics(b, m)).toEqual(expected);
  });

  it("without options leaves the twins' world's unknown systems ungrafted; with options covers the catalogue", () => {
    expect(kineticsFor('ETFE', 'GMA')).toBeUndefined();
    expect(kineticsFor('ETFE', 'GMA', {})?.k).toBeGreaterThan(0);
    expect(kineticsFor('ETFE', 'St/NVIm 1:1', {})?.k).toBeGreaterThan(0);
    expect(kineticsFor('nylon-6', 'GMA', {})).toBeUndefined();
    expect(kineticsFor('ETFE', 'HEMA', {})).toBeUndefined();
  });
});

describe('kinetics from descriptors', () => {
  it('gives back each template system unchanged', () => {
    for (const t of Object.values(KINETIC_TEMPLATES))
      expect(derivedKinetics(polymer(t.polymer), monomer(t.monomer))).toEqual(t.params);
  });

  it('reproduces the reference anchors through the catalogue path', () => {
    // 4-HB emulsion on PE/PP nonwoven, 30 kGy, 5 wt%, 40 °C, 2 h → 132 % (135 % [S]); H(C) off as in the anchor
    const hb = { ...derivedKinetics(polymer('PE/PP nonwoven'), monomer('4-HB')), cHWtPct: Infinity };
    const emulsion = {
      doseKGy: 30,
      storageH: 0,
      storageTempC: -70,
      concentrationWtPct: 5,
      temperatureC: 40,
      timeH: 2,
      thicknessUm: 100,
      o2Fraction: 0,
    };
    expect(graftingOutcome(emulsion, hb).dgPct).toBeCloseTo(132, -0.5);
    // VBC on ETFE, 50 kGy, 60 °C, 8 h → 97 % (101 % [S])
    const vbc = kineticsFor('ETFE', 'VBC', {})!;
    const solvent = {
      ...emulsion,
      doseKGy: 50,
      concentrationWtPct: 50,
      temperatureC: 60,
      timeH: 8,
      thicknessUm: 25,
    };
    expect(graftingOutcome(solvent, vbc).dgPct).toBeCloseTo(97, -0.5);
  });

  it('explains the fitted systems to within 1.5× (VBTAC was fitted on the emulsion template, not the aqueous one)', () => {
    for (const [key, fitted] of ANCHORED_SYSTEMS) {
      const [b, m] = key.split('|');
      if (m === 'VBTAC') continue;
      const derived = derivedKinetics(polymer(b), monomer(m));
      expect(Math.abs(Math.log(fitted.k / derived.k))).toBeLessThan(Math.log(1.5));
    }
  });

  it('keeps the reference orderings: ETFE > FEP, PE > PP; PEEK slow; VBTAC barely grafts', () => {
    const k = (b: string, m: string) => derivedKinetics(polymer(b), monomer(m)).k;
    expect(k('ETFE', 'styrene')).toBeGreaterThan(1.5 * k('FEP', 'styrene'));
    expect(k('PE/PP nonwoven', 'GMA')).toBeGreaterThan(k('PP nonwoven', 'GMA'));
    expect(k('PEEK', 'styrene')).toBeLessThan(0.1 * k('ETFE', 'styrene'));
    for (const b of ['LDPE', 'HDPE', 'ETFE', 'PE/PP nonwoven'])
      expect(k(b, 'VBTAC')).toBeLessThan(0.01 * k(b, 'AA'));
    // Electron-poor fluorinated radicals prefer the electron-rich styrene (Alfrey–Price cross term)
    const polarity = (b: string) => rateTerms(polymer(b), monomer('styrene'), 60).polarity;
    expect(polarity('ETFE')).toBeGreaterThan(polarity('LDPE'));
  });

  it.each([
    ['shipped', undefined],
    ['seed 1', 1],
  ])('gives every catalogue pair finite parameters (%s world)', (_, seed) => {
    const world = groundTruth(seed);
    for (const [b, m] of ALL_PAIRS) {
      const p = world.kinetics(b, m)!;
      for (const [field, value] of Object.entries(p))
        if (field !== 'cHWtPct') expect([b, m, field, Number.isFinite(value)]).toEqual([b, m, field, true]);
      expect(p.cHWtPct).toBeGreaterThan(0);
      expect(p.k).toBeGreaterThan(0);
      expect(p.tauRefH).toBeGreaterThan(0);
      expect(p.dgFailPct).toBeGreaterThan(p.dgMinPct);
    }
  });
});

describe('seeded ground truth', () => {
  it('is the same world for the same seed, whatever is asked first, and another world for another seed', () => {
    const a = groundTruth(42);
    const b = groundTruth(42);
    const first = a.kinetics('LDPE', 'GMA');
    ALL_PAIRS.forEach(([p, m]) => b.kinetics(p, m));
    expect(b.kinetics('LDPE', 'GMA')).toEqual(first);
    expect(a.effect('LDPE', 'GMA')).toEqual(b.effect('ldpe', 'gma'));
    expect(groundTruth(43).kinetics('LDPE', 'GMA')!.k).not.toBeCloseTo(first!.k, 6);
    expect(groundTruth(0).sigma).toBe(0.25); // seed 0 is a seed, not the shipped world
  });

  it('perturbs each pair by a modest lognormal factor the descriptors do not explain', () => {
    const world = groundTruth(7);
    const singles = BASE_POLYMERS.flatMap((p) => MONOMERS.map((m) => [p.id, m.id] as const));
    const lnRate = singles.map(([p, m]) => Math.log(world.effect(p, m).rate));
    expect(Math.abs(lnRate.reduce((s, x) => s + x, 0) / lnRate.length)).toBeLessThan(0.1);
    expect(sd(lnRate)).toBeGreaterThan(0.18);
    expect(sd(lnRate)).toBeLessThan(0.32);
    expect(sd(singles.map(([p, m]) => Math.log(world.effect(p, m).hydration)))).toBeLessThan(0.2);
    // Most of the variation of ln k across systems is the descriptors' (R² > 0.9).
    const shipped = singles.map(([p, m]) => Math.log(SHIPPED_WORLD.kinetics(p, m)!.k));
    const seeded = singles.map(([p, m]) => Math.log(world.kinetics(p, m)!.k));
    const residual = seeded.map((x, i) => x - shipped[i]);
    expect(1 - sd(residual) ** 2 / sd(seeded) ** 2).toBeGreaterThan(0.9);
    expect(groundTruth(7, { sigma: 0.1 }).sigma).toBe(0.1);
  });
});

describe('co-grafting kinetics', () => {
  it('lies between its monomers and averages α by fraction', () => {
    const co = kineticsFor('ETFE', 'St/NVIm 1:1', {})!;
    const st = kineticsFor('ETFE', 'styrene', {})!;
    const im = kineticsFor('ETFE', 'NVIm', {})!;
    expect(co.k).toBeLessThan(st.k);
    expect(co.k).toBeGreaterThan(im.k);
    expect(co.k).toBeCloseTo(Math.sqrt(st.k * im.k), 6); // same reference conditions
    expect(co.alpha).toBeCloseTo((st.alpha + im.alpha) / 2, 12);
  });

  it('rebases a monomer fitted at other reference conditions before combining', () => {
    const single = combineKinetics([{ params: GMA, fraction: 1 }]);
    expect(single).toBe(GMA);
    const same = combineKinetics([
      { params: ST, fraction: 0.3 },
      { params: ST, fraction: 0.7 },
    ]);
    expect(same.k).toBeCloseTo(ST.k, 10);
    expect(same.tauRefH).toBeCloseTo(ST.tauRefH, 10);
    // GMA's rate taken at styrene's reference (50 kGy, 50 wt%, 60 °C) is far above its own k
    const mixed = combineKinetics([
      { params: ST, fraction: 0.5 },
      { params: GMA, fraction: 0.5 },
    ]);
    expect(mixed.tRefC).toBe(ST.tRefC);
    expect(mixed.k).toBeGreaterThan(Math.sqrt(ST.k * GMA.k));
  });
});
