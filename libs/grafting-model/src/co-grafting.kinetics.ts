import { graftingOutcome } from './kinetics.model';
import type { KineticParams } from './kinetics.types';

export interface KineticsShare {
  readonly params: KineticParams;
  /** Mole fraction of the graft. */
  readonly fraction: number;
}

/**
 * Kinetics of a co-graft from its monomers' (assumed: no reactivity ratios, the graft has the feed's
 * composition). Each monomer's rate and site lifetime are first taken at the main monomer's reference
 * conditions, then the rate is averaged geometrically and everything else arithmetically by mole fraction.
 * The medium (homopolymer break-up) and the reference conditions are the main (first) monomer's; the rupture
 * DG is the lowest.
 */
export function combineKinetics(shares: readonly KineticsShare[]): KineticParams {
  if (shares.length === 0) throw new Error('no kinetics to combine');
  if (shares.length === 1) return shares[0].params;
  const main = shares[0].params;
  const total = shares.reduce((s, x) => s + x.fraction, 0);
  const atMainReference = shares.map(({ params, fraction }) => {
    const o = graftingOutcome(
      {
        doseKGy: main.dRefKGy,
        storageH: 0,
        storageTempC: 25,
        concentrationWtPct: main.cRefWtPct,
        temperatureC: main.tRefC,
        timeH: 1,
        thicknessUm: 25,
        o2Fraction: 0,
      },
      params,
    );
    return { params, w: fraction / total, k: o.initialRatePctPerH, tau: o.tauH };
  });
  const mean = (f: (p: KineticParams) => number) =>
    atMainReference.reduce((s, x) => s + x.w * f(x.params), 0);
  return {
    ...main,
    rSat: mean((p) => p.rSat),
    dSatKGy: mean((p) => p.dSatKGy),
    fCrystalline: mean((p) => p.fCrystalline),
    tauCrystallineH: mean((p) => p.tauCrystallineH),
    tauAmorphousH: mean((p) => p.tauAmorphousH),
    edJPerMol: mean((p) => p.edJPerMol),
    kO2: mean((p) => p.kO2),
    tInd0H: mean((p) => p.tInd0H),
    k: Math.exp(atMainReference.reduce((s, x) => s + x.w * Math.log(x.k), 0)),
    eaJPerMol: mean((p) => p.eaJPerMol),
    alpha: mean((p) => p.alpha),
    beta: mean((p) => p.beta),
    gammaL: mean((p) => p.gammaL),
    tauRefH: atMainReference.reduce((s, x) => s + x.w * x.tau, 0),
    eTauJPerMol: mean((p) => p.eTauJPerMol),
    dgFailPct: Math.min(...shares.map((x) => x.params.dgFailPct)),
  };
}
