import type { Params, SearchSpace } from './space.schema';

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

export function toPoint(enc: Encoding, params: Params): Point {
  return enc.space.parameters.map((p) => {
    const v = params[p.name];
    if (p.type === 'number') return (Number(v) - p.min) / (p.max - p.min);
    return Math.max(0, p.choices.indexOf(String(v)));
  });
}

/** Back to parameter values; numbers are clamped into their range so rounding never leaves the space. */
export function toParams(enc: Encoding, point: Point): Params {
  const params: Params = {};
  enc.space.parameters.forEach((p, i) => {
    if (p.type === 'number') {
      const u = Math.min(1, Math.max(0, point[i]));
      params[p.name] = Math.min(p.max, Math.max(p.min, p.min + u * (p.max - p.min)));
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
