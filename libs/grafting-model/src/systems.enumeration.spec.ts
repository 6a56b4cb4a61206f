import { createRng } from './random';
import {
  CONCENTRATION_RANGES,
  materialSystems,
  sampleConditions,
  STANDARD_RANGES,
} from './systems.enumeration';
import { predictTruth } from './truth.model';

const has = (systems: ReturnType<typeof materialSystems>, b: string, m: string) =>
  systems.some((s) => s.basePolymer === b && s.monomer === m);

describe('materialSystems', () => {
  const systems = materialSystems();

  it('lists the catalogue pairs that graft somewhere in the standard ranges', () => {
    expect(systems.length).toBeGreaterThanOrEqual(8);
    for (const [b, m] of [
      ['ETFE', 'styrene'],
      ['ETFE', 'VBC'],
      ['ETFE', 'St/NVIm 1:1'],
      ['PE/PP nonwoven', 'GMA'],
      ['PE/PP nonwoven', '4-HB'],
      ['LDPE', 'AA'],
    ])
      expect(has(systems, b, m)).toBe(true);
    // VBTAC does not graft on PE by itself [S]
    for (const b of ['LDPE', 'HDPE', 'ETFE']) expect(has(systems, b, 'VBTAC')).toBe(false);
    expect(systems.every((s) => s.maxDgPct > s.dgMinPct)).toBe(true);
  });

  it('gives each system the standard window and its medium’s concentrations', () => {
    for (const s of systems) {
      expect(s.ranges.doseKGy).toEqual([5, 100]);
      expect(s.ranges.temperatureC).toEqual([25, 80]);
      expect(s.ranges.timeH).toEqual([0.5, 24]);
      expect(s.ranges.concentrationWtPct).toEqual(CONCENTRATION_RANGES[s.medium]);
    }
    expect(systems.find((s) => s.monomer === 'GMA')?.medium).toBe('water-emulsion');
    expect(systems.find((s) => s.monomer === 'St/NVIm 1:1')?.medium).toBe('toluene');
    expect(STANDARD_RANGES.doseKGy).toEqual([5, 100]);
  });

  it('can ask for more than a trace of graft', () => {
    const useful = materialSystems(undefined, { minDgPct: 20 });
    expect(useful.length).toBeLessThan(systems.length);
    expect(useful.every((s) => s.maxDgPct > 20)).toBe(true);
    expect(has(useful, 'PE/PP nonwoven', 'VBTAC')).toBe(false);
  });

  it('supports a synthetic database of ≥500 samples over ≥8 systems, replayable from its seeds', () => {
    const build = () => {
      const world = 11;
      const pool = materialSystems(world, { minDgPct: 20 });
      const rng = createRng('synthetic database');
      return Array.from({ length: 600 }, (_, i) => {
        const s = pool[i % pool.length];
        const c = sampleConditions(s, rng);
        const t = predictTruth({ basePolymer: s.basePolymer, monomers: s.monomer }, c, world);
        return { system: `${s.basePolymer} × ${s.monomer}`, c, t };
      });
    };
    const db = build();
    const sound = db.filter((x) => !x.t.failed);
    expect(sound.length).toBeGreaterThanOrEqual(300);
    expect(new Set(sound.map((x) => x.system)).size).toBeGreaterThanOrEqual(8);
    for (const { t } of db) {
      for (const v of [
        t.dgPct,
        t.iecMmolPerG,
        t.waterUptakePct,
        t.conductivityMsPerCm(80),
        t.elongationPct,
        t.domainSpacingNm,
      ])
        expect(Number.isFinite(v)).toBe(true);
      expect(t.conductivityRetained(500)).toBeGreaterThanOrEqual(0);
      expect(t.conductivityRetained(500)).toBeLessThanOrEqual(1);
    }
    for (const { c } of db) {
      expect(c.doseKGy).toBeGreaterThanOrEqual(STANDARD_RANGES.doseKGy[0]);
      expect(c.doseKGy).toBeLessThanOrEqual(STANDARD_RANGES.doseKGy[1]);
    }
    expect(
      build()
        .slice(0, 20)
        .map((x) => x.t.dgPct),
    ).toEqual(db.slice(0, 20).map((x) => x.t.dgPct));
  });
});
