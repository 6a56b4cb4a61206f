import { doublePrecision, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Descriptors } from './materials.table';

/**
 * Solvents, surfactants, inhibitors and other non-polymerizing ingredients of a grafting solution; monomers and
 * crosslinkers (which polymerize) live in monomers. The role an ingredient plays is the recipe's, not the chemical's.
 */
export const chemicals = pgTable('chemicals', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  smiles: text('smiles'),
  cas: text('cas'),
  molarMassGMol: doublePrecision('molar_mass_g_mol'),
  descriptors: jsonb('descriptors').$type<Descriptors>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
