import type { AnionForm, BasePolymer, Chemistry, Monomer, RecipeComponent } from './materials.types';
import { findBasePolymer, findCoMonomer, findMonomer } from './materials.lookup';

/** What goes into a graft: the substrate, the monomer(s) and what is done to the graft afterwards. */
export interface GraftRecipe {
  readonly basePolymer: string;
  /** One catalogue monomer or co-monomer id, or several monomers with mole fractions (co-grafting). */
  readonly monomers: string | readonly RecipeComponent[];
  /** Post-grafting chemistry; default: the co-monomer's, else that of the main monomer that needs one. */
  readonly chemistry?: Chemistry;
  /** DVB in the grafting solution, wt% of monomer. */
  readonly crosslinkerPct?: number;
  /** Form an anion exchanger is measured in (default: its monomer's). */
  readonly anionForm?: AnionForm;
}

export interface RecipePart {
  readonly monomer: Monomer;
  /** Mole fraction of the graft, normalised over the recipe. */
  readonly fraction: number;
}

export interface ResolvedRecipe {
  readonly polymer: BasePolymer;
  /** Largest fraction first. */
  readonly parts: readonly RecipePart[];
  readonly chemistry: Chemistry;
  readonly crosslinkerPct: number;
  readonly anionForm?: AnionForm;
  /** The monomer or co-monomer id, or the components joined as "a 0.3 / b 0.7". */
  readonly label: string;
}

/** Components of a monomer name: a catalogue co-monomer expands into its own components. */
function expand(name: string, fraction: number): RecipeComponent[] {
  const co = findCoMonomer(name);
  return co
    ? co.components.map((c) => ({ monomer: c.monomer, fraction: c.fraction * fraction }))
    : [{ monomer: name, fraction }];
}

/** The monomers of a recipe with normalised mole fractions, largest first; throws on unknown names. */
export function resolveParts(monomers: GraftRecipe['monomers']): RecipePart[] {
  const listed = typeof monomers === 'string' ? [{ monomer: monomers, fraction: 1 }] : monomers;
  if (listed.length === 0) throw new Error('a recipe needs at least one monomer');
  const byId = new Map<string, { monomer: Monomer; amount: number }>();
  for (const c of listed.flatMap((l) => expand(l.monomer, l.fraction))) {
    const monomer = findMonomer(c.monomer);
    if (!monomer) throw new Error(`unknown monomer "${c.monomer}"`);
    if (!(c.fraction > 0) || !Number.isFinite(c.fraction))
      throw new Error(`monomer "${c.monomer}": fraction must be a positive number`);
    const seen = byId.get(monomer.id);
    byId.set(monomer.id, { monomer, amount: (seen?.amount ?? 0) + c.fraction });
  }
  const total = [...byId.values()].reduce((s, v) => s + v.amount, 0);
  return [...byId.values()]
    .map((v) => ({ monomer: v.monomer, fraction: v.amount / total }))
    .sort((a, b) => b.fraction - a.fraction);
}

/** The recipe's chemistry: as given, else the co-monomer's, else that of the main monomer that needs one. */
export function recipeChemistry(
  monomers: GraftRecipe['monomers'],
  parts: readonly RecipePart[],
  chemistry?: Chemistry,
): Chemistry {
  const co = typeof monomers === 'string' ? findCoMonomer(monomers) : undefined;
  return (
    chemistry ??
    co?.chemistry ??
    parts.find((p) => p.monomer.chemistry !== 'none')?.monomer.chemistry ??
    'none'
  );
}

/** Checks the names and fractions and fixes the chemistry; throws on what the catalogue does not know. */
export function resolveRecipe(recipe: GraftRecipe): ResolvedRecipe {
  const polymer = findBasePolymer(recipe.basePolymer);
  if (!polymer) throw new Error(`unknown base polymer "${recipe.basePolymer}"`);
  const parts = resolveParts(recipe.monomers);
  const co = typeof recipe.monomers === 'string' ? findCoMonomer(recipe.monomers) : undefined;
  const label =
    typeof recipe.monomers === 'string'
      ? (co?.id ?? parts[0].monomer.id)
      : parts.map((p) => `${p.monomer.id} ${+p.fraction.toFixed(3)}`).join(' / ');
  return {
    polymer,
    parts,
    chemistry: recipeChemistry(recipe.monomers, parts, recipe.chemistry),
    crosslinkerPct: recipe.crosslinkerPct ?? 0,
    anionForm: recipe.anionForm,
    label,
  };
}
