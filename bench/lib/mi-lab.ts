/**
 * The virtual lab as the MI model sees it, shared by the MI benchmarks (ranking, warm start, Pareto): catalogue
 * systems as MI material systems (descriptors from the catalogue), conditions as material queries, measured films
 * as training records, the same properties noise-free from the ground truth, condition grids, and the order
 * statistics the benchmarks summarize seeds with.
 */
import {
  BASE_POLYMERS,
  CONCENTRATION_RANGES,
  CO_MONOMERS,
  MONOMERS,
  STANDARD_RANGES,
  findCoMonomer,
  resolveRecipe,
  monomerDescriptors,
  observe,
  polymerDescriptors,
  sampleConditions,
  type MaterialSystem as LabSystem,
  type MembraneProperties,
  type RecipeConditions,
  type Rng,
  type WorldChoice,
} from '@graftlab/grafting-model';
import type {
  DataSource,
  MiModelOptions,
  MaterialQuery,
  MaterialSystem,
  TrainingRecord,
  TransformKind,
} from '@graftlab/mi-model';

export type { LabSystem };

/** What the MI benchmarks need of a system: its pair, medium and condition ranges. */
export type SystemRef = Pick<LabSystem, 'basePolymer' | 'monomer' | 'medium' | 'ranges'>;

/** What the lab measures on a film, with the MI model's property names. */
export const MI_PROPERTIES = ['dg', 'iec', 'waterUptake', 'conductivity', 'conductivityRetained'] as const;
export type MiProperty = (typeof MI_PROPERTIES)[number];

export const UNITS: Readonly<Record<MiProperty, string>> = {
  dg: '%',
  iec: 'mmol/g',
  waterUptake: '%',
  conductivity: 'mS/cm',
  conductivityRetained: '1',
};

/** Conductivity is measured in water at 80 °C; durability as σ retained after 500 h in 1 M KOH at 80 °C. */
export const CONDUCTIVITY_AT_C = 80;
export const AGEING_H = 500;

/** IEC and conductivity are 0 on films without exchange groups or below percolation: log1p keeps them. */
export const MI_TRANSFORMS: Readonly<Record<string, TransformKind>> = { iec: 'log1p', conductivity: 'log1p' };

/**
 * Fit settings of the MI benchmarks' database models: one likelihood start, hyperparameters on 200-record subsets
 * and 200 inducing points (library defaults: 3, 300 and 500, about 7× slower). On ranking seeds 1–4 the defaults
 * moved single seeds' figures both ways (coverage within 4 points; a recall up on one seed, down on two), not the
 * picture.
 */
export const BENCH_GP: MiModelOptions['gp'] = { starts: 1, maxFitPoints: 200, maxInducing: 200 };

export const systemIdOf = (s: { basePolymer: string; monomer: string }) => `${s.basePolymer}|${s.monomer}`;

/** The catalogue monomers a system's graft is made of (a co-monomer's components). */
export function monomersOf(monomer: string): string[] {
  return findCoMonomer(monomer)?.components.map((c) => c.monomer) ?? [monomer];
}

/**
 * Every catalogue polymer × monomer or co-monomer, grafting or not, with the virtual lab's standard ranges and
 * its medium's concentrations (what a ranking may propose).
 */
export function catalogueSystems(): SystemRef[] {
  const monomers = [...MONOMERS.map((m) => m.id), ...CO_MONOMERS.map((c) => c.id)];
  return BASE_POLYMERS.flatMap((p) =>
    monomers.map((monomer) => {
      const medium = resolveRecipe({ basePolymer: p.id, monomers: monomer }).parts[0].monomer.standardMedium;
      return {
        basePolymer: p.id,
        monomer,
        medium,
        ranges: { ...STANDARD_RANGES, concentrationWtPct: CONCENTRATION_RANGES[medium] },
      };
    }),
  );
}

const systems = new Map<string, MaterialSystem>();

/**
 * A catalogue pair as an MI material system. A co-monomer is one graft with its own descriptors (the recipe's
 * chemistry decides which units carry sites), not a mixture of its monomers' single-monomer descriptors.
 */
