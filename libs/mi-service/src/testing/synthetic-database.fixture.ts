import { importSamples, MaterialsRepository, type Db } from '@graftlab/db';
import { createRng } from '@graftlab/grafting-model';

/**
 * A small MI database for the service's tests: grafts of five monomers on two base polymers from alliance records
 * and the literature, with a degree of grafting and a water uptake that follow the monomers' descriptors (invented
 * numbers, shapes loosely after the grafting reference), and a sixth monomer that is in the database but was never
 * grafted.
 */
export const SYNTHETIC_MONOMERS = [
  { name: 'M-a', polarizability: 0.1, hydrophilicity: 0.2 },
  { name: 'M-b', polarizability: 0.3, hydrophilicity: 0.8 },
  { name: 'M-c', polarizability: 0.5, hydrophilicity: 0.4 },
  { name: 'M-d', polarizability: 0.7, hydrophilicity: 0.9 },
  { name: 'M-e', polarizability: 0.9, hydrophilicity: 0.3 },
] as const;
/** Never grafted: its descriptors place it between M-d and M-e. */
export const UNSEEN_MONOMER = { name: 'M-new', polarizability: 0.8, hydrophilicity: 0.5 } as const;
export const SYNTHETIC_POLYMERS = [
  { name: 'PX', radicalYield: 0.4 },
  { name: 'PY', radicalYield: 0.9 },
] as const;

export interface SyntheticConditions {
  readonly doseKGy: number;
  readonly concentrationWtPct: number;
  readonly temperatureC: number;
  readonly timeH: number;
}

/** True degree of grafting, %. */
export function syntheticDg(polarizability: number, radicalYield: number, c: SyntheticConditions): number {
  return (
    8 *
    (1 + 3 * polarizability) *
    (0.5 + radicalYield) *
    Math.sqrt(c.doseKGy / 10) *
    (c.concentrationWtPct / 20) ** 0.8 *
    (1 - Math.exp(-c.timeH / 3)) *
    Math.exp(-(((c.temperatureC - 60) / 30) ** 2))
  );
}

/** True water uptake, %: grows with DG, more for a hydrophilic graft. */
export function syntheticWaterUptake(dg: number, hydrophilicity: number): number {
  return 0.8 * dg * (0.2 + hydrophilicity);
}

const HEADER = [
  'sample_id',
  'origin',
  'doi',
  'base_polymer',
  'bp_radicalYield',
  'monomer',
  'mon_polarizability',
  'mon_hydrophilicity',
  'monomer_concentration',
  'monomer_concentration_unit',
  'dose_kGy',
  'param_graftTemperature',
  'param_graftTime',
  'degreeOfGrafting',
  'degreeOfGrafting_u',
  'water_uptake_pct',
  'water_uptake_pct_u',
];

/** Imports `perSystem` grafts of every synthetic system (5 % scatter, stated as the uncertainty). */
export async function seedSyntheticDatabase(db: Db, perSystem = 8, seed = 'mi-service'): Promise<number> {
  const rng = createRng(seed);
  const rows: string[] = [HEADER.join(',')];
  let n = 0;
  for (const p of SYNTHETIC_POLYMERS) {
    for (const m of SYNTHETIC_MONOMERS) {
      for (let i = 0; i < perSystem; i++) {
        const c: SyntheticConditions = {
          doseKGy: Math.exp(rng.uniform(Math.log(10), Math.log(80))),
          concentrationWtPct: Math.exp(rng.uniform(Math.log(5), Math.log(50))),
          temperatureC: rng.uniform(40, 80),
          timeH: Math.exp(rng.uniform(Math.log(1), Math.log(12))),
        };
        const dg = syntheticDg(m.polarizability, p.radicalYield, c) * (1 + rng.normal(0, 0.05));
        const wu = syntheticWaterUptake(dg, m.hydrophilicity) * (1 + rng.normal(0, 0.05));
        const literature = i % 3 === 0;
        const r = (x: number) => x.toFixed(3);
        rows.push(
          [
            `syn-${p.name}-${m.name}-${i}`,
            literature ? 'literature' : 'alliance-history',
            literature ? `10.5555/syn.${n}` : '',
            p.name,
            p.radicalYield,
            m.name,
            m.polarizability,
            m.hydrophilicity,
            r(c.concentrationWtPct),
            'wt%',
            r(c.doseKGy),
            r(c.temperatureC),
            r(c.timeH),
            r(dg),
            r(0.05 * dg),
            r(wu),
            r(0.05 * wu),
          ].join(','),
        );
        n++;
      }
    }
  }
  const report = await importSamples(db, rows.join('\n'));
  if (!report.ok) throw new Error(`synthetic import refused: ${JSON.stringify(report.rejected.slice(0, 3))}`);
  await new MaterialsRepository(db).addMonomer({
    name: UNSEEN_MONOMER.name,
    descriptors: {
      polarizability: UNSEEN_MONOMER.polarizability,
      hydrophilicity: UNSEEN_MONOMER.hydrophilicity,
    },
  });
  return n;
}
