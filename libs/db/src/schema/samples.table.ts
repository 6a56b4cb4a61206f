import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { baseMaterials } from './base-materials.table';
import { dataSources, type DataOrigin } from './data-sources.table';
import { basePolymers } from './materials.table';
import { reagentLots } from './reagent-lots.table';

export const SAMPLE_STATUSES = [
  'registered',
  'in-process',
  'grafted',
  'measured',
  'invalidated',
  'consumed',
] as const;
export type SampleStatus = (typeof SAMPLE_STATUSES)[number];

export const samples = pgTable(
  'samples',
  {
    id: text('id').primaryKey(),
    barcode: text('barcode').unique(),
    substrateLotId: text('substrate_lot_id').references(() => reagentLots.id),
    /** The polymer (kept beside the base material: samples registered before materials had identity cite only it). */
    basePolymerId: text('base_polymer_id').references(() => basePolymers.id),
    /** The substrate the sample was cut from (polymer + form + thickness + lot). */
    baseMaterialId: text('base_material_id').references(() => baseMaterials.id),
    /** Mean of the W0 replicates in grams; the replicates themselves are readings named "W0". */
    initialMassG: doublePrecision('initial_mass_g'),
    currentLocation: text('current_location'),
    /** True for historical records loaded by `graftlab import` rather than produced here. */
    imported: boolean('imported').notNull().default(false),
    /** Made and measured here, from the alliance's historical records, or from the literature. */
    origin: text('origin').$type<DataOrigin>().notNull().default('measured-here'),
    /** The citable source (DOI, citation, lab, date) of an imported record. */
    sourceId: text('source_id').references(() => dataSources.id),
    status: text('status').$type<SampleStatus>().notNull().default('registered'),
    /** Why a sample was invalidated (missed time window, storage budget exceeded, ...). */
    statusReason: text('status_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('samples_base_polymer_idx').on(t.basePolymerId),
    index('samples_created_idx').on(t.createdAt),
    index('samples_base_material_idx').on(t.baseMaterialId),
    check('samples_origin_ck', sql`${t.origin} in ('measured-here', 'alliance-history', 'literature')`),
  ],
);
