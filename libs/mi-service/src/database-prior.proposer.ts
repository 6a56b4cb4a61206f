import {
  findProperty,
  miDataVersion,
  readMiMaterials,
  readMiSamples,
  type Db,
  type MiMaterials,
} from '@graftlab/db';
import { createRng } from '@graftlab/grafting-model';
import {
  normalCdf,
  proposeParetoBatch,
  proposeWeightedSumBatch,
  TransferModel,
  type MiModel,
  type OutcomeConstraint,
  type ParetoObjective,
  versionHash,
  type MaterialQuery,
  type MonomerComponent,
  type PropertyPrediction,
  type Relatedness,
} from '@graftlab/mi-model';
import {
  paretoReference,
  scoreOf,
  type Objective,
  type Observation,
  type Params,
  type Parameter,
} from '@graftlab/optimizer';
import { MiModelCache, NoTrainingData, type MiModelState } from './model.cache';
import type { MiThread } from './model.thread-client';
import { candidatePolymerDescriptors } from './rank.request';
import { CONDITION_PARAMETERS, trainingSet, type TrainingSet } from './training-records.mapping';

/** What a campaign grafts, as its protocol says: the system, the method and the values of unsearched parameters. */
export interface CampaignSystem {
  readonly basePolymer: string;
  /** Names (and abbreviations) the protocol gives its monomer. */
  readonly monomer: readonly string[];
  readonly method: 'pre-irradiation' | 'simultaneous';
  /** Values of the parameters not searched (fixed, else protocol defaults). */
  readonly values: Readonly<Record<string, number | string | boolean>>;
}

export interface PriorBatchRequest {
  readonly campaignId: string;
  readonly system: CampaignSystem;
  readonly parameters: readonly Parameter[];
  readonly objective: Objective;
  readonly observations: readonly Observation[];
  readonly batchSize: number;
  readonly seed: number;
  readonly groupBy?: readonly string[];
  /** Candidate settings scored (default 512). */
  readonly pool?: number;
  /**
   * The related tasks, when the campaign lists them: only these campaigns' runs and these material systems'
   * samples train the prior (default: every sample of the database).
   */
  readonly related?: RelatedTasks;
}

/** Campaigns and material systems whose samples a prior learns from. */
export interface RelatedTasks {
  readonly campaigns?: readonly string[];
  readonly systems?: readonly { readonly basePolymer: string; readonly monomer: string }[];
}

export interface PriorBatch {
  readonly candidates: readonly {
    readonly params: Params;
    readonly acquisitionValue: number;
    /** With outcome constraints: P(meets every one). */
    readonly feasibility?: number;
  }[];
  /** `prior-<hash>+<MI model version>`: the runs' manifests cite both. */
  readonly modelVersion: string;
  readonly miModelVersion: string;
  readonly strategy: 'database-prior';
  /** Per objective output: how related the database proved to be to this campaign. */
  readonly relatedness: Readonly<Record<string, Relatedness>>;
  /** Training records the prior learned from (with a list of related tasks: theirs only). */
  readonly relatedRecords: number;
}

/** Why a campaign's optimizer could not use the database (it then proposes without it). */
export class PriorUnavailable extends Error {}

const SAMPLES = 64;

/**
 * Database-wide models that leave one campaign's own runs out (the transfer model must not count them twice), one
 * per campaign and database, retrained only when the database changes.
 */
const caches = new WeakMap<Db, Map<string, MiModelCache>>();

function cacheFor(db: Db, request: PriorBatchRequest): MiModelCache {
  let byCampaign = caches.get(db);
  if (!byCampaign) caches.set(db, (byCampaign = new Map()));
  // A campaign's related tasks are fixed when it is created: its id keys its model (the list is in the key too).
  const key = `${request.campaignId}:${JSON.stringify(request.related ?? null)}`;
  let cache = byCampaign.get(key);
  if (!cache) {
    cache = new MiModelCache({
      version: () => miDataVersion(db),
      load: () => priorTrainingSet(db, request),
    });
    byCampaign.set(key, cache);
  }
  return cache;
}

