import type { CellGeometry, ImpedancePoint } from '../capabilities/capabilities';

export interface InterceptFit {
  /** Where the spectrum meets the real axis at high frequency, Ω. */
  readonly resistanceOhm: number;
  readonly fit: 'arc' | 'extrapolated' | 'nearest';
}

/**
 * The membrane resistance: the high-frequency real-axis intercept of the Nyquist plot (−Z'' against Z').
 * A membrane in its cell gives an arc from R (high f) towards R + R_ct, then an electrode spur at low f.
 * The arc's high-frequency side is fitted with a circle (algebraic least squares), whose real-axis crossing
 * nearer the highest-frequency point is R. When the arc has fewer than three points or the circle misses the
 * axis, the two highest-frequency points are extrapolated to Z'' = 0; failing that, the top Z' is taken.
 */
export function highFrequencyIntercept(spectrum: readonly ImpedancePoint[]): InterceptFit | undefined {
  const points = spectrum
    .filter((p) => Number.isFinite(p.fHz) && Number.isFinite(p.re) && Number.isFinite(p.im))
    .sort((a, b) => b.fHz - a.fHz)
    .map((p) => ({ x: p.re, y: -p.im }));
  if (points.length === 0) return undefined;
  const arc = arcPoints(points);
  if (arc.length >= 3) {
    const r = circleIntercept(arc, points[0].x);
    if (r !== undefined) return { resistanceOhm: r, fit: 'arc' };
  }
  if (points.length >= 2) {
    const [a, b] = points;
    if (b.y !== a.y) {
      const r = a.x - (a.y * (b.x - a.x)) / (b.y - a.y);
      if (Number.isFinite(r) && r > 0 && r <= a.x) return { resistanceOhm: r, fit: 'extrapolated' };
    }
  }
  return { resistanceOhm: points[0].x, fit: 'nearest' };
}

/** σ in S/cm from R and the cell: L/(R·A) through the plane, L/(R·w·d) along it. */
export function conductivityFromResistance(resistanceOhm: number, geometry: CellGeometry): number {
  const thicknessCm = geometry.thicknessUm * 1e-4;
  return geometry.mode === 'through-plane'
    ? thicknessCm / (resistanceOhm * geometry.areaCm2)
    : geometry.probeSpacingCm / (resistanceOhm * geometry.widthCm * thicknessCm);
}

/**
 * The high-frequency side of the arc up to just past its apex (the first point clearly, by 1 % of |Z|, below
 * the highest −Z'' so far ends the climb); the low-frequency side is left out, where the electrode spur bends
 * the data off the circle.
 */
function arcPoints(points: readonly { x: number; y: number }[]): { x: number; y: number }[] {
  const tolerance = 0.01 * Math.max(...points.map((p) => Math.hypot(p.x, p.y)));
  let apex = 0;
  for (let i = 1; i < points.length; i++) {
    if (points[i].y > points[apex].y) apex = i;
    else if (points[i].y < points[apex].y - tolerance) break;
  }
  return points.slice(0, apex + 3).filter((p) => p.y >= 0);
}

/**
 * Kåsa fit: x² + y² + D·x + E·y + F = 0 by linear least squares; the real-axis roots of x² + D·x + F = 0,
 * the one nearer nearX.
 */
function circleIntercept(points: readonly { x: number; y: number }[], nearX: number): number | undefined {
  // Centre the data for a well-conditioned 3×3 system.
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const scale = Math.max(...points.map((p) => Math.hypot(p.x - mx, p.y - my))) || 1;
  const m = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const v = [0, 0, 0];
  for (const p of points) {
    const x = (p.x - mx) / scale;
    const y = (p.y - my) / scale;
    const row = [x, y, 1];
    const rhs = -(x * x + y * y);
    for (let r = 0; r < 3; r++) {
      v[r] += row[r] * rhs;
      for (let c = 0; c < 3; c++) m[r][c] += row[r] * row[c];
    }
  }
  const sol = solve3(m, v);
  if (!sol) return undefined;
  const [d, e, f] = sol;
  // Back to Ω: the centre and radius in scaled coordinates.
  const cx = mx + (-d / 2) * scale;
  const cy = my + (-e / 2) * scale;
  const r2 = ((d * d + e * e) / 4 - f) * scale * scale;
  const disc = r2 - cy * cy;
  if (!(r2 > 0) || disc < 0) return undefined;
  const roots = [cx - Math.sqrt(disc), cx + Math.sqrt(disc)];
  const root = Math.abs(roots[0] - nearX) <= Math.abs(roots[1] - nearX) ? roots[0] : roots[1];
  return Number.isFinite(root) && root > 0 ? root : undefined;
}

/** Cramer's rule; undefined for a singular system (collinear points). */
function solve3(m: number[][], v: number[]): [number, number, number] | undefined {
  const det = (a: number[][]) =>
    a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
    a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
    a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  const d = det(m);
  if (!Number.isFinite(d) || Math.abs(d) < 1e-12) return undefined;
  const with_ = (col: number) => m.map((row, r) => row.map((x, c) => (c === col ? v[r] : x)));
  return [det(with_(0)) / d, det(with_(1)) / d, det(with_(2)) / d];
}
