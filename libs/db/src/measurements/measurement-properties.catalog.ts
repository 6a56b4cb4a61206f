import type { Unit } from 'mathjs';
import { parseUnit } from './measurement.units';

/** A measured property: its canonical unit, what people call it, and how its columns are named in the wide export. */
export interface MeasuredProperty {
  readonly key: string;
  readonly label: string;
  /** Canonical unit as stored and exported ("1" for dimensionless fractions). */
  readonly unit: string;
  /** What the unit measures, for messages ("amount per mass, e.g. mmol/g"). */
  readonly dimension: string;
  /** Wide-export column stem: the key with its unit, so no column can be mistaken for a run output's. */
  readonly column: string;
  /** Other names (lower case, runs of '-' and spaces as '_'): protocol `record`/`property` names, camelCase outputs. */
  readonly aliases: readonly string[];
}

/**
 * The properties the lab grafts for (reference §1.7, §2.7). Adding one is adding an entry here; a database migration
 * is needed only when rows recorded under an older name must be renamed.
 */
export const MEASURED_PROPERTIES: readonly MeasuredProperty[] = [
  {
    key: 'degree_of_grafting',
    label: 'degree of grafting',
    unit: '%',
    dimension: 'a mass ratio in % (or a fraction)',
    column: 'degree_of_grafting_pct',
    aliases: ['dg', 'degreeofgrafting'],
  },
  {
    key: 'ion_exchange_capacity',
    label: 'ion-exchange capacity',
    unit: 'mmol/g',
    dimension: 'amount per mass, e.g. mmol/g or meq/g',
    column: 'ion_exchange_capacity_mmol_g',
    aliases: ['iec', 'ionexchangecapacity'],
  },
  {
    key: 'conductivity',
    label: 'ionic conductivity',
    unit: 'mS/cm',
    dimension: 'conductivity, e.g. mS/cm or S/m',
    column: 'conductivity_mS_cm',
    aliases: ['sigma', 'σ', 'ionic_conductivity'],
  },
  {
    key: 'conductivity_retained',
    label: 'conductivity retained',
    unit: '1',
    dimension: 'a dimensionless fraction (1) or %',
    column: 'conductivity_retained',
    aliases: ['conductivityretained'],
  },
  {
    key: 'water_uptake',
    label: 'water uptake',
    unit: '%',
    dimension: 'a mass ratio in % (or a fraction)',
    column: 'water_uptake_pct',
    aliases: ['wu', 'wateruptake'],
  },
  {
    key: 'swelling',
    label: 'swelling',
    unit: '%',
    dimension: 'a dimension change in % (or a fraction)',
    column: 'swelling_pct',
    aliases: ['swelling_ratio', 'swellingratio'],
  },
  {
    key: 'tensile_strength',
    label: 'tensile strength',
    unit: 'MPa',
    dimension: 'a stress, e.g. MPa or N/mm^2',
    column: 'tensile_strength_MPa',
    aliases: ['tensilestrength'],
  },
  {
    key: 'elongation_at_break',
    label: 'elongation at break',
    unit: '%',
    dimension: 'a strain in % (or a fraction)',
    column: 'elongation_at_break_pct',
    aliases: ['elongationatbreak', 'elongation'],
  },
  {
    key: 'adsorption_capacity',
    label: 'adsorption capacity',
    unit: 'mmol/g',
    dimension: 'amount per mass, e.g. mmol/g',
    column: 'adsorption_capacity_mmol_g',
    aliases: ['adsorptioncapacity'],
  },
  {
    key: 'domain_spacing',
    label: 'domain spacing',
    unit: 'nm',
    dimension: 'a length, e.g. nm or Å',
    column: 'domain_spacing_nm',
    aliases: ['domainspacing', 'd_spacing'],
  },
  {
    key: 'correlation_length',
    label: 'correlation length',
    unit: 'nm',
    dimension: 'a length, e.g. nm or Å',
    column: 'correlation_length_nm',
    aliases: ['correlationlength'],
  },
  {
    key: 'crystallinity',
    label: 'crystallinity',
    unit: '1',
    dimension: 'a dimensionless fraction (1) or %',
    column: 'crystallinity',
    aliases: [],
  },
];

const aliasKey = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[-\s]+/g, '_');

const BY_NAME = new Map<string, MeasuredProperty>(
  MEASURED_PROPERTIES.flatMap((p) => [p.key, ...p.aliases].map((n) => [n, p] as const)),
);

/** The property a key, alias or protocol name stands for (case, hyphens and spaces ignored). */
export function findProperty(name: string): MeasuredProperty | undefined {
  return BY_NAME.get(aliasKey(name));
}

export function propertyByColumn(column: string): MeasuredProperty | undefined {
  return MEASURED_PROPERTIES.find((p) => p.column === column);
}

/** The canonical unit of a property as a mathjs unit. */
export function canonicalUnitOf(property: MeasuredProperty): Unit {
  const u = parseUnit(property.unit);
  if (!u) throw new Error(`catalogue unit ${property.unit} of ${property.key} does not parse`);
  return u;
}