export function miSystem(basePolymer: string, monomer: string): MaterialSystem {
  const key = systemIdOf({ basePolymer, monomer });
  let s = systems.get(key);
  if (!s) {
    s = {
      basePolymer: { id: basePolymer, descriptors: polymerDescriptors(basePolymer) },
      monomers: [{ id: monomer, fraction: 1, descriptors: monomerDescriptors(monomer) }],
    };
    systems.set(key, s);
  }
  return s;
}

/** A film of the system made under the conditions (pre-irradiated by γ under inert gas, as the virtual lab does). */
export function labQuery(s: SystemRef, c: RecipeConditions): MaterialQuery {
  return {
    system: miSystem(s.basePolymer, s.monomer),
    irradiation: { method: 'pre-irradiation', source: 'gamma', atmosphere: 'inert', doseKGy: c.doseKGy },
    conditions: {
      concentrationWtPct: c.concentrationWtPct,
      temperatureC: c.temperatureC,
      timeH: c.timeH,
      medium: s.medium,
    },
  };
}

/**
 * The properties the lab measures on a film (true or observed): DG, IEC (0 without exchange groups), water
 * uptake, conductivity at 80 °C (0 on an insulator) and, where the film carries a mobile ion, σ retained after
 * 500 h.
 */
export function filmValues(
  film: Pick<
    MembraneProperties,
    | 'dgPct'
    | 'iecMmolPerG'
    | 'waterUptakePct'
    | 'ion'
    | 'group'
    | 'conductivityMsPerCm'
    | 'conductivityRetained'
  >,
): Partial<Record<MiProperty, number>> {
  const conducts = film.ion !== 'none' && film.group !== 'none';
  return {
    dg: film.dgPct,
    iec: film.iecMmolPerG,
    waterUptake: film.waterUptakePct,
    conductivity: film.conductivityMsPerCm(CONDUCTIVITY_AT_C),
    ...(conducts ? { conductivityRetained: film.conductivityRetained(AGEING_H) } : {}),
  };
}

/** The standard uncertainty a lab reports with a value (the domain reference's scatter of each measurement). */
export function uncertaintyOf(property: MiProperty, value: number): number {
  switch (property) {
    case 'dg':
      return Math.hypot(0.05 * value, 1);
    case 'iec':
      return 0.05;
    case 'waterUptake':
      return 0.05 * value;
    case 'conductivity':
      return 0.07 * value;
    case 'conductivityRetained':
      // The half-life scatters by 20 %: ln σ(t)/σ0 scales with it.
      return 0.2 * Math.abs(Math.log(Math.max(value, 1e-12))) * value;
  }
}

/** Training records of one measured film. */
export function filmRecords(
  s: SystemRef,
  c: RecipeConditions,
  values: Partial<Record<MiProperty, number>>,
  id: string,
  source: DataSource,
  campaignId?: string,
): TrainingRecord[] {
  const query = labQuery(s, c);
  return MI_PROPERTIES.flatMap((property) => {
    const value = values[property];
    if (value === undefined) return [];
    return [
      {
        ...query,
        ...(property === 'conductivityRetained' ? { timeOnTestH: AGEING_H } : {}),
        id: `${id}:${property}`,
        systemId: systemIdOf(s),
        property,
        unit: UNITS[property],
        value,
        uncertainty: uncertaintyOf(property, value),
        source,
        ...(campaignId ? { campaignId } : {}),
      },
    ];
  });
}

export interface SyntheticDatabase {
  readonly records: TrainingRecord[];
  /** Films measured (failed ones are not counted: they leave no values). */
  readonly films: number;
  readonly systems: number;
}

/**
 * A database of `films` measured films spread evenly over the systems (round robin), each at conditions drawn
 * uniformly from its ranges and observed with the virtual lab's measurement noise; failed films are redrawn.
 */
export function synthesizeDatabase(
  world: WorldChoice,
  pool: readonly LabSystem[],
  films: number,
  rng: Rng,
  source: DataSource = 'history',
): SyntheticDatabase {
  const records: TrainingRecord[] = [];
  let measured = 0;
  for (let attempt = 0; measured < films; attempt++) {
    if (attempt > 20 * films)
      throw new Error(`synthetic database: only ${measured} of ${films} films worked`);
    const s = pool[measured % pool.length];
    const c = sampleConditions(s, rng);
    const film = observe({ basePolymer: s.basePolymer, monomers: s.monomer }, c, rng, { world });
    if (film.status !== 'ok') continue;
    records.push(...filmRecords(s, c, filmValues(film), `db${measured}`, source));
    measured++;
  }
  return { records, films: measured, systems: pool.length };
}

