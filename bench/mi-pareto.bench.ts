/**
 * MI multi-objective benchmark (issue #15): a membrane campaign with three objectives and an outcome constraint,
 * proposed in batches by the product's optimizer (`suggest()` of @graftlab/optimizer, the code behind `graftlab
 * suggest` and campaigns): the bayesian strategy with `pareto: true` (qNEHVI), the same space scalarized (its
 * constrained weighted sum), and the random strategy.
 *
 * Per seed a ground truth is drawn (`groundTruth(seed)`) and a membrane system picked at random among those that
 * reach 30 mS/cm somewhere and where a fifth to four fifths of the working films meet the constraint (so it
 * binds). Objectives: maximize conductivity at 80 °C, minimize water uptake (both log1p models), minimize dose (a
 * cost); constraint: water uptake ≤ 80 %. The space: the system's four condition ranges, dose, time and
 * concentration on a log scale. Budget 40 films: a design of 10 from the random strategy (the same for every arm of
 * a run), then 6 batches of 5. Failed films are told to the optimizer as failed observations.
 *
 * Figure: the hypervolume of the noise-free truths (`predictTruth`) of the measured settings whose film works and
 * meets the constraint, in (σ(80 °C), water uptake, dose) against the reference point (30 mS/cm, 80 %, 100 kGy), as
 * a share of the hypervolume of a 5-level grid's truths (625 settings; off-grid proposals can exceed it). The
 * reference is the least a membrane campaign accepts, where BoTorch and Ax put it (objective thresholds): 30 mS/cm
 * is the campaign's usefulness threshold (`USEFUL_CONDUCTIVITY`, the same constant that selects the system), 80 %
 * the constraint, 100 kGy the top of the dose range. The qNEHVI campaign states these thresholds to the optimizer
 * (`threshold` on its targets and cost), as a scientist would; the weighted sum has no reference point.
 * The earlier figure is reported beside it: the same runs against (0 mS/cm, 80 %, 100 kGy), where any working film
 * within the constraint adds hypervolume however little it conducts, so 40 random films already fill most of it
 * (oracle ÷ random about 1.2 there: no method could show 1.5).
 * qNEHVI and weighted sum run twice per seed, random ten times (lab noise and design differ); a seed's figure is
 * the median of its runs; ratios per seed, then median and IQR over seeds. An oracle (the design, then greedily the
 * grid settings that add the most true hypervolume, one selection per reference) bounds what any method could show
 * on each measure. `--no-thresholds` keeps the optimizer's own reference rule (an ablation). Also: the
 * share of proposals after experiment 10 whose true water uptake exceeds 80 % (whether or not the film works),
 * target ≤ 20 %.
 *
 * Measured (20 seeds, medians [IQR] of per-seed ratios; README "Closed loop, measured"): from 30 mS/cm, qNEHVI ÷
 * random 1.31 [1.25–1.39], ÷ weighted sum 1.04 [1.03–1.07], oracle ÷ random 1.41 [1.35–1.50]; from 0 mS/cm, 1.14
 * [1.12–1.17], 1.05 [1.02–1.06] and 1.21 [1.17–1.26]. The issue's 1.5 × random is not met on either measure, and
 * even the oracle's median stays below it. qNEHVI's proposals over the uptake limit: 19 % [14–23 %] (12 % when the
 * optimizer is not told the thresholds).
 */
import {
  createRng,
  groundTruth,
  materialSystems,
  observe,
  predictTruth,
  type GroundTruthWorld,
  type RecipeConditions,
} from '@graftlab/grafting-model';
import { hypervolume } from '@graftlab/mi-model';
import {
  suggest,
  type Observation,
  type Parameter,
  type Params,
  type SearchSpace,
} from '@graftlab/optimizer';
import {
  CONDUCTIVITY_AT_C,
  argValue,
  conditionGrid,
  formatSpread,
  quantile,
  spread,
  systemIdOf,
  uncertaintyOf,
  unitConditions,
  type LabSystem,
  type Spread,
} from './lib/mi-lab';
import type { BenchOptions } from './lib/options';
import { progress, type BenchRow } from './lib/stats';

/** 'oracle' is no method: the design, then the settings of the grid that add the most true hypervolume (a bound). */
export type ParetoArm = 'qNEHVI' | 'weighted-sum' | 'random' | 'oracle';
export const PARETO_ARMS: readonly ParetoArm[] = ['qNEHVI', 'weighted-sum', 'random', 'oracle'];

