import {
  MaterialsRepository,
  RecipesRepository,
  type BaseMaterialInput,
  type Db,
  type RecipeInput,
} from '@graftlab/db';
import {
  parameterScope,
  quantitySpec,
  resolveQuantity,
  type ExecutionPlan,
  type Protocol,
} from '@graftlab/protocol';

export interface RegisteredMaterials {
  readonly baseMaterialId: string;
  readonly recipeId: string;
}

/** A quantity of the protocol's materials with its parameters resolved; undefined when it cannot be read. */
function quantityOf(
  protocol: Protocol,
  plan: ExecutionPlan,
  text: string | undefined,
  kind: Parameters<typeof quantitySpec>[0],
): number | undefined {
  if (!text) return undefined;
  try {
    return resolveQuantity(
      text,
      quantitySpec(kind),
      parameterScope(protocol.parameters, plan.parameters).values,
    ).si;
  } catch {
    return undefined;
  }
}

/** Solvent words that mean "no solvent": the monomer grafts neat. */
const NEAT = /^(none|bulk|neat)$/i;

/**
 * The grafting solution a protocol declares, as an MI-database recipe: its monomer (at the concentration the run's
 * parameters give), solvent, surfactant and inhibitor. One solution always hashes to one recipe.
 */
export function recipeOf(protocol: Protocol, plan: ExecutionPlan): RecipeInput {
  const m = protocol.materials;
  const massFraction = quantityOf(protocol, plan, m.monomer.concentration, 'massFraction');
  const molar = quantityOf(protocol, plan, m.monomer.concentrationMolar, 'concentration');
  const concentration =
    massFraction !== undefined
      ? { concentration: massFraction * 100, concentrationUnit: 'wt%' }
      : molar !== undefined
        ? { concentration: molar / 1000, concentrationUnit: 'mol/L' } // SI mol/m³ → mol/L
        : {};
  const molarMass = quantityOf(protocol, plan, m.monomer.molarMass, 'molarMass');
  const neat = NEAT.test(m.solvent.name.trim());
  const components: RecipeInput['components'] = [
    {
      role: 'monomer',
      material: {
        name: m.monomer.abbreviation ?? m.monomer.name,
        smiles: m.monomer.smiles,
        molarMassGMol: molarMass === undefined ? undefined : molarMass * 1000, // kg/mol → g/mol
      },
      ...concentration,
    },
    ...(neat ? [] : [{ role: 'solvent' as const, material: m.solvent.name }]),
    ...(m.surfactant ? [{ role: 'surfactant' as const, material: m.surfactant.name }] : []),
    ...(m.inhibitor ? [{ role: 'inhibitor' as const, material: m.inhibitor.name }] : []),
  ];
  return {
    medium: neat ? 'bulk' : m.surfactant && /water/i.test(m.solvent.name) ? 'emulsion' : 'solution',
    components,
  };
}

/** What a run's film and solution are, as the MI database's material and recipe inputs. */
export interface MaterialInputs {
  readonly material: BaseMaterialInput;
  readonly recipe: RecipeInput;
}

export function materialInputsOf(protocol: Protocol, plan: ExecutionPlan): MaterialInputs {
  const base = protocol.materials.base;
  const thicknessM = quantityOf(protocol, plan, base.thickness, 'length');
  return {
    material: {
      polymer: base.polymer,
      form: base.form,
      thicknessUm: thicknessM === undefined ? null : thicknessM * 1e6,
      supplier: base.supplier ?? null,
      supplierLot: base.lot,
      name: base.name,
    },
    recipe: recipeOf(protocol, plan),
  };
}

/**
 * The film and solution of a run as MI-database materials (created on first use, found by identity afterwards):
 * the base material with its form, thickness, lot and supplier, and the recipe. Written in the admission's
 * transaction, so a refused run leaves no material behind.
 */
export async function registerMaterials(db: Db, inputs: MaterialInputs): Promise<RegisteredMaterials> {
  const material = await new MaterialsRepository(db).upsertBaseMaterial(inputs.material, '/materials/base');
  const recipe = await new RecipesRepository(db).upsert(inputs.recipe, '/materials');
  return { baseMaterialId: material.id, recipeId: recipe.id };
}
