import fc from 'fast-check';
import type { ImpedancePoint } from '../capabilities/capabilities';
import { conductivityFromResistance, highFrequencyIntercept } from './impedance.fit';

/** A membrane in a cell: R + R_ct ‖ C (arc at fc) + a blocking electrode capacitance, swept 1 MHz to 100 Hz. */
function spectrum(r: number, rct: number, fcHz: number, cdl = 20e-6, noise = () => 0): ImpedancePoint[] {
  const tau = 1 / (2 * Math.PI * fcHz);
  return Array.from({ length: 41 }, (_, i) => {
    const f = 1e6 * Math.pow(100 / 1e6, i / 40);
    const w = 2 * Math.PI * f;
    const d = 1 + (w * tau) ** 2;
    const re = r + rct / d;
    const im = (-rct * w * tau) / d - 1 / (w * cdl);
    const z = Math.hypot(re, im);
    return { fHz: f, re: re + z * noise(), im: im + z * noise() };
  });
}

/** Seeded normal deviates for repeatable noise. */
function gauss(seed: number, sd: number): () => number {
  let s = seed >>> 0 || 1;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / 4294967297;
  return () => sd * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('high-frequency intercept of a Nyquist plot', () => {
  it('recovers R of an arc with a small electrode spur, from 0.1 Ω to 1 MΩ (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1, max: 6, noNaN: true }),
        fc.double({ min: 0.2, max: 3, noNaN: true }),
        fc.double({ min: 3, max: 5, noNaN: true }),
        (logR, ratio, logFc) => {
          const r = 10 ** logR;
          const rct = r * ratio;
          // The spur at the arc's apex is a thousandth of R_ct (it shows only at the lowest frequencies).
          const cdl = 1000 / (2 * Math.PI * 10 ** logFc * rct);
          const fit = highFrequencyIntercept(spectrum(r, rct, 10 ** logFc, cdl));
          expect(fit?.fit).toBe('arc');
          expect(Math.abs(fit!.resistanceOhm - r) / r).toBeLessThan(1e-4);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stays within 0.5 % with 0.02 % noise on every point', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const fit = highFrequencyIntercept(spectrum(4000, 2600, 20e3, 20e-6, gauss(seed, 2e-4)));
      expect(fit?.fit).toBe('arc');
      expect(Math.abs(fit!.resistanceOhm - 4000) / 4000).toBeLessThan(0.005);
    }
  });

  it('falls back to the top points when there is no arc, and to Z′ of a pure resistor', () => {
    const line: ImpedancePoint[] = [
      { fHz: 1e6, re: 101, im: -1 },
      { fHz: 5e5, re: 102, im: -2 },
    ];
    expect(highFrequencyIntercept(line)).toEqual({ resistanceOhm: 100, fit: 'extrapolated' });
    const resistor = [1e6, 1e4, 1e2].map((fHz) => ({ fHz, re: 50, im: 0 }));
    expect(highFrequencyIntercept(resistor)).toEqual({ resistanceOhm: 50, fit: 'nearest' });
    expect(highFrequencyIntercept([])).toBeUndefined();
  });

  it('ignores the order the points come in', () => {
    const s = spectrum(250, 400, 5e4);
    expect(highFrequencyIntercept([...s].reverse())).toEqual(highFrequencyIntercept(s));
    expect(highFrequencyIntercept(s)!.resistanceOhm).toBeCloseTo(250, 2);
  });
});

describe('conductivity from resistance and geometry', () => {
  it('through the plane: σ = L/(R·A)', () => {
    // 50 µm film, 1 cm² electrodes, 0.1 Ω: 0.005 cm / 0.1 cm²·Ω = 0.05 S/cm.
    expect(
      conductivityFromResistance(0.1, { mode: 'through-plane', thicknessUm: 50, areaCm2: 1 }),
    ).toBeCloseTo(0.05, 12);
  });

  it('in the plane (four probes): σ = L/(R·w·d)', () => {
    // 4.25 mm between the sensing probes, 1 cm wide, 50 µm thick, 4 kΩ: 0.425/(4000·1·0.005) S/cm.
    expect(
      conductivityFromResistance(4000, {
        mode: 'in-plane',
        probeSpacingCm: 0.425,
        widthCm: 1,
        thicknessUm: 50,
      }),
    ).toBeCloseTo(0.02125, 12);
  });
});
