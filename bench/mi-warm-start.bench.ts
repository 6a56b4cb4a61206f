/**
 * MI warm-start benchmark (issue #15): does a campaign on a new system reach its optimum sooner when it borrows
 * from the database of the other systems, and does an unrelated database cost nothing?
 *
 * Per seed a ground truth is drawn (`groundTruth(seed)`) and a target system picked at random among the systems
 * that can graft 150 % (so DG 100 % lies inside their ranges). The database: 500 films spread evenly over every
 * other system that grafts more than 20 % (leave one system out), observed with the virtual lab's noise; its DG
 * records are fitted by `MiModel`. The objective is the closed-loop benchmark's, "DG 100 % with the least dose":
 * score = −|DG − 100| − 0.1·dose (kGy). Candidates: a 6-level grid of the target system's conditions (1,296
 * settings; log in dose, time and concentration). Target: the top 1 % of the grid's noise-free scores (failing
 * settings count as −∞); an experiment reaches it when its setting's true score is at least that and the film did
 * not fail. A campaign that never reaches it counts as the budget, 40 (right-censoring).
 *
 * Three arms, each a sequential campaign with the same acquisition, only the model differing. Acquisition:
 * expected improvement of the score over the best posterior-mean score of the measured settings (with none yet,
 * of all settings), in closed form for a normal log1p(DG). Failed films (rupture, brittleness, a broken emulsion,
 * handling) give no DG: as in the built-in optimizer a kernel vote of failed and working films gives each setting
 * a probability of working, the acquisition is EI × that probability, and settings below ½ wait until nothing
 * likelier is left.
 * - cold: a GP (`DescriptorGp`, log1p, on the four condition features) of the campaign's own films, after a random
 *   design of 5 settings (max(4, d + 1), as the built-in optimizer);
 * - warm: `TransferModel.fit(database GP, campaign)` (library defaults) from the first experiment;
 * - shuffled: the same with a database whose DG values (with their uncertainties) were dealt out at random.
 * Every arm runs 3 times per seed (lab noise and the cold design differ); a seed's count is the median of its runs;
 * ratios per seed (cold ÷ warm, shuffled ÷ cold), then median and IQR over seeds.
 */
import {
  createRng,
  groundTruth,
  materialSystems,
  observe,
  predictTruth,
  type GroundTruthWorld,
  type RecipeConditions,
  type Rng,
} from '@graftlab/grafting-model';
import {
  DescriptorGp,
  MiModel,
  TransferModel,
  normalCdf,
  type MaterialQuery,
  type PropertyPrediction,
  type TrainingRecord,
} from '@graftlab/mi-model';
import {
  BENCH_GP,
  argValue,
  conditionGrid,
  formatSpread,
  labQuery,
  quantile,
  shuffled,
  spread,
  synthesizeDatabase,
  systemIdOf,
  uncertaintyOf,
  failureLengthScale,
  unitConditions,
  worksProbability,
  type LabSystem,
  type Spread,
} from './lib/mi-lab';
import type { BenchOptions } from './lib/options';
import { progress, type BenchRow } from './lib/stats';

export type WarmStartArm = 'cold' | 'warm' | 'shuffled';
export const WARM_START_ARMS: readonly WarmStartArm[] = ['warm', 'cold', 'shuffled'];

/** The closed-loop benchmark's objective: DG 100 % with the least dose. */
export const TARGET_DG = 100;
export const DOSE_COST_PER_KGY = 0.1;

export interface WarmStartOptions {
  readonly seeds?: number;
  /** Smoke mode: 3 seeds, one run per arm. */
  readonly quick?: boolean;
  readonly budget?: number;
  /** Runs per arm per seed. */
  readonly repeats?: number;
  /** Films in the database. */
  readonly films?: number;
  /** Levels per range of the candidate grid. */
  readonly gridSteps?: number;
  /** Random settings before the cold model's first proposal. */
  readonly coldDesign?: number;
  readonly onRun?: (row: WarmStartRow) => void;
}

