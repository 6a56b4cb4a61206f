import type { Point } from './space.encoding';

const SQRT5 = Math.sqrt(5);

/**
 * Distance scaled by a length scale per parameter (ARD). Numbers contribute ((a − b)/ℓ)²; a categorical
 * contributes 2/ℓ² when the choices differ, which is the squared distance of their one-hot vectors.
 */
export function scaledDistance(
  a: Point,
  b: Point,
  lengthScales: readonly number[],
  cardinality: readonly number[],
): number {
  let r2 = 0;
  for (let i = 0; i < a.length; i++) {
    const l = lengthScales[i];
    if (cardinality[i] === 0) {
      const d = (a[i] - b[i]) / l;
      r2 += d * d;
    } else if (a[i] !== b[i]) {
      r2 += 2 / (l * l);
    }
  }
  return Math.sqrt(r2);
}

/** Matérn 5/2 as a function of the scaled distance: twice differentiable, so smooth but not too smooth. */
export function matern52(r: number, signalVariance: number): number {
  const s = SQRT5 * r;
  return signalVariance * (1 + s + (s * s) / 3) * Math.exp(-s);
}

export interface KernelParameters {
  readonly lengthScales: readonly number[];
  readonly signalVariance: number;
}

export function maternKernel(
  a: Point,
  b: Point,
  k: KernelParameters,
  cardinality: readonly number[],
): number {
  return matern52(scaledDistance(a, b, k.lengthScales, cardinality), k.signalVariance);
}
