import { createRng } from '@graftlab/grafting-model';
import { DescriptorGp } from './descriptor-gp.model';
import { ExactGp } from './exact-gp.model';
import { intervalCoverage } from './interval.calibration';
import { defaultPriors, encodeTheta, negativeLogPosterior } from './marginal-likelihood.fit';
import { SparsePosterior } from './sparse-gp.posterior';

/** A smooth response of three features; the fourth is irrelevant. */
const truth = (x: readonly number[]) => Math.sin(3 * x[0]) + 0.5 * Math.cos(2 * x[1]) * x[2] + x[0] * x[1];
const NOISE_SD = 0.1;

function sample(n: number, seed: number) {
  const rng = createRng(seed);
  const points = Array.from({ length: n }, () => [rng.next(), rng.next(), rng.next(), rng.next()]);
  const latent = points.map(truth);
  const values = latent.map((f) => f + rng.normal(0, NOISE_SD));
  return { points, latent, values, uncertainties: values.map(() => NOISE_SD) };
}

const rmse = (a: readonly number[], b: readonly number[]) =>
  Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length);
const sd = (a: readonly number[]) =>
  rmse(
    a,
    a.map(() => a.reduce((s, v) => s + v, 0) / a.length),
  );

describe('the marginal-likelihood gradient', () => {
  it('matches central finite differences, basis weights included', () => {
    const rng = createRng(4);
    const points = Array.from({ length: 15 }, () => [rng.next(), rng.next()]);
    const data = {
      points,
      y: points.map((x) => Math.sin(4 * x[0]) - x[1]),
      noise: points.map(() => 0.01),
      basis: points.map((x) => [1, x[0] + 0.3]),
    };
    const priors = defaultPriors(2);
    const theta = encodeTheta({
      lengthScales: [0.4, 0.9],
      signalVariance: 1.3,
      noiseVariance: 0.02,
      basisVariances: [0.5, 2],
    });
    const { gradient } = negativeLogPosterior(theta, data, priors);
    theta.forEach((_, i) => {
      const h = 1e-5;
      const up = negativeLogPosterior(
        theta.map((t, j) => (j === i ? t + h : t)),
        data,
        priors,
      ).value;
      const down = negativeLogPosterior(
        theta.map((t, j) => (j === i ? t - h : t)),
        data,
        priors,
      ).value;
      expect(gradient[i]).toBeCloseTo((up - down) / (2 * h), 4);
    });
  });
});

describe('SparsePosterior', () => {
  const { points, values } = sample(60, 7);
  const h = { lengthScales: [0.3, 0.5, 0.6, 3], signalVariance: 1, noiseVariance: 0.01 };
  const data = { points, y: values, noise: values.map(() => 0.002) };

  it('is the exact GP when every point can be an inducing point', () => {
    const exact = ExactGp.condition(h, data);
    const sparse = SparsePosterior.condition(h, data, { maxInducing: 100 });
    for (const x of [
      [0.1, 0.2, 0.3, 0.4],
      [0.9, 0.5, 0.1, 0.7],
    ]) {
      expect(sparse.predict(x).mean).toBeCloseTo(exact.predict(x).mean, 8);
      expect(sparse.predict(x).variance).toBeCloseTo(exact.predict(x).variance, 8);
    }
    const a = sparse.leaveOneOut();
    const b = exact.leaveOneOut();
    a.mean.forEach((m, i) => expect(m).toBeCloseTo(b.mean[i], 6));
    a.variance.forEach((v, i) => expect(v).toBeCloseTo(b.variance[i], 6));
  });

  it('appending observations gives the posterior of conditioning on all of them', () => {
    const more = sample(10, 8);
    const extra = { points: more.points, y: more.values, noise: more.values.map(() => 0.002) };
    const updated = SparsePosterior.condition(h, data, { maxInducing: 100 }).withObservations(extra);
    const direct = SparsePosterior.condition(
      h,
      {
        points: [...points, ...more.points],
        y: [...values, ...more.values],
        noise: [...data.noise, ...extra.noise],
      },
      { maxInducing: 100 },
    );
    for (const x of [
      [0.15, 0.25, 0.35, 0.45],
      [0.8, 0.6, 0.2, 0.1],
    ]) {
      expect(updated.predict(x).mean).toBeCloseTo(direct.predict(x).mean, 8);
      expect(updated.predict(x).variance).toBeCloseTo(direct.predict(x).variance, 8);
    }
  });

  it('with half the points as inducing points predicts about as well as exact, and more cautiously', () => {
    const many = sample(200, 10);
    const big = { points: many.points, y: many.values, noise: many.values.map(() => 0.002) };
    const exact = SparsePosterior.condition(h, big, { maxInducing: 200 });
    const sparse = SparsePosterior.condition(h, big, { maxInducing: 100 });
    expect(exact.inducingCount).toBe(200);
    expect(sparse.inducingCount).toBe(100);
    const test = sample(100, 9).points;
    const error = (m: SparsePosterior) =>
      rmse(
        test.map((x) => m.predict(x).mean),
        test.map(truth),
      );
    expect(error(sparse)).toBeLessThan(1.25 * error(exact) + 0.01);
    // The unexplained variance goes to the FITC diagonal: intervals widen, never narrow.
    const variance = (m: SparsePosterior) => test.reduce((s, x) => s + m.predict(x).variance, 0);
    expect(variance(sparse)).toBeGreaterThan(variance(exact));
  });
});

