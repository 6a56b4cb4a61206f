import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { DocumentError, type Problem } from '@graftlab/validation';
import { AuditRepository } from './repositories/audit.repository';
import { canonicalJson, sha256Hex } from './canonical-json';
import { CsvSyntaxError, parseCsv } from './csv';
import type { Db } from './db.types';
import {
  BASE_MATERIAL_CATALOGUE,
  BASE_MATERIAL_DESCRIPTOR_PREFIX,
  BASE_POLYMER_CATALOGUE,
  BASE_POLYMER_DESCRIPTOR_PREFIX,
  CONDITION_COLUMNS,
  EXPORT_ROLES,
  FRACTION_BASIS_ROLES,
  HEAD_COLUMNS,
  LEGACY_MATERIAL_COLUMNS,
  MANIFEST_COLUMN,
  MATERIAL_COLUMNS,
  parseMeasurementColumn,
  parseMonomerDescriptor,
  parseRoleColumn,
  PARAM_PREFIX,
  POLYMER_COLUMNS,
  RECIPE_COLUMNS,
  roleColumn,
  STRUCTURE_PREFIX,
  UNCERTAINTY_SUFFIX,
  UNIT_SUFFIX,
} from './export-columns';
import { normalizeForm } from './materials/material-forms';
import { evaluateMeasurement } from './measurements/measurement.evaluation';
import type { MeasuredProperty } from './measurements/measurement-properties.catalog';
import {
  checkDataSource,
  DataSourcesRepository,
  type DataSourceInput,
} from './repositories/data-sources.repository';
import { DoseLedgerRepository } from './repositories/dose-ledger.repository';
import {
  checkIrradiation,
  IrradiationsRepository,
  type IrradiationInput,
} from './repositories/irradiations.repository';
import {
  MaterialsRepository,
  type BaseMaterialInput,
  type BasePolymerInput,
} from './repositories/materials.repository';
import { MeasurementsRepository } from './repositories/measurements.repository';
import {
  recipeProblems,
  RecipesRepository,
  type RecipeComponentInput,
  type RecipeInput,
} from './repositories/recipes.repository';
import { ResultsRepository, type NewResult } from './repositories/results.repository';
import { RunsRepository } from './repositories/runs.repository';
import {
  DATA_ORIGINS,
  protocols,
  protocolVersions,
  reagentLots,
  runs,
  samples,
  type DataOrigin,
  type Descriptors,
  type FractionBasis,
  type IrradiationAtmosphere,
  type IrradiationMethod,
  type RadiationSource,
  type RecipeMedium,
  type RecipeRole,
} from './schema';

export interface RejectedRow {
  /** Spreadsheet row number: the header is row 1, the first record row 2. 0 = the file as a whole. */
  row: number;
  field: string;
  reason: string;
}

export interface ImportReport {
  ok: boolean;
  /** Samples imported (0 whenever anything was rejected: the import is all or nothing). */
  imported: number;
  rows: number;
  rejected: RejectedRow[];
}

export interface ImportOptions {
  actor?: string;
  /**
   * Fill descriptors the file leaves empty from @graftlab/grafting-model when a material's name matches (default
   * false: an import records what the file says, so exporting it gives the file back).
   */
  fillFromCatalogue?: boolean;
}

/** Plausible degree of grafting in %: slightly negative values happen (extraction of low-mass fractions). */
export const DG_RANGE = { min: -10, max: 3000 } as const;
/** Pre-irradiation doses in kGy that a graft record can plausibly cite. */
export const DOSE_RANGE_KGY = { min: 0, max: 1000 } as const;
/** Protocol that imported records cite when the file names none. */
export const IMPORTED_PROTOCOL_ID = 'imported-records';

type Catalogued = { ref: string; fields: string[] } | null;

interface ParsedMeasurement {
  column: string;
  property: MeasuredProperty;
  value: number;
  uncertainty: number;
  timeOnTestH: number | null;
  conditions: Record<string, unknown> | null;
  method: string | null;
}

