import type { Encoding, Point } from './space.encoding';

/**
 * What the models see of a point. Numbers as they are (in [0, 1] of their scale); a categorical with descriptors
 * as its choice's descriptors, each scaled to [0, 1] over the choices (a descriptor equal for every choice is
 * dropped), so a GP relates materials by their descriptors and learns each descriptor's length scale; any other
 * categorical as its index, which the kernels treat as one-hot (`cardinality` > 0).
 */
export interface ModelFeatures {
  readonly map: (point: Point) => number[];
  /** Per feature: 0 for a number, the number of choices for a one-hot categorical. */
  readonly cardinality: readonly number[];
  /** True when some categorical is seen through descriptors. */
  readonly descriptors: boolean;
}

export function modelFeatures(enc: Encoding): ModelFeatures {
  const parts: ((point: Point, out: number[]) => void)[] = [];
  const cardinality: number[] = [];
  let descriptors = false;
  enc.space.parameters.forEach((p, i) => {
    if (p.type === 'number') {
      parts.push((point, out) => out.push(point[i]));
      cardinality.push(0);
      return;
    }
    const table = p.descriptors;
    if (!table) {
      parts.push((point, out) => out.push(point[i]));
      cardinality.push(p.choices.length);
      return;
    }
    const names = [...new Set(Object.values(table).flatMap((d) => Object.keys(d)))].sort();
    const columns = names.flatMap((name) => {
      const values = p.choices.map((c) => table[c]?.[name] ?? Number.NaN);
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      return hi > lo ? [values.map((v) => (v - lo) / (hi - lo))] : [];
    });
    if (columns.length === 0) {
      // Descriptors that do not tell the choices apart: they are one material to the model.
      parts.push(() => undefined);
      return;
    }
    descriptors = true;
    parts.push((point, out) => {
      const c = Math.min(p.choices.length - 1, Math.max(0, Math.round(point[i])));
      for (const col of columns) out.push(col[c]);
    });
    for (let k = 0; k < columns.length; k++) cardinality.push(0);
  });
  return {
    map: (point) => {
      const out: number[] = [];
      for (const part of parts) part(point, out);
      return out;
    },
    cardinality,
    descriptors,
  };
}
