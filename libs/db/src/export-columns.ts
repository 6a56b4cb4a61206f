import { MEASURED_PROPERTIES, type MeasuredProperty } from './measurements/measurement-properties.catalog';
import type { RecipeRole } from './schema';

/**
 * Names of the wide export's columns (one row per sample), shared by export and import so that what one writes the
 * other reads. libs/db/EXPORT_COLUMNS.md documents each.
 */

export const HEAD_COLUMNS = [
  'sample_id',
  'barcode',
  'status',
  'imported',
  'origin',
  'doi',
  'citation',
  'source_lab',
  'source_date',
  'created_at',
  'run_id',
  'run_state',
  'protocol_id',
  'protocol_version',
  'campaign_id',
  'suggestion_id',
] as const;

export const POLYMER_COLUMNS = ['base_polymer', 'base_polymer_class'] as const;

export const MATERIAL_COLUMNS = [
  'base_material_id',
  'base_material_form',
  'base_material_thickness_um',
  'base_material_basis_weight_g_m2',
  'base_material_crystallinity',
  'base_material_density_g_cm3',
  'base_material_supplier',
  'base_material_lot',
] as const;

/** Columns of files written before base materials had identity, read as their base_material_* successors. */
export const LEGACY_MATERIAL_COLUMNS: Readonly<Record<string, (typeof MATERIAL_COLUMNS)[number]>> = {
  base_polymer_thickness_um: 'base_material_thickness_um',
  base_polymer_crystallinity: 'base_material_crystallinity',
  base_polymer_density_g_cm3: 'base_material_density_g_cm3',
};

export const RECIPE_COLUMNS = [
  'recipe_id',
  'recipe_medium',
  'monomer_concentration',
  'monomer_concentration_unit',
] as const;

/** Per recipe role: the fields each component has (`<role>[_k]_<field>`); the name column is `<role>[_k]`. */
export const ROLE_FIELDS: Readonly<Record<RecipeRole, readonly string[]>> = {
  monomer: ['smiles', 'cas', 'molar_mass_g_mol', 'fraction', 'catalogue'],
  crosslinker: ['smiles', 'cas', 'molar_mass_g_mol', 'concentration', 'concentration_unit'],
  solvent: ['smiles', 'cas', 'molar_mass_g_mol', 'fraction'],
  surfactant: ['cas', 'concentration', 'concentration_unit'],
  inhibitor: ['cas', 'concentration', 'concentration_unit'],
  additive: ['cas', 'concentration', 'concentration_unit'],
};
export const EXPORT_ROLES = Object.keys(ROLE_FIELDS) as RecipeRole[];
/** Roles whose components share a fraction basis (one column per role). */
export const FRACTION_BASIS_ROLES: readonly RecipeRole[] = ['monomer', 'solvent'];

export const CONDITION_COLUMNS = [
  'initial_mass_g',
  'dose_kGy',
  'dose_rate_kGy_h',
  'irradiation_method',
  'irradiation_source',
  'irradiation_source_detail',
  'irradiation_facility',
  'irradiation_atmosphere',
  'irradiation_temperature_c',
  'storage_time_h',
  'storage_temperature_c',
] as const;

export const BASE_POLYMER_DESCRIPTOR_PREFIX = 'bp_';
export const BASE_MATERIAL_DESCRIPTOR_PREFIX = 'bm_';
export const MONOMER_DESCRIPTOR_PREFIX = 'mon_';
export const PARAM_PREFIX = 'param_';
export const STRUCTURE_PREFIX = 'structure_';
export const UNCERTAINTY_SUFFIX = '_u';
export const UNIT_SUFFIX = '_unit';
export const MANIFEST_COLUMN = 'manifest_hash';
export const BASE_POLYMER_CATALOGUE = 'base_polymer_catalogue';
export const BASE_MATERIAL_CATALOGUE = 'base_material_catalogue';

/** `monomer`, `monomer_2`, ... */
export const roleColumn = (role: RecipeRole, k: number) => (k === 1 ? role : `${role}_${k}`);
/** `mon_`, `mon2_`, ... (descriptors of the k-th monomer). */
export const monomerDescriptorPrefix = (k: number) => (k === 1 ? MONOMER_DESCRIPTOR_PREFIX : `mon${k}_`);

/** Every column of a recipe component, name first. */
export const componentColumns = (role: RecipeRole, k: number) => [
  roleColumn(role, k),
  ...ROLE_FIELDS[role].map((f) => `${roleColumn(role, k)}_${f}`),
];

const ROLE_COLUMN = new RegExp(
  `^(${EXPORT_ROLES.join('|')})(?:_(\\d+))?(?:_(${[...new Set(Object.values(ROLE_FIELDS).flat())].join('|')}))?$`,
);

/** A recipe column's role, index and field ('' for the name), or undefined. */
export function parseRoleColumn(column: string): { role: RecipeRole; k: number; field: string } | undefined {
  const m = ROLE_COLUMN.exec(column);
  if (!m) return undefined;
  const role = m[1] as RecipeRole;
  const k = m[2] ? Number(m[2]) : 1;
  const field = m[3] ?? '';
  if (k < 1 || (m[2] && k === 1) || (field && !ROLE_FIELDS[role].includes(field))) return undefined;
  return { role, k, field };
}

/** `monK_` descriptor columns: index and descriptor name. */
export function parseMonomerDescriptor(column: string): { k: number; name: string } | undefined {
  const m = /^mon(\d*)_(.+)$/.exec(column);
  if (!m || m[1] === '1') return undefined;
  return { k: m[1] ? Number(m[1]) : 1, name: m[2] };
}

/** Measurement columns: `<stem>[@<t>h][_u]`, `<stem>_conditions`, `<stem>_method` (stems in MEASURED_PROPERTIES). */
export type MeasurementColumn =
  | { kind: 'value' | 'uncertainty'; property: MeasuredProperty; timeOnTestH: number | null }
  | { kind: 'conditions' | 'method'; property: MeasuredProperty };

const STEMS = MEASURED_PROPERTIES.map((p) => p.column).sort((a, b) => b.length - a.length);
const MEASUREMENT_COLUMN = new RegExp(
  `^(${STEMS.join('|')})(?:(?:@(\\d+(?:\\.\\d+)?)h)?(_u)?|_(conditions|method))$`,
);

export function parseMeasurementColumn(column: string): MeasurementColumn | undefined {
  const m = MEASUREMENT_COLUMN.exec(column);
  if (!m) return undefined;
  const property = MEASURED_PROPERTIES.find((p) => p.column === m[1])!;
  if (m[4]) return { kind: m[4] as 'conditions' | 'method', property };
  return {
    kind: m[3] ? 'uncertainty' : 'value',
    property,
    timeOnTestH: m[2] !== undefined ? Number(m[2]) : null,
  };
}

export function measurementColumn(property: MeasuredProperty, timeOnTestH: number | null): string {
  return timeOnTestH === null ? property.column : `${property.column}@${timeOnTestH}h`;
}
