import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './db.types';
import { findProperty } from './measurements/measurement-properties.catalog';
import { READING_NAMES } from './reading-names';
import type { DataSource } from './repositories/data-sources.repository';
import type { Irradiation } from './repositories/irradiations.repository';
import type { Measurement } from './repositories/measurements.repository';
import { RecipesRepository, type RecipeWithComponents } from './repositories/recipes.repository';
import { structureUrl, type StructureRecord } from './repositories/structures.repository';
import type { DoseRecord } from './repositories/dose-ledger.repository';
import type { Reading } from './repositories/readings.repository';
import type { Result } from './repositories/results.repository';
import type { SampleEvent } from './repositories/samples.repository';
import {
  baseMaterials,
  basePolymers,
  dataSources,
  doseLedger,
  irradiations,
  measurements,
  readings,
  reagentLots,
  results,
  runs,
  runSamples,
  sampleEvents,
  samples,
  stepJournal,
  structureRecords,
} from './schema';

export interface PassportReading {
  value: number | null;
  unit: string | null;
  deviceId: string;
  stepKey: string | null;
  runId: string | null;
  raw: string | null;
  deviceTimestamp: Date | null;
  receivedAt: Date;
}

/** One measured value as the passport shows it: canonical and as entered, with its provenance. */
export type PassportMeasurement = Omit<Measurement, 'sampleId' | 'property' | 'unit'> & {
  source: DataSource | null;
  /** Where the structure record it was derived from is served. */
  structureUrl: string | null;
};

/** All measurements of one property; a time series in order of time on test. */
export interface PassportProperty {
  property: string;
  label: string;
  unit: string;
  values: PassportMeasurement[];
}

/** Everything known about one sample, from substrate lot to computed outputs, with provenance. */
export interface SamplePassport {
  sample: typeof samples.$inferSelect;
  /** measured-here, alliance-history or literature, and the citable source of an imported record. */
  provenance: { origin: string; source: DataSource | null };
  basePolymer: typeof basePolymers.$inferSelect | null;
  baseMaterial: typeof baseMaterials.$inferSelect | null;
  substrateLot: typeof reagentLots.$inferSelect | null;
  /** The grafting solution of each run that has one, in run order. */
  recipes: RecipeWithComponents[];
  /** Method, source, atmosphere, temperature and storage before grafting, per run. */
  irradiations: Irradiation[];
  /** Measurements grouped by property (sorted by key). */
  measurements: PassportProperty[];
  /** Arrays and files attached to the sample, with the URL path of their bytes. */
  structures: (StructureRecord & { url: string })[];
  w0: { replicates: PassportReading[]; meanG: number | null };
  irradiation: {
    records: Pick<
      DoseRecord,
      | 'runId'
      | 'stepKey'
      | 'commandId'
      | 'position'
      | 'calibrationId'
      | 'doseRateKGyPerH'
      | 'actualExposureMs'
      | 'plannedKGy'
      | 'deliveredKGy'
      | 'source'
      | 'atmosphere'
      | 'startedAt'
      | 'endedAt'
    >[];
    deliveredKGy: number;
  };
  /** From the end of the last exposure to the first monomer contact; null when either is unknown. */
  irradiationToContact: {
    irradiationEndedAt: Date | null;
    monomerContactAt: Date | null;
    minutes: number | null;
    storage: SampleEvent[];
    temperatures: PassportReading[];
  };
  dispensed: (PassportReading & { name: string })[];
  graftingTemperature: PassportReading[];
  /** Dry mass after each wash/dry cycle, in order; converged when the last two agree within repeatability. */
  washDryCycles: PassportReading[];
  wg: { replicates: PassportReading[]; meanG: number | null };
  results: Pick<
    Result,
    'runId' | 'name' | 'value' | 'unit' | 'uncertainty' | 'manifestHash' | 'computedAt'
  >[];
  runs: {
    id: string;
    recipeId: string | null;
    protocolId: string;
    protocolVersion: number;
    protocolHash: string;
    parameterValues: Record<string, unknown>;
    state: string;
    manifestHash: string | null;
  }[];
  /** Distinct manifest hashes cited by this sample's runs and results. */
  manifestHashes: string[];
  custody: SampleEvent[];
}

const toReading = (r: Reading): PassportReading => ({
  value: r.value,
  unit: r.unit,
  deviceId: r.deviceId,
  stepKey: r.stepKey,
  runId: r.runId,
  raw: r.raw,
  deviceTimestamp: r.deviceTimestamp,
  receivedAt: r.receivedAt,
});

