import { monomerDescriptors, polymerDescriptors } from './material.descriptors';
import { findBasePolymer, findCoMonomer, findMonomer } from './materials.lookup';
import { CO_MONOMERS, MONOMERS } from './monomers.catalog';
import { BASE_POLYMERS } from './polymers.catalog';

const numbers = (o: object): number[] =>
  Object.values(o).flatMap((v) =>
    typeof v === 'number' ? [v] : v && typeof v === 'object' ? numbers(v) : [],
  );

describe('base polymer catalogue', () => {
  it('holds the reference §2.6 substrates, each under one name', () => {
    const ids = BASE_POLYMERS.map((p) => p.id);
    for (const id of [
      'ETFE',
      'FEP',
      'PTFE',
      'PVDF',
      'LDPE',
      'HDPE',
      'UHMWPE fibre',
      'PE/PP nonwoven',
      'PEEK',
    ])
      expect(ids).toContain(id);
    const names = BASE_POLYMERS.flatMap((p) => [p.id, ...p.aliases].map((n) => n.toLowerCase()));
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(BASE_POLYMERS.map((p) => [p.id, p] as const))('%s has plausible descriptors', (_, p) => {
    expect(numbers(p).every(Number.isFinite)).toBe(true);
    expect(p.crystallinity).toBeGreaterThan(0);
    expect(p.crystallinity).toBeLessThan(1);
    expect(p.densityGPerCm3).toBeGreaterThan(0.85);
    expect(p.densityGPerCm3).toBeLessThan(2.3);
    expect(Math.abs(p.radiationResponse)).toBeLessThanOrEqual(1);
    expect(p.trappedRadicals.tauCrystallineH).toBeGreaterThan(p.trappedRadicals.tauAmorphousH);
    if (p.form === 'nonwoven') expect(p.basisWeightGPerM2).toBeGreaterThan(0);
  });

  it('keeps the reference orderings: G(R) PP < PE, ETFE > FEP; PTFE/FEP most dose-sensitive, PE least', () => {
    const g = (n: string) => findBasePolymer(n)!.radicalYield;
    expect(g('PP')).toBeLessThan(g('LDPE'));
    expect(g('ETFE')).toBeGreaterThan(g('FEP'));
    const dMech = (n: string) => findBasePolymer(n)!.mechanics.dMechKGy;
    expect(Math.max(dMech('PTFE'), dMech('FEP'))).toBeLessThan(
      Math.min(
        ...BASE_POLYMERS.filter((p) => !['PTFE', 'FEP'].includes(p.id)).map((p) => p.mechanics.dMechKGy),
      ),
    );
    // Among the reference's substrates (PEEK, an aromatic, outlasts them all).
    expect(dMech('LDPE')).toBe(
      Math.max(...BASE_POLYMERS.filter((p) => p.id !== 'PEEK').map((p) => p.mechanics.dMechKGy)),
    );
    // UHMWPE: t½ 26 d at RT under vacuum [S]
    expect((findBasePolymer('UHMWPE fibre')!.trappedRadicals.tauCrystallineH * Math.LN2) / 24).toBeCloseTo(
      26,
      0,
    );
  });

  it("finds polymers by id or the lab's older names, case-insensitively", () => {
    expect(findBasePolymer('etfe')?.id).toBe('ETFE');
    expect(findBasePolymer('PE/PP')?.id).toBe('PE/PP nonwoven');
    expect(findBasePolymer('PE')?.id).toBe('PE/PP nonwoven');
    expect(findBasePolymer('PP')?.id).toBe('PP nonwoven');
    expect(findBasePolymer('nylon-6')).toBeUndefined();
  });
});

describe('monomer catalogue', () => {
  it('holds the reference §2.6 monomers plus hold-out candidates', () => {
    const ids = [...MONOMERS.map((m) => m.id), ...CO_MONOMERS.map((c) => c.id)];
    for (const id of ['styrene', 'VBC', 'GMA', '4-HB', 'AA', 'NVIm', 'St/NVIm 1:1', 'VBTAC', 'MMA', '4VP'])
      expect(ids).toContain(id);
    expect(new Set(ids.map((i) => i.toLowerCase())).size).toBe(ids.length);
  });

  it.each(MONOMERS.map((m) => [m.id, m] as const))('%s has consistent descriptors', (_, m) => {
    expect(numbers(m).every(Number.isFinite)).toBe(true);
    expect(m.smiles).toMatch(/^C=C/);
    expect(m.cas).toMatch(/^\d{2,7}-\d{2}-\d$/);
    expect(m.q).toBeGreaterThan(0);
    expect(m.kpRelative).toBeGreaterThan(0);
    if (m.chemistry === 'none') expect(m.functionalizedMolarMass).toBe(m.molarMass);
    else expect(m.functionalizedMolarMass).toBeGreaterThan(m.molarMass);
    if (m.group === 'sulfonic acid' || m.group === 'carboxylic acid') expect(m.ion).toBe('H+');
    if (['benzyltrimethylammonium', 'imidazolium', 'pyridinium'].includes(m.group))
      expect(m.ion).toMatch(/^(OH|Cl)-$/);
    if (m.group === 'none' || m.group === 'amine') expect(m.ion).toBe('none');
  });

  it('uses the reference IEC checks’ molar masses', () => {
    expect(findMonomer('VBC')).toMatchObject({ molarMass: 152.62, functionalizedMolarMass: 211.7 });
    expect(findMonomer('styrene')).toMatchObject({ molarMass: 104.15, functionalizedMolarMass: 184.2 });
    expect(findMonomer('4-HB')!.molarMass).toBeCloseTo(200.2, 1);
    expect(findMonomer('4-HB')!.functionalizedMolarMass).toBeCloseTo(260.3, 1);
  });

  it('defines co-monomers from catalogue monomers with fractions summing to 1', () => {
    for (const c of CO_MONOMERS) {
      expect(c.components.reduce((s, x) => s + x.fraction, 0)).toBeCloseTo(1, 12);
      for (const x of c.components) expect(findMonomer(x.monomer)).toBeDefined();
    }
    expect(findCoMonomer('st/nvim 1:1')?.chemistry).toBe('quaternization');
  });
});

describe('descriptors', () => {
  it('gives every polymer a finite, one-hot-formed feature vector', () => {
    for (const p of BASE_POLYMERS) {
      const d = polymerDescriptors(p.id);
      expect(Object.values(d).every(Number.isFinite)).toBe(true);
      expect(d.formFilm + d.formNonwoven + d.formFibre + d.formPowder).toBe(1);
    }
    expect(() => polymerDescriptors('nylon-6')).toThrow(/unknown base polymer/);
  });

  it('averages a co-graft by mole fraction; only the units the chemistry converts carry sites', () => {
    const co = monomerDescriptors('St/NVIm 1:1');
    const st = monomerDescriptors('styrene');
    const im = monomerDescriptors('NVIm');
    expect(co.q).toBeCloseTo((st.q + im.q) / 2, 12);
    expect(co.logP).toBeCloseTo((st.logP + im.logP) / 2, 12);
    expect(co.functionalSites).toBeCloseTo(0.5 * 0.9, 12); // styrene is not alkylated
    expect(co.anionExchange).toBeCloseTo(0.5, 12);
    expect(st.cationExchange).toBe(1);
    expect(monomerDescriptors('MMA').functionalSites).toBe(0);
    expect(
      monomerDescriptors(
        [
          { monomer: 'styrene', fraction: 1 },
          { monomer: 'NVIm', fraction: 1 },
        ],
        'quaternization',
      ),
    ).toEqual(co);
  });
});