export interface WarmStartRow {
  readonly seed: number;
  readonly system: string;
  readonly arm: WarmStartArm;
  readonly repeat: number;
  /** Experiments until the first in the top 1 %, or the budget (censored). */
  readonly experiments: number;
  readonly reached: boolean;
  readonly budget: number;
  readonly failures: number;
}

interface Candidate {
  readonly conditions: RecipeConditions;
  readonly query: MaterialQuery;
  /** The conditions in [0, 1] of the system's ranges (model scale): the cold GP's and the feasibility's inputs. */
  readonly unit: readonly number[];
  readonly score: number;
}

interface Problem {
  readonly seed: number;
  readonly world: GroundTruthWorld;
  readonly system: LabSystem;
  readonly candidates: readonly Candidate[];
  readonly threshold: number;
  readonly failureLengthScale: number;
  readonly database: MiModel;
  readonly shuffled: MiModel;
}

const scoreOf = (dg: number, doseKGy: number) => -Math.abs(dg - TARGET_DG) - DOSE_COST_PER_KGY * doseKGy;

/** A seed's problem: target system, candidate grid with true scores, and the two database models. */
export function warmStartProblem(seed: number, options: WarmStartOptions = {}): Problem {
  const world = groundTruth(seed);
  const rng = createRng(`mi-warm:${seed}`);
  const grafting = materialSystems(world, { minDgPct: 20 });
  const eligible = grafting.filter((s) => s.maxDgPct >= 1.5 * TARGET_DG);
  const system = eligible[Math.floor(rng.next() * eligible.length)];
  const steps = options.gridSteps ?? 6;
  const candidates = conditionGrid(system, steps).map<Candidate>((conditions) => {
    const t = predictTruth({ basePolymer: system.basePolymer, monomers: system.monomer }, conditions, world);
    return {
      conditions,
      query: labQuery(system, conditions),
      unit: unitConditions(conditions, system),
      score: t.failed ? Number.NEGATIVE_INFINITY : scoreOf(t.dgPct, conditions.doseKGy),
    };
  });
  const sorted = candidates.map((c) => c.score).sort((a, b) => a - b);
  const threshold = sorted[Math.floor(0.99 * sorted.length)];
  const pool = grafting.filter((s) => systemIdOf(s) !== systemIdOf(system));
  const db = synthesizeDatabase(world, pool, options.films ?? 500, rng.fork('database'));
  const dg = db.records.filter((r) => r.property === 'dg');
  const fit = (records: readonly TrainingRecord[]) =>
    MiModel.fit(records, { properties: ['dg'], gp: BENCH_GP });
  return {
    seed,
    world,
    system,
    candidates,
    threshold,
    failureLengthScale: failureLengthScale(steps),
    database: fit(dg),
    shuffled: fit(shuffleValues(dg, rng.fork('shuffle'))),
  };
}

/** The records with their values (and uncertainties) dealt out at random: a database that says nothing. */
function shuffleValues(records: readonly TrainingRecord[], rng: Rng): TrainingRecord[] {
  const order = shuffled(
    records.map((_, i) => i),
    rng,
  );
  return records.map((r, i) => ({
    ...r,
    value: records[order[i]].value,
    uncertainty: records[order[i]].uncertainty,
  }));
}

/**
 * E[max(0, score − incumbent)] with log1p(DG) ~ N(μ, s²) and score = −|DG − target| − cost, in closed form:
 * the improvement is r − |e^f − A| (A = target + 1, r = −cost − incumbent) on e^f ∈ (A − r, A + r), split at
 * f = ln A into a normal and a log-normal partial expectation.
 */
