import { centralIntervalZ, logNormalCdf, normalCdf, normalQuantile } from './normal.distribution';
import type { OutputTransform } from './property.transform';

/**
 * A predictive distribution of one property: normal in the model's (transformed) scale, so log-normal in the
 * property's own unit under a log transform. Probabilities of meeting a bound are exact in either scale.
 */
export class PropertyPrediction {
  constructor(
    readonly transform: OutputTransform,
    /** Mean and standard deviation in the transformed scale. */
    readonly latentMean: number,
    readonly latentSd: number,
  ) {}

  /** The median in the property's unit (the back-transformed latent mean). */
  get median(): number {
    return this.transform.inverse(this.latentMean);
  }

  /** The mean in the property's unit (log-normal mean under a log transform). */
  get mean(): number {
    const { kind } = this.transform;
    if (kind === 'identity') return this.latentMean;
    const m = Math.exp(this.latentMean + 0.5 * this.latentSd ** 2);
    return kind === 'log' ? m : m - 1;
  }

  /** The standard deviation in the property's unit. */
  get sd(): number {
    if (this.transform.kind === 'identity') return this.latentSd;
    const s2 = this.latentSd ** 2;
    return Math.sqrt(Math.expm1(s2)) * Math.exp(this.latentMean + 0.5 * s2);
  }

  quantile(p: number): number {
    return this.transform.inverse(this.latentMean + this.latentSd * normalQuantile(p));
  }

  /** The central interval holding `level` of the predictive probability, in the property's unit. */
  interval(level = 0.9): { lower: number; upper: number } {
    const z = centralIntervalZ(level);
    return {
      lower: this.transform.inverse(this.latentMean - z * this.latentSd),
      upper: this.transform.inverse(this.latentMean + z * this.latentSd),
    };
  }

  /** The bound in z units of the latent scale; ±∞ when the bound lies outside the transform's domain. */
  private z(bound: number): number {
    if (!this.transform.accepts(bound)) return Number.NEGATIVE_INFINITY;
    return (this.transform.forward(bound) - this.latentMean) / Math.max(this.latentSd, 1e-300);
  }

  /** log P(min ≤ Y ≤ max), either bound optional; finite however unlikely. */
  logProbabilityWithin(min?: number, max?: number): number {
    const lo = min === undefined ? Number.NEGATIVE_INFINITY : this.z(min);
    const hi = max === undefined ? Number.POSITIVE_INFINITY : this.z(max);
    if (!(hi > lo)) return Number.NEGATIVE_INFINITY;
    if (hi === Number.POSITIVE_INFINITY) return lo === Number.NEGATIVE_INFINITY ? 0 : logNormalCdf(-lo);
    if (lo === Number.NEGATIVE_INFINITY) return logNormalCdf(hi);
    // Both bounds: take the difference on the side of the smaller tail, for accuracy far out.
    if (lo > 0)
      return (
        logNormalCdf(-lo) + Math.log(Math.max(1 - Math.exp(logNormalCdf(-hi) - logNormalCdf(-lo)), 1e-300))
      );
    return logNormalCdf(hi) + Math.log(Math.max(1 - Math.exp(logNormalCdf(lo) - logNormalCdf(hi)), 1e-300));
  }

  probabilityWithin(min?: number, max?: number): number {
    return Math.exp(this.logProbabilityWithin(min, max));
  }

  probabilityAbove(bound: number): number {
    return 1 - normalCdf(this.z(bound));
  }

  probabilityBelow(bound: number): number {
    return normalCdf(this.z(bound));
  }

  toJSON(): { median: number; mean: number; sd: number; lower90: number; upper90: number } {
    const { lower, upper } = this.interval(0.9);
    return { median: this.median, mean: this.mean, sd: this.sd, lower90: lower, upper90: upper };
  }
}
