import { sql } from 'drizzle-orm';
import { check, doublePrecision, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { runs } from './runs.table';
import { samples } from './samples.table';

export const IRRADIATION_METHODS = ['pre-irradiation', 'simultaneous'] as const;
export type IrradiationMethod = (typeof IRRADIATION_METHODS)[number];

export const RADIATION_SOURCES = ['gamma', 'electron-beam', 'x-ray'] as const;
export type RadiationSource = (typeof RADIATION_SOURCES)[number];

/** The protocol language's atmospheres (irradiate and hold steps). */
export const IRRADIATION_ATMOSPHERES = ['N2', 'Ar', 'vacuum', 'air'] as const;
export type IrradiationAtmosphere = (typeof IRRADIATION_ATMOSPHERES)[number];

/**
 * How a sample was irradiated for one run, as the ML features need it: method, source, atmosphere, temperature and
 * the storage between irradiation and grafting. The dose itself stays in the dose ledger (one row per exposure).
 * The id is derived from (sample, run) so a replay writes the same row.
 */
export const irradiations = pgTable(
  'irradiations',
  {
    id: text('id').primaryKey(),
    sampleId: text('sample_id')
      .notNull()
      .references(() => samples.id),
    runId: text('run_id').references(() => runs.id),
    method: text('method').$type<IrradiationMethod>(),
    sourceKind: text('source_kind').$type<RadiationSource>(),
    /** Nuclide or machine (Co-60, 2 MeV EB) and the facility, as the lab names them. */
    source: text('source'),
    facility: text('facility'),
    atmosphere: text('atmosphere').$type<IrradiationAtmosphere>(),
    temperatureC: doublePrecision('temperature_c'),
    /** End of the last exposure. */
    irradiatedAt: timestamp('irradiated_at', { withTimezone: true }),
    /** Time and temperature between irradiation and monomer contact (pre-irradiation; trapped radicals decay). */
    storageTimeH: doublePrecision('storage_time_h'),
    storageTemperatureC: doublePrecision('storage_temperature_c'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('irradiations_sample_idx').on(t.sampleId),
    check(
      'irradiations_method_ck',
      sql`${t.method} is null or ${t.method} in ('pre-irradiation', 'simultaneous')`,
    ),
    check(
      'irradiations_source_kind_ck',
      sql`${t.sourceKind} is null or ${t.sourceKind} in ('gamma', 'electron-beam', 'x-ray')`,
    ),
    check(
      'irradiations_atmosphere_ck',
      sql`${t.atmosphere} is null or ${t.atmosphere} in ('N2', 'Ar', 'vacuum', 'air')`,
    ),
  ],
);
