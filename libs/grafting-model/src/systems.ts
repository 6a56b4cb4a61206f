import type { KineticParams } from './kinetics.types';

/** GMA-type emulsion on PE/PP nonwoven (reference §2.6 defaults; 135 % at 30 kGy, 5 wt%, 40 °C, 2 h). */
export const GMA_EMULSION_ON_PE: KineticParams = {
  rSat: 100,
  dSatKGy: 100,
  fCrystalline: 0.6,
  tauCrystallineH: 24 * 5,
  tauAmorphousH: 6,
  edJPerMol: 70e3,
  kO2: 0.9,
  tInd0H: 0.5,
  k: 200,
  eaJPerMol: 40e3,
  tRefC: 40,
  cRefWtPct: 5,
  alpha: 1.5,
  beta: 1.0,
  gammaL: 0,
  tauRefH: 0.7,
  eTauJPerMol: 50e3,
  dRefKGy: 30,
  cHWtPct: 12,
  nH: 2,
  dgFailPct: 400,
  dgMinPct: 2,
};

/** Styrene or VBC on ETFE film (reference §2.6 defaults; ~100 % at 50 kGy, 60 °C, 8 h). */
export const STYRENE_ON_ETFE: KineticParams = {
  rSat: 60,
  dSatKGy: 150,
  fCrystalline: 0.7,
  tauCrystallineH: 24 * 10,
  tauAmorphousH: 12,
  edJPerMol: 70e3,
  kO2: 0.9,
  tInd0H: 1.0,
  k: 22,
  eaJPerMol: 30e3,
  tRefC: 60,
  cRefWtPct: 50,
  alpha: 1.5,
  beta: 0.64,
  gammaL: 1.0,
  tauRefH: 6,
  eTauJPerMol: 40e3,
  dRefKGy: 50,
  cHWtPct: Infinity,
  nH: 2,
  dgFailPct: 200,
  dgMinPct: 2,
};

export const VBC_ON_ETFE: KineticParams = { ...STYRENE_ON_ETFE, alpha: 1.2 };

const key = (basePolymer: string, monomer: string) => `${basePolymer.toLowerCase()}|${monomer.toLowerCase()}`;

const SYSTEMS = new Map<string, KineticParams>([
  [key('PE/PP nonwoven', 'GMA'), GMA_EMULSION_ON_PE],
  [key('PE/PP', 'GMA'), GMA_EMULSION_ON_PE],
  [key('PE', 'GMA'), GMA_EMULSION_ON_PE],
  [key('PP', 'GMA'), { ...GMA_EMULSION_ON_PE, k: 150 }],
  [key('ETFE', 'styrene'), STYRENE_ON_ETFE],
  [key('ETFE', 'VBC'), VBC_ON_ETFE],
  [key('FEP', 'styrene'), { ...STYRENE_ON_ETFE, k: 11, alpha: 1.9, eaJPerMol: 27.9e3, dgFailPct: 150 }],
  [key('PTFE', 'styrene'), { ...STYRENE_ON_ETFE, k: 9, alpha: 1.7, dgFailPct: 150 }],
  [key('PE', 'VBTAC'), { ...GMA_EMULSION_ON_PE, k: 0.5 }], // grafts poorly on its own (reference §1.4)
]);

/** Kinetic parameters for a base polymer and monomer, or undefined when the model has none. */
export function kineticsFor(basePolymer: string, monomer: string): KineticParams | undefined {
  return SYSTEMS.get(key(basePolymer, monomer));
}
