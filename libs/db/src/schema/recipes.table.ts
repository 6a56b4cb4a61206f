import { sql } from 'drizzle-orm';
import {
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { chemicals } from './chemicals.table';
import { monomers } from './materials.table';

/** How the monomers meet the substrate (reference §1.4). */
export const RECIPE_MEDIA = ['solution', 'emulsion', 'bulk', 'vapour'] as const;
export type RecipeMedium = (typeof RECIPE_MEDIA)[number];

/** Monomers and crosslinkers polymerize (they cite monomers); the other roles cite chemicals. */
export const RECIPE_ROLES = [
  'monomer',
  'crosslinker',
  'solvent',
  'surfactant',
  'inhibitor',
  'additive',
] as const;
export type RecipeRole = (typeof RECIPE_ROLES)[number];

/** Basis of a fraction among the components of one role. */
export const FRACTION_BASES = ['mol', 'mass', 'vol'] as const;
export type FractionBasis = (typeof FRACTION_BASES)[number];

/**
 * A grafting solution's composition. Immutable and content-addressed: the id is derived from the canonical content,
 * so the same solution recorded twice (or in two databases) is one recipe, and a changed concentration is a new one.
 */
export const recipes = pgTable('recipes', {
  id: text('id').primaryKey(),
  /** sha256 of the canonical JSON in content. */
  contentHash: text('content_hash').notNull().unique(),
  /** The canonical content the hash covers (components in canonical order, concentrations as written). */
  content: jsonb('content').$type<Record<string, unknown>>().notNull(),
  /** A label for people; not part of the identity. */
  name: text('name'),
  medium: text('medium').$type<RecipeMedium>(),
  /** Total monomer concentration in the solution, with the unit it was given in (wt%, mol/L, ...). */
  monomerConcentration: doublePrecision('monomer_concentration'),
  monomerConcentrationUnit: text('monomer_concentration_unit'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const recipeComponents = pgTable(
  'recipe_components',
  {
    recipeId: text('recipe_id')
      .notNull()
      .references(() => recipes.id),
    /** 1-based, in canonical order (monomers by falling fraction first: position 1 is the main monomer). */
    position: integer('position').notNull(),
    role: text('role').$type<RecipeRole>().notNull(),
    monomerId: text('monomer_id').references(() => monomers.id),
    chemicalId: text('chemical_id').references(() => chemicals.id),
    /** Fraction among the components of the same role (co-monomer feed, solvent mixture), 0..1. */
    fraction: doublePrecision('fraction'),
    fractionBasis: text('fraction_basis').$type<FractionBasis>(),
    /** Concentration in the solution (surfactant, crosslinker, inhibitor), with the unit it was given in. */
    concentration: doublePrecision('concentration'),
    concentrationUnit: text('concentration_unit'),
  },
  (t) => [
    primaryKey({ columns: [t.recipeId, t.position] }),
    index('recipe_components_monomer_idx').on(t.monomerId),
    check(
      'recipe_components_reference_ck',
      sql`(${t.role} in ('monomer', 'crosslinker') and ${t.monomerId} is not null and ${t.chemicalId} is null) or (${t.role} not in ('monomer', 'crosslinker') and ${t.chemicalId} is not null and ${t.monomerId} is null)`,
    ),
    check(
      'recipe_components_fraction_ck',
      sql`${t.fraction} is null or (${t.fraction} > 0 and ${t.fraction} <= 1)`,
    ),
  ],
);
