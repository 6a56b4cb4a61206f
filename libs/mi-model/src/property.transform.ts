/**
 * How a property is seen by its model. Positive properties spanning decades (degree of grafting, conductivity,
 * water uptake) are modelled on a log scale: errors are relative, the back-transformed prediction stays
 * positive, and a target "σ ≥ 50 mS/cm" becomes a normal tail probability in that scale, exactly.
 */
export type TransformKind = 'identity' | 'log' | 'log1p';

export interface OutputTransform {
  readonly kind: TransformKind;
  forward(y: number): number;
  inverse(t: number): number;
  /** d forward / dy, to carry a reported standard uncertainty into model units (delta method). */
  slope(y: number): number;
  /** Whether y lies in the domain (log needs y > 0, log1p y > −1). */
  accepts(y: number): boolean;
}

const TRANSFORMS: Record<TransformKind, OutputTransform> = {
  identity: {
    kind: 'identity',
    forward: (y) => y,
    inverse: (t) => t,
    slope: () => 1,
    accepts: (y) => Number.isFinite(y),
  },
  log: {
    kind: 'log',
    forward: (y) => Math.log(y),
    inverse: (t) => Math.exp(t),
    slope: (y) => 1 / y,
    accepts: (y) => y > 0 && Number.isFinite(y),
  },
  // Percentages that can be 0 (a graft that did not take) keep a finite image under log1p.
  log1p: {
    kind: 'log1p',
    forward: (y) => Math.log1p(y),
    inverse: (t) => Math.expm1(t),
    slope: (y) => 1 / (1 + y),
    accepts: (y) => y > -1 && Number.isFinite(y),
  },
};

export function outputTransform(kind: TransformKind): OutputTransform {
  return TRANSFORMS[kind];
}

/**
 * Defaults by property name (overridable per model): percentages that may be ~0 get log1p, strictly positive
 * quantities log, anything unknown the identity.
 */
export const DEFAULT_PROPERTY_TRANSFORMS: Readonly<Record<string, TransformKind>> = {
  dg: 'log1p',
  degreeOfGrafting: 'log1p',
  waterUptake: 'log1p',
  conductivity: 'log',
  iec: 'log',
  ionExchangeCapacity: 'log',
  halfLife: 'log',
};

export function transformKindFor(
  property: string,
  overrides: Readonly<Record<string, TransformKind>> = {},
): TransformKind {
  return overrides[property] ?? DEFAULT_PROPERTY_TRANSFORMS[property] ?? 'identity';
}
