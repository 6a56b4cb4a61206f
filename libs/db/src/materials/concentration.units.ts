/**
 * Concentrations in a grafting solution are kept in the unit they were given in (a recipe is what was weighed out),
 * spelled one way so that the same solution always hashes to the same recipe. "%" alone is refused: wt%, vol% and
 * mol% are different solutions.
 */
const SPELLINGS: Readonly<Record<string, string>> = {
  'wt%': 'wt%',
  'w/w%': 'wt%',
  '%w/w': 'wt%',
  'vol%': 'vol%',
  'v/v%': 'vol%',
  '%v/v': 'vol%',
  'mol%': 'mol%',
  'mol/l': 'mol/L',
  m: 'mol/L',
  'mol/dm3': 'mol/L',
  'mmol/l': 'mmol/L',
  mm: 'mmol/L',
  'g/l': 'g/L',
  'mg/l': 'mg/L',
  ppm: 'ppm',
};

export const CONCENTRATION_UNITS = ['wt%', 'vol%', 'mol%', 'mol/L', 'mmol/L', 'g/L', 'mg/L', 'ppm'] as const;

/** The canonical spelling of a concentration unit, or undefined when it is not one (or is ambiguous, like "%"). */
export function concentrationUnit(text: string): string | undefined {
  const key = text.replace(/\s+/g, '').toLowerCase();
  return key === 'm' && text.trim() !== 'M' ? undefined : SPELLINGS[key];
}
