import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { AuditRepository } from './repositories/audit.repository';
import { canonicalJson, sha256Hex } from './canonical-json';
import { CsvSyntaxError, parseCsv } from './csv';
import type { Db } from './db.types';
import {
  BASE_POLYMER_DESCRIPTOR_PREFIX,
  FIXED_EXPORT_COLUMNS,
  MANIFEST_COLUMN,
  MONOMER_DESCRIPTOR_PREFIX,
  PARAM_PREFIX,
  UNCERTAINTY_SUFFIX,
  UNIT_SUFFIX,
} from './export';
import { DoseLedgerRepository } from './repositories/dose-ledger.repository';
import { ResultsRepository, type NewResult } from './repositories/results.repository';
import { RunsRepository } from './repositories/runs.repository';
import {
  basePolymers,
  monomers,
  protocols,
  protocolVersions,
  reagentLots,
  runs,
  samples,
  type Descriptors,
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

/** Plausible degree of grafting in %: slightly negative values happen (extraction of low-mass fractions). */
export const DG_RANGE = { min: -10, max: 3000 } as const;
/** Pre-irradiation doses in kGy that a graft record can plausibly cite. */
export const DOSE_RANGE_KGY = { min: 0, max: 1000 } as const;
/** Protocol that imported records cite when the file names none. */
export const IMPORTED_PROTOCOL_ID = 'imported-records';

interface ParsedRow {
  row: number;
  sampleId: string;
  barcode: string | null;
  createdAt: Date | undefined;
  basePolymer: string;
  basePolymerFields: {
    polymerClass: string | null;
    thicknessUm: number | null;
    crystallinity: number | null;
    densityGCm3: number | null;
    descriptors: Descriptors;
  };
  substrateLot: string | null;
  monomer: string;
  monomerFields: { smiles: string | null; molarMassGMol: number | null; descriptors: Descriptors };
  initialMassG: number | null;
  doseKGy: number;
  doseRate: number | null;
  protocolId: string;
  protocolVersion: number;
  params: Record<string, unknown>;
  outputs: NewResult[];
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
  if (rejected.length) return { rows: [], rejected };

  const known = new Set<string>([...FIXED_EXPORT_COLUMNS, MANIFEST_COLUMN]);
  const isOutput = (c: string) =>
    !known.has(c) &&
    !c.startsWith(PARAM_PREFIX) &&
    !c.startsWith(BASE_POLYMER_DESCRIPTOR_PREFIX) &&
    !c.startsWith(MONOMER_DESCRIPTOR_PREFIX) &&
    !(c.endsWith(UNCERTAINTY_SUFFIX) && columns.includes(c.slice(0, -UNCERTAINTY_SUFFIX.length))) &&
    !(c.endsWith(UNIT_SUFFIX) && columns.includes(c.slice(0, -UNIT_SUFFIX.length)));
  const outputColumns = columns.filter(isOutput);

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
    const basePolymer = cell('base_polymer');
    if (!basePolymer) bad('base_polymer', 'is required');
    const monomer = cell('monomer');
    if (!monomer) bad('monomer', 'is required');
    const doseKGy = num('dose_kGy', { required: true, ...DOSE_RANGE_KGY });
    const dg = num('degreeOfGrafting', { required: true, ...DG_RANGE });

    const params: Record<string, unknown> = {};
    for (const c of columns.filter((x) => x.startsWith(PARAM_PREFIX))) {
      const v = cell(c);
      const name = c.slice(PARAM_PREFIX.length);
      if (!name) bad(c, 'a condition column needs a name after param_');
      else if (v !== null) setPath(params, name, typedValue(v));
    }
    if (Object.keys(params).length === 0)
      bad(`${PARAM_PREFIX}*`, 'no condition given (every param_ cell is empty)');

    const descriptors = (prefix: string): Descriptors => {
      const out: Descriptors = {};
      for (const c of columns.filter((x) => x.startsWith(prefix))) {
        const v = cell(c);
        if (v !== null) out[c.slice(prefix.length)] = NUMBER.test(v) ? Number(v) : v;
      }
      return out;
    };

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
      basePolymer: basePolymer ?? '',
      basePolymerFields: {
        polymerClass: cell('base_polymer_class'),
        thicknessUm: num('base_polymer_thickness_um', { min: 0, exclusiveMin: true }),
        crystallinity: num('base_polymer_crystallinity', { min: 0, max: 1 }),
        densityGCm3: num('base_polymer_density_g_cm3', { min: 0, exclusiveMin: true }),
        descriptors: descriptors(BASE_POLYMER_DESCRIPTOR_PREFIX),
      },
      substrateLot: cell('substrate_lot'),
      monomer: monomer ?? '',
      monomerFields: {
        smiles: cell('monomer_smiles'),
        molarMassGMol: num('monomer_molar_mass_g_mol', { min: 0, exclusiveMin: true }),
        descriptors: descriptors(MONOMER_DESCRIPTOR_PREFIX),
      },
      initialMassG: num('initial_mass_g', { min: 0, exclusiveMin: true }),
      doseKGy: doseKGy ?? 0,
      doseRate: num('dose_rate_kGy_h', { min: 0, exclusiveMin: true }),
      protocolId: cell('protocol_id') ?? IMPORTED_PROTOCOL_ID,
      protocolVersion,
      params,
      outputs,
      manifestHash,
    };
    if (problems.length) rejected.push(...problems);
    else rows.push(parsed);
  });
  return { rows, rejected };
}

