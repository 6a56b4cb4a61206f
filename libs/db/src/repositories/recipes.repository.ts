import { asc, eq } from 'drizzle-orm';
import { DocumentError, type Problem } from '@graftlab/validation';
import { canonicalJson, sha256Hex } from '../canonical-json';
import type { Db } from '../db.types';
import { CONCENTRATION_UNITS, concentrationUnit } from '../materials/concentration.units';
import {
  FRACTION_BASES,
  RECIPE_MEDIA,
  RECIPE_ROLES,
  recipeComponents,
  recipes,
  type FractionBasis,
  type RecipeMedium,
  type RecipeRole,
} from '../schema';
import { MaterialsRepository, type ChemicalInput, type MonomerInput } from './materials.repository';

export type Recipe = typeof recipes.$inferSelect;
export type RecipeComponentRow = typeof recipeComponents.$inferSelect;

export interface RecipeComponentInput {
  role: RecipeRole;
  /** A monomer (monomer, crosslinker) or chemical (other roles) by name, or with its identifiers to record them. */
  material: string | (MonomerInput & ChemicalInput);
  /** Fraction among the components of this role (monomers, solvents); optional for a single one (then 1). */
  fraction?: number | null;
  fractionBasis?: FractionBasis | null;
  concentration?: number | null;
  concentrationUnit?: string | null;
}

export interface RecipeInput {
  name?: string | null;
  medium?: RecipeMedium | null;
  /** Total monomer concentration in the solution. */
  monomerConcentration?: number | null;
  monomerConcentrationUnit?: string | null;
  components: readonly RecipeComponentInput[];
}

export interface RecipeWithComponents extends Recipe {
  components: (RecipeComponentRow & { name: string })[];
}

/** A component as the content hash sees it: ids, not names; undefined members are left out of the hash. */
interface ResolvedComponent {
  role: RecipeRole;
  monomerId?: string;
  chemicalId?: string;
  fraction?: number;
  fractionBasis?: FractionBasis;
  concentration?: number;
  concentrationUnit?: string;
}

/** Roles whose components share a fraction (a feed of co-monomers, a solvent mixture), and the default basis. */
const FRACTION_ROLES: Partial<Record<RecipeRole, FractionBasis>> = { monomer: 'mol', solvent: 'vol' };
const POLYMERIZING = new Set<RecipeRole>(['monomer', 'crosslinker']);
const roleOrder = (r: RecipeRole) => RECIPE_ROLES.indexOf(r);

/** Recipes: the composition of a grafting solution, content-addressed and immutable. */
export class RecipesRepository {
  constructor(private readonly db: Db) {}

  /**
   * The recipe with this content (created with its monomers and chemicals when new). Components are put in canonical
   * order (by role; within a role by falling fraction, then id: position 1 is the main monomer), fractions of a role
   * must add up to 1 on one basis, concentrations carry a concentration unit. The id is 'rcp-' + sha256 of the
   * canonical content, so the same solution is always the same recipe.
   */
  async upsert(input: RecipeInput, at = ''): Promise<RecipeWithComponents> {
    const problems = recipeProblems(input, at);
    if (problems.length) throw new DocumentError(problems);
    return this.db.transaction(async (tx) => {
      const materials = new MaterialsRepository(tx);
      const resolved: ResolvedComponent[] = [];
      for (const [i, c] of input.components.entries()) {
        const material = typeof c.material === 'string' ? { name: c.material } : c.material;
        const ref = POLYMERIZING.has(c.role)
          ? { monomerId: (await materials.upsertMonomer(material, `${at}/components/${i}/material`)).id }
          : { chemicalId: (await materials.upsertChemical(material, `${at}/components/${i}/material`)).id };
        const single = input.components.filter((x) => x.role === c.role).length === 1;
        const basisDefault = FRACTION_ROLES[c.role];
        const fraction = c.fraction ?? (single && basisDefault ? 1 : undefined);
        resolved.push({
          role: c.role,
          ...ref,
          fraction,
          fractionBasis: fraction !== undefined ? (c.fractionBasis ?? basisDefault) : undefined,
          concentration: c.concentration ?? undefined,
          concentrationUnit: c.concentrationUnit ? concentrationUnit(c.concentrationUnit) : undefined,
        });
      }
      const idOf = (c: ResolvedComponent) => c.monomerId ?? c.chemicalId ?? '';
      resolved.sort(
        (a, b) =>
          roleOrder(a.role) - roleOrder(b.role) ||
          (b.fraction ?? -1) - (a.fraction ?? -1) ||
          idOf(a).localeCompare(idOf(b)),
      );
      const content: Record<string, unknown> = {
        components: resolved,
        medium: input.medium ?? undefined,
        monomerConcentration: input.monomerConcentration ?? undefined,
        monomerConcentrationUnit: input.monomerConcentrationUnit
          ? concentrationUnit(input.monomerConcentrationUnit)
          : undefined,
      };
      const text = canonicalJson(content);
      const hash = sha256Hex(text);
      const id = 'rcp-' + hash.slice(0, 16);
      const inserted = await tx
        .insert(recipes)
        .values({
          id,
          contentHash: hash,
          content: JSON.parse(text) as Record<string, unknown>,
          name: input.name?.trim() || null,
          medium: input.medium ?? null,
          monomerConcentration: input.monomerConcentration ?? null,
          monomerConcentrationUnit: (content.monomerConcentrationUnit as string | undefined) ?? null,
        })
        .onConflictDoNothing()
        .returning({ id: recipes.id });
      if (inserted.length) {
        await tx.insert(recipeComponents).values(
          resolved.map((c, i) => ({
            recipeId: id,
            position: i + 1,
            role: c.role,
            monomerId: c.monomerId ?? null,
            chemicalId: c.chemicalId ?? null,
            fraction: c.fraction ?? null,
            fractionBasis: c.fractionBasis ?? null,
            concentration: c.concentration ?? null,
            concentrationUnit: c.concentrationUnit ?? null,
          })),
        );
      }
      return (await new RecipesRepository(tx).get(id))!;
    });
  }