export function expectedImprovement(mu: number, sd: number, cost: number, incumbent: number): number {
  const r = -cost - incumbent;
  if (!(r > 0)) return 0;
  const s = Math.max(sd, 1e-9);
  const A = TARGET_DG + 1;
  const lo = A - r > 0 ? Math.log(A - r) : Number.NEGATIVE_INFINITY;
  const mid = Math.log(A);
  const hi = Math.log(A + r);
  const P = (v: number) => (v === Number.NEGATIVE_INFINITY ? 0 : normalCdf((v - mu) / s));
  const expo = Math.exp(mu + (s * s) / 2);
  const E = (u: number, v: number) =>
    expo *
    ((v === Number.NEGATIVE_INFINITY ? 0 : normalCdf((v - mu - s * s) / s)) -
      (u === Number.NEGATIVE_INFINITY ? 0 : normalCdf((u - mu - s * s) / s)));
  const below = (r - A) * (P(mid) - P(lo)) + E(lo, mid);
  const above = (r + A) * (P(hi) - P(mid)) - E(mid, hi);
  return Math.max(0, below + above);
}

interface Film {
  readonly index: number;
  readonly dg?: number;
}

/** Predictions of log1p(DG) at every candidate from the arm's model of the films so far. */
function predictAll(
  problem: Problem,
  arm: WarmStartArm,
  films: readonly Film[],
  seed: string,
): PropertyPrediction[] {
  const ok = films.filter((f): f is Required<Film> => f.dg !== undefined);
  if (arm === 'cold') {
    const x = (c: Candidate) => c.unit;
    const gp = DescriptorGp.fit(
      {
        points: ok.map((f) => x(problem.candidates[f.index])),
        values: ok.map((f) => f.dg),
        uncertainties: ok.map((f) => uncertaintyOf('dg', f.dg)),
      },
      { transform: 'log1p', calibration: 'none', seed },
    );
    return problem.candidates.map((c) => gp.predict(x(c)));
  }
  const database = arm === 'warm' ? problem.database : problem.shuffled;
  const features = (c: Candidate) => database.features(c.query, 'dg');
  const model = TransferModel.fit(
    database.propertyModel('dg'),
    {
      points: ok.map((f) => features(problem.candidates[f.index])),
      values: ok.map((f) => f.dg),
      uncertainties: ok.map((f) => uncertaintyOf('dg', f.dg)),
    },
    { seed },
  );
  return problem.candidates.map((c) => model.predict(features(c)));
}

/** The failure vote over the campaign's films, by candidate index. */
function feasibilityOf(problem: Problem, films: readonly Film[]): (i: number) => number {
  const unit = (f: Film) => problem.candidates[f.index].unit;
  const p = worksProbability(
    films.filter((f) => f.dg !== undefined).map(unit),
    films.filter((f) => f.dg === undefined).map(unit),
    problem.failureLengthScale,
  );
  return (i) => p(problem.candidates[i].unit);
}

function runCampaign(
  problem: Problem,
  arm: WarmStartArm,
  repeat: number,
  budget: number,
  coldDesign: number,
): WarmStartRow {
  const { seed, system, candidates } = problem;
  const lab = createRng(`mi-warm:lab:${seed}:${arm}:${repeat}`);
  const design = createRng(`mi-warm:design:${seed}:${repeat}`);
  const films: Film[] = [];
  const tried = new Set<number>();
  const row = (experiments: number, reached: boolean): WarmStartRow => ({
    seed,
    system: systemIdOf(system),
    arm,
    repeat,
    experiments,
    reached,
    budget,
    failures: films.filter((f) => f.dg === undefined).length,
  });
  while (films.length < budget) {
    let index: number;
    const measured = films.filter((f) => f.dg !== undefined).length;
    if (arm === 'cold' && (films.length < coldDesign || measured < 2)) {
      do index = Math.floor(design.next() * candidates.length);
      while (tried.has(index));
    } else {
      index = propose(problem, arm, films, tried, `${seed}:${arm}:${repeat}:${films.length}`);
    }
    tried.add(index);
    const c = candidates[index];
    const film = observe({ basePolymer: system.basePolymer, monomers: system.monomer }, c.conditions, lab, {
      world: problem.world,
    });
    films.push(film.status === 'ok' ? { index, dg: film.dgPct } : { index });
    if (film.status === 'ok' && c.score >= problem.threshold) return row(films.length, true);
  }
  return row(budget, false);
}

