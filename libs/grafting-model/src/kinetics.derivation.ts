import type { KineticParams } from './kinetics.types';
import { findBasePolymer, findMonomer } from './materials.lookup';
import type { BasePolymer, GraftingMedium, Monomer, PolymerForm } from './materials.types';
import { GMA_EMULSION_ON_PE, STYRENE_ON_ETFE } from './systems';

export type KineticTemplateKind = 'emulsion' | 'solution' | 'aqueous';

/**
 * Aqueous grafting (AA with Mohr's salt on PE/PP nonwoven) [A]: no anchor was found, so the rate is chosen to
 * give DG ≈ 100 % in a few hours at 20 wt%, 50 °C, and homopolymer takes over around 25 wt% (reference §2.6:
 * C_h ≈ 20–30 wt% for AA).
 */
export const AQUEOUS_ON_PE: KineticParams = {
  ...GMA_EMULSION_ON_PE,
  k: 100,
  eaJPerMol: 35e3,
  tRefC: 50,
  cRefWtPct: 20,
  tauRefH: 1.5,
  cHWtPct: 25,
};

export interface KineticTemplate {
  readonly polymer: string;
  readonly monomer: string;
  readonly params: KineticParams;
}

/**
 * Each medium grafts like one fitted system, scaled by descriptor ratios. The emulsion template is the §2.6
 * fit, whose anchor (135 % at 2 h) is the 4-HB glycidyl ether on PE/PP nonwoven; the solvent template is the
 * styrene/VBC on ETFE fit (≈100 % at 50 kGy, 8 h).
 */
export const KINETIC_TEMPLATES: Readonly<Record<KineticTemplateKind, KineticTemplate>> = {
  emulsion: { polymer: 'PE/PP nonwoven', monomer: '4-HB', params: GMA_EMULSION_ON_PE },
  solution: { polymer: 'ETFE', monomer: 'styrene', params: STYRENE_ON_ETFE },
  aqueous: { polymer: 'PE/PP nonwoven', monomer: 'AA', params: AQUEOUS_ON_PE },
};

export function templateKind(medium: GraftingMedium): KineticTemplateKind {
  switch (medium) {
    case 'water-emulsion':
      return 'emulsion';
    case 'water':
      return 'aqueous';
    case 'toluene':
    case 'IPA/MeOH':
      return 'solution';
  }
}

/** Surface a monomer reaches per mass, relative to a film (fibres of a nonwoven are thinner than most films) [A]. */
const FORM_ACCESS: Readonly<Record<PolymerForm, number>> = { film: 1, nonwoven: 1.3, fibre: 1, powder: 1.5 };

/** Alfrey–Price polarity of the polymer's radical: fluorinated chains are electron-poor [A]. */
export const radicalPolarity = (p: BasePolymer) => (p.fluorinated ? 0.6 : -0.2);

/**
 * Share of the monomer that reaches the polymer's amorphous phase: a logistic in logP around a threshold set by
 * the polymer's polarity (a polar polymer such as PVDF takes up more hydrophilic monomer) [A]. Salts such as
 * VBTAC stay in the water, which is why VBTAC does not graft on PE by itself [S].
 */
export function monomerPartition(p: BasePolymer, m: Monomer): number {
  const threshold = -0.3 - 0.15 * (p.solubilityParameter - 16);
  return 1 / (1 + Math.exp(-(m.logP - threshold) / 0.4));
}

/** The natural-log terms of the initial grafting rate, so each can be inspected. */
export interface RateTerms {
  /** ln G(R): radicals made per dose. */
  readonly radicals: number;
  /** ln(1 − crystallinity): grafting happens in the amorphous phase [S]. */
  readonly amorphous: number;
  readonly form: number;
  /** −(Tg − (T_ref + 60 °C))₊/40 °C: a matrix far below its Tg slows monomer diffusion [A]. */
  readonly glass: number;
  /** 0.25·ln k_p + 0.5·ln Q [A]. */
  readonly reactivity: number;
  /** −e_radical·e_monomer (Alfrey–Price cross-propagation). */
  readonly polarity: number;
  readonly partition: number;
}

