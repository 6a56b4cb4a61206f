import { sql } from 'drizzle-orm';
import {
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { blobs } from './blobs.table';
import { dataSources, type DataOrigin } from './data-sources.table';
import { samples } from './samples.table';

/** What a structure record holds (reference §1.7 "Structure"). */
export const STRUCTURE_KINDS = [
  'saxs',
  'sans',
  'waxs',
  'xrd',
  'ftir',
  'raman',
  'dsc',
  'tga',
  'sem',
  'image',
  'other',
] as const;
export type StructureKind = (typeof STRUCTURE_KINDS)[number];

/**
 * An array or file attached to a sample (I(q) curve, spectrum, micrograph), pointing at its content-addressed bytes,
 * with what is needed to read it in ten years: axes and their units, ranges, instrument, facility, when, from where.
 */
export const structureRecords = pgTable(
  'structure_records',
  {
    /** Derived from (sample, sha256): attaching the same bytes to the same sample again is a no-op. */
    id: text('id').primaryKey(),
    sampleId: text('sample_id')
      .notNull()
      .references(() => samples.id),
    sha256: text('sha256')
      .notNull()
      .references(() => blobs.sha256),
    kind: text('kind').$type<StructureKind>().notNull(),
    mediaType: text('media_type').notNull(),
    fileName: text('file_name'),
    instrument: text('instrument'),
    facility: text('facility'),
    /** Axis quantities and units (q in 1/nm, I in 1/cm; wavenumber in 1/cm, absorbance in 1); null for images. */
    xQuantity: text('x_quantity'),
    xUnit: text('x_unit'),
    yQuantity: text('y_quantity'),
    yUnit: text('y_unit'),
    /** Range of the x axis (q-range, wavenumber range) in xUnit, and the number of points. */
    xMin: doublePrecision('x_min'),
    xMax: doublePrecision('x_max'),
    points: integer('points'),
    conditions: jsonb('conditions').$type<Record<string, unknown>>().notNull().default({}),
    measuredAt: timestamp('measured_at', { withTimezone: true }),
    operator: text('operator'),
    origin: text('origin').$type<DataOrigin>().notNull().default('measured-here'),
    sourceId: text('source_id').references(() => dataSources.id),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('structure_records_sample_sha_uq').on(t.sampleId, t.sha256),
    index('structure_records_sha_idx').on(t.sha256),
    check(
      'structure_records_origin_ck',
      sql`${t.origin} in ('measured-here', 'alliance-history', 'literature')`,
    ),
  ],
);