function firstNumber(
  values: Readonly<Record<string, unknown>>,
  names: readonly string[],
): number | undefined {
  for (const [k, v] of Object.entries(values))
    if (names.includes(k.toLowerCase()) && typeof v === 'number') return v;
  return undefined;
}

/**
 * Proposes a campaign's next batch with the database as prior: for each objective output that is a catalogue
 * property the database model knows, a TransferModel (the database prediction for this system, its weight learned
 * from the campaign's own results, mixed with a cold GP by leave-one-out evidence); the batch maximizes the
 * expected improvement of the campaign's score over its best result (Monte Carlo over the outputs' predictive
 * distributions, so weights, match targets and costs count as the objective says), greedily with local
 * penalization. Throws PriorUnavailable when the system or an output cannot be mapped to the database.
 */
export async function proposeWithDatabasePrior(
  db: Db,
  request: PriorBatchRequest,
  options: { readonly thread?: MiThread } = {},
): Promise<PriorBatch> {
  if (options.thread) {
    const version = await miDataVersion(db);
    return options.thread.prior(
      request.campaignId,
      version,
      () => priorTrainingSet(db, request),
      await readMiMaterials(db),
      request,
    );
  }
  let state;
  try {
    state = await cacheFor(db, request).current();
  } catch (e) {
    if (e instanceof NoTrainingData) throw new PriorUnavailable(e.message);
    throw e;
  }
  return priorBatchWith(state, await readMiMaterials(db), request);
}

/** The database's training set without one campaign's own runs (the transfer model adds them itself). */
export function withoutCampaign(set: TrainingSet, campaignId: string): TrainingSet {
  return { ...set, records: set.records.filter((r) => r.campaignId !== campaignId) };
}

/**
 * The records of the related tasks only: runs of the listed campaigns, and samples of the listed material systems
 * (that base polymer grafted with that monomer alone; names compared without case). Throws PriorUnavailable when
 * nothing is left.
 */
export function relatedTasks(set: TrainingSet, related: RelatedTasks | undefined): TrainingSet {
  if (!related) return set;
  const lower = (s: string) => s.trim().toLowerCase();
  const campaigns = new Set(related.campaigns ?? []);
  const systems = (related.systems ?? []).map((s) => [lower(s.basePolymer), lower(s.monomer)] as const);
  const records = set.records.filter(
    (r) =>
      (r.campaignId !== undefined && campaigns.has(r.campaignId)) ||
      systems.some(
        ([polymer, monomer]) =>
          lower(r.system.basePolymer.id) === polymer &&
          r.system.monomers.length === 1 &&
          lower(r.system.monomers[0].id) === monomer,
      ),
  );
  if (records.length === 0)
    throw new PriorUnavailable('the MI database holds no sample of the listed campaigns or material systems');
  return { ...set, records };
}

const priorTrainingSet = async (db: Db, request: PriorBatchRequest) =>
  relatedTasks(withoutCampaign(trainingSet(await readMiSamples(db)), request.campaignId), request.related);

