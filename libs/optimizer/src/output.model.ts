import type { Rng } from '@graftlab/grafting-model';
import { GaussianProcess, type GpFitOptions } from './gaussian-process.model';
import type { Point } from './space.encoding';
import type { Target } from './space.schema';

/** How an output is seen by its model. log1p tames the degree of grafting, which spans 1 % to several 100 %. */
export interface OutputTransform {
  forward(y: number): number;
  inverse(t: number): number;
  /** d forward / dy, to carry a reported uncertainty into model units (delta method). */
  slope(y: number): number;
}

const IDENTITY: OutputTransform = { forward: (y) => y, inverse: (t) => t, slope: () => 1 };
const LOG1P: OutputTransform = {
  forward: (y) => Math.log1p(y),
  inverse: (t) => Math.expm1(t),
  slope: (y) => 1 / (1 + y),
};

export function transformOf(target: Target): OutputTransform {
  return target.transform === 'log1p' ? LOG1P : IDENTITY;
}

/** One measured output: transformed, standardized, and a GP on top. Predictions come back in model units. */
export class OutputModel {
  private constructor(
    readonly target: Target,
    readonly transform: OutputTransform,
    readonly gp: GaussianProcess,
    private readonly offset: number,
    private readonly scale: number,
    /** From a point to the GP's inputs (descriptors for materials); the identity without. */
    private readonly features: (x: Point) => Point = (x) => x,
  ) {}

  static fit(
    target: Target,
    points: readonly Point[],
    values: readonly number[],
    uncertainties: readonly (number | undefined)[],
    cardinality: readonly number[],
    rng: Rng,
    options?: GpFitOptions,
    features?: (x: Point) => Point,
  ): OutputModel {
    const transform = transformOf(target);
    const t = values.map((y) => transform.forward(y));
    const offset = t.reduce((s, v) => s + v, 0) / t.length;
    const sd = Math.sqrt(t.reduce((s, v) => s + (v - offset) ** 2, 0) / t.length);
    const scale = sd > 1e-9 ? sd : 1;
    const noise = values.map((y, i) => {
      const u = uncertainties[i];
      return u === undefined ? 0 : ((u * transform.slope(y)) / scale) ** 2;
    });
    const gp = GaussianProcess.fit(
      { points: features ? points.map(features) : points, y: t.map((v) => (v - offset) / scale), noise },
      cardinality,
      rng,
      options,
    );
    return new OutputModel(target, transform, gp, offset, scale, features);
  }

  /** Posterior of the transformed output at x: mean and standard deviation in transformed units. */
  predict(x: Point): { mean: number; sd: number } {
    const p = this.gp.predict(this.features(x));
    return { mean: this.offset + this.scale * p.mean, sd: this.scale * Math.sqrt(p.variance) };
  }

  /** Kriging believer: pretend the posterior mean was observed at x (pending or already chosen). */
  withFantasy(x: Point): OutputModel {
    const f = this.features(x);
    const mean = this.gp.predict(f).mean;
    return new OutputModel(
      this.target,
      this.transform,
      this.gp.withObservation(f, mean, 0),
      this.offset,
      this.scale,
      this.features,
    );
  }
}
