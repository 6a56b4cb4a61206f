import type { AgeingTest } from '@graftlab/grafting-model';

/** The reactions a film can be put through after grafting (the protocol's functionalize step). */
export type PostGraftingReaction = 'sulfonation' | 'amination' | 'quaternization' | 'hydrolysis';

/** What a film went through after grafting: which reaction, and how far it went (0–1 of the catalogue's x_f). */
export interface Functionalization {
  readonly reaction: PostGraftingReaction;
  readonly completeness: number;
}

/** Hours a film spent in one ageing test, already scaled by the film's own durability scatter. */
export interface AgeingExposure {
  readonly test: AgeingTest;
  hours: number;
}

/**
 * Time constant of each reaction at its usual bench temperature, h, and an activation energy for other
 * temperatures [A]: chlorosulfonic acid sulfonates a styrene graft within a few hours at room temperature, 45 wt%
 * trimethylamine quaternizes a VBC graft overnight, ethylenediamine opens GMA's epoxides in about an hour at
 * 60 °C, hydrolysis of esters likewise.
 */
const KINETICS: Readonly<Record<PostGraftingReaction, { tauH: number; atC: number }>> = {
  sulfonation: { tauH: 2, atC: 25 },
  quaternization: { tauH: 4, atC: 25 },
  amination: { tauH: 1, atC: 60 },
  hydrolysis: { tauH: 2, atC: 60 },
};
const EA_J_PER_MOL = 50e3;
const R = 8.314;

/** How far a reaction goes in timeH at temperatureC: 1 − exp(−t/τ(T)), τ Arrhenius around the bench figure. */
export function reactionCompleteness(
  reaction: PostGraftingReaction,
  temperatureC: number,
  timeH: number,
): number {
  const k = KINETICS[reaction];
  const tau = k.tauH * Math.exp((EA_J_PER_MOL / R) * (1 / (temperatureC + 273.15) - 1 / (k.atC + 273.15)));
  return 1 - Math.exp(-Math.max(0, timeH) / tau);
}

/**
 * Adds a treatment to what the film went through: a second treatment with the same reaction converts part of what
 * the first left; another reaction (the hydrolysis after a sulfonation) leaves the first one's groups in place.
 */
export function combine(before: Functionalization[], next: Functionalization): void {
  const same = before.findIndex((f) => f.reaction === next.reaction);
  if (same < 0) before.push(next);
  else
    before[same] = {
      reaction: next.reaction,
      completeness: 1 - (1 - before[same].completeness) * (1 - next.completeness),
    };
}
