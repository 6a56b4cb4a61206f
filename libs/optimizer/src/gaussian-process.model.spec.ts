import { createRng } from '@graftlab/grafting-model';
import { GaussianProcess, type GpHyperparameters } from './gaussian-process.model';
import { matern52, maternKernel, scaledDistance } from './matern.kernel';
import { nelderMead } from './nelder-mead.minimizer';

const numeric1 = [0];
const numeric2 = [0, 0];

describe('Matérn 5/2 ARD kernel', () => {
  it('equals the signal variance at distance 0 and decays monotonically', () => {
    expect(matern52(0, 2.5)).toBeCloseTo(2.5, 12);
    const values = [0.1, 0.5, 1, 2, 4].map((r) => matern52(r, 1));
    values.reduce((prev, v) => {
      expect(v).toBeLessThan(prev);
      return v;
    }, 1);
    // Closed form at r = 1: (1 + √5 + 5/3)·e^(−√5).
    expect(matern52(1, 1)).toBeCloseTo((1 + Math.sqrt(5) + 5 / 3) * Math.exp(-Math.sqrt(5)), 12);
  });

  it('scales each dimension by its own length scale and treats categoricals as one-hot', () => {
    expect(scaledDistance([0.3, 0], [0.5, 0], [0.1, 1], numeric2)).toBeCloseTo(2, 12);
    expect(scaledDistance([0.3, 0], [0.3, 0.5], [0.1, 1], numeric2)).toBeCloseTo(0.5, 12);
    // A categorical (3 choices) differing: one-hot vectors are √2 apart.
    expect(scaledDistance([0, 2], [0, 1], [1, 0.5], [0, 3])).toBeCloseTo(Math.SQRT2 / 0.5, 12);
    const k = { lengthScales: [0.2, 0.7], signalVariance: 1.3 };
    expect(maternKernel([0.1, 0.9], [0.4, 0.2], k, numeric2)).toBeCloseTo(
      maternKernel([0.4, 0.2], [0.1, 0.9], k, numeric2),
      14,
    );
  });
});

describe('GaussianProcess', () => {
  const h: GpHyperparameters = { lengthScales: [0.3], signalVariance: 1, noiseVariance: 1e-8 };
  const points = [[0.1], [0.35], [0.6], [0.9]];
  const y = [0.5, -1.2, 0.8, 0.1];
  const gp = GaussianProcess.condition(h, numeric1, { points, y, noise: [0, 0, 0, 0] });

  it('interpolates noiseless data with (almost) zero variance there', () => {
    points.forEach((p, i) => {
      const { mean, variance } = gp.predict(p);
      expect(mean).toBeCloseTo(y[i], 5);
      expect(variance).toBeLessThan(1e-6);
    });
  });

  it('has a variance that shrinks near data and returns to the prior far from it', () => {
    const near = gp.predict([0.62]).variance;
    const between = gp.predict([0.75]).variance;
    const far = GaussianProcess.condition(h, numeric1, { points: [[0]], y: [0], noise: [0] }).predict([
      1,
    ]).variance;
    expect(near).toBeLessThan(between);
    expect(between).toBeLessThan(far);
    expect(far).toBeGreaterThan(0.95);
  });

  it('adds the reported uncertainty to the diagonal: noisy points are no longer interpolated', () => {
    const noisy = GaussianProcess.condition(h, numeric1, { points, y, noise: [1, 1, 1, 1] });
    expect(Math.abs(noisy.predict([0.35]).mean - y[1])).toBeGreaterThan(0.3);
    expect(noisy.predict([0.35]).variance).toBeGreaterThan(0.1);
  });

  it('gets the same posterior by appending a fantasy row as by refactorizing', () => {
    const appended = gp.withObservation([0.5], 0.3, 0.01);
    const refit = GaussianProcess.condition(h, numeric1, {
      points: [...points, [0.5]],
      y: [...y, 0.3],
      noise: [0, 0, 0, 0, 0.01],
    });
    for (const x of [[0.2], [0.5], [0.77]]) {
      expect(appended.predict(x).mean).toBeCloseTo(refit.predict(x).mean, 8);
      expect(appended.predict(x).variance).toBeCloseTo(refit.predict(x).variance, 8);
    }
    expect(appended.logMarginalLikelihood).toBeCloseTo(refit.logMarginalLikelihood, 6);
  });

  it('recovers the length scale of data drawn from a GP with ℓ = 0.15, within a factor of two', () => {
    const truth: GpHyperparameters = { lengthScales: [0.15], signalVariance: 1, noiseVariance: 1e-4 };
    const rng = createRng(11);
    const xs = Array.from({ length: 40 }, (_, i) => [(i + rng.next()) / 40]);
    // A joint draw from the prior, made sequentially: each value from the posterior given the previous ones.
    let model = GaussianProcess.condition(truth, numeric1, { points: [], y: [], noise: [] });
    const ys: number[] = [];
    for (const x of xs) {
      const { mean, variance } = model.predict(x);
      const draw = mean + Math.sqrt(variance + truth.noiseVariance) * rng.normal();
      ys.push(draw);
      model = model.withObservation(x, draw, 0);
    }
    const fitted = GaussianProcess.fit({ points: xs, y: ys, noise: xs.map(() => 0) }, numeric1, createRng(3));
    expect(fitted.hyperparameters.lengthScales[0]).toBeGreaterThan(0.075);
    expect(fitted.hyperparameters.lengthScales[0]).toBeLessThan(0.3);
    // Maximizing: the fitted hyperparameters explain the data at least as well as the defaults.
    const guess = GaussianProcess.condition(
      { lengthScales: [1], signalVariance: 1, noiseVariance: 0.01 },
      numeric1,
      fitted.data,
    );
    expect(fitted.logMarginalLikelihood).toBeGreaterThan(guess.logMarginalLikelihood);
  });

  it('gives an irrelevant dimension a much longer length scale (ARD)', () => {
    const rng = createRng(5);
    const xs = Array.from({ length: 30 }, () => [rng.next(), rng.next()]);
    const ys = xs.map(([a]) => Math.sin(6 * a));
    const fitted = GaussianProcess.fit({ points: xs, y: ys, noise: xs.map(() => 0) }, numeric2, createRng(1));
    const [relevant, irrelevant] = fitted.hyperparameters.lengthScales;
    expect(irrelevant).toBeGreaterThan(3 * relevant);
  });
});

describe('nelderMead', () => {
  it('minimizes a narrow quadratic valley', () => {
    const f = (x: readonly number[]) => (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2;
    const result = nelderMead(f, [5, 5], { maxEvaluations: 2000, tolerance: 1e-12 });
    expect(result.x[0]).toBeCloseTo(1, 3);
    expect(result.x[1]).toBeCloseTo(-2, 3);
  });
});
