import type { NumberParameter, Params, SearchSpace } from './space.schema';

/**
 * A point of the space in model coordinates, one entry per parameter: numbers scaled to [0, 1], categoricals
 * as the index of their choice. Kernels treat a categorical index as its one-hot vector (two different
 * choices are √2 apart), so this is the one-hot encoding without storing the zeros.
 */
export type Point = number[];

export interface Encoding {
  readonly space: SearchSpace;
  /** Per parameter: the number of choices for categoricals, 0 for numbers. */
  readonly cardinality: readonly number[];
  readonly numericIndices: readonly number[];
  readonly categoricalIndices: readonly number[];
}

export function encodingOf(space: SearchSpace): Encoding {
  const cardinality = space.parameters.map((p) => (p.type === 'categorical' ? p.choices.length : 0));
  return {
    space,
    cardinality,
    numericIndices: cardinality.flatMap((c, i) => (c === 0 ? [i] : [])),
    categoricalIndices: cardinality.flatMap((c, i) => (c > 0 ? [i] : [])),
  };
}

/** A numeric parameter's value as its coordinate in [0, 1] (in its scale: linear, or log of the ratio to min). */
export function unitOf(p: NumberParameter, value: number): number {
  if (p.scale === 'log') return Math.log(Math.max(value, p.min) / p.min) / Math.log(p.max / p.min);
  return (value - p.min) / (p.max - p.min);
}

/** A coordinate in [0, 1] back to the numeric parameter's value (clamped into its range). */
export function valueOf(p: NumberParameter, unit: number): number {
  const u = Math.min(1, Math.max(0, unit));
  const v = p.scale === 'log' ? p.min * Math.pow(p.max / p.min, u) : p.min + u * (p.max - p.min);
  return Math.min(p.max, Math.max(p.min, v));
}

export function toPoint(enc: Encoding, params: Params): Point {
  return enc.space.parameters.map((p) => {
    const v = params[p.name];
    if (p.type === 'number') return unitOf(p, Number(v));
    return Math.max(0, p.choices.indexOf(String(v)));
  });
}

/** Back to parameter values; numbers are clamped into their range so rounding never leaves the space. */
export function toParams(enc: Encoding, point: Point): Params {
  const params: Params = {};
  enc.space.parameters.forEach((p, i) => {
    if (p.type === 'number') {
      params[p.name] = valueOf(p, point[i]);
    } else {
      params[p.name] = p.choices[Math.round(point[i])];
    }
  });
  return params;
}

/** Root-mean-square distance per parameter (a different choice counts 1): 0 = same point, ~0.4 = far. */
export function normalizedDistance(enc: Encoding, a: Point, b: Point): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = enc.cardinality[i] === 0 ? a[i] - b[i] : a[i] === b[i] ? 0 : 1;
    sum += d * d;
  }
  return Math.sqrt(sum / a.length);
}

/** Every combination of categorical choices (one empty combination when there are none). */
export function categoricalCombinations(enc: Encoding): number[][] {
  let combos: number[][] = [[]];
  for (const i of enc.categoricalIndices) {
    const next: number[][] = [];
    for (const combo of combos) for (let c = 0; c < enc.cardinality[i]; c++) next.push([...combo, c]);
    combos = next;
  }
  return combos;
}
