import { sql } from 'drizzle-orm';
import { check, doublePrecision, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { dataSources, type DataOrigin } from './data-sources.table';
import { runs } from './runs.table';
import { samples } from './samples.table';
import { structureRecords } from './structures.table';

/**
 * How the standard uncertainty was obtained (GUM): stated by whoever measured it, type A from replicates (s/√n), type
 * B from the instrument resolution (r/√12), both combined, or not stated (only rows carried over from before
 * uncertainties were required: the engine recorded 0 when none was entered).
 */
export const UNCERTAINTY_BASES = [
  'given',
  'replicates',
  'resolution',
  'replicates+resolution',
  'unstated',
] as const;
export type UncertaintyBasis = (typeof UNCERTAINTY_BASES)[number];

/**
 * One measured value of one property of one sample, with its provenance. Values are stored in the property's
 * canonical unit; what was entered (value, unit, uncertainty, replicates, resolution) is kept beside it. A time series
 * (conductivity retained after 500, 1000, ... h in 1 M KOH at 80 °C) is a set of rows with time_on_test_h.
 * Measurements are never updated: a correction is a new row.
 */
export const measurements = pgTable(
  'measurements',
  {
    id: text('id').primaryKey(),
    sampleId: text('sample_id')
      .notNull()
      .references(() => samples.id),
    /** Catalogue key (ion_exchange_capacity, conductivity, conductivity_retained, ...). */
    property: text('property').notNull(),
    value: doublePrecision('value').notNull(),
    /** The property's canonical unit. */
    unit: text('unit').notNull(),
    /** Standard uncertainty (k = 1) in the canonical unit. */
    uncertainty: doublePrecision('uncertainty'),
    uncertaintyBasis: text('uncertainty_basis').$type<UncertaintyBasis>().notNull(),
    originalValue: doublePrecision('original_value').notNull(),
    originalUnit: text('original_unit').notNull(),
    /** As stated, before dividing by the coverage factor. */
    originalUncertainty: doublePrecision('original_uncertainty'),
    coverageFactor: doublePrecision('coverage_factor'),
    /** Replicate values and instrument resolution in the original unit, when the uncertainty was derived from them. */
    replicates: jsonb('replicates').$type<number[]>(),
    resolution: doublePrecision('resolution'),
    method: text('method'),
    instrument: text('instrument'),
    /** Hours on test (ageing in KOH, Fenton, ...) when the value belongs to a time series. */
    timeOnTestH: doublePrecision('time_on_test_h'),
    /** Test conditions: medium, temperatureC, ionForm, relativeHumidityPct, ... */
    conditions: jsonb('conditions').$type<Record<string, unknown>>().notNull().default({}),
    measuredAt: timestamp('measured_at', { withTimezone: true }),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    /** The person or device that measured. */
    operator: text('operator'),
    origin: text('origin').$type<DataOrigin>().notNull(),
    sourceId: text('source_id').references(() => dataSources.id),
    /** Set when a run's measure step produced the value. */
    runId: text('run_id').references(() => runs.id),
    stepKey: text('step_key'),
    /** Set when the value was derived from a structure record (domain spacing from an I(q) peak). */
    structureId: text('structure_id').references(() => structureRecords.id),
  },
  (t) => [
    index('measurements_sample_property_idx').on(t.sampleId, t.property, t.timeOnTestH),
    index('measurements_run_idx').on(t.runId),
    check('measurements_uncertainty_ck', sql`${t.uncertainty} is null or ${t.uncertainty} >= 0`),
    check(
      'measurements_uncertainty_basis_ck',
      sql`(${t.uncertainty} is null) = (${t.uncertaintyBasis} = 'unstated') and ${t.uncertaintyBasis} in ('given', 'replicates', 'resolution', 'replicates+resolution', 'unstated')`,
    ),
    check('measurements_time_on_test_ck', sql`${t.timeOnTestH} is null or ${t.timeOnTestH} >= 0`),
    check('measurements_origin_ck', sql`${t.origin} in ('measured-here', 'alliance-history', 'literature')`),
  ],
);
