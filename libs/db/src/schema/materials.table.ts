import { doublePrecision, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Descriptors are free-form numbers keyed by name (crystallinity, G(R), polarizability, ...), versioned by the caller. */
export type Descriptors = Record<string, number | string | null>;

/**
 * The polymer itself (ETFE, PE, PVDF): what every film, fabric or powder of it shares. The physical substrate a sample
 * is cut from is a base material (base_materials): polymer + form + thickness + lot.
 */
export const basePolymers = pgTable('base_polymers', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** e.g. polyolefin, fluoropolymer, aromatic (never the form: that belongs to the base material). */
  polymerClass: text('class'),
  /** Intrinsic descriptors: Tg, G(R), radiation response, solubility parameter, ... */
  descriptors: jsonb('descriptors').$type<Descriptors>().notNull().default({}),
  /** The catalogue entry values were filled from (e.g. grafting-model:ETFE), when any were. */
  catalogueRef: text('catalogue_ref'),
  /** Which fields and descriptors came from that catalogue rather than from a person or a file. */
  catalogueFields: jsonb('catalogue_fields').$type<string[]>().notNull().default([]),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const monomers = pgTable('monomers', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  smiles: text('smiles'),
  cas: text('cas'),
  molarMassGMol: doublePrecision('molar_mass_g_mol'),
  /** DFT descriptors (Ueki set: polarizability, O-atom NMR shift, ...) and cheap extras (logP, Q-e). */
  descriptors: jsonb('descriptors').$type<Descriptors>().notNull().default({}),
  catalogueRef: text('catalogue_ref'),
  catalogueFields: jsonb('catalogue_fields').$type<string[]>().notNull().default([]),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
