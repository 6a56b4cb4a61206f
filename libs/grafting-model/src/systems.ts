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

const FEP_STYRENE: KineticParams = {
  ...STYRENE_ON_ETFE,
  k: 11,
  alpha: 1.9,
  eaJPerMol: 27.9e3,
  dgFailPct: 150,
};
const PTFE_STYRENE: KineticParams = { ...STYRENE_ON_ETFE, k: 9, alpha: 1.7, dgFailPct: 150 };
const PP_GMA: KineticParams = { ...GMA_EMULSION_ON_PE, k: 150 };
const PE_VBTAC: KineticParams = { ...GMA_EMULSION_ON_PE, k: 0.5 }; // grafts poorly on its own (reference §1.4)

/** The systems the twins' world knows, under the names its protocols use; any other pair grafts nothing there. */
const SYSTEMS = new Map<string, KineticParams>([
  [key('PE/PP nonwoven', 'GMA'), GMA_EMULSION_ON_PE],
  [key('PE/PP', 'GMA'), GMA_EMULSION_ON_PE],
  [key('PE', 'GMA'), GMA_EMULSION_ON_PE],
  [key('PP', 'GMA'), PP_GMA],
  [key('ETFE', 'styrene'), STYRENE_ON_ETFE],
  [key('ETFE', 'VBC'), VBC_ON_ETFE],
  [key('FEP', 'styrene'), FEP_STYRENE],
  [key('PTFE', 'styrene'), PTFE_STYRENE],
  [key('PE', 'VBTAC'), PE_VBTAC],
]);

/** Kinetic parameters the twins' world uses for a base polymer and monomer, or undefined when it has none. */
export function labKinetics(basePolymer: string, monomer: string): KineticParams | undefined {
  return SYSTEMS.get(key(basePolymer, monomer));
}

/**
 * The same systems by catalogue ids: their fitted parameters are the shipped ground truth for these pairs,
 * where every other pair's parameters come from the descriptors. ('PE', 'PE/PP' and 'PP' are the lab's older
 * names of the two nonwovens.)
 */
export const ANCHORED_SYSTEMS: ReadonlyMap<string, KineticParams> = new Map([
  ['PE/PP nonwoven|GMA', GMA_EMULSION_ON_PE],
  ['PP nonwoven|GMA', PP_GMA],
  ['ETFE|styrene', STYRENE_ON_ETFE],
  ['ETFE|VBC', VBC_ON_ETFE],
  ['FEP|styrene', FEP_STYRENE],
  ['PTFE|styrene', PTFE_STYRENE],
  ['PE/PP nonwoven|VBTAC', PE_VBTAC],
]);
