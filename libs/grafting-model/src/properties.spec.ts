import { co2CapacityMmolPerG } from './adsorption.property';
import { conductivityMsPerCm } from './conductivity.property';
import { ALKALINE_TEST, conductivityRetained, halfLifeH, OXIDATIVE_TEST } from './durability.property';
import { graftComposition } from './graft.composition';
import { resolveRecipe, type GraftRecipe } from './graft.recipe';
import { findBasePolymer } from './materials.lookup';
import { elongationAtBreakPct } from './mechanics.property';
import { morphologyIndex } from './morphology.property';
import { ionExchangeCapacity } from './properties';
import { domainStructure, scatteringCurve } from './structure.property';
import { swelling, waterUptakePct } from './water-uptake.property';

const composition = (dg: number, basePolymer: string, monomers: GraftRecipe['monomers'], more = {}) =>
  graftComposition(dg, resolveRecipe({ basePolymer, monomers, ...more }));
const sigma = (dg: number, b: string, m: string, t: number, more = {}) =>
  conductivityMsPerCm(composition(dg, b, m, more), { temperatureC: t });
const DGS = [5, 10, 20, 40, 60, 80, 100, 150, 200];
const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]);

describe('ion-exchange capacity', () => {
  it('keeps the reference §1.7 stoichiometry and applies the chemistry’s conversion', () => {
    expect(ionExchangeCapacity(100, 152.6, 211.7)).toBeCloseTo(2.74, 2);
    expect(composition(100, 'ETFE', 'VBC').iecMmolPerG).toBeCloseTo(
      ionExchangeCapacity(100, 152.62, 211.7, 0.9),
      10,
    );
    expect(composition(30, 'PVDF', 'styrene').iecMmolPerG).toBeCloseTo(1.88 * 0.95, 2);
  });

  it('gives the reported 2.8 mmol/g amine density for 4-HB + ethylenediamine at DG 135 % [S]', () => {
    expect(composition(135, 'PE/PP nonwoven', '4-HB').iecMmolPerG).toBeCloseTo(2.8, 1);
  });

  it('counts only the units the chemistry converts in a co-graft, and DVB lowers conversion', () => {
    const co = composition(60, 'ETFE', 'St/NVIm 1:1');
    const im = composition(60, 'ETFE', 'NVIm');
    expect(co.iecMmolPerG).toBeGreaterThan(0.4 * im.iecMmolPerG);
    expect(co.iecMmolPerG).toBeLessThan(0.6 * im.iecMmolPerG);
    expect(co.group).toBe('imidazolium');
    expect(composition(60, 'ETFE', 'MMA').iecMmolPerG).toBe(0);
    expect(composition(60, 'ETFE', 'VBC', { crosslinkerPct: 5 }).iecMmolPerG).toBeLessThan(
      composition(60, 'ETFE', 'VBC').iecMmolPerG,
    );
  });
});

describe('water uptake and swelling', () => {
  it.each(['VBC', 'styrene', 'NVIm', 'St/NVIm 1:1', 'AA', 'GMA'])('rise with IEC (%s on ETFE)', (m) => {
    const cs = DGS.map((dg) => composition(dg, 'ETFE', m));
    expect(increasing(cs.map((c) => c.iecMmolPerG))).toBe(true);
    expect(increasing(cs.map((c) => waterUptakePct(c)))).toBe(true);
    expect(increasing(cs.map((c) => swelling(c, waterUptakePct(c)).areaPct))).toBe(true);
  });

  it('takes up more water in the OH⁻ form, when warm, and less with DVB', () => {
    const oh = composition(80, 'ETFE', 'VBC', { anionForm: 'OH-' });
    const cl = composition(80, 'ETFE', 'VBC', { anionForm: 'Cl-' });
    expect(waterUptakePct(oh)).toBeGreaterThan(waterUptakePct(cl));
    expect(waterUptakePct(oh, { temperatureC: 80 })).toBeGreaterThan(waterUptakePct(oh));
    expect(waterUptakePct(oh, { crosslinkerPct: 5 })).toBeLessThan(waterUptakePct(oh));
  });

  it('follows WU = 1.8·λ·IEC with λ in the reference’s ranges; non-ionic grafts hold a few %', () => {
    const c = composition(100, 'ETFE', 'VBC', { anionForm: 'OH-' });
    const lambda = waterUptakePct(c) / 1.8 / c.iecMmolPerG;
    expect(lambda).toBeGreaterThan(15);
    expect(lambda).toBeLessThan(40);
    expect(waterUptakePct(composition(100, 'ETFE', 'MMA'))).toBeGreaterThan(0.5);
    expect(waterUptakePct(composition(100, 'ETFE', 'MMA'))).toBeLessThan(3);
  });

  it('swells isotropically: area ≈ (1 + ΔV)^⅔ − 1, thickness ≈ (1 + ΔV)^⅓ − 1', () => {
    const c = composition(80, 'LDPE', 'VBC');
    const s = swelling(c, waterUptakePct(c));
    expect(1 + s.areaPct / 100).toBeCloseTo(Math.pow(1 + s.volumePct / 100, 2 / 3), 10);
    expect(s.thicknessPct).toBeLessThan(s.areaPct);
  });
});

