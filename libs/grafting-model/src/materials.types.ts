/**
 * What a chemist records about the materials of a graft (grafting-domain reference §2.8). Numbers in the
 * catalogues carry the reference's tags: [S] stated in a source, [D] derived from sourced numbers, [A] assumed.
 */

export type PolymerForm = 'film' | 'nonwoven' | 'fibre' | 'powder';

/** The solution a monomer is grafted from; it sets the kinetic template (emulsion, solvent or water). */
export type GraftingMedium = 'toluene' | 'IPA/MeOH' | 'water-emulsion' | 'water';

/** Post-grafting chemistry that turns the graft into its working form (reference §1.6). */
export type Chemistry = 'sulfonation' | 'quaternization' | 'amination' | 'hydrolysis' | 'none';

/** Ion a functional graft carries in its working form. */
export type CarriedIon = 'H+' | 'OH-' | 'Cl-' | 'none';

/** Anion-exchange membranes are measured in either form. */
export type AnionForm = 'OH-' | 'Cl-';

/** The group the chemistry leaves on each repeat unit; it decides hydration, conduction and durability. */
export type FunctionalGroup =
  | 'sulfonic acid'
  | 'benzyltrimethylammonium'
  | 'imidazolium'
  | 'pyridinium'
  | 'amine'
  | 'carboxylic acid'
  | 'none';

export interface TrappedRadicals {
  /** Fraction of radicals trapped in crystallites (long-lived). */
  readonly crystallineFraction: number;
  /** Lifetimes at 25 °C under inert gas, h (ESR decay). */
  readonly tauCrystallineH: number;
  readonly tauAmorphousH: number;
}

export interface Mechanics {
  /** Elongation at break of the pristine material, %. */
  readonly elongationPct: number;
  /** Dose scale of elongation loss by chain scission, kGy (reference §2.7 ε_break). */
  readonly dMechKGy: number;
  /** DG scale of elongation loss by the graft, %. */
  readonly dgMechPct: number;
}

export interface BasePolymer {
  readonly id: string;
  readonly name: string;
  /** Older names the lab uses for the same substrate. */
  readonly aliases: readonly string[];
  readonly form: PolymerForm;
  /** Film thickness, or fibre diameter for fibres; the fabric thickness for nonwovens. */
  readonly thicknessUm: number;
  readonly basisWeightGPerM2?: number;
  readonly crystallinity: number;
  readonly densityGPerCm3: number;
  readonly tgC: number;
  /** Radical yield G(R) relative to LDPE = 1. */
  readonly radicalYield: number;
  /** −1 scission-dominated … +1 crosslinking-dominated. */
  readonly radiationResponse: number;
  readonly fluorinated: 0 | 1;
  /** Hildebrand solubility parameter, MPa^½ (how polar a monomer the polymer takes up). */
  readonly solubilityParameter: number;
  readonly trappedRadicals: TrappedRadicals;
  readonly mechanics: Mechanics;
}

export interface Monomer {
  readonly id: string;
  readonly name: string;
  readonly smiles?: string;
  readonly cas?: string;
  /** g/mol of the monomer, and of the repeat unit after the post-grafting chemistry (titrated form). */
  readonly molarMass: number;
  readonly functionalizedMolarMass: number;
  readonly logP: number;
  /** Alfrey–Price Q and e. */
  readonly q: number;
  readonly e: number;
  /** Propagation rate constant relative to styrene (≈340 L/mol/s at 60 °C). */
  readonly kpRelative: number;
  /** Static polarizability, Å³ (approximate). */
  readonly polarizabilityA3: number;
  readonly chemistry: Chemistry;
  readonly group: FunctionalGroup;
  readonly ion: CarriedIon;
  readonly standardMedium: GraftingMedium;
  /** Monomer-concentration order of the initial grafting rate (reference §2.1). */
  readonly alpha: number;
}

export interface RecipeComponent {
  readonly monomer: string;
  /** Mole fraction in the feed, taken as the graft's composition. */
  readonly fraction: number;
}

/** A catalogued co-grafting recipe, e.g. St/NVIm 1:1: grafted together, then one chemistry. */
export interface CoMonomer {
  readonly id: string;
  readonly name: string;
  readonly components: readonly RecipeComponent[];
  readonly chemistry: Chemistry;
}
