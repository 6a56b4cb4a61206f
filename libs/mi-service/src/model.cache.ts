import {
  MiModel,
  outputTransform,
  type DataSource,
  type MiModelOptions,
  type TrainingRecord,
  type TransformKind,
} from '@graftlab/mi-model';
import type { TrainingSet } from './training-records.mapping';

/** Where the model's data come from: a cheap version of the data, and the data themselves. */
export interface MiTrainingSource {
  /** Changes whenever the training data may have changed (the database's `miDataVersion`). */
  version(): Promise<string>;
  load(): Promise<TrainingSet>;
}

/**
 * Output transforms of the database's properties (catalogue keys): positive quantities spanning decades are learned
 * on a log scale; log1p where a value may be ~0. Properties not listed are learned as they are.
 */
export const MI_PROPERTY_TRANSFORMS: Readonly<Record<string, TransformKind>> = {
  degree_of_grafting: 'log1p',
  water_uptake: 'log1p',
  swelling: 'log1p',
  ion_exchange_capacity: 'log1p',
  adsorption_capacity: 'log1p',
  elongation_at_break: 'log1p',
  conductivity: 'log',
};

/** A property needs at least this many records to get a model. */
export const MIN_RECORDS_PER_PROPERTY = 3;

export interface TrainingSize {
  readonly records: number;
  readonly samples: number;
  readonly bySource: Readonly<Record<DataSource, number>>;
  readonly byProperty: Readonly<Record<string, number>>;
  /** Samples or values left out, with the reason. */
  readonly skipped: readonly { readonly sampleId: string; readonly reason: string }[];
}

export interface MiModelState {
  readonly model: MiModel;
  readonly dataVersion: string;
  readonly trainingSize: TrainingSize;
  /** 'fit': hyperparameters and encoding fitted; 'incremental': new records added to the last fit. */
  readonly mode: 'fit' | 'incremental';
  readonly trainingMs: number;
}

export interface MiModelStatus {
  readonly state: 'empty' | 'training' | 'ready';
  readonly dataVersion: string | null;
  readonly modelVersion: string | null;
  readonly trainingSize: TrainingSize | null;
  readonly mode: 'fit' | 'incremental' | null;
  readonly trainingMs: number | null;
}

export interface MiModelCacheOptions {
  readonly model?: Omit<MiModelOptions, 'transforms' | 'properties'>;
  /** A full refit when the records added since the last one exceed this share of it (default 0.25). */
  readonly refitShare?: number;
  /** Milliseconds since some origin, for the reported training time (default performance.now). */
  readonly now?: () => number;
}

export class NoTrainingData extends Error {}

/** The records the model can learn from: values its transforms accept, properties with enough records. */
export function usableRecords(set: TrainingSet): {
  records: TrainingRecord[];
  skipped: TrainingSize['skipped'];
} {
  const skipped = [...set.skipped];
  // The model places a system by its descriptors: a base polymer or monomer without any of the descriptors the
  // others have would sit at the median of every one of them, an average material it is not.
  const baseNames = new Set(set.records.flatMap((r) => Object.keys(r.system.basePolymer.descriptors)));
  const monomerNames = new Set(
    set.records.flatMap((r) => r.system.monomers.flatMap((m) => Object.keys(m.descriptors))),
  );
  const placed = (d: Readonly<Record<string, number>>, names: ReadonlySet<string>) =>
    names.size === 0 || Object.keys(d).some((k) => names.has(k));
  const described = set.records.filter((r) => {
    const bare = [
      ...(placed(r.system.basePolymer.descriptors, baseNames) ? [] : [r.system.basePolymer.id]),
      ...r.system.monomers.filter((m) => !placed(m.descriptors, monomerNames)).map((m) => m.id),
    ];
    if (bare.length)
      skipped.push({
        sampleId: r.id.split('/')[0],
        reason: `${r.property}: no descriptors for ${bare.join(', ')} (fill them, e.g. graftlab import --fill-descriptors)`,
      });
    return bare.length === 0;
  });
  const accepted = described.filter((r) => {
    const ok = outputTransform(MI_PROPERTY_TRANSFORMS[r.property] ?? 'identity').accepts(r.value);
    if (!ok)
      skipped.push({
        sampleId: r.id.split('/')[0],
        reason: `${r.property} = ${r.value} ${r.unit} cannot be learned`,
      });
    return ok;
  });
  const counts = new Map<string, number>();
  for (const r of accepted) counts.set(r.property, (counts.get(r.property) ?? 0) + 1);
  for (const [property, n] of counts)
    if (n < MIN_RECORDS_PER_PROPERTY)
      skipped.push({
        sampleId: '*',
        reason: `${property}: ${n} record(s), a model needs ${MIN_RECORDS_PER_PROPERTY}`,
      });
  return { records: accepted.filter((r) => counts.get(r.property)! >= MIN_RECORDS_PER_PROPERTY), skipped };
}

