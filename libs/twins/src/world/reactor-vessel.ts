import type { ReagentCharge } from './lab-world';
import { WORLD_CONSTANTS } from './world.constants';

/** Contents and headspace of a station's reactor vessel. */
export interface Vessel {
  volumeMl: number;
  /** Monomer of the solution ('' = solvent only, 'mixed' = several monomers: no model). */
  monomer: string;
  concentrationWtPct: number;
  medium: string;
  o2Ppm: number;
}

/** An empty vessel open to air. */
export function emptyVessel(): Vessel {
  return { volumeMl: 0, monomer: '', concentrationWtPct: 0, medium: '', o2Ppm: WORLD_CONSTANTS.airO2Ppm };
}

/**
 * Adds (or, negative, withdraws) dispensed liquid of a charge. The first liquid sets the composition;
 * more mixes by volume, and a second monomer makes a system the model does not know.
 */
export function addLiquid(v: Vessel, charge: ReagentCharge | undefined, volumeMl: number): void {
  const monomer = charge?.monomer ?? 'unknown';
  const c = charge?.concentrationWtPct ?? 0;
  const total = v.volumeMl + volumeMl;
  if (total <= 1e-9) {
    v.volumeMl = 0;
    return;
  }
  if (volumeMl > 0) {
    if (v.volumeMl <= 1e-9) {
      v.monomer = monomer;
      v.medium = charge?.medium ?? 'unknown';
      v.concentrationWtPct = c;
    } else {
      if (monomer && v.monomer && monomer !== v.monomer) v.monomer = 'mixed';
      else v.monomer ||= monomer;
      v.concentrationWtPct = (v.concentrationWtPct * v.volumeMl + c * volumeMl) / total;
    }
  }
  v.volumeMl = total;
}

/** Liquid drained; the medium is remembered (the vessel is not cleaned). */
export function drain(v: Vessel): void {
  v.volumeMl = 0;
  v.monomer = '';
  v.concentrationWtPct = 0;
}

/** Headspace O₂ over dtMs: a gas flow flushes it down to the N₂ floor, without flow air leaks back in. */
export function relaxO2(v: Vessel, flowSccm: number, dtMs: number): void {
  if (flowSccm > 0) {
    const k = flowSccm / WORLD_CONSTANTS.purgeVolumeMl / 60_000; // per lab ms
    const floor = WORLD_CONSTANTS.n2FloorPpm;
    v.o2Ppm = floor + (v.o2Ppm - floor) * Math.exp(-k * dtMs);
  } else {
    const air = WORLD_CONSTANTS.airO2Ppm;
    v.o2Ppm = air + (v.o2Ppm - air) * Math.exp(-dtMs / WORLD_CONSTANTS.ingressTauMs);
  }
}
