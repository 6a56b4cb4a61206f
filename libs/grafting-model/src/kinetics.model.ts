import type { GraftingConditions, GraftingOutcome, KineticParams } from './kinetics.types';

const R = 8.314;
const KELVIN = 273.15;

/**
 * Arrhenius factor of radical lifetimes at a storage temperature, relative to 25 °C (reference §2.6
 * eq. 2): colder storage keeps radicals longer. The virtual lab applies it piecewise along a film's history.
 */
export function radicalLifetimeScale(storageTempC: number, p: KineticParams): number {
  return Math.exp((p.edJPerMol / R) * (1 / (storageTempC + KELVIN) - 1 / 298.15));
}

/** Homopolymer / emulsion factor H(C): 1 below the break-up concentration, falling above it. */
export function homopolymerFactor(concentrationWtPct: number, p: KineticParams): number {
  return Number.isFinite(p.cHWtPct) ? 1 / (1 + Math.pow(concentrationWtPct / p.cHWtPct, p.nH)) : 1;
}

/**
 * Closed-form RIGP model (reference §2.6, equations 1-6):
 * radicals made by the dose, decayed in storage, scavenged by oxygen; an Arrhenius/power-law initial rate
 * and a first-order loss of active sites give DG(t) = Rp0·τ·(1 − exp(−(t − t_ind)/τ))·H(C).
 */
export function graftingOutcome(c: GraftingConditions, p: KineticParams): GraftingOutcome {
  const airFactor = c.atmosphere === 'air' ? 3 : 1; // lifetimes ÷2…4 in air (reference §2.6 eq. 2)
  const r0 = p.rSat * (1 - Math.exp(-c.doseKGy / p.dSatKGy));
  const storageScale = radicalLifetimeScale(c.storageTempC, p);
  const rs =
    r0 *
    (p.fCrystalline * Math.exp(-c.storageH / ((p.tauCrystallineH * storageScale) / airFactor)) +
      (1 - p.fCrystalline) * Math.exp(-c.storageH / ((p.tauAmorphousH * storageScale) / airFactor)));
  const rEff = Math.max(0, rs * (1 - p.kO2 * c.o2Fraction));
  const tInd = p.tInd0H * c.o2Fraction;
  const rRef = p.rSat * (1 - Math.exp(-p.dRefKGy / p.dSatKGy));
  const tK = c.temperatureC + KELVIN;
  const tRefK = p.tRefC + KELVIN;
  const rp0 =
    p.k *
    Math.exp((-p.eaJPerMol / R) * (1 / tK - 1 / tRefK)) *
    Math.pow(Math.max(c.concentrationWtPct, 0) / p.cRefWtPct, p.alpha) *
    Math.pow(rEff / rRef, p.beta) *
    Math.pow(c.thicknessUm / 25, -p.gammaL);
  const tau = p.tauRefH * Math.exp((p.eTauJPerMol / R) * (1 / tK - 1 / tRefK));
  const effective = Math.max(0, c.timeH - tInd);
  const h = homopolymerFactor(c.concentrationWtPct, p);
  return { dgPct: rp0 * tau * (1 - Math.exp(-effective / tau)) * h, initialRatePctPerH: rp0, tauH: tau };
}
