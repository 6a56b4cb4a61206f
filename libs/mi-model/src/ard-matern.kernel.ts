/**
 * ARD Matérn 5/2 over the normalized feature vector. One length scale per feature lets the likelihood say
 * which descriptors and conditions matter (a long scale switches a feature off); 5/2 is twice differentiable,
 * smooth like grafting responses without the over-confidence of the squared exponential between data.
 */

const SQRT5 = Math.sqrt(5);
// Module-level bindings: a global lookup of Math inside the hot loop is slow under jest's sandboxed globals.
const { exp, sqrt } = Math;

/** Hyperparameters in model units: features normalized to about [0, 1], outputs standardized. */
export interface MaternHyperparameters {
  readonly lengthScales: readonly number[];
  readonly signalVariance: number;
  /** Homoscedastic noise fitted on top of each observation's known (reported) variance. */
  readonly noiseVariance: number;
}

/** x divided by the length scales: in these coordinates the kernel depends on plain Euclidean distance. */
export function scaled(x: ArrayLike<number>, lengthScales: readonly number[]): Float64Array {
  const z = new Float64Array(lengthScales.length);
  for (let k = 0; k < z.length; k++) z[k] = x[k] / lengthScales[k];
  return z;
}

export function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let r2 = 0;
  for (let k = 0; k < a.length; k++) {
    const d = a[k] - b[k];
    r2 += d * d;
  }
  return r2;
}

/** The Matérn 5/2 correlation (1 at distance 0) of a squared scaled distance. */
export function matern52(r2: number): number {
  const s = SQRT5 * sqrt(r2);
  return (1 + s + (s * s) / 3) * exp(-s);
}

/**
 * −(dk/dr)/r of the correlation: dk/d(log ℓ_k) = this · (Δ_k/ℓ_k)². Written without a division by r, so it is
 * finite at r = 0.
 */
export function matern52LengthScaleFactor(r2: number): number {
  const s = SQRT5 * sqrt(r2);
  return (5 / 3) * (1 + s) * exp(-s);
}

/** Kernel values σ²·k(z, z_j) of a scaled point against scaled points. */
export function kernelRow(
  z: ArrayLike<number>,
  zs: readonly ArrayLike<number>[],
  signalVariance: number,
): Float64Array {
  const out = new Float64Array(zs.length);
  for (let j = 0; j < zs.length; j++) out[j] = signalVariance * matern52(squaredDistance(z, zs[j]));
  return out;
}
