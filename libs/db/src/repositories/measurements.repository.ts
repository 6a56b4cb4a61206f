import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { DocumentError, type Problem } from '@graftlab/validation';
import { canonicalJson, sha256Hex } from '../canonical-json';
import { NotFoundError } from '../db.errors';
import type { Db } from '../db.types';
import { evaluateMeasurement, type MeasurementInput } from '../measurements/measurement.evaluation';
import {
  DATA_ORIGINS,
  measurements,
  runSamples,
  samples,
  structureRecords,
  type DataOrigin,
} from '../schema';
import { checkDataSource, DataSourcesRepository, type DataSourceInput } from './data-sources.repository';

export type Measurement = typeof measurements.$inferSelect;

/** Who measured what how, when and where it comes from. */
export interface MeasurementContext {
  method?: string | null;
  instrument?: string | null;
  /** Hours on test when the value belongs to a time series (ageing in 1 M KOH at 80 °C, ...). */
  timeOnTestH?: number | null;
  /** Test conditions (medium, temperatureC, ionForm, relativeHumidityPct, ...): flat, scalar values. */
  conditions?: Record<string, unknown> | null;
  measuredAt?: Date | null;
  /** The person or device that measured. */
  operator?: string | null;
  /** Default: the source's origin, else measured-here. */
  origin?: DataOrigin | null;
  /** A citable source, recorded (content-addressed) with the measurement. */
  source?: DataSourceInput | null;
  runId?: string | null;
  stepKey?: string | null;
  /** The structure record the value was derived from. */
  structureId?: string | null;
}

export type NewMeasurement = MeasurementInput & MeasurementContext & { sampleId: string };

/** What a run's measure step hands over: the engine's record of one value of one sample. */
export interface RunMeasurementInput extends MeasurementInput {
  runId: string;
  stepKey: string;
  sampleId: string;
  method?: string | null;
  instrument?: string | null;
  timeOnTestH?: number | null;
  conditions?: Record<string, unknown> | null;
  measuredAt?: Date | null;
  operator?: string | null;
}

/** Deterministic id of a run's measurement: a replay of the step computes the same id and the insert collides. */
export function measurementIdFor(runId: string, stepKey: string, sampleId: string, property: string): string {
  return 'msr-' + sha256Hex(canonicalJson([runId, stepKey, sampleId, property])).slice(0, 32);
}

const TEXT_MAX = 500;

function checkContext(input: MeasurementContext, at: string): Problem[] {
  const problems: Problem[] = [];
  const bad = (field: string, message: string) => problems.push({ pointer: `${at}/${field}`, message });
  const t = input.timeOnTestH;
  if (t != null && !(Number.isFinite(t) && t >= 0))
    bad('timeOnTestH', 'must be a number of hours, 0 or more');
  if (input.conditions != null) {
    if (typeof input.conditions !== 'object' || Array.isArray(input.conditions))
      bad('conditions', 'must be an object');
    else {
      for (const [k, v] of Object.entries(input.conditions)) {
        if (!k.trim()) bad('conditions', 'a condition needs a name');
        else if (!(v === null || ['string', 'number', 'boolean'].includes(typeof v)))
          bad(`conditions/${k}`, 'must be a number, text or true/false');
        else if (typeof v === 'number' && !Number.isFinite(v))
          bad(`conditions/${k}`, 'must be a finite number');
      }
    }
  }
  if (input.measuredAt && Number.isNaN(input.measuredAt.getTime())) bad('measuredAt', 'is not a date');
  for (const f of ['method', 'instrument', 'operator', 'stepKey'] as const) {
    const v = input[f];
    if (v != null && v.length > TEXT_MAX) bad(f, `at most ${TEXT_MAX} characters`);
  }
  if (input.origin != null && !DATA_ORIGINS.includes(input.origin))
    bad('origin', `"${input.origin}" is not one of ${DATA_ORIGINS.join(', ')}`);
  if (input.source) {
    problems.push(...checkDataSource(input.source, `${at}/source`));
    if (input.origin && input.source.origin && input.origin !== input.source.origin)
      bad('origin', `differs from the source's origin (${input.source.origin})`);
  }
  return problems;
}

