import { miDataVersion, readMiMaterials, readMiSamples, type Db, type MiMaterials } from '@graftlab/db';
import { rankForTargets, type MaterialQuery } from '@graftlab/mi-model';
import {
  MiModelCache,
  type MiModelCacheOptions,
  type MiModelState,
  type MiModelStatus,
  type TrainingSize,
} from './model.cache';
import type { MiThread } from './model.thread-client';
import { RANK_SPEC_SCHEMA, resolveRankSpec, type ResolvedRankRequest } from './rank.request';
import { DocumentError, zodProblems } from '@graftlab/validation';
import { trainingSet } from './training-records.mapping';

export interface RankedPrediction {
  readonly property: string;
  readonly unit: string;
  readonly at?: number;
  readonly min?: number;
  readonly max?: number;
  readonly mean: number;
  readonly sd: number;
  readonly median: number;
  readonly lower90: number;
  readonly upper90: number;
  /** P(this target met). */
  readonly probability: number;
}

/** How the proposal is made: the irradiation and grafting conditions. */
export interface ProposalConditions {
  readonly method: string;
  readonly source: string;
  readonly atmosphere: string;
  readonly doseKGy: number;
  readonly doseRateKGyPerH?: number;
  readonly concentrationWtPct: number;
  readonly temperatureC: number;
  readonly timeH: number;
  readonly storageH?: number;
  readonly medium?: string;
}

export interface RankProposal {
  readonly rank: number;
  readonly basePolymer: string;
  readonly monomers: readonly { readonly name: string; readonly fraction: number }[];
  readonly conditions: ProposalConditions;
  /** P(every target met), targets taken as independent. */
  readonly probability: number;
  /** The closest call: the smallest distance of a median inside its bounds, in the property's training sd. */
  readonly margin: number;
  readonly predictions: readonly RankedPrediction[];
}

export interface RankResponse {
  readonly modelVersion: string;
  readonly dataVersion: string;
  readonly trainingSize: TrainingSize;
  readonly evaluated: number;
  readonly proposals: readonly RankProposal[];
}

const round = (x: number, digits = 6) => Number(x.toPrecision(digits));

function conditionsOf(q: MaterialQuery): ProposalConditions {
  const c = q.conditions;
  return {
    method: q.irradiation.method,
    source: q.irradiation.source,
    atmosphere: q.irradiation.atmosphere,
    doseKGy: round(q.irradiation.doseKGy, 4),
    ...(q.irradiation.doseRateKGyPerH !== undefined
      ? { doseRateKGyPerH: round(q.irradiation.doseRateKGyPerH, 4) }
      : {}),
    concentrationWtPct: round(c.concentrationWtPct, 4),
    temperatureC: round(c.temperatureC, 4),
    timeH: round(c.timeH, 4),
    ...(c.storageH !== undefined ? { storageH: round(c.storageH, 4) } : {}),
    ...(c.medium !== undefined ? { medium: c.medium } : {}),
  };
}

/** Ranks the candidate systems of a resolved request with the model; values in the units the targets were asked in. */
export function rankWith(state: MiModelState, request: ResolvedRankRequest): RankResponse {
  const ranking = rankForTargets(
    state.model,
    { targets: request.targets.map((t) => t.model), candidates: request.candidates },
    { top: request.top, seed: request.seed ?? 'rank' },
  );
  const proposals = ranking.proposals.map<RankProposal>((p) => {
    const total = p.system.monomers.reduce((s, m) => s + m.fraction, 0) || 1;
    return {
      rank: p.rank,
      basePolymer: p.system.basePolymer.id,
      monomers: p.system.monomers.map((m) => ({ name: m.id, fraction: round(m.fraction / total, 4) })),
      conditions: conditionsOf(p.query),
      probability: round(p.probability, 4),
      margin: round(p.margin, 4),
      predictions: p.predictions.map((pred, i) => {
        const t = request.targets[i];
        const to = t.toAsked;
        // A linear unit change: the sd scales with the unit (|to(sd) − to(0)|).
        const sd = Math.abs(to(pred.sd) - to(0));
        return {
          property: t.model.property,
          unit: t.asked.unit,
          ...(t.model.at !== undefined ? { at: t.model.at } : {}),
          ...(t.asked.min !== undefined ? { min: t.asked.min } : {}),
          ...(t.asked.max !== undefined ? { max: t.asked.max } : {}),
          mean: round(to(pred.mean)),
          sd: round(sd),
          median: round(to(pred.median)),
          lower90: round(Math.min(to(pred.lower90), to(pred.upper90))),
          upper90: round(Math.max(to(pred.lower90), to(pred.upper90))),
          probability: round(pred.probability, 4),
        };
      }),
    };
  });
  return {
    modelVersion: state.model.version,
    dataVersion: state.dataVersion,
    trainingSize: state.trainingSize,
    evaluated: ranking.evaluated,
    proposals,
  };
}

/** Checks the spec against a trained model and the database's materials, then ranks (no I/O: the thread runs it). */
export function rankSpec(state: MiModelState, materials: MiMaterials, spec: unknown): RankResponse {
  const records = state.model.properties.flatMap((p) => state.model.records(p));
  return rankWith(state, resolveRankSpec(spec, state.model, materials, records));
}

export interface MiModelServiceOptions extends MiModelCacheOptions {
  /**
   * Train and rank in a worker thread (the API does: a fit takes seconds and must not stall the e-stop, the live
   * feed or the health check); in-process by default.
   */
  readonly thread?: MiThread;
}

/**
 * The MI model over a graftlab database: trained when the database's content changes (its data version), ranking
 * candidate systems for a target spec. No Nest here: the API wraps it, tests use it directly.
 */
export class MiModelService {
  readonly cache: MiModelCache;
  private readonly thread?: MiThread;

  constructor(
    private readonly db: Db,
    options: MiModelServiceOptions = {},
  ) {
    this.thread = options.thread;
    this.cache = new MiModelCache(
      {
        version: () => miDataVersion(db),
        load: async () => trainingSet(await readMiSamples(db)),
      },
      options,
    );
  }

  /** The in-process model (training it if the data changed). */
  current(): Promise<MiModelState> {
    return this.cache.current();
  }

  status(): MiModelStatus {
    return this.thread ? this.thread.status('rank') : this.cache.status();
  }

  materials(): Promise<MiMaterials> {
    return readMiMaterials(this.db);
  }

  /** Checks the spec (DocumentError with pointers), then ranks with the current model. */
  async rank(spec: unknown): Promise<RankResponse> {
    // The shape first: a malformed spec is refused without training anything.
    const parsed = RANK_SPEC_SCHEMA.safeParse(spec);
    if (!parsed.success) throw new DocumentError(zodProblems(parsed.error, spec));
    if (this.thread) {
      const version = await miDataVersion(this.db);
      return this.thread.rank(
        version,
        async () => trainingSet(await readMiSamples(this.db)),
        await this.materials(),
        spec,
      );
    }
    return rankSpec(await this.current(), await this.materials(), spec);
  }
}
