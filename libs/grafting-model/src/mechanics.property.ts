import type { BasePolymer, PolymerForm } from './materials.types';

/** Below this elongation at break the substrate counts as failed (too brittle to handle) [A]. */
export const MIN_ELONGATION_PCT: Readonly<Record<PolymerForm, number>> = {
  film: 10,
  nonwoven: 5,
  fibre: 1,
  powder: 0,
};

/**
 * Elongation at break, % (reference §2.7): ε = ε_b0·exp(−D/D_mech)/(1 + DG/DG_mech): chain scission by the
 * pre-irradiation dose (PTFE and FEP most sensitive, PE least) and stiffening by the graft.
 */
export function elongationAtBreakPct(p: BasePolymer, doseKGy: number, dgPct: number): number {
  const m = p.mechanics;
  return (
    (m.elongationPct * Math.exp(-Math.max(0, doseKGy) / m.dMechKGy)) / (1 + Math.max(0, dgPct) / m.dgMechPct)
  );
}