export function rateTerms(p: BasePolymer, m: Monomer, tRefC: number): RateTerms {
  return {
    radicals: Math.log(p.radicalYield),
    amorphous: Math.log(1 - p.crystallinity),
    form: Math.log(FORM_ACCESS[p.form]),
    glass: -Math.max(0, p.tgC - (tRefC + 60)) / 40,
    reactivity: 0.25 * Math.log(m.kpRelative) + 0.5 * Math.log(m.q),
    polarity: -radicalPolarity(p) * m.e,
    partition: Math.log(monomerPartition(p, m)),
  };
}

const sumTerms = (t: RateTerms) => Object.values(t).reduce((s: number, v: number) => s + v, 0);

/**
 * Dose at which the radical yield saturates: crosslinking spends radicals (earlier saturation), scission and
 * fluorinated chains keep them (later) [A]. Equal to the §2.6 values for ETFE (150 kGy) and PE/PP nonwoven (100).
 */
export function saturationDoseKGy(p: BasePolymer): number {
  const [dRef, responseRef] = p.fluorinated ? [150, 0.5] : [100, 0.4];
  return Math.min(200, Math.max(50, dRef * Math.exp(-0.4 * (p.radiationResponse - responseRef))));
}

/** DG above which the substrate ruptures: fabrics hold far more graft than films; brittle fluoropolymer films least [A]. */
export function ruptureDgPct(p: BasePolymer): number {
  switch (p.form) {
    case 'nonwoven':
      return 400;
    case 'fibre':
      return 300;
    case 'powder':
      return 1000;
    case 'film':
      return Math.min(225, Math.max(150, 175 + 50 * p.radiationResponse));
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`catalogue has no ${what}`);
  return value;
}

/**
 * Ground-truth kinetic parameters of any catalogue pair from descriptors: the medium's template, with the rate
 * scaled by exp(Σ rate terms − Σ template terms) and the site lifetime by (τ_c/τ_c,template)^¼ (radicals that
 * survive storage also survive longer in the bath) [A]. Radical storage, saturation dose, thickness exponent and
 * rupture DG come from the polymer; α from the monomer. The templates themselves come out unchanged. A monomer
 * grafted from another medium than its usual one (VBC from an aqueous emulsion rather than toluene) takes that
 * medium's template: emulsion grafting reaches high DG at a few wt%, a solution needs tens of wt% [S qual.].
 */
export function derivedKinetics(
  p: BasePolymer,
  m: Monomer,
  medium: GraftingMedium = m.standardMedium,
): KineticParams {
  const template = KINETIC_TEMPLATES[templateKind(medium)];
  const t = template.params;
  const tp = required(findBasePolymer(template.polymer), `polymer ${template.polymer}`);
  const tm = required(findMonomer(template.monomer), `monomer ${template.monomer}`);
  const lnRate = sumTerms(rateTerms(p, m, t.tRefC)) - sumTerms(rateTerms(tp, tm, t.tRefC));
  const r = p.trappedRadicals;
  return {
    ...t,
    rSat: (t.rSat * p.radicalYield) / tp.radicalYield,
    dSatKGy: saturationDoseKGy(p),
    fCrystalline: r.crystallineFraction,
    tauCrystallineH: r.tauCrystallineH,
    tauAmorphousH: r.tauAmorphousH,
    k: t.k * Math.exp(lnRate),
    alpha: m.alpha,
    gammaL: p.form === 'film' ? 1 : 0,
    tauRefH: t.tauRefH * Math.pow(r.tauCrystallineH / tp.trappedRadicals.tauCrystallineH, 0.25),
    dgFailPct: ruptureDgPct(p),
  };
}
