import { and, asc, desc, eq, gte, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import { canonicalJson } from './canonical-json';
import { writeCsv } from './csv';
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
  MANIFEST_COLUMN,
  MATERIAL_COLUMNS,
  measurementColumn,
  monomerDescriptorPrefix,
  componentColumns,
  PARAM_PREFIX,
  parseMeasurementColumn,
  parseMonomerDescriptor,
  parseRoleColumn,
  POLYMER_COLUMNS,
  RECIPE_COLUMNS,
  roleColumn,
  ROLE_FIELDS,
  STRUCTURE_PREFIX,
  UNCERTAINTY_SUFFIX,
  UNIT_SUFFIX,
} from './export-columns';
import { findProperty, MEASURED_PROPERTIES } from './measurements/measurement-properties.catalog';
import { structureUrl } from './repositories/structures.repository';
import {
  baseMaterials,
  basePolymers,
  chemicals,
  dataSources,
  doseLedger,
  irradiations,
  measurements,
  monomers,
  recipeComponents,
  recipes,
  reagentLots,
  results,
  runs,
  runSamples,
  samples,
  structureRecords,
  type RecipeRole,
} from './schema';

export * from './export-columns';

export interface ExportFilters {
  campaignId?: string;
  protocolId?: string;
  /** Samples created at or after this instant. */
  from?: Date;
  /** Samples created at or before this instant. */
  to?: Date;
  /** Base polymer name or id. */
  basePolymer?: string;
  /** Monomer name or id (any monomer of the recipe). */
  monomer?: string;
}

export type ExportFormat = 'csv' | 'json';
export type ExportValue = string | number | boolean | null;
export type ExportRow = Record<string, ExportValue>;

/** Kept for callers of the earlier layout: the columns every export starts with. */
export const FIXED_EXPORT_COLUMNS = [...HEAD_COLUMNS, ...POLYMER_COLUMNS] as const;

/** Nested parameter objects flatten to dotted names (param_bath.temperature); arrays stay JSON text. */
export function flattenParams(values: Record<string, unknown>, prefix = ''): Record<string, ExportValue> {
  const out: Record<string, ExportValue> = {};
  for (const [k, v] of Object.entries(values)) {
    const name = prefix + k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      Object.assign(out, flattenParams(v as Record<string, unknown>, name + '.'));
    } else if (Array.isArray(v)) {
      out[name] = JSON.stringify(v);
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) {
      out[name] = v;
    }
  }
  return out;
}

function descriptorValue(v: unknown): ExportValue {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean'
    ? v
    : v == null
      ? null
      : JSON.stringify(v);
}

/** Catalogue provenance as one cell: which values came from which catalogue entry. */
function catalogueCell(ref: string | null, fields: readonly string[]): ExportValue {
  return ref && fields.length ? canonicalJson({ ref, fields: [...fields].sort() }) : null;
}

