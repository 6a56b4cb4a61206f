import type { Rng } from '@graftlab/grafting-model';
import { normalizedDistance, type Encoding, type Point } from './space.encoding';

/** Coordinates held fixed (grouped parameters shared by a batch), by parameter index. */
export type FixedCoordinates = ReadonlyMap<number, number>;

function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

export function applyFixed(point: Point, fixed: FixedCoordinates): Point {
  for (const [i, v] of fixed) point[i] = v;
  return point;
}

/** Uniform over the space (the random-search baseline). */
export function randomPoint(enc: Encoding, rng: Rng, fixed: FixedCoordinates = new Map()): Point {
  const point = enc.cardinality.map((c) => (c === 0 ? rng.next() : Math.floor(rng.next() * c)));
  return applyFixed(point, fixed);
}

/**
 * Latin hypercube: each numeric parameter's range cut into n strata, one point per stratum, strata paired at
 * random; categorical choices balanced (each used ⌊n/c⌋ or ⌈n/c⌉ times) and shuffled.
 */
export function latinHypercube(
  enc: Encoding,
  n: number,
  rng: Rng,
  fixed: FixedCoordinates = new Map(),
): Point[] {
  const columns = enc.cardinality.map((c) => {
    const strata = shuffle(
      Array.from({ length: n }, (_, i) => i),
      rng,
    );
    return c === 0 ? strata.map((s) => (s + rng.next()) / n) : strata.map((s) => s % c);
  });
  return Array.from({ length: n }, (_, i) =>
    applyFixed(
      columns.map((col) => col[i]),
      fixed,
    ),
  );
}

/** Smallest normalized distance from x to any of the points (Infinity when there are none). */
export function nearestDistance(enc: Encoding, x: Point, points: readonly Point[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (const p of points) best = Math.min(best, normalizedDistance(enc, x, p));
  return best;
}

/**
 * Greedy maximin: repeatedly takes the pool point farthest from everything already there. Makes a stateless
 * space-filling design that keeps filling the gaps as observations accumulate instead of repeating itself.
 */
export function maximinPick(enc: Encoding, pool: readonly Point[], existing: readonly Point[]): Point {
  let best = pool[0];
  let bestDistance = -1;
  for (const p of pool) {
    const d = nearestDistance(enc, p, existing);
    if (d > bestDistance) {
      best = p;
      bestDistance = d;
    }
  }
  return best;
}
