import { groundTruth } from './ground-truth.world';
import { graftingOutcome } from './kinetics.model';
import { GMA_EMULSION_ON_PE } from './systems';
import { predictTruth, type MembraneTruth, type RecipeConditions } from './truth.model';

const emulsion: RecipeConditions = { doseKGy: 30, temperatureC: 40, timeH: 2, concentrationWtPct: 5 };
const solvent: RecipeConditions = { doseKGy: 50, temperatureC: 60, timeH: 8, concentrationWtPct: 50 };

/** The numbers of a truth, its functions taken at fixed points, so two truths can be compared. */
const snapshot = (t: MembraneTruth) => ({
  ...t,
  conductivityMsPerCm: [25, 80].map((T) => t.conductivityMsPerCm(T)),
  conductivityRetained: [100, 500].map((h) => t.conductivityRetained(h)),
  conductivityAfter: t.conductivityAfter(250),
});

describe('predictTruth', () => {
  it('grafts the lab’s fitted systems exactly as the kinetics say', () => {
    const t = predictTruth({ basePolymer: 'PE/PP nonwoven', monomers: 'GMA' }, emulsion);
    const o = graftingOutcome(
      { ...emulsion, storageH: 0, storageTempC: -70, thicknessUm: 100, o2Fraction: 0 },
      GMA_EMULSION_ON_PE,
    );
    expect(t.dgPct).toBe(o.dgPct);
    expect(t.failed).toBeUndefined();
  });

  it('carries the VBC-on-ETFE anchor through to 44 mS/cm OH⁻ at RT (DG ≈ 97 % at 50 kGy, 8 h)', () => {
    const t = predictTruth({ basePolymer: 'ETFE', monomers: 'VBC', anionForm: 'OH-' }, solvent);
    expect(t.dgPct).toBeCloseTo(97, -0.5);
    expect(t.iecMmolPerG).toBeCloseTo(2.43, 1);
    expect(t.conductivityMsPerCm(25)).toBeGreaterThan(40);
    expect(t.conductivityMsPerCm(25)).toBeLessThan(50);
    expect(t.group).toBe('benzyltrimethylammonium');
    expect(t.alkalineHalfLifeH).toBeGreaterThan(50);
    expect(t.conductivityAfter(500)).toBeCloseTo(t.conductivityMsPerCm(80) * t.conductivityRetained(500), 10);
    expect(t.domainSpacingNm).toBeGreaterThan(t.correlationLengthNm);
  });

  it('reports the §2.6 failure modes', () => {
    expect(
      predictTruth({ basePolymer: 'LDPE', monomers: 'VBTAC' }, { ...emulsion, concentrationWtPct: 30 })
        .failed,
    ).toMatch(/did not graft/);
    expect(
      predictTruth(
        { basePolymer: 'ETFE', monomers: 'styrene' },
        { ...solvent, doseKGy: 100, timeH: 24, concentrationWtPct: 100 },
      ).failed,
    ).toMatch(/ruptured/);
    expect(
      predictTruth(
        { basePolymer: 'PE/PP nonwoven', monomers: 'GMA' },
        { ...emulsion, concentrationWtPct: 15 },
      ).failed,
    ).toMatch(/emulsion broke up/);
    expect(
      predictTruth({ basePolymer: 'PTFE', monomers: 'styrene' }, { ...solvent, doseKGy: 100 }).failed,
    ).toMatch(/too brittle/);
  });

  it('grafts a co-monomer recipe like its components by fraction, however the fractions are written', () => {
    const named = predictTruth({ basePolymer: 'ETFE', monomers: 'St/NVIm 1:1' }, solvent);
    const listed = predictTruth(
      {
        basePolymer: 'ETFE',
        monomers: [
          { monomer: 'styrene', fraction: 1 },
          { monomer: 'NVIm', fraction: 1 },
        ],
        chemistry: 'quaternization',
      },
      solvent,
    );
    expect(listed.dgPct).toBeCloseTo(named.dgPct, 10);
    expect(listed.iecMmolPerG).toBeCloseTo(named.iecMmolPerG, 10);
    expect(listed.monomers).toBe('styrene 0.5 / NVIm 0.5');
    const st = predictTruth({ basePolymer: 'ETFE', monomers: 'styrene' }, solvent).dgPct;
    const im = predictTruth({ basePolymer: 'ETFE', monomers: 'NVIm' }, solvent).dgPct;
    expect(named.dgPct).toBeGreaterThan(im);
    expect(named.dgPct).toBeLessThan(st);
  });

  it('is the same for the same seed and differs between seeds; the shipped world is the seed-less one', () => {
    const recipe = { basePolymer: 'LDPE', monomers: 'VBC' };
    expect(snapshot(predictTruth(recipe, solvent, 7))).toEqual(snapshot(predictTruth(recipe, solvent, 7)));
    expect(snapshot(predictTruth(recipe, solvent, groundTruth(7)))).toEqual(
      snapshot(predictTruth(recipe, solvent, 7)),
    );
    expect(predictTruth(recipe, solvent, 8).dgPct).not.toBeCloseTo(predictTruth(recipe, solvent, 7).dgPct, 3);
    expect(snapshot(predictTruth(recipe, solvent))).toEqual(
      snapshot(predictTruth(recipe, solvent, groundTruth())),
    );
  });

  it('answers the lab’s older substrate names and rejects unknown materials', () => {
    expect(predictTruth({ basePolymer: 'PE', monomers: 'GMA' }, emulsion).basePolymer).toBe('PE/PP nonwoven');
    expect(() => predictTruth({ basePolymer: 'nylon-6', monomers: 'GMA' }, emulsion)).toThrow(
      /unknown base polymer/,
    );
    expect(() => predictTruth({ basePolymer: 'ETFE', monomers: 'HEMA' }, emulsion)).toThrow(
      /unknown monomer/,
    );
    expect(() => predictTruth({ basePolymer: 'ETFE', monomers: [] }, emulsion)).toThrow(
      /at least one monomer/,
    );
  });

  it('gives adsorption capacity only for aminated grafts', () => {
    expect(
      predictTruth({ basePolymer: 'PE/PP nonwoven', monomers: 'GMA' }, emulsion).adsorptionCapacityMmolPerG,
    ).toBeGreaterThan(0);
    expect(
      predictTruth({ basePolymer: 'ETFE', monomers: 'VBC' }, solvent).adsorptionCapacityMmolPerG,
    ).toBeUndefined();
  });
});