interface ParsedRow {
  row: number;
  sampleId: string;
  barcode: string | null;
  createdAt: Date | undefined;
  origin: DataOrigin;
  source: DataSourceInput | null;
  polymer: BasePolymerInput;
  material: Omit<BaseMaterialInput, 'polymer'> | null;
  substrateLot: string | null;
  recipe: RecipeInput;
  /** The column prefix of each recipe component (monomer, monomer_2, solvent, ...), for problems found later. */
  componentColumns: string[];
  initialMassG: number | null;
  doseKGy: number;
  doseRate: number | null;
  irradiation: Omit<IrradiationInput, 'sampleId' | 'runId'> | null;
  protocolId: string;
  protocolVersion: number;
  params: Record<string, unknown>;
  outputs: NewResult[];
  measurements: ParsedMeasurement[];
  manifestHash: string | null;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Text cells back to typed values: numbers, booleans, JSON arrays (how export writes them), else text. */
function typedValue(text: string): unknown {
  if (NUMBER.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** Dotted parameter names (param_bath.temperature) back into nested objects. */
function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const p of parts.slice(0, -1)) {
    const next = node[p];
    node = (next && typeof next === 'object' ? next : (node[p] = {})) as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/** Columns the importer reads (everything else that is not a parameter, descriptor or measurement is an output). */
function isKnownColumn(c: string): boolean {
  return (
    (HEAD_COLUMNS as readonly string[]).includes(c) ||
    (POLYMER_COLUMNS as readonly string[]).includes(c) ||
    (MATERIAL_COLUMNS as readonly string[]).includes(c) ||
    (RECIPE_COLUMNS as readonly string[]).includes(c) ||
    (CONDITION_COLUMNS as readonly string[]).includes(c) ||
    c in LEGACY_MATERIAL_COLUMNS ||
    [BASE_POLYMER_CATALOGUE, BASE_MATERIAL_CATALOGUE, MANIFEST_COLUMN, 'substrate_lot'].includes(c) ||
    FRACTION_BASIS_ROLES.some((r) => c === `${r}_fraction_basis`) ||
    parseRoleColumn(c) !== undefined ||
    parseMonomerDescriptor(c) !== undefined ||
    parseMeasurementColumn(c) !== undefined ||
    c.startsWith(PARAM_PREFIX) ||
    c.startsWith(BASE_POLYMER_DESCRIPTOR_PREFIX) ||
    c.startsWith(BASE_MATERIAL_DESCRIPTOR_PREFIX) ||
    c.startsWith(STRUCTURE_PREFIX)
  );
}

/** Where a problem found while writing (its pointer) is in the row (its column). */
function columnOf(pointer: string, parsed: ParsedRow): string {
  const [, area, ...rest] = pointer.split('/');
  const field = rest.join('/');
  const descriptor = (prefix: string) =>
    field.startsWith('descriptors.') ? prefix + field.slice(12) : undefined;
  switch (area) {
    case 'polymer':
      return (
        descriptor(BASE_POLYMER_DESCRIPTOR_PREFIX) ??
        (field === 'polymerClass' ? 'base_polymer_class' : 'base_polymer')
      );
    case 'material': {
      const map: Record<string, string> = {
        form: 'base_material_form',
        thicknessUm: 'base_material_thickness_um',
        basisWeightGM2: 'base_material_basis_weight_g_m2',
        crystallinity: 'base_material_crystallinity',
        densityGCm3: 'base_material_density_g_cm3',
        supplier: 'base_material_supplier',
        supplierLot: 'base_material_lot',
      };
      return descriptor(BASE_MATERIAL_DESCRIPTOR_PREFIX) ?? map[field] ?? 'base_material_form';
    }
    case 'recipe': {
      const m = /^components\/(\d+)(?:\/(\w+))?(?:\/(\w+))?/.exec(field);
      if (!m) {
        const map: Record<string, string> = {
          medium: 'recipe_medium',
          monomerConcentration: 'monomer_concentration',
          monomerConcentrationUnit: 'monomer_concentration_unit',
        };
        return map[field] ?? 'monomer';
      }
      const prefix = parsed.componentColumns[Number(m[1])] ?? 'monomer';
      const role = parseRoleColumn(prefix)?.role ?? 'monomer';
      const sub = m[2] === 'material' ? m[3] : m[2];
      const map: Record<string, string> = {
        fraction: `${prefix}_fraction`,
        fractionBasis: `${role}_fraction_basis`,
        concentration: `${prefix}_concentration`,
        concentrationUnit: `${prefix}_concentration_unit`,
        smiles: `${prefix}_smiles`,
        cas: `${prefix}_cas`,
        molarMassGMol: `${prefix}_molar_mass_g_mol`,
      };
      return (sub && map[sub]) ?? prefix;
    }
    case 'source':
      return (
        { doi: 'doi', citation: 'citation', lab: 'source_lab', reportedOn: 'source_date' }[field] ?? 'origin'
      );
    case 'irradiation':
      return (
        {
          method: 'irradiation_method',
          sourceKind: 'irradiation_source',
          source: 'irradiation_source_detail',
          facility: 'irradiation_facility',
          atmosphere: 'irradiation_atmosphere',
          temperatureC: 'irradiation_temperature_c',
          storageTimeH: 'storage_time_h',
          storageTemperatureC: 'storage_temperature_c',
        }[field] ?? 'irradiation_method'
      );
    case 'measurements': {
      const [i, f] = field.split('/');
      const column = parsed.measurements[Number(i)]?.column ?? '*';
      return f === 'uncertainty' ? column + UNCERTAINTY_SUFFIX : column;
    }
    default:
      return '*';
  }
}

/** Validates every row without touching the database; returns parsed rows and every problem found. */
function validate(records: string[][]): { rows: ParsedRow[]; rejected: RejectedRow[] } {
  const rejected: RejectedRow[] = [];
  const [header, ...body] = records;
  if (!header) return { rows: [], rejected: [{ row: 0, field: '*', reason: 'the file is empty' }] };
  const columns = header.map((h) => h.trim());
  const dupes = columns.filter((c, i) => columns.indexOf(c) !== i);
  for (const d of new Set(dupes))
    rejected.push({ row: 1, field: d, reason: 'column appears more than once' });
  for (const required of ['base_polymer', 'monomer', 'dose_kGy', 'degreeOfGrafting']) {
    if (!columns.includes(required))
      rejected.push({ row: 1, field: required, reason: 'required column is missing' });
  }
  if (!columns.some((c) => c.startsWith(PARAM_PREFIX))) {
    rejected.push({
      row: 1,
      field: `${PARAM_PREFIX}*`,
      reason: 'at least one condition column (param_<name>) is required',
    });
  }
  for (const [legacy, current] of Object.entries(LEGACY_MATERIAL_COLUMNS)) {
    if (columns.includes(legacy) && columns.includes(current))
      rejected.push({ row: 1, field: legacy, reason: `give either ${legacy} (older name) or ${current}` });
  }
  if (rejected.length) return { rows: [], rejected };

  const isOutput = (c: string) =>
    !isKnownColumn(c) &&
    !(c.endsWith(UNCERTAINTY_SUFFIX) && columns.includes(c.slice(0, -UNCERTAINTY_SUFFIX.length))) &&
    !(c.endsWith(UNIT_SUFFIX) && columns.includes(c.slice(0, -UNIT_SUFFIX.length)));
  const outputColumns = columns.filter(isOutput);
  const roleIndices = new Map<RecipeRole, number>();
  for (const c of columns) {
    const p = parseRoleColumn(c);
    if (p) roleIndices.set(p.role, Math.max(roleIndices.get(p.role) ?? 0, p.k));
  }

  const rows: ParsedRow[] = [];
  const seenIds = new Map<string, number>();
  const seenBarcodes = new Map<string, number>();
  body.forEach((record, index) => {
    const row = index + 2;
    if (record.length === 1 && record[0].trim() === '') return; // blank line
    const problems: RejectedRow[] = [];
    const bad = (field: string, reason: string) => problems.push({ row, field, reason });
    if (record.length !== columns.length) {
      bad('*', `has ${record.length} fields, the header has ${columns.length}`);
      rejected.push(...problems);
      return;
    }
    const cell = (c: string): string | null => {
      const i = columns.indexOf(c);
      const v = i < 0 ? '' : record[i].trim();
      return v === '' ? null : v;
    };
    /** A material column, or its older name when the file uses that. */
    const materialColumn = (c: string) =>
      Object.entries(LEGACY_MATERIAL_COLUMNS).find(
        ([, cur]) => cur === c && columns.includes(cur) === false,
      )?.[0] ?? c;
    const num = (
      c: string,
      opts: { required?: boolean; min?: number; max?: number; exclusiveMin?: boolean } = {},
    ): number | null => {
      const text = cell(c);
      if (text === null) {
        if (opts.required) bad(c, 'is required');
        return null;
      }
      if (!NUMBER.test(text)) {
        bad(c, `"${text}" is not a number`);
        return null;
      }
      const v = Number(text);
      if (opts.min !== undefined && (opts.exclusiveMin ? v <= opts.min : v < opts.min)) {
        bad(c, `${v} is below the allowed range (${opts.exclusiveMin ? '>' : '≥'} ${opts.min})`);
      } else if (opts.max !== undefined && v > opts.max) {
        bad(c, `${v} is above the allowed range (≤ ${opts.max})`);
      }
      return v;
    };
    const positive = (c: string) => num(c, { min: 0, exclusiveMin: true });
    const descriptors = (test: (c: string) => string | undefined): Descriptors => {
      const out: Descriptors = {};
      for (const c of columns) {
        const name = test(c);
        const v = cell(c);
        if (name !== undefined && v !== null) out[name] = NUMBER.test(v) ? Number(v) : v;
      }
      return out;
    };
    const prefixed = (prefix: string) => (c: string) =>
      c.startsWith(prefix) ? c.slice(prefix.length) : undefined;
    const catalogued = (c: string): Catalogued => {
      const text = cell(c);
      if (text === null) return null;
      try {
        const v = JSON.parse(text) as { ref?: unknown; fields?: unknown };
        if (
          typeof v.ref === 'string' &&
          Array.isArray(v.fields) &&
          v.fields.every((f) => typeof f === 'string')
        )
          return { ref: v.ref, fields: v.fields as string[] };
      } catch {
        // reported below
      }
      bad(c, 'expected {"ref": "...", "fields": [...]} as the export writes it');
      return null;
    };
    const mapProblems = (list: readonly Problem[], column: (pointer: string) => string) => {
      for (const p of list) bad(column(p.pointer), p.message);
    };

    // Provenance: what a file calls measured-here was measured by the lab that wrote it, an alliance lab.
    const doi = cell('doi');
    let origin = (cell('origin') ?? (doi ? 'literature' : 'alliance-history')) as DataOrigin;
    if (!DATA_ORIGINS.includes(origin)) {
      bad('origin', `"${origin}" is not one of ${DATA_ORIGINS.join(', ')}`);
      origin = 'alliance-history';
    }
    if (origin === 'measured-here') origin = 'alliance-history';
    const sourceGiven = ['doi', 'citation', 'source_lab', 'source_date'].some((c) => cell(c) !== null);
    const source: DataSourceInput | null = sourceGiven
      ? { origin, doi, citation: cell('citation'), lab: cell('source_lab'), reportedOn: cell('source_date') }
      : null;
    if (source)
      mapProblems(checkDataSource(source), (p) =>
        p.endsWith('/doi') ? 'doi' : p.endsWith('/reportedOn') ? 'source_date' : 'origin',
      );

    const basePolymer = cell('base_polymer');
    if (!basePolymer) bad('base_polymer', 'is required');
    let polymerClass = cell('base_polymer_class');
    let form = cell('base_material_form');
    if (polymerClass && normalizeForm(polymerClass)) {
      // Files exported before base materials carry the form of lab runs as the class.
      if (form && normalizeForm(form) !== normalizeForm(polymerClass))
        bad(
          'base_polymer_class',
          `"${polymerClass}" is a form, and differs from base_material_form "${form}"`,
        );
      form = form ?? polymerClass;
      polymerClass = null;
    }
    if (form && !normalizeForm(form))
      bad('base_material_form', `"${form}" is not a form (film, nonwoven, fibre, powder, membrane)`);
    const crystallinity = num(materialColumn('base_material_crystallinity'), { min: 0, max: 1 });
    const material: ParsedRow['material'] = {
      form,
      thicknessUm: positive(materialColumn('base_material_thickness_um')),
      basisWeightGM2: positive('base_material_basis_weight_g_m2'),
      crystallinity,
      densityGCm3: positive(materialColumn('base_material_density_g_cm3')),
      supplier: cell('base_material_supplier'),
      supplierLot: cell('base_material_lot'),
      descriptors: descriptors(prefixed(BASE_MATERIAL_DESCRIPTOR_PREFIX)),
      cataloguedAs: catalogued(BASE_MATERIAL_CATALOGUE),
    };
    const materialGiven =
      form !== null ||
      [material.thicknessUm, material.basisWeightGM2, material.crystallinity, material.densityGCm3].some(
        (v) => v !== null,
      ) ||
      material.supplier !== null ||
      material.supplierLot !== null ||
      Object.keys(material.descriptors ?? {}).length > 0;

    // The recipe: every role's components in column order.
    const components: RecipeComponentInput[] = [];
    const componentColumns: string[] = [];
    for (const role of EXPORT_ROLES) {
      const basis = cell(`${role}_fraction_basis`) as FractionBasis | null;
      for (let k = 1; k <= (roleIndices.get(role) ?? 0); k++) {
        const col = roleColumn(role, k);
        const name = cell(col);
        const fieldCells = [
          'smiles',
          'cas',
          'molar_mass_g_mol',
          'fraction',
          'concentration',
          'concentration_unit',
        ];
        if (!name) {
          const orphan = fieldCells.find((f) => cell(`${col}_${f}`) !== null);
          if (orphan) bad(col, `required with ${col}_${orphan}`);
          continue;
        }
        const cas = cell(`${col}_cas`);
        if (cas && !/^\d{2,7}-\d{2}-\d$/.test(cas)) bad(`${col}_cas`, `"${cas}" is not a CAS number`);
        const monomerDescriptors =
          role === 'monomer'
            ? descriptors((c) =>
                parseMonomerDescriptor(c)?.k === k ? parseMonomerDescriptor(c)!.name : undefined,
              )
            : undefined;
        components.push({
          role,
          material: {
            name,
            smiles: cell(`${col}_smiles`),
            cas,
            molarMassGMol: positive(`${col}_molar_mass_g_mol`),
            descriptors: monomerDescriptors,
            cataloguedAs: role === 'monomer' ? catalogued(`${col}_catalogue`) : null,
          },
          fraction: num(`${col}_fraction`),
          fractionBasis: basis,
          concentration: num(`${col}_concentration`),
          concentrationUnit: cell(`${col}_concentration_unit`),
        });
        componentColumns.push(col);
      }
    }
    const recipe: RecipeInput = {
      medium: cell('recipe_medium') as RecipeMedium | null,
      monomerConcentration: num('monomer_concentration'),
      monomerConcentrationUnit: cell('monomer_concentration_unit'),
      components,
    };
    if (cell('monomer') === null) bad('monomer', 'is required');
    else {
      const parsedSoFar = { componentColumns, measurements: [] } as unknown as ParsedRow;
      mapProblems(recipeProblems(recipe, '/recipe'), (p) => columnOf(p, parsedSoFar));
    }

    const doseKGy = num('dose_kGy', { required: true, ...DOSE_RANGE_KGY });
    const dg = num('degreeOfGrafting', { required: true, ...DG_RANGE });
    const irradiation: ParsedRow['irradiation'] = {
      method: cell('irradiation_method') as IrradiationMethod | null,
      sourceKind: cell('irradiation_source') as RadiationSource | null,
      source: cell('irradiation_source_detail'),
      facility: cell('irradiation_facility'),
      atmosphere: cell('irradiation_atmosphere') as IrradiationAtmosphere | null,
      temperatureC: num('irradiation_temperature_c'),
      storageTimeH: num('storage_time_h', { min: 0 }),
      storageTemperatureC: num('storage_temperature_c'),
    };
    const irradiationGiven = Object.values(irradiation).some((v) => v !== null);
    mapProblems(checkIrradiation(irradiation, '/irradiation'), (p) => columnOf(p, {} as ParsedRow));

    const params: Record<string, unknown> = {};
    for (const c of columns.filter((x) => x.startsWith(PARAM_PREFIX))) {
      const v = cell(c);
      const name = c.slice(PARAM_PREFIX.length);
      if (!name) bad(c, 'a condition column needs a name after param_');
      else if (v !== null) setPath(params, name, typedValue(v));
    }
    if (Object.keys(params).length === 0)
      bad(`${PARAM_PREFIX}*`, 'no condition given (every param_ cell is empty)');

    const outputs: NewResult[] = [];
    const manifestHash = cell(MANIFEST_COLUMN);
    for (const c of outputColumns) {
      const value = c === 'degreeOfGrafting' ? dg : num(c);
      const u = columns.includes(c + UNCERTAINTY_SUFFIX) ? num(c + UNCERTAINTY_SUFFIX, { min: 0 }) : null;
      const unit = cell(c + UNIT_SUFFIX);
      if (value === null) {
        if (u !== null) bad(c + UNCERTAINTY_SUFFIX, `uncertainty given without a value of ${c}`);
        continue;
      }
      outputs.push({
        sampleId: '',
        name: c,
        value,
        uncertainty: u,
        unit: unit ?? (c === 'degreeOfGrafting' ? '%' : null),
        manifestHash,
      });
    }

    // Measurements: each value column with its uncertainty (required: the wide form has no replicates).
    const parsedMeasurements: ParsedMeasurement[] = [];
    for (const c of columns) {
      const m = parseMeasurementColumn(c);
      if (!m || m.kind !== 'value') continue;
      const value = num(c);
      const uText = cell(c + UNCERTAINTY_SUFFIX);
      if (value === null) {
        if (uText !== null) bad(c + UNCERTAINTY_SUFFIX, `uncertainty given without a value of ${c}`);
        continue;
      }
      const u = num(c + UNCERTAINTY_SUFFIX);
      if (uText === null) {
        bad(
          c + UNCERTAINTY_SUFFIX,
          `required: the standard uncertainty (k = 1) of ${c}, in ${m.property.unit} (the wide layout has no replicates or resolution to derive it from)`,
        );
        continue;
      }
      try {
        evaluateMeasurement({
          property: m.property.key,
          value,
          unit: m.property.unit,
          uncertainty: u ?? undefined,
        });
      } catch (e) {
        if (!(e instanceof DocumentError)) throw e;
        for (const p of e.problems) bad(p.pointer === '/uncertainty' ? c + UNCERTAINTY_SUFFIX : c, p.message);
        continue;
      }
      let conditions: Record<string, unknown> | null = null;
      const conditionsText = cell(`${m.property.column}_conditions`);
      if (conditionsText !== null) {
        try {
          const parsed = JSON.parse(conditionsText) as unknown;
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
            conditions = parsed as Record<string, unknown>;
          else bad(`${m.property.column}_conditions`, 'expected a JSON object such as {"medium":"1 M KOH"}');
        } catch {
          bad(`${m.property.column}_conditions`, 'expected a JSON object such as {"medium":"1 M KOH"}');
        }
      }
      parsedMeasurements.push({
        column: c,
        property: m.property,
        value,
        uncertainty: u!,
        timeOnTestH: m.timeOnTestH,
        conditions,
        method: cell(`${m.property.column}_method`),
      });
    }

    const createdText = cell('created_at');
    const createdAt = createdText === null ? undefined : new Date(createdText);
    if (createdAt && Number.isNaN(createdAt.getTime())) bad('created_at', `"${createdText}" is not a date`);

    const sampleId = cell('sample_id') ?? randomUUID();
    const earlier = seenIds.get(sampleId);
    if (earlier !== undefined) bad('sample_id', `${sampleId} already appears in row ${earlier}`);
    seenIds.set(sampleId, row);
    const barcode = cell('barcode');
    if (barcode !== null) {
      const prev = seenBarcodes.get(barcode);
      if (prev !== undefined) bad('barcode', `${barcode} already appears in row ${prev}`);
      seenBarcodes.set(barcode, row);
    }
    const protocolVersion = num('protocol_version', { min: 1 }) ?? 1;
    if (!Number.isInteger(protocolVersion)) bad('protocol_version', 'must be a whole number');

    const parsed: ParsedRow = {
      row,
      sampleId,
      barcode,
      createdAt,
      origin,
      source,
      polymer: {
        name: basePolymer ?? '',
        polymerClass,
        descriptors: descriptors(prefixed(BASE_POLYMER_DESCRIPTOR_PREFIX)),
        cataloguedAs: catalogued(BASE_POLYMER_CATALOGUE),
      },
      material: materialGiven ? material : null,
      substrateLot: cell('substrate_lot'),
      recipe,
      componentColumns,
      initialMassG: positive('initial_mass_g'),
      doseKGy: doseKGy ?? 0,
      doseRate: positive('dose_rate_kGy_h'),
      irradiation: irradiationGiven ? irradiation : null,
      protocolId: cell('protocol_id') ?? IMPORTED_PROTOCOL_ID,
      protocolVersion,
      params,
      outputs,
      measurements: parsedMeasurements,
      manifestHash,
    };
    if (problems.length) rejected.push(...problems);
    else rows.push(parsed);
  });
  return { rows, rejected };
}

/**
 * Loads grafting records (the export's wide CSV layout) in ONE transaction. Every row is validated first; if any row
 * is bad nothing is imported and the report names each bad row and column. A row that contradicts what the database
 * (or an earlier row) records about a material is refused the same way. Each imported row becomes a sample with its
 * provenance, base material, recipe, a completed run holding the conditions, a dose-ledger entry, its irradiation
 * record, results written through the outbox and its measurements. Imported samples are training data of the
 * database-wide MI model (`graftlab rank`, and the optimizer of every campaign declaring `prior: "database"`); see
 * "How imported data reach the optimizer" in EXPORT_COLUMNS.md.
 */
export async function importSamples(
  db: Db,
  csvText: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  let records: string[][];
  try {
    records = parseCsv(csvText);
  } catch (e) {
    if (e instanceof CsvSyntaxError) {
      return { ok: false, imported: 0, rows: 0, rejected: [{ row: e.line, field: '*', reason: e.message }] };
    }
    throw e;
  }
  const { rows, rejected } = validate(records);
  const rowCount = Math.max(0, records.length - 1);

  // Conflicts with what the database already holds are part of validation too.
  if (rows.length) {
    const ids = rows.map((r) => r.sampleId);
    const existing = await db.select({ id: samples.id }).from(samples).where(inArray(samples.id, ids));
    for (const { id } of existing) {
      rejected.push({
        row: rows.find((r) => r.sampleId === id)!.row,
        field: 'sample_id',
        reason: `${id} already exists`,
      });
    }
    const codes = rows.map((r) => r.barcode).filter((b): b is string => b !== null);
    if (codes.length) {
      const taken = await db
        .select({ b: samples.barcode })
        .from(samples)
        .where(inArray(samples.barcode, codes));
      for (const { b } of taken) {
        rejected.push({
          row: rows.find((r) => r.barcode === b)!.row,
          field: 'barcode',
          reason: `${b} already exists`,
        });
      }
    }
  }
  if (rejected.length) {
    rejected.sort((a, b) => a.row - b.row || a.field.localeCompare(b.field));
    return { ok: false, imported: 0, rows: rowCount, rejected };
  }

  const catalogue = options.fillFromCatalogue ?? false;
  let current: ParsedRow | undefined;
  try {
    await db.transaction(async (tx) => {
      const protocolHashes = new Map<string, string>();
      const materialsRepo = new MaterialsRepository(tx);
      for (const r of rows) {
        current = r;
        const protocolKey = `${r.protocolId}@${r.protocolVersion}`;
        const protocolHash =
          protocolHashes.get(protocolKey) ?? (await ensureProtocol(tx, r.protocolId, r.protocolVersion));
        protocolHashes.set(protocolKey, protocolHash);
        const source = r.source ? await new DataSourcesRepository(tx).upsert(r.source, '/source') : null;
        const polymer = await materialsRepo.upsertBasePolymer({ ...r.polymer, catalogue }, '/polymer');
        const material = r.material
          ? await materialsRepo.upsertBaseMaterial(
              { ...r.material, polymer: polymer.name, catalogue },
              '/material',
            )
          : null;
        if (r.substrateLot) {
          await tx
            .insert(reagentLots)
            .values({
              id: r.substrateLot,
              kind: 'substrate',
              basePolymerId: polymer.id,
              baseMaterialId: material?.id,
            })
            .onConflictDoNothing();
        }
        const recipe = await new RecipesRepository(tx).upsert(
          {
            ...r.recipe,
            components: r.recipe.components.map((c) => ({
              ...c,
              material: typeof c.material === 'string' ? c.material : { ...c.material, catalogue },
            })),
          },
          '/recipe',
        );
        await tx.insert(samples).values({
          id: r.sampleId,
          barcode: r.barcode,
          substrateLotId: r.substrateLot,
          basePolymerId: polymer.id,
          baseMaterialId: material?.id ?? null,
          initialMassG: r.initialMassG,
          imported: true,
          origin: r.origin,
          sourceId: source?.id ?? null,
          status: 'measured',
          createdAt: r.createdAt,
        });
        const { run } = await new RunsRepository(tx).create({
          protocolId: r.protocolId,
          protocolVersion: r.protocolVersion,
          protocolHash,
          parameterValues: r.params,
          recipeId: recipe.id,
          manifestHash: r.manifestHash,
          sampleIds: [r.sampleId],
          createdAt: r.createdAt,
        });
        // A historical record describes a finished experiment.
        await tx
          .update(runs)
          .set({ state: 'completed', finishedAt: r.createdAt ?? new Date() })
          .where(eq(runs.id, run.id));
        await new DoseLedgerRepository(tx).append({
          sampleId: r.sampleId,
          runId: run.id,
          stepKey: 'imported',
          commandId: `import-${run.id}`,
          plannedKGy: r.doseKGy,
          deliveredKGy: r.doseKGy,
          doseRateKGyPerH: r.doseRate,
        });
        if (r.irradiation) {
          await new IrradiationsRepository(tx).record(
            { ...r.irradiation, sampleId: r.sampleId, runId: run.id },
            '/irradiation',
          );
        }
        await new ResultsRepository(tx).recordResults(
          run.id,
          r.outputs.map((o) => ({ ...o, sampleId: r.sampleId, computedAt: r.createdAt })),
        );
        const measurementsRepo = new MeasurementsRepository(tx);
        for (const [i, m] of r.measurements.entries()) {
          await measurementsRepo.add(
            {
              sampleId: r.sampleId,
              property: m.property.key,
              value: m.value,
              unit: m.property.unit,
              uncertainty: m.uncertainty,
              timeOnTestH: m.timeOnTestH,
              conditions: m.conditions,
              method: m.method,
              origin: r.origin,
              source: r.source,
            },
            `/measurements/${i}`,
          );
        }
      }
      current = undefined;
      await new AuditRepository(tx).append({
        actor: options.actor ?? 'import',
        action: 'samples.import',
        target: 'samples',
        after: { samples: rows.length, ids: rows.map((r) => r.sampleId) },
      });
    });
  } catch (e) {
    const row = current;
    if (e instanceof DocumentError && row) {
      return {
        ok: false,
        imported: 0,
        rows: rowCount,
        rejected: e.problems.map((p) => ({
          row: row.row,
          field: columnOf(p.pointer, row),
          reason: p.message,
        })),
      };
    }
    return {
      ok: false,
      imported: 0,
      rows: rowCount,
      rejected: [
        { row: row?.row ?? 0, field: '*', reason: `database refused the row: ${(e as Error).message}` },
      ],
    };
  }
  return { ok: true, imported: rows.length, rows: rowCount, rejected: [] };
}

/** Imported records cite a placeholder protocol version describing their origin, created on first use. */
async function ensureProtocol(tx: Db, protocolId: string, version: number): Promise<string> {
  const [found] = await tx
    .select({ hash: protocolVersions.contentHash })
    .from(protocolVersions)
    .where(and(eq(protocolVersions.protocolId, protocolId), eq(protocolVersions.version, version)));
  if (found) return found.hash;
  const document = {
    kind: 'imported-records',
    protocolId,
    version,
    note: 'historical records loaded by graftlab import',
  };
  const contentHash = sha256Hex(canonicalJson(document));
  await tx.insert(protocols).values({ id: protocolId, name: protocolId }).onConflictDoNothing();
  await tx.insert(protocolVersions).values({ protocolId, version, document, contentHash });
  return contentHash;
}
