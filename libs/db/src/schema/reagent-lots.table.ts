import { doublePrecision, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { baseMaterials } from './base-materials.table';
import { basePolymers, monomers } from './materials.table';

/** A physical lot of substrate film, monomer, solvent, surfactant or inhibitor; samples and runs cite lots. */
export const reagentLots = pgTable('reagent_lots', {
  id: text('id').primaryKey(),
  /** substrate | monomer | solvent | surfactant | inhibitor | other */
  kind: text('kind').notNull(),
  basePolymerId: text('base_polymer_id').references(() => basePolymers.id),
  baseMaterialId: text('base_material_id').references(() => baseMaterials.id),
  monomerId: text('monomer_id').references(() => monomers.id),
  supplier: text('supplier'),
  supplierLot: text('supplier_lot'),
  quantity: doublePrecision('quantity'),
  unit: text('unit'),
  properties: jsonb('properties').$type<Record<string, unknown>>().notNull().default({}),
  receivedAt: timestamp('received_at', { withTimezone: true }),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
