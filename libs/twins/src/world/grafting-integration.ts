import {
  graftingOutcome,
  homopolymerFactor,
  kineticsFor,
  radicalLifetimeScale,
  type GraftingConditions,
  type GraftingMedium,
  type KineticParams,
} from '@graftlab/grafting-model';
import type { InventoryLocation } from '@graftlab/inventory';
import type { PhysicalSample } from './physical-sample';
import type { Vessel } from './reactor-vessel';
import { MS_PER_H, WORLD_CONSTANTS } from './world.constants';

/** Reaction state of a film in monomer solution. */
export interface Grafting {
  readonly params: KineticParams;
  readonly base: Omit<GraftingConditions, 'temperatureC' | 'timeH'>;
  readonly vessel: string;
  /** Homopolymer / emulsion factor H(C), fixed by the concentration at contact. */
  readonly h: number;
  inductionLeftH: number;
  /** Fraction of active sites left (first-order loss with τ(T)). */
  active: number;
  dgTruePct: number;
}

/**
 * First contact with monomer solution: a handling failure shows now, and for a known polymer/monomer
 * system the reaction starts from the radicals the film kept through its storage and the vessel's O₂.
 */
export function startContact(
  s: PhysicalSample,
  v: Readonly<Vessel>,
  now: number,
  temperatureAt: (location: string) => number,
): void {
  s.contacted = true;
  s.graftMonomer = v.monomer;
  if (s.noise.handlingFails) {
    s.failedReason = 'handling failure: film damaged in transfer';
    s.fragmentLost = s.noise.fragment;
  }
  // Every catalogue system grafts by its own physics; a substrate or monomer the catalogue lacks does not.
  const params = kineticsFor(s.basePolymer, v.monomer, { medium: graftingMedium(v.medium) });
  if (!params) return; // unknown polymer/monomer system: no grafting
  const o2Fraction = Math.min(1, v.o2Ppm / WORLD_CONSTANTS.airO2Ppm);
  s.grafting = {
    params,
    vessel: s.location,
    h: homopolymerFactor(v.concentrationWtPct, params),
    base: {
      doseKGy: s.doseKGy,
      storageH: equivalentStorageH(s, params, now, temperatureAt),
      storageTempC: 25,
      concentrationWtPct: v.concentrationWtPct,
      thicknessUm: s.thicknessUm,
      o2Fraction,
    },
    inductionLeftH: params.tInd0H * o2Fraction,
    active: 1,
    dgTruePct: 0,
  };
}

/** The model's medium for what the operator charged: an emulsion, a solvent, water; else the monomer's usual. */
function graftingMedium(medium: string): GraftingMedium | undefined {
  const m = medium.toLowerCase();
  if (m.includes('emulsion')) return 'water-emulsion';
  if (m === 'water' || m === 'aqueous') return 'water';
  if (m === 'toluene' || m === 'bulk') return 'toluene';
  if (m.includes('ipa') || m.includes('methanol') || m.includes('meoh')) return 'IPA/MeOH';
  return undefined;
}

/** Storage between irradiation and contact as hours at 25 °C (Arrhenius-scaled by where the film sat). */
function equivalentStorageH(
  s: PhysicalSample,
  p: KineticParams,
  now: number,
  temperatureAt: (location: string) => number,
): number {
  if (s.irradiatedAt === undefined) return 0;
  let hours = 0;
  s.history.forEach((h, i) => {
    const from = Math.max(h.since, s.irradiatedAt!);
    const to = i + 1 < s.history.length ? s.history[i + 1].since : now;
    if (to > from) hours += (to - from) / MS_PER_H / radicalLifetimeScale(temperatureAt(h.location), p);
  });
  return hours;
}

/**
 * dDG/dt = Rp0(T)·H·A, dA/dt = −A/τ(T), after the O₂ induction time (§2.6 eq. 4-6). The O₂ term follows the
 * vessel as it is purged: a film that met the solution under air and was then blanketed grafts at the rate of
 * the gas it now sits under (the solution itself arrives degassed), rather than carrying its first minute along.
 */
export function graftStep(
  s: PhysicalSample,
  g: Grafting,
  dtH: number,
  temperatureC: number,
  o2Fraction?: number,
): void {
  const induction = Math.min(g.inductionLeftH, dtH);
  g.inductionLeftH -= induction;
  const t = dtH - induction;
  if (t <= 0) return;
  const base = o2Fraction === undefined ? g.base : { ...g.base, o2Fraction };
  const o = graftingOutcome({ ...base, temperatureC, timeH: t }, g.params);
  const e = Math.exp(-t / o.tauH);
  g.dgTruePct += o.initialRatePctPerH * g.h * o.tauH * g.active * (1 - e);
  g.active *= e;
  s.dgTruePct = g.dgTruePct;
  if (g.dgTruePct > g.params.dgFailPct && !s.failedReason)
    s.failedReason = `film ruptured (DG ${g.dgTruePct.toFixed(0)} % > ${g.params.dgFailPct} %)`;
  // The film's own scatter and the lot's radical yield (∝ R^β) make replicate films differ.
  const dg =
    g.dgTruePct * (1 + s.noise.cv) * Math.pow(s.lotYield, g.params.beta) +
    s.noise.abs * (1 - Math.exp(-g.dgTruePct / 5));
  s.graftedMassG = (s.initialMassG * Math.max(0, dg)) / 100;
}

/** Solvent held by a film: topped up while it soaks or is washed, else evaporating (fast in the dryer). */
export function dryStep(
  s: PhysicalSample,
  locationKind: InventoryLocation['kind'] | undefined,
  soaking: boolean,
  dtMs: number,
): void {
  if (soaking || locationKind === 'wash') {
    s.soak();
  } else if (s.volatileG > 0) {
    const tau = locationKind === 'dryer' ? WORLD_CONSTANTS.dryerTauMs : WORLD_CONSTANTS.roomDryTauMs;
    s.volatileG *= Math.exp(-dtMs / tau);
    if (s.volatileG < 1e-7) s.volatileG = 0;
  }
}