const when = (r: Reading) => r.deviceTimestamp ?? r.receivedAt;

const meanOf = (rs: PassportReading[]): number | null => {
  const vs = rs.map((r) => r.value).filter((v): v is number => v !== null);
  return vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : null;
};

/** The material passport of one sample (GET /api/samples/:id), or undefined for an unknown id. */
export async function samplePassport(db: Db, sampleId: string): Promise<SamplePassport | undefined> {
  const [sample] = await db.select().from(samples).where(eq(samples.id, sampleId));
  if (!sample) return undefined;
  const [basePolymer] = sample.basePolymerId
    ? await db.select().from(basePolymers).where(eq(basePolymers.id, sample.basePolymerId))
    : [];
  const [substrateLot] = sample.substrateLotId
    ? await db.select().from(reagentLots).where(eq(reagentLots.id, sample.substrateLotId))
    : [];
  const [baseMaterial] = sample.baseMaterialId
    ? await db.select().from(baseMaterials).where(eq(baseMaterials.id, sample.baseMaterialId))
    : [];
  const [irradiationRows, measurementRows, structureRows] = await Promise.all([
    db
      .select()
      .from(irradiations)
      .where(eq(irradiations.sampleId, sampleId))
      .orderBy(asc(irradiations.createdAt), asc(irradiations.id)),
    db
      .select()
      .from(measurements)
      .where(eq(measurements.sampleId, sampleId))
      .orderBy(
        asc(measurements.property),
        sql`${measurements.timeOnTestH} asc nulls first`,
        asc(measurements.measuredAt),
        asc(measurements.recordedAt),
        asc(measurements.id),
      ),
    db
      .select()
      .from(structureRecords)
      .where(eq(structureRecords.sampleId, sampleId))
      .orderBy(asc(structureRecords.createdAt), asc(structureRecords.id)),
  ]);
  const sourceIds = [
    ...new Set(
      [sample.sourceId, ...measurementRows.map((m) => m.sourceId)].filter((id): id is string => Boolean(id)),
    ),
  ];
  const sources = sourceIds.length
    ? await db.select().from(dataSources).where(inArray(dataSources.id, sourceIds))
    : [];
  const sourceById = new Map(sources.map((s) => [s.id, s]));
  const structureById = new Map(structureRows.map((s) => [s.id, s]));
  const byProperty = new Map<string, PassportProperty>();
  for (const m of measurementRows) {
    const { sampleId: _s, property, unit, ...rest } = m;
    const group = byProperty.get(property) ?? {
      property,
      label: findProperty(property)?.label ?? property,
      unit,
      values: [],
    };
    group.values.push({
      ...rest,
      source: m.sourceId ? (sourceById.get(m.sourceId) ?? null) : null,
      structureUrl: m.structureId ? structureUrl(structureById.get(m.structureId)?.sha256 ?? '') : null,
    });
    byProperty.set(property, group);
  }
  const [doses, allReadings, sampleResults, custody, runRows] = await Promise.all([
    db.select().from(doseLedger).where(eq(doseLedger.sampleId, sampleId)).orderBy(asc(doseLedger.id)),
    db.select().from(readings).where(eq(readings.sampleId, sampleId)).orderBy(asc(readings.id)),
    db.select().from(results).where(eq(results.sampleId, sampleId)).orderBy(asc(results.name)),
    db.select().from(sampleEvents).where(eq(sampleEvents.sampleId, sampleId)).orderBy(asc(sampleEvents.id)),
    db
      .select({ run: runs })
      .from(runSamples)
      .innerJoin(runs, eq(runs.id, runSamples.runId))
      .where(eq(runSamples.sampleId, sampleId))
      .orderBy(asc(runs.createdAt)),
  ]);
  const runIds = runRows.map((r) => r.run.id);
  const steps = runIds.length
    ? await db
        .select()
        .from(stepJournal)
        .where(inArray(stepJournal.runId, runIds))
        .orderBy(asc(stepJournal.id))
    : [];

  const named = (name: string) => allReadings.filter((r) => r.name === name);
  const w0 = named(READING_NAMES.w0).map(toReading);
  const wg = named(READING_NAMES.wg).map(toReading);
  const dispensed = allReadings
    .filter((r) => r.name.startsWith(READING_NAMES.dispensedPrefix))
    .map((r) => ({ ...toReading(r), name: r.name }));

  const irradiationEndedAt = doses.reduce<Date | null>((latest, d) => {
    const end = d.endedAt ?? d.at;
    return !latest || end > latest ? end : latest;
  }, null);
  // Contact: an explicit marker reading, else the first dispense into this sample, else a journal step
  // whose key says it (the engine's monomer-contact or dispense-monomer steps).
  const contactCandidates: Date[] = [
    ...named(READING_NAMES.monomerContact).map(when),
    ...allReadings.filter((r) => r.name.startsWith(READING_NAMES.dispensedPrefix)).map(when),
    ...steps
      .filter((s) => s.sampleId === sampleId && /contact|dispense-monomer/.test(s.stepKey))
      .map((s) => s.acknowledgedAt ?? s.dispatchedAt)
      .filter((d): d is Date => d !== null),
  ].filter((d) => !irradiationEndedAt || d >= irradiationEndedAt);
  const monomerContactAt = contactCandidates.length
    ? new Date(Math.min(...contactCandidates.map((d) => d.getTime())))
    : null;
  const inWindow = (d: Date) =>
    (!irradiationEndedAt || d >= irradiationEndedAt) && (!monomerContactAt || d <= monomerContactAt);

  const manifestHashes = [
    ...new Set(
      [...runRows.map((r) => r.run.manifestHash), ...sampleResults.map((r) => r.manifestHash)].filter(
        (h): h is string => Boolean(h),
      ),
    ),
  ];

  const recipesRepo = new RecipesRepository(db);
  const recipeIds = [
    ...new Set(runRows.map((r) => r.run.recipeId).filter((id): id is string => Boolean(id))),
  ];
  const recipes = (await Promise.all(recipeIds.map((id) => recipesRepo.get(id)))).filter(
    (r): r is RecipeWithComponents => Boolean(r),
  );

  return {
    sample,
    provenance: {
      origin: sample.origin,
      source: sample.sourceId ? (sourceById.get(sample.sourceId) ?? null) : null,
    },
    basePolymer: basePolymer ?? null,
    baseMaterial: baseMaterial ?? null,
    substrateLot: substrateLot ?? null,
    recipes,
    irradiations: irradiationRows,
    measurements: [...byProperty.values()],
    structures: structureRows.map((s) => ({ ...s, url: structureUrl(s.sha256) })),
    w0: { replicates: w0, meanG: meanOf(w0) ?? sample.initialMassG },
    irradiation: {
      records: doses.map((d) => ({
        runId: d.runId,
        stepKey: d.stepKey,
        commandId: d.commandId,
        position: d.position,
        calibrationId: d.calibrationId,
        doseRateKGyPerH: d.doseRateKGyPerH,
        actualExposureMs: d.actualExposureMs,
        plannedKGy: d.plannedKGy,
        deliveredKGy: d.deliveredKGy,
        source: d.source,
        atmosphere: d.atmosphere,
        startedAt: d.startedAt,
        endedAt: d.endedAt,
      })),
      deliveredKGy: doses.reduce((a, d) => a + d.deliveredKGy, 0),
    },
    irradiationToContact: {
      irradiationEndedAt,
      monomerContactAt,
      minutes:
        irradiationEndedAt && monomerContactAt
          ? (monomerContactAt.getTime() - irradiationEndedAt.getTime()) / 60_000
          : null,
      storage: custody.filter((e) => e.kind === 'stored' && (!e.startedAt || inWindow(e.startedAt))),
      temperatures: named(READING_NAMES.storageTemperature)
        .filter((r) => inWindow(when(r)))
        .map(toReading),
    },
    dispensed,
    graftingTemperature: named(READING_NAMES.graftingTemperature).map(toReading),
    washDryCycles: named(READING_NAMES.dryMass).map(toReading),
    wg: { replicates: wg, meanG: meanOf(wg) },
    results: sampleResults.map((r) => ({
      runId: r.runId,
      name: r.name,
      value: r.value,
      unit: r.unit,
      uncertainty: r.uncertainty,
      manifestHash: r.manifestHash,
      computedAt: r.computedAt,
    })),
    runs: runRows.map(({ run }) => ({
      id: run.id,
      recipeId: run.recipeId,
      protocolId: run.protocolId,
      protocolVersion: run.protocolVersion,
      protocolHash: run.protocolHash,
      parameterValues: run.parameterValues,
      state: run.state,
      manifestHash: run.manifestHash,
    })),
    manifestHashes,
    custody,
  };
}
