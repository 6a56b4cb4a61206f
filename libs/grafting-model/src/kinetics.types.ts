/** Parameters of the virtual-lab grafting model (grafting-domain reference §2.6), one set per polymer/monomer/medium system. */
export interface KineticParams {
  /** Saturation radical yield (arbitrary units) and the dose at which it saturates, kGy. */
  readonly rSat: number;
  readonly dSatKGy: number;
  /** Fraction of radicals trapped in crystallites (long-lived). */
  readonly fCrystalline: number;
  /** Radical lifetimes at 25 °C under inert gas, h. */
  readonly tauCrystallineH: number;
  readonly tauAmorphousH: number;
  /** Storage-decay activation energy, J/mol. */
  readonly edJPerMol: number;
  /** Oxygen scavenging coefficient and induction time at full oxygen, h. */
  readonly kO2: number;
  readonly tInd0H: number;
  /** Initial grafting rate at the reference conditions, %DG/h. */
  readonly k: number;
  readonly eaJPerMol: number;
  readonly tRefC: number;
  readonly cRefWtPct: number;
  readonly alpha: number;
  readonly beta: number;
  readonly gammaL: number;
  /** Active-site lifetime at tRef, h, and its activation energy, J/mol. */
  readonly tauRefH: number;
  readonly eTauJPerMol: number;
  /** Reference dose for the radical term (the anchor's dose), kGy. */
  readonly dRefKGy: number;
  /** Homopolymer / emulsion break-up concentration, wt% (Infinity when absent), and its exponent. */
  readonly cHWtPct: number;
  readonly nH: number;
  /** Above this DG the film ruptures (sample failed), %. */
  readonly dgFailPct: number;
  /** Below this DG the monomer is considered not to graft (hard infeasibility), %. */
  readonly dgMinPct: number;
}

export interface GraftingConditions {
  readonly doseKGy: number;
  readonly storageH: number;
  readonly storageTempC: number;
  readonly concentrationWtPct: number;
  readonly temperatureC: number;
  readonly timeH: number;
  readonly thicknessUm: number;
  /** Residual oxygen after degassing, 0 (none) to 1 (air-saturated). */
  readonly o2Fraction: number;
  /** Irradiation atmosphere; air shortens radical lifetimes. */
  readonly atmosphere?: 'inert' | 'air';
}

export interface GraftingOutcome {
  /** Degree of grafting the chemistry produces (before measurement noise), %. */
  readonly dgPct: number;
  readonly initialRatePctPerH: number;
  readonly tauH: number;
}
