import { sql } from 'drizzle-orm';
import { check, doublePrecision, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { basePolymers, type Descriptors } from './materials.table';

/** Physical forms of a substrate (reference §2.8: form sets the rupture DG and the trapped-radical budget). */
export const MATERIAL_FORMS = ['film', 'nonwoven', 'fibre', 'powder', 'membrane'] as const;
export type MaterialForm = (typeof MATERIAL_FORMS)[number];

/**
 * A substrate as bought: polymer + form + thickness (or basis weight) + supplier lot. A 25 µm and a 50 µm ETFE film
 * are two base materials of one polymer. The id is derived from the identity key, so two databases that record the
 * same material give it the same id.
 */
export const baseMaterials = pgTable(
  'base_materials',
  {
    id: text('id').primaryKey(),
    polymerId: text('polymer_id')
      .notNull()
      .references(() => basePolymers.id),
    /** Canonical JSON of what identifies the material (polymer, form, thickness, basis weight, supplier, lot). */
    identityKey: text('identity_key').notNull().unique(),
    name: text('name'),
    /** Null only for materials carried over from before forms were recorded. */
    form: text('form').$type<MaterialForm>(),
    /** Film thickness, fibre diameter (fibres) or fabric thickness (nonwovens), µm. */
    thicknessUm: doublePrecision('thickness_um'),
    basisWeightGM2: doublePrecision('basis_weight_g_m2'),
    /** Crystalline mass fraction 0..1 (sets the trapped-radical fraction); a property of the lot, not its identity. */
    crystallinity: doublePrecision('crystallinity'),
    densityGCm3: doublePrecision('density_g_cm3'),
    supplier: text('supplier'),
    supplierLot: text('supplier_lot'),
    descriptors: jsonb('descriptors').$type<Descriptors>().notNull().default({}),
    catalogueRef: text('catalogue_ref'),
    catalogueFields: jsonb('catalogue_fields').$type<string[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('base_materials_polymer_idx').on(t.polymerId),
    check(
      'base_materials_form_ck',
      sql`${t.form} is null or ${t.form} in ('film', 'nonwoven', 'fibre', 'powder', 'membrane')`,
    ),
    check(
      'base_materials_crystallinity_ck',
      sql`${t.crystallinity} is null or (${t.crystallinity} >= 0 and ${t.crystallinity} <= 1)`,
    ),
  ],
);