/** The untried candidate of largest EI × probability of working (ties: the best predicted score). */
function propose(
  problem: Problem,
  arm: WarmStartArm,
  films: readonly Film[],
  tried: ReadonlySet<number>,
  seed: string,
): number {
  const predictions = predictAll(problem, arm, films, seed);
  const meanScore = (i: number) => scoreOf(predictions[i].median, problem.candidates[i].conditions.doseKGy);
  const measured = films.filter((f) => f.dg !== undefined).map((f) => f.index);
  // With nothing measured yet the incumbent is the model's best guess over the grid: EI then still weighs its
  // uncertainty (an unrelated database is flat and uncertain, so the first picks explore).
  const incumbent = Math.max(...(measured.length ? measured : predictions.map((_, i) => i)).map(meanScore));
  const feasibility = feasibilityOf(problem, films);
  let best: { index: number; likely: boolean; value: number; tie: number } | undefined;
  predictions.forEach((p, i) => {
    if (tried.has(i)) return;
    const cost = DOSE_COST_PER_KGY * problem.candidates[i].conditions.doseKGy;
    const pFeasible = feasibility(i);
    const ei = expectedImprovement(p.latentMean, p.latentSd, cost, incumbent);
    const next = { index: i, likely: pFeasible >= 0.5, value: ei * pFeasible, tie: meanScore(i) };
    if (
      !best ||
      (next.likely && !best.likely) ||
      (next.likely === best.likely &&
        (next.value > best.value || (next.value === best.value && next.tie > best.tie)))
    )
      best = next;
  });
  return best!.index;
}

export function runWarmStartBenchmark(options: WarmStartOptions = {}): WarmStartRow[] {
  const quick = options.quick ?? false;
  const seeds = options.seeds ?? (quick ? 3 : 20);
  const budget = options.budget ?? 40;
  const repeats = options.repeats ?? (quick ? 1 : 3);
  const coldDesign = options.coldDesign ?? 5;
  const rows: WarmStartRow[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const problem = warmStartProblem(seed, options);
    for (let repeat = 0; repeat < repeats; repeat++)
      for (const arm of WARM_START_ARMS) {
        const row = runCampaign(problem, arm, repeat, budget, coldDesign);
        rows.push(row);
        options.onRun?.(row);
      }
  }
  return rows;
}

export interface WarmStartSummary {
  readonly seeds: number;
  readonly budget: number;
  readonly medianExperiments: Readonly<Record<WarmStartArm, number>>;
  readonly reachedFraction: Readonly<Record<WarmStartArm, number>>;
  /** Per seed cold ÷ warm: how many times fewer experiments warm needs (and its inverse, the table's ratio). */
  readonly coldOverWarm: Spread;
  readonly warmOverCold: Spread;
  /** Per seed shuffled ÷ cold: what an unrelated database costs (≤ 1.10 asked). */
  readonly shuffledOverCold: Spread;
}

export function summarizeWarmStart(rows: readonly WarmStartRow[]): WarmStartSummary {
  const seeds = [...new Set(rows.map((r) => r.seed))];
  const perSeed = (arm: WarmStartArm, seed: number) =>
    quantile(
      rows.filter((r) => r.arm === arm && r.seed === seed).map((r) => r.experiments),
      0.5,
    );
  const byArm = <T>(f: (arm: WarmStartArm) => T) =>
    Object.fromEntries(WARM_START_ARMS.map((a) => [a, f(a)])) as Record<WarmStartArm, T>;
  return {
    seeds: seeds.length,
    budget: Math.max(...rows.map((r) => r.budget)),
    medianExperiments: byArm((a) =>
      quantile(
        seeds.map((s) => perSeed(a, s)),
        0.5,
      ),
    ),
    reachedFraction: byArm((a) => {
      const mine = rows.filter((r) => r.arm === a);
      return mine.filter((r) => r.reached).length / mine.length;
    }),
    coldOverWarm: spread(seeds.map((s) => perSeed('cold', s) / perSeed('warm', s))),
    warmOverCold: spread(seeds.map((s) => perSeed('warm', s) / perSeed('cold', s))),
    shuffledOverCold: spread(seeds.map((s) => perSeed('shuffled', s) / perSeed('cold', s))),
  };
}

