import type { Rng } from '@graftlab/grafting-model';
import type { BasePolymer, MaterialQuery, MaterialSystem, Monomer, TrainingRecord } from '../record.types';

/**
 * A synthetic family of grafting systems whose responses depend on descriptors, for the tests: eight monomers
 * (polarizability a, an O-atom shift b) and three base polymers (radical yield r, crystallinity c). Shapes follow
 * the grafting-domain reference loosely (power laws in dose and concentration, a temperature optimum, a
 * saturating time course); the numbers are invented.
 */
export const MONOMERS: readonly Monomer[] = [0.05, 0.18, 0.32, 0.45, 0.58, 0.7, 0.83, 0.95].map((a, i) => ({
  id: `M${i}`,
  descriptors: { polarizability: a, oShift: (0.3 + 0.6 * ((i * 5) % 8)) / 8 + 0.1 },
}));

export const BASES: readonly BasePolymer[] = [
  { id: 'ETFE', descriptors: { radicalYield: 0.4, crystallinity: 0.35 } },
  { id: 'PE', descriptors: { radicalYield: 0.9, crystallinity: 0.6 } },
  { id: 'FEP', descriptors: { radicalYield: 0.25, crystallinity: 0.5 } },
];

export function systemOf(base: BasePolymer, monomer: Monomer): MaterialSystem {
  return { basePolymer: base, monomers: [{ ...monomer, fraction: 1 }] };
}

const descriptor = (q: MaterialQuery, name: string) =>
  q.system.monomers.reduce((s, m) => s + m.fraction * m.descriptors[name], 0) /
  q.system.monomers.reduce((s, m) => s + m.fraction, 0);

/** True degree of grafting, %. */
export function trueDg(q: MaterialQuery): number {
  const a = descriptor(q, 'polarizability');
  const b = descriptor(q, 'oShift');
  const r = q.system.basePolymer.descriptors.radicalYield;
  const c = q.system.basePolymer.descriptors.crystallinity;
  const { doseKGy } = q.irradiation;
  const { temperatureC: T, timeH: t, concentrationWtPct: C } = q.conditions;
  const reactivity = 3 + 1.5 * a - 1.2 * b * b + 0.8 * r;
  const dose = (0.5 + 0.3 * c) * Math.log(doseKGy / 30);
  const temperature = -(((T - (40 + 30 * b)) / 25) ** 2);
  const tau = 2 + 4 * a;
  const time = Math.log(1 - Math.exp(-t / tau));
  return Math.exp(reactivity + dose + temperature + time + 0.8 * Math.log(C / 20));
}

/** True water uptake, %: grows with DG, more for a high O-atom shift (a more hydrophilic graft). */
export function trueWaterUptake(q: MaterialQuery): number {
  return 0.9 * trueDg(q) * (0.4 + descriptor(q, 'oShift'));
}

export function randomConditions(system: MaterialSystem, rng: Rng): MaterialQuery {
  return {
    system,
    irradiation: {
      method: 'pre-irradiation',
      source: 'gamma',
      atmosphere: 'inert',
      doseKGy: Math.exp(rng.uniform(Math.log(10), Math.log(100))),
    },
    conditions: {
      concentrationWtPct: Math.exp(rng.uniform(Math.log(5), Math.log(50))),
      temperatureC: rng.uniform(25, 80),
      timeH: Math.exp(rng.uniform(Math.log(0.5), Math.log(24))),
    },
  };
}

/** Noisy records (5 % relative scatter, reported as the uncertainty) of a property at random conditions. */
export function recordsFor(
  systems: readonly MaterialSystem[],
  perSystem: number,
  rng: Rng,
  property: 'dg' | 'waterUptake' = 'dg',
  prefix = 'r',
): TrainingRecord[] {
  const truth = property === 'dg' ? trueDg : trueWaterUptake;
  return systems.flatMap((system, s) =>
    Array.from({ length: perSystem }, (_, i) => {
      const q = randomConditions(system, rng);
      const value = truth(q) * (1 + rng.normal(0, 0.05));
      return {
        ...q,
        id: `${prefix}-${property}-${s}-${i}`,
        systemId: `${system.basePolymer.id}|${system.monomers[0].id}`,
        property,
        unit: '%',
        value,
        uncertainty: 0.05 * value,
        source: 'history' as const,
      };
    }),
  );
}
