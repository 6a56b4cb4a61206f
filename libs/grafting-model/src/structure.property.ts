/**
 * Hydrated-membrane structure as SANS/SAXS would see it (reference §1.7: Balog et al. 2010): a
 * Teubner–Strey microemulsion peak for the ionic domains, a Porod term for the large graft/crystallite
 * interfaces and a flat incoherent background. All scales are [A]; intensities are in arbitrary units.
 */
export const DOMAINS = {
  /** Dry spacing of the ionic domains without graft, and its growth with the graft's volume fraction, nm. */
  baseSpacingNm: 3,
  spacingPerGraftFraction: 4,
  /** ξ/d for a fully reverse-micelle-like (ordered) and a fully micelle-like (disordered) morphology. */
  orderedXiRatio: 0.5,
  disorderedXiRatio: 0.2,
} as const;

export interface DomainStructure {
  /** Repeat distance of the ionic domains, d = 2π/q*, nm. */
  readonly domainSpacingNm: number;
  /** Teubner–Strey correlation length ξ, nm. */
  readonly correlationLengthNm: number;
}

/** Domains grow with the graft and swell with the water (d ∝ linear swelling); disorder shortens ξ/d. */
export function domainStructure(
  graftVolumeFraction: number,
  volumeSwellingPct: number,
  morphologyIndex: number,
): DomainStructure {
  const dry = DOMAINS.baseSpacingNm + DOMAINS.spacingPerGraftFraction * graftVolumeFraction;
  const d = dry * Math.cbrt(1 + Math.max(0, volumeSwellingPct) / 100);
  const ratio =
    DOMAINS.disorderedXiRatio + (DOMAINS.orderedXiRatio - DOMAINS.disorderedXiRatio) * (1 - morphologyIndex);
  return { domainSpacingNm: d, correlationLengthNm: d * ratio };
}

export interface ScatteringPoint {
  /** nm⁻¹ */
  readonly q: number;
  readonly intensity: number;
}

export interface ScatteringOptions {
  readonly qMin?: number;
  readonly qMax?: number;
  readonly points?: number;
  /** Height scale of the Teubner–Strey term (e.g. ∝ φ(1 − φ)·Δρ²), Porod constant and background. */
  readonly scale?: number;
  readonly porod?: number;
  readonly background?: number;
}

/**
 * I(q) on a log-spaced q grid: Teubner–Strey
 * I_TS = scale·a₂/(a₂ + c₁q² + q⁴), a₂ = (k² + ξ⁻²)², c₁ = −2(k² − ξ⁻²), k = 2π/d,
 * which peaks near q* = 2π/d when kξ > 1, plus porod/q⁴ plus background.
 */
export function scatteringCurve(s: DomainStructure, options: ScatteringOptions = {}): ScatteringPoint[] {
  const { qMin = 0.05, qMax = 3, points = 120, scale = 1, porod = 1e-4, background = 0.01 } = options;
  const k2 = Math.pow((2 * Math.PI) / s.domainSpacingNm, 2);
  const x2 = 1 / (s.correlationLengthNm * s.correlationLengthNm);
  const a2 = Math.pow(k2 + x2, 2);
  const c1 = -2 * (k2 - x2);
  const curve: ScatteringPoint[] = [];
  for (let i = 0; i < points; i++) {
    const q = qMin * Math.pow(qMax / qMin, points === 1 ? 0 : i / (points - 1));
    const q2 = q * q;
    curve.push({ q, intensity: (scale * a2) / (a2 + c1 * q2 + q2 * q2) + porod / (q2 * q2) + background });
  }
  return curve;
}
