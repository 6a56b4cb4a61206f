import { all, create, type Unit } from 'mathjs';

/**
 * A private mathjs instance: the units graftlab adds (Gy, ppm, wt%, sccm, rpm) never leak into
 * another library's mathjs, and nobody else's additions leak into ours.
 */
export const math = create(all, { number: 'number' });
math.createUnit('Gy', { definition: '1 J/kg', prefixes: 'short' });
// Mass fraction and gas fraction get their own base dimensions so "50 ppm" can never pass for "5 wt%".
math.createUnit('wtpct');
math.createUnit('ppm');
// Standard cubic centimetres per minute, treated as a volume flow (the MFCs are calibrated for N2).
math.createUnit('sccm', '1 mL/min');
math.createUnit('d', '1 day');
math.createUnit('rpm', { definition: '0.016666666666666666 Hz' });

/** Physical kinds a value may have, each with the SI unit the plan stores it in. */
export const KINDS = {
  dose: { label: 'dose', example: '30 kGy', base: 'Gy', si: 'Gy', scale: 1 },
  doseRate: { label: 'dose rate', example: '12 kGy/h', base: 'Gy/s', si: 'Gy/s', scale: 1 },
  time: { label: 'time', example: '30 min', base: 's', si: 's', scale: 1 },
  temperature: { label: 'temperature', example: '40 °C', base: 'K', si: 'K', scale: 1 },
  temperatureDelta: { label: 'temperature difference', example: '2 K', base: 'K', si: 'K', scale: 1 },
  temperatureRate: { label: 'heating rate', example: '2 °C/min', base: 'K/s', si: 'K/s', scale: 1 },
  volume: { label: 'volume', example: '50 mL', base: 'm^3', si: 'm^3', scale: 1 },
  mass: { label: 'mass', example: '0.1 mg', base: 'kg', si: 'kg', scale: 1 },
  volumeFlow: { label: 'flow', example: '200 sccm', base: 'm^3/s', si: 'm^3/s', scale: 1 },
  gasFraction: { label: 'gas fraction', example: '50 ppm', base: 'ppm', si: '1', scale: 1e-6 },
  massFraction: { label: 'mass fraction', example: '5 wt%', base: 'wtpct', si: '1', scale: 0.01 },
  concentration: { label: 'concentration', example: '0.1 mol/L', base: 'mol/m^3', si: 'mol/m^3', scale: 1 },
  length: { label: 'length', example: '50 µm', base: 'm', si: 'm', scale: 1 },
  molarMass: { label: 'molar mass', example: '142.15 g/mol', base: 'kg/mol', si: 'kg/mol', scale: 1 },
  pressure: { label: 'pressure', example: '10 mbar', base: 'Pa', si: 'Pa', scale: 1 },
  rotation: { label: 'stirring speed', example: '300 rpm', base: 'Hz', si: '1/s', scale: 1 },
} as const;
export type Kind = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as Kind[];

const BASES = new Map<Kind, Unit>(KIND_NAMES.map((k) => [k, math.unit(KINDS[k].base)]));

/**
 * Spellings scientists type that mathjs does not read: µ/μ for micro, ° for degrees, wt% and ppm.
 * Applied to quantity and expression text before parsing; "%" alone stays an operator (and is refused).
 */
export function normalizeUnitText(text: string): string {
  return text
    .replace(/wt\s*%/g, 'wtpct')
    .replace(/[µμ]/g, 'u')
    .replace(/°\s*C\b/g, 'degC')
    .replace(/°\s*F\b/g, 'degF')
    .replace(/\bdeg\s+C\b/g, 'degC');
}

/** True for a symbol the private instance knows as a unit (never an inherited property name). */
export function isUnitName(name: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return false;
  try {
    return math.Unit.isValuelessUnit(name);
  } catch {
    return false;
  }
}

/** Parses a bare unit string such as "kGy", "°C", "mL/min"; undefined when it is not one. */
export function parseUnit(text: string): Unit | undefined {
  const normalized = normalizeUnitText(text.trim());
  if (!/^[A-Za-z0-9_ /*^().-]+$/.test(normalized)) return undefined;
  try {
    const u = math.unit(normalized);
    return u.value === null ? u : undefined;
  } catch {
    return undefined;
  }
}

/** The kind whose dimension a unit has, if any (several kinds share one; the first listed wins). */
export function kindOf(u: Unit): Kind | undefined {
  return KIND_NAMES.find((k) => u.equalBase(BASES.get(k)!));
}

export function hasKind(u: Unit, kind: Kind): boolean {
  return u.equalBase(BASES.get(kind)!);
}

/** Value of a unit quantity in the SI unit of its kind; differences ignore the °C offset. */
export function toSi(u: Unit, kind: Kind): number {
  const spec = KINDS[kind];
  if (kind === 'temperatureDelta') {
    const units = u.formatUnits();
    return u.toNumber('K') - math.unit(0, units).toNumber('K');
  }
  return u.toNumber(spec.base) * spec.scale;
}

/** A unit in its own written units, as { value, unit } for display. */
export function displayOf(u: Unit): { value: number; unit: string } {
  const unit = u.formatUnits();
  return { value: unit === '' ? u.toNumber() : u.toNumber(unit), unit: denormalizeUnit(unit) };
}

/** Turns mathjs spellings back into the ones scientists wrote (wtpct → wt%, degC → °C). */
export function denormalizeUnit(unit: string): string {
  return unit
    .replace(/wtpct/g, 'wt%')
    .replace(/degC/g, '°C')
    .replace(/\bu(m|L|g|mol)\b/g, 'µ$1')
    .replace(/ \/ /g, '/');
}
