import { doublePrecision, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Descriptors are free-form numbers keyed by name (crystallinity, G(R), polarizability, ...), versioned by the caller. */
export type Descriptors = Record<string, number | string | null>;

export const basePolymers = pgTable('base_polymers', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** e.g. polyolefin, fluoropolymer, aromatic. */
  polymerClass: text('class'),
  thicknessUm: doublePrecision('thickness_um'),
  /** Mass fraction 0..1; sets the trapped-radical fraction. */
  crystallinity: doublePrecision('crystallinity'),
  densityGCm3: doublePrecision('density_g_cm3'),
  descriptors: jsonb('descriptors').$type<Descriptors>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const monomers = pgTable('monomers', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  smiles: text('smiles'),
  molarMassGMol: doublePrecision('molar_mass_g_mol'),
  /** DFT descriptors (Ueki set: polarizability, O-atom NMR shift, ...) and cheap extras (logP, Q-e). */
  descriptors: jsonb('descriptors').$type<Descriptors>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
