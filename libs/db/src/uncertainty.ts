/**
 * Degree of grafting with a propagated standard uncertainty (GUM, k = 1).
 *
 * Standard uncertainty of a mass from n replicate weighings: the balance repeatability s_r and the
 * observed spread s both affect every replicate, so the uncertainty of the mean combines them in
 * quadrature, u² = s_r²/n + s²/n. This is chosen over max(s_r, s/√n): it never under-states the noise
 * when both sources matter, and with one weighing (s undefined → 0) it reduces to the repeatability.
 * Balance drift (reference-weight check) is an optional extra term added in quadrature, not divided by n
 * since it is common to all replicates.
 */

export interface MassReadings {
  /** Replicate weighings in one unit (g or mg). */
  replicates: readonly number[];
  /** Balance repeatability (standard deviation of one weighing) in the same unit. */
  repeatability: number;
  /** Optional systematic term from the reference-weight drift check, same unit. */
  drift?: number;
}

export interface MassEstimate {
  mean: number;
  /** Standard uncertainty of the mean. */
  u: number;
  n: number;
  /** Sample standard deviation of the replicates (0 with one replicate). */
  s: number;
}

export interface ValueWithUncertainty {
  value: number;
  uncertainty: number;
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('no replicates');
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export function massEstimate(readings: MassReadings): MassEstimate {
  const { replicates, repeatability } = readings;
  if (replicates.length === 0) throw new Error('a mass needs at least one weighing');
  if (!(repeatability >= 0)) throw new Error('balance repeatability must be ≥ 0');
  for (const x of replicates) if (!Number.isFinite(x)) throw new Error(`weighing ${x} is not a number`);
  const n = replicates.length;
  const s = sampleStd(replicates);
  const drift = readings.drift ?? 0;
  const u = Math.sqrt(repeatability ** 2 / n + s ** 2 / n + drift ** 2);
  return { mean: mean(replicates), u, n, s };
}

/** DG = (Wg − W0)/W0 × 100 with u_DG = 100·sqrt((u_Wg/W0)² + (Wg·u_W0/W0²)²) (first order, independent masses). */
export function degreeOfGrafting(
  w0: { value: number; u: number },
  wg: { value: number; u: number },
): ValueWithUncertainty {
  if (!(w0.value > 0)) throw new Error('W0 must be positive');
  const value = ((wg.value - w0.value) / w0.value) * 100;
  const uncertainty = 100 * Math.sqrt((wg.u / w0.value) ** 2 + ((wg.value * w0.u) / w0.value ** 2) ** 2);
  return { value, uncertainty };
}

/** DG straight from the replicate weighings of one balance. */
export function degreeOfGraftingFromReadings(w0: MassReadings, wg: MassReadings): ValueWithUncertainty {
  const a = massEstimate(w0);
  const b = massEstimate(wg);
  return degreeOfGrafting({ value: a.mean, u: a.u }, { value: b.mean, u: b.u });
}