/** The batch from a trained database model (no I/O: the model thread runs it too). */
export function priorBatchWith(
  state: MiModelState,
  materials: MiMaterials,
  request: PriorBatchRequest,
): PriorBatch {
  const model = state.model;
  const lower = (s: string) => s.toLowerCase();
  const polymer = materials.basePolymers.find((p) => lower(p.name) === lower(request.system.basePolymer));
  const monomer = materials.monomers.find((m) => request.system.monomer.map(lower).includes(lower(m.name)));
  if (!polymer || !monomer)
    throw new PriorUnavailable(
      `the MI database does not know ${!polymer ? `base polymer ${request.system.basePolymer}` : `monomer ${request.system.monomer.join('/')}`}`,
    );
  const records = model.properties.flatMap((p) => model.records(p));
  const basePolymer = { id: polymer.name, descriptors: candidatePolymerDescriptors(polymer, records) };
  const monomers: MonomerComponent[] = [
    {
      id: monomer.name,
      fraction: 1,
      descriptors: Object.fromEntries(
        Object.entries(monomer.descriptors).filter((e): e is [string, number] => typeof e[1] === 'number'),
      ),
    },
  ];
  const numeric = (params: Params, names: readonly string[]) =>
    firstNumber(params, names) ?? firstNumber(request.system.values, names);
  const query = (params: Params): MaterialQuery => {
    const concentration =
      numeric(params, CONDITION_PARAMETERS.concentrationWtPct) ??
      [params, request.system.values].flatMap((v) =>
        Object.entries(v).filter(([k, x]) => lower(k).endsWith('concentration') && typeof x === 'number'),
      )[0]?.[1];
    return {
      system: { basePolymer, monomers },
      irradiation: {
        method: request.system.method,
        source: 'gamma',
        atmosphere: 'inert',
        doseKGy: numeric(params, CONDITION_PARAMETERS.doseKGy) ?? Number.NaN,
      },
      conditions: {
        concentrationWtPct: typeof concentration === 'number' ? concentration : Number.NaN,
        temperatureC: numeric(params, CONDITION_PARAMETERS.temperatureC) ?? Number.NaN,
        timeH: numeric(params, CONDITION_PARAMETERS.timeH) ?? Number.NaN,
      },
    };
  };

  const completed = request.observations.filter((o) => o.status === 'completed' && o.outputs);
  if (request.objective.pareto || request.objective.constraints?.length)
    return { ...paretoWithDatabase(model, query, completed, request), relatedRecords: records.length };
  const outputs = request.objective.targets.map((t) => {
    const property = findProperty(t.name);
    if (!property || !model.has(property.key))
      throw new PriorUnavailable(`objective output ${t.name} is not a property the MI database has data on`);
    const gp = model.propertyModel(property.key);
    const own = completed.filter((o) => Number.isFinite(o.outputs?.[t.name]));
    const transfer = TransferModel.fit(
      gp,
      {
        points: own.map((o) => model.features(query(o.params), property.key)),
        values: own.map((o) => o.outputs![t.name]),
        uncertainties: own.map((o) => o.uncertainty?.[t.name] ?? 0),
      },
      { seed: `${request.seed}:${t.name}` },
    );
    // Before the campaign's first result the database model speaks alone (calibrated on held-out systems); from
    // then on the transfer model weighs it against the campaign's own data.
    const predict = (params: Params): PropertyPrediction =>
      own.length
        ? transfer.predict(model.features(query(params), property.key))
        : model.predict(query(params), property.key);
    return { name: t.name, property: property.key, transfer, predict };
  });

  const rng = createRng(`prior:${request.seed}`);
  const numbers = request.parameters.filter((p) => p.type === 'number');
  const sample = (): Params =>
    Object.fromEntries(
      request.parameters.map((p) =>
        p.type === 'number'
          ? [p.name, p.min + rng.next() * (p.max - p.min)]
          : [p.name, p.choices[Math.floor(rng.next() * p.choices.length)]],
      ),
    );
  let pool = Array.from({ length: request.pool ?? 512 }, sample);
  const unit = (params: Params) =>
    numbers.map((p) => (p.max > p.min ? ((params[p.name] as number) - p.min) / (p.max - p.min) : 0));
  // Common random numbers: the same normal draws for every candidate, so differences are the model's.
  const z = Array.from({ length: SAMPLES }, () => outputs.map(() => rng.normal(0, 1)));
  const best = completed.length
    ? Math.max(...completed.map((o) => scoreOf(request.objective, o.outputs!, o.params)))
    : Number.NEGATIVE_INFINITY;
  const acquisition = (params: Params): number => {
    const predictions = outputs.map((o) => o.predict(params));
    let total = 0;
    for (const draw of z) {
      const values: Record<string, number> = {};
      outputs.forEach((o, i) => {
        const p = predictions[i];
        values[o.name] = p.quantile(normalCdf(draw[i]));
      });
      const s = scoreOf(request.objective, values, params);
      total += Number.isFinite(best) ? Math.max(0, s - best) : s;
    }
    return total / SAMPLES;
  };
  const chosen: { params: Params; acquisitionValue: number }[] = [];
  let scored = pool.map((params) => ({ params, value: acquisition(params) }));
  // Without a result yet, the acquisition is the expected score itself: shift it to be positive for the penalty.
  const floor = Math.min(...scored.map((s) => s.value));
  scored = scored.map((s) => ({ ...s, value: Number.isFinite(best) ? s.value : s.value - floor }));
  // Local penalization around a point: what is near an experiment in flight or already chosen is worth less.
  const penalize = (around: Params) => {
    const at = unit(around);
    scored = scored.map((s) => {
      const d2 = unit(s.params).reduce((t, u, i) => t + (u - at[i]) ** 2, 0);
      return { ...s, value: s.value * (1 - Math.exp(-d2 / (2 * 0.15 ** 2))) };
    });
  };
  for (const o of request.observations) if (o.status === 'pending') penalize(o.params);
  for (let k = 0; k < request.batchSize && scored.length; k++) {
    scored.sort((a, b) => b.value - a.value);
    const pick = scored[0];
    chosen.push({ params: pick.params, acquisitionValue: Number(pick.value.toPrecision(6)) });
    if (k === 0 && request.groupBy?.length) {
      // A batch shares the grouped parameters (samples irradiated together): the rest is chosen with them fixed.
      const shared = Object.fromEntries(request.groupBy.map((g) => [g, pick.params[g]]));
      pool = pool.map((p) => ({ ...p, ...shared }));
      scored = pool.map((params) => ({ params, value: acquisition(params) }));
      if (!Number.isFinite(best)) scored = scored.map((s) => ({ ...s, value: s.value - floor }));
    }
    scored = scored.filter((s) => s.params !== pick.params);
    penalize(pick.params);
  }
  const tidy = (params: Params): Params =>
    Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toPrecision(6)) : v]),
    );
  const relatedness = Object.fromEntries(outputs.map((o) => [o.name, o.transfer.relatedness]));
  const version = versionHash('prior', {
    mi: model.version,
    transfer: outputs.map((o) => o.transfer.version),
    seed: request.seed,
  });
  return {
    candidates: chosen.map((c) => ({ params: tidy(c.params), acquisitionValue: c.acquisitionValue })),
    modelVersion: `${version}+${model.version}`,
    miModelVersion: model.version,
    strategy: 'database-prior',
    relatedness,
    relatedRecords: records.length,
  };
}

