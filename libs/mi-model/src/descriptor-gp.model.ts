import { createRng, type Rng } from '@graftlab/grafting-model';
import type { MaternHyperparameters } from './ard-matern.kernel';
import { groupFolds, varianceScaleFromResiduals } from './interval.calibration';
import { fitHyperparameters, type HyperparameterPriors } from './marginal-likelihood.fit';
import { MI_MODEL_CODE_VERSION, versionHash } from './model-version.hash';
import { centralIntervalZ } from './normal.distribution';
import { PropertyPrediction } from './property.prediction';
import { outputTransform, type OutputTransform, type TransformKind } from './property.transform';
import { SparsePosterior, type PosteriorPoint } from './sparse-gp.posterior';

/** Observations of one property at encoded inputs (normalized feature vectors). */
export interface GpObservations {
  readonly points: readonly (readonly number[])[];
  readonly values: readonly number[];
  /** Standard uncertainty of each value in the value's unit; 0 or absent when unknown. */
  readonly uncertainties?: readonly number[];
  /** Record ids: they order the data canonically and enter the model version. */
  readonly ids?: readonly string[];
  /** A group per observation (its material system), for group cross-validation. */
  readonly groups?: readonly string[];
}

/**
 * How the raw intervals are checked and corrected: closed-form leave-one-out residuals (cheap, right for
 * predicting new conditions of known systems) or k-fold over groups (right for predicting unseen systems).
 */
export type CalibrationMethod = 'leave-one-out' | 'group-k-fold' | 'none';

export interface Standardization {
  readonly offset: number;
  readonly scale: number;
}

export interface DescriptorGpOptions {
  readonly transform?: TransformKind;
  readonly seed?: number | string;
  /** Likelihood optimizer starts (default 3) and iterations per start (default 80). */
  readonly starts?: number;
  readonly maxIterations?: number;
  /** Hyperparameters are fitted on a random subset of at most this many observations (default 300). */
  readonly maxFitPoints?: number;
  /** The posterior uses at most this many inducing points (default 500); below it, it is exact. */
  readonly maxInducing?: number;
  /** Fixed hyperparameters: no fit (reconditioning). */
  readonly hyperparameters?: MaternHyperparameters;
  /** An extra optimizer start (a previous fit). */
  readonly initialHyperparameters?: MaternHyperparameters;
  readonly standardization?: Standardization;
  readonly calibration?: CalibrationMethod;
  /** Interval level the variance scale is fitted for (default 0.9) and folds for group-k-fold (default 5). */
  readonly calibrationLevel?: number;
  readonly folds?: number;
  readonly priors?: HyperparameterPriors;
}

export interface CalibrationReport {
  readonly method: CalibrationMethod;
  readonly level: number;
  /** The standard-deviation multiplier applied to every prediction. */
  readonly scale: number;
  /** Cross-validated coverage of central `level` intervals before and after the scale (NaN without residuals). */
  readonly rawCoverage: number;
  readonly calibratedCoverage: number;
  readonly residuals: number;
}

/** A latent posterior point in the transformed scale, for joint sampling. */
export interface LatentPoint {
  readonly mean: number;
  readonly variance: number;
  readonly handle: PosteriorPoint;
}

const DEFAULTS = { starts: 3, maxIterations: 80, maxFitPoints: 300, maxInducing: 500, folds: 5, level: 0.9 };

interface Data {
  readonly points: (readonly number[])[];
  readonly values: number[];
  readonly uncertainties: number[];
  readonly ids: string[];
  readonly groups: string[];
}

/**
 * A Gaussian process over descriptor + condition features for one property: ARD Matérn 5/2, the known
 * uncertainty of each observation on the diagonal plus a fitted noise, outputs transformed (log for positive
 * properties) and standardized, hyperparameters by multi-start type-II MAP on a subset, the posterior over all
 * data through pivoted-Cholesky inducing points (exact below `maxInducing`), and a variance scale from
 * cross-validation. Immutable: updates return a new model.
 */
export class DescriptorGp {
  readonly version: string;