export const MAX_WATER_UPTAKE = 80;
/**
 * The campaign's usefulness threshold for σ(80 °C), mS/cm: a seed's system must reach it somewhere, and a film below
 * it adds nothing to the figure (a membrane conducting less is not worth having).
 */
export const USEFUL_CONDUCTIVITY = 30;
/**
 * The reference point of the figure (σ at 80 °C, water uptake, dose): the least a membrane campaign accepts, as a
 * materials-informatics scientist states it (Ax's objective thresholds): a useful conductivity, the constraint,
 * the top of the dose range. The campaign states the same thresholds to the optimizer (`paretoSpace`).
 */
export const PARETO_REFERENCE = {
  conductivity: USEFUL_CONDUCTIVITY,
  waterUptake: MAX_WATER_UPTAKE,
  doseKGy: 100,
} as const;
/**
 * The reference point of the earlier figure, still reported: σ from 0, so any working film within the constraint
 * adds hypervolume, however little it conducts (random films already fill most of it).
 */
export const PARETO_REFERENCE_FROM_ZERO = { ...PARETO_REFERENCE, conductivity: 0 } as const;
/** Which reference a hypervolume is measured against. */
export type ParetoMeasure = 'useful' | 'fromZero';
export const PARETO_MEASURES: readonly ParetoMeasure[] = ['useful', 'fromZero'];

export interface ParetoOptions {
  readonly seeds?: number;
  /** Smoke mode: 3 seeds, one run per arm. */
  readonly quick?: boolean;
  readonly design?: number;
  readonly batches?: number;
  readonly batchSize?: number;
  /** Runs per seed of each acquisition, and of random selection (cheap, and noisy: more runs). */
  readonly repeats?: number;
  readonly randomRepeats?: number;
  readonly gridSteps?: number;
  /**
   * Whether the qNEHVI campaign states its thresholds (the reference point) to the optimizer (default true); false
   * (`--no-thresholds`) leaves the optimizer its own rule, an ablation: the figure's reference does not change.
   */
  readonly statedThresholds?: boolean;
  readonly onRun?: (row: ParetoRow) => void;
}

export interface ParetoRow {
  readonly seed: number;
  readonly system: string;
  readonly arm: ParetoArm;
  readonly repeat: number;
  readonly experiments: number;
  /** Hypervolume of the measured feasible truths ÷ the grid's, against `PARETO_REFERENCE` (σ from 30 mS/cm). */
  readonly hypervolume: number;
  /** The same against `PARETO_REFERENCE_FROM_ZERO` (σ from 0), the earlier figure. */
  readonly hypervolumeFromZero: number;
  /** Share of the proposals after the design whose true water uptake exceeds the limit. */
  readonly violations: number;
  readonly failures: number;
}

interface Candidate {
  readonly conditions: RecipeConditions;
  readonly unit: readonly number[];
  /** Whether the film works in the truth (it does not rupture, break up or stay ungrafted). */
  readonly works: boolean;
  readonly conductivity: number;
  readonly waterUptake: number;
}

interface Problem {
  readonly seed: number;
  readonly world: GroundTruthWorld;
  readonly system: LabSystem;
  readonly candidates: readonly Candidate[];
  readonly gridHypervolume: Readonly<Record<ParetoMeasure, number>>;
}

/** Objective vector to maximize: (σ, −water uptake, −dose). */
const objectiveVector = (conductivity: number, waterUptake: number, doseKGy: number) => [
  conductivity,
  -waterUptake,
  -doseKGy,
];
const REFERENCES: Readonly<Record<ParetoMeasure, number[]>> = {
  useful: objectiveVector(
    PARETO_REFERENCE.conductivity,
    PARETO_REFERENCE.waterUptake,
    PARETO_REFERENCE.doseKGy,
  ),
  fromZero: objectiveVector(
    PARETO_REFERENCE_FROM_ZERO.conductivity,
    PARETO_REFERENCE_FROM_ZERO.waterUptake,
    PARETO_REFERENCE_FROM_ZERO.doseKGy,
  ),
};