const describeRun = (r: WarmStartRow) =>
  `seed ${r.seed} ${r.system} ${r.arm}#${r.repeat}: ${r.reached ? r.experiments : `not within ${r.experiments}`}${r.failures ? ` (${r.failures} failed)` : ''}`;

function formatTable(rows: readonly WarmStartRow[], summary: WarmStartSummary): string {
  const seeds = [...new Set(rows.map((r) => r.seed))];
  const lines = ['seed  system                    warm  cold  shuffled  cold÷warm  shuffled÷cold'];
  for (const seed of seeds) {
    const mine = rows.filter((r) => r.seed === seed);
    const m = (a: WarmStartArm) =>
      quantile(
        mine.filter((r) => r.arm === a).map((r) => r.experiments),
        0.5,
      );
    lines.push(
      `${String(seed).padStart(4)}  ${mine[0].system.padEnd(24)}  ${String(m('warm')).padStart(4)}  ${String(m('cold')).padStart(4)}  ${String(m('shuffled')).padStart(8)}  ${(m('cold') / m('warm')).toFixed(2).padStart(9)}  ${(m('shuffled') / m('cold')).toFixed(2).padStart(13)}`,
    );
  }
  lines.push('');
  for (const a of WARM_START_ARMS)
    lines.push(
      `${a.padEnd(9)} median ${summary.medianExperiments[a]} experiments, reached within ${summary.budget}: ${(100 * summary.reachedFraction[a]).toFixed(0)} %`,
    );
  lines.push(`cold ÷ warm (median [IQR] over ${summary.seeds} seeds): ${formatSpread(summary.coldOverWarm)}`);
  lines.push(`shuffled ÷ cold: ${formatSpread(summary.shuffledOverCold)}`);
  return lines.join('\n');
}

/** Rows for `npm run bench`: ratio = the median over seeds of the per-seed graftlab ÷ floor (experiments). */
export function miWarmStartBench(options: BenchOptions): Promise<BenchRow[]> {
  const rows = runWarmStartBenchmark({
    quick: options.quick,
    onRun: (r) => progress(`MI warm start ${describeRun(r)}`),
  });
  const s = summarizeWarmStart(rows);
  progress(
    `MI warm start: cold ÷ warm ${formatSpread(s.coldOverWarm)}, shuffled ÷ cold ${formatSpread(s.shuffledOverCold)}`,
  );
  return Promise.resolve(miWarmStartRows(rows));
}

export function miWarmStartRows(rows: readonly WarmStartRow[]): BenchRow[] {
  const s = summarizeWarmStart(rows);
  return [
    {
      figure: `10. MI warm start: experiments to the top 1 % of a held-out system, warm (database of the others) vs cold (median of ${s.seeds} seeds, budget ${s.budget}; ratio = warm ÷ cold, target ≤ 0.7)`,
      unit: 'experiments',
      graftlab: s.medianExperiments.warm,
      floor: s.medianExperiments.cold,
      ratio: s.warmOverCold.median,
    },
    {
      figure: `10. MI warm start from a shuffled database vs cold (median of ${s.seeds} seeds; ratio = shuffled ÷ cold, target ≤ 1.10)`,
      unit: 'experiments',
      graftlab: s.medianExperiments.shuffled,
      floor: s.medianExperiments.cold,
      ratio: s.shuffledOverCold.median,
    },
  ];
}

export function main(argv: readonly string[] = process.argv.slice(2)): void {
  const started = performance.now();
  const rows = runWarmStartBenchmark({
    quick: argv.includes('--quick'),
    seeds: argValue(argv, '--seeds'),
    budget: argValue(argv, '--budget'),
    repeats: argValue(argv, '--repeats'),
    onRun: (r) => process.stderr.write(`${describeRun(r)}\n`),
  });
  process.stdout.write(formatTable(rows, summarizeWarmStart(rows)) + '\n');
  process.stdout.write(`\n${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

if (require.main === module) main();
