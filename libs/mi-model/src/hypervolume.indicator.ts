/**
 * Pareto fronts and exact hypervolume, all objectives maximized (negate a minimized one first). The hypervolume
 * of a set is the volume of the region dominated by it and dominating the reference point.
 */

/** a weakly dominates b and is better somewhere. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let k = 0; k < a.length; k++) {
    if (a[k] < b[k]) return false;
    if (a[k] > b[k]) better = true;
  }
  return better;
}

/** Indices of the non-dominated points (duplicates keep their first occurrence). O(n²·k), for fronts of hundreds. */
export function paretoFrontIndices(points: readonly (readonly number[])[]): number[] {
  const front: number[] = [];
  for (let i = 0; i < points.length; i++) {
    let keep = true;
    for (let j = 0; j < points.length && keep; j++) {
      if (j === i) continue;
      if (dominates(points[j], points[i])) keep = false;
      else if (j < i && points[j].every((v, k) => v === points[i][k])) keep = false;
    }
    if (keep) front.push(i);
  }
  return front;
}

export function paretoFront(points: readonly (readonly number[])[]): number[][] {
  return paretoFrontIndices(points).map((i) => [...points[i]]);
}

/** Sweep in 2-D: sorted by the first objective, descending, each point adds the strip its second objective clears. */
function hypervolume2d(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const sorted = [...points].sort((a, b) => b[0] - a[0]);
  let area = 0;
  let height = ref[1];
  for (let i = 0; i < sorted.length; i++) {
    height = Math.max(height, sorted[i][1]);
    const next = i + 1 < sorted.length ? sorted[i + 1][0] : ref[0];
    area += (sorted[i][0] - next) * (height - ref[1]);
  }
  return area;
}

/**
 * Slicing (HSO, While et al. 2006): sorted by the last objective, descending, the slab between consecutive
 * values is the (k−1)-D hypervolume of the points above it times its thickness; 2-D is the sweep. O(n^(k−1)·log n),
 * exact, and quick for the fronts of a campaign (tens of points in 2–4 objectives).
 */
function slice(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const k = ref.length;
  if (points.length === 0) return 0;
  if (k === 1) return Math.max(...points.map((p) => p[0])) - ref[0];
  if (k === 2) return hypervolume2d(points, ref);
  const sorted = [...points].sort((a, b) => b[k - 1] - a[k - 1]);
  const lowerRef = ref.slice(0, k - 1);
  let volume = 0;
  const above: number[][] = [];
  for (let i = 0; i < sorted.length; i++) {
    above.push(sorted[i].slice(0, k - 1));
    const next = i + 1 < sorted.length ? sorted[i + 1][k - 1] : ref[k - 1];
    const thickness = sorted[i][k - 1] - next;
    if (thickness > 0) volume += thickness * slice(paretoFront(above), lowerRef);
  }
  return volume;
}

/** Exact hypervolume of a point set (any dominated or non-improving points are ignored). */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const useful = points.filter((p) => p.length === reference.length && p.every((v, k) => v > reference[k]));
  if (useful.length === 0) return 0;
  return slice(paretoFront(useful), reference);
}

/**
 * The hypervolume a point adds to a front: the volume of its box to the reference minus what the front already
 * covers inside that box (the front clipped to the point).
 */
export function hypervolumeImprovement(
  point: readonly number[],
  front: readonly (readonly number[])[],
  reference: readonly number[],
): number {
  if (!point.every((v, k) => v > reference[k])) return 0;
  let box = 1;
  for (let k = 0; k < point.length; k++) box *= point[k] - reference[k];
  const clipped: number[][] = [];
  for (const f of front) {
    if (f.every((v, k) => v >= point[k])) return 0; // the point is (weakly) dominated
    const c = f.map((v, k) => Math.min(v, point[k]));
    if (c.every((v, k) => v > reference[k])) clipped.push(c);
  }
  return Math.max(0, box - hypervolume(clipped, reference));
}

/**
 * The reference-point rule: the nadir of the front minus 10 % of its range in each objective (the usual rule in
 * multi-objective BO), so points at the front's extremes still add volume. A zero range (one point) uses
 * 10 % of the value's magnitude, or 1.
 */
export function referencePoint(front: readonly (readonly number[])[], margin = 0.1): number[] {
  if (front.length === 0) throw new Error('referencePoint: empty front');
  const k = front[0].length;
  return Array.from({ length: k }, (_, j) => {
    const values = front.map((p) => p[j]);
    const lo = Math.min(...values);
    const range = Math.max(...values) - lo;
    const pad = range > 0 ? margin * range : margin * Math.abs(lo) || 1;
    return lo - pad;
  });
}