/** Hypervolume of the candidates' truths that work and meet the constraint, against one of the references. */
function trueHypervolume(candidates: readonly Candidate[], measure: ParetoMeasure): number {
  return hypervolume(
    candidates.flatMap((c) =>
      c.works && c.waterUptake <= MAX_WATER_UPTAKE
        ? [objectiveVector(c.conductivity, c.waterUptake, c.conditions.doseKGy)]
        : [],
    ),
    REFERENCES[measure],
  );
}

/** A set's hypervolume as a share of the grid's, against each reference. */
const shares = (problem: Problem, measured: readonly Candidate[]) => ({
  hypervolume: trueHypervolume(measured, 'useful') / problem.gridHypervolume.useful,
  hypervolumeFromZero: trueHypervolume(measured, 'fromZero') / problem.gridHypervolume.fromZero,
});

/** A seed's membrane system and its candidate grid with the truths. */
export function paretoProblem(seed: number, options: ParetoOptions = {}): Problem {
  const world = groundTruth(seed);
  const steps = options.gridSteps ?? 5;
  const eligible = materialSystems(world, { minDgPct: 20 }).flatMap((system) => {
    const candidates = conditionGrid(system, steps).map((conditions) => truthOf(system, world, conditions));
    const working = candidates.filter((c) => c.works);
    const feasible = working.filter((c) => c.waterUptake <= MAX_WATER_UPTAKE);
    // A membrane (tens of mS/cm) where the constraint binds: a fifth to four fifths of the working films meet it.
    const conducts = working.some((c) => c.conductivity >= USEFUL_CONDUCTIVITY);
    const share = feasible.length / Math.max(1, working.length);
    return conducts && share >= 0.2 && share <= 0.8 ? [{ system, candidates }] : [];
  });
  const rng = createRng(`mi-pareto:${seed}`);
  const { system, candidates } = eligible[Math.floor(rng.next() * eligible.length)];
  return {
    seed,
    world,
    system,
    candidates,
    gridHypervolume: {
      useful: trueHypervolume(candidates, 'useful'),
      fromZero: trueHypervolume(candidates, 'fromZero'),
    },
  };
}

interface Film {
  readonly conditions: RecipeConditions;
  /** Measured σ(80 °C) and water uptake; absent when the film failed. */
  readonly conductivity?: number;
  readonly waterUptake?: number;
}

/**
 * The campaign's search space as a person declares it for `graftlab suggest` or a campaign: the system's four
 * conditions (dose, time and concentration on a log scale), σ(80 °C) up and water uptake down as Pareto targets
 * (log1p models), dose as a cost (a known objective to minimize), water uptake ≤ 80 % as an outcome constraint.
 * With `pareto`, each objective states its threshold, the figure's reference point: σ ≥ 30 mS/cm, water uptake
 * ≤ 80 %, dose ≤ 100 kGy. `pareto: false` is the same space scalarized (the product's constrained weighted sum,
 * which has no reference point: the product refuses thresholds there).
 */
export function paretoSpace(system: LabSystem, pareto: boolean, statedThresholds = true): SearchSpace {
  const r = system.ranges;
  const threshold = (value: number) => (pareto && statedThresholds ? { threshold: value } : {});
  const number = (name: string, [min, max]: readonly [number, number], log: boolean): Parameter => ({
    name,
    type: 'number',
    min,
    max,
    ...(log ? { scale: 'log' as const } : {}),
  });
  return {
    parameters: [
      number('doseKGy', r.doseKGy, true),
      number('temperatureC', r.temperatureC, false),
      number('timeH', r.timeH, true),
      number('concentrationWtPct', r.concentrationWtPct, true),
    ],
    objective: {
      pareto,
      targets: [
        {
          name: 'conductivity',
          mode: 'max',
          transform: 'log1p',
          ...threshold(PARETO_REFERENCE.conductivity),
        },
        { name: 'waterUptake', mode: 'min', transform: 'log1p', ...threshold(PARETO_REFERENCE.waterUptake) },
      ],
      costs: [{ parameter: 'doseKGy', weight: 1, ...threshold(PARETO_REFERENCE.doseKGy) }],
      constraints: [{ name: 'waterUptake', max: MAX_WATER_UPTAKE }],
    },
  };
}

const conditionsOf = (params: Params): RecipeConditions => ({
  doseKGy: Number(params.doseKGy),
  temperatureC: Number(params.temperatureC),
  timeH: Number(params.timeH),
  concentrationWtPct: Number(params.concentrationWtPct),
});

