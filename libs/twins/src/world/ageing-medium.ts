import type { AgeingTest } from '@graftlab/grafting-model';

/**
 * The ageing test a soak bath's medium and temperature make, as the grafting model's durability physics knows
 * them: "1 M KOH" (also "2 mol/L NaOH": hydroxide attacks the cation alike) and "3 wt% H2O2". Water and anything
 * unknown age nothing.
 */
export function ageingTestOf(medium: string, temperatureC: number): AgeingTest | undefined {
  const text = medium.replace(/\s+/g, ' ').trim();
  const alkali = /^([0-9.]+) ?(?:M|mol\/L) ?(?:KOH|NaOH)$/i.exec(text);
  if (alkali) return { medium: 'KOH', molar: Number(alkali[1]), temperatureC };
  const peroxide = /^([0-9.]+) ?(?:wt ?%|%) ?H2O2$/i.exec(text);
  if (peroxide) return { medium: 'H2O2', wtPct: Number(peroxide[1]), temperatureC };
  return undefined;
}