  async get(id: string): Promise<RecipeWithComponents | undefined> {
    const recipe = await this.db.query.recipes.findFirst({ where: eq(recipes.id, id) });
    if (!recipe) return undefined;
    const components = await this.db.query.recipeComponents.findMany({
      where: eq(recipeComponents.recipeId, id),
      orderBy: asc(recipeComponents.position),
    });
    return {
      ...recipe,
      components: components.map((c) => ({ ...c, name: c.monomerId ?? c.chemicalId ?? '' })),
    };
  }
}

/** Problems with a recipe before anything is written, pointers relative to `at`. */
export function recipeProblems(input: RecipeInput, at = ''): Problem[] {
  const problems: Problem[] = [];
  const bad = (pointer: string, message: string) => problems.push({ pointer: at + pointer, message });
  if (input.medium && !RECIPE_MEDIA.includes(input.medium))
    bad('/medium', `"${input.medium}" is not one of ${RECIPE_MEDIA.join(', ')}`);
  checkConcentration(
    input.monomerConcentration,
    input.monomerConcentrationUnit,
    '/monomerConcentration',
    bad,
  );
  if (!input.components.some((c) => c.role === 'monomer')) bad('/components', 'needs at least one monomer');
  const byRole = new Map<RecipeRole, number[]>();
  input.components.forEach((c, i) => {
    if (!RECIPE_ROLES.includes(c.role)) {
      bad(`/components/${i}/role`, `"${c.role}" is not one of ${RECIPE_ROLES.join(', ')}`);
      return;
    }
    byRole.set(c.role, [...(byRole.get(c.role) ?? []), i]);
    const name = typeof c.material === 'string' ? c.material : c.material?.name;
    if (!name?.trim()) bad(`/components/${i}/material`, 'needs a name');
    if (c.fraction != null && !FRACTION_ROLES[c.role])
      bad(`/components/${i}/fraction`, `a ${c.role} has a concentration, not a fraction`);
    if (c.fraction != null && !(c.fraction > 0 && c.fraction <= 1))
      bad(`/components/${i}/fraction`, 'must be above 0 and at most 1');
    if (c.fractionBasis != null && !FRACTION_BASES.includes(c.fractionBasis))
      bad(
        `/components/${i}/fractionBasis`,
        `"${c.fractionBasis}" is not one of ${FRACTION_BASES.join(', ')}`,
      );
    checkConcentration(c.concentration, c.concentrationUnit, `/components/${i}/concentration`, bad);
  });
  for (const [role, indices] of byRole) {
    if (!FRACTION_ROLES[role] || indices.length < 2) continue;
    const fractions = indices.map((i) => input.components[i].fraction);
    if (fractions.some((f) => f == null)) {
      bad(
        `/components/${indices[fractions.findIndex((f) => f == null)]}/fraction`,
        `every ${role} of a mixture needs its fraction`,
      );
      continue;
    }
    const bases = new Set(indices.map((i) => input.components[i].fractionBasis ?? FRACTION_ROLES[role]));
    if (bases.size > 1)
      bad(`/components/${indices[1]}/fractionBasis`, `the ${role} fractions must share one basis`);
    const sum = fractions.reduce<number>((a, f) => a + (f ?? 0), 0);
    if (Math.abs(sum - 1) > 1e-6)
      bad(`/components/${indices[0]}/fraction`, `the ${role} fractions add up to ${sum}, not 1`);
  }
  return problems;
}

function checkConcentration(
  value: number | null | undefined,
  unit: string | null | undefined,
  pointer: string,
  bad: (pointer: string, message: string) => void,
): void {
  if (value == null && !unit) return;
  if (value == null) return bad(pointer, `a unit (${unit}) without a value`);
  if (!unit)
    return bad(`${pointer}Unit`, `required with a concentration (${CONCENTRATION_UNITS.join(', ')})`);
  const canonical = concentrationUnit(unit);
  if (!canonical)
    return bad(`${pointer}Unit`, `"${unit}" is not a concentration unit (${CONCENTRATION_UNITS.join(', ')})`);
  if (!(Number.isFinite(value) && value > 0)) return bad(pointer, 'must be above 0');
  if (canonical.endsWith('%') && value > 100) bad(pointer, 'must be at most 100 %');
}