/** A measured film as the optimizer's observation (failed films carry no outputs). */
function observationOf(film: Film): Observation {
  const params = { ...film.conditions };
  if (film.conductivity === undefined || film.waterUptake === undefined)
    return { params, status: 'failed', reason: 'film failed' };
  return {
    params,
    status: 'completed',
    outputs: { conductivity: film.conductivity, waterUptake: film.waterUptake },
    uncertainty: {
      conductivity: uncertaintyOf('conductivity', film.conductivity),
      waterUptake: uncertaintyOf('waterUptake', film.waterUptake),
    },
  };
}

/** The truth of a setting (noise-free), for the figure. */
function truthAt(problem: Problem, conditions: RecipeConditions): Candidate {
  return truthOf(problem.system, problem.world, conditions);
}

/** A system's noise-free properties at one setting: a grid cell, or a measured film's truth. */
function truthOf(system: LabSystem, world: GroundTruthWorld, conditions: RecipeConditions): Candidate {
  const t = predictTruth({ basePolymer: system.basePolymer, monomers: system.monomer }, conditions, world);
  return {
    conditions,
    unit: unitConditions(conditions, system),
    works: !t.failed,
    conductivity: t.conductivityMsPerCm(CONDUCTIVITY_AT_C),
    waterUptake: t.waterUptakePct,
  };
}

/** A run's random design: the product's random strategy, uniform in each parameter's scale; the same for every arm. */
function designOf(problem: Problem, repeat: number, size: number): RecipeConditions[] {
  return suggest({
    space: paretoSpace(problem.system, true),
    observations: [],
    batchSize: size,
    seed: problem.seed * 1000 + repeat,
    strategy: 'random',
  }).candidates.map((c) => conditionsOf(c.params));
}

/**
 * What knowing the truth would reach: the run's design, then one grid setting at a time, the one adding the most
 * true feasible hypervolume against the reference measured (greedy subset selection, within a few per cent of the
 * best subset): one selection per reference. Off-grid settings could add a little more: a bound on the grid, not a
 * method.
 */
function oracleChoice(problem: Problem, repeat: number, options: ParetoOptions, measure: ParetoMeasure) {
  const design = options.design ?? 10;
  const budget = design + (options.batches ?? 6) * (options.batchSize ?? 5);
  const chosen = designOf(problem, repeat, design).map((c) => truthAt(problem, c));
  const pool = problem.candidates.filter((c) => c.works && c.waterUptake <= MAX_WATER_UPTAKE);
  const taken = new Set<number>();
  while (chosen.length < budget && taken.size < pool.length) {
    const base = trueHypervolume(chosen, measure);
    let best = -1;
    let gain = -1;
    pool.forEach((c, i) => {
      if (taken.has(i)) return;
      const g = trueHypervolume([...chosen, c], measure) - base;
      if (g > gain) [best, gain] = [i, g];
    });
    taken.add(best);
    chosen.push(pool[best]);
  }
  return chosen;
}

function oracleRow(problem: Problem, repeat: number, options: ParetoOptions): ParetoRow {
  const design = options.design ?? 10;
  const chosen = oracleChoice(problem, repeat, options, 'useful');
  const fromZero = oracleChoice(problem, repeat, options, 'fromZero');
  return {
    seed: problem.seed,
    system: systemIdOf(problem.system),
    arm: 'oracle',
    repeat,
    experiments: chosen.length,
    hypervolume: shares(problem, chosen).hypervolume,
    hypervolumeFromZero: shares(problem, fromZero).hypervolumeFromZero,
    violations:
      chosen.slice(design).filter((c) => c.waterUptake > MAX_WATER_UPTAKE).length /
      Math.max(1, chosen.length - design),
    failures: 0,
  };
}

