import { GROUP_BEHAVIOUR } from './functionalization.catalog';
import type { FunctionalGroup } from './materials.types';

const R = 8.314;

/** An ex-situ ageing test: alkaline (KOH) or oxidative (H2O2). */
export type AgeingTest =
  | { readonly medium: 'KOH'; readonly molar: number; readonly temperatureC: number }
  | { readonly medium: 'H2O2'; readonly wtPct: number; readonly temperatureC: number };

/** QST protocol: 1 M KOH at 80 °C, conductivity tracked over 150–250 h [S]. */
export const ALKALINE_TEST: AgeingTest = { medium: 'KOH', molar: 1, temperatureC: 80 };
/** PEM protocol: 3 % H2O2 at 60 °C [S]. */
export const OXIDATIVE_TEST: AgeingTest = { medium: 'H2O2', wtPct: 3, temperatureC: 60 };

/**
 * Degradation energies (Hofmann elimination / SN2 on the cation; radical attack) and the protection a fully
 * reverse-micelle-like morphology gives the cation over a micelle-like one [A].
 */
export const DEGRADATION = {
  alkalineEaJPerMol: 90e3,
  oxidativeEaJPerMol: 60e3,
  reverseMicelleProtection: 8,
} as const;

/**
 * Conductivity half-life, h: the group's half-life at the reference test, times protection^(1 − morphology),
 * Arrhenius in the test temperature and inversely proportional to the attacking species' concentration [A].
 */
export function halfLifeH(
  group: FunctionalGroup,
  morphologyIndex: number,
  test: AgeingTest = ALKALINE_TEST,
  halfLifeFactor = 1,
): number {
  const b = GROUP_BEHAVIOUR[group];
  const protection = Math.pow(DEGRADATION.reverseMicelleProtection, 1 - morphologyIndex);
  const [base, ea, tRefC, dose] =
    test.medium === 'KOH'
      ? [b.alkalineHalfLifeH, DEGRADATION.alkalineEaJPerMol, 80, test.molar / 1]
      : [b.oxidativeHalfLifeH, DEGRADATION.oxidativeEaJPerMol, 60, test.wtPct / 3];
  const arrhenius = Math.exp((ea / R) * (1 / (test.temperatureC + 273.15) - 1 / (tRefC + 273.15)));
  return (base * protection * arrhenius * halfLifeFactor) / Math.max(dose, 1e-9);
}

/** σ(t)/σ(0) = exp(−ln 2·t/t½) (reference §2.7). */
export function conductivityRetained(hours: number, halfLife: number): number {
  return Number.isFinite(halfLife) ? Math.exp((-Math.LN2 * Math.max(0, hours)) / halfLife) : 1;
}