  private constructor(
    readonly transform: OutputTransform,
    readonly hyperparameters: MaternHyperparameters,
    readonly standardization: Standardization,
    readonly calibration: CalibrationReport,
    private readonly posterior: SparsePosterior,
    private readonly data: Data,
    private readonly options: DescriptorGpOptions,
  ) {
    this.version = versionHash('gp', {
      code: MI_MODEL_CODE_VERSION,
      transform: transform.kind,
      hyperparameters,
      standardization,
      calibrationScale: calibration.scale,
      inducing: posterior.inducingCount,
      data: data.ids.map((id, i) => [id, data.values[i], data.uncertainties[i], data.points[i]]),
    });
  }

  static fit(observations: GpObservations, options: DescriptorGpOptions = {}): DescriptorGp {
    const transform = outputTransform(options.transform ?? 'identity');
    const data = canonicalData(observations, transform);
    const n = data.values.length;
    if (n === 0) throw new Error('DescriptorGp.fit: no observations');
    const t = data.values.map((v) => transform.forward(v));
    const standardization = options.standardization ?? standardize(t);
    const y = t.map((v) => (v - standardization.offset) / standardization.scale);
    const noise = data.values.map((v, i) =>
      knownVariance(v, data.uncertainties[i], transform, standardization),
    );
    const rng = createRng(options.seed ?? 'descriptor-gp');
    const hyperparameters =
      options.hyperparameters ?? fitOnSubset(data.points, y, noise, options, rng.fork('hyperparameters'));
    const maxInducing = options.maxInducing ?? DEFAULTS.maxInducing;
    const posterior = SparsePosterior.condition(
      hyperparameters,
      { points: data.points, y, noise },
      { maxInducing },
    );
    const calibration = calibrate(posterior, data, y, noise, options, rng.fork('calibration'));
    return new DescriptorGp(
      transform,
      hyperparameters,
      standardization,
      calibration,
      posterior,
      data,
      options,
    );
  }

  get size(): number {
    return this.data.values.length;
  }

  get inducingCount(): number {
    return this.posterior.inducingCount;
  }

  get dimension(): number {
    return this.hyperparameters.lengthScales.length;
  }

  /** The property's predictive distribution at x: the latent value, or a new observation when asked. */
  predict(
    x: readonly number[],
    options: { observation?: boolean; uncertainty?: number } = {},
  ): PropertyPrediction {
    const { mean, variance } = this.posterior.predict(x);
    let v = variance;
    if (options.observation) {
      v += this.hyperparameters.noiseVariance;
      if (options.uncertainty) {
        const median = this.transform.inverse(
          this.standardization.offset + this.standardization.scale * mean,
        );
        v += knownVariance(median, options.uncertainty, this.transform, this.standardization);
      }
    }
    const s = this.standardization;
    return new PropertyPrediction(
      this.transform,
      s.offset + s.scale * mean,
      s.scale * this.calibration.scale * Math.sqrt(v),
    );
  }

  /** The posterior mean in the transformed scale (O(m), no variance). */
  latentMean(x: readonly number[]): number {
    return this.standardization.offset + this.standardization.scale * this.posterior.mean(x);
  }

  latentPoint(x: readonly number[]): LatentPoint {
    const handle = this.posterior.point(x);
    const s = this.standardization.scale * this.calibration.scale;
    return {
      mean: this.standardization.offset + this.standardization.scale * handle.mean,
      variance: s * s * handle.variance,
      handle,
    };
  }

  /** Posterior covariance of the latent property (transformed scale) between two points. */
  latentCovariance(a: LatentPoint, b: LatentPoint): number {
    const s = this.standardization.scale * this.calibration.scale;
    return s * s * this.posterior.covariance(a.handle, b.handle);
  }