describe('DescriptorGp', () => {
  const train = sample(150, 1);
  const test = sample(300, 2);
  const gp = DescriptorGp.fit(train, { seed: 1 });
  const predictions = test.points.map((x) => gp.predict(x));
  const observed = test.points.map((x) => gp.predict(x, { observation: true, uncertainty: NOISE_SD }));
  const error = rmse(
    predictions.map((p) => p.median),
    test.latent,
  );
  const coverage = intervalCoverage(
    observed.map((p) => ({ mean: p.latentMean, sd: p.latentSd })),
    test.values,
    0.9,
  );

  it(`recovers a smooth function of 3 features (latent RMSE ${error.toFixed(3)}, ${((100 * error) / sd(test.latent)).toFixed(1)} % of its sd)`, () => {
    expect(error).toBeLessThan(0.1 * sd(test.latent));
  });

  it(`covers ${(100 * coverage).toFixed(1)} % of 300 held-out noisy values with its 90 % intervals`, () => {
    expect(coverage).toBeGreaterThanOrEqual(0.8);
    expect(coverage).toBeLessThanOrEqual(0.95);
  });

  it('switches the irrelevant feature off (ARD: a much longer length scale)', () => {
    const [a, b, c, irrelevant] = gp.hyperparameters.lengthScales;
    expect(irrelevant).toBeGreaterThan(3 * Math.max(a, b, c));
  });

  it('reports its leave-one-out calibration', () => {
    expect(gp.calibration.method).toBe('leave-one-out');
    expect(gp.calibration.residuals).toBe(150);
    expect(gp.calibration.calibratedCoverage).toBeCloseTo(0.9, 1);
  });
});

describe('DescriptorGp calibration and updates', () => {
  const train = sample(120, 3);
  const test = sample(300, 4);
  // Hyperparameters that take the data for about twice less noisy than it is (standardized noise sd 0.12, not
  // 0.27), and no reported uncertainty.
  const overconfident = { lengthScales: [0.4, 0.6, 0.6, 5], signalVariance: 1, noiseVariance: 0.015 };
  const observations = { points: train.points, values: train.values };
  const raw = DescriptorGp.fit(observations, { hyperparameters: overconfident, calibration: 'none' });
  const calibrated = DescriptorGp.fit(observations, { hyperparameters: overconfident });
  const coverage = (gp: DescriptorGp) =>
    intervalCoverage(
      test.points.map((x) => {
        const p = gp.predict(x, { observation: true });
        return { mean: p.latentMean, sd: p.latentSd };
      }),
      test.values,
      0.9,
    );
  const before = coverage(raw);
  const after = coverage(calibrated);

  it(`widens over-confident intervals: held-out 90 % coverage ${(100 * before).toFixed(0)} % raw, ${(100 * after).toFixed(0)} % with the leave-one-out variance scale ×${calibrated.calibration.scale.toFixed(2)}`, () => {
    expect(before).toBeLessThan(0.75);
    expect(after).toBeGreaterThanOrEqual(0.8);
    expect(after).toBeLessThanOrEqual(0.95);
    expect(calibrated.calibration.rawCoverage).toBeLessThan(0.75);
  });

  it('updates with new observations like a reconditioning on all of them (same hyperparameters), to the inducing tolerance', () => {
    const more = sample(15, 6);
    const h = { lengthScales: [0.3, 0.5, 0.6, 3], signalVariance: 1, noiseVariance: 0.01 };
    const first = DescriptorGp.fit(train, { hyperparameters: h, calibration: 'none' });
    const updated = first.withObservations(more);
    const direct = DescriptorGp.fit(
      {
        points: [...train.points, ...more.points],
        values: [...train.values, ...more.values],
        uncertainties: [...train.uncertainties, ...more.uncertainties],
      },
      { hyperparameters: h, standardization: first.standardization, calibration: 'none' },
    );
    for (const x of test.points.slice(0, 5)) {
      // Points the inducing set explains to within 1 % of the noise are not made inducing points, and the two
      // paths pick them in a different order: agreement to ~1e-4, not to rounding.
      expect(updated.predict(x).latentMean).toBeCloseTo(direct.predict(x).latentMean, 3);
      expect(updated.predict(x).latentSd).toBeCloseTo(direct.predict(x).latentSd, 3);
    }
    expect(updated.size).toBe(135);
    expect(updated.version).not.toBe(first.version);
    expect(first.withObservations(more).version).toBe(updated.version);
  });

  it('refits on demand, warm-started from its hyperparameters', () => {
    const refitted = DescriptorGp.fit(train, { seed: 2, starts: 1 }).refit({ starts: 1 });
    expect(refitted.size).toBe(120);
    expect(refitted.hyperparameters.lengthScales[3]).toBeGreaterThan(1);
  });

  it('works on a log scale with relative uncertainties', () => {
    const positive = train.values.map((v) => Math.exp(v));
    const gp = DescriptorGp.fit(
      { points: train.points, values: positive, uncertainties: positive.map((v) => NOISE_SD * v) },
      { transform: 'log', seed: 3 },
    );
    const x = test.points[0];
    expect(Math.log(gp.predict(x).median)).toBeCloseTo(truth(x), 0);
    expect(() => DescriptorGp.fit({ points: [[0]], values: [-1] }, { transform: 'log' })).toThrow(/domain/);
  });
});
