import { degreeOfGrafting, degreeOfGraftingFromReadings, massEstimate, sampleStd } from './uncertainty';

describe('uncertainty', () => {
  it('combines repeatability and replicate spread in quadrature for the mean', () => {
    // mean 0.1000 g, s = 0.0002 g, n = 3: u² = (0.0001² + 0.0002²)/3 = 1.6667e-8
    const w0 = massEstimate({ replicates: [0.1, 0.1002, 0.0998], repeatability: 0.0001 });
    expect(w0.mean).toBeCloseTo(0.1, 12);
    expect(w0.s).toBeCloseTo(0.0002, 12);
    expect(w0.n).toBe(3);
    expect(w0.u).toBeCloseTo(1.290994e-4, 9);
  });

  it('falls back to the repeatability for one weighing and adds drift unreduced', () => {
    expect(massEstimate({ replicates: [0.2], repeatability: 0.0002 }).u).toBeCloseTo(0.0002, 12);
    // sqrt(0.0001²/2 + 0 + 0.0001²) = 1.224745e-4
    expect(massEstimate({ replicates: [0.2, 0.2], repeatability: 0.0001, drift: 0.0001 }).u).toBeCloseTo(
      1.224745e-4,
      9,
    );
    expect(sampleStd([1])).toBe(0);
  });

  it('propagates mass uncertainties into DG to first order', () => {
    // DG = 25 %, u = 100·sqrt((0.002/1)² + (1.25·0.001/1²)²) = 0.235850 %
    const dg = degreeOfGrafting({ value: 1, u: 0.001 }, { value: 1.25, u: 0.002 });
    expect(dg.value).toBeCloseTo(25, 12);
    expect(dg.uncertainty).toBeCloseTo(0.23585, 5);
  });

  it('computes DG from raw replicate weighings', () => {
    // W0 = 0.1000 ± 1.290994e-4, Wg = 0.1500 ± 7.071068e-5 → DG = 50 %, u = 100·sqrt(5e-7 + 3.75e-6) = 0.206155 %
    const dg = degreeOfGraftingFromReadings(
      { replicates: [0.1, 0.1002, 0.0998], repeatability: 0.0001 },
      { replicates: [0.15, 0.15], repeatability: 0.0001 },
    );
    expect(dg.value).toBeCloseTo(50, 9);
    expect(dg.uncertainty).toBeCloseTo(0.206155, 6);
  });

  it('refuses impossible inputs', () => {
    expect(() => degreeOfGrafting({ value: 0, u: 0 }, { value: 1, u: 0 })).toThrow(/W0/);
    expect(() => massEstimate({ replicates: [], repeatability: 0.1 })).toThrow(/at least one/);
    expect(() => massEstimate({ replicates: [1], repeatability: -1 })).toThrow(/repeatability/);
    expect(() => massEstimate({ replicates: [Number.NaN], repeatability: 0.1 })).toThrow(/not a number/);
  });
});
