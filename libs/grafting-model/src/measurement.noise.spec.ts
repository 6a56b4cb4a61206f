import {
  DEFAULT_MEASUREMENT_NOISE,
  observe,
  type MeasurementNoise,
  type ObservedMembrane,
} from './measurement.noise';
import { createRng } from './random';
import { predictTruth, type RecipeConditions } from './truth.model';

const recipe = { basePolymer: 'ETFE', monomers: 'VBC' };
const conditions: RecipeConditions = { doseKGy: 50, temperatureC: 60, timeH: 8, concentrationWtPct: 50 };
/** Measurement scatter alone: films graft exactly as the truth says and none is dropped. */
const MEASUREMENT_ONLY: MeasurementNoise = {
  ...DEFAULT_MEASUREMENT_NOISE,
  grafting: { cv: 0, absPct: 0, handlingFailure: 0 },
};
const N = 2000;

function ok(o: ObservedMembrane) {
  if (o.status !== 'ok') throw new Error(`unexpected failure: ${o.reason}`);
  return o;
}
const sd = (xs: number[]) => {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('observe', () => {
  const truth = predictTruth(recipe, conditions);
  const rng = createRng('noise statistics');
  const draws = Array.from({ length: N }, () =>
    ok(observe(recipe, conditions, rng, { noise: MEASUREMENT_ONLY })),
  );

  it.each([
    [
      'IEC (absolute)',
      DEFAULT_MEASUREMENT_NOISE.iecAbsMmolPerG,
      draws.map((o) => o.iecMmolPerG - truth.iecMmolPerG),
    ],
    [
      'water uptake',
      DEFAULT_MEASUREMENT_NOISE.waterUptakeRel,
      draws.map((o) => o.waterUptakePct / truth.waterUptakePct - 1),
    ],
    [
      'conductivity',
      DEFAULT_MEASUREMENT_NOISE.conductivityRel,
      draws.map((o) => o.conductivityMsPerCm(25) / truth.conductivityMsPerCm(25) - 1),
    ],
    [
      'alkaline half-life',
      DEFAULT_MEASUREMENT_NOISE.halfLifeRel,
      draws.map((o) => o.alkalineHalfLifeH! / truth.alkalineHalfLifeH! - 1),
    ],
  ])(
    'scatters %s with the declared sd (within 10 %% over 2,000 draws) and no bias',
    (_, declared, errors) => {
      expect(sd(errors)).toBeGreaterThan(0.9 * declared);
      expect(sd(errors)).toBeLessThan(1.1 * declared);
      expect(Math.abs(mean(errors))).toBeLessThan(0.15 * declared);
    },
  );

  it('measures one film’s conductivity with one calibration: every temperature scales alike', () => {
    const o = draws[0];
    expect(o.conductivityMsPerCm(80) / truth.conductivityMsPerCm(80)).toBeCloseTo(
      o.conductivityMsPerCm(25) / truth.conductivityMsPerCm(25),
      10,
    );
    // the scattered half-life is the one the retained-conductivity curve decays with
    expect(o.conductivityRetained(o.alkalineHalfLifeH!)).toBeCloseTo(0.5, 10);
  });

  it('replays exactly from the same seed', () => {
    const a = observe(recipe, conditions, createRng(5));
    const b = observe(recipe, conditions, createRng(5));
    expect(a.status).toBe(b.status);
    const snap = (o: ObservedMembrane) =>
      o.status === 'ok'
        ? {
            ...o,
            conductivityMsPerCm: o.conductivityMsPerCm(60),
            conductivityRetained: o.conductivityRetained(200),
            conductivityAfter: o.conductivityAfter(200),
          }
        : o;
    expect(snap(a)).toEqual(snap(b));
  });

  it('scatters DG between replicate films, and the properties follow the film', () => {
    const r = createRng('replicates');
    const films = Array.from({ length: N }, () => observe(recipe, conditions, r)).filter(
      (o) => o.status === 'ok',
    );
    const dgs = films.map((o) => o.dgPct);
    const noise = DEFAULT_MEASUREMENT_NOISE.grafting;
    expect(Math.abs(mean(dgs) / truth.dgPct - 1)).toBeLessThan(0.01);
    const expected = Math.hypot(noise.cv * truth.dgPct, noise.absPct);
    expect(sd(dgs)).toBeGreaterThan(0.9 * expected);
    expect(sd(dgs)).toBeLessThan(1.1 * expected);
    // a heavier film has more exchange sites
    const heavy = films.filter((o) => o.dgPct > truth.dgPct + expected);
    const light = films.filter((o) => o.dgPct < truth.dgPct - expected);
    expect(mean(heavy.map((o) => o.iecMmolPerG))).toBeGreaterThan(mean(light.map((o) => o.iecMmolPerG)));
    // ≈2 % handling failures
    expect(N - films.length).toBeGreaterThan(20);
    expect(N - films.length).toBeLessThan(65);
  });

  it('leaves the truth alone and reports the truth’s failures', () => {
    const before = predictTruth(recipe, conditions).dgPct;
    observe(recipe, conditions, createRng(1));
    expect(predictTruth(recipe, conditions).dgPct).toBe(before);
    const o = observe(
      { basePolymer: 'LDPE', monomers: 'VBTAC' },
      { ...conditions, concentrationWtPct: 30 },
      createRng(3),
      {
        noise: MEASUREMENT_ONLY,
      },
    );
    expect(o).toEqual({ status: 'failed', reason: expect.stringMatching(/did not graft/) });
  });
});