/**
 * Pareto objectives or outcome constraints with the database as prior: each output's database GP (a LatentModel,
 * so joint posterior samples are available) conditioned on the campaign's own results, then qNEHVI (Pareto) or the
 * constrained expected improvement of the weighted sum, as the campaign's own optimizer does. Unlike the transfer
 * model of a single objective, the database is not down-weighted here: the campaign's points correct it locally.
 */
function paretoWithDatabase(
  model: MiModel,
  query: (params: Params) => MaterialQuery,
  completed: readonly Observation[],
  request: PriorBatchRequest,
): Omit<PriorBatch, 'relatedRecords'> {
  const objective = request.objective;
  const names = [
    ...new Set([
      ...objective.targets.map((t) => t.name),
      ...(objective.constraints ?? []).map((c) => c.name),
    ]),
  ];
  const outcomes = new Map(
    names.map((name) => {
      const property = findProperty(name);
      if (!property || !model.has(property.key))
        throw new PriorUnavailable(`objective output ${name} is not a property the MI database has data on`);
      const own = completed.filter((o) => Number.isFinite(o.outputs?.[name]));
      const base = model.propertyModel(property.key);
      const gp = own.length
        ? base.withObservations({
            points: own.map((o) => model.features(query(o.params), property.key)),
            values: own.map((o) => o.outputs![name]),
            uncertainties: own.map((o) => o.uncertainty?.[name] ?? 0),
            ids: own.map((_, i) => `${request.campaignId}:${i}`),
            groups: own.map(() => request.campaignId),
          })
        : base;
      return [name, { name, model: gp, features: (p: Params) => model.features(query(p), property.key) }];
    }),
  );
  const rng = createRng(`prior-pareto:${request.seed}`);
  const sample = (): Params =>
    Object.fromEntries(
      request.parameters.map((p) =>
        p.type === 'number'
          ? [p.name, p.min + rng.next() * (p.max - p.min)]
          : [p.name, p.choices[Math.floor(rng.next() * p.choices.length)]],
      ),
    );
  let pool = Array.from({ length: request.pool ?? 384 }, sample);
  const costs = (objective.costs ?? []).map((c) => ({
    name: `cost:${c.parameter}`,
    known: (p: Params) => Number(p[c.parameter]),
    direction: 'minimize' as const,
    weight: Math.abs(c.weight),
  }));
  const constraints: OutcomeConstraint<Params>[] = (objective.constraints ?? []).map((c) => ({
    ...outcomes.get(c.name)!,
    ...(c.min !== undefined ? { min: c.min } : {}),
    ...(c.max !== undefined ? { max: c.max } : {}),
  }));
  const baseline = completed.map((o) => o.params);
  const pending = request.observations.filter((o) => o.status === 'pending').map((o) => o.params);
  const seed = `prior-pareto:${request.seed}`;
  const choose = (candidates: Params[], pend: Params[], q: number) => {
    if (objective.pareto) {
      const objectives: ParetoObjective<Params>[] = [
        ...objective.targets.map((t) => ({
          ...outcomes.get(t.name)!,
          direction: t.mode === 'min' ? ('minimize' as const) : ('maximize' as const),
        })),
        ...costs,
      ];
      return proposeParetoBatch({
        objectives,
        constraints,
        baseline,
        pending: pend,
        candidates,
        q,
        samples: 96,
        reference: paretoReference(objective),
        seed,
      });
    }
    const objectives: ParetoObjective<Params>[] = [
      ...objective.targets.map((t) => {
        const o = outcomes.get(t.name)!;
        if (t.mode !== 'match')
          return {
            ...o,
            direction: t.mode === 'min' ? ('minimize' as const) : ('maximize' as const),
            weight: t.weight ?? 1,
          };
        // |y − value| of the posterior median, a known function to minimize (see the optimizer's Pareto strategy).
        return {
          name: `match:${t.name}`,
          known: (p: Params) => Math.abs(o.model.predict(o.features(p)).median - (t.value ?? 0)),
          direction: 'minimize' as const,
          weight: t.weight ?? 1,
        };
      }),
      ...costs,
    ];
    return proposeWeightedSumBatch({
      objectives,
      constraints,
      baseline,
      pending: pend,
      candidates,
      q,
      samples: 96,
      seed,
    });
  };
  const grouped = request.groupBy ?? [];
  let result = choose(pool, pending, grouped.length ? 1 : request.batchSize);
  let proposals = [...result.proposals];
  if (grouped.length && request.batchSize > 1 && proposals.length) {
    const first = proposals[0].candidate;
    pool = pool.map((p) => ({ ...p, ...Object.fromEntries(grouped.map((g) => [g, first[g]])) }));
    result = choose(pool, [...pending, first], request.batchSize - 1);
    proposals = [...proposals, ...result.proposals];
  }
  const version = versionHash('prior', {
    mi: model.version,
    method: result.method,
    outcomes: names.map((n) => outcomes.get(n)!.model.version),
    seed: request.seed,
  });
  return {
    candidates: proposals.map((p) => ({
      params: Object.fromEntries(
        Object.entries(p.candidate).map(([k, v]) => [
          k,
          typeof v === 'number' ? Number(v.toPrecision(6)) : v,
        ]),
      ),
      acquisitionValue: Number(p.acquisition.toPrecision(6)),
      feasibility: Number(p.feasibility.toPrecision(4)),
    })),
    modelVersion: `${version}+${model.version}`,
    miModelVersion: model.version,
    strategy: 'database-prior',
    relatedness: {},
  };
}