describe('conductivity', () => {
  it('is 44 mS/cm for ETFE-g-VBC-TMA at DG 100 %, OH⁻, RT [S]', () => {
    expect(sigma(100, 'ETFE', 'VBC', 25, { anionForm: 'OH-' })).toBeCloseTo(44, -0.5);
  });

  it('is ≈100 mS/cm for LDPE-g-VBC-TMA at IEC 2.5 mmol/g, Cl⁻, 80 °C [S]', () => {
    let dg = 50;
    while (composition(dg, 'LDPE', 'VBC').iecMmolPerG < 2.5) dg += 0.5;
    expect(sigma(dg, 'LDPE', 'VBC', 80, { anionForm: 'Cl-' })).toBeCloseTo(100, -1);
  });

  it('is 30 mS/cm for PVDF-g-PSSA at DG 30 %, 23 °C [S]', () => {
    expect(sigma(30, 'PVDF', 'styrene', 23)).toBeCloseTo(30, -0.5);
  });

  it('has a percolation threshold: nothing below it, then rising with DG', () => {
    expect(sigma(2, 'ETFE', 'VBC', 25)).toBe(0);
    const above = DGS.map((dg) => sigma(dg, 'ETFE', 'VBC', 25)).filter((s) => s > 0);
    expect(above.length).toBeGreaterThan(5);
    expect(increasing(above)).toBe(true);
  });

  it('rises with temperature (Arrhenius) and is nearly nil for weak acids and bases or non-ionic grafts', () => {
    expect(sigma(60, 'ETFE', 'VBC', 80)).toBeGreaterThan(2 * sigma(60, 'ETFE', 'VBC', 25));
    expect(sigma(100, 'LDPE', 'AA', 25)).toBeLessThan(0.1 * sigma(100, 'LDPE', 'styrene', 25));
    expect(sigma(100, 'ETFE', 'MMA', 25)).toBe(0);
    expect(sigma(100, 'PE/PP nonwoven', 'GMA', 25)).toBe(0);
  });
});

describe('morphology and durability', () => {
  const alkali = (dg: number, m: string) => {
    const c = composition(dg, 'ETFE', m);
    const mu = morphologyIndex(c);
    return { c, mu, halfLife: halfLifeH(c.group, mu), sigma80: conductivityMsPerCm(c, { temperatureC: 80 }) };
  };

  it('turns micelle-like with DG, later when styrene shares the graft', () => {
    const homo = DGS.map((dg) => alkali(dg, 'NVIm').mu);
    expect(increasing(homo)).toBe(true);
    expect(homo[0]).toBeLessThan(0.5);
    expect(homo[homo.length - 1]).toBeGreaterThan(0.9);
    expect(alkali(40, 'St/NVIm 1:1').mu).toBeLessThan(alkali(40, 'NVIm').mu);
  });

  it('decays faster when micelle-like than reverse-micelle-like', () => {
    for (const group of ['benzyltrimethylammonium', 'imidazolium', 'pyridinium'] as const)
      expect(halfLifeH(group, 0.9)).toBeLessThan(halfLifeH(group, 0.1) / 4);
    expect(alkali(40, 'St/NVIm 1:1').halfLife).toBeGreaterThan(3 * alkali(40, 'NVIm').halfLife);
  });

  it.each([30, 40, 60])(
    'imidazolium homopolymer graft (DG %p %%) loses its conductivity within ≈150 h [S]',
    (dg) => {
      const a = alkali(dg, 'NVIm');
      expect(conductivityRetained(150, a.halfLife)).toBeLessThan(0.1);
    },
  );

  it.each([20, 30, 40])(
    'St-co-NVIm 1:1 (DG %p %%) keeps >10 mS/cm after 250 h in 1 M KOH, 80 °C [S]',
    (dg) => {
      const a = alkali(dg, 'St/NVIm 1:1');
      expect(a.sigma80 * conductivityRetained(250, a.halfLife)).toBeGreaterThan(10);
    },
  );

  it('ages faster in stronger, hotter alkali; quaternary ammonium half-lives stay within 50–2000 h', () => {
    const base = halfLifeH('benzyltrimethylammonium', 0.5);
    expect(
      halfLifeH('benzyltrimethylammonium', 0.5, { medium: 'KOH', molar: 2, temperatureC: 80 }),
    ).toBeCloseTo(base / 2, 6);
    expect(
      halfLifeH('benzyltrimethylammonium', 0.5, { medium: 'KOH', molar: 1, temperatureC: 60 }),
    ).toBeGreaterThan(3 * base);
    for (const dg of [30, 60, 100, 150]) {
      const h = alkali(dg, 'VBC').halfLife;
      expect(h).toBeGreaterThan(50);
      expect(h).toBeLessThan(2000);
    }
    expect(halfLifeH('sulfonic acid', 0.5, OXIDATIVE_TEST)).toBeLessThan(
      halfLifeH('sulfonic acid', 0.5, ALKALINE_TEST),
    );
    expect(conductivityRetained(1e6, halfLifeH('none', 0.5))).toBe(1);
    expect(conductivityRetained(100, 100)).toBeCloseTo(0.5, 12);
  });
});