  /**
   * The model with more observations, hyperparameters, standardization and calibration kept: the Cholesky factors
   * are extended or rank-one updated (see SparsePosterior.withObservations), O(n·m) per point instead of a refit.
   */
  withObservations(observations: GpObservations): DescriptorGp {
    const added = canonicalData(observations, this.transform, false);
    const s = this.standardization;
    const y = added.values.map((v) => (this.transform.forward(v) - s.offset) / s.scale);
    const noise = added.values.map((v, i) => knownVariance(v, added.uncertainties[i], this.transform, s));
    const posterior = this.posterior.withObservations({ points: added.points, y, noise });
    const offset = this.data.values.length;
    const data: Data = {
      points: [...this.data.points, ...added.points],
      values: [...this.data.values, ...added.values],
      uncertainties: [...this.data.uncertainties, ...added.uncertainties],
      ids: [...this.data.ids, ...added.ids.map((id, i) => (observations.ids ? id : String(offset + i)))],
      groups: [...this.data.groups, ...added.groups],
    };
    return new DescriptorGp(
      this.transform,
      this.hyperparameters,
      s,
      this.calibration,
      posterior,
      data,
      this.options,
    );
  }

  /** A full refit on all data so far: new standardization, hyperparameters (warm-started), inducing set, calibration. */
  refit(options: DescriptorGpOptions = {}): DescriptorGp {
    const { hyperparameters: _fixed, standardization: _kept, ...rest } = this.options;
    return DescriptorGp.fit(this.observations(), {
      ...rest,
      initialHyperparameters: this.hyperparameters,
      transform: this.transform.kind,
      ...options,
    });
  }

  /** The training data, in model order. */
  observations(): GpObservations {
    return { ...this.data };
  }

  /** Closed-form leave-one-out residuals standardized by their predictive sd (before the calibration scale). */
  leaveOneOutResiduals(): number[] {
    const loo = this.posterior.leaveOneOut();
    const s = this.standardization;
    return this.data.values.map((v, i) => {
      const y = (this.transform.forward(v) - s.offset) / s.scale;
      return (y - loo.mean[i]) / Math.sqrt(loo.variance[i]);
    });
  }
}

function canonicalData(observations: GpObservations, transform: OutputTransform, sort = true): Data {
  const n = observations.values.length;
  const { points, uncertainties, ids, groups } = observations;
  if (points.length !== n) throw new Error(`GP observations: ${points.length} points for ${n} values`);
  if (uncertainties && uncertainties.length !== n)
    throw new Error('GP observations: one uncertainty per value');
  if (ids && ids.length !== n) throw new Error('GP observations: one id per value');
  if (groups && groups.length !== n) throw new Error('GP observations: one group per value');
  const d = points[0]?.length ?? 0;
  observations.values.forEach((v, i) => {
    if (points[i].length !== d)
      throw new Error(`GP observations: point ${i} has ${points[i].length} features, not ${d}`);
    if (!transform.accepts(v))
      throw new Error(`GP observations: value ${v} is outside the ${transform.kind} transform's domain`);
    if (points[i].some((f) => !Number.isFinite(f)))
      throw new Error(`GP observations: point ${i} has a non-finite feature`);
  });
  const order = Array.from({ length: n }, (_, i) => i);
  // Ids order the data canonically, so the same records in any order give the same model.
  if (sort && ids) order.sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : a - b));
  return {
    points: order.map((i) => points[i]),
    values: order.map((i) => observations.values[i]),
    uncertainties: order.map((i) => Math.abs(uncertainties?.[i] ?? 0)),
    ids: order.map((i) => ids?.[i] ?? String(i)),
    groups: order.map((i) => groups?.[i] ?? ids?.[i] ?? String(i)),
  };
}

function standardize(t: readonly number[]): Standardization {
  const offset = t.reduce((s, v) => s + v, 0) / t.length;
  const sd = Math.sqrt(t.reduce((s, v) => s + (v - offset) ** 2, 0) / t.length);
  return { offset, scale: sd > 1e-9 ? sd : 1 };
}

/** A reported standard uncertainty as a variance in model units (delta method through the transform). */
function knownVariance(
  value: number,
  uncertainty: number,
  transform: OutputTransform,
  s: Standardization,
): number {
  return ((uncertainty * transform.slope(value)) / s.scale) ** 2;
}