function sizeOf(records: readonly TrainingRecord[], skipped: TrainingSize['skipped']): TrainingSize {
  const bySource: Record<DataSource, number> = { lab: 0, history: 0, literature: 0 };
  const byProperty: Record<string, number> = {};
  for (const r of records) {
    bySource[r.source]++;
    byProperty[r.property] = (byProperty[r.property] ?? 0) + 1;
  }
  const samples = new Set(records.map((r) => r.id.split('/')[0])).size;
  return { records: records.length, samples, bySource, byProperty, skipped };
}

const same = (a: TrainingRecord, b: TrainingRecord) =>
  a.value === b.value && a.uncertainty === b.uncertainty && a.systemId === b.systemId;

/**
 * The database-wide MI model, trained when the data change and never per request: each `current()` asks the source
 * for its data version (one cheap query) and returns the cached model while it is unchanged. New data that only add
 * records are added to the fitted model (its Cholesky factors extended, hyperparameters kept) until they amount to
 * `refitShare` of the last full fit, which then happens again; any other change (a value, a descriptor, a removed
 * sample) is a full fit. Concurrent callers share one training.
 */
export class MiModelCache {
  private state?: MiModelState;
  private training?: { version: string; promise: Promise<MiModelState> };
  private recordsAtFit = 0;

  constructor(
    private readonly source: MiTrainingSource,
    private readonly options: MiModelCacheOptions = {},
  ) {}

  /** The model for the data as they are now (trained first if they changed). */
  async current(): Promise<MiModelState> {
    const version = await this.source.version();
    if (this.state?.dataVersion === version) return this.state;
    if (this.training?.version === version) return this.training.promise;
    const promise = this.train(version).finally(() => {
      if (this.training?.promise === promise) this.training = undefined;
    });
    this.training = { version, promise };
    return promise;
  }

  /** Whether a model is ready, being trained, or not yet asked for (never trains). */
  status(): MiModelStatus {
    const s = this.state;
    return {
      state: this.training ? 'training' : s ? 'ready' : 'empty',
      dataVersion: s?.dataVersion ?? null,
      modelVersion: s?.model.version ?? null,
      trainingSize: s?.trainingSize ?? null,
      mode: s?.mode ?? null,
      trainingMs: s?.trainingMs ?? null,
    };
  }

  private async train(version: string): Promise<MiModelState> {
    const now = this.options.now ?? (() => performance.now());
    const { records, skipped } = usableRecords(await this.source.load());
    if (records.length === 0)
      throw new NoTrainingData('the MI database holds no measured sample the model can learn from yet');
    const start = now();
    const previous = this.state;
    let model: MiModel | undefined;
    let mode: MiModelState['mode'] = 'fit';
    if (previous) {
      const before = new Map(
        previous.model.properties.flatMap((p) => previous.model.records(p).map((r) => [r.id, r])),
      );
      const kept = records.filter((r) => before.has(r.id));
      const added = records.filter((r) => !before.has(r.id));
      const unchanged = kept.length === before.size && kept.every((r) => same(r, before.get(r.id)!));
      const refitShare = this.options.refitShare ?? 0.25;
      if (unchanged && records.length - this.recordsAtFit <= refitShare * this.recordsAtFit) {
        model = added.length ? previous.model.withRecords(added) : previous.model;
        mode = 'incremental';
      }
    }
    if (!model) {
      model = MiModel.fit(records, { ...this.options.model, transforms: MI_PROPERTY_TRANSFORMS });
      this.recordsAtFit = records.length;
    }
    const state: MiModelState = {
      model,
      dataVersion: version,
      trainingSize: sizeOf(records, skipped),
      mode,
      trainingMs: Math.round(now() - start),
    };
    this.state = state;
    return state;
  }
}