function runCampaign(problem: Problem, arm: ParetoArm, repeat: number, options: ParetoOptions): ParetoRow {
  if (arm === 'oracle') return oracleRow(problem, repeat, options);
  const { seed, system } = problem;
  const design = options.design ?? 10;
  const batches = options.batches ?? 6;
  const q = options.batchSize ?? 5;
  const budget = design + batches * q;
  const lab = createRng(`mi-pareto:lab:${seed}:${arm}:${repeat}`);
  const space = paretoSpace(system, arm !== 'weighted-sum', options.statedThresholds ?? true);
  const films: Film[] = [];
  const run = (conditions: RecipeConditions) => {
    const film = observe({ basePolymer: system.basePolymer, monomers: system.monomer }, conditions, lab, {
      world: problem.world,
    });
    films.push(
      film.status === 'ok'
        ? {
            conditions,
            conductivity: film.conductivityMsPerCm(CONDUCTIVITY_AT_C),
            waterUptake: film.waterUptakePct,
          }
        : { conditions },
    );
  };
  const ask = (strategy: 'random' | 'bayesian', batchSize: number, askSeed: number) =>
    suggest({
      space,
      observations: films.map(observationOf),
      batchSize,
      seed: askSeed,
      strategy,
    }).candidates.map((c) => conditionsOf(c.params));
  designOf(problem, repeat, design).forEach(run);
  for (let b = 0; b < batches; b++)
    ask(arm === 'random' ? 'random' : 'bayesian', q, seed * 100_000 + repeat * 100 + b + 1).forEach(run);
  const measured = films.map((f) => truthAt(problem, f.conditions));
  const proposals = measured.slice(design);
  return {
    seed,
    system: systemIdOf(system),
    arm,
    repeat,
    experiments: Math.min(budget, films.length),
    ...shares(problem, measured),
    violations:
      proposals.filter((c) => c.waterUptake > MAX_WATER_UPTAKE).length / Math.max(1, proposals.length),
    failures: films.filter((f) => f.conductivity === undefined).length,
  };
}

export function runParetoBenchmark(options: ParetoOptions = {}): ParetoRow[] {
  const quick = options.quick ?? false;
  const seeds = options.seeds ?? (quick ? 3 : 20);
  const repeats = options.repeats ?? (quick ? 1 : 2);
  const rows: ParetoRow[] = [];
  const randomRepeats = options.randomRepeats ?? (quick ? 3 : 10);
  const record = (row: ParetoRow) => {
    rows.push(row);
    options.onRun?.(row);
  };
  for (let seed = 1; seed <= seeds; seed++) {
    const problem = paretoProblem(seed, options);
    for (let repeat = 0; repeat < repeats; repeat++) {
      record(runCampaign(problem, 'qNEHVI', repeat, options));
      record(runCampaign(problem, 'weighted-sum', repeat, options));
    }
    for (let repeat = 0; repeat < randomRepeats; repeat++)
      record(runCampaign(problem, 'random', repeat, options));
    record(runCampaign(problem, 'oracle', 0, options));
  }
  return rows;
}

export interface ParetoSummary {
  /** The reference the hypervolumes are measured against. */
  readonly measure: ParetoMeasure;
  readonly seeds: number;
  readonly experiments: number;
  readonly hypervolume: Readonly<Record<ParetoArm, Spread>>;
  readonly violations: Readonly<Record<ParetoArm, Spread>>;
  /** Per seed: qNEHVI ÷ random and qNEHVI ÷ weighted-sum hypervolume. */
  readonly overRandom: Spread;
  readonly overWeightedSum: Spread;
  /** Per seed: the oracle's hypervolume ÷ random's, the most any method could show on this measure. */
  readonly oracleOverRandom: Spread;
  /** Per seed: what random leaves of the grid's hypervolume ÷ what qNEHVI leaves (1 − share). */
  readonly gapRandomOverQnehvi: Spread;
}

/** A row's hypervolume share against the measure's reference. */
const shareOf = (measure: ParetoMeasure) => (r: ParetoRow) =>
  measure === 'useful' ? r.hypervolume : r.hypervolumeFromZero;

/** What each reference is, for tables and bench rows. */
const MEASURE_LABEL: Readonly<Record<ParetoMeasure, string>> = {
  useful: `reference (σ ${PARETO_REFERENCE.conductivity} mS/cm, ${PARETO_REFERENCE.waterUptake} %, ${PARETO_REFERENCE.doseKGy} kGy): useful membranes`,
  fromZero: `reference (σ ${PARETO_REFERENCE_FROM_ZERO.conductivity} mS/cm, ${PARETO_REFERENCE_FROM_ZERO.waterUptake} %, ${PARETO_REFERENCE_FROM_ZERO.doseKGy} kGy): any working film, the earlier figure`,
};