function fitOnSubset(
  points: readonly (readonly number[])[],
  y: readonly number[],
  noise: readonly number[],
  options: DescriptorGpOptions,
  rng: Rng,
): MaternHyperparameters {
  const limit = options.maxFitPoints ?? DEFAULTS.maxFitPoints;
  const index = Array.from({ length: y.length }, (_, i) => i);
  if (index.length > limit) {
    // Subset of data: a uniform random subset (partial Fisher–Yates) keeps the fit O(limit³) for any n.
    for (let i = 0; i < limit; i++) {
      const j = i + Math.floor(rng.next() * (index.length - i));
      [index[i], index[j]] = [index[j], index[i]];
    }
    index.length = limit;
  }
  const fit = fitHyperparameters(
    { points: index.map((i) => points[i]), y: index.map((i) => y[i]), noise: index.map((i) => noise[i]) },
    {
      rng,
      starts: options.starts ?? DEFAULTS.starts,
      maxIterations: options.maxIterations ?? DEFAULTS.maxIterations,
      initial: options.initialHyperparameters ? [options.initialHyperparameters] : [],
      priors: options.priors,
    },
  );
  const { lengthScales, signalVariance, noiseVariance } = fit.hyperparameters;
  return { lengthScales, signalVariance, noiseVariance };
}

function calibrate(
  posterior: SparsePosterior,
  data: Data,
  y: readonly number[],
  noise: readonly number[],
  options: DescriptorGpOptions,
  rng: Rng,
): CalibrationReport {
  const method = options.calibration ?? 'leave-one-out';
  const level = options.calibrationLevel ?? DEFAULTS.level;
  let z: number[] = [];
  if (method === 'leave-one-out') {
    const loo = posterior.leaveOneOut();
    z = y.map((v, i) => (v - loo.mean[i]) / Math.sqrt(loo.variance[i]));
  } else if (method === 'group-k-fold') {
    z = groupCrossValidation(posterior, data, y, noise, options.folds ?? DEFAULTS.folds, options, rng);
  }
  const scale = varianceScaleFromResiduals(z, level);
  const limit = centralIntervalZ(level);
  const covered = (s: number) =>
    z.length ? z.filter((r) => Math.abs(r) <= limit * s).length / z.length : Number.NaN;
  return {
    method,
    level,
    scale,
    rawCoverage: covered(1),
    calibratedCoverage: covered(scale),
    residuals: z.length,
  };
}

/** Standardized residuals of each group predicted by a posterior conditioned on the other folds (same hyperparameters). */
function groupCrossValidation(
  posterior: SparsePosterior,
  data: Data,
  y: readonly number[],
  noise: readonly number[],
  folds: number,
  options: DescriptorGpOptions,
  rng: Rng,
): number[] {
  const distinct = [...new Set(data.groups)];
  if (distinct.length < 2) return [];
  // Shuffle the groups so folds do not follow the id order.
  for (let i = distinct.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [distinct[i], distinct[j]] = [distinct[j], distinct[i]];
  }
  const assignment = groupFolds(distinct, folds);
  const foldOfGroup = new Map(distinct.map((g, i) => [g, assignment[i]]));
  const fold = data.groups.map((g) => foldOfGroup.get(g)!);
  const h = posterior.hyperparameters;
  const z = new Array<number>(y.length);
  for (let f = 0; f < Math.min(folds, distinct.length); f++) {
    const train = fold.flatMap((k, i) => (k === f ? [] : [i]));
    const test = fold.flatMap((k, i) => (k === f ? [i] : []));
    const model = SparsePosterior.condition(
      h,
      {
        points: train.map((i) => data.points[i]),
        y: train.map((i) => y[i]),
        noise: train.map((i) => noise[i]),
      },
      { maxInducing: options.maxInducing ?? DEFAULTS.maxInducing },
    );
    for (const i of test) {
      const p = model.predict(data.points[i]);
      z[i] = (y[i] - p.mean) / Math.sqrt(p.variance + h.noiseVariance + noise[i]);
    }
  }
  return z;
}