function chunks<T>(xs: readonly T[], size = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

const groupBy = <T, K>(xs: readonly T[], key: (x: T) => K): Map<K, T[]> => {
  const out = new Map<K, T[]>();
  for (const x of xs) out.set(key(x), [...(out.get(key(x)) ?? []), x]);
  return out;
};

/**
 * One tidy row per sample (the wide form): provenance, base polymer and material with descriptors, the recipe, the
 * irradiation record, conditions, run outputs with uncertainty, measurements (one column per property and time on
 * test) and links to structure files. A sample processed by several runs is described by its latest run.
 */
export async function exportRows(db: Db, filters: ExportFilters = {}): Promise<ExportRow[]> {
  const where: SQL[] = [];
  if (filters.from) where.push(gte(samples.createdAt, filters.from));
  if (filters.to) where.push(lte(samples.createdAt, filters.to));
  if (filters.basePolymer) {
    where.push(or(eq(basePolymers.name, filters.basePolymer), eq(basePolymers.id, filters.basePolymer))!);
  }
  const rows = await db
    .select({
      sample: samples,
      basePolymer: basePolymers,
      material: baseMaterials,
      lot: reagentLots,
      source: dataSources,
    })
    .from(samples)
    .leftJoin(basePolymers, eq(basePolymers.id, samples.basePolymerId))
    .leftJoin(baseMaterials, eq(baseMaterials.id, samples.baseMaterialId))
    .leftJoin(reagentLots, eq(reagentLots.id, samples.substrateLotId))
    .leftJoin(dataSources, eq(dataSources.id, samples.sourceId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(samples.createdAt), asc(samples.id));

  const ids = rows.map((r) => r.sample.id);
  const latestRun = new Map<string, typeof runs.$inferSelect>();
  const doses = new Map<
    string,
    { total: number; rate: number | null; last: typeof doseLedger.$inferSelect }
  >();
  const resultsByRun = new Map<string, (typeof results.$inferSelect)[]>();
  const irradiationByRun = new Map<string, typeof irradiations.$inferSelect>();
  const measurementsBySample = new Map<string, (typeof measurements.$inferSelect)[]>();
  const structuresBySample = new Map<string, (typeof structureRecords.$inferSelect)[]>();
  for (const part of chunks(ids)) {
    const runRows = await db
      .select({ sampleId: runSamples.sampleId, run: runs })
      .from(runSamples)
      .innerJoin(runs, eq(runs.id, runSamples.runId))
      .where(inArray(runSamples.sampleId, part))
      .orderBy(desc(runs.createdAt), desc(runs.id));
    for (const r of runRows) if (!latestRun.has(r.sampleId)) latestRun.set(r.sampleId, r.run);
    const doseRows = await db
      .select()
      .from(doseLedger)
      .where(inArray(doseLedger.sampleId, part))
      .orderBy(asc(doseLedger.id));
    for (const d of doseRows) {
      const cur = doses.get(d.sampleId);
      doses.set(d.sampleId, {
        total: (cur?.total ?? 0) + d.deliveredKGy,
        rate: d.doseRateKGyPerH ?? cur?.rate ?? null,
        last: d,
      });
    }
    for (const r of await db
      .select()
      .from(results)
      .where(inArray(results.sampleId, part))
      .orderBy(asc(results.name))) {
      const key = `${r.runId}\u0000${r.sampleId}`;
      resultsByRun.set(key, [...(resultsByRun.get(key) ?? []), r]);
    }
    for (const i of await db
      .select()
      .from(irradiations)
      .where(inArray(irradiations.sampleId, part))
      .orderBy(asc(irradiations.createdAt))) {
      irradiationByRun.set(`${i.runId ?? ''}\u0000${i.sampleId}`, i);
    }
    for (const [k, v] of groupBy(
      await db
        .select()
        .from(measurements)
        .where(inArray(measurements.sampleId, part))
        .orderBy(
          sql`${measurements.timeOnTestH} asc nulls first`,
          sql`${measurements.measuredAt} asc nulls first`,
          asc(measurements.recordedAt),
          asc(measurements.id),
        ),
      (m) => m.sampleId,
    ))
      measurementsBySample.set(k, v);
    for (const [k, v] of groupBy(
      await db
        .select()
        .from(structureRecords)
        .where(inArray(structureRecords.sampleId, part))
        .orderBy(asc(structureRecords.createdAt), asc(structureRecords.id)),
      (s) => s.sampleId,
    ))
      structuresBySample.set(k, v);
  }
  const recipeIds = [
    ...new Set([...latestRun.values()].map((r) => r.recipeId).filter((x): x is string => !!x)),
  ];
  const recipeById = new Map<string, typeof recipes.$inferSelect>();
  const componentsByRecipe = new Map<
    string,
    {
      component: typeof recipeComponents.$inferSelect;
      monomer: typeof monomers.$inferSelect | null;
      chemical: typeof chemicals.$inferSelect | null;
    }[]
  >();
  for (const part of chunks(recipeIds)) {
    for (const r of await db.select().from(recipes).where(inArray(recipes.id, part))) recipeById.set(r.id, r);
    for (const [k, v] of groupBy(
      await db
        .select({ component: recipeComponents, monomer: monomers, chemical: chemicals })
        .from(recipeComponents)
        .leftJoin(monomers, eq(monomers.id, recipeComponents.monomerId))
        .leftJoin(chemicals, eq(chemicals.id, recipeComponents.chemicalId))
        .where(inArray(recipeComponents.recipeId, part))
        .orderBy(asc(recipeComponents.position)),
      (c) => c.component.recipeId,
    ))
      componentsByRecipe.set(k, v);
  }
  const monomerIds = [
    ...new Set([...latestRun.values()].map((r) => r.monomerId).filter((x): x is string => !!x)),
  ];
  const monomerById = new Map<string, typeof monomers.$inferSelect>();
  for (const part of chunks(monomerIds))
    for (const m of await db.select().from(monomers).where(inArray(monomers.id, part)))
      monomerById.set(m.id, m);

  const out: ExportRow[] = [];
  for (const { sample, basePolymer, material, lot, source } of rows) {
    const run = latestRun.get(sample.id);
    const components = run?.recipeId ? (componentsByRecipe.get(run.recipeId) ?? []) : [];
    const recipe = run?.recipeId ? recipeById.get(run.recipeId) : undefined;
    if (filters.campaignId && run?.campaignId !== filters.campaignId) continue;
    if (filters.protocolId && run?.protocolId !== filters.protocolId) continue;
    if (filters.monomer) {
      const names = components.flatMap((c) => (c.monomer ? [c.monomer.name, c.monomer.id] : []));
      const legacy = run?.monomerId ? monomerById.get(run.monomerId) : undefined;
      if (legacy) names.push(legacy.name, legacy.id);
      if (!names.includes(filters.monomer)) continue;
    }
    const dose = doses.get(sample.id);
    const irradiation = irradiationByRun.get(`${run?.id ?? ''}\u0000${sample.id}`);
    const row: ExportRow = {
      sample_id: sample.id,
      barcode: sample.barcode,
      status: sample.status,
      imported: sample.imported,
      origin: sample.origin,
      doi: source?.doi ?? null,
      citation: source?.citation ?? null,
      source_lab: source?.lab ?? null,
      source_date: source?.reportedOn ?? null,
      created_at: sample.createdAt.toISOString(),
      run_id: run?.id ?? null,
      run_state: run?.state ?? null,
      protocol_id: run?.protocolId ?? null,
      protocol_version: run?.protocolVersion ?? null,
      campaign_id: run?.campaignId ?? null,
      suggestion_id: run?.suggestionId ?? null,
      base_polymer: basePolymer?.name ?? null,
      base_polymer_class: basePolymer?.polymerClass ?? null,
      [BASE_POLYMER_CATALOGUE]: catalogueCell(
        basePolymer?.catalogueRef ?? null,
        basePolymer?.catalogueFields ?? [],
      ),
      base_material_id: material?.id ?? null,
      base_material_form: material?.form ?? null,
      base_material_thickness_um: material?.thicknessUm ?? null,
      base_material_basis_weight_g_m2: material?.basisWeightGM2 ?? null,
      base_material_crystallinity: material?.crystallinity ?? null,
      base_material_density_g_cm3: material?.densityGCm3 ?? null,
      base_material_supplier: material?.supplier ?? null,
      base_material_lot: material?.supplierLot ?? null,
      [BASE_MATERIAL_CATALOGUE]: catalogueCell(
        material?.catalogueRef ?? null,
        material?.catalogueFields ?? [],
      ),
      substrate_lot: lot?.id ?? null,
      recipe_id: recipe?.id ?? null,
      recipe_medium: recipe?.medium ?? null,
      monomer_concentration: recipe?.monomerConcentration ?? null,
      monomer_concentration_unit: recipe?.monomerConcentrationUnit ?? null,
      initial_mass_g: sample.initialMassG,
      dose_kGy: dose ? dose.total : null,
      dose_rate_kGy_h: dose?.rate ?? null,
      irradiation_method: irradiation?.method ?? null,
      irradiation_source: irradiation?.sourceKind ?? null,
      irradiation_source_detail: irradiation?.source ?? dose?.last.source ?? null,
      irradiation_facility: irradiation?.facility ?? null,
      irradiation_atmosphere: irradiation?.atmosphere ?? dose?.last.atmosphere ?? null,
      irradiation_temperature_c: irradiation?.temperatureC ?? null,
      storage_time_h: irradiation?.storageTimeH ?? null,
      storage_temperature_c: irradiation?.storageTemperatureC ?? null,
    };
    for (const [k, v] of Object.entries(basePolymer?.descriptors ?? {})) {
      row[BASE_POLYMER_DESCRIPTOR_PREFIX + k] = descriptorValue(v);
    }
    for (const [k, v] of Object.entries(material?.descriptors ?? {})) {
      row[BASE_MATERIAL_DESCRIPTOR_PREFIX + k] = descriptorValue(v);
    }
    // A run from before recipes cites only its monomer: shown as the recipe's first monomer.
    const listed = components.length
      ? components
      : run?.monomerId && monomerById.has(run.monomerId)
        ? [{ component: null, monomer: monomerById.get(run.monomerId)!, chemical: null }]
        : [];
    const counts = new Map<RecipeRole, number>();
    for (const c of listed) {
      const role = c.component?.role ?? 'monomer';
      const k = (counts.get(role) ?? 0) + 1;
      counts.set(role, k);
      const col = roleColumn(role, k);
      const m = c.monomer;
      const ch = c.chemical;
      row[col] = m?.name ?? ch?.name ?? null;
      const fields: Record<string, ExportValue> = {
        smiles: m?.smiles ?? ch?.smiles ?? null,
        cas: m?.cas ?? ch?.cas ?? null,
        molar_mass_g_mol: m?.molarMassGMol ?? ch?.molarMassGMol ?? null,
        fraction: c.component?.fraction ?? null,
        concentration: c.component?.concentration ?? null,
        concentration_unit: c.component?.concentrationUnit ?? null,
        catalogue: m ? catalogueCell(m.catalogueRef, m.catalogueFields) : null,
      };
      for (const f of ROLE_FIELDS[role]) row[`${col}_${f}`] = fields[f] ?? null;
      if (FRACTION_BASIS_ROLES.includes(role) && c.component?.fractionBasis)
        row[`${role}_fraction_basis`] = c.component.fractionBasis;
      if (role === 'monomer' && m) {
        for (const [d, v] of Object.entries(m.descriptors))
          row[monomerDescriptorPrefix(k) + d] = descriptorValue(v);
      }
    }
    for (const [k, v] of Object.entries(flattenParams(run?.parameterValues ?? {}))) row[PARAM_PREFIX + k] = v;
    const outputs = run ? (resultsByRun.get(`${run.id}\u0000${sample.id}`) ?? []) : [];
    for (const r of outputs) {
      row[r.name] = r.value;
      row[r.name + UNCERTAINTY_SUFFIX] = r.uncertainty;
      row[r.name + UNIT_SUFFIX] = r.unit;
    }
    // One value per property and time on test: the latest measured (the long form has every one).
    for (const m of measurementsBySample.get(sample.id) ?? []) {
      const property = findProperty(m.property);
      if (!property) continue;
      const col = measurementColumn(property, m.timeOnTestH);
      row[col] = m.value;
      row[col + UNCERTAINTY_SUFFIX] = m.uncertainty;
      // Conditions and method as last stated for the property; columns only where some sample has them.
      if (Object.keys(m.conditions).length)
        row[`${property.column}_conditions`] = canonicalJson(m.conditions);
      if (m.method) row[`${property.column}_method`] = m.method;
    }
    for (const [kind, list] of groupBy(structuresBySample.get(sample.id) ?? [], (s) => s.kind)) {
      const urls = list.map((s) => structureUrl(s.sha256));
      row[STRUCTURE_PREFIX + kind] = urls.length === 1 ? urls[0] : JSON.stringify(urls);
    }
    row[MANIFEST_COLUMN] = run?.manifestHash ?? outputs.find((r) => r.manifestHash)?.manifestHash ?? null;
    out.push(row);
  }
  return out;
}

/**
 * Column order: head and provenance, polymer (with bp_ descriptors), base material (bm_), lot, recipe (each role's
 * components in order, monomers with their mon_/monK_ descriptors), dose and irradiation, parameters, run outputs,
 * measurements (catalogue order, time on test rising), structure links; manifest hash last. Fixed columns always
 * appear; the others when a row has them.
 */
export function exportColumns(rows: readonly ExportRow[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  const sorted = [...seen].sort();
  const taken = new Set<string>();
  const take = (cols: readonly string[]) => {
    const out = cols.filter((c) => !taken.has(c));
    out.forEach((c) => taken.add(c));
    return out;
  };
  const withPrefix = (p: string) => sorted.filter((c) => c.startsWith(p));
  const maxK = (role: RecipeRole) =>
    Math.max(
      1,
      ...sorted
        .map((c) => parseRoleColumn(c))
        .filter((p) => p?.role === role)
        .map((p) => p!.k),
    );
  const recipe: string[] = [...RECIPE_COLUMNS];
  for (const role of EXPORT_ROLES) {
    for (let k = 1; k <= maxK(role); k++) {
      recipe.push(...componentColumns(role, k));
      if (role === 'monomer')
        recipe.push(
          ...sorted.filter(
            (c) => parseMonomerDescriptor(c)?.k === k && c.startsWith(monomerDescriptorPrefix(k)),
          ),
        );
    }
    if (FRACTION_BASIS_ROLES.includes(role)) recipe.push(`${role}_fraction_basis`);
  }
  const head = take([
    ...HEAD_COLUMNS,
    ...POLYMER_COLUMNS,
    ...withPrefix(BASE_POLYMER_DESCRIPTOR_PREFIX),
    BASE_POLYMER_CATALOGUE,
    ...MATERIAL_COLUMNS,
    ...withPrefix(BASE_MATERIAL_DESCRIPTOR_PREFIX),
    BASE_MATERIAL_CATALOGUE,
    'substrate_lot',
    ...recipe,
    ...CONDITION_COLUMNS,
    ...withPrefix(PARAM_PREFIX),
  ]);
  const measurementKey = (m: NonNullable<ReturnType<typeof parseMeasurementColumn>>): number[] => {
    const property = MEASURED_PROPERTIES.indexOf(m.property);
    if (!('timeOnTestH' in m)) return [property, m.kind === 'conditions' ? 2 : 3, 0, 0];
    return [property, m.timeOnTestH === null ? 0 : 1, m.timeOnTestH ?? 0, m.kind === 'uncertainty' ? 1 : 0];
  };
  const byKey = (a: number[], b: number[]) => {
    const i = a.findIndex((v, j) => v !== b[j]);
    return i < 0 ? 0 : a[i] - b[i];
  };
  const measured = sorted
    .flatMap((c) => {
      const m = parseMeasurementColumn(c);
      return m ? [{ c, key: measurementKey(m) }] : [];
    })
    .sort((a, b) => byKey(a.key, b.key))
    .map((x) => x.c);
  const structures = sorted.filter((c) => c.startsWith(STRUCTURE_PREFIX));
  const rest = new Set([...measured, ...structures, MANIFEST_COLUMN]);
  const outputNames = sorted.filter(
    (k) =>
      !taken.has(k) &&
      !rest.has(k) &&
      !(k.endsWith(UNCERTAINTY_SUFFIX) && seen.has(k.slice(0, -UNCERTAINTY_SUFFIX.length))) &&
      !(k.endsWith(UNIT_SUFFIX) && seen.has(k.slice(0, -UNIT_SUFFIX.length))),
  );
  const outputs = take(
    outputNames.flatMap((o) => [o, o + UNCERTAINTY_SUFFIX, o + UNIT_SUFFIX].filter((k) => seen.has(k))),
  );
  return [...head, ...outputs, ...take(measured), ...take(structures), MANIFEST_COLUMN];
}

function cell(v: ExportValue | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : String(v);
}

/** The export as CSV (RFC 4180, header row, empty cell = no value) or JSON (array of row objects). */
export async function exportSamples(db: Db, filters: ExportFilters, format: ExportFormat): Promise<string> {
  return formatExport(await exportRows(db, filters), format);
}

/** Formats rows from exportRows (or exportMeasurementRows): columns as exportColumns orders them, or as given. */
export function formatExport(
  rows: readonly ExportRow[],
  format: ExportFormat,
  columns = exportColumns(rows),
): string {
  if (format === 'json') {
    return JSON.stringify(
      rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))),
      null,
      2,
    );
  }
  return writeCsv([columns, ...rows.map((r) => columns.map((c) => cell(r[c])))]);
}