export function summarizePareto(
  rows: readonly ParetoRow[],
  measure: ParetoMeasure = 'useful',
): ParetoSummary {
  const seeds = [...new Set(rows.map((r) => r.seed))];
  const perSeed = (arm: ParetoArm, seed: number, f: (r: ParetoRow) => number) =>
    quantile(rows.filter((r) => r.arm === arm && r.seed === seed).map(f), 0.5);
  const byArm = (f: (r: ParetoRow) => number) =>
    Object.fromEntries(PARETO_ARMS.map((a) => [a, spread(seeds.map((s) => perSeed(a, s, f)))])) as Record<
      ParetoArm,
      Spread
    >;
  const share = shareOf(measure);
  const hv = (arm: ParetoArm, s: number) => perSeed(arm, s, share);
  return {
    measure,
    seeds: seeds.length,
    experiments: Math.max(...rows.map((r) => r.experiments)),
    hypervolume: byArm(share),
    violations: byArm((r) => r.violations),
    overRandom: spread(seeds.map((s) => hv('qNEHVI', s) / hv('random', s))),
    overWeightedSum: spread(seeds.map((s) => hv('qNEHVI', s) / hv('weighted-sum', s))),
    oracleOverRandom: spread(seeds.map((s) => hv('oracle', s) / hv('random', s))),
    gapRandomOverQnehvi: spread(seeds.map((s) => (1 - hv('random', s)) / (1 - hv('qNEHVI', s)))),
  };
}

const describeRun = (r: ParetoRow) =>
  `seed ${r.seed} ${r.system} ${r.arm}#${r.repeat}: hypervolume ${(100 * r.hypervolume).toFixed(1)} % of the grid's from σ ${USEFUL_CONDUCTIVITY} mS/cm (${(100 * r.hypervolumeFromZero).toFixed(1)} % from 0), ${(100 * r.violations).toFixed(0)} % of proposals over ${MAX_WATER_UPTAKE} % uptake${r.failures ? `, ${r.failures} failed` : ''}`;

function formatTable(rows: readonly ParetoRow[]): string {
  const seeds = [...new Set(rows.map((r) => r.seed))];
  const lines: string[] = [];
  for (const measure of PARETO_MEASURES) {
    const summary = summarizePareto(rows, measure);
    const share = shareOf(measure);
    lines.push(
      `Hypervolume (% of the grid's) against the ${MEASURE_LABEL[measure]}`,
      'seed  system                    qNEHVI  weighted  random  oracle  qNEHVI viol.',
    );
    for (const seed of seeds) {
      const mine = rows.filter((r) => r.seed === seed);
      const m = (a: ParetoArm, f: (r: ParetoRow) => number) =>
        quantile(mine.filter((r) => r.arm === a).map(f), 0.5);
      const pct = (v: number) => (100 * v).toFixed(1);
      lines.push(
        `${String(seed).padStart(4)}  ${mine[0].system.padEnd(24)}  ${pct(m('qNEHVI', share)).padStart(6)}  ${pct(m('weighted-sum', share)).padStart(8)}  ${pct(m('random', share)).padStart(6)}  ${pct(m('oracle', share)).padStart(6)}  ${pct(m('qNEHVI', (r) => r.violations)).padStart(11)}`,
      );
    }
    lines.push('');
    for (const a of PARETO_ARMS)
      lines.push(
        `${a.padEnd(12)} hypervolume ${formatSpread(summary.hypervolume[a], 3)} of the grid's; proposals over the uptake limit ${formatSpread(summary.violations[a])}`,
      );
    lines.push(
      `qNEHVI ÷ random (median [IQR] over ${summary.seeds} seeds): ${formatSpread(summary.overRandom)}`,
      `qNEHVI ÷ weighted-sum: ${formatSpread(summary.overWeightedSum)}`,
      `oracle ÷ random (the most any method could show): ${formatSpread(summary.oracleOverRandom)}`,
      `hypervolume left to find, random ÷ qNEHVI: ${formatSpread(summary.gapRandomOverQnehvi)}`,
      '',
    );
  }
  return lines.join('\n');
}

/**
 * Rows for `npm run bench`: hypervolume is higher-is-better, so ratio = floor ÷ graftlab (below 1× qNEHVI beats
 * its floor); violations graftlab ÷ floor; each the median over seeds of the per-seed ratio. The figure's
 * reference first (σ from 30 mS/cm), then the earlier one (σ from 0).
 */
