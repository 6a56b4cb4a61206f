import { centralIntervalZ } from './normal.distribution';

/**
 * Calibration of predictive intervals. A GP's intervals are only as right as its hyperparameters and the
 * reported uncertainties; these functions measure coverage on held-out data and fit a single variance scale
 * (a multiplier of the predictive standard deviation) from cross-validated standardized residuals.
 */

/** The fraction of truths inside their central `level` intervals, given normal means and standard deviations. */
export function intervalCoverage(
  predictions: readonly { readonly mean: number; readonly sd: number }[],
  truths: readonly number[],
  level = 0.9,
): number {
  if (predictions.length !== truths.length) throw new Error('intervalCoverage: one truth per prediction');
  if (truths.length === 0) return Number.NaN;
  const z = centralIntervalZ(level);
  const inside = truths.filter((t, i) => Math.abs(t - predictions[i].mean) <= z * predictions[i].sd).length;
  return inside / truths.length;
}

/** The fraction of truths inside given intervals (any scale, e.g. back-transformed log-normal intervals). */
export function coverageOfIntervals(
  intervals: readonly { readonly lower: number; readonly upper: number }[],
  truths: readonly number[],
): number {
  if (intervals.length !== truths.length) throw new Error('coverageOfIntervals: one truth per interval');
  if (truths.length === 0) return Number.NaN;
  return truths.filter((t, i) => t >= intervals[i].lower && t <= intervals[i].upper).length / truths.length;
}

/** Fewer cross-validated residuals than this leave the scale at 1: a quantile of a dozen is noise. */
export const MIN_RESIDUALS_FOR_CALIBRATION = 20;

/** The scale is held within these bounds; a model needing more is wrong in shape, not just in spread. */
export const VARIANCE_SCALE_BOUNDS = { min: 1 / 3, max: 3 } as const;

/**
 * The standard-deviation multiplier s that makes central `level` intervals cover exactly that fraction of the
 * cross-validated residuals: s = quantile_level(|z|) / z_level, with z = (y − μ₋ᵢ)/σ₋ᵢ.
 */
export function varianceScaleFromResiduals(standardized: readonly number[], level = 0.9): number {
  if (standardized.length < MIN_RESIDUALS_FOR_CALIBRATION) return 1;
  const sorted = standardized.map(Math.abs).sort((a, b) => a - b);
  const position = level * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const q = sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
  const s = q / centralIntervalZ(level);
  return Math.min(VARIANCE_SCALE_BOUNDS.max, Math.max(VARIANCE_SCALE_BOUNDS.min, s));
}

/** Groups dealt to k folds (shuffled by the caller's order), so a group is never split across folds. */
export function groupFolds(groups: readonly string[], folds: number): number[] {
  const distinct = [...new Set(groups)];
  const foldOf = new Map(distinct.map((g, i) => [g, i % Math.max(1, Math.min(folds, distinct.length))]));
  return groups.map((g) => foldOf.get(g)!);
}
