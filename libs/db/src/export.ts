import { and, asc, desc, eq, gte, inArray, lte, or, type SQL } from 'drizzle-orm';
import { writeCsv } from './csv';
import type { Db } from './db.types';
import {
  basePolymers,
  doseLedger,
  monomers,
  reagentLots,
  results,
  runs,
  runSamples,
  samples,
} from './schema';

export interface ExportFilters {
  campaignId?: string;
  protocolId?: string;
  /** Samples created at or after this instant. */
  from?: Date;
  /** Samples created at or before this instant. */
  to?: Date;
  /** Base polymer name or id. */
  basePolymer?: string;
  /** Monomer name or id. */
  monomer?: string;
}

export type ExportFormat = 'csv' | 'json';
export type ExportValue = string | number | boolean | null;
export type ExportRow = Record<string, ExportValue>;

/** Columns every export starts with, in order; EXPORT_COLUMNS.md documents each one. */
export const FIXED_EXPORT_COLUMNS = [
  'sample_id',
  'barcode',
  'status',
  'imported',
  'created_at',
  'run_id',
  'run_state',
  'protocol_id',
  'protocol_version',
  'campaign_id',
  'suggestion_id',
  'base_polymer',
  'base_polymer_class',
  'base_polymer_thickness_um',
  'base_polymer_crystallinity',
  'base_polymer_density_g_cm3',
  'substrate_lot',
  'monomer',
  'monomer_smiles',
  'monomer_molar_mass_g_mol',
  'initial_mass_g',
  'dose_kGy',
  'dose_rate_kGy_h',
] as const;

export const BASE_POLYMER_DESCRIPTOR_PREFIX = 'bp_';
export const MONOMER_DESCRIPTOR_PREFIX = 'mon_';
export const PARAM_PREFIX = 'param_';
export const UNCERTAINTY_SUFFIX = '_u';
export const UNIT_SUFFIX = '_unit';
export const MANIFEST_COLUMN = 'manifest_hash';

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