const LOG_SCALED = new Set(['doseKGy', 'timeH', 'concentrationWtPct']);

/** Evenly spaced levels of a range, in the scale the chemistry acts in (log for dose, time and concentration). */
function levels(name: string, [lo, hi]: readonly [number, number], steps: number): number[] {
  const log = LOG_SCALED.has(name);
  const [a, b] = log ? [Math.log(lo), Math.log(hi)] : [lo, hi];
  return Array.from({ length: steps }, (_, i) => {
    const v = steps === 1 ? a : a + ((b - a) * i) / (steps - 1);
    return log ? Math.exp(v) : v;
  });
}

/** The full factorial grid of a system's conditions, `steps` levels per range. */
export function conditionGrid(s: SystemRef, steps: number): RecipeConditions[] {
  const out: RecipeConditions[] = [];
  for (const doseKGy of levels('doseKGy', s.ranges.doseKGy, steps))
    for (const temperatureC of levels('temperatureC', s.ranges.temperatureC, steps))
      for (const timeH of levels('timeH', s.ranges.timeH, steps))
        for (const concentrationWtPct of levels('concentrationWtPct', s.ranges.concentrationWtPct, steps))
          out.push({ doseKGy, temperatureC, timeH, concentrationWtPct });
  return out;
}

/** Linear-interpolated quantile of a sample. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  // An infinite ratio (a seed where the baseline found nothing) stays infinite, not NaN.
  return hi === lo ? sorted[lo] : sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export interface Spread {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
}

/** Median and interquartile range over seeds (NaN entries, seeds where a figure is undefined, left out). */
export function spread(values: readonly number[]): Spread {
  const v = values.filter((x) => !Number.isNaN(x));
  return { median: quantile(v, 0.5), q1: quantile(v, 0.25), q3: quantile(v, 0.75) };
}

export const formatSpread = (s: Spread, digits = 2) =>
  `${s.median.toFixed(digits)} [${s.q1.toFixed(digits)}–${s.q3.toFixed(digits)}]`;

/** A seeded shuffle (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function argValue(argv: readonly string[], flag: string): number | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 && i + 1 < argv.length ? Number(argv[i + 1]) : undefined;
}

/** A setting's conditions in [0, 1] of the system's ranges, in the chemistry's scale (log for dose, time, concentration). */
export function unitConditions(c: RecipeConditions, s: SystemRef): number[] {
  const unit = (name: string, v: number, [lo, hi]: readonly [number, number]) =>
    LOG_SCALED.has(name) ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo);
  return [
    unit('doseKGy', c.doseKGy, s.ranges.doseKGy),
    unit('temperatureC', c.temperatureC, s.ranges.temperatureC),
    unit('timeH', c.timeH, s.ranges.timeH),
    unit('concentrationWtPct', c.concentrationWtPct, s.ranges.concentrationWtPct),
  ];
}

/**
 * Probability that a setting's film works, as the built-in optimizer learns it from failed runs: a Matérn 5/2 vote
 * of the films that worked and failed nearby (unit conditions), with one pseudo-film that worked, so a lone
 * failure next door leaves about ½ and a cluster of failures little. Failures have no value for a GP; without this
 * a model keeps proposing the settings that rupture.
 */
export function worksProbability(
  worked: readonly (readonly number[])[],
  failed: readonly (readonly number[])[],
  lengthScale: number,
): (x: readonly number[]) => number {
  if (failed.length === 0) return () => 1;
  const vote = (x: readonly number[], points: readonly (readonly number[])[]) =>
    points.reduce((t, p) => {
      const r = Math.sqrt(5 * p.reduce((s, v, k) => s + ((v - x[k]) / lengthScale) ** 2, 0));
      return t + (1 + r + (r * r) / 3) * Math.exp(-r);
    }, 0);
  return (x) => {
    const ok = 1 + vote(x, worked);
    return ok / (ok + vote(x, failed));
  };
}

/** The failure vote's length scale on a grid: a grid step and a quarter, so a failure marks its neighbours. */
export const failureLengthScale = (gridSteps: number) => 1.25 / (gridSteps - 1);