describe('mechanics and adsorption', () => {
  it('loses elongation with dose and graft: PTFE most dose-sensitive, LDPE least', () => {
    const e = (b: string, d: number, dg: number) => elongationAtBreakPct(findBasePolymer(b)!, d, dg);
    expect(e('ETFE', 50, 0)).toBeLessThan(e('ETFE', 0, 0));
    expect(e('ETFE', 50, 100)).toBeLessThan(e('ETFE', 50, 0));
    const kept = (b: string) => e(b, 50, 0) / e(b, 0, 0);
    expect(kept('PTFE')).toBeLessThan(kept('FEP'));
    expect(kept('FEP')).toBeLessThan(kept('ETFE'));
    expect(kept('ETFE')).toBeLessThan(kept('LDPE'));
  });

  it('adsorbs CO2 on aminated grafts, saturating with DG', () => {
    const q = (dg: number) => co2CapacityMmolPerG(composition(dg, 'PE/PP nonwoven', 'GMA').iecMmolPerG);
    expect(increasing([50, 100, 200, 300].map(q))).toBe(true);
    expect(q(300) - q(200)).toBeLessThan(q(100) - q(50));
    expect(q(135)).toBeGreaterThan(0.3);
    expect(q(135)).toBeLessThan(2);
  });
});

describe('structure for SANS/SAXS', () => {
  it('grows the domain spacing with DG; disorder shortens ξ relative to d', () => {
    const d = (dg: number) => {
      const c = composition(dg, 'ETFE', 'VBC');
      return domainStructure(
        c.graftVolumeFraction,
        swelling(c, waterUptakePct(c)).volumePct,
        morphologyIndex(c),
      );
    };
    expect(increasing(DGS.map((dg) => d(dg).domainSpacingNm))).toBe(true);
    const ordered = domainStructure(0.3, 50, 0);
    const disordered = domainStructure(0.3, 50, 1);
    expect(ordered.domainSpacingNm).toBe(disordered.domainSpacingNm);
    expect(disordered.correlationLengthNm).toBeLessThan(ordered.correlationLengthNm);
  });

  it('gives a Teubner–Strey peak near q* = 2π/d on a log-spaced grid', () => {
    const s = { domainSpacingNm: 6, correlationLengthNm: 3 };
    const curve = scatteringCurve(s, { porod: 0, background: 0, points: 400 });
    expect(curve).toHaveLength(400);
    expect(curve[0].q).toBeCloseTo(0.05, 12);
    expect(curve[399].q).toBeCloseTo(3, 12);
    expect(curve.every((p) => p.intensity > 0)).toBe(true);
    const peak = curve.reduce((best, p) => (p.intensity > best.intensity ? p : best));
    const k = (2 * Math.PI) / 6;
    expect(peak.q).toBeCloseTo(Math.sqrt(k * k - 1 / 9), 1); // TS maximum: q² = k² − ξ⁻²
    expect(Math.abs(peak.q - k) / k).toBeLessThan(0.2);
  });
});