/** Measurements: values of properties of samples, in canonical units with their uncertainty and provenance. */
export class MeasurementsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Records a measurement after the fact (API, CLI, import). Unit and uncertainty are settled by
   * evaluateMeasurement; an unknown sample is NotFoundError; anything else wrong is one DocumentError naming every
   * field. The row and its source are written in one transaction.
   */
  async add(input: NewMeasurement, at = ''): Promise<Measurement> {
    return this.insert(input, `msr-${randomUUID()}`, at).then((r) => r.measurement);
  }

  /**
   * For the engine: the value a run's measure step recorded, also as a measurement (the reading and the result stay
   * as they are). Replay-safe: (run, step, sample, property) always gives the same id and a second write changes
   * nothing (`inserted: false`). Refused like add() — in particular when the operator gave no uncertainty and the
   * step declares no instrument resolution or replicates.
   */
  async record(input: RunMeasurementInput): Promise<{ measurement: Measurement; inserted: boolean }> {
    const evaluated = evaluateMeasurement(input);
    const id = measurementIdFor(input.runId, input.stepKey, input.sampleId, evaluated.property.key);
    return this.insert({ ...input, origin: 'measured-here' }, id, '');
  }

  private async insert(
    input: NewMeasurement,
    id: string,
    at: string,
  ): Promise<{ measurement: Measurement; inserted: boolean }> {
    const problems = checkContext(input, at);
    let evaluated: ReturnType<typeof evaluateMeasurement> | undefined;
    try {
      evaluated = evaluateMeasurement(input, at);
    } catch (e) {
      if (!(e instanceof DocumentError)) throw e;
      problems.push(...e.problems);
    }
    if (problems.length) throw new DocumentError(problems);
    return this.db.transaction(async (tx) => {
      const [sample] = await tx
        .select({ id: samples.id })
        .from(samples)
        .where(eq(samples.id, input.sampleId));
      if (!sample) throw new NotFoundError('sample', input.sampleId);
      const links: Problem[] = [];
      if (input.runId) {
        const [member] = await tx
          .select({ runId: runSamples.runId })
          .from(runSamples)
          .where(and(eq(runSamples.runId, input.runId), eq(runSamples.sampleId, input.sampleId)));
        if (!member)
          links.push({
            pointer: `${at}/runId`,
            message: `sample ${input.sampleId} is not in run ${input.runId}`,
          });
      }
      if (input.structureId) {
        const [structure] = await tx
          .select({ sampleId: structureRecords.sampleId })
          .from(structureRecords)
          .where(eq(structureRecords.id, input.structureId));
        if (structure?.sampleId !== input.sampleId)
          links.push({
            pointer: `${at}/structureId`,
            message: `no structure record ${input.structureId} of sample ${input.sampleId}`,
          });
      }
      if (links.length) throw new DocumentError(links);
      const source = input.source
        ? await new DataSourcesRepository(tx).upsert(input.source, `${at}/source`)
        : null;
      const e = evaluated!;
      const inserted = await tx
        .insert(measurements)
        .values({
          id,
          sampleId: input.sampleId,
          property: e.property.key,
          value: e.value,
          unit: e.unit,
          uncertainty: e.uncertainty,
          uncertaintyBasis: e.uncertaintyBasis,
          originalValue: e.originalValue,
          originalUnit: e.originalUnit,
          originalUncertainty: e.originalUncertainty,
          coverageFactor: e.coverageFactor,
          replicates: e.replicates,
          resolution: e.resolution,
          method: input.method?.trim() || null,
          instrument: input.instrument?.trim() || null,
          timeOnTestH: input.timeOnTestH ?? null,
          conditions: (input.conditions as Record<string, unknown> | null) ?? {},
          measuredAt: input.measuredAt ?? null,
          operator: input.operator?.trim() || null,
          origin: input.origin ?? source?.origin ?? 'measured-here',
          sourceId: source?.id ?? null,
          runId: input.runId ?? null,
          stepKey: input.stepKey ?? null,
          structureId: input.structureId ?? null,
        })
        .onConflictDoNothing()
        .returning();
      if (inserted.length) return { measurement: inserted[0], inserted: true };
      const [existing] = await tx.select().from(measurements).where(eq(measurements.id, id));
      return { measurement: existing, inserted: false };
    });
  }

  async get(id: string): Promise<Measurement | undefined> {
    const [row] = await this.db.select().from(measurements).where(eq(measurements.id, id));
    return row;
  }

  /** A sample's measurements by property; a time series in order of time on test (values without one first). */
  async forSample(sampleId: string): Promise<Measurement[]> {
    return this.db
      .select()
      .from(measurements)
      .where(eq(measurements.sampleId, sampleId))
      .orderBy(
        asc(measurements.property),
        sql`${measurements.timeOnTestH} asc nulls first`,
        asc(measurements.measuredAt),
        asc(measurements.recordedAt),
        asc(measurements.id),
      );
  }
}
