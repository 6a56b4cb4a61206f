import { graftingOutcome } from './kinetics.model';
import { GMA_EMULSION_ON_PE, STYRENE_ON_ETFE } from './systems';
import { ionExchangeCapacity } from './properties';
import type { GraftingConditions } from './kinetics.types';

const gma = (over: Partial<GraftingConditions> = {}): GraftingConditions => ({
  doseKGy: 30,
  storageH: 0,
  storageTempC: -70,
  concentrationWtPct: 5,
  temperatureC: 40,
  timeH: 2,
  thicknessUm: 25,
  o2Fraction: 0,
  ...over,
});
// The anchor model leaves out H(C) (no emulsion break-up); compare with it switched off.
const anchor = { ...GMA_EMULSION_ON_PE, cHWtPct: Infinity };

describe('graftingOutcome reproduces the reference anchors (rigp_model_check.py)', () => {
  it.each([
    [0.25, 42],
    [0.5, 72],
    [1, 106],
    [2, 132],
    [4, 140],
  ])('GMA emulsion, 30 kGy, 5 wt%%, 40 °C, t = %p h → %p %%', (t, dg) => {
    expect(graftingOutcome(gma({ timeH: t }), anchor).dgPct).toBeCloseTo(dg, -0.2);
  });

  it('has its temperature optimum near 40 °C', () => {
    const at = (T: number) => graftingOutcome(gma({ temperatureC: T }), anchor).dgPct;
    expect(at(40)).toBeGreaterThan(at(25));
    expect(at(40)).toBeGreaterThan(at(60));
  });

  it('decays with storage at room temperature but not at -70 °C', () => {
    const stored = (h: number, T: number) =>
      graftingOutcome(gma({ storageH: h, storageTempC: T }), anchor).dgPct;
    expect(stored(24, 25)).toBeCloseTo(66, -0.5);
    expect(stored(168, -70)).toBeCloseTo(stored(0, -70), 0);
  });

  it.each([
    [1, 20],
    [8, 97],
    [24, 130],
  ])('styrene on ETFE, 50 kGy, 60 °C, t = %p h → %p %%', (t, dg) => {
    const c = { ...gma(), doseKGy: 50, concentrationWtPct: 50, temperatureC: 60, timeH: t };
    expect(graftingOutcome(c, STYRENE_ON_ETFE).dgPct).toBeCloseTo(dg, -0.5);
  });

  it('grows with dose and is cut by oxygen', () => {
    expect(graftingOutcome(gma({ doseKGy: 20 }), anchor).dgPct).toBeGreaterThan(
      graftingOutcome(gma({ doseKGy: 5 }), anchor).dgPct,
    );
    expect(graftingOutcome(gma({ o2Fraction: 0.5 }), anchor).dgPct).toBeLessThan(
      graftingOutcome(gma(), anchor).dgPct * 0.6,
    );
  });

  it('computes the reference IEC checks', () => {
    expect(ionExchangeCapacity(100, 152.6, 211.7)).toBeCloseTo(2.74, 2);
    expect(ionExchangeCapacity(30, 104.15, 184.2)).toBeCloseTo(1.88, 2);
  });
});