/**
 * Loads historical grafting records (the export's CSV layout) in ONE transaction. Every row is
 * validated first; if any row is bad nothing is imported and the report names each bad row and field.
 * Imported samples carry imported=true, a completed run with the conditions, a dose-ledger entry and
 * results written through the outbox, so the optimizer sees them like its own observations.
 */
export async function importSamples(
  db: Db,
  csvText: string,
  options: { actor?: string } = {},
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

  let current = 0;
  try {
    await db.transaction(async (tx) => {
      const polymerIds = new Map<string, string>();
      const monomerIds = new Map<string, string>();
      const protocolHashes = new Map<string, string>();
      for (const r of rows) {
        current = r.row;
        polymerIds.set(r.basePolymer, polymerIds.get(r.basePolymer) ?? (await ensureBasePolymer(tx, r)));
        monomerIds.set(r.monomer, monomerIds.get(r.monomer) ?? (await ensureMonomer(tx, r)));
        const protocolKey = `${r.protocolId}@${r.protocolVersion}`;
        const protocolHash =
          protocolHashes.get(protocolKey) ?? (await ensureProtocol(tx, r.protocolId, r.protocolVersion));
        protocolHashes.set(protocolKey, protocolHash);
        if (r.substrateLot) {
          await tx
            .insert(reagentLots)
            .values({ id: r.substrateLot, kind: 'substrate', basePolymerId: polymerIds.get(r.basePolymer) })
            .onConflictDoNothing();
        }
        await tx.insert(samples).values({
          id: r.sampleId,
          barcode: r.barcode,
          substrateLotId: r.substrateLot,
          basePolymerId: polymerIds.get(r.basePolymer),
          initialMassG: r.initialMassG,
          imported: true,
          status: 'measured',
          createdAt: r.createdAt,
        });
        const { run } = await new RunsRepository(tx).create({
          protocolId: r.protocolId,
          protocolVersion: r.protocolVersion,
          protocolHash,
          parameterValues: r.params,
          monomerId: monomerIds.get(r.monomer),
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
        await new ResultsRepository(tx).recordResults(
          run.id,
          r.outputs.map((o) => ({ ...o, sampleId: r.sampleId, computedAt: r.createdAt })),
        );
      }
      current = 0;
      await new AuditRepository(tx).append({
        actor: options.actor ?? 'import',
        action: 'samples.import',
        target: 'samples',
        after: { samples: rows.length, ids: rows.map((r) => r.sampleId) },
      });
    });
  } catch (e) {
    return {
      ok: false,
      imported: 0,
      rows: rowCount,
      rejected: [{ row: current, field: '*', reason: `database refused the row: ${(e as Error).message}` }],
    };
  }
  return { ok: true, imported: rows.length, rows: rowCount, rejected: [] };
}

async function ensureBasePolymer(tx: Db, r: ParsedRow): Promise<string> {
  const [found] = await tx
    .select({ id: basePolymers.id })
    .from(basePolymers)
    .where(eq(basePolymers.name, r.basePolymer));
  if (found) return found.id;
  const [row] = await tx
    .insert(basePolymers)
    .values({ id: r.basePolymer, name: r.basePolymer, ...r.basePolymerFields })
    .returning({ id: basePolymers.id });
  return row.id;
}

async function ensureMonomer(tx: Db, r: ParsedRow): Promise<string> {
  const [found] = await tx.select({ id: monomers.id }).from(monomers).where(eq(monomers.name, r.monomer));
  if (found) return found.id;
  const [row] = await tx
    .insert(monomers)
    .values({ id: r.monomer, name: r.monomer, ...r.monomerFields })
    .returning({ id: monomers.id });
  return row.id;
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
