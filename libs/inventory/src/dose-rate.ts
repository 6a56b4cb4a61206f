import type { IrradiationPosition } from './inventory.schema';

const HALF_LIFE_YEARS: Record<IrradiationPosition['nuclide'], number> = {
  'Co-60': 5.2714,
  'Cs-137': 30.08,
  none: Infinity, // machine sources (EB, X-ray) do not decay
};
const MS_PER_YEAR = 365.25 * 24 * 3600 * 1000;

/** Dose rate of a position on a given date, decay-corrected from its dated calibration (kGy/h). */
export function doseRateAt(position: IrradiationPosition, at: Date): number {
  const years = (at.getTime() - Date.parse(position.calibratedAt + 'T00:00:00Z')) / MS_PER_YEAR;
  const halfLife = HALF_LIFE_YEARS[position.nuclide];
  return position.doseRateKGyPerH * Math.pow(0.5, years / halfLife);
}
