import { unitSites } from './graft.composition';
import { recipeChemistry, resolveParts, type GraftRecipe } from './graft.recipe';
import { findBasePolymer } from './materials.lookup';

/** Numeric features of a material, for a materials-informatics model. */
export type Descriptors = Readonly<Record<string, number>>;

/** A base polymer's catalogue descriptors, with its form one-hot; throws on an unknown polymer. */
export function polymerDescriptors(basePolymer: string): Descriptors {
  const p = findBasePolymer(basePolymer);
  if (!p) throw new Error(`unknown base polymer "${basePolymer}"`);
  return {
    thicknessUm: p.thicknessUm,
    basisWeightGPerM2: p.basisWeightGPerM2 ?? 0,
    crystallinity: p.crystallinity,
    densityGPerCm3: p.densityGPerCm3,
    tgC: p.tgC,
    radicalYield: p.radicalYield,
    radiationResponse: p.radiationResponse,
    fluorinated: p.fluorinated,
    solubilityParameter: p.solubilityParameter,
    formFilm: p.form === 'film' ? 1 : 0,
    formNonwoven: p.form === 'nonwoven' ? 1 : 0,
    formFibre: p.form === 'fibre' ? 1 : 0,
    formPowder: p.form === 'powder' ? 1 : 0,
  };
}

/**
 * A monomer's (or co-graft's, mole-fraction-weighted) descriptors; ln k_p because rates span decades.
 * functionalSites is the sites per unit the recipe's chemistry leaves (x_f·s, 0 for units it leaves alone).
 */
export function monomerDescriptors(
  monomers: GraftRecipe['monomers'],
  chemistry?: GraftRecipe['chemistry'],
): Descriptors {
  const parts = resolveParts(monomers);
  const chem = recipeChemistry(monomers, parts, chemistry);
  const mean = (f: (m: (typeof parts)[number]['monomer']) => number) =>
    parts.reduce((s, p) => s + p.fraction * f(p.monomer), 0);
  const sites = (m: (typeof parts)[number]['monomer']) => unitSites(m, chem);
  return {
    molarMass: mean((m) => m.molarMass),
    functionalizedMolarMass: mean((m) => m.functionalizedMolarMass),
    logP: mean((m) => m.logP),
    q: mean((m) => m.q),
    e: mean((m) => m.e),
    lnKpRelative: mean((m) => Math.log(m.kpRelative)),
    polarizabilityA3: mean((m) => m.polarizabilityA3),
    functionalSites: mean(sites),
    anionExchange: mean((m) => (sites(m) > 0 && (m.ion === 'OH-' || m.ion === 'Cl-') ? 1 : 0)),
    cationExchange: mean((m) => (sites(m) > 0 && m.ion === 'H+' ? 1 : 0)),
  };
}
