import type { Chemistry, FunctionalGroup } from './materials.types';

export interface ChemistryYield {
  /** Functionalization conversion x_f (reference §2.7: 0.6–1.0). */
  readonly conversion: number;
  /** Exchange (or amine) sites per converted repeat unit. */
  readonly sitesPerUnit: number;
}

/** What each post-grafting chemistry yields (reference §1.6). */
export const CHEMISTRY_YIELD: Readonly<Record<Chemistry, ChemistryYield>> = {
  sulfonation: { conversion: 0.95, sitesPerUnit: 1 }, // [A] chlorosulfonic acid, near complete
  quaternization: { conversion: 0.9, sitesPerUnit: 1 }, // [A] TMA or N-alkylation
  // [D] ethylenediamine leaves two amines per opened epoxide; x_f 0.57 gives the reported 2.8 mmol/g
  // amine density at DG 135 % for 4-HB [S] (the stoichiometric 1:1 figure is 2.45 mmol/g)
  amination: { conversion: 0.57, sitesPerUnit: 2 },
  hydrolysis: { conversion: 0.9, sitesPerUnit: 1 }, // [A]
  none: { conversion: 1, sitesPerUnit: 1 }, // the monomer carries its function itself (AA, VBTAC)
};

/**
 * DVB in the grafting solution lowers water uptake and the quaternization ratio [S qual.]; the rates per
 * wt% of crosslinker (relative to monomer) are [A].
 */
export const CROSSLINKER = { conversionLossPerPct: 0.015, hydrationLossPerPct: 0.08 } as const;

export interface GroupBehaviour {
  /** Fraction of sites ionised in water: 1 for strong acids and quaternary cations, small for weak ones. */
  readonly dissociation: number;
  /**
   * Half-life of conductivity in 1 M KOH at 80 °C for a fully micelle-like morphology, h; a
   * reverse-micelle-like morphology protects the cation (see durability.property).
   */
  readonly alkalineHalfLifeH: number;
  /** Half-life in 3 % H2O2 at 60 °C, h. */
  readonly oxidativeHalfLifeH: number;
}

/**
 * t½ in 1 M KOH at 80 °C is 50–2000 h [A]. Imidazolium is calibrated so that the homopolymer graft loses
 * its conductivity within ≈150 h while St-co-NVIm keeps >10 mS/cm at 250 h [S]; pyridinium is known to be
 * less stable than imidazolium [A]. Oxidative figures are [A]: polystyrene sulfonic acid loses its groups in
 * days; longer-chain ammoniums are better [S qual.].
 */
export const GROUP_BEHAVIOUR: Readonly<Record<FunctionalGroup, GroupBehaviour>> = {
  'sulfonic acid': { dissociation: 1, alkalineHalfLifeH: 2000, oxidativeHalfLifeH: 60 },
  benzyltrimethylammonium: { dissociation: 1, alkalineHalfLifeH: 300, oxidativeHalfLifeH: 100 },
  imidazolium: { dissociation: 1, alkalineHalfLifeH: 38, oxidativeHalfLifeH: 100 },
  pyridinium: { dissociation: 1, alkalineHalfLifeH: 12, oxidativeHalfLifeH: 80 },
  amine: { dissociation: 0.05, alkalineHalfLifeH: 5000, oxidativeHalfLifeH: 200 }, // [A] weak base
  'carboxylic acid': { dissociation: 0.05, alkalineHalfLifeH: 5000, oxidativeHalfLifeH: 200 }, // [A] weak acid
  none: { dissociation: 0, alkalineHalfLifeH: Infinity, oxidativeHalfLifeH: Infinity },
};

export interface IonTransport {
  /** Water per site at IEC 1 mmol/g and 25 °C, λ0 (reference §2.7 ranges). */
  readonly lambda0: number;
  /** Percolation prefactor σ0, mS/cm, and the Arrhenius energy E_σ, J/mol. */
  readonly sigma0MsPerCm: number;
  readonly eSigmaJPerMol: number;
}

/**
 * λ0 inside the reference's ranges (Cl⁻ 10–20, OH⁻ 15–40) [A]. σ0 is fitted [D] so that ETFE-g-VBC-TMA at DG
 * 100 % gives 44 mS/cm (OH⁻, RT) [S], LDPE-g-VBC-TMA at IEC 2.5 mmol/g gives ≈100 mS/cm (Cl⁻, 80 °C) [S] and
 * PVDF-g-PSSA at DG 30 % gives 30 mS/cm (H⁺, 23 °C) [S]. The fitted OH⁻/Cl⁻ ratio is smaller than the dilute
 * mobility ratio (≈2.6): the RT OH⁻ figure likely includes some carbonation.
 */
export const ION_TRANSPORT: Readonly<Record<'H+' | 'OH-' | 'Cl-', IonTransport>> = {
  'H+': { lambda0: 18, sigma0MsPerCm: 137, eSigmaJPerMol: 12e3 },
  'OH-': { lambda0: 20, sigma0MsPerCm: 120, eSigmaJPerMol: 15e3 },
  'Cl-': { lambda0: 12, sigma0MsPerCm: 111, eSigmaJPerMol: 20e3 },
};
