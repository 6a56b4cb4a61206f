import { createRng } from '@graftlab/grafting-model';
import type { DescriptorGp, GpObservations } from './descriptor-gp.model';
import { ExactGp, type ExactGpData, type ExactGpHyperparameters } from './exact-gp.model';
import { fitHyperparameters } from './marginal-likelihood.fit';
import { MI_MODEL_CODE_VERSION, versionHash } from './model-version.hash';
import { PropertyPrediction } from './property.prediction';

export interface TransferOptions {
  readonly seed?: number | string;
  readonly starts?: number;
  readonly maxIterations?: number;
  /** Prior share of the warm model before any campaign data (default 0.5). */
  readonly warmPrior?: number;
}

/** How related the database proved to be to the target campaign. */
export interface Relatedness {
  /** Posterior mean and sd of the weight on the database prediction: 1 = as is, 0 = ignored, < 0 = reversed. */
  readonly weight: number;
  readonly weightSd: number;
  /** Share of the warm model in the prediction (pseudo-Bayesian model averaging on leave-one-out densities). */
  readonly warmShare: number;
  /** Leave-one-out log predictive density of the campaign data under each model. */
  readonly looWarm: number;
  readonly looCold: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Warm start for a campaign on one system from a database model fitted on the *other* systems.
 *
 * Warm model (standardized units of the database model): y(x) = μ_db(x) + β₀ + (β₁ − 1)·μ_db(x) + f(x) + ε with
 * β₀ ~ N(0, s₀²), β₁ ~ N(1, s₁²) integrated out and f ~ GP: the database prediction is trusted at first and its
 * weight β₁ is learned from the campaign (s₀, s₁ and f's hyperparameters by marginal likelihood). A shuffled or
 * unrelated database gives β₁ ≈ 0, a reversed one β₁ < 0.
 * Cold model: y(x) = β₀ + f(x) + ε on the campaign data alone.
 * The prediction mixes the two with weights ∝ exp(leave-one-out log predictive density) (pseudo-BMA, Yao et al.
 * 2018), so a misleading database loses its share as soon as the campaign's own points predict each other better
 * without it.
 */
export class TransferModel {
  readonly version: string;

  private constructor(
    private readonly prior: DescriptorGp,
    private readonly warm: ExactGp,
    private readonly cold: ExactGp,
    readonly relatedness: Relatedness,
  ) {
    this.version = versionHash('transfer', {
      code: MI_MODEL_CODE_VERSION,
      prior: prior.version,
      warm: warm.hyperparameters,
      cold: cold.hyperparameters,
      data: warm.data.y,
    });
  }

  /** `prior` must not have been fitted on the campaign's own records (they would count twice). */
  static fit(prior: DescriptorGp, campaign: GpObservations, options: TransferOptions = {}): TransferModel {
    const { transform, standardization: s } = prior;
    const points = campaign.points;
    const y = campaign.values.map((v) => {
      if (!transform.accepts(v))
        throw new Error(`campaign value ${v} is outside the ${transform.kind} transform's domain`);
      return (transform.forward(v) - s.offset) / s.scale;
    });
    const noise = campaign.values.map(
      (v, i) => ((campaign.uncertainties?.[i] ?? 0) * transform.slope(v)) ** 2 / s.scale ** 2,
    );
    const priorMean = points.map((x) => (prior.latentMean(x) - s.offset) / s.scale);
    const warmData: ExactGpData = {
      points,
      y: y.map((v, i) => v - priorMean[i]),
      noise,
      basis: priorMean.map((m) => [1, m]),
    };
    const coldData: ExactGpData = { points, y, noise, basis: points.map(() => [1]) };
    const rng = createRng(options.seed ?? 'transfer');
    const fromDatabase: ExactGpHyperparameters = { ...prior.hyperparameters, basisVariances: [1, 1] };
    const fit = (data: ExactGpData, label: string): ExactGp => {
      if (points.length === 0) {
        const p = data.basis?.[0]?.length ?? 0;
        return ExactGp.condition({ ...fromDatabase, basisVariances: new Array<number>(p).fill(1) }, data);
      }
      const result = fitHyperparameters(data, {
        rng: rng.fork(label),
        starts: options.starts ?? 3,
        maxIterations: options.maxIterations ?? 60,
        initial: [fromDatabase],
      });
      return ExactGp.condition(result.hyperparameters, data);
    };
    const warm = fit(warmData, 'warm');
    const cold = fit(coldData, 'cold');
    const looWarm = looDensity(warm);
    const looCold = looDensity(cold);
    const warmPrior = options.warmPrior ?? 0.5;
    const a = Math.log(warmPrior) + looWarm;
    const b = Math.log(1 - warmPrior) + looCold;
    const warmShare = 1 / (1 + Math.exp(b - a));
    const weights = warm.basisWeights();
    return new TransferModel(prior, warm, cold, {
      weight: 1 + (weights.mean[1] ?? 0),
      weightSd: weights.sd[1] ?? 0,
      warmShare,
      looWarm,
      looCold,
    });
  }

  /** The property at x (latent: no measurement noise), a normal mixture matched by its first two moments. */
  predict(x: readonly number[]): PropertyPrediction {
    const s = this.prior.standardization;
    const m = (this.prior.latentMean(x) - s.offset) / s.scale;
    const warm = this.warm.predict(x, [1, m]);
    const cold = this.cold.predict(x, [1]);
    const mw = m + warm.mean;
    const w = this.relatedness.warmShare;
    const mean = w * mw + (1 - w) * cold.mean;
    const second = w * (warm.variance + mw * mw) + (1 - w) * (cold.variance + cold.mean * cold.mean);
    const variance = Math.max(second - mean * mean, 1e-12);
    return new PropertyPrediction(
      this.prior.transform,
      s.offset + s.scale * mean,
      s.scale * Math.sqrt(variance),
    );
  }
}

/** Σᵢ log N(yᵢ | μ₋ᵢ, σ²₋ᵢ): how well the campaign's points predict each other under a model. */
function looDensity(gp: ExactGp): number {
  if (gp.data.y.length === 0) return 0;
  const loo = gp.leaveOneOut();
  return gp.data.y.reduce(
    (t, y, i) => t - 0.5 * ((y - loo.mean[i]) ** 2 / loo.variance[i] + Math.log(loo.variance[i]) + LOG_2PI),
    0,
  );
}
