import { asc, eq, inArray, sql } from 'drizzle-orm';
import { canonicalJson } from './canonical-json';
import type { Db } from './db.types';
import { exportRows, formatExport, type ExportFilters, type ExportFormat, type ExportRow } from './export';
import { structureUrl } from './repositories/structures.repository';
import { dataSources, measurements, samples, structureRecords } from './schema';

/** The long form: one row per measurement, every field it has, in this order (EXPORT_COLUMNS.md). */
export const MEASUREMENT_EXPORT_COLUMNS = [
  'measurement_id',
  'sample_id',
  'barcode',
  'property',
  'value',
  'unit',
  'uncertainty',
  'uncertainty_basis',
  'original_value',
  'original_unit',
  'original_uncertainty',
  'coverage_factor',
  'replicates',
  'resolution',
  'time_on_test_h',
  'conditions',
  'method',
  'instrument',
  'operator',
  'measured_at',
  'recorded_at',
  'origin',
  'doi',
  'citation',
  'source_lab',
  'source_date',
  'run_id',
  'step_key',
  'structure_sha256',
  'structure_url',
] as const;

/** Every measurement of the samples the filters select (as the wide form selects them), by sample then property. */
export async function exportMeasurementRows(db: Db, filters: ExportFilters = {}): Promise<ExportRow[]> {
  const ids = (await exportRows(db, filters)).map((r) => r.sample_id as string);
  const out: ExportRow[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const part = ids.slice(i, i + 1000);
    const rows = await db
      .select({ m: measurements, barcode: samples.barcode, source: dataSources, structure: structureRecords })
      .from(measurements)
      .innerJoin(samples, eq(samples.id, measurements.sampleId))
      .leftJoin(dataSources, eq(dataSources.id, measurements.sourceId))
      .leftJoin(structureRecords, eq(structureRecords.id, measurements.structureId))
      .where(inArray(measurements.sampleId, part))
      .orderBy(
        asc(samples.createdAt),
        asc(samples.id),
        asc(measurements.property),
        sql`${measurements.timeOnTestH} asc nulls first`,
        sql`${measurements.measuredAt} asc nulls first`,
        asc(measurements.recordedAt),
        asc(measurements.id),
      );
    for (const { m, barcode, source, structure } of rows) {
      out.push({
        measurement_id: m.id,
        sample_id: m.sampleId,
        barcode,
        property: m.property,
        value: m.value,
        unit: m.unit,
        uncertainty: m.uncertainty,
        uncertainty_basis: m.uncertaintyBasis,
        original_value: m.originalValue,
        original_unit: m.originalUnit,
        original_uncertainty: m.originalUncertainty,
        coverage_factor: m.coverageFactor,
        replicates: m.replicates ? JSON.stringify(m.replicates) : null,
        resolution: m.resolution,
        time_on_test_h: m.timeOnTestH,
        conditions: Object.keys(m.conditions).length ? canonicalJson(m.conditions) : null,
        method: m.method,
        instrument: m.instrument,
        operator: m.operator,
        measured_at: m.measuredAt?.toISOString() ?? null,
        recorded_at: m.recordedAt.toISOString(),
        origin: m.origin,
        doi: source?.doi ?? null,
        citation: source?.citation ?? null,
        source_lab: source?.lab ?? null,
        source_date: source?.reportedOn ?? null,
        run_id: m.runId,
        step_key: m.stepKey,
        structure_sha256: structure?.sha256 ?? null,
        structure_url: structure ? structureUrl(structure.sha256) : null,
      });
    }
  }
  return out;
}

/** The long form as CSV or JSON. */
export async function exportMeasurements(
  db: Db,
  filters: ExportFilters,
  format: ExportFormat,
): Promise<string> {
  return formatExport(await exportMeasurementRows(db, filters), format, [...MEASUREMENT_EXPORT_COLUMNS]);
}
