import type { LatentPoint } from './descriptor-gp.model';
import { LowerTriangular, dot } from './dense.linalg';
import type { OutputTransform } from './property.transform';

/** What joint sampling needs of a model: latent posterior points and covariances between them. */
export interface LatentModel {
  readonly transform: OutputTransform;
  latentPoint(x: readonly number[]): LatentPoint;
  latentCovariance(a: LatentPoint, b: LatentPoint): number;
}

/** A candidate's draws, conditional on the draws at the jointly sampled points. */
export interface ConditionalDraws {
  readonly point: LatentPoint;
  /** L⁻¹·Σ_{set,x} and the conditional standard deviation: what committing the candidate needs. */
  readonly projection: Float64Array;
  readonly conditionalSd: number;
  /** One latent value per sample. */
  readonly values: Float64Array;
}

/**
 * Joint posterior samples of one latent property over a growing set of points (the campaign's measured points,
 * then the batch chosen so far), with common random numbers: sample s at the set is μ + L·z_s with z_s fixed, and
 * a candidate's value in sample s is drawn conditional on it, μ(x) + (L⁻¹Σ_{set,x})·z_s + σ_cond(x)·ε_s, with ε_s
 * shared by all candidates of a round. A chosen candidate joins the set by a one-row extension of L.
 */
export class JointSampler {
  private readonly points: LatentPoint[] = [];
  private readonly factor = new LowerTriangular();
  /** z[s]: standard-normal coordinates of sample s over the set. */
  private readonly z: number[][];
  /** values[s][i]: sample s at set point i (latent scale). */
  private readonly drawn: number[][];

  constructor(
    private readonly model: LatentModel,
    readonly samples: number,
  ) {
    this.z = Array.from({ length: samples }, () => []);
    this.drawn = Array.from({ length: samples }, () => []);
  }

  get size(): number {
    return this.points.length;
  }

  /** Sample s at every set point. */
  values(s: number): readonly number[] {
    return this.drawn[s];
  }

  /** Draws at a candidate given the set's draws; `normals` are the round's shared ε (one per sample). */
  conditional(x: readonly number[], normals: ArrayLike<number>): ConditionalDraws {
    const point = this.model.latentPoint(x);
    const cross = this.points.map((p) => this.model.latentCovariance(p, point));
    const projection = this.factor.solve(cross);
    const conditionalSd = Math.sqrt(Math.max(point.variance - dot(projection, projection), 0));
    const values = new Float64Array(this.samples);
    for (let s = 0; s < this.samples; s++)
      values[s] = point.mean + dot(projection, this.z[s]) + conditionalSd * normals[s];
    return { point, projection, conditionalSd, values };
  }

  /** Adds a point to the set with the draws it was given (its ε become its coordinates). */
  commit(draws: ConditionalDraws, normals: ArrayLike<number>): void {
    // A point (nearly) determined by the set keeps a tiny diagonal so the factor stays invertible.
    const diagonal = Math.max(draws.conditionalSd, 1e-6 * Math.sqrt(draws.point.variance) + 1e-150);
    const row = new Float64Array(draws.projection.length + 1);
    row.set(draws.projection);
    row[draws.projection.length] = diagonal;
    this.factor.rows.push(row);
    this.points.push(draws.point);
    for (let s = 0; s < this.samples; s++) {
      this.z[s].push(normals[s]);
      this.drawn[s].push(draws.values[s]);
    }
  }

  /** Adds a point drawn afresh (for the measured points the batch must improve on). */
  add(x: readonly number[], normals: ArrayLike<number>): void {
    this.commit(this.conditional(x, normals), normals);
  }
}
