import { CHEMISTRY_YIELD, CROSSLINKER } from './functionalization.catalog';
import type { ResolvedRecipe } from './graft.recipe';
import type { CarriedIon, Chemistry, FunctionalGroup, Monomer } from './materials.types';

/** Density of the (functionalized) graft phase, g/cm³ [A]: polystyrene 1.05 … ionomers 1.2–1.3. */
export const GRAFT_DENSITY = 1.15;
export const WATER_DENSITY = 1;

/** What a dry, functionalized graft membrane is made of, per gram. */
export interface GraftComposition {
  readonly dgPct: number;
  /** Exchange (or, for amines, amine) sites, mmol per g of dry functionalized membrane. */
  readonly iecMmolPerG: number;
  /** The group carrying most of the sites, and the ion the membrane is measured with. */
  readonly group: FunctionalGroup;
  readonly ion: CarriedIon;
  readonly dryDensity: number;
  /** Volume fraction of graft in the dry membrane. */
  readonly graftVolumeFraction: number;
  /** cm³ per g of dry membrane: functionalized (hydrophilic) graft, and base plus unfunctionalized graft. */
  readonly hydrophilicVolume: number;
  readonly hydrophobicVolume: number;
  /** Water held by unfunctionalized graft units, % of dry mass. */
  readonly nonIonicUptakePct: number;
}

/**
 * Sites a unit of this monomer carries after the recipe's chemistry, x_f·s (DVB crosslinker lowers x_f), or 0
 * when the chemistry leaves it alone; monomers that carry their function (AA, VBTAC) need none.
 */
export function unitSites(m: Monomer, chemistry: Chemistry, crosslinkerPct = 0): number {
  if (m.chemistry === 'none') return m.group === 'none' ? 0 : CHEMISTRY_YIELD.none.conversion;
  if (m.chemistry !== chemistry) return 0;
  const y = CHEMISTRY_YIELD[chemistry];
  return y.conversion * Math.max(0, 1 - CROSSLINKER.conversionLossPerPct * crosslinkerPct) * y.sitesPerUnit;
}

/** Water a non-ionic graft unit takes up, g/g: ≈2 % for PMMA, more for hydrophilic units [A]. */
const nonIonicAffinity = (m: Monomer) => 0.3 / (1 + Math.exp(2 * m.logP));

/**
 * IEC generalised to several monomers (reference §2.7, same convention: the denominator counts every
 * functionalized unit at its functionalized mass):
 * IEC = 1000·(DG/100)·Σ nᵢ·x_f,i·sᵢ / M̄ / (1 + (DG/100)·Σ nᵢ·M_f,i / M̄), M̄ = Σ nᵢ·Mᵢ,
 * with x_f from the chemistry (less with DVB crosslinker) and sᵢ sites per unit. For one monomer it is
 * ionExchangeCapacity(DG, M_m, M_f, x_f·s).
 */
export function graftComposition(dgPct: number, recipe: ResolvedRecipe): GraftComposition {
  const g = Math.max(0, dgPct) / 100;
  const meanMass = recipe.parts.reduce((s, p) => s + p.fraction * p.monomer.molarMass, 0);
  let sites = 0;
  let functionalMass = 0;
  let plainMass = 0;
  let plainUptake = 0;
  let main: { monomer: Monomer; share: number } | undefined;
  for (const { monomer, fraction } of recipe.parts) {
    const unit = unitSites(monomer, recipe.chemistry, recipe.crosslinkerPct);
    if (unit > 0) {
      const share = fraction * unit;
      sites += share;
      functionalMass += fraction * monomer.functionalizedMolarMass;
      if (!main || share > main.share) main = { monomer, share };
    } else {
      plainMass += fraction * monomer.molarMass;
      plainUptake += fraction * monomer.molarMass * nonIonicAffinity(monomer);
    }
  }
  const dryMass = 1 + (g * (functionalMass + plainMass)) / meanMass; // per g of base
  const base = recipe.polymer.densityGPerCm3;
  const hydrophilic = (g * functionalMass) / meanMass / GRAFT_DENSITY;
  const plain = (g * plainMass) / meanMass / GRAFT_DENSITY;
  const dryVolume = 1 / base + hydrophilic + plain;
  const group = main?.monomer.group ?? 'none';
  const ownIon = main?.monomer.ion ?? 'none';
  const ion = (ownIon === 'OH-' || ownIon === 'Cl-') && recipe.anionForm ? recipe.anionForm : ownIon;
  return {
    dgPct,
    iecMmolPerG: (1000 * g * sites) / meanMass / dryMass,
    group,
    ion,
    dryDensity: dryMass / dryVolume,
    graftVolumeFraction: (hydrophilic + plain) / dryVolume,
    hydrophilicVolume: hydrophilic / dryMass,
    hydrophobicVolume: (1 / base + plain) / dryMass,
    nonIonicUptakePct: (100 * g * plainUptake) / meanMass / dryMass,
  };
}
