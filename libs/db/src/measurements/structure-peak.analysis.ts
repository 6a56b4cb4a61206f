/**
 * The position of the main peak of a curve such as I(q): the interior local maximum of largest prominence (after a
 * three-point moving average, so single-point noise is not a peak), refined by the vertex of the parabola through
 * the raw points around it. A low-q upturn falls monotonically and is never chosen; a curve whose maximum is at an
 * end has no peak. The position is uncertain within the local sampling step.
 */
export interface Peak {
  readonly x: number;
  /** Local sampling step around the peak, in x units (the peak is known to about step/√12). */
  readonly step: number;
  readonly index: number;
  readonly prominence: number;
}

export function mainPeak(xs: readonly number[], ys: readonly number[]): Peak | undefined {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const x = order.map((i) => xs[i]);
  const y = order.map((i) => ys[i]);
  const n = x.length;
  if (n < 5) return undefined;
  const smooth = y.map((v, i) => (i === 0 || i === n - 1 ? v : (y[i - 1] + v + y[i + 1]) / 3));
  let best: Peak | undefined;
  for (let i = 1; i < n - 1; i++) {
    if (!(smooth[i] > smooth[i - 1] && smooth[i] >= smooth[i + 1])) continue;
    let left = smooth[i];
    for (let j = i - 1; j >= 0 && smooth[j] <= smooth[i]; j--) left = Math.min(left, smooth[j]);
    let right = smooth[i];
    for (let j = i + 1; j < n && smooth[j] <= smooth[i]; j++) right = Math.min(right, smooth[j]);
    const prominence = smooth[i] - Math.max(left, right);
    if (!best || prominence > best.prominence) {
      best = {
        x: vertex(x[i - 1], y[i - 1], x[i], y[i], x[i + 1], y[i + 1]),
        step: (x[i + 1] - x[i - 1]) / 2,
        index: order[i],
        prominence,
      };
    }
  }
  return best && best.prominence > 0 ? best : undefined;
}

/** x of the vertex of the parabola through three points; the middle x when they are collinear. */
function vertex(x0: number, y0: number, x1: number, y1: number, x2: number, y2: number): number {
  const d = (x0 - x1) * (x0 - x2) * (x1 - x2);
  const a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / d;
  const b = (x2 ** 2 * (y0 - y1) + x1 ** 2 * (y2 - y0) + x0 ** 2 * (y1 - y2)) / d;
  if (!(a < 0) || !Number.isFinite(a)) return x1;
  const v = -b / (2 * a);
  return v > x0 && v < x2 ? v : x1;
}