export function miParetoBench(options: BenchOptions): Promise<BenchRow[]> {
  const rows = runParetoBenchmark({
    quick: options.quick,
    onRun: (r) => progress(`MI Pareto ${describeRun(r)}`),
  });
  for (const measure of PARETO_MEASURES) {
    const s = summarizePareto(rows, measure);
    progress(
      `MI Pareto, σ from ${measure === 'useful' ? USEFUL_CONDUCTIVITY : 0} mS/cm: qNEHVI ÷ random ${formatSpread(s.overRandom)}, ÷ weighted-sum ${formatSpread(s.overWeightedSum)}, oracle ÷ random ${formatSpread(s.oracleOverRandom)}, hypervolume left random ÷ qNEHVI ${formatSpread(s.gapRandomOverQnehvi)}, qNEHVI proposals over the limit ${formatSpread(s.violations.qNEHVI)}`,
    );
  }
  return Promise.resolve(miParetoRows(rows));
}

export function miParetoRows(rows: readonly ParetoRow[]): BenchRow[] {
  const seeds = [...new Set(rows.map((r) => r.seed))];
  const perSeed = (arm: ParetoArm, seed: number, f: (r: ParetoRow) => number) =>
    quantile(rows.filter((r) => r.arm === arm && r.seed === seed).map(f), 0.5);
  const ratio = (top: ParetoArm, bottom: ParetoArm, f: (r: ParetoRow) => number) =>
    spread(seeds.map((seed) => perSeed(top, seed, f) / perSeed(bottom, seed, f))).median;
  const hypervolumeRows = (measure: ParetoMeasure): BenchRow[] => {
    const s = summarizePareto(rows, measure);
    const hv = shareOf(measure);
    const against = MEASURE_LABEL[measure];
    return [
      {
        figure: `11. MI Pareto: hypervolume (share of the grid's) after ${s.experiments} experiments, σ(80 °C) ↑ water uptake ↓ dose ↓ with uptake ≤ 80 %, ${against}; qNEHVI vs random (median of ${s.seeds} seeds; ratio = random ÷ qNEHVI, target ≤ 0.67)`,
        unit: 'share',
        graftlab: s.hypervolume.qNEHVI.median,
        floor: s.hypervolume.random.median,
        ratio: ratio('random', 'qNEHVI', hv),
      },
      {
        figure: `11. MI Pareto: the same, ${against}; qNEHVI vs weighted-sum scalarization (ratio = weighted-sum ÷ qNEHVI, target ≤ 1)`,
        unit: 'share',
        graftlab: s.hypervolume.qNEHVI.median,
        floor: s.hypervolume['weighted-sum'].median,
        ratio: ratio('weighted-sum', 'qNEHVI', hv),
      },
      {
        figure: `11. MI Pareto: the same, ${against}; what knowing the truth reaches (the design, then greedy grid settings) vs random: the most any method can show on this measure (ratio = random ÷ oracle)`,
        unit: 'share',
        graftlab: s.hypervolume.oracle.median,
        floor: s.hypervolume.random.median,
        ratio: ratio('random', 'oracle', hv),
      },
    ];
  };
  const s = summarizePareto(rows);
  return [
    ...hypervolumeRows('useful'),
    ...hypervolumeRows('fromZero'),
    {
      figure: `11. MI Pareto: qNEHVI proposals after experiment 10 over the uptake limit vs random's (median of ${s.seeds} seeds; target ≤ 20 %)`,
      unit: '%',
      graftlab: 100 * s.violations.qNEHVI.median,
      floor: 100 * s.violations.random.median,
      ratio: ratio('qNEHVI', 'random', (r) => r.violations),
    },
  ];
}

export function main(argv: readonly string[] = process.argv.slice(2)): void {
  const started = performance.now();
  const rows = runParetoBenchmark({
    quick: argv.includes('--quick'),
    seeds: argValue(argv, '--seeds'),
    repeats: argValue(argv, '--repeats'),
    statedThresholds: !argv.includes('--no-thresholds'),
    onRun: (r) => process.stderr.write(`${describeRun(r)}\n`),
  });
  process.stdout.write(formatTable(rows) + '\n');
  process.stdout.write(`\n${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

if (require.main === module) main();