function chunks<T>(xs: readonly T[], size = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * One tidy row per sample: material descriptors, conditions, results with uncertainty, status and the
 * manifest hash. A sample processed by several runs is described by its latest run.
 */
export async function exportRows(db: Db, filters: ExportFilters = {}): Promise<ExportRow[]> {
  const where: SQL[] = [];
  if (filters.from) where.push(gte(samples.createdAt, filters.from));
  if (filters.to) where.push(lte(samples.createdAt, filters.to));
  if (filters.basePolymer) {
    where.push(or(eq(basePolymers.name, filters.basePolymer), eq(basePolymers.id, filters.basePolymer))!);
  }
  const rows = await db
    .select({ sample: samples, basePolymer: basePolymers, lot: reagentLots })
    .from(samples)
    .leftJoin(basePolymers, eq(basePolymers.id, samples.basePolymerId))
    .leftJoin(reagentLots, eq(reagentLots.id, samples.substrateLotId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(samples.createdAt), asc(samples.id));

  const ids = rows.map((r) => r.sample.id);
  const latestRun = new Map<
    string,
    { run: typeof runs.$inferSelect; monomer: typeof monomers.$inferSelect | null }
  >();
  const doses = new Map<string, { total: number; rate: number | null }>();
  const resultsByRun = new Map<string, (typeof results.$inferSelect)[]>();
  for (const part of chunks(ids)) {
    const runRows = await db
      .select({ sampleId: runSamples.sampleId, run: runs, monomer: monomers })
      .from(runSamples)
      .innerJoin(runs, eq(runs.id, runSamples.runId))
      .leftJoin(monomers, eq(monomers.id, runs.monomerId))
      .where(inArray(runSamples.sampleId, part))
      .orderBy(desc(runs.createdAt), desc(runs.id));
    for (const r of runRows) if (!latestRun.has(r.sampleId)) latestRun.set(r.sampleId, r);
    const doseRows = await db
      .select()
      .from(doseLedger)
      .where(inArray(doseLedger.sampleId, part))
      .orderBy(asc(doseLedger.id));
    for (const d of doseRows) {
      const cur = doses.get(d.sampleId) ?? { total: 0, rate: null };
      doses.set(d.sampleId, { total: cur.total + d.deliveredKGy, rate: d.doseRateKGyPerH ?? cur.rate });
    }
    const resultRows = await db
      .select()
      .from(results)
      .where(inArray(results.sampleId, part))
      .orderBy(asc(results.name));
    for (const r of resultRows) {
      const key = `${r.runId}\u0000${r.sampleId}`;
      resultsByRun.set(key, [...(resultsByRun.get(key) ?? []), r]);
    }
  }

  const out: ExportRow[] = [];
  for (const { sample, basePolymer, lot } of rows) {
    const latest = latestRun.get(sample.id);
    const run = latest?.run;
    const monomer = latest?.monomer ?? null;
    if (filters.campaignId && run?.campaignId !== filters.campaignId) continue;
    if (filters.protocolId && run?.protocolId !== filters.protocolId) continue;
    if (filters.monomer && monomer?.name !== filters.monomer && monomer?.id !== filters.monomer) continue;
    const dose = doses.get(sample.id);
    const row: ExportRow = {
      sample_id: sample.id,
      barcode: sample.barcode,
      status: sample.status,
      imported: sample.imported,
      created_at: sample.createdAt.toISOString(),
      run_id: run?.id ?? null,
      run_state: run?.state ?? null,
      protocol_id: run?.protocolId ?? null,
      protocol_version: run?.protocolVersion ?? null,
      campaign_id: run?.campaignId ?? null,
      suggestion_id: run?.suggestionId ?? null,
      base_polymer: basePolymer?.name ?? null,
      base_polymer_class: basePolymer?.polymerClass ?? null,
      base_polymer_thickness_um: basePolymer?.thicknessUm ?? null,
      base_polymer_crystallinity: basePolymer?.crystallinity ?? null,
      base_polymer_density_g_cm3: basePolymer?.densityGCm3 ?? null,
      substrate_lot: lot?.id ?? null,
      monomer: monomer?.name ?? null,
      monomer_smiles: monomer?.smiles ?? null,
      monomer_molar_mass_g_mol: monomer?.molarMassGMol ?? null,
      initial_mass_g: sample.initialMassG,
      dose_kGy: dose ? dose.total : null,
      dose_rate_kGy_h: dose?.rate ?? null,
    };
    for (const [k, v] of Object.entries(basePolymer?.descriptors ?? {})) {
      row[BASE_POLYMER_DESCRIPTOR_PREFIX + k] = descriptorValue(v);
    }
    for (const [k, v] of Object.entries(monomer?.descriptors ?? {})) {
      row[MONOMER_DESCRIPTOR_PREFIX + k] = descriptorValue(v);
    }
    for (const [k, v] of Object.entries(flattenParams(run?.parameterValues ?? {}))) row[PARAM_PREFIX + k] = v;
    const outputs = run ? (resultsByRun.get(`${run.id}\u0000${sample.id}`) ?? []) : [];
    for (const r of outputs) {
      row[r.name] = r.value;
      row[r.name + UNCERTAINTY_SUFFIX] = r.uncertainty;
      row[r.name + UNIT_SUFFIX] = r.unit;
    }
    row[MANIFEST_COLUMN] = run?.manifestHash ?? outputs.find((r) => r.manifestHash)?.manifestHash ?? null;
    out.push(row);
  }
  return out;
}

/** Column order: fixed columns, then descriptors, parameters and outputs (each sorted), manifest hash last. */
export function exportColumns(rows: readonly ExportRow[]): string[] {
  const fixed = new Set<string>([...FIXED_EXPORT_COLUMNS, MANIFEST_COLUMN]);
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!fixed.has(k)) seen.add(k);
  const extra = [...seen].sort();
  const group = (p: (k: string) => boolean) => extra.filter(p);
  const bp = group((k) => k.startsWith(BASE_POLYMER_DESCRIPTOR_PREFIX));
  const mon = group((k) => k.startsWith(MONOMER_DESCRIPTOR_PREFIX));
  const params = group((k) => k.startsWith(PARAM_PREFIX));
  const outputNames = group(
    (k) =>
      !bp.includes(k) &&
      !mon.includes(k) &&
      !params.includes(k) &&
      !(k.endsWith(UNCERTAINTY_SUFFIX) && seen.has(k.slice(0, -UNCERTAINTY_SUFFIX.length))) &&
      !(k.endsWith(UNIT_SUFFIX) && seen.has(k.slice(0, -UNIT_SUFFIX.length))),
  );
  const outputs = outputNames.flatMap((o) =>
    [o, o + UNCERTAINTY_SUFFIX, o + UNIT_SUFFIX].filter((k) => seen.has(k)),
  );
  const fixedBefore = FIXED_EXPORT_COLUMNS.slice(0, FIXED_EXPORT_COLUMNS.indexOf('substrate_lot'));
  const fixedAfter = FIXED_EXPORT_COLUMNS.slice(FIXED_EXPORT_COLUMNS.indexOf('substrate_lot'));
  const monFixed = fixedAfter.slice(0, fixedAfter.indexOf('initial_mass_g'));
  const conditions = fixedAfter.slice(fixedAfter.indexOf('initial_mass_g'));
  return [...fixedBefore, ...bp, ...monFixed, ...mon, ...conditions, ...params, ...outputs, MANIFEST_COLUMN];
}

function cell(v: ExportValue | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : String(v);
}

/** The export as CSV (RFC 4180, header row, empty cell = no value) or JSON (array of row objects). */
export async function exportSamples(db: Db, filters: ExportFilters, format: ExportFormat): Promise<string> {
  return formatExport(await exportRows(db, filters), format);
}

/** Formats rows from exportRows (callers that also want the count format once). */
export function formatExport(rows: readonly ExportRow[], format: ExportFormat): string {
  const columns = exportColumns(rows);
  if (format === 'json') {
    return JSON.stringify(
      rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))),
      null,
      2,
    );
  }
  return writeCsv([columns, ...rows.map((r) => columns.map((c) => cell(r[c])))]);
}
